/* check_greyscan: a Nagios/Icinga plugin that reads greyscan's summary file
 * and warns about sender domains postgrey greylists often that the evidence
 * says to whitelist and that are neither whitelisted nor ignored, and about
 * mail that waits too long or never gets through. Wiring only: the summary
 * reader, the whitelist matcher, the candidates with their verdicts and the
 * ranges live in lib/; the command line is args.c, the evaluation
 * evaluate.c, the output output.c.
 *
 * Monitoring Plugins contract: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN;
 * everything on stdout (also the usage after a bad argument, as Monitoring
 * Plugins' own plugins do, so that the monitoring system shows it); -h and
 * -V exit 3 like those plugins. The output never depends on the locale: no
 * setlocale(), integers only. */
#include "gs_config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/error.h"
#include "base/sanitize.h"
#include "summary/summary_file.h"
#include "check_greyscan.h"

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

int main(int argc, char **argv)
{
	struct config c;
	struct inputs in;
	struct findings f;
	char err[GS_ERRLEN];
	int rc;

	memset(&in, 0, sizeof(in));
	memset(&f, 0, sizeof(f));
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
	f.age_s = (long)(time(NULL) - in.summary.generated);
	if (f.age_s < 0)
		f.age_s = 0; /* written by a host whose clock is ahead */
	f.stale = c.max_age_s > 0 && f.age_s > c.max_age_s;
	check_evaluate(&c, &in, &f);
	print_result(&c, &in, &f);
	rc = (int)f.state;
out:
	alarm(0);
	free_inputs(&in);
	free(c.whitelists);
	if (fflush(stdout) != 0)
		rc = STATE_UNKNOWN;
	return rc;
}
