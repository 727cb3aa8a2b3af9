/* omgreyscan's writer thread: one per action. It writes the summary and the
 * state file right after start, every interval, on HUP and once more when
 * stopped, logs the first failure of a streak and the recovery, and keeps
 * the impstats gauges. Before it starts, the temporary files an interrupted
 * write left are removed and the counts are restored from the state file.
 *
 * Concurrency & locking
 * ---------------------
 * This file owns wr_mut and wr_cond (see instance.h for the whole picture).
 * wr_mut guards wr_stop and wr_hup, set by the main thread (doHUP,
 * freeInstance) and read by the writer thread, and pairs with wr_cond to
 * wake it. Nobody calls into the core while holding it. The writer thread
 * alone touches the failure-streak flags and the files once it runs;
 * omgs_writer_start restores the state (and sets the evictions at start) on the
 * main thread before creating it. When the restore fails it replaces
 * d->tally with an empty one: activateCnf runs before rsyslogd activates
 * the actions, so neither a worker nor the writer holds the pointer yet. If
 * the thread cannot be created, omgs_writer_stop writes the files itself on
 * the main thread, after the workers have stopped. The tally has its own
 * mutex and the counters are atomic. */
#include "config.h" /* rsyslog's configured config.h: sets struct layouts */
#include "rsyslog.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "errmsg.h"

#include "base/error.h"
#include "state/state.h"
#include "summary/summary_file.h"
#include "tally/tally.h"

#include "instance.h"
#include "writer.h"

#define WRITER_THREAD_NAME "rs:omgreyscan" /* ps/top; 15 bytes at most */

/* The state holds the whole tally, unparsed-line samples included (any log
 * text when the admin's filter lets other messages through), and only
 * rsyslogd reads it back: it stays private to rsyslogd's user whatever the
 * summary's fileCreateMode, fileOwner and fileGroup say. */
#define STATE_FILE_MODE 0600

int omgs_writer_sync_init(instanceData *d)
{
	pthread_condattr_t ca;
	int r;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	r = pthread_cond_init(&d->wr_cond, &ca);
	pthread_condattr_destroy(&ca);
	if (r != 0)
		return -1;
	if (pthread_mutex_init(&d->wr_mut, NULL) != 0) {
		pthread_cond_destroy(&d->wr_cond);
		return -1;
	}
	d->wr_sync_ok = 1;
	return 0;
}

void omgs_writer_sync_fini(instanceData *d)
{
	if (d->wr_sync_ok) {
		pthread_cond_destroy(&d->wr_cond);
		pthread_mutex_destroy(&d->wr_mut);
	}
	d->wr_sync_ok = 0;
}

static void state_file_opts(struct gs_file_opts *o)
{
	gs_file_opts_default(o); /* owner and group unchanged */
	o->mode = STATE_FILE_MODE;
}

/* Logs the first failure of a streak and the recovery; counts each. */
static void note_write(instanceData *d, int *failing, const char *what,
		       const char *path, int ok, const char *err)
{
	if (!ok) {
		omgs_ctr_add(&d->ctr.write_failures, 1);
		if (!*failing)
			LogError(0, RS_RET_IO_ERROR,
				 "omgreyscan: cannot write the %s file, will "
				 "retry every %d s (further failures are "
				 "counted, not logged): %s",
				 what, d->interval_s, err);
		*failing = 1;
	} else if (*failing) {
		LogMsg(0, NO_ERRCODE, LOG_INFO,
		       "omgreyscan: the %s file '%s' is written again", what,
		       path);
		*failing = 0;
	}
}

/* v - at_start, or 0: the count of this run. */
static intctr_t since_start(uint64_t v, uint64_t at_start)
{
	return v >= at_start ? v - at_start : 0;
}

/* The gauges follow the tally, whether or not the disk takes the file. */
static void set_gauges(instanceData *d, const struct gs_summary *s)
{
	omgs_ctr_set(&d->ctr.groups, s->totals.groups);
	omgs_ctr_set(&d->ctr.evictions,
		     since_start(s->totals.evicted, d->evicted_at_start));
	omgs_ctr_set(&d->ctr.pairs_open, s->totals.pairs_open);
	omgs_ctr_set(
	    &d->ctr.pair_evictions,
	    since_start(s->totals.pairs_evicted, d->pairs_evicted_at_start));
}

/* One round: the summary, then the state. Each is attempted even when the
 * other fails. */
static void write_files(instanceData *d)
{
	struct gs_summary s;
	struct gs_file_opts state_opts;
	char err[GS_ERRLEN];
	int ok;

	memset(&s, 0, sizeof(s));
	ok = gs_tally_snapshot_top(d->tally, time(NULL), d->summary_domains, &s,
				   err, sizeof(err)) == 0;
	if (ok) {
		set_gauges(d, &s);
		ok = gs_summary_write(&s, d->summary_path, &d->fopts, err,
				      sizeof(err)) == 0;
	}
	if (ok)
		omgs_ctr_add(&d->ctr.summary_writes, 1);
	gs_summary_free(&s);
	note_write(d, &d->summary_failing, "summary", d->summary_path, ok, err);

	state_file_opts(&state_opts);
	ok = gs_state_save(d->tally, d->state_path, &state_opts, err,
			   sizeof(err)) == 0;
	note_write(d, &d->state_failing, "state", d->state_path, ok, err);
}

static void deadline_after(struct timespec *t, int seconds)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_sec += seconds;
}

