/* `greyscan report`: a summary as a table (advice/report.h), as JSON, or as
 * an HTML page (advice/report_html.h), on standard output or replacing a
 * file atomically (-o). */
#include "gs_config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/atomicfile.h"
#include "base/error.h"
#include "base/number.h"
#include "summary/summary_file.h"
#include "advice/ignore.h"
#include "advice/report.h"
#include "advice/report_html.h"
#include "advice/suggest.h"
#include "advice/whitelist.h"
#include "cli.h"

#define OPT_CHARTJS 300 /* long option only */

enum report_format { FORMAT_TABLE, FORMAT_JSON, FORMAT_HTML };

struct report_args {
	enum report_format format;
	unsigned long limit;
	bool have_limit;
	const char *output;	/* NULL: standard output */
	const char *chartjs;	/* the page's Chart.js */
	struct advice_args adv; /* the page's verdicts */
	const char *summary;
};

/* What a report is made of: the summary and, for the page, the advice. */
struct report_run {
	const struct report_args *a;
	struct gs_summary sum;
	struct gs_whitelist *wl;
	struct gs_ignore *ig;
	struct gs_candidates cands;
	char *chartjs;
};

static int report_option(int c, const char *arg, struct report_args *a)
{
	int rc = advice_option(c, arg, &a->adv);

	if (rc != -2)
		return rc;
	switch (c) {
	case 'j':
		a->format = FORMAT_JSON;
		return -1;
	case 'H':
		a->format = FORMAT_HTML;
		return -1;
	case 'l':
		if (!gs_parse_ulong(arg, 0, ULONG_MAX, &a->limit))
			return bad_usage("invalid --limit '%s'", arg);
		a->have_limit = true;
		return -1;
	case 'o':
		a->output = arg;
		return -1;
	case OPT_CHARTJS:
		a->chartjs = arg;
		return -1;
	case 'h':
		usage(stdout);
		return EXIT_SUCCESS;
	default:
		return bad_usage("%s", "invalid option");
	}
}

/* Fills a from argv. -1 to go on, or the exit status. */
static int parse_report(int argc, char **argv, struct report_args *a)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"html", no_argument, NULL, 'H'},
	    {"limit", required_argument, NULL, 'l'},
	    {"output", required_argument, NULL, 'o'},
	    {"chartjs", required_argument, NULL, OPT_CHARTJS},
	    {"whitelist", required_argument, NULL, 'W'},
	    {"ignore", required_argument, NULL, 'i'},
	    {"min-greylisted", required_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c, rc;

	memset(a, 0, sizeof(*a));
	a->limit = 20;
	a->chartjs = GS_DEFAULT_CHARTJS;
	advice_args_init(&a->adv);
	while ((c = getopt_long(argc, argv, "jHl:o:W:i:n:h", opts, NULL)) != -1)
		if ((rc = report_option(c, optarg, a)) >= 0)
			return rc;
	if (argc - optind != 1)
		return bad_usage("%s", "report: give exactly one SUMMARY file");
	/* Scripts get every row unless they ask for fewer; people at a
	 * terminal the busiest 20, and the page GS_HTML_DEFAULT_ROWS. */
	if (a->format == FORMAT_JSON && !a->have_limit)
		a->limit = 0;
	if (a->format == FORMAT_HTML && !a->have_limit)
		a->limit = GS_HTML_DEFAULT_ROWS;
	a->summary = argv[optind];
	return -1;
}

/* The advice the page shows: the whitelist (-W only), the ignore file and
 * the candidates, and Chart.js. -1 with err. */
static int prepare_html(struct report_run *r, char *err, size_t errlen)
{
	const struct advice_args *adv = &r->a->adv;

	if (adv->n_wl > 0) {
		r->wl = gs_whitelist_load_default(adv->wl_paths, adv->n_wl, err,
						  errlen);
		if (r->wl == NULL)
			return -1;
	}
	r->ig = gs_ignore_load_default(adv->ignore_path, err, errlen);
	if (r->ig == NULL ||
	    gs_candidates_select(&r->sum, r->wl, r->ig, &adv->sopts, &r->cands,
				 err, errlen) < 0)
		return -1;
	r->chartjs = gs_html_read_script(r->a->chartjs, err, errlen);
	return r->chartjs != NULL ? 0 : -1;
}

static int write_report(FILE *out, void *ctx, char *err, size_t errlen)
{
	const struct report_run *r = ctx;
	const struct report_args *a = r->a;
	struct gs_html_opts ho = {0};
	int rc;

	switch (a->format) {
	case FORMAT_HTML:
		ho.chartjs = r->chartjs;
		ho.limit = a->limit;
		ho.source = a->summary;
		ho.have_whitelist = r->wl != NULL;
		return gs_report_html(out, &r->sum, &r->cands, &ho, err,
				      errlen);
	case FORMAT_JSON:
		rc = gs_report_json(out, &r->sum, a->limit);
		break;
	default:
		rc = gs_report_table(out, &r->sum, a->limit);
	}
	if (rc < 0)
		return gs_seterr(err, errlen, "writing the report: %s",
				 strerror(errno));
	return 0;
}

/* The report into a->output (replaced atomically, readable by all: a page
 * a web server serves) or standard output. */
static int emit(struct report_run *r, char *err, size_t errlen)
{
	struct gs_file_opts fo;

	if (r->a->output == NULL) {
		if (write_report(stdout, r, err, errlen) < 0)
			return -1;
		if (fflush(stdout) != 0 || ferror(stdout))
			return gs_seterr(err, errlen, "writing the report: %s",
					 strerror(errno));
		return 0;
	}
	gs_file_opts_default(&fo);
	fo.mode = 0644;
	return gs_atomic_write_with(r->a->output, &fo, write_report, r, err,
				    errlen);
}

int cmd_report(int argc, char **argv)
{
	struct report_args a;
	struct report_run r;
	char err[GS_ERRLEN];
	int rc = parse_report(argc, argv, &a);

	if (rc >= 0)
		return rc;
	memset(&r, 0, sizeof(r));
	r.a = &a;
	rc = EXIT_FAILURE;
	if (gs_summary_read(a.summary, &r.sum, err, sizeof(err)) < 0 ||
	    (a.format == FORMAT_HTML &&
	     prepare_html(&r, err, sizeof(err)) < 0) ||
	    emit(&r, err, sizeof(err)) < 0)
		fprintf(stderr, "%s: %s\n", progname, err);
	else
		rc = EXIT_SUCCESS;
	free(r.chartjs);
	gs_candidates_free(&r.cands);
	gs_ignore_free(r.ig);
	gs_whitelist_free(r.wl);
	gs_summary_free(&r.sum);
	return rc;
}
