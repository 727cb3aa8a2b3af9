/* omgreyscan: an rsyslog output module that counts postgrey's decisions per
 * sender domain and writes the greyscan summary file (greyscan-summary(5))
 * every interval, on HUP and at shutdown. The manual is omgreyscan(8).
 *
 * It is only glue: the parser, the grouping, the tally and the file writers
 * are the core library's (lib/). What lives here is the configuration, the
 * threads, the locks and rsyslog's message accessors.
 *
 * Concurrency & locking
 * ---------------------
 * Everything shared lives in the action instance (instanceData); the worker
 * instance holds a pointer to it and its own group cache, so any number of
 * action workers (queue.workerThreads > 1) share one tally, one grouper and
 * one rulebase.
 *   - inst->tally: has its own mutex inside (tally.h); doAction and the
 *     writer thread call it without further locking.
 *   - inst->grouper: read-only after creation (HUP keeps it), no lock.
 *   - wrkr->groups: a memo of the grouper (group.h), not thread-safe, used
 *     only by its worker's thread in doAction. No lock.
 *   - inst->rb (the rulebase): guarded by inst->rb_lock, a writer-preferring
 *     rwlock. doAction holds it for reading for one message: parse, count,
 *     annotate, release the parse result. doHUP loads a new rulebase without
 *     any lock and takes rb_lock for writing only to swap the pointer, then
 *     frees the old rulebase outside it. The tally's mutex and the message's
 *     own mutex (msgAddJSON) are taken while rb_lock is held for reading,
 *     never the other way round.
 *   - inst->wr_mut guards the writer thread's flags (wr_stop, wr_hup) and
 *     pairs with wr_cond to wake it. Nobody calls into the core while
 *     holding it.
 *   - the impstats counters are updated with atomic builtins (doAction and
 *     the writer thread), read by impstats without a lock (aligned 64-bit).
 *   - the writer thread alone touches the failure-streak flags and the files.
 * Configuration hooks, activateCnf, doHUP and freeInstance run on rsyslogd's
 * main thread; doAction on the action workers'; doHUP may run concurrently
 * with doAction. freeInstance runs after every worker has stopped.
 *
 * Event time: the message's reported time, except when it lies more than
 * FUTURE_SLACK_S ahead of the reception time or more than the window behind
 * it: then the reception time is used, so a hostile or broken clock can
 * neither push the window's end into the future (dropping everything else)
 * nor have lines silently counted as too old. */
#include "config.h" /* rsyslog's configured config.h: sets struct layouts */
#include "rsyslog.h"

#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json.h>

#include "conf.h"
#include "errmsg.h"
#include "module-template.h"
#include "msg.h"
#include "statsobj.h"
#include "syslogd-types.h"
#include "template.h"

/* The core's headers, found in lib/ (which comes first on the include path,
 * before rsyslog's runtime/, whose own parser.h is unrelated). */
#include "atomicfile.h"
#include "error.h"
#include "group.h"
#include "parser.h"
#include "state.h"
#include "summary.h"
#include "tally.h"

// clang-format off
MODULE_TYPE_OUTPUT
MODULE_TYPE_NOKEEP
MODULE_CNFNAME("omgreyscan")

/* rsyslogd looks the module up by this one exported symbol; everything else
 * in the module stays hidden (-fvisibility=hidden), so no helper can clash
 * with one of the hundreds of symbols rsyslogd itself exports. */
rsRetVal __attribute__((visibility("default")))
modInit(int iIFVersRequested, int *ipIFVersProvided,
	rsRetVal (**pQueryEtryPt)(),
	rsRetVal (*pHostQueryEtryPt)(uchar *, rsRetVal (**)()),
	modInfo_t *pModInfo);

DEF_OMOD_STATIC_DATA
DEFobjCurrIf(statsobj)

#define DEFAULT_INTERVAL_S 60
#define MIN_INTERVAL_S	   1
#define MAX_INTERVAL_S	   86400
#define MIN_WINDOW_S	   GS_TALLY_SLOTS /* one second per slot */
#define MAX_WINDOW_S	   (366 * 86400)
#define MIN_MAX_GROUPS	   1
#define MAX_MAX_GROUPS	   10000000
#define DEFAULT_DOMAINS	   1000 /* summaryDomains: groups listed, 0 all */
#define MAX_DOMAINS	   10000000
#define MAX_ID		   ((long long)UINT32_MAX - 1) /* (uid_t)-1 is "unset" */
#define FUTURE_SLACK_S	   3600 /* accepted clock skew of a reporting host */
#define STATE_SUFFIX	   ".state"
#define CORRUPT_SUFFIX	   ".corrupt"
#define STATS_NAME_MAX	   512 /* bytes of the impstats object name */
#define WRITER_THREAD_NAME "rs:omgreyscan" /* ps/top; 15 bytes at most */

