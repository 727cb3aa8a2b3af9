/* omgreyscan's action parameters: the table rsyslog parses them with, their
 * defaults, and the checks (ranges, absolute paths, user and group names,
 * the queue type annotate needs, files shared with another action). Runs on
 * rsyslogd's main thread only, in newActInst; touches no shared state. */
#include "config.h" /* rsyslog's configured config.h: sets struct layouts */
#include "rsyslog.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "conf.h"
#include "errmsg.h"

#include "base/atomicfile.h"
#include "base/error.h"
#include "base/limits.h"
#include "base/owner.h"
#include "input/group.h"
#include "input/parser.h"
#include "tally/tally.h"

#include "instance.h"
#include "params.h"

#define DIR_MAX_BYTES  4096 /* bytes of a file's directory, NUL included */
#define STATE_SUFFIX   ".state"
#define CORRUPT_SUFFIX ".corrupt"

/* Action parameters. The names are matched case-insensitively; rsyslog's own
 * messages quote them as written here. */
static struct cnfparamdescr actpdescr[] = {
    {"summaryFile", eCmdHdlrString, CNFPARAM_REQUIRED},
    {"stateFile", eCmdHdlrString, 0},
    {"interval", eCmdHdlrInt, 0},
    {"window", eCmdHdlrInt, 0},
    {"maxGroups", eCmdHdlrInt, 0},
    {"maxPairs", eCmdHdlrInt, 0},
    {"retryWindow", eCmdHdlrInt, 0},
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

/* The directory of a file's absolute path exists: checked when the
 * configuration is loaded, so that `rsyslogd -N1` tells of a missing
 * directory instead of the first write, an interval later, in rsyslogd's
 * own log. The directory may still go away later; the writer reports that
 * (tests/fault/dir-gone.sh). */
static int check_dir(const char *name, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t len = slash > path ? (size_t)(slash - path) : 1;
	char dir[DIR_MAX_BYTES];
	struct stat st;

	if (len >= sizeof(dir)) {
		LogError(
		    0, RS_RET_INVALID_PARAMS,
		    "omgreyscan: parameter '%s': directory of '%s' too long",
		    name, path);
		return -1;
	}
	memcpy(dir, path, len);
	dir[len] = '\0';
	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	LogError(0, RS_RET_INVALID_PARAMS,
		 "omgreyscan: parameter '%s': directory '%s' does not exist "
		 "(create it, e.g. install -d -m 2750 -g nagios %s)",
		 name, dir, dir);
	return -1;
}

/* A fileOwner or fileGroup name: 0, or -1 after logging why. */
static int lookup_owner(const char *name, uid_t *uid)
{
	char err[GS_ERRLEN];

	if (gs_uid_lookup(name, uid, err, sizeof(err)) == 0)
		return 0;
	LogError(0, RS_RET_INVALID_PARAMS,
		 "omgreyscan: parameter 'fileOwner': %s", err);
	return -1;
}

static int lookup_group(const char *name, gid_t *gid)
{
	char err[GS_ERRLEN];

	if (gs_gid_lookup(name, gid, err, sizeof(err)) == 0)
		return 0;
	LogError(0, RS_RET_INVALID_PARAMS,
		 "omgreyscan: parameter 'fileGroup': %s", err);
	return -1;
}

/* annotate="on" adds $!greyscan to the message, which later actions see only
 * when this action runs on the default direct queue: refuse anything else. */
int omgs_params_check_annotate_queue(struct nvlst *lst)
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
	if (p->owner != NULL && lookup_owner(p->owner, &d->fopts.uid) != 0)
		return -1;
	if (p->group != NULL && lookup_group(p->group, &d->fopts.gid) != 0)
		return -1;
	if (p->have_owner_num) {
		if (check_range("fileOwnerNum", p->owner_num, 0, GS_UID_MAX,
				"") != 0)
			return -1;
		d->fopts.uid = (uid_t)p->owner_num;
	}
	if (p->have_group_num) {
		if (check_range("fileGroupNum", p->group_num, 0, GS_GID_MAX,
				"") != 0)
			return -1;
		d->fopts.gid = (gid_t)p->group_num;
	}
	return 0;
}

/* A string parameter (eCmdHdlrString): d or ids keeps s, or it is freed
 * here. 0, or -1 after logging why. */
static int read_string(instanceData *d, struct id_params *ids, const char *name,
		       char *s)
{
	char err[GS_ERRLEN];
	int ret = 0;

	if (!strcmp(name, "summaryFile")) {
		d->summary_path = s;
	} else if (!strcmp(name, "stateFile")) {
		d->state_path = s;
	} else if (!strcmp(name, "ruleBase")) {
		free(d->rulebase_path);
		d->rulebase_path = s;
	} else if (!strcmp(name, "fileOwner")) {
		ids->owner = s;
	} else if (!strcmp(name, "fileGroup")) {
		ids->group = s;
	} else {
		if (!strcmp(name, "grouping") &&
		    gs_group_mode_parse(s, &d->group_mode, &d->strip_labels,
					err, sizeof(err)) != 0) {
			LogError(0, RS_RET_INVALID_PARAMS,
				 "omgreyscan: parameter 'grouping': %s", err);
			ret = -1;
		}
		free(s);
	}
	return ret;
}

