/* The parts of the report page (report_html.c): text into HTML (escaping,
 * times; html_text.c), the table (report_html_table.c) and the inlined
 * style and script. Private to lib/advice. */
#ifndef GS_ADVICE_HTML_TEXT_H
#define GS_ADVICE_HTML_TEXT_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "summary/summary.h"
#include "advice/suggest.h"

/* s (NULL: nothing) escaped for HTML text and for attribute values in
 * double quotes: & < > " ' as character references, control characters
 * as '?', so that no name can open an element, end an attribute or start
 * a line of its own. */
void gs_html_text(FILE *out, const char *s);

/* t as <time datetime="...Z">YYYY-MM-DD HH:MM UTC</time>; "unknown" for
 * a time of 0 or one gmtime cannot convert. */
void gs_html_time(FILE *out, time_t t);

/* t as an attribute value, "YYYY-MM-DDTHH:MM:SSZ"; "" for 0. */
void gs_html_iso(FILE *out, time_t t);

/* The domains' table (report_html_table.c): the groups of s busiest first,
 * at most limit (0: all), each with its verdict from c (NULL: none). -1 on
 * no memory (nothing written then). */
int gs_html_table(FILE *out, const struct gs_summary *s,
		  const struct gs_candidates *c, size_t limit);

/* The generated embedded files (report_assets.c, from report_page.css and
 * report_page.js by embed-text.sh). */
extern const char gs_report_page_css[];
extern const char gs_report_page_js[];

#endif
