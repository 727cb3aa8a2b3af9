/* greyscan: the command-line front end. It only parses options and wires
 * the core together: scanning log files into a tally (lib/scan.h), writing
 * and reading the summary (lib/summary.h), printing reports (lib/report.h)
 * and whitelist suggestions (lib/suggest.h). */
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

#define EXIT_USAGE	    2
#define MAX_WHITELISTS	    16
#define OPT_SUMMARY_DOMAINS 256 /* long option only */
#define OPT_OWNER	    257
#define OPT_GROUP	    258

static const char *progname = "greyscan";

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "Usage: %s scan [OPTIONS] FILE...     count postgrey decisions in "
	    "log files\n"
	    "       %s report [OPTIONS] SUMMARY   print a summary as a table "
	    "or JSON\n"
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
	    "  -g, --grouping MODE    registrable (default), strip or strip:N\n"
	    "  -r, --rulebase FILE    liblognorm rulebase (default %s)\n"
	    "  -l, --limit N          rows in the report (default 20, 0: all)\n"
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
	    "  -l, --limit N          rows (default 20 in the table, all in "
	    "JSON; 0: all)\n"
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
	    gs_rulebase_default_path(), GS_DEFAULT_SUMMARY_DOMAINS,
	    GS_DEFAULT_IGNORE_FILE, GS_DEFAULT_THRESHOLD);
}

static int bad_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", progname);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '%s --help'.\n", progname);
	return EXIT_USAGE;
}