/* A number parameter (integers, the mode, the binary annotate), checked
 * against its range. 0, or -1 after logging why. */
static int read_number(instanceData *d, struct id_params *ids, const char *name,
		       long long n)
{
	if (!strcmp(name, "interval")) {
		if (check_range(name, n, GS_INTERVAL_MIN_S, GS_INTERVAL_MAX_S,
				" seconds"))
			return -1;
		d->interval_s = (int)n;
	} else if (!strcmp(name, "window")) {
		if (check_range(name, n, GS_TALLY_SLOTS, GS_WINDOW_MAX_S,
				" seconds"))
			return -1;
		d->tally_cfg.window_s = (uint32_t)n;
	} else if (!strcmp(name, "maxGroups")) {
		if (check_range(name, n, GS_MAX_GROUPS_MIN, GS_MAX_GROUPS_MAX,
				""))
			return -1;
		d->tally_cfg.max_groups = (size_t)n;
	} else if (!strcmp(name, "maxPairs")) {
		if (check_range(name, n, 0, GS_MAX_PAIRS_MAX, " (0: off)"))
			return -1;
		d->tally_cfg.max_pairs = (size_t)n;
	} else if (!strcmp(name, "retryWindow")) {
		if (check_range(name, n, GS_RETRY_WINDOW_MIN_S,
				GS_RETRY_WINDOW_MAX_S, " seconds"))
			return -1;
		d->tally_cfg.retry_window_s = (uint32_t)n;
	} else if (!strcmp(name, "summaryDomains")) {
		if (check_range(name, n, 0, GS_SUMMARY_DOMAINS_MAX, ""))
			return -1;
		d->summary_domains = (size_t)n;
	} else if (!strcmp(name, "fileCreateMode")) {
		d->fopts.mode = (mode_t)n;
	} else if (!strcmp(name, "fileOwnerNum")) {
		ids->owner_num = n;
		ids->have_owner_num = 1;
	} else if (!strcmp(name, "fileGroupNum")) {
		ids->group_num = n;
		ids->have_group_num = 1;
	} else if (!strcmp(name, "annotate")) {
		d->annotate = (int)n;
	}
	return 0;
}

/* Copies the parsed values into d, checking each. */
static int read_params(instanceData *d, struct cnfparamvals *pv)
{
	struct id_params ids = {0};
	const char *name;
	int i, r, ret = -1;

	for (i = 0; i < actpblk.nParams; i++) {
		if (!pv[i].bUsed)
			continue;
		name = actpblk.descr[i].name;
		if (pv[i].val.datatype == 'S')
			r = read_string(d, &ids, name,
					es_str2cstr(pv[i].val.d.estr, NULL));
		else
			r = read_number(d, &ids, name, pv[i].val.d.n);
		if (r != 0)
			goto out;
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
	if (check_dir("summaryFile", d->summary_path) != 0 ||
	    check_dir("stateFile", d->state_path) != 0)
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

struct cnfparamvals *omgs_params_get(struct nvlst *lst)
{
	return nvlstGetParams(lst, &actpblk, NULL);
}

void omgs_params_free(struct cnfparamvals *pv)
{
	cnfparamvalsDestruct(pv, &actpblk);
}

void omgs_params_defaults(instanceData *d)
{
	d->interval_s = GS_DEFAULT_INTERVAL_S;
	d->tally_cfg.window_s = GS_DEFAULT_WINDOW_S;
	d->tally_cfg.max_groups = GS_DEFAULT_MAX_GROUPS;
	d->tally_cfg.max_pairs = GS_PAIRS_DEFAULT_MAX;
	d->tally_cfg.retry_window_s = GS_PAIRS_DEFAULT_RETRY_WINDOW_S;
	d->group_mode = GS_GROUP_REGISTRABLE;
	d->strip_labels = 0;
	gs_file_opts_default(&d->fopts);
	d->annotate = 0;
	d->summary_domains = GS_DEFAULT_SUMMARY_DOMAINS;
}

int omgs_params_apply(instanceData *d, struct cnfparamvals *pv)
{
	if (read_params(d, pv) != 0 || finish_paths(d) != 0)
		return -1;
	return 0;
}

/* Two actions writing the same file would overwrite each other's counts. */
int omgs_params_check_unique(const instanceData *d, const instanceData *others)
{
	const instanceData *o;
	const char *mine[2] = {d->summary_path, d->state_path};
	int i;

	for (o = others; o != NULL; o = o->next) {
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
