/* The views of a summary for `greyscan report`: an aligned table for people
 * and a JSON object for scripts (the window, the totals and the rows), both
 * one row per group in summary order. When the summary lists only the
 * busiest groups (totals.groups is larger than its domains), the table ends
 * with a line that says so.
 *
 * Delays and waits in the table are short and human-friendly, two units at
 * most: "42s", "5m12s", "3h04m", "2d01h"; "-" when the group had no
 * delayed passes (delays) or no pair passed (waits). The wait and
 * never-passed columns show "n/a" for a summary without pair evidence
 * (version 1). The JSON view gives them in plain seconds, null when not
 * known. */
#include "gs_config.h"

#include "advice/report.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libfastjson/json.h>

#include "base/duration.h"
#include "base/json.h"
#include "advice/evidence_json.h"
#include "advice/verdict.h"

#define NUM_LEN 24   /* bytes of a uint64 in decimal, NUL included */
#define COL_GAP "  " /* between table columns */

enum col {
	COL_RANK,
	COL_DOMAIN,
	COL_NEW,
	COL_EARLY,
	COL_DELAYED,
	COL_MEDIAN,
	COL_MAX,
	COL_WAIT,
	COL_P90,
	COL_NEVER,
	COL_ADDRS,
	COL_NETS,
	COL_EXAMPLE,
	N_COLS
};

static const char *const col_title[N_COLS] = {
    "#",      "DOMAIN", "NEW",	       "EARLY-RETRY", "DELAYED",
    "MEDIAN", "MAX",	"WAIT-MEDIAN", "WAIT-P90",    "NEVER-PASSED",
    "ADDRS",  "NETS",	"EXAMPLE",
};
#define NO_EVIDENCE "n/a" /* the wait columns of a version 1 summary */

/* Text columns are left-aligned, numbers right-aligned. */
static int col_left(enum col c)
{
	return c == COL_DOMAIN || c == COL_EXAMPLE;
}

/* A delay column: "-" when the group had no delayed pass. */
static void format_delay(char *buf, size_t len, uint64_t n, uint32_t s)
{
	if (n == 0)
		snprintf(buf, len, "-");
	else
		gs_format_duration(s, buf, len);
}

/* One table row as text; the strings point into bufs or into the summary. */
struct row {
	const char *cell[N_COLS];
	char num[N_COLS][NUM_LEN];
};

/* The wait and never-passed columns from the pair evidence. */
static void fill_waits(struct row *r, const struct gs_group_stats *g)
{
	const struct gs_pair_stats *p = &g->pairs;
	struct gs_pair_figures f;

	if (!g->has_pairs) {
		snprintf(r->num[COL_WAIT], NUM_LEN, NO_EVIDENCE);
		snprintf(r->num[COL_P90], NUM_LEN, NO_EVIDENCE);
		snprintf(r->num[COL_NEVER], NUM_LEN, NO_EVIDENCE);
		return;
	}
	format_delay(r->num[COL_WAIT], NUM_LEN, p->has_wait, p->wait_median_s);
	format_delay(r->num[COL_P90], NUM_LEN, p->has_wait, p->wait_p90_s);
	gs_verdict_figures(p, &f);
	snprintf(r->num[COL_NEVER], NUM_LEN, "%" PRIu64,
		 gs_verdict_never_passed(&f));
}

static void fill_row(struct row *r, const struct gs_group_stats *g, size_t rank)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->num[COL_RANK], NUM_LEN, "%zu", rank);
	snprintf(r->num[COL_NEW], NUM_LEN, "%" PRIu64, g->counts[GS_C_NEW]);
	snprintf(r->num[COL_EARLY], NUM_LEN, "%" PRIu64,
		 g->counts[GS_C_EARLY_RETRY]);
	snprintf(r->num[COL_DELAYED], NUM_LEN, "%" PRIu64,
		 g->counts[GS_C_DELAYED]);
	format_delay(r->num[COL_MEDIAN], NUM_LEN, g->delay_count,
		     g->delay_median_s);
	format_delay(r->num[COL_MAX], NUM_LEN, g->delay_count, g->delay_max_s);
	fill_waits(r, g);
	snprintf(r->num[COL_ADDRS], NUM_LEN, "%" PRIu32, g->client_addresses);
	snprintf(r->num[COL_NETS], NUM_LEN, "%" PRIu32, g->networks);
	for (int c = 0; c < N_COLS; c++)
		r->cell[c] = r->num[c];
	r->cell[COL_DOMAIN] = g->domain != NULL ? g->domain : "";
	r->cell[COL_EXAMPLE] =
	    g->n_examples > 0 && g->examples[0] != NULL ? g->examples[0] : "-";
}