static int cmd_scan(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"no-report", no_argument, NULL, 'n'},
	    {"window", required_argument, NULL, 'w'},
	    {"max-groups", required_argument, NULL, 'm'},
	    {"grouping", required_argument, NULL, 'g'},
	    {"rulebase", required_argument, NULL, 'r'},
	    {"limit", required_argument, NULL, 'l'},
	    {"mode", required_argument, NULL, 'M'},
	    {"summary-domains", required_argument, NULL, OPT_SUMMARY_DOMAINS},
	    {"owner", required_argument, NULL, OPT_OWNER},
	    {"group", required_argument, NULL, OPT_GROUP},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	unsigned long summary_domains = GS_DEFAULT_SUMMARY_DOMAINS;
	struct gs_tally_config tcfg = {GS_DEFAULT_WINDOW_S,
				       GS_DEFAULT_MAX_GROUPS};
	struct gs_file_opts fopts;
	enum gs_group_mode mode = GS_GROUP_REGISTRABLE;
	unsigned strip = 1;
	const char *output = NULL, *rulebase = gs_rulebase_default_path();
	bool report = true;
	unsigned long v, limit = 20;
	struct gs_rulebase *rb = NULL;
	struct gs_grouper *grouper = NULL;
	struct gs_tally *tally = NULL;
	struct gs_summary sum = {0};
	struct gs_scan_ctx ctx;
	char err[GS_ERRLEN];
	int c, rc = EXIT_FAILURE;

	gs_file_opts_default(&fopts);
	while ((c = getopt_long(argc, argv, "o:nw:m:g:r:l:M:h", opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'n':
			report = false;
			break;
		case 'w':
			if (!gs_parse_duration(optarg, GS_TALLY_SLOTS,
					       GS_WINDOW_MAX_S, &tcfg.window_s))
				return bad_usage(
				    "invalid --window '%s' (28s to 366d)",
				    optarg);
			break;
		case 'm':
			if (!gs_parse_ulong(optarg, GS_MAX_GROUPS_MIN,
					    GS_MAX_GROUPS_MAX, &v))
				return bad_usage("invalid --max-groups '%s'",
						 optarg);
			tcfg.max_groups = v;
			break;
		case OPT_SUMMARY_DOMAINS:
			if (!gs_parse_ulong(optarg, 0, GS_SUMMARY_DOMAINS_MAX,
					    &summary_domains))
				return bad_usage(
				    "invalid --summary-domains '%s'", optarg);
			break;
		case 'g':
			if (gs_group_mode_parse(optarg, &mode, &strip, err,
						sizeof(err)) < 0)
				return bad_usage("--grouping: %s", err);
			break;
		case 'r':
			rulebase = optarg;
			break;
		case 'l':
			if (!gs_parse_ulong(optarg, 0, ULONG_MAX, &limit))
				return bad_usage("invalid --limit '%s'",
						 optarg);
			break;
		case 'M':
			if (gs_mode_parse(optarg, &fopts.mode, err,
					  sizeof(err)) < 0)
				return bad_usage(
				    "invalid --mode '%s' (octal, e.g. 0640)",
				    optarg);
			break;
		case OPT_OWNER:
			if (gs_uid_parse(optarg, &fopts.uid, err, sizeof(err)) <
			    0)
				return bad_usage("unknown --owner '%s'",
						 optarg);
			break;
		case OPT_GROUP:
			if (gs_gid_parse(optarg, &fopts.gid, err, sizeof(err)) <
			    0)
				return bad_usage("unknown --group '%s'",
						 optarg);
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			return bad_usage("%s", "invalid option");
		}
	}
	if (optind >= argc)
		return bad_usage("%s", "scan: no FILE given");

	rb = gs_rulebase_load(rulebase, err, sizeof(err));
	if (rb == NULL)
		goto fail;
	grouper = gs_grouper_new(mode, strip, err, sizeof(err));
	if (grouper == NULL)
		goto fail;
	tally = gs_tally_new(&tcfg, err, sizeof(err));
	if (tally == NULL)
		goto fail;

	ctx.rb = rb;
	ctx.grouper = grouper;
	ctx.tally = tally;
	ctx.progress = isatty(STDERR_FILENO) ? stderr : NULL;
	rc = EXIT_SUCCESS;
	for (int i = optind; i < argc; i++) {
		/* One unreadable file does not spoil the others: report it,
		 * go on, and exit non-zero at the end. */
		if (gs_scan_file(&ctx, argv[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "%s: %s\n", progname, err);
			rc = EXIT_FAILURE;
		}
	}

	if (gs_tally_snapshot_top(tally, time(NULL), summary_domains, &sum, err,
				  sizeof(err)) < 0)
		goto fail;
	if (output != NULL &&
	    gs_summary_write(&sum, output, &fopts, err, sizeof(err)) < 0)
		goto fail;
	if (report && gs_report_table(stdout, &sum, limit) < 0) {
		gs_seterr(err, sizeof(err), "writing the report: %s",
			  strerror(errno));
		goto fail;
	}
	goto out;
fail:
	fprintf(stderr, "%s: %s\n", progname, err);
	rc = EXIT_FAILURE;
out:
	gs_summary_free(&sum);
	gs_tally_free(tally);
	gs_grouper_free(grouper);
	gs_rulebase_free(rb);
	return rc;
}

static int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"limit", required_argument, NULL, 'l'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct gs_summary sum = {0};
	char err[GS_ERRLEN];
	bool json = false, have_limit = false;
	unsigned long limit = 20;
	int c, rc = EXIT_FAILURE;

	while ((c = getopt_long(argc, argv, "jl:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'l':
			if (!gs_parse_ulong(optarg, 0, ULONG_MAX, &limit))
				return bad_usage("invalid --limit '%s'",
						 optarg);
			have_limit = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			return bad_usage("%s", "invalid option");
		}
	}
	if (argc - optind != 1)
		return bad_usage("%s", "report: give exactly one SUMMARY file");
	/* Scripts get every row unless they ask for fewer; people the
	 * busiest 20. */
	if (json && !have_limit)
		limit = 0;
	if (gs_summary_read(argv[optind], &sum, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", progname, err);
		return EXIT_FAILURE;
	}
	if ((json ? gs_report_json(stdout, &sum, limit)
		  : gs_report_table(stdout, &sum, limit)) < 0)
		fprintf(stderr, "%s: writing the report: %s\n", progname,
			strerror(errno));
	else
		rc = EXIT_SUCCESS;
	gs_summary_free(&sum);
	return rc;
}

/* What `greyscan suggest` was asked for. */
struct suggest_args {
	const char *wl_paths[MAX_WHITELISTS];
	size_t n_wl;
	const char *ignore_path; /* NULL: the default, which may be missing */
	struct gs_suggest_opts sopts;
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
	unsigned long v;
	int c;

	memset(a, 0, sizeof(*a));
	gs_suggest_opts_default(&a->sopts);
	while ((c = getopt_long(argc, argv, "W:i:n:t:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'W':
			if (a->n_wl == MAX_WHITELISTS)
				return bad_usage("%s", "too many --whitelist");
			a->wl_paths[a->n_wl++] = optarg;
			break;
		case 'i':
			a->ignore_path = optarg;
			break;
		case 'n':
		case 't':
			if (!gs_parse_ulong(optarg, 1, UINT32_MAX, &v))
				return bad_usage(
				    c == 'n' ? "invalid --min-greylisted '%s'"
					     : "invalid --threshold '%s'",
				    optarg);
			a->sopts.threshold = v;
			break;
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
	a->sopts.ignore_file = a->ignore_path;
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
	wl = gs_whitelist_load_default(a.wl_paths, a.n_wl, err, sizeof(err));
	if (wl == NULL)
		goto fail;
	ig = gs_ignore_load_default(a.ignore_path, err, sizeof(err));
	if (ig == NULL)
		goto fail;
	if ((a.json ? gs_suggest_json(stdout, &sum, wl, ig, &a.sopts, err,
				      sizeof(err))
		    : gs_suggest_write(stdout, &sum, wl, ig, &a.sopts,
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
