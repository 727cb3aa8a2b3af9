/* check_greyscan: a Nagios/Icinga plugin that reads greyscan's summary file
 * and warns about sender domains postgrey greylists often that are neither
 * whitelisted nor ignored. Wiring only: the summary reader, the whitelist
 * matcher, the candidate selection and the ranges live in lib/.
 *
 * Monitoring Plugins contract: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN;
 * everything on stdout (also the usage after a bad argument, as Monitoring
 * Plugins' own plugins do, so that the monitoring system shows it); -h and
 * -V exit 3 like those plugins. The output never depends on the locale: no
 * setlocale(), integers only. */
#include "gs_config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/duration.h"
#include "base/error.h"
#include "base/range.h"
#include "base/sanitize.h"
#include "summary/summary.h"
#include "advice/suggest.h"
#include "base/number.h"
#include "summary/summary_file.h"
#include "advice/ignore.h"
#include "advice/whitelist.h"

#define PROGNAME	   "check_greyscan"
#define SERVICE		   "GREYSCAN"
#define DEFAULT_SUMMARY	   "/var/lib/greyscan/summary.json"
#define DEFAULT_WARNING	   "0" /* warn from one candidate on */
#define DEFAULT_TIMEOUT_S  10
#define MAX_TIMEOUT_S	   3600
#define DEFAULT_MAX_AGE_S  172800 /* two days; 0 turns the check off */
#define MAX_AGE_LIMIT_S	   (10L * 366 * 86400)
#define MAX_MIN_GREYLISTED 1000000000UL /* suggest --threshold: UINT32_MAX */
#define FIRST_LINE_NAMES   5		/* candidates named on the first line */

enum state {
	STATE_OK = 0,
	STATE_WARNING = 1,
	STATE_CRITICAL = 2,
	STATE_UNKNOWN = 3,
};

static const char *const state_names[] = {"OK", "WARNING", "CRITICAL",
					  "UNKNOWN"};

struct config {
	const char *summary;
	const char **whitelists; /* NULL: postgrey's two default files */
	size_t n_whitelists;
	const char *ignore; /* NULL: GS_DEFAULT_IGNORE_FILE, may be missing */
	struct gs_suggest_opts sopts;
	struct gs_range warning;
	struct gs_range critical;
	bool have_critical;
	long max_age_s;
	bool stale_critical;
	unsigned timeout_s;
	int verbose;
};

struct inputs {
	struct gs_summary summary;
	struct gs_whitelist *wl;
	struct gs_ignore *ig;
	struct gs_candidates cands;
};

/* The timeout message, formatted before alarm() so that the handler only
 * calls write() and _exit(), which are async-signal-safe. */
static char timeout_msg[128];
static size_t timeout_len;

static void on_alarm(int sig)
{
	ssize_t ignored;

	(void)sig;
	ignored = write(STDOUT_FILENO, timeout_msg, timeout_len);
	(void)ignored;
	_exit(STATE_UNKNOWN);
}

static void print_usage(FILE *out)
{
	fprintf(out,
		"Usage: " PROGNAME " [-s SUMMARY] [-W WHITELIST]... [-i IGNORE]"
		" [-n N]\n"
		"       [-w RANGE] [-c RANGE] [-a SECONDS] [-C] [-x] [-t "
		"SECONDS] [-v]...\n"
		"       " PROGNAME " --help\n"
		"       " PROGNAME " --version\n");
}

static void print_help(void)
{
	printf(PROGNAME
	       " (greyscan " PACKAGE_VERSION ")\n"
	       "Warns about sender domains postgrey greylists often that are "
	       "neither in\n"
	       "postgrey's client whitelist nor in the ignore file.\n\n");
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
	       " -a, --max-age SECONDS   an older summary is stale, UNKNOWN\n"
	       "                         (default: %d, 0: no check)\n"
	       " -C, --stale-critical    a stale summary is CRITICAL\n"
	       " -x, --exclude-dynamic   do not count groups that look like "
	       "dynamic space\n"
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

/* One option of parse_args, with its value in optarg. Returns -1 to go on,
 * or the exit status. */
static int parse_option(int opt, char **argv, struct config *c)
{
	char err[GS_ERRLEN];
	unsigned long v;

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
	case 'C':
		c->stale_critical = true;
		return -1;
	case 'x':
		c->sopts.exclude_dynamic = true;
		return -1;
	case 't':
		if (!gs_parse_ulong(optarg, 1, MAX_TIMEOUT_S, &v))
			return bad_usage("--timeout '%s' is not 1 to "
					 "3600 seconds",
					 optarg);
		c->timeout_s = (unsigned)v;
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
		if (optopt != 0 && strchr("sWinwcat", optopt))
			return bad_usage("option -%c needs a value", optopt);
		return bad_usage("unknown option '%s'", argv[optind - 1]);
	}
}

