/* The omgreyscan action instance: its configuration and the state its
 * threads share. Private to the module (its .c files here); every name
 * the module's files share carries the omgs_ prefix, so it cannot meet one
 * of the symbols rsyslogd exports. Include after rsyslog's configured
 * "config.h" and "rsyslog.h", which set the struct layouts.
 *
 * Concurrency & locking
 * ---------------------
 * Everything shared lives in the action instance (instanceData); the worker
 * instance (omgreyscan.c) holds a pointer to it and its own ingest
 * (lib/ingest/ingest.h: a group cache and a tally counter), so any number
 * of action workers (queue.workerThreads > 1) share one tally, one grouper
 * and one rulebase.
 *   - tally: has its own mutex inside (tally.h); doAction (message.c) and
 *     the writer thread (writer.c) call it without further locking.
 *   - grouper: read-only after creation (HUP keeps it), no lock.
 *   - the worker's ingest: its group cache (a memo of the grouper) and its
 *     tally counter are used only by its worker's thread in doAction, no
 *     lock. The counter holds that worker's totals.lines and ignored; the
 *     tally adds every open counter into each summary and state it reports
 *     and takes a counter's numbers over when freeWrkrInstance frees the
 *     ingest, so every write counts every message handed over before, and
 *     the last write (freeInstance, after every worker is gone) all of
 *     them. A message takes the tally's mutex only when it is a decision
 *     or unparsed, once. (rsyslog's transaction interface cannot batch
 *     this: a transactional action gets its messages as strings at the
 *     batch's end, not as messages while the ruleset runs, which the
 *     event time, the host and $!greyscan need.)
 *   - rb (the rulebase): guarded by rb_lock, a writer-preferring rwlock
 *     (message.c). doAction holds it for reading for one message: parse,
 *     count, annotate, release the parse result. A HUP loads a new rulebase
 *     without any lock and takes rb_lock for writing only to swap the
 *     pointer, then frees the old rulebase outside it. The tally's mutex and
 *     the message's own mutex (msgAddJSON) are taken while rb_lock is held
 *     for reading, never the other way round.
 *   - wr_mut guards the writer thread's flags (wr_stop, wr_hup) and pairs
 *     with wr_cond to wake it (writer.c). Nobody calls into the core while
 *     holding it.
 *   - the impstats counters (ctr) are updated with atomic builtins (doAction
 *     and the writer thread), read by impstats without a lock (aligned
 *     64-bit).
 *   - the writer thread alone touches the failure-streak flags and the
 *     files; activateCnf reads the state file and sets evicted_at_start
 *     (and pairs_evicted_at_start) before it starts that thread, and
 *     after a failed restore replaces
 *     the tally pointer (no worker runs yet). Without a writer thread,
 *     freeInstance writes the files once, after the workers have stopped.
 * Configuration hooks, activateCnf, doHUP and freeInstance run on rsyslogd's
 * main thread; doAction on the action workers'; doHUP may run concurrently
 * with doAction. freeInstance runs after every worker has stopped. */
#ifndef OMGS_INSTANCE_H
#define OMGS_INSTANCE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "statsobj.h"

/* The core's headers, found in lib/ (which comes first on the include path,
 * before rsyslog's runtime/, whose own parser.h is unrelated). */
#include "base/atomicfile.h"
#include "ingest/ingest.h"
#include "input/group.h"
#include "input/parser.h"
#include "tally/tally.h"

/* The impstats counters of one action ("omgreyscan(SUMMARYFILE)"). */
struct omgs_counters {
	intctr_t received;	 /* messages handed to the action */
	intctr_t parsed;	 /* postgrey decisions counted */
	intctr_t unparsed;	 /* not understood (or no group) */
	intctr_t ignored;	 /* known non-decision postgrey lines */
	intctr_t groups;	 /* groups held, at the last write round */
	intctr_t evictions;	 /* groups evicted since start, ditto */
	intctr_t pairs_open;	 /* pairs followed, at the last write round */
	intctr_t pair_evictions; /* pairs evicted since start, ditto */
	intctr_t summary_writes; /* summary files written */
	intctr_t write_failures; /* failed summary or state writes */
};

typedef struct _instanceData instanceData;

struct _instanceData {
	/* Configuration, fixed after newActInst. */
	char *summary_path;
	char *state_path;
	char *corrupt_path; /* where a state file that cannot be read goes */
	char *rulebase_path;
	int interval_s;
	struct gs_tally_config tally_cfg;
	enum gs_group_mode group_mode;
	unsigned strip_labels;
	struct gs_file_opts fopts;
	int annotate;
	size_t summary_domains; /* groups listed in the summary, 0: all */

	/* Shared state, see "Concurrency & locking" above. */
	struct gs_tally *tally;
	struct gs_grouper *grouper;
	struct gs_rulebase *rb;
	pthread_rwlock_t rb_lock;
	int rb_lock_ok;

	pthread_t writer;
	int activated; /* activateCnf ran (not under rsyslogd -N1) */
	int writer_running;
	pthread_mutex_t wr_mut;
	pthread_cond_t wr_cond;
	int wr_sync_ok;
	int wr_stop; /* under wr_mut */
	int wr_hup;  /* under wr_mut */

	/* Writer thread only. */
	int summary_failing;
	int state_failing;
	uint64_t evicted_at_start;
	uint64_t pairs_evicted_at_start;

	statsobj_t *stats;
	struct omgs_counters ctr;

	/* Membership of modConfData_t.instances; owner is NULL once that
	 * config is freed. Main thread only. */
	modConfData_t *owner;
	instanceData *next;
};

/* The counters are bumped from several threads and read by impstats. */
static inline void omgs_ctr_add(intctr_t *c, intctr_t n)
{
	__atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

static inline void omgs_ctr_set(intctr_t *c, intctr_t v)
{
	__atomic_store_n(c, v, __ATOMIC_RELAXED);
}

#endif
