/* The domains' table of the HTML report (html_text.h): one row per group,
 * busiest first, each cell a figure the reader can sort by (data-v holds
 * the number behind a formatted cell), and on each row the attributes the
 * page's script draws from: data-status, data-gl (greylisted), data-never
 * (came back, never passed), data-wait-median/-p90/-max (seconds, absent
 * when no wait is known) and data-sg/data-sp (the series: greylisted and
 * passed per slot). */
#include "gs_config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/duration.h"
#include "advice/html_text.h"

/* A table row: a group of the summary with what the advice made of it. */
struct row {
	const struct gs_group_stats *g;
	const struct gs_candidate *c; /* NULL: below the threshold */
	uint64_t greylisted;	      /* new + early_retry */
	uint64_t never_passed; /* came back, never got through (has_pairs) */
};

/* The status names are the CSS classes (v-NAME, --NAME) and the script's
 * keys; the labels are what the reader sees. */
static const char *status_of(const struct row *r)
{
	if (r->c == NULL)
		return "below";
	switch (r->c->state) {
	case GS_CAND_COVERED:
		return "whitelisted";
	case GS_CAND_IGNORED:
		return "ignored";
	default:
		return gs_verdict_name(r->c->verdict);
	}
}

static const char *status_label(const char *status)
{
	static const char *const names[][2] = {
	    {"whitelist", "whitelist"},
	    {"do-not-whitelist", "do not whitelist"},
	    {"not-needed", "not needed"},
	    {"whitelisted", "already whitelisted"},
	    {"ignored", "ignored"},
	    {"below", "below the threshold"},
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i][0], status) == 0)
			return names[i][1];
	return status;
}

static int row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->greylisted != y->greylisted)
		return x->greylisted > y->greylisted ? -1 : 1;
	return strcmp(x->g->domain, y->g->domain);
}

/* The rows, busiest first, each with its candidate. */
static struct row *make_rows(const struct gs_summary *s,
			     const struct gs_candidates *c)
{
	struct row *rows =
	    calloc(s->n_groups > 0 ? s->n_groups : 1, sizeof(*rows));
	struct gs_pair_figures f;
	size_t i, k;

	if (rows == NULL)
		return NULL;
	for (i = 0; i < s->n_groups; i++) {
		rows[i].g = &s->groups[i];
		rows[i].greylisted = s->groups[i].counts[GS_C_NEW] +
				     s->groups[i].counts[GS_C_EARLY_RETRY];
		if (s->groups[i].has_pairs) {
			gs_verdict_figures(&s->groups[i].pairs, &f);
			rows[i].never_passed = gs_verdict_never_passed(&f);
		}
	}
	for (k = 0; c != NULL && k < c->n_items; k++) {
		i = (size_t)(c->items[k].group - s->groups);
		if (c->items[k].group >= s->groups && i < s->n_groups)
			rows[i].c = &c->items[k];
	}
	qsort(rows, s->n_groups, sizeof(*rows), row_cmp);
	return rows;
}

static const char *const columns[][2] = {
    /* heading, "num" or "text" */
    {"#", "num"},
    {"Sender domain", "text"},
    {"Verdict", "text"},
    {"Greylisted", "num"},
    {"Passed after a wait", "num"},
    {"Median wait", "num"},
    {"p90 wait", "num"},
    {"Longest wait", "num"},
    {"Came back, never got through", "num"},
    {"Never came back", "num"},
    {"Addresses", "num"},
    {"Networks", "num"},
    {"First seen", "num"},
    {"Last seen", "num"},
    {"Trend (greylisted; passed per slot)", "text"},
    {"Whitelist line", "text"},
    {"Evidence", "text"},
};

static void table_head(FILE *out, const struct gs_summary *s, size_t shown)
{
	size_t i;

	(void)fputs("<section aria-labelledby=\"h-domains\">\n"
		    "<h2 id=\"h-domains\">Sender domains</h2>\n"
		    "<div class=\"table-wrap\">\n<table id=\"domains\"",
		    out);
	if (s->has_series && s->series_slots > 0) {
		(void)fputs(" data-series-start=\"", out);
		gs_html_iso(out, s->series_start);
		(void)fprintf(out,
			      "\" data-slot-seconds=\"%" PRIu32
			      "\" data-slots=\"%zu\"",
			      s->series_slot_s, s->series_slots);
	}
	(void)fprintf(out,
		      ">\n<caption>%zu of %zu sender domains, the most "
		      "greylisted first. Sort by a column with its "
		      "heading.</caption>\n<thead><tr>",
		      shown, s->n_groups);
	for (i = 0; i < sizeof(columns) / sizeof(columns[0]); i++)
		(void)fprintf(out,
			      "<th scope=\"col\" class=\"%s\" data-kind=\"%s\">"
			      "<button type=\"button\">%s</button></th>",
			      i == 1 ? "name" : columns[i][1], columns[i][1],
			      columns[i][0]);
	(void)fputs("</tr></thead>\n<tbody>\n", out);
}

static void count_cell(FILE *out, bool known, uint64_t v)
{
	if (known)
		(void)fprintf(out, "<td>%" PRIu64 "</td>", v);
	else
		(void)fputs("<td data-v=\"\">n/a</td>", out);
}