/* Display width: UTF-8 continuation bytes take no column. */
static size_t text_width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* Writes s, control bytes shown as '?' so that a hostile name cannot steer
 * the terminal, padded with spaces to width. */
static int put_cell(FILE *out, const char *s, size_t width, int left)
{
	size_t w = text_width(s), pad = width > w ? width - w : 0;

	if (!left)
		for (; pad > 0; pad--)
			if (putc(' ', out) == EOF)
				return -1;
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (putc(ch < 0x20 || ch == 0x7f ? '?' : ch, out) == EOF)
			return -1;
	}
	if (left)
		for (; pad > 0; pad--)
			if (putc(' ', out) == EOF)
				return -1;
	return 0;
}

static int put_line(FILE *out, const char *const *cell, const size_t *width)
{
	for (int c = 0; c < N_COLS; c++) {
		if (c > 0 && fputs(COL_GAP, out) == EOF)
			return -1;
		/* The last column is not padded: no trailing blanks. */
		if (put_cell(out, cell[c], c == N_COLS - 1 ? 0 : width[c],
			     col_left(c)) < 0)
			return -1;
	}
	return putc('\n', out) == EOF ? -1 : 0;
}

static size_t shown_rows(const struct gs_summary *s, size_t limit)
{
	return limit == 0 || limit > s->n_groups ? s->n_groups : limit;
}

/* A write error shows in ferror or fflush; errno is left for the caller. */
static int finish(FILE *out, int rc)
{
	if (fflush(out) == EOF)
		rc = -1;
	if (ferror(out)) {
		if (errno == 0)
			errno = EIO;
		rc = -1;
	}
	return rc;
}

int gs_report_table(FILE *out, const struct gs_summary *s, size_t limit)
{
	size_t n = shown_rows(s, limit), width[N_COLS], w, i;
	struct row row;
	int rc = 0;

	if (n == 0) {
		if (fputs("No domains in the summary.\n", out) == EOF)
			rc = -1;
		return finish(out, rc);
	}
	/* Two passes over the rows: widths first, then the text. Rows are
	 * rebuilt rather than stored so memory stays flat for big files. */
	for (int c = 0; c < N_COLS; c++)
		width[c] = strlen(col_title[c]);
	for (i = 0; i < n; i++) {
		fill_row(&row, &s->groups[i], i + 1);
		for (int c = 0; c < N_COLS; c++) {
			w = text_width(row.cell[c]);
			if (w > width[c])
				width[c] = w;
		}
	}
	if (put_line(out, col_title, width) < 0)
		rc = -1;
	for (i = 0; i < n && rc == 0; i++) {
		fill_row(&row, &s->groups[i], i + 1);
		if (put_line(out, row.cell, width) < 0)
			rc = -1;
	}
	/* A summary of the busiest groups only: say so, or a reader takes
	 * the table's end for the end of the tally. */
	if (rc == 0 && s->totals.groups > s->n_groups &&
	    fprintf(out,
		    "The summary lists the %zu busiest of %" PRIu64
		    " domains tracked.\n",
		    s->n_groups, s->totals.groups) < 0)
		rc = -1;
	return finish(out, rc);
}