/* The impstats counters of one action ("omgreyscan(SUMMARYFILE)"). */
struct counters {
	intctr_t received;	 /* messages handed to the action */
	intctr_t parsed;	 /* postgrey decisions counted */
	intctr_t unparsed;	 /* not understood (or no group) */
	intctr_t ignored;	 /* known non-decision postgrey lines */
	intctr_t groups;	 /* groups held, at the last write round */
	intctr_t evictions;	 /* groups evicted since start, ditto */
	intctr_t summary_writes; /* summary files written */
	intctr_t write_failures; /* failed summary or state writes */
};
// clang-format on

typedef struct _instanceData instanceData;

struct modConfData_s {
	rsconf_t *pConf;
	instanceData *instances; /* this config's actions, for activateCnf */
};

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

	statsobj_t *stats;
	struct counters ctr;

	/* Membership of modConfData_t.instances; owner is NULL once that
	 * config is freed. Main thread only. */
	modConfData_t *owner;
	instanceData *next;
};

typedef struct wrkrInstanceData {
	instanceData *pData;	       /* shared */
	struct gs_group_cache *groups; /* this worker's own */
} wrkrInstanceData_t;

/* Action parameters. The names are matched case-insensitively; rsyslog's own
 * messages quote them as written here. */
static struct cnfparamdescr actpdescr[] = {
    {"summaryFile", eCmdHdlrString, CNFPARAM_REQUIRED},
    {"stateFile", eCmdHdlrString, 0},
    {"interval", eCmdHdlrInt, 0},
    {"window", eCmdHdlrInt, 0},
    {"maxGroups", eCmdHdlrInt, 0},
    {"summaryDomains", eCmdHdlrInt, 0},
    {"grouping", eCmdHdlrString, 0},
    {"ruleBase", eCmdHdlrString, 0},
    {"fileCreateMode", eCmdHdlrFileCreateMode, 0},
    {"fileOwner", eCmdHdlrString, 0},
    {"fileOwnerNum", eCmdHdlrInt, 0},
    {"fileGroup", eCmdHdlrString, 0},
    {"fileGroupNum", eCmdHdlrInt, 0},
    {"annotate", eCmdHdlrBinary, 0},
};
static struct cnfparamblk actpblk = {
    CNFPARAMBLK_VERSION, sizeof(actpdescr) / sizeof(struct cnfparamdescr),
    actpdescr};

/* The action's own queue type, read to refuse annotate="on" on a queue that
 * would discard the annotation (the core reads it again for itself). */
static struct cnfparamdescr queuepdescr[] = {
    {"queue.type", eCmdHdlrGetWord, 0},
};
static struct cnfparamblk queuepblk = {
    CNFPARAMBLK_VERSION, sizeof(queuepdescr) / sizeof(struct cnfparamdescr),
    queuepdescr};

static modConfData_t *loadModConf = NULL; /* config being loaded */

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */

