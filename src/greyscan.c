/* greyscan: the command-line front end. It only parses options and wires
 * the core together: scanning log files into a tally (ingest/scan.h),
 * writing and reading the summary (summary/summary_file.h), printing
 * reports (advice/report.h, advice/report_html.h; cmd_report.c) and
 * whitelist suggestions (advice/suggest.h). */
#include "gs_config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/types.h>
#include <unistd.h>

#include "base/atomicfile.h"
#include "base/error.h"
#include "base/limits.h"
#include "base/owner.h"
#include "input/group.h"
#include "base/number.h"
#include "input/parser.h"
#include "advice/report.h"
#include "ingest/scan.h"
#include "advice/suggest.h"
#include "summary/summary_file.h"
#include "tally/tally.h"
#include "advice/ignore.h"
#include "advice/whitelist.h"
#include "cli.h"

#define OPT_SUMMARY_DOMAINS 256 /* long option only */
#define OPT_OWNER	    257
#define OPT_GROUP	    258
#define OPT_MAX_PAIRS	    259
#define OPT_RETRY_WINDOW    260

/* The --max-pairs message states the range. */
_Static_assert(GS_MAX_PAIRS_MAX == 16777216, "--max-pairs range");

const char *progname = "greyscan";

void usage(FILE *out)
{
	fprintf(
	    out,
	    "Usage: %s scan [OPTIONS] FILE...     count postgrey decisions in "
	    "log files\n"
	    "       %s report [OPTIONS] SUMMARY   print a summary as a table, "
	    "JSON\n"
	    "                                     or an HTML page\n"
	    "       %s suggest [OPTIONS] SUMMARY  print whitelist entries to "
	    "add\n"
	    "       %s --help | --version\n"
	    "\n"
	    "scan options:\n"
	    "  -o, --output FILE      write the summary file (JSON) to FILE\n"
	    "  -n, --no-report        do not print the report\n"
	    "  -w, --window DURATION  sliding window, e.g. 7d, 12h, 3600 "
	    "(default 7d)\n"
	    "  -m, --max-groups N     most sender groups kept (default %d)\n"
	    "      --max-pairs N      most greylisted mails followed at once "
	    "(default\n"
	    "                         %d, 0: none)\n"
	    "      --retry-window DURATION  postgrey's retry window, after "
	    "which a\n"
	    "                         mail that did not pass expired (default "
	    "2d)\n"
	    "  -g, --grouping MODE    registrable (default), strip or strip:N\n"
	    "  -r, --rulebase FILE    liblognorm rulebase (default %s)\n"
	    "  -l, --limit N          rows in the report (default 20, 0: all)\n"
	    "  -j, --threads N        threads that parse (default: the "
	    "processors)\n"
	    "  -M, --mode MODE        file mode of the summary (octal, default "
	    "0640)\n"
	    "      --owner USER       owner of the summary (name or number)\n"
	    "      --group GROUP      group of the summary (name or number)\n"
	    "      --summary-domains N  busiest domains in the summary and "
	    "report\n"
	    "                         (default %d, 0: all)\n"
	    "report options:\n"
	    "  -j, --json             print one JSON object: the window, the "
	    "totals\n"
	    "                         and the rows (all of them unless "
	    "--limit)\n"
	    "  -l, --limit N          rows (default 20 in the table, 1000 "
	    "in the\n"
	    "                         page, all in JSON; 0: all)\n"
	    "  -H, --html             write one self-contained HTML page: "
	    "charts,\n"
	    "                         verdicts and a sortable table\n"
	    "  -o, --output FILE      write to FILE (replaced atomically, "
	    "mode 0644)\n"
	    "                         instead of standard output\n"
	    "      --chartjs FILE     Chart.js to inline in the page "
	    "(default\n"
	    "                         %s)\n"
	    "  -W, -i, -n             as for suggest, for the page's "
	    "verdicts (no\n"
	    "                         whitelist is read without -W)\n"
	    "suggest options:\n"
	    "  -W, --whitelist FILE   postgrey client whitelist (repeatable; "
	    "default\n"
	    "                         "
	    "/etc/postgrey/whitelist_clients{,.local})\n"
	    "  -i, --ignore FILE      domains never to suggest (default %s)\n"
	    "  -n, --min-greylisted N least greylistings (new + early_retry) "
	    "to\n"
	    "                         suggest a domain (default %d; "
	    "-t, --threshold\n"
	    "                         is the same)\n"
	    "  -j, --json             one JSON object per candidate and line "
	    "(JSON Lines)\n"
	    "\n"
	    "FILE may be plain or gzip-compressed, or - for standard input. "
	    "Give\n"
	    "rotated logs oldest first: mail.log.2.gz mail.log.1 mail.log\n",
	    progname, progname, progname, progname, GS_DEFAULT_MAX_GROUPS,
	    GS_PAIRS_DEFAULT_MAX, gs_rulebase_default_path(),
	    GS_DEFAULT_SUMMARY_DOMAINS, GS_DEFAULT_CHARTJS,
	    GS_DEFAULT_IGNORE_FILE, GS_DEFAULT_THRESHOLD);
}