/* Counts follow the JSON layer's one rule (base/json.h), like the files. */
static struct json_object *row_to_json(const struct gs_group_stats *g,
				       size_t rank)
{
	struct json_object *o = json_object_new_object();
	int c;

	if (o == NULL)
		return NULL;
	if (gs_json_add_count(o, "rank", rank) < 0 ||
	    gs_json_add_str(o, "domain", g->domain) < 0 ||
	    gs_json_add_str(
		o, "kind", g->kind == GS_KIND_NETWORK ? "network" : "name") < 0)
		goto fail;
	for (c = GS_C_NEW; c <= GS_C_DELAYED; c++)
		if (gs_json_add_count(o, gs_counter_name(c), g->counts[c]) < 0)
			goto fail;
	if (gs_json_add_int(o, "delay_median", g->delay_median_s) < 0 ||
	    gs_json_add_int(o, "delay_max", g->delay_max_s) < 0 ||
	    gs_json_add_int(o, "client_addresses", g->client_addresses) < 0 ||
	    gs_json_add_int(o, "networks", g->networks) < 0)
		goto fail;
	/* null rather than a made-up name when no example was kept */
	if (g->n_examples == 0 || g->examples[0] == NULL)
		(void)gs_json_add_null(o, "example"); /* cannot fail */
	else if (gs_json_add_str(o, "example", g->examples[0]) < 0)
		goto fail;
	if ((g->has_pairs ? gs_json_add(o, "pairs", gs_evidence_json(g))
			  : gs_json_add_null(o, "pairs")) < 0)
		goto fail;
	return o;
fail:
	json_object_put(o);
	return NULL;
}

/* A time, or null for 0 (no event yet), as the summary writes them. */
static int add_time(struct json_object *o, const char *key, time_t t)
{
	return t != 0 ? gs_json_add_time(o, key, t) : gs_json_add_null(o, key);
}

/* A figure of version 2, null in a summary without pair evidence. */
static int add_v2_count(struct json_object *o, const char *key,
			const struct gs_summary *s, uint64_t v)
{
	return s->version >= 2 ? gs_json_add_count(o, key, v)
			       : gs_json_add_null(o, key);
}

static struct json_object *window_to_json(const struct gs_summary *s)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	if (add_time(o, "start", s->window_start) < 0 ||
	    add_time(o, "end", s->window_end) < 0 ||
	    gs_json_add_count(o, "seconds", s->window_s) < 0 ||
	    add_v2_count(o, "retry_window", s, s->retry_window_s) < 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static struct json_object *totals_to_json(const struct gs_summary *s)
{
	const struct gs_totals *t = &s->totals;
	struct json_object *o = json_object_new_object();
	int c;

	if (o == NULL)
		return NULL;
	if (gs_json_add_count(o, "lines", t->lines) < 0 ||
	    gs_json_add_count(o, "actions", t->actions) < 0 ||
	    gs_json_add_count(o, "unparsed", t->unparsed) < 0 ||
	    gs_json_add_count(o, "ignored", t->ignored) < 0 ||
	    gs_json_add_count(o, "evicted", t->evicted) < 0 ||
	    gs_json_add_count(o, "too_old", t->too_old) < 0)
		goto fail;
	for (c = 0; c < GS_C_COUNT; c++)
		if (gs_json_add_count(o, gs_counter_name(c),
				      t->per_counter[c]) < 0)
			goto fail;
	if (gs_json_add_count(o, "groups", t->groups) < 0 ||
	    add_v2_count(o, "pairs_evicted", s, t->pairs_evicted) < 0 ||
	    add_v2_count(o, "pairs_open", s, t->pairs_open) < 0)
		goto fail;
	return o;
fail:
	json_object_put(o);
	return NULL;
}

static struct json_object *report_to_json(const struct gs_summary *s, size_t n)
{
	struct json_object *o = json_object_new_object(), *rows;
	size_t i;

	if (o == NULL)
		return NULL;
	if (gs_json_add_int(o, "summary_version", s->version) < 0 ||
	    add_time(o, "generated", s->generated) < 0 ||
	    gs_json_add(o, "window", window_to_json(s)) < 0 ||
	    gs_json_add(o, "totals", totals_to_json(s)) < 0 ||
	    gs_json_add(o, "domains", json_object_new_array()) < 0 ||
	    !json_object_object_get_ex(o, "domains", &rows))
		goto fail;
	for (i = 0; i < n; i++)
		if (gs_json_push(rows, row_to_json(&s->groups[i], i + 1)) < 0)
			goto fail;
	return o;
fail:
	json_object_put(o);
	return NULL;
}

int gs_report_json(FILE *out, const struct gs_summary *s, size_t limit)
{
	struct json_object *o = report_to_json(s, shown_rows(s, limit));
	const char *text;
	int rc = -1;

	if (o == NULL)
		goto nomem;
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	if (text == NULL)
		goto nomem;
	rc = fputs(text, out) == EOF || putc('\n', out) == EOF ? -1 : 0;
	json_object_put(o);
	return finish(out, rc);
nomem:
	json_object_put(o);
	errno = ENOMEM;
	return -1;
}
