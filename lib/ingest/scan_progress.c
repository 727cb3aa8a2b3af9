/* The scan's progress line on a terminal: "\rFILE: 12.3 MB, 45678 lines",
 * at most twice a second, and the last figures with a newline.
 *
 * Concurrency & locking: none; the reading thread's alone. */
#include "gs_config.h"

#include "ingest/scan_int.h"

#define GS_PROGRESS_NS		500000000L /* at most two updates a second */
#define GS_PROGRESS_EVERY_LINES 16384	   /* look at the clock this often */

static void progress_print(struct progress *pr, const char *end)
{
	/* Progress is a courtesy: a failing terminal does not fail a scan. */
	(void)fprintf(pr->out, "\r%s: %.1f MB, %llu lines%s", pr->name,
		      (double)pr->bytes / (1024.0 * 1024.0),
		      (unsigned long long)pr->lines, end);
	(void)fflush(pr->out);
}

void gs_scan_progress_start(struct progress *pr, FILE *out, const char *name)
{
	pr->out = out;
	pr->name = name;
	pr->bytes = pr->lines = 0;
	pr->since_check = 0;
	if (out != NULL)
		(void)clock_gettime(CLOCK_MONOTONIC, &pr->last);
}

void gs_scan_progress_line(struct progress *pr)
{
	struct timespec now;
	long ns;

	pr->lines++;
	if (pr->out == NULL || ++pr->since_check < GS_PROGRESS_EVERY_LINES)
		return;
	pr->since_check = 0;
	if (clock_gettime(CLOCK_MONOTONIC, &now) != 0)
		return;
	ns = (now.tv_sec - pr->last.tv_sec) * 1000000000L +
	     (now.tv_nsec - pr->last.tv_nsec);
	if (ns < GS_PROGRESS_NS)
		return;
	pr->last = now;
	progress_print(pr, "");
}

void gs_scan_progress_end(struct progress *pr)
{
	if (pr->out != NULL)
		progress_print(pr, "\n");
}
