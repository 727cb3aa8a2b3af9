/* The HTML report page: see report_html.h. The page is written in order:
 * head (style), header (window), totals, the charts' empty frames (hidden
 * until the script fills them), the table, then the scripts. Every value
 * the scripts need is an attribute of the table or of its rows. */
#include "gs_config.h"

#include "advice/report_html.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "base/duration.h"
#include "base/error.h"
#include "advice/html_text.h"

static void head(FILE *out)
{
	(void)fprintf(out,
		      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		      "<meta charset=\"utf-8\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width, "
		      "initial-scale=1\">\n"
		      "<meta name=\"generator\" content=\"greyscan %s\">\n"
		      "<title>greyscan: greylisted sender domains</title>\n"
		      "<style>\n%s</style>\n</head>\n<body>\n",
		      PACKAGE_VERSION, gs_report_page_css);
}

static void header(FILE *out, const struct gs_summary *s)
{
	char len[24];

	gs_format_duration(s->window_s, len, sizeof(len));
	(void)fputs("<header>\n<h1>Greylisted sender domains</h1>\n"
		    "<p class=\"window\">Window ",
		    out);
	gs_html_time(out, s->window_start);
	(void)fputs(" to ", out);
	gs_html_time(out, s->window_end);
	(void)fprintf(out, " (the last %s); summary written ", len);
	gs_html_time(out, s->generated);
	(void)fputs(".</p>\n</header>\n<main>\n", out);
}

static void total(FILE *out, const char *name, uint64_t v)
{
	(void)fprintf(out, "<div><dt>%s</dt><dd>%" PRIu64 "</dd></div>\n", name,
		      v);
}

static void totals(FILE *out, const struct gs_summary *s)
{
	const struct gs_totals *t = &s->totals;

	(void)fputs("<section aria-labelledby=\"h-totals\">\n"
		    "<h2 id=\"h-totals\">Totals</h2>\n<dl class=\"totals\">\n",
		    out);
	total(out, "greylisted (new)", t->per_counter[GS_C_NEW]);
	total(out, "greylisted (early retry)",
	      t->per_counter[GS_C_EARLY_RETRY]);
	total(out, "passed after greylisting", t->per_counter[GS_C_DELAYED]);
	total(out, "passed by whitelist",
	      t->per_counter[GS_C_WHITELISTED] +
		  t->per_counter[GS_C_RECIPIENT_WL]);
	total(out, "passed by auto-whitelist", t->per_counter[GS_C_AWL]);
	total(out, "sender domains",
	      t->groups > s->n_groups ? t->groups : s->n_groups);
	total(out, "decisions counted", t->actions);
	total(out, "lines not understood", t->unparsed);
	(void)fputs("</dl>\n</section>\n", out);
}

static void charts(FILE *out)
{
	(void)fputs(
	    "<section id=\"charts\" class=\"charts\" hidden "
	    "aria-labelledby=\"h-charts\">\n<h2 id=\"h-charts\" "
	    "style=\"grid-column: 1 / -1\">Charts</h2>\n"
	    "<figure><div class=\"chart-box\"><canvas id=\"chart-busiest\" "
	    "role=\"img\" aria-label=\"The busiest sender domains by "
	    "greylisted mails, coloured by verdict\"></canvas></div>\n"
	    "<figcaption>The busiest sender domains by greylisted mails, "
	    "coloured by verdict.</figcaption></figure>\n"
	    "<figure><div class=\"chart-box\"><canvas id=\"chart-waits\" "
	    "role=\"img\" aria-label=\"How long their mail waited, and how "
	    "many mails never got through\"></canvas></div>\n"
	    "<figcaption>How long their mail waited from its first attempt "
	    "to its acceptance (median, p90, longest; minutes, log scale), "
	    "and the mails that came back but never got through.</figcaption>"
	    "</figure>\n</section>\n",
	    out);
}

static void scripts(FILE *out, const struct gs_html_opts *o)
{
	if (o->chartjs != NULL)
		(void)fprintf(out, "<script>\n%s\n</script>\n", o->chartjs);
	(void)fprintf(out, "<script>\n%s</script>\n", gs_report_page_js);
}

static void footer(FILE *out, const struct gs_html_opts *o)
{
	(void)fputs("</main>\n<footer><p>Made by greyscan " PACKAGE_VERSION,
		    out);
	if (o->source != NULL) {
		(void)fputs(" from ", out);
		gs_html_text(out, o->source);
	}
	if (!o->have_whitelist)
		(void)fputs(". No whitelist files were read (greyscan report "
			    "-W): no domain shows as already whitelisted",
			    out);
	(void)fputs(".</p></footer>\n", out);
}

int gs_report_html(FILE *out, const struct gs_summary *s,
		   const struct gs_candidates *c, const struct gs_html_opts *o,
		   char *err, size_t errlen)
{
	head(out);
	header(out, s);
	totals(out, s);
	if (o->chartjs != NULL && s->n_groups > 0)
		charts(out);
	if (gs_html_table(out, s, c, o->limit) < 0)
		return gs_seterr(err, errlen, "the HTML report: %s",
				 strerror(ENOMEM));
	footer(out, o);
	scripts(out, o);
	(void)fputs("</body>\n</html>\n", out);
	return 0;
}
