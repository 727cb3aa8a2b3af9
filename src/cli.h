/* What the greyscan command's files share (greyscan.c, cmd_report.c). */
#ifndef GS_CLI_H
#define GS_CLI_H

#include <stdio.h>

#define EXIT_USAGE     2
#define MAX_WHITELISTS 16

extern const char *progname;

/* The --help text. */
void usage(FILE *out);

/* Prints "greyscan: " fmt (with arg) and the --help hint; EXIT_USAGE. */
int bad_usage(const char *fmt, const char *arg);

/* `greyscan report` (cmd_report.c). */
int cmd_report(int argc, char **argv);

#endif