int bad_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", progname);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '%s --help'.\n", progname);
	return EXIT_USAGE;
}

/* What `greyscan scan` was asked to do. */
struct scan_args {
	struct gs_tally_config tcfg;
	struct gs_file_opts fopts;
	enum gs_group_mode mode;
	unsigned strip;
	const char *output, *rulebase;
	bool report;
	unsigned long limit, summary_domains;
	unsigned threads;
	char **files; /* the FILE arguments, n_files of them */
	int n_files;
};

static void scan_args_default(struct scan_args *a)
{
	memset(a, 0, sizeof(*a));
	a->tcfg.window_s = GS_DEFAULT_WINDOW_S;
	a->tcfg.max_groups = GS_DEFAULT_MAX_GROUPS;
	a->tcfg.max_pairs = GS_PAIRS_DEFAULT_MAX;
	a->tcfg.retry_window_s = GS_PAIRS_DEFAULT_RETRY_WINDOW_S;
	gs_file_opts_default(&a->fopts);
	a->mode = GS_GROUP_REGISTRABLE;
	a->strip = 1;
	a->rulebase = gs_rulebase_default_path();
	a->report = true;
	a->limit = 20;
	a->summary_domains = GS_DEFAULT_SUMMARY_DOMAINS;
	a->threads = gs_scan_default_threads();
}

/* The options of the summary file's mode, owner and group (c from
 * getopt_long, with arg) into o. Returns -1 to go on, or the exit status. */
static int file_option(int c, const char *arg, struct gs_file_opts *o)
{
	char err[GS_ERRLEN];

	switch (c) {
	case 'M':
		if (gs_mode_parse(arg, &o->mode, err, sizeof(err)) < 0)
			return bad_usage(
			    "invalid --mode '%s' (octal, e.g. 0640)", arg);
		return -1;
	case OPT_OWNER:
		if (gs_uid_parse(arg, &o->uid, err, sizeof(err)) < 0)
			return bad_usage("unknown --owner '%s'", arg);
		return -1;
	case OPT_GROUP:
		if (gs_gid_parse(arg, &o->gid, err, sizeof(err)) < 0)
			return bad_usage("unknown --group '%s'", arg);
		return -1;
	default:
		return bad_usage("%s", "invalid option");
	}
}

/* One option of scan (c from getopt_long, with arg); file_option takes
 * the summary file's. Returns -1 to go on, or the exit status. */
static int scan_option(int c, const char *arg, struct scan_args *a)
{
	char err[GS_ERRLEN];
	unsigned long v;

	switch (c) {
	case 'o':
		a->output = arg;
		return -1;
	case 'n':
		a->report = false;
		return -1;
	case 'w':
		if (!gs_parse_duration(arg, GS_TALLY_SLOTS, GS_WINDOW_MAX_S,
				       &a->tcfg.window_s))
			return bad_usage("invalid --window '%s' (28s to 366d)",
					 arg);
		return -1;
	case 'm':
		if (!gs_parse_ulong(arg, GS_MAX_GROUPS_MIN, GS_MAX_GROUPS_MAX,
				    &v))
			return bad_usage("invalid --max-groups '%s'", arg);
		a->tcfg.max_groups = v;
		return -1;
	case OPT_MAX_PAIRS:
		if (!gs_parse_ulong(arg, 0, GS_MAX_PAIRS_MAX, &v))
			return bad_usage("invalid --max-pairs '%s' (0 to "
					 "16777216)",
					 arg);
		a->tcfg.max_pairs = v;
		return -1;
	case OPT_RETRY_WINDOW:
		if (!gs_parse_duration(arg, GS_RETRY_WINDOW_MIN_S,
				       GS_RETRY_WINDOW_MAX_S,
				       &a->tcfg.retry_window_s))
			return bad_usage(
			    "invalid --retry-window '%s' (1s to 366d)", arg);
		return -1;
	case OPT_SUMMARY_DOMAINS:
		if (!gs_parse_ulong(arg, 0, GS_SUMMARY_DOMAINS_MAX,
				    &a->summary_domains))
			return bad_usage("invalid --summary-domains '%s'", arg);
		return -1;
	case 'g':
		if (gs_group_mode_parse(arg, &a->mode, &a->strip, err,
					sizeof(err)) < 0)
			return bad_usage("--grouping: %s", err);
		return -1;
	case 'r':
		a->rulebase = arg;
		return -1;
	case 'l':
		if (!gs_parse_ulong(arg, 0, ULONG_MAX, &a->limit))
			return bad_usage("invalid --limit '%s'", arg);
		return -1;
	case 'j':
		if (!gs_parse_ulong(arg, 1, GS_SCAN_MAX_THREADS, &v))
			return bad_usage("invalid --threads '%s' (1 to 64)",
					 arg);
		a->threads = (unsigned)v;
		return -1;
	case 'h':
		usage(stdout);
		return EXIT_SUCCESS;
	default:
		return file_option(c, arg, &a->fopts);
	}
}

