/* check_greyscan's command line: the usage, the help and the options into
 * struct config (check_greyscan.h). Bad arguments are UNKNOWN with the
 * reason and the usage on stdout, as Monitoring Plugins' own plugins do,
 * so that the monitoring system shows them. */
#include "gs_config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "base/limits.h"
#include "base/number.h"
#include "check_greyscan.h"

#define MAX_AGE_LIMIT_S	   (10L * 366 * 86400)
#define MAX_MIN_GREYLISTED 1000000000UL /* suggest --threshold: UINT32_MAX */
#define MAX_NEVER_PASSED   1000000000UL
/* Long options without a letter. */
enum {
	OPT_WAIT_WARNING = 256,
	OPT_WAIT_CRITICAL,
	OPT_NP_WARNING,
	OPT_NP_CRITICAL,
};

static void print_usage(FILE *out)
{
	fprintf(
	    out,
	    "Usage: " PROGNAME " [-s SUMMARY] [-W WHITELIST]... [-i IGNORE]"
	    " [-n N]\n"
	    "       [-w RANGE] [-c RANGE] [--wait-warning DURATION] "
	    "[--wait-critical DURATION]\n"
	    "       [--never-passed-warning N] [--never-passed-critical N]\n"
	    "       [-a SECONDS] [-C] [-x] [-t SECONDS] [-v]...\n"
	    "       " PROGNAME " --help\n"
	    "       " PROGNAME " --version\n");
}

static void print_help(void)
{
	printf(PROGNAME " (greyscan " PACKAGE_VERSION ")\n"
			"Warns about sender domains postgrey greylists often "
			"whose mail the evidence says\n"
			"to whitelist, that are neither in postgrey's client "
			"whitelist nor in the ignore\n"
			"file, and about mail that waits too long or never "
			"gets through.\n\n");
	print_usage(stdout);
	printf("\nOptions:\n"
	       " -s, --summary FILE      the summary (default:\n"
	       "                         " DEFAULT_SUMMARY ")\n"
	       " -W, --whitelist FILE    a postgrey client whitelist; "
	       "repeatable, replaces\n"
	       "                         the defaults " GS_POSTGREY_WHITELIST
	       "\n"
	       "                         and " GS_POSTGREY_WHITELIST_LOCAL "\n"
	       "                         (a missing *.local file is fine)\n"
	       " -i, --ignore FILE       groups never to report (default:\n"
	       "                         " GS_DEFAULT_IGNORE_FILE
	       ", may be missing;\n"
	       "                         a file given here must exist)\n"
	       " -n, --min-greylisted N  new + early retries that make a "
	       "candidate (default: %d)\n"
	       " -w, --warning RANGE     candidates that warn "
	       "(default: " DEFAULT_WARNING ", from one)\n"
	       " -c, --critical RANGE    candidates that are critical "
	       "(default: never)\n"
	       "     --wait-warning DURATION\n"
	       "     --wait-critical DURATION\n"
	       "                         a domain neither whitelisted nor "
	       "ignored whose mail\n"
	       "                         waits longer at p90 (e.g. 2h, 90m, "
	       "3600; default: off)\n"
	       "     --never-passed-warning N\n"
	       "     --never-passed-critical N\n"
	       "                         such a domain with more than N mails "
	       "that came back\n"
	       "                         but never passed (default: off)\n"
	       " -a, --max-age SECONDS   an older summary is stale, UNKNOWN\n"
	       "                         (default: %d, 0: no check)\n"
	       " -C, --stale-critical    a stale summary is CRITICAL\n"
	       " -x, --exclude-dynamic   without pair evidence, do not count "
	       "groups that look\n"
	       "                         like dynamic space\n"
	       " -t, --timeout SECONDS   UNKNOWN after this long (default: "
	       "%d)\n"
	       " -v, --verbose           more detail, up to three times\n"
	       " -h, --help              this help (exit status 3)\n"
	       " -V, --version           the version (exit status 3)\n\n"
	       "RANGE is [@][start:][end] as in the Monitoring Plugins "
	       "guidelines: 10 (outside\n"
	       "0..10), 10: (below 10), ~:10 (above 10), 10:20 (outside), "
	       "@10:20 (inside).\n"
	       "Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. See "
	       "check_greyscan(1).\n",
	       GS_DEFAULT_THRESHOLD, DEFAULT_MAX_AGE_S, DEFAULT_TIMEOUT_S);
}

