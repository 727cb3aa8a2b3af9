/* check_greyscan's parts, private to the plugin: the configuration from
 * the command line (args.c), the inputs and what is found in them
 * (check_greyscan.c evaluates them once into struct findings), and the
 * output printed from that data (output.c). */
#ifndef GS_CHECK_GREYSCAN_H
#define GS_CHECK_GREYSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/range.h"
#include "summary/summary.h"
#include "advice/ignore.h"
#include "advice/suggest.h"
#include "advice/whitelist.h"

#define PROGNAME	  "check_greyscan"
#define SERVICE		  "GREYSCAN"
#define DEFAULT_SUMMARY	  "/var/lib/greyscan/summary.json"
#define DEFAULT_WARNING	  "0" /* warn from one candidate on */
#define DEFAULT_TIMEOUT_S 10
#define MAX_TIMEOUT_S	  3600
#define DEFAULT_MAX_AGE_S 172800 /* two days; 0 turns the check off */
#define FIRST_LINE_NAMES  5	 /* candidates named on the first line */

enum state {
	STATE_OK = 0,
	STATE_WARNING = 1,
	STATE_CRITICAL = 2,
	STATE_UNKNOWN = 3,
};

/* A threshold "above N" on one domain's figure; off unless set. */
struct above {
	bool set;
	uint64_t limit; /* alert when the figure is greater */
};

struct config {
	const char *summary;
	const char **whitelists; /* NULL: postgrey's two default files */
	size_t n_whitelists;
	const char *ignore; /* NULL: GS_DEFAULT_IGNORE_FILE, may be missing */
	struct gs_suggest_opts sopts;
	struct gs_range warning; /* on the number of candidates */
	struct gs_range critical;
	bool have_critical;
	struct above wait_warning, wait_critical; /* p90 wait, seconds */
	struct above np_warning, np_critical;	  /* mails never passed */
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

/* The worst domain by one figure among the domains the wait and
 * never-passed thresholds look at (see watched() in check_greyscan.c),
 * and how many of them each threshold alerts on. */
struct worst {
	const struct gs_candidate *c; /* NULL: no such domain */
	uint64_t value;
	size_t over_warning, over_critical;
};

/* Everything the output is printed from, evaluated once. */
struct findings {
	bool evidence; /* the summary has pair evidence (version 2) */
	bool stale;
	long age_s;
	struct worst wait; /* p90 wait in seconds */
	struct worst np;   /* mails that never passed */
	enum state state;
};

/* args.c */

/* The defaults, whitelists not yet allocated. */
void config_default(struct config *c);

/* Fills c from argv (c->whitelists must have room for argc entries).
 * Returns -1 to go on, or the exit status after printing the help, the
 * version or the reason for UNKNOWN with the usage. */
int parse_args(int argc, char **argv, struct config *c);

/* evaluate.c */

/* Evaluates the inputs once into f (stale and age_s already set). */
void check_evaluate(const struct config *c, const struct inputs *in,
		    struct findings *f);

/* Whether the wait and never-passed thresholds look at cd: a domain
 * neither whitelisted nor ignored, with pair evidence, whose verdict is
 * not do-not-whitelist (what never passes there is no mail anyone
 * misses). */
bool check_watched(const struct gs_candidate *cd);

/* Whether cd is watched and one of those thresholds alerts on it. */
bool check_alerts(const struct config *c, const struct gs_candidate *cd);

/* output.c */

/* The first line, its perfdata, then the long output. */
void print_result(const struct config *c, const struct inputs *in,
		  const struct findings *f);

#endif