/* Fills a from argv. Returns -1 to go on, or the exit status. */
static int parse_scan_args(int argc, char **argv, struct scan_args *a)
{
	static const struct option opts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"no-report", no_argument, NULL, 'n'},
	    {"window", required_argument, NULL, 'w'},
	    {"max-groups", required_argument, NULL, 'm'},
	    {"max-pairs", required_argument, NULL, OPT_MAX_PAIRS},
	    {"retry-window", required_argument, NULL, OPT_RETRY_WINDOW},
	    {"grouping", required_argument, NULL, 'g'},
	    {"rulebase", required_argument, NULL, 'r'},
	    {"limit", required_argument, NULL, 'l'},
	    {"threads", required_argument, NULL, 'j'},
	    {"mode", required_argument, NULL, 'M'},
	    {"summary-domains", required_argument, NULL, OPT_SUMMARY_DOMAINS},
	    {"owner", required_argument, NULL, OPT_OWNER},
	    {"group", required_argument, NULL, OPT_GROUP},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c, rc;

	scan_args_default(a);
	while ((c = getopt_long(argc, argv, "o:nw:m:g:r:l:j:M:h", opts,
				NULL)) != -1)
		if ((rc = scan_option(c, optarg, a)) >= 0)
			return rc;
	if (optind >= argc)
		return bad_usage("%s", "scan: no FILE given");
	a->files = argv + optind;
	a->n_files = argc - optind;
	return -1;
}

/* Scans every file of a into ctx's tally. One unreadable file does not
 * spoil the others: it is reported, the scan goes on, and the exit status
 * is non-zero at the end. */