/* Bad arguments: UNKNOWN with the reason and the usage, on stdout. */
static int bad_usage(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static int bad_usage(const char *fmt, ...)
{
	va_list ap;

	printf(SERVICE " UNKNOWN - ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	print_usage(stdout);
	return STATE_UNKNOWN;
}

/* --wait-warning and --wait-critical: a duration up to a year. */
static int wait_option(const char *name, struct above *a)
{
	uint32_t s;

	if (!gs_parse_duration(optarg, 0, GS_WINDOW_MAX_S, &s))
		return bad_usage("--%s '%s' is not a duration such as 2h, "
				 "90m or 3600 (at most 366d)",
				 name, optarg);
	a->set = true;
	a->limit = s;
	return -1;
}

/* --never-passed-warning and --never-passed-critical: a count. */
static int count_option(const char *name, struct above *a)
{
	unsigned long v;

	if (!gs_parse_ulong(optarg, 0, MAX_NEVER_PASSED, &v))
		return bad_usage("--%s '%s' is not a number of mails", name,
				 optarg);
	a->set = true;
	a->limit = v;
	return -1;
}

#define NOT_MINE (-2) /* value_option: another kind of option */

/* The options with a number or a range. -1 to go on, or the exit
 * status; NOT_MINE when opt is none of them. */
static int value_option(int opt, struct config *c)
{
	char err[GS_ERRLEN];
	unsigned long v;

	switch (opt) {
	case 'n':
		if (!gs_parse_ulong(optarg, 1, MAX_MIN_GREYLISTED, &v))
			return bad_usage("--min-greylisted '%s' is not "
					 "a number of 1 or more",
					 optarg);
		c->sopts.threshold = v;
		return -1;
	case 'w':
	case 'c':
		if (gs_range_parse(optarg,
				   opt == 'w' ? &c->warning : &c->critical, err,
				   sizeof(err)) < 0)
			return bad_usage("%s", err);
		if (opt == 'c')
			c->have_critical = true;
		return -1;
	case 'a':
		if (!gs_parse_ulong(optarg, 0, MAX_AGE_LIMIT_S, &v))
			return bad_usage("--max-age '%s' is not a "
					 "number of seconds",
					 optarg);
		c->max_age_s = (long)v;
		return -1;
	case 't':
		if (!gs_parse_ulong(optarg, 1, MAX_TIMEOUT_S, &v))
			return bad_usage("--timeout '%s' is not 1 to "
					 "3600 seconds",
					 optarg);
		c->timeout_s = (unsigned)v;
		return -1;
	case OPT_WAIT_WARNING:
		return wait_option("wait-warning", &c->wait_warning);
	case OPT_WAIT_CRITICAL:
		return wait_option("wait-critical", &c->wait_critical);
	case OPT_NP_WARNING:
		return count_option("never-passed-warning", &c->np_warning);
	case OPT_NP_CRITICAL:
		return count_option("never-passed-critical", &c->np_critical);
	}
	return NOT_MINE;
}

/* One option of parse_args, with its value in optarg. Returns -1 to go on,
 * or the exit status. */
static int parse_option(int opt, char **argv, struct config *c)
{
	int rc = value_option(opt, c);

	if (rc != NOT_MINE)
		return rc;
	switch (opt) {
	case 's':
		c->summary = optarg;
		return -1;
	case 'W':
		c->whitelists[c->n_whitelists++] = optarg;
		return -1;
	case 'i':
		c->ignore = optarg;
		return -1;
	case 'C':
		c->stale_critical = true;
		return -1;
	case 'x':
		c->sopts.exclude_dynamic = true;
		return -1;
	case 'v':
		if (c->verbose < 3)
			c->verbose++;
		return -1;
	case 'h':
		print_help();
		return STATE_UNKNOWN;
	case 'V':
		printf(PROGNAME " (greyscan " PACKAGE_VERSION ")\n");
		return STATE_UNKNOWN;
	default:
		/* optopt > 255: a long option without a letter */
		if (optopt > 255)
			return bad_usage("option '%s' needs a value",
					 argv[optind - 1]);
		if (optopt != 0 && strchr("sWinwcat", optopt))
			return bad_usage("option -%c needs a value", optopt);
		return bad_usage("unknown option '%s'", argv[optind - 1]);
	}
}

int parse_args(int argc, char **argv, struct config *c)
{
	static const struct option longopts[] = {
	    {"summary", required_argument, NULL, 's'},
	    {"whitelist", required_argument, NULL, 'W'},
	    {"ignore", required_argument, NULL, 'i'},
	    {"min-greylisted", required_argument, NULL, 'n'},
	    {"warning", required_argument, NULL, 'w'},
	    {"critical", required_argument, NULL, 'c'},
	    {"wait-warning", required_argument, NULL, OPT_WAIT_WARNING},
	    {"wait-critical", required_argument, NULL, OPT_WAIT_CRITICAL},
	    {"never-passed-warning", required_argument, NULL, OPT_NP_WARNING},
	    {"never-passed-critical", required_argument, NULL, OPT_NP_CRITICAL},
	    {"max-age", required_argument, NULL, 'a'},
	    {"stale-critical", no_argument, NULL, 'C'},
	    {"exclude-dynamic", no_argument, NULL, 'x'},
	    {"timeout", required_argument, NULL, 't'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	int opt, rc;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "s:W:i:n:w:c:a:Cxt:vhV", longopts,
				  NULL)) != -1) {
		rc = parse_option(opt, argv, c);
		if (rc >= 0)
			return rc;
	}
	if (optind < argc)
		return bad_usage("unexpected argument '%s'", argv[optind]);
	return -1;
}

void config_default(struct config *c)
{
	char err[GS_ERRLEN];

	memset(c, 0, sizeof(*c));
	c->summary = DEFAULT_SUMMARY;
	gs_suggest_opts_default(&c->sopts);
	/* the constant always parses */
	(void)gs_range_parse(DEFAULT_WARNING, &c->warning, err, sizeof(err));
	c->max_age_s = DEFAULT_MAX_AGE_S;
	c->timeout_s = DEFAULT_TIMEOUT_S;
}