static void ctr_add(intctr_t *c, intctr_t n)
{
	__atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

static void ctr_set(intctr_t *c, intctr_t v)
{
	__atomic_store_n(c, v, __ATOMIC_RELAXED);
}

static char *concat(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = malloc(la + lb + 1);

	if (s != NULL) {
		memcpy(s, a, la);
		memcpy(s + la, b, lb + 1);
	}
	return s;
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

/* ------------------------------------------------------------------ */
/* Parameter checks (newActInst). Each returns 0 or logs an error naming
 * the parameter and returns -1.                                        */

static int check_range(const char *name, long long v, long long min,
		       long long max, const char *unit)
{
	if (v >= min && v <= max)
		return 0;
	LogError(0, RS_RET_INVALID_PARAMS,
		 "omgreyscan: parameter '%s' is %lld, must be %lld..%lld%s",
		 name, v, min, max, unit);
	return -1;
}

/* A file's absolute path (rsyslogd runs in "/"), not a directory's. */
static int check_abs_path(const char *name, const char *path)
{
	size_t len = path != NULL ? strlen(path) : 0;

	if (len > 1 && path[0] == '/' && path[len - 1] != '/')
		return 0;
	LogError(0, RS_RET_INVALID_PARAMS,
		 "omgreyscan: parameter '%s' must be the absolute path of a "
		 "file, not '%s'",
		 name, path != NULL ? path : "");
	return -1;
}

static int resolve_user(const char *name, uid_t *uid)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	int e;

	e = getpwnam_r(name, &pw, buf, sizeof(buf), &res);
	if (res == NULL) {
		LogError(0, RS_RET_INVALID_PARAMS,
			 "omgreyscan: parameter 'fileOwner': user '%s' not "
			 "found%s%s",
			 name, e != 0 ? ": " : "", e != 0 ? strerror(e) : "");
		return -1;
	}
	*uid = pw.pw_uid;
	return 0;
}

static int resolve_group(const char *name, gid_t *gid)
{
	struct group gr, *res = NULL;
	char buf[16384]; /* group entries list members: be generous */
	int e;

	e = getgrnam_r(name, &gr, buf, sizeof(buf), &res);
	if (res == NULL) {
		LogError(0, RS_RET_INVALID_PARAMS,
			 "omgreyscan: parameter 'fileGroup': group '%s' not "
			 "found%s%s",
			 name, e != 0 ? ": " : "", e != 0 ? strerror(e) : "");
		return -1;
	}
	*gid = gr.gr_gid;
	return 0;
}

/* annotate="on" adds $!greyscan to the message, which later actions see only
 * when this action runs on the default direct queue: refuse anything else. */
static int check_annotate_queue(struct nvlst *lst)
{
	struct cnfparamvals *qv;
	char *type = NULL;
	int ret = 0;

	qv = nvlstGetParams(lst, &queuepblk, NULL);
	if (qv == NULL)
		return 0; /* a bad queue.type: the core reports it */
	if (qv[0].bUsed)
		type = es_str2cstr(qv[0].val.d.estr, NULL);
	if (type != NULL && strcasecmp(type, "direct") != 0) {
		LogError(
		    0, RS_RET_INVALID_PARAMS,
		    "omgreyscan: parameter 'annotate' is \"on\" but the "
		    "action has queue.type=\"%s\": rsyslog passes message "
		    "changes on only from a direct queue, so later actions "
		    "would never see $!greyscan. Remove the queue or set "
		    "annotate=\"off\"",
		    type);
		ret = -1;
	}
	free(type);
	cnfparamvalsDestruct(qv, &queuepblk);
	return ret;
}

struct id_params {
	char *owner, *group;
	long long owner_num, group_num;
	int have_owner_num, have_group_num;
};

static int apply_ids(instanceData *d, const struct id_params *p)
{
	if (p->owner != NULL && p->have_owner_num) {
		LogError(0, RS_RET_INVALID_PARAMS,
			 "omgreyscan: parameters 'fileOwner' and "
			 "'fileOwnerNum' exclude each other");
		return -1;
	}
	if (p->group != NULL && p->have_group_num) {
		LogError(0, RS_RET_INVALID_PARAMS,
			 "omgreyscan: parameters 'fileGroup' and "
			 "'fileGroupNum' exclude each other");
		return -1;
	}
	if (p->owner != NULL && resolve_user(p->owner, &d->fopts.uid) != 0)
		return -1;
	if (p->group != NULL && resolve_group(p->group, &d->fopts.gid) != 0)
		return -1;
	if (p->have_owner_num) {
		if (check_range("fileOwnerNum", p->owner_num, 0, MAX_ID, "") !=
		    0)
			return -1;
		d->fopts.uid = (uid_t)p->owner_num;
	}
	if (p->have_group_num) {
		if (check_range("fileGroupNum", p->group_num, 0, MAX_ID, "") !=
		    0)
			return -1;
		d->fopts.gid = (gid_t)p->group_num;
	}
	return 0;
}

/* Copies the parsed values into d, checking each. */
static int read_params(instanceData *d, struct cnfparamvals *pv)
{
	struct id_params ids = {0};
	char err[GS_ERRLEN];
	const char *name;
	long long n;
	char *s;
	int i, ret = -1;

	for (i = 0; i < actpblk.nParams; i++) {
		if (!pv[i].bUsed)
			continue;
		name = actpblk.descr[i].name;
		n = pv[i].val.d.n;
		s = NULL;
		if (pv[i].val.datatype == 'S')
			s = es_str2cstr(pv[i].val.d.estr, NULL);
		if (!strcmp(name, "summaryFile")) {
			d->summary_path = s;
		} else if (!strcmp(name, "stateFile")) {
			d->state_path = s;
		} else if (!strcmp(name, "ruleBase")) {
			free(d->rulebase_path);
			d->rulebase_path = s;
		} else if (!strcmp(name, "fileOwner")) {
			ids.owner = s;
		} else if (!strcmp(name, "fileGroup")) {
			ids.group = s;
		} else if (!strcmp(name, "grouping")) {
			if (gs_group_mode_parse(s, &d->group_mode,
						&d->strip_labels, err,
						sizeof(err)) != 0) {
				LogError(0, RS_RET_INVALID_PARAMS,
					 "omgreyscan: parameter 'grouping': %s",
					 err);
				free(s);
				goto out;
			}
			free(s);
		} else {
			free(s);
			if (!strcmp(name, "interval")) {
				if (check_range(name, n, MIN_INTERVAL_S,
						MAX_INTERVAL_S, " seconds"))
					goto out;
				d->interval_s = (int)n;
			} else if (!strcmp(name, "window")) {
				if (check_range(name, n, MIN_WINDOW_S,
						MAX_WINDOW_S, " seconds"))
					goto out;
				d->tally_cfg.window_s = (uint32_t)n;
			} else if (!strcmp(name, "maxGroups")) {
				if (check_range(name, n, MIN_MAX_GROUPS,
						MAX_MAX_GROUPS, ""))
					goto out;
				d->tally_cfg.max_groups = (size_t)n;
			} else if (!strcmp(name, "summaryDomains")) {
				if (check_range(name, n, 0, MAX_DOMAINS, ""))
					goto out;
				d->summary_domains = (size_t)n;
			} else if (!strcmp(name, "fileCreateMode")) {
				d->fopts.mode = (mode_t)n;
			} else if (!strcmp(name, "fileOwnerNum")) {
				ids.owner_num = n;
				ids.have_owner_num = 1;
			} else if (!strcmp(name, "fileGroupNum")) {
				ids.group_num = n;
				ids.have_group_num = 1;
			} else if (!strcmp(name, "annotate")) {
				d->annotate = (int)n;
			}
		}
	}
	if (apply_ids(d, &ids) != 0)
		goto out;
	ret = 0;
out:
	free(ids.owner);
	free(ids.group);
	return ret;
}

/* Fills the defaults that depend on other parameters and checks the paths. */
static int finish_paths(instanceData *d)
{
	if (check_abs_path("summaryFile", d->summary_path) != 0)
		return -1;
	if (d->state_path == NULL &&
	    (d->state_path = concat(d->summary_path, STATE_SUFFIX)) == NULL)
		return -1;
	if (check_abs_path("stateFile", d->state_path) != 0)
		return -1;
	if (!strcmp(d->state_path, d->summary_path)) {
		LogError(0, RS_RET_INVALID_PARAMS,
			 "omgreyscan: parameter 'stateFile' must differ from "
			 "'summaryFile' ('%s')",
			 d->summary_path);
		return -1;
	}
	if ((d->corrupt_path = concat(d->state_path, CORRUPT_SUFFIX)) == NULL)
		return -1;
	if (d->rulebase_path == NULL &&
	    (d->rulebase_path = strdup(gs_rulebase_default_path())) == NULL)
		return -1;
	/* Read again on HUP, when rsyslogd's working directory is "/". */
	if (check_abs_path("ruleBase", d->rulebase_path) != 0)
		return -1;
	return 0;
}

/* Two actions writing the same file would overwrite each other's counts. */
static int check_unique_paths(const instanceData *d, const modConfData_t *mc)
{
	const instanceData *o;
	const char *mine[2] = {d->summary_path, d->state_path};
	int i;

	for (o = mc->instances; o != NULL; o = o->next) {
		for (i = 0; i < 2; i++) {
			if (strcmp(mine[i], o->summary_path) &&
			    strcmp(mine[i], o->state_path))
				continue;
			LogError(0, RS_RET_INVALID_PARAMS,
				 "omgreyscan: parameter '%s': file '%s' is "
				 "already used by another omgreyscan action",
				 i == 0 ? "summaryFile" : "stateFile", mine[i]);
			return -1;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Building and freeing the instance's runtime objects                  */

static rsRetVal setup_stats(instanceData *d)
{
	char name[STATS_NAME_MAX];
	struct {
		const char *name;
		intctr_t *ctr;
		int8_t flags;
	} list[] = {
	    {"received", &d->ctr.received, CTR_FLAG_RESETTABLE},
	    {"parsed", &d->ctr.parsed, CTR_FLAG_RESETTABLE},
	    {"unparsed", &d->ctr.unparsed, CTR_FLAG_RESETTABLE},
	    {"ignored", &d->ctr.ignored, CTR_FLAG_RESETTABLE},
	    {"groups", &d->ctr.groups, CTR_FLAG_NONE},
	    {"evictions", &d->ctr.evictions, CTR_FLAG_NONE},
	    {"summary_writes", &d->ctr.summary_writes, CTR_FLAG_RESETTABLE},
	    {"write_failures", &d->ctr.write_failures, CTR_FLAG_RESETTABLE},
	};
	size_t i;
	int n;
	DEFiRet;

	n = snprintf(name, sizeof(name), "omgreyscan(%s)", d->summary_path);
	if (n < 0 || (size_t)n >= sizeof(name)) /* keep the end: the file */
		snprintf(name, sizeof(name), "omgreyscan(...%s)",
			 d->summary_path + strlen(d->summary_path) -
			     (sizeof(name) - 20));
	CHKiRet(statsobj.Construct(&d->stats));
	CHKiRet(statsobj.SetName(d->stats, (uchar *)name));
	CHKiRet(statsobj.SetOrigin(d->stats, (uchar *)"omgreyscan"));
	for (i = 0; i < sizeof(list) / sizeof(list[0]); i++)
		CHKiRet(statsobj.AddCounter(
		    d->stats, (const uchar *)list[i].name, ctrType_IntCtr,
		    list[i].flags, list[i].ctr));
	CHKiRet(statsobj.ConstructFinalize(d->stats));
finalize_it:
	RETiRet;
}

static int init_sync(instanceData *d)
{
	pthread_rwlockattr_t ra;
	pthread_condattr_t ca;
	int r;

	/* Writer preference: a HUP's swap must not starve behind a steady
	 * stream of readers (glibc prefers readers by default). */
	pthread_rwlockattr_init(&ra);
	pthread_rwlockattr_setkind_np(
	    &ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	r = pthread_rwlock_init(&d->rb_lock, &ra);
	pthread_rwlockattr_destroy(&ra);
	if (r != 0)
		return -1;
	d->rb_lock_ok = 1;

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

/* Creates the in-memory objects. Reads the rulebase (so that rsyslogd -N1
 * reports a bad one) but opens nothing that stays open and starts no
 * thread: this also runs in the config check and before the fork. */
static int build_runtime(instanceData *d)
{
	char err[GS_ERRLEN];

	if (init_sync(d) != 0) {
		LogError(errno, RS_RET_ERR, "omgreyscan: cannot create locks");
		return -1;
	}
	d->rb = gs_rulebase_load(d->rulebase_path, err, sizeof(err));
	if (d->rb == NULL) {
		LogError(0, RS_RET_INVALID_PARAMS,
			 "omgreyscan: parameter 'ruleBase': %s", err);
		return -1;
	}
	d->grouper =
	    gs_grouper_new(d->group_mode, d->strip_labels, err, sizeof(err));
	if (d->grouper == NULL) {
		LogError(0, RS_RET_INVALID_PARAMS,
			 "omgreyscan: parameter 'grouping': %s", err);
		return -1;
	}
	d->tally = gs_tally_new(&d->tally_cfg, err, sizeof(err));
	if (d->tally == NULL) {
		LogError(0, RS_RET_INVALID_PARAMS,
			 "omgreyscan: parameters 'window'/'maxGroups': %s",
			 err);
		return -1;
	}
	return 0;
}

static void set_defaults(instanceData *d)
{
	d->interval_s = DEFAULT_INTERVAL_S;
	d->tally_cfg.window_s = GS_DEFAULT_WINDOW_S;
	d->tally_cfg.max_groups = GS_DEFAULT_MAX_GROUPS;
	d->group_mode = GS_GROUP_REGISTRABLE;
	d->strip_labels = 0;
	gs_file_opts_default(&d->fopts);
	d->annotate = 0;
	d->summary_domains = DEFAULT_DOMAINS;
}

/* ------------------------------------------------------------------ */
/* The writer thread                                                    */

/* Logs the first failure of a streak and the recovery; counts each. */
static void note_write(instanceData *d, int *failing, const char *what,
		       const char *path, int ok, const char *err)
{
	if (!ok) {
		ctr_add(&d->ctr.write_failures, 1);
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

/* The gauges follow the tally, whether or not the disk takes the file. */
static void set_gauges(instanceData *d, const struct gs_summary *s)
{
	ctr_set(&d->ctr.groups, s->totals.groups);
	ctr_set(&d->ctr.evictions, s->totals.evicted >= d->evicted_at_start
				       ? s->totals.evicted - d->evicted_at_start
				       : 0);
}

/* One round: the summary, then the state. Each is attempted even when the
 * other fails. */
static void write_files(instanceData *d)
{
	struct gs_summary s;
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
		ctr_add(&d->ctr.summary_writes, 1);
	gs_summary_free(&s);
	note_write(d, &d->summary_failing, "summary", d->summary_path, ok, err);

	ok = gs_state_save(d->tally, d->state_path, &d->fopts, err,
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

/* ------------------------------------------------------------------ */
/* Activation: restore the counts, start the writer                    */

/* Restores the tally from the state file. A file that cannot be read is
 * moved aside (kept for diagnosis, and so the next write does not destroy
 * it) and counting starts from zero. */
static void restore_state(instanceData *d)
{
	struct gs_summary s;
	char err[GS_ERRLEN];
	int found = 0;

	if (gs_state_load(d->tally, d->state_path, &found, err, sizeof(err)) !=
	    0) {
		if (rename(d->state_path, d->corrupt_path) == 0)
			LogError(0, RS_RET_ERR,
				 "omgreyscan: cannot restore the counts: %s; "
				 "starting with empty counts, the file was "
				 "moved to '%s'",
				 err, d->corrupt_path);
		else
			LogError(errno, RS_RET_ERR,
				 "omgreyscan: cannot restore the counts: %s; "
				 "starting with empty counts, and the file "
				 "could not be moved to '%s'",
				 err, d->corrupt_path);
		return;
	}
	if (!found)
		return;
	/* The state carries earlier evictions; impstats counts this run's. */
	memset(&s, 0, sizeof(s));
	if (gs_tally_snapshot_top(d->tally, time(NULL), 1, &s, err,
				  sizeof(err)) == 0)
		d->evicted_at_start = s.totals.evicted;
	gs_summary_free(&s);
}

static void activate_instance(instanceData *d)
{
	int r;

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

/* ------------------------------------------------------------------ */
/* Per message                                                          */

/* The event time (see the top of the file). ttGenTime is the one field read
 * straight from smsg_t, for want of an accessor: tests/abi-config.sh checks
 * that our compile of the layout agrees with rsyslogd's. */
static time_t event_time(smsg_t *msg, uint32_t window_s)
{
	const time_t received = msg->ttGenTime;
	const char *txt = getTimeReported(msg, tplFmtUnixDate);
	long long reported;
	char *end;

	errno = 0;
	reported = strtoll(txt, &end, 10);
	if (errno != 0 || end == txt || *end != '\0')
		return received;
	if (reported > (long long)received + FUTURE_SLACK_S ||
	    reported < (long long)received - (long long)window_s)
		return received;
	return (time_t)reported;
}

static const char *kind_name(enum gs_group_kind k)
{
	return k == GS_KIND_NETWORK ? "network" : "name";
}

/* Attaches $!greyscan to the message. Takes the parse result's JSON over
 * when there is one (the event's strings are no longer needed then). */
static void annotate(smsg_t *msg, struct gs_parsed *p, const char *line,
		     const char *group, enum gs_group_kind kind,
		     enum gs_counter counter)
{
	struct json_object *j = p->json;

	p->json = NULL;
	if (j == NULL || !json_object_is_type(j, json_type_object)) {
		if (j != NULL)
			json_object_put(j);
		if ((j = json_object_new_object()) == NULL)
			return;
	}
	/* liblognorm's rule tags are the rulebase's business (and an array
	 * the rulebase shares): not part of the annotation. */
	json_object_object_del(j, "event.tags");
	json_object_object_add(j, "line", json_object_new_string(line));
	if (group != NULL) {
		json_object_object_add(j, "domain",
				       json_object_new_string(group));
		json_object_object_add(j, "kind",
				       json_object_new_string(kind_name(kind)));
		json_object_object_add(
		    j, "counter",
		    json_object_new_string(gs_counter_name(counter)));
	}
	/* msgAddJSON owns j from here on, even when it fails. */
	msgAddJSON(msg, (uchar *)"!greyscan", j, 0, 0);
}

static void count_message(instanceData *d, struct gs_group_cache *groups,
			  smsg_t *msg)
{
	struct gs_parsed p;
	enum gs_parse_result r;
	enum gs_group_kind kind = GS_KIND_NAME;
	char group[GS_GROUP_MAX];
	const char *text = (const char *)getMSG(msg);
	int len = getMSGLen(msg);
	const char *line;
	int grouped = 0;

	if (text == NULL || len < 0) {
		text = "";
		len = 0;
	}
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	memset(&p, 0, sizeof(p));
	ctr_add(&d->ctr.received, 1);
	gs_tally_count_line(d->tally);

	pthread_rwlock_rdlock(&d->rb_lock);
	r = gs_parse_message(d->rb, text, (size_t)len, &p);
	if (r == GS_PARSE_ACTION) {
		p.ev.time = event_time(msg, d->tally_cfg.window_s);
		p.ev.host = getHOSTNAME(msg);
		if (p.ev.host == NULL)
			p.ev.host = "";
		grouped =
		    gs_group_cache_of(groups, p.ev.client_name,
				      p.ev.client_address, group, &kind) == 0;
	}
	if (r == GS_PARSE_ACTION && grouped) {
		gs_tally_add(d->tally, &p.ev, group, kind);
		ctr_add(&d->ctr.parsed, 1);
		line = "action";
	} else if (r == GS_PARSE_OTHER) {
		gs_tally_count_ignored(d->tally);
		ctr_add(&d->ctr.ignored, 1);
		line = p.other != NULL ? p.other : "other";
	} else {
		gs_tally_count_unparsed(d->tally, text, (size_t)len);
		ctr_add(&d->ctr.unparsed, 1);
		line = "unparsed";
	}
	if (d->annotate)
		annotate(msg, &p, line, grouped ? group : NULL, kind,
			 p.ev.counter);
	gs_parsed_release(&p);
	pthread_rwlock_unlock(&d->rb_lock);
}

static void unlink_instance(instanceData *d)
{
	instanceData **pp;

	if (d->owner == NULL)
		return;
	for (pp = &d->owner->instances; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	}
	d->owner = NULL;
}

/* ------------------------------------------------------------------ */
/* rsyslog entry points: rsyslog's template macros, which clang-format
 * cannot read, laid out as rsyslog's own modules do.                  */
// clang-format off

BEGINcreateInstance
CODESTARTcreateInstance
ENDcreateInstance

BEGINcreateWrkrInstance
	char err[GS_ERRLEN];
CODESTARTcreateWrkrInstance
	pWrkrData->groups = gs_group_cache_new(pData->grouper,
		GS_GROUP_CACHE_DEFAULT_SLOTS, err, sizeof(err));
	if (pWrkrData->groups == NULL) {
		LogError(0, RS_RET_OUT_OF_MEMORY, "omgreyscan: %s", err);
		free(pWrkrData);
		*ppWrkrData = NULL;
		return RS_RET_OUT_OF_MEMORY;
	}
ENDcreateWrkrInstance

BEGINisCompatibleWithFeature
CODESTARTisCompatibleWithFeature
ENDisCompatibleWithFeature

BEGINfreeInstance
CODESTARTfreeInstance
	unlink_instance(pData);
	if (pData->writer_running) {
		/* The workers are gone: the final write sees every message. */
		writer_wake(pData, 1);
		pthread_join(pData->writer, NULL);
		pData->writer_running = 0;
	}
	if (pData->stats != NULL)
		statsobj.Destruct(&pData->stats);
	gs_tally_free(pData->tally);
	gs_grouper_free(pData->grouper);
	gs_rulebase_free(pData->rb);
	if (pData->rb_lock_ok)
		pthread_rwlock_destroy(&pData->rb_lock);
	if (pData->wr_sync_ok) {
		pthread_cond_destroy(&pData->wr_cond);
		pthread_mutex_destroy(&pData->wr_mut);
	}
	free(pData->summary_path);
	free(pData->state_path);
	free(pData->corrupt_path);
	free(pData->rulebase_path);
ENDfreeInstance

BEGINfreeWrkrInstance
CODESTARTfreeWrkrInstance
	gs_group_cache_free(pWrkrData->groups);
ENDfreeWrkrInstance

BEGINdbgPrintInstInfo
CODESTARTdbgPrintInstInfo
	dbgprintf("omgreyscan: summaryFile='%s' stateFile='%s' interval=%d\n",
		  pData->summary_path, pData->state_path, pData->interval_s);
ENDdbgPrintInstInfo

BEGINtryResume
CODESTARTtryResume
ENDtryResume

BEGINdoAction_NoStrings
	smsg_t **ppMsg = (smsg_t **)pMsgData;
CODESTARTdoAction
	/* Never suspend or fail: a message that cannot be counted is counted
	 * as unparsed or lost inside the tally, never retried. */
	count_message(pWrkrData->pData, pWrkrData->groups, ppMsg[0]);
ENDdoAction

/* HUP: reload the rulebase (privately; swapped only if it loads), keep the
 * counts, and have the writer write the files now. */
BEGINdoHUP
	struct gs_rulebase *fresh, *old;
	char err[GS_ERRLEN];
CODESTARTdoHUP
	fresh = gs_rulebase_load(pData->rulebase_path, err, sizeof(err));
	if (fresh == NULL) {
		LogError(0, RS_RET_ERR,
			 "omgreyscan: HUP: keeping the previous rulebase, the "
			 "new one cannot be used: %s",
			 err);
	} else {
		pthread_rwlock_wrlock(&pData->rb_lock);
		old = pData->rb;
		pData->rb = fresh;
		pthread_rwlock_unlock(&pData->rb_lock);
		gs_rulebase_free(old);
	}
	if (pData->writer_running)
		writer_wake(pData, 0);
ENDdoHUP

BEGINbeginCnfLoad
CODESTARTbeginCnfLoad
	loadModConf = pModConf;
	pModConf->pConf = pConf;
	pModConf->instances = NULL;
ENDbeginCnfLoad

BEGINendCnfLoad
CODESTARTendCnfLoad
	loadModConf = NULL;
ENDendCnfLoad

BEGINcheckCnf
CODESTARTcheckCnf
ENDcheckCnf

BEGINactivateCnf
	instanceData *d;
CODESTARTactivateCnf
	for (d = pModConf->instances; d != NULL; d = d->next)
		activate_instance(d);
ENDactivateCnf

BEGINfreeCnf
	instanceData *d;
CODESTARTfreeCnf
	for (d = pModConf->instances; d != NULL; d = d->next)
		d->owner = NULL;
ENDfreeCnf

BEGINnewActInst
	struct cnfparamvals *pvals = NULL;
CODESTARTnewActInst
	if ((pvals = nvlstGetParams(lst, &actpblk, NULL)) == NULL) {
		LogError(0, RS_RET_MISSING_CNFPARAMS,
			 "omgreyscan: invalid action parameters, action "
			 "disabled");
		ABORT_FINALIZE(RS_RET_MISSING_CNFPARAMS);
	}
	CHKiRet(createInstance(&pData));
	set_defaults(pData);
	if (read_params(pData, pvals) != 0 || finish_paths(pData) != 0)
		ABORT_FINALIZE(RS_RET_INVALID_PARAMS);
	if (pData->annotate && check_annotate_queue(lst) != 0)
		ABORT_FINALIZE(RS_RET_INVALID_PARAMS);
	if (loadModConf != NULL && check_unique_paths(pData, loadModConf) != 0)
		ABORT_FINALIZE(RS_RET_INVALID_PARAMS);
	if (build_runtime(pData) != 0)
		ABORT_FINALIZE(RS_RET_INVALID_PARAMS);
	CHKiRet(setup_stats(pData));

	CODE_STD_STRING_REQUESTnewActInst(1)
	CHKiRet(OMSRsetEntry(*ppOMSR, 0, NULL, OMSR_TPL_AS_MSG));
	if (loadModConf != NULL) {
		pData->owner = loadModConf;
		pData->next = loadModConf->instances;
		loadModConf->instances = pData;
	}
CODE_STD_FINALIZERnewActInst
	if (pvals != NULL)
		cnfparamvalsDestruct(pvals, &actpblk);
ENDnewActInst

NO_LEGACY_CONF_parseSelectorAct

BEGINmodExit
CODESTARTmodExit
	objRelease(statsobj, CORE_COMPONENT);
ENDmodExit

BEGINqueryEtryPt
CODESTARTqueryEtryPt
CODEqueryEtryPt_STD_OMOD_QUERIES
CODEqueryEtryPt_STD_OMOD8_QUERIES
CODEqueryEtryPt_STD_CONF2_QUERIES
CODEqueryEtryPt_STD_CONF2_OMOD_QUERIES
CODEqueryEtryPt_doHUP
ENDqueryEtryPt

BEGINmodInit()
	rsRetVal (*getTplOpts)(unsigned long *pOpts);
	unsigned long opts = 0;
CODESTARTmodInit
	*ipIFVersProvided = CURR_MOD_IF_VERSION;
CODEmodInit_QueryRegCFSLineHdlr
	/* The message object is the whole interface: refuse a core that
	 * cannot pass it. */
	CHKiRet(pHostQueryEtryPt((uchar *)"OMSRgetSupportedTplOpts",
				 &getTplOpts));
	CHKiRet(getTplOpts(&opts));
	if (!(opts & OMSR_TPL_AS_MSG)) {
		LogError(0, RS_RET_NO_MSG_PASSING,
			 "omgreyscan: rsyslog core cannot pass messages");
		ABORT_FINALIZE(RS_RET_NO_MSG_PASSING);
	}
	CHKiRet(objUse(statsobj, CORE_COMPONENT));
ENDmodInit
    // clang-format on