static int scan_files(const struct scan_args *a, const struct gs_scan_ctx *ctx)
{
	char err[GS_ERRLEN];
	int i, rc = EXIT_SUCCESS;

	for (i = 0; i < a->n_files; i++) {
		if (gs_scan_file(ctx, a->files[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "%s: %s\n", progname, err);
			rc = EXIT_FAILURE;
		}
	}
	return rc;
}

/* The summary of tally: written to a->output if given, and the report
 * printed unless a->report is off. -1 with err. */
static int write_results(const struct scan_args *a, struct gs_tally *tally,
			 char *err, size_t errlen)
{
	struct gs_summary sum = {0};
	int rc = -1;

	if (gs_tally_snapshot_top(tally, time(NULL), a->summary_domains, &sum,
				  err, errlen) < 0)
		goto out;
	if (a->output != NULL &&
	    gs_summary_write(&sum, a->output, &a->fopts, err, errlen) < 0)
		goto out;
	if (a->report && gs_report_table(stdout, &sum, a->limit) < 0) {
		gs_seterr(err, errlen, "writing the report: %s",
			  strerror(errno));
		goto out;
	}
	rc = 0;
out:
	gs_summary_free(&sum);
	return rc;
}

/* Runs the scan a describes; the exit status. */
static int run_scan(const struct scan_args *a)
{
	struct gs_rulebase *rb = NULL;
	struct gs_grouper *grouper = NULL;
	struct gs_tally *tally = NULL;
	struct gs_scan_ctx ctx;
	char err[GS_ERRLEN];
	int rc = EXIT_FAILURE;

	rb = gs_rulebase_load(a->rulebase, err, sizeof(err));
	if (rb == NULL)
		goto fail;
	grouper = gs_grouper_new(a->mode, a->strip, err, sizeof(err));
	if (grouper == NULL)
		goto fail;
	tally = gs_tally_new(&a->tcfg, err, sizeof(err));
	if (tally == NULL)
		goto fail;
	memset(&ctx, 0, sizeof(ctx));
	ctx.rb = rb;
	ctx.grouper = grouper;
	ctx.tally = tally;
	ctx.progress = isatty(STDERR_FILENO) ? stderr : NULL;
	ctx.threads = a->threads;
	rc = scan_files(a, &ctx);
	if (write_results(a, tally, err, sizeof(err)) == 0)
		goto out;
fail:
	fprintf(stderr, "%s: %s\n", progname, err);
	rc = EXIT_FAILURE;
out:
	gs_tally_free(tally);
	gs_grouper_free(grouper);
	gs_rulebase_free(rb);
	return rc;
}

static int cmd_scan(int argc, char **argv)
{
	struct scan_args a;
	int rc = parse_scan_args(argc, argv, &a);

	return rc >= 0 ? rc : run_scan(&a);
}

/* What `greyscan suggest` was asked for. */
struct suggest_args {
	struct advice_args adv;
	bool json;
	const char *summary;
};

/* Fills a from argv. -1 to go on, or the exit status. */
static int parse_suggest(int argc, char **argv, struct suggest_args *a)
{
	static const struct option opts[] = {
	    {"whitelist", required_argument, NULL, 'W'},
	    {"ignore", required_argument, NULL, 'i'},
	    {"min-greylisted", required_argument, NULL, 'n'},
	    /* the old name, kept: check_greyscan's -t is its timeout */
	    {"threshold", required_argument, NULL, 't'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c, rc;

	memset(a, 0, sizeof(*a));
	advice_args_init(&a->adv);
	while ((c = getopt_long(argc, argv, "W:i:n:t:jh", opts, NULL)) != -1) {
		rc = advice_option(c, optarg, &a->adv);
		if (rc != -2) {
			if (rc >= 0)
				return rc;
			continue;
		}
		switch (c) {
		case 'j':
			a->json = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			return bad_usage("%s", "invalid option");
		}
	}
	if (argc - optind != 1)
		return bad_usage("%s",
				 "suggest: give exactly one SUMMARY file");
	a->summary = argv[optind];
	return -1;
}

static int cmd_suggest(int argc, char **argv)
{
	struct suggest_args a;
	struct gs_summary sum = {0};
	struct gs_whitelist *wl = NULL;
	struct gs_ignore *ig = NULL;
	char err[GS_ERRLEN];
	int rc;

	rc = parse_suggest(argc, argv, &a);
	if (rc >= 0)
		return rc;
	rc = EXIT_FAILURE;
	if (gs_summary_read(a.summary, &sum, err, sizeof(err)) < 0)
		goto fail;
	wl = gs_whitelist_load_default(a.adv.wl_paths, a.adv.n_wl, err,
				       sizeof(err));
	if (wl == NULL)
		goto fail;
	ig = gs_ignore_load_default(a.adv.ignore_path, err, sizeof(err));
	if (ig == NULL)
		goto fail;
	if ((a.json ? gs_suggest_json(stdout, &sum, wl, ig, &a.adv.sopts, err,
				      sizeof(err))
		    : gs_suggest_write(stdout, &sum, wl, ig, &a.adv.sopts,
				       time(NULL), err, sizeof(err))) < 0)
		goto fail;
	rc = EXIT_SUCCESS;
	goto out;
fail:
	fprintf(stderr, "%s: %s\n", progname, err);
out:
	gs_ignore_free(ig);
	gs_whitelist_free(wl);
	gs_summary_free(&sum);
	return rc;
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2)
		return bad_usage("%s", "no command given");
	cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		usage(stdout);
		return EXIT_SUCCESS;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("greyscan %s\n", PACKAGE_VERSION);
		return EXIT_SUCCESS;
	}
	/* Each command parses its own options from argv[1] on. */
	if (strcmp(cmd, "scan") == 0)
		return cmd_scan(argc - 1, argv + 1);
	if (strcmp(cmd, "report") == 0)
		return cmd_report(argc - 1, argv + 1);
	if (strcmp(cmd, "suggest") == 0)
		return cmd_suggest(argc - 1, argv + 1);
	return bad_usage("unknown command '%s'", cmd);
}
