/* The HTML report's script (report_html.c inlines it after Chart.js). The
 * page is complete without it: this only adds what needs a script. The
 * table is the one source of the figures: the charts read its rows, so
 * what the charts show is what the table says. Names reach the page as
 * text only (textContent, canvas labels), never as markup. */
(function () {
	"use strict";

	var BUSIEST = 20; /* domains in the two charts */
	var STATUS_NAMES = {
		"whitelist": "whitelist",
		"do-not-whitelist": "do not whitelist",
		"not-needed": "not needed",
		"whitelisted": "already whitelisted",
		"ignored": "ignored",
		"below": "below the threshold"
	};

	function cssVar(name) {
		return getComputedStyle(document.documentElement)
			.getPropertyValue(name).trim();
	}

	function rows() {
		return Array.prototype.slice.call(
			document.querySelectorAll("#domains tbody tr"));
	}

	function numbers(text) {
		return text ? text.split(" ").map(Number) : [];
	}

	function cellValue(row, col) {
		var cell = row.cells[col];
		var v = cell.getAttribute("data-v");
		return v !== null ? v : cell.textContent;
	}

	/* ---- times: the reader's zone, UTC kept beside it (in the table,
	 * where room is short, in the tooltip) ---- */
	function localTimes() {
		var fmt = new Intl.DateTimeFormat(undefined, {
			dateStyle: "medium", timeStyle: "short"
		});
		document.querySelectorAll("time[datetime]").forEach(function (t) {
			var d = new Date(t.getAttribute("datetime"));
			if (isNaN(d.getTime()))
				return;
			t.title = t.textContent;
			t.textContent = fmt.format(d) +
				(t.closest("table") ? "" : " (" + t.title + ")");
		});
	}

	/* ---- sorting: a button in each column head ---- */
	function sortBy(th, col) {
		var tbody = document.querySelector("#domains tbody");
		var numeric = th.getAttribute("data-kind") === "num";
		var desc = th.getAttribute("aria-sort") !== "descending";
		var list = rows();

		list.sort(function (a, b) {
			var x = cellValue(a, col), y = cellValue(b, col), r;
			if (numeric) {
				/* empty (no figure) sorts after every number */
				x = x === "" ? -Infinity : Number(x);
				y = y === "" ? -Infinity : Number(y);
				r = x < y ? -1 : x > y ? 1 : 0;
			} else {
				r = x.localeCompare(y);
			}
			return desc ? -r : r;
		});
		document.querySelectorAll("#domains thead th").forEach(
			function (h) { h.removeAttribute("aria-sort"); });
		th.setAttribute("aria-sort", desc ? "descending" : "ascending");
		list.forEach(function (r) { tbody.appendChild(r); });
	}

	function sorting() {
		document.querySelectorAll("#domains thead th").forEach(
			function (th, col) {
				var b = th.querySelector("button");
				if (b)
					b.addEventListener("click", function () {
						sortBy(th, col);
					});
			});
	}

	/* ---- the charts (only with Chart.js) ---- */
	function busiest(list) {
		var shown = list.slice(0, BUSIEST);
		var statuses = [];
		shown.forEach(function (r) {
			var s = r.getAttribute("data-status");
			if (statuses.indexOf(s) < 0)
				statuses.push(s);
		});
		/* One dataset per verdict, stacked: each bar has one colour
		 * and the legend names the verdicts. */
		var datasets = statuses.map(function (s) {
			return {
				label: STATUS_NAMES[s] || s,
				backgroundColor: cssVar("--" + s),
				data: shown.map(function (r) {
					return r.getAttribute("data-status") === s
						? Number(r.getAttribute("data-gl"))
						: null;
				})
			};
		});
		return new Chart(document.getElementById("chart-busiest"), {
			type: "bar",
			data: {
				labels: shown.map(function (r) {
					return r.cells[1].textContent;
				}),
				datasets: datasets
			},
			options: {
				indexAxis: "y", animation: false,
				maintainAspectRatio: false, responsive: true,
				scales: {
					x: { stacked: true, title: { display: true,
						text: "greylisted mails" } },
					y: { stacked: true, ticks: { autoSkip: false } }
				}
			}
		});
	}

	function waits(list) {
		var shown = list.filter(function (r) {
			return r.getAttribute("data-wait-p90") !== null ||
				Number(r.getAttribute("data-never")) > 0;
		}).slice(0, BUSIEST);
		function minutes(attr) {
			return shown.map(function (r) {
				var v = r.getAttribute(attr);
				return v === null ? null : Math.max(Number(v), 1) / 60;
			});
		}
		/* The mails that never got through, on an axis of their own,
		 * only when there are any: an empty 0..1 axis says nothing. */
		var failed = shown.some(function (r) {
			return Number(r.getAttribute("data-never")) > 0;
		});
		var sets = [
			{ label: "median wait", data: minutes("data-wait-median"),
			  backgroundColor: "#9ecae1", xAxisID: "x" },
			{ label: "p90 wait", data: minutes("data-wait-p90"),
			  backgroundColor: "#4292c6", xAxisID: "x" },
			{ label: "longest wait", data: minutes("data-wait-max"),
			  backgroundColor: "#08519c", xAxisID: "x" }
		];
		if (failed)
			sets.push({ label: "never got through (mails)",
				    data: shown.map(function (r) {
					return Number(r.getAttribute("data-never"));
				    }),
				    backgroundColor: cssVar("--whitelist"),
				    xAxisID: "x2" });
		return new Chart(document.getElementById("chart-waits"), {
			type: "bar",
			data: {
				labels: shown.map(function (r) {
					return r.cells[1].textContent;
				}),
				datasets: sets
			},
			options: {
				indexAxis: "y", animation: false,
				maintainAspectRatio: false, responsive: true,
				scales: {
					x: { type: "logarithmic", position: "bottom",
					     title: { display: true,
						      text: "minutes from first attempt to acceptance" } },
					x2: { display: failed, position: "top",
					      beginAtZero: true, ticks: { precision: 0 },
					      grid: { drawOnChartArea: false },
					      title: { display: true,
						       text: "mails that never got through" } },
					y: { ticks: { autoSkip: false } }
				}
			}
		});
	}

	/* Slot start times for the trends' tooltips. */
	function slotLabels(table) {
		var start = Date.parse(table.getAttribute("data-series-start"));
		var step = Number(table.getAttribute("data-slot-seconds")) * 1000;
		var n = Number(table.getAttribute("data-slots"));
		var fmt = new Intl.DateTimeFormat(undefined, {
			month: "short", day: "numeric", hour: "2-digit",
			minute: "2-digit"
		});
		var out = [], i;
		for (i = 0; i < n; i++)
			out.push(fmt.format(new Date(start + i * step)));
		return out;
	}

	function trendChart(row, labels) {
		var cell = row.querySelector("td.trend");
		var canvas = document.createElement("canvas");
		/* Its drawing size: Chart.js keeps a canvas that is not
		 * responsive at the size its attributes give. */
		canvas.width = 144;
		canvas.height = 40;
		canvas.setAttribute("role", "img");
		canvas.setAttribute("aria-label", "greylisted and passed per slot: " +
			cell.textContent);
		cell.appendChild(canvas);
		cell.querySelector(".series").hidden = true;
		row.greyscanTrend = new Chart(canvas, {
			type: "line",
			data: {
				labels: labels,
				datasets: [
					{ label: "greylisted", data: numbers(row.getAttribute("data-sg")),
					  borderColor: cssVar("--whitelist"), pointRadius: 0,
					  borderWidth: 1.5 },
					{ label: "passed", data: numbers(row.getAttribute("data-sp")),
					  borderColor: cssVar("--not-needed"), pointRadius: 0,
					  borderWidth: 1.5 }
				]
			},
			options: {
				animation: false, responsive: false,
				plugins: { legend: { display: false } },
				interaction: { mode: "index", intersect: false },
				scales: { x: { display: false },
					  y: { display: false, beginAtZero: true } }
			}
		});
	}

	/* A trend is drawn when its row comes into view: a page of 10000
	 * domains would otherwise build 10000 charts at load. */
	function trends() {
		var table = document.getElementById("domains");
		if (table.getAttribute("data-slots") === null)
			return;
		var labels = slotLabels(table);
		var seen = new IntersectionObserver(function (entries) {
			entries.forEach(function (e) {
				if (!e.isIntersecting || e.target.greyscanTrend)
					return;
				trendChart(e.target, labels);
				seen.unobserve(e.target);
			});
		}, { rootMargin: "200px" });
		rows().forEach(function (r) { seen.observe(r); });
	}

	function charts() {
		var list = rows();
		if (typeof Chart === "undefined" || list.length === 0)
			return;
		document.getElementById("charts").hidden = false;
		window.greyscanCharts = { busiest: busiest(list), waits: waits(list) };
		trends();
	}

	localTimes();
	sorting();
	charts();
})();
