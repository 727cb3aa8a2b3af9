/* `greyscan report --html`: the summary as one self-contained HTML page.
 *
 * The page needs nothing but itself: its style, Chart.js and its own script
 * are inlined, and it loads nothing when opened. It is complete without
 * JavaScript: the window, the totals and a table of every listed domain
 * with its verdict, figures, trend (the per-slot counts as text) and the
 * whitelist line to add. With JavaScript the table sorts, times show in
 * the reader's zone (UTC beside them), and charts drawn from the table's
 * rows appear: the busiest domains by greylisted mails coloured by
 * verdict, their waits (median, p90, longest) with the mails that never
 * got through, and each row's trend over the window.
 *
 * Every name from the summary is attacker-chosen (client host names) and is
 * written HTML-escaped, in text and attributes alike; the scripts read it
 * back only as text. */
#ifndef GS_REPORT_HTML_H
#define GS_REPORT_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "base/limits.h"
#include "summary/summary.h"
#include "advice/suggest.h"

/* Rows of the page unless asked otherwise: as many as a summary lists by
 * default (GS_DEFAULT_SUMMARY_DOMAINS). A browser takes about a second per
 * 1000 rows to lay the table out, which is as long as a page should take;
 * --limit 0 gives them all. */
#define GS_HTML_DEFAULT_ROWS GS_DEFAULT_SUMMARY_DOMAINS

/* Largest script file inlined: Chart.js's minified build is 0.2 MB. */
#define GS_HTML_SCRIPT_MAX (4u << 20)

struct gs_html_opts {
	/* Chart.js's UMD build as text, inlined before the page's script;
	 * NULL: no charts (the page is the table). */
	const char *chartjs;
	size_t limit; /* rows, busiest first; 0: every listed domain */
	/* What the footer names as the page's source (the summary file);
	 * NULL: nothing. */
	const char *source;
	/* Whether whitelist files were read: without them no domain is
	 * "already whitelisted", and the page says so. */
	bool have_whitelist;
};

/* Writes the page for s into out. c holds s's candidates
 * (gs_candidates_select on s): a group among them gets its verdict, or
 * "already whitelisted" or "ignored"; any other group of s is below the
 * threshold. Returns 0, or -1 with err (no memory; a write error shows in
 * ferror(out)). */
int gs_report_html(FILE *out, const struct gs_summary *s,
		   const struct gs_candidates *c, const struct gs_html_opts *o,
		   char *err, size_t errlen);

/* The text of a script file to inline (NUL-terminated, malloc'ed), at
 * most GS_HTML_SCRIPT_MAX bytes. Refused, with err naming the file, when
 * it contains "</script" or "<!--" in any case, which would end or
 * disturb the inline script element, or a NUL byte. */
char *gs_html_read_script(const char *path, char *err, size_t errlen);

#endif