/* Fills c from argv. Returns -1 to go on, or the exit status. */
static int parse_args(int argc, char **argv, struct config *c)
{
	static const struct option longopts[] = {
	    {"summary", required_argument, NULL, 's'},
	    {"whitelist", required_argument, NULL, 'W'},
	    {"ignore", required_argument, NULL, 'i'},
	    {"min-greylisted", required_argument, NULL, 'n'},
	    {"warning", required_argument, NULL, 'w'},
	    {"critical", required_argument, NULL, 'c'},
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

/* Loads the summary, the whitelists and the ignore file and selects the
 * candidates. -1 with err. */
static int load_inputs(const struct config *c, struct inputs *in, char *err,
		       size_t errlen)
{
	char why[GS_ERRLEN];

	if (gs_summary_read(c->summary, &in->summary, why, sizeof(why)) < 0)
		return gs_seterr(err, errlen, "cannot use the summary: %s",
				 why);
	in->wl = gs_whitelist_load_default(c->whitelists, c->n_whitelists, why,
					   sizeof(why));
	if (in->wl == NULL)
		return gs_seterr(err, errlen, "cannot use the whitelist: %s",
				 why);
	in->ig = gs_ignore_load_default(c->ignore, why, sizeof(why));
	if (in->ig == NULL)
		return gs_seterr(err, errlen, "cannot use the ignore file: %s",
				 why);
	return gs_candidates_select(&in->summary, in->wl, in->ig, &c->sopts,
				    &in->cands, err, errlen);
}

static void free_inputs(struct inputs *in)
{
	gs_candidates_free(&in->cands);
	gs_ignore_free(in->ig);
	gs_whitelist_free(in->wl);
	gs_summary_free(&in->summary);
}

/* The first line's text after "GREYSCAN STATE - ". */
static void print_headline(const struct config *c, const struct inputs *in,
			   bool stale, long age_s)
{
	const struct gs_candidates *cs = &in->cands;
	char name[GS_GROUP_MAX], a[32], m[32];
	size_t i, named = 0;

	if (stale) {
		gs_format_duration((uint64_t)age_s, a, sizeof(a));
		gs_format_duration((uint64_t)c->max_age_s, m, sizeof(m));
		printf("summary is stale, written %s ago (max age %s); ", a, m);
	}
	if (cs->n_candidates == 0) {
		printf("no sender greylisted %llu+ times needs whitelisting "
		       "(%llu domains tracked)",
		       (unsigned long long)c->sopts.threshold,
		       (unsigned long long)in->summary.totals.groups);
		return;
	}
	printf("%zu sender%s greylisted %llu+ times to whitelist or ignore: ",
	       cs->n_candidates, cs->n_candidates == 1 ? "" : "s",
	       (unsigned long long)c->sopts.threshold);
	for (i = 0; i < cs->n_items && named < FIRST_LINE_NAMES; i++) {
		if (cs->items[i].state != GS_CAND_CANDIDATE)
			continue;
		gs_text_clean(cs->items[i].group->domain, name, sizeof(name));
		printf("%s%s (%llu)", named ? ", " : "", name,
		       (unsigned long long)cs->items[i].greylisted);
		named++;
	}
	if (cs->n_candidates > named)
		printf(" and %zu more", cs->n_candidates - named);
}

static void print_perfdata(const struct config *c, const struct inputs *in,
			   long age_s)
{
	const struct gs_totals *t = &in->summary.totals;

	/* new and delayed are the summary's totals, which only grow (they
	 * are carried across restarts): counters, UOM 'c'. */
	printf(" | 'candidates'=%zu;%s;%s;0; 'new'=%lluc;;;0; "
	       "'delayed'=%lluc;;;0; 'domains'=%llu;;;0; 'age'=%lds;;;0;\n",
	       in->cands.n_candidates, c->warning.text,
	       c->have_critical ? c->critical.text : "",
	       (unsigned long long)t->per_counter[GS_C_NEW],
	       (unsigned long long)t->per_counter[GS_C_DELAYED],
	       (unsigned long long)t->groups, age_s);
}

static const char *pl(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void print_group_counts(const struct gs_candidate *cd)
{
	const struct gs_group_stats *g = cd->group;
	uint64_t delayed = g->counts[GS_C_DELAYED];
	char name[GS_GROUP_MAX], med[32], max[32];

	gs_text_clean(g->domain, name, sizeof(name));
	printf("%s: %llu greylisted (%llu new, %llu early %s), ", name,
	       (unsigned long long)cd->greylisted,
	       (unsigned long long)g->counts[GS_C_NEW],
	       (unsigned long long)g->counts[GS_C_EARLY_RETRY],
	       pl(g->counts[GS_C_EARLY_RETRY], "retry", "retries"));
	if (delayed == 0) {
		printf("no delayed pass");
	} else {
		gs_format_duration(g->delay_median_s, med, sizeof(med));
		gs_format_duration(g->delay_max_s, max, sizeof(max));
		printf("%llu delayed %s (median %s, max %s)",
		       (unsigned long long)delayed,
		       pl(delayed, "pass", "passes"), med, max);
	}
	printf(", %u %s in %u %s", g->client_addresses,
	       pl(g->client_addresses, "address", "addresses"), g->networks,
	       pl(g->networks, "network", "networks"));
}

/* A regex that gave up at a PCRE2 limit counted as no match, so a group
 * it would have covered may be listed: say so whatever the verbosity. */
static void print_match_failures(const struct inputs *in)
{
	char entry[GS_WHITELIST_MAX_LINE_BYTES];
	struct gs_wl_hit first;
	size_t n;

	n = gs_whitelist_match_failures(in->wl, &first);
	if (n == 0)
		return;
	gs_text_clean(first.entry, entry, sizeof(entry));
	printf("whitelist: %zu regex %s gave up at the PCRE2 match limit and "
	       "counted as no match, first %s:%u (%s)\n",
	       n, pl(n, "test", "tests"), first.file, first.line, entry);
}

/* One line per candidate; with -v also the groups above the threshold
 * that are covered, ignored or excluded, and which entry decided. */
static void print_long(const struct config *c, const struct inputs *in)
{
	const struct gs_candidate *cd;
	const char *ignore = c->ignore ? c->ignore : GS_DEFAULT_IGNORE_FILE;
	char name[GS_GROUP_MAX], entry[GS_WHITELIST_MAX_LINE_BYTES];
	size_t i;

	for (i = 0; i < in->cands.n_items; i++) {
		cd = &in->cands.items[i];
		if (cd->state != GS_CAND_CANDIDATE && c->verbose < 1)
			continue;
		print_group_counts(cd);
		gs_text_clean(cd->group->domain, name, sizeof(name));
		switch (cd->state) {
		case GS_CAND_CANDIDATE:
			if (cd->flagged)
				printf("; do not whitelist: %s; to silence, "
				       "add %s to %s\n",
				       cd->reason, name, ignore);
			else
				printf("; add to %s: %s\n",
				       GS_POSTGREY_WHITELIST_LOCAL, cd->entry);
			break;
		case GS_CAND_COVERED:
		case GS_CAND_IGNORED:
			gs_text_clean(cd->hit.entry, entry, sizeof(entry));
			printf("; %s by %s:%u (%s)\n",
			       cd->state == GS_CAND_COVERED ? "whitelisted"
							    : "ignored",
			       cd->hit.file, cd->hit.line, entry);
			break;
		case GS_CAND_EXCLUDED:
			printf("; not counted (--exclude-dynamic): %s\n",
			       cd->reason);
			break;
		}
	}
	print_match_failures(in);
}

/* -vv: what was read; -vvv: also every group below the threshold. */
static void print_debug(const struct config *c, const struct inputs *in)
{
	const struct gs_summary *s = &in->summary;
	const struct gs_group_stats *g;
	char name[GS_GROUP_MAX], warn[GS_ERRLEN];
	size_t i;
	uint64_t greylisted;

	if (c->verbose < 2)
		return;
	printf("summary %s: %zu of %llu groups listed, window %lds\n",
	       c->summary, s->n_groups, (unsigned long long)s->totals.groups,
	       (long)s->window_s);
	printf("whitelist: %zu %s, %zu %s skipped as postgrey skips them\n",
	       gs_whitelist_count(in->wl),
	       pl(gs_whitelist_count(in->wl), "entry", "entries"),
	       gs_whitelist_warnings(in->wl),
	       pl(gs_whitelist_warnings(in->wl), "line", "lines"));
	if (gs_whitelist_warnings(in->wl) > 0) {
		gs_text_clean(gs_whitelist_first_warning(in->wl), warn,
			      sizeof(warn));
		printf("first skipped line: %s\n", warn);
	}
	printf("ignore: %zu %s\n", gs_ignore_count(in->ig),
	       pl(gs_ignore_count(in->ig), "entry", "entries"));
	if (c->verbose < 3)
		return;
	for (i = 0; i < s->n_groups; i++) {
		g = &s->groups[i];
		greylisted = g->counts[GS_C_NEW] + g->counts[GS_C_EARLY_RETRY];
		if (greylisted >= c->sopts.threshold)
			continue;
		gs_text_clean(g->domain, name, sizeof(name));
		printf("below threshold: %s (%llu)\n", name,
		       (unsigned long long)greylisted);
	}
}

static enum state evaluate(const struct config *c, const struct inputs *in,
			   bool stale)
{
	double n = (double)in->cands.n_candidates;

	if (stale)
		return c->stale_critical ? STATE_CRITICAL : STATE_UNKNOWN;
	if (c->have_critical && gs_range_alert(&c->critical, n))
		return STATE_CRITICAL;
	if (gs_range_alert(&c->warning, n))
		return STATE_WARNING;
	return STATE_OK;
}

static void config_default(struct config *c)
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

int main(int argc, char **argv)
{
	struct config c;
	struct inputs in;
	char err[GS_ERRLEN];
	enum state st;
	long age_s;
	bool stale;
	int rc;

	memset(&in, 0, sizeof(in));
	config_default(&c);
	c.whitelists = calloc((size_t)argc + 1, sizeof(*c.whitelists));
	if (c.whitelists == NULL) {
		printf(SERVICE " UNKNOWN - out of memory\n");
		return STATE_UNKNOWN;
	}
	rc = parse_args(argc, argv, &c);
	if (rc >= 0)
		goto out;
	c.sopts.ignore_file = c.ignore;
	timeout_len = (size_t)snprintf(timeout_msg, sizeof(timeout_msg),
				       SERVICE " UNKNOWN - timed out after %u "
					       "s\n",
				       c.timeout_s);
	signal(SIGALRM, on_alarm);
	alarm(c.timeout_s);

	if (load_inputs(&c, &in, err, sizeof(err)) < 0) {
		gs_text_clean(err, err, sizeof(err));
		printf(SERVICE " UNKNOWN - %s\n", err);
		rc = STATE_UNKNOWN;
		goto out;
	}
	age_s = (long)(time(NULL) - in.summary.generated);
	if (age_s < 0)
		age_s = 0; /* written by a host whose clock is ahead */
	stale = c.max_age_s > 0 && age_s > c.max_age_s;
	st = evaluate(&c, &in, stale);

	printf(SERVICE " %s - ", state_names[st]);
	print_headline(&c, &in, stale, age_s);
	print_perfdata(&c, &in, age_s);
	print_long(&c, &in);
	print_debug(&c, &in);
	rc = (int)st;
out:
	alarm(0);
	free_inputs(&in);
	free(c.whitelists);
	if (fflush(stdout) != 0)
		rc = STATE_UNKNOWN;
	return rc;
}