static void wait_cell(FILE *out, bool known, uint32_t s)
{
	char buf[24];

	if (!known) {
		(void)fputs("<td data-v=\"\">n/a</td>", out);
		return;
	}
	gs_format_duration(s, buf, sizeof(buf));
	(void)fprintf(out, "<td data-v=\"%" PRIu32 "\">%s</td>", s, buf);
}

static void time_cell(FILE *out, time_t t)
{
	(void)fprintf(out, "<td data-v=\"%lld\">", (long long)t);
	gs_html_time(out, t);
	(void)fputs("</td>", out);
}

/* The series as space-separated numbers, for an attribute or the text. */
static void series(FILE *out, const struct gs_summary *s,
		   const struct gs_group_stats *g, bool passed)
{
	size_t i;

	for (i = 0; g->series != NULL && i < s->series_slots; i++)
		(void)fprintf(out, "%s%" PRIu64, i > 0 ? " " : "",
			      passed ? g->series[i].passed
				     : g->series[i].greylisted);
}

static void row_attrs(FILE *out, const struct gs_summary *s,
		      const struct row *r)
{
	const struct gs_pair_stats *p = &r->g->pairs;

	(void)fprintf(out, "<tr data-status=\"%s\" data-gl=\"%" PRIu64 "\"",
		      status_of(r), r->greylisted);
	if (r->g->has_pairs)
		(void)fprintf(out, " data-never=\"%" PRIu64 "\"",
			      r->never_passed);
	if (r->g->has_pairs && p->has_wait)
		(void)fprintf(out,
			      " data-wait-median=\"%" PRIu32
			      "\" data-wait-p90=\"%" PRIu32
			      "\" data-wait-max=\"%" PRIu32 "\"",
			      p->wait_median_s, p->wait_p90_s, p->wait_max_s);
	if (s->has_series && r->g->series != NULL) {
		(void)fputs(" data-sg=\"", out);
		series(out, s, r->g, false);
		(void)fputs("\" data-sp=\"", out);
		series(out, s, r->g, true);
		(void)putc('"', out);
	}
	(void)putc('>', out);
}

/* The line to add, or the entry that already covers or ignores it. */
static void advice_cells(FILE *out, const struct row *r)
{
	const struct gs_candidate *c = r->c;

	(void)fputs("<td class=\"text entry\">", out);
	if (c != NULL && c->state == GS_CAND_CANDIDATE &&
	    c->verdict == GS_VERDICT_WHITELIST && c->entry[0] != '\0') {
		(void)fputs("<code>", out);
		gs_html_text(out, c->entry);
		(void)fputs("</code>", out);
	} else if (c != NULL && (c->state == GS_CAND_COVERED ||
				 c->state == GS_CAND_IGNORED)) {
		(void)fputs(c->state == GS_CAND_COVERED ? "covered by "
							: "ignored by ",
			    out);
		gs_html_text(out, c->hit.file);
		(void)fprintf(out, ":%u: <code>", c->hit.line);
		gs_html_text(out, c->hit.entry);
		(void)fputs("</code>", out);
	}
	(void)fputs("</td><td class=\"text evidence\">", out);
	if (c != NULL) {
		gs_html_text(out, c->reason);
		if (c->detail[0] != '\0') {
			(void)fputs("; ", out);
			gs_html_text(out, c->detail);
		}
	}
	(void)fputs("</td>", out);
}

static void row(FILE *out, const struct gs_summary *s, const struct row *r,
		size_t rank)
{
	const struct gs_group_stats *g = r->g;
	const struct gs_pair_stats *p = &g->pairs;
	const char *status = status_of(r);

	row_attrs(out, s, r);
	(void)fprintf(out, "<td>%zu</td><th scope=\"row\">", rank);
	gs_html_text(out, g->domain);
	(void)fprintf(out,
		      "</th><td class=\"text\"><span class=\"verdict "
		      "v-%s\">%s</span></td>",
		      status, status_label(status));
	count_cell(out, true, r->greylisted);
	count_cell(out, true, g->counts[GS_C_DELAYED]);
	wait_cell(out, g->has_pairs && p->has_wait, p->wait_median_s);
	wait_cell(out, g->has_pairs && p->has_wait, p->wait_p90_s);
	wait_cell(out, g->has_pairs && p->has_wait, p->wait_max_s);
	count_cell(out, g->has_pairs, r->never_passed);
	count_cell(out, g->has_pairs, p->never_returned);
	count_cell(out, true, g->client_addresses);
	count_cell(out, true, g->networks);
	time_cell(out, g->first_seen);
	time_cell(out, g->last_seen);
	(void)fputs("<td class=\"trend\"><span class=\"series\">", out);
	series(out, s, g, false);
	(void)fputs("; ", out);
	series(out, s, g, true);
	(void)fputs("</span></td>", out);
	advice_cells(out, r);
	(void)fputs("</tr>\n", out);
}

int gs_html_table(FILE *out, const struct gs_summary *s,
		  const struct gs_candidates *c, size_t limit)
{
	struct row *rows = make_rows(s, c);
	size_t n, i;

	if (rows == NULL)
		return -1;
	n = limit != 0 && limit < s->n_groups ? limit : s->n_groups;
	table_head(out, s, n);
	for (i = 0; i < n; i++)
		row(out, s, &rows[i], i + 1);
	(void)fputs("</tbody>\n</table>\n</div>\n</section>\n", out);
	free(rows);
	return 0;
}