static int deadline_passed(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > t->tv_sec ||
	       (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

/* Writes at start, then every interval, on HUP, and once more on stop. */
static void *writer_main(void *arg)
{
	instanceData *d = arg;
	struct timespec next;
	int stop = 0;

	pthread_setname_np(pthread_self(), WRITER_THREAD_NAME);
	clock_gettime(CLOCK_MONOTONIC, &next); /* first write right away */
	while (!stop) {
		pthread_mutex_lock(&d->wr_mut);
		while (!d->wr_stop && !d->wr_hup && !deadline_passed(&next))
			pthread_cond_timedwait(&d->wr_cond, &d->wr_mut, &next);
		stop = d->wr_stop;
		d->wr_hup = 0;
		pthread_mutex_unlock(&d->wr_mut);

		write_files(d);
		deadline_after(&next, d->interval_s);
	}
	return NULL;
}

static void writer_wake(instanceData *d, int stop)
{
	pthread_mutex_lock(&d->wr_mut);
	if (stop)
		d->wr_stop = 1;
	else
		d->wr_hup = 1;
	pthread_cond_signal(&d->wr_cond);
	pthread_mutex_unlock(&d->wr_mut);
}

/* Runs fn with every signal blocked in the new thread, so that SIGTERM and
 * SIGHUP keep going to rsyslogd's main thread. */
static int start_thread_nosig(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int r;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}

/* A failed load may have merged part of the state (out of memory, or the
 * file changed between gs_state_load's two passes): swap in an empty tally
 * so that counting really starts from zero. Only before the workers and
 * the writer start (see the top of the file). Returns what the log should
 * say we start with. */
static const char *empty_the_tally(instanceData *d)
{
	struct gs_tally *fresh;
	char err[GS_ERRLEN];

	fresh = gs_tally_new(&d->tally_cfg, err, sizeof(err));
	if (fresh == NULL)
		return "keeping whatever part of the counts was restored "
		       "(no memory for an empty tally)";
	gs_tally_free(d->tally);
	d->tally = fresh;
	return "starting with empty counts";
}

/* Restores the tally from the state file. A file that cannot be read is
 * moved aside (kept for diagnosis, and so the next write does not destroy
 * it) and counting starts from zero. */
static void restore_state(instanceData *d)
{
	struct gs_totals totals;
	char err[GS_ERRLEN];
	const char *start;
	int found = 0;

	if (gs_state_load(d->tally, d->state_path, &found, err, sizeof(err)) !=
	    0) {
		start = empty_the_tally(d);
		if (rename(d->state_path, d->corrupt_path) == 0)
			LogError(0, RS_RET_ERR,
				 "omgreyscan: cannot restore the counts: %s; "
				 "%s, the file was moved to '%s'",
				 err, start, d->corrupt_path);
		else
			LogError(errno, RS_RET_ERR,
				 "omgreyscan: cannot restore the counts: %s; "
				 "%s, and the file could not be moved to '%s'",
				 err, start, d->corrupt_path);
		return;
	}
	if (!found)
		return;
	/* The state carries earlier evictions; impstats counts this run's. */
	gs_tally_totals(d->tally, &totals);
	d->evicted_at_start = totals.evicted;
	d->pairs_evicted_at_start = totals.pairs_evicted;
}

/* A kill -9 or a crash during a write leaves the temporary file behind
 * (the target itself is intact). Only this action writes these names, and
 * its writer has not started yet, so whatever matches is such a leftover:
 * remove it, or it would stay forever. */
static void remove_stale(const char *path, const struct gs_file_opts *o)
{
	char err[GS_ERRLEN];
	int n;

	n = gs_atomic_remove_stale(path, o, err, sizeof(err));
	if (n < 0)
		LogError(0, RS_RET_IO_ERROR,
			 "omgreyscan: cannot remove the temporary files an "
			 "interrupted write of '%s' left: %s",
			 path, err);
	else if (n > 0)
		LogMsg(
		    0, NO_ERRCODE, LOG_INFO,
		    "omgreyscan: removed %d temporary file(s) an interrupted "
		    "write of '%s' left",
		    n, path);
}

void omgs_writer_start(instanceData *d)
{
	struct gs_file_opts state_opts;
	int r;

	d->activated = 1;
	state_file_opts(&state_opts);
	remove_stale(d->summary_path, &d->fopts);
	remove_stale(d->state_path, &state_opts);
	restore_state(d);
	r = start_thread_nosig(&d->writer, writer_main, d);
	if (r != 0) {
		LogError(r, RS_RET_ERR,
			 "omgreyscan: cannot start the writer thread for '%s'; "
			 "the summary will be written only at shutdown",
			 d->summary_path);
		return;
	}
	d->writer_running = 1;
}

void omgs_writer_hup(instanceData *d)
{
	if (d->writer_running)
		writer_wake(d, 0);
}

/* Without a writer thread (pthread_create failed) the files are written
 * once here, as omgs_writer_start's log promised; nothing was activated
 * under rsyslogd -N1, which must write nothing. No test covers the failed
 * pthread_create: making exactly this one call fail inside the packaged
 * rsyslogd (which creates its own threads through the same function)
 * would need a preloaded interposer keyed on the caller. */
void omgs_writer_stop(instanceData *d)
{
	if (!d->writer_running) {
		if (d->activated)
			write_files(d);
		d->activated = 0;
		return;
	}
	writer_wake(d, 1);
	pthread_join(d->writer, NULL);
	d->writer_running = 0;
}
