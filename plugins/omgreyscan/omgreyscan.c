/* omgreyscan: an rsyslog output module that counts postgrey's decisions per
 * sender domain and writes the greyscan summary file (greyscan-summary(5))
 * every interval, on HUP and at shutdown. The manual is omgreyscan(8).
 *
 * It is only glue: the parser, the grouping, the tally and the file writers
 * are the core library's (lib/). This file holds rsyslog's entry points and
 * the configuration's life cycle; the module's other files each hold one
 * part:
 *   instance.h  the action instance and its "Concurrency & locking" rules
 *   params.c    the action's parameters, their defaults and checks
 *   message.c   per message: the core's ingest path (parse, group,
 *               count), impstats, annotate; the rulebase lock and its
 *               swap on HUP
 *   writer.c    the writer thread: restore at start, interval, HUP,
 *               shutdown, failure streaks
 *
 * Concurrency & locking
 * ---------------------
 * The shared state and its locks are described in instance.h. Here:
 * configuration hooks, activateCnf, doHUP and freeInstance run on
 * rsyslogd's main thread; createWrkrInstance, doAction and freeWrkrInstance
 * on each action worker's. The worker instance's ingest (its group cache
 * and tally counter) is used only by its own worker, without a lock. doHUP may
 * run concurrently with doAction. freeInstance runs after every worker has
 * stopped. The list of a config's instances (modConfData_t.instances,
 * instanceData.owner/next) is touched on the main thread only. */
#include "config.h" /* rsyslog's configured config.h: sets struct layouts */
#include "rsyslog.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "datetime.h"
#include "errmsg.h"
#include "module-template.h"
#include "msg.h"
#include "statsobj.h"
#include "syslogd-types.h"
#include "template.h"

/* The core's headers, found in lib/ (which comes first on the include path,
 * before rsyslog's runtime/, whose own parser.h is unrelated). */
#include "base/error.h"
#include "ingest/ingest.h"
#include "input/group.h"
#include "input/parser.h"
#include "tally/tally.h"

#include "instance.h"
#include "message.h"
#include "params.h"
#include "writer.h"

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
DEFobjCurrIf(datetime)
// clang-format on

#define STATS_NAME_MAX 512 /* bytes of the impstats object name */

    struct modConfData_s {
	rsconf_t *pConf;
	instanceData *instances; /* this config's actions, for activateCnf */
};

typedef struct wrkrInstanceData {
	instanceData *pData;	  /* shared */
	struct gs_ingest *ingest; /* this worker's own: group cache, counter */
} wrkrInstanceData_t;

static modConfData_t *loadModConf = NULL; /* config being loaded */

/* ------------------------------------------------------------------ */
/* Building the instance's runtime objects                              */

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
	    {"pairs_open", &d->ctr.pairs_open, CTR_FLAG_NONE},
	    {"pair_evictions", &d->ctr.pair_evictions, CTR_FLAG_NONE},
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

/* Creates the in-memory objects. Reads the rulebase (so that rsyslogd -N1
 * reports a bad one) but opens nothing that stays open and starts no
 * thread: this also runs in the config check and before the fork. */
static int build_runtime(instanceData *d)
{
	char err[GS_ERRLEN];

	if (omgs_rb_lock_init(d) != 0 || omgs_writer_sync_init(d) != 0) {
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

/* ------------------------------------------------------------------ */
/* The loading config's list of its actions                             */

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
	pWrkrData->ingest = gs_ingest_new(pData->grouper, pData->tally,
		GS_GROUP_CACHE_DEFAULT_SLOTS, err, sizeof(err));
	if (pWrkrData->ingest == NULL) {
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
	/* The workers are gone: the final write sees every message. */
	omgs_writer_stop(pData);
	if (pData->stats != NULL)
		statsobj.Destruct(&pData->stats);
	gs_tally_free(pData->tally);
	gs_grouper_free(pData->grouper);
	omgs_rulebase_fini(pData);
	omgs_writer_sync_fini(pData);
	free(pData->summary_path);
	free(pData->state_path);
	free(pData->corrupt_path);
	free(pData->rulebase_path);
ENDfreeInstance

BEGINfreeWrkrInstance
CODESTARTfreeWrkrInstance
	/* Its counted lines move into the tally, which outlives it. */
	gs_ingest_free(pWrkrData->ingest);
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
	omgs_count_message(pWrkrData->pData, pWrkrData->ingest, ppMsg[0]);
ENDdoAction

/* HUP: reload the rulebase (privately; swapped only if it loads), keep the
 * counts, and have the writer write the files now. */
BEGINdoHUP
CODESTARTdoHUP
	omgs_rulebase_reload(pData);
	omgs_writer_hup(pData);
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
		omgs_writer_start(d);
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
	if ((pvals = omgs_params_get(lst)) == NULL) {
		LogError(0, RS_RET_MISSING_CNFPARAMS,
			 "omgreyscan: invalid action parameters, action "
			 "disabled");
		ABORT_FINALIZE(RS_RET_MISSING_CNFPARAMS);
	}
	CHKiRet(createInstance(&pData));
	omgs_params_defaults(pData);
	if (omgs_params_apply(pData, pvals) != 0)
		ABORT_FINALIZE(RS_RET_INVALID_PARAMS);
	if (pData->annotate && omgs_params_check_annotate_queue(lst) != 0)
		ABORT_FINALIZE(RS_RET_INVALID_PARAMS);
	if (loadModConf != NULL &&
	    omgs_params_check_unique(pData, loadModConf->instances) != 0)
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
		omgs_params_free(pvals);
ENDnewActInst

NO_LEGACY_CONF_parseSelectorAct

BEGINmodExit
CODESTARTmodExit
	objRelease(datetime, CORE_COMPONENT);
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
	CHKiRet(objUse(datetime, CORE_COMPONENT));
	omgs_message_set_clock(datetime.syslogTime2time_t);
ENDmodInit
    // clang-format on
