/* What the greyscan command's files share (greyscan.c, cmd_report.c). */
#ifndef GS_CLI_H
#define GS_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "advice/suggest.h"

#define EXIT_USAGE     2
#define MAX_WHITELISTS 16

extern const char *progname;

/* The --help text. */
void usage(FILE *out);

/* Prints "greyscan: " fmt (with arg) and the --help hint; EXIT_USAGE. */
int bad_usage(const char *fmt, const char *arg);

/* The options that choose the advice, shared by suggest and report
 * --html (cli.c): -W FILE (repeatable), -i FILE, -n N (and -t N, the old
 * name suggest keeps). */
struct advice_args {
	const char *wl_paths[MAX_WHITELISTS];
	size_t n_wl;
	const char *ignore_path; /* NULL: the default, which may be missing */
	struct gs_suggest_opts sopts;
};

/* Nothing given yet, the suggestion defaults. */
void advice_args_init(struct advice_args *a);

/* Takes option c (getopt's, with arg) if it is one of the advice options:
 * -1 when taken, an exit status for a bad value, -2 when c is none. */
int advice_option(int c, const char *arg, struct advice_args *a);

/* `greyscan report` (cmd_report.c). */
int cmd_report(int argc, char **argv);

#endif
