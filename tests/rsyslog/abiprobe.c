/* abiprobe: a test-only rsyslog output module (never installed) that checks
 * that the rsyslog headers and config.h this build uses describe the
 * running rsyslogd's message object. For each message it reads fields
 * directly from smsg_t, as compiled here, and compares them with what
 * rsyslogd's own exported accessors return (compiled with rsyslogd's real
 * layout). It writes one line per message to the action's file:
 *   OK n=<seq> ...           every field agreed
 *   MISMATCH n=<seq> <field> ours=<x> rsyslogd=<y> [...]
 * and, first, one line with the feature macros it was compiled with:
 *   FEATURES NDEBUG=1 DEBUG=0 HAVE_ATOMIC_BUILTINS=1 ...
 * Pointers read from our layout are only compared, never dereferenced, so a
 * wrong layout gives MISMATCH lines rather than a crash.
 * tests/rsyslog/abi-config.sh loads it into the real rsyslogd and reads the
 * file.
 *
 * Concurrency & locking: out_mut guards the output file and the sequence
 * number of an action instance; nothing else is shared. */
#include "config.h"
#include "rsyslog.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "errmsg.h"
#include "module-template.h"
#include "msg.h"
#include "syslogd-types.h"
#include "template.h"

MODULE_TYPE_OUTPUT
MODULE_TYPE_NOKEEP
MODULE_CNFNAME("abiprobe")

rsRetVal __attribute__((visibility("default")))
modInit(int iIFVersRequested, int *ipIFVersProvided,
	rsRetVal (**pQueryEtryPt)(),
	rsRetVal (*pHostQueryEtryPt)(uchar *, rsRetVal (**)()),
	modInfo_t *pModInfo);

DEF_OMOD_STATIC_DATA

#define REPORT_MAX 2048 /* bytes of one report line */

#ifdef NDEBUG
#define F_NDEBUG 1
#else
#define F_NDEBUG 0
#endif
#ifdef DEBUG
#define F_DEBUG 1
#else
#define F_DEBUG 0
#endif
#ifdef HAVE_ATOMIC_BUILTINS
#define F_ATOMIC 1
#else
#define F_ATOMIC 0
#endif
#ifdef HAVE_ATOMIC_BUILTINS64
#define F_ATOMIC64 1
#else
#define F_ATOMIC64 0
#endif
#ifdef FEATURE_REGEXP
#define F_REGEXP 1
#else
#define F_REGEXP 0
#endif
#ifdef ENABLE_LIBLOGGING_STDLOG
#define F_STDLOG 1
#else
#define F_STDLOG 0
#endif

typedef struct _instanceData {
	char *path;
	FILE *out; /* under out_mut */
	unsigned long seq;
	pthread_mutex_t out_mut;
} instanceData;

typedef struct wrkrInstanceData {
	instanceData *pData;
} wrkrInstanceData_t;

struct modConfData_s {
	rsconf_t *pConf;
};

static struct cnfparamdescr actpdescr[] = {
    {"file", eCmdHdlrString, CNFPARAM_REQUIRED},
};
static struct cnfparamblk actpblk = {
    CNFPARAMBLK_VERSION, sizeof(actpdescr) / sizeof(struct cnfparamdescr),
    actpdescr};

/* A report line being built. */
struct report {
	char buf[REPORT_MAX];
	size_t len;
	int bad;
};

static void add(struct report *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->len >= sizeof(r->buf))
		return;
	va_start(ap, fmt);
	n = vsnprintf(r->buf + r->len, sizeof(r->buf) - r->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		r->len += (size_t)n;
	if (r->len > sizeof(r->buf))
		r->len = sizeof(r->buf);
}

static void cmp_ll(struct report *r, const char *field, long long ours,
		   long long theirs)
{
	if (ours == theirs)
		return;
	r->bad = 1;
	add(r, " %s ours=%lld rsyslogd=%lld", field, ours, theirs);
}

static void cmp_ptr(struct report *r, const char *field, const void *ours,
		    const void *theirs)
{
	if (ours == theirs)
		return;
	r->bad = 1;
	add(r, " %s ours=%p rsyslogd=%p", field, ours, theirs);
}

/* rsyslogd's rendering of a date property as Unix seconds, through a
 * template entry laid out as compiled here (FEATURE_REGEXP moves its
 * eDateFormat field). */
static long long prop_unix_time(smsg_t *m, propid_t id)
{
	struct templateEntry tpe;
	unsigned short must_free = 0;
	rs_size_t len = 0;
	long long v;
	uchar *s;

	memset(&tpe, 0, sizeof(tpe));
	tpe.eEntryType = FIELD;
	tpe.data.field.msgProp.id = id;
	tpe.data.field.eDateFormat = tplFmtUnixDate;
	s = MsgGetProp(m, &tpe, &tpe.data.field.msgProp, &len, &must_free,
		       NULL);
	v = s != NULL ? strtoll((char *)s, NULL, 10) : -1;
	if (must_free)
		free(s);
	return v;
}

static long long prop_number(smsg_t *m, propid_t id)
{
	msgPropDescr_t pd;
	unsigned short must_free = 0;
	rs_size_t len = 0;
	long long v;
	uchar *s;

	memset(&pd, 0, sizeof(pd));
	pd.id = id;
	s = MsgGetProp(m, NULL, &pd, &len, &must_free, NULL);
	v = s != NULL ? strtoll((char *)s, NULL, 10) : -1;
	if (must_free)
		free(s);
	return v;
}

/* Unix seconds from a struct syslogTime as laid out here. */
static long long our_unix_time(const struct syslogTime *t)
{
	struct tm tm;
	long long off;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = t->year - 1900;
	tm.tm_mon = t->month - 1;
	tm.tm_mday = t->day;
	tm.tm_hour = t->hour;
	tm.tm_min = t->minute;
	tm.tm_sec = t->second;
	off = (long long)t->OffsetHour * 3600 + (long long)t->OffsetMinute * 60;
	if (t->OffsetMode == '+')
		off = -off;
	else if (t->OffsetMode != '-')
		off = 0;
	return (long long)timegm(&tm) + off;
}

static void check_message(smsg_t *m, struct report *r)
{
	uchar *raw, *tag;
	int rawlen, taglen;

	getRawMsg(m, &raw, &rawlen);
	cmp_ll(r, "iLenRawMsg", m->iLenRawMsg, rawlen);
	cmp_ll(r, "getRawMsgLen", m->iLenRawMsg, getRawMsgLen(m));
	cmp_ptr(r, "pszRawMsg", m->pszRawMsg, raw);
	cmp_ll(r, "iLenMSG", m->iLenMSG, getMSGLen(m));
	if (m->iLenMSG > 0)
		cmp_ptr(r, "offMSG", m->pszRawMsg + m->offMSG, getMSG(m));
	cmp_ptr(r, "pszHOSTNAME", m->pszHOSTNAME, getHOSTNAME(m));
	cmp_ll(r, "iLenHOSTNAME", m->iLenHOSTNAME, getHOSTNAMELen(m));
	getTAG(m, &tag, &taglen, LOCK_MUTEX);
	cmp_ll(r, "iLenTAG", m->iLenTAG, taglen);
	cmp_ll(r, "iProtocolVersion", m->iProtocolVersion,
	       prop_number(m, PROP_PROTOCOL_VERSION));
	cmp_ll(r, "iFacility", m->iFacility,
	       prop_number(m, PROP_SYSLOGFACILITY));
	cmp_ll(r, "iSeverity", m->iSeverity,
	       prop_number(m, PROP_SYSLOGSEVERITY));
	cmp_ll(r, "ttGenTime", (long long)m->ttGenTime,
	       prop_unix_time(m, PROP_TIMEGENERATED));
	cmp_ll(r, "tTIMESTAMP", our_unix_time(&m->tTIMESTAMP),
	       prop_unix_time(m, PROP_TIMESTAMP));
	cmp_ll(r, "getTimeReported",
	       strtoll(getTimeReported(m, tplFmtUnixDate), NULL, 10),
	       prop_unix_time(m, PROP_TIMESTAMP));
	if (!r->bad) /* only now is it safe to read through our pointers */
		add(r, " msglen=%d host=%.*s", m->iLenMSG, m->iLenHOSTNAME,
		    (const char *)m->pszHOSTNAME);
}

/* Opens the output on first use (never during the config check). */
static FILE *out_file(instanceData *d)
{
	if (d->out != NULL)
		return d->out;
	d->out = fopen(d->path, "a");
	if (d->out == NULL)
		return NULL;
	fprintf(d->out,
		"FEATURES NDEBUG=%d DEBUG=%d HAVE_ATOMIC_BUILTINS=%d "
		"HAVE_ATOMIC_BUILTINS64=%d FEATURE_REGEXP=%d "
		"ENABLE_LIBLOGGING_STDLOG=%d sizeof_smsg=%zu\n",
		F_NDEBUG, F_DEBUG, F_ATOMIC, F_ATOMIC64, F_REGEXP, F_STDLOG,
		sizeof(smsg_t));
	return d->out;
}

/* The entry points are rsyslog's template macros, which clang-format cannot
 * read: keep them as rsyslog's modules lay them out. */
// clang-format off
BEGINcreateInstance
CODESTARTcreateInstance
	pthread_mutex_init(&pData->out_mut, NULL);
ENDcreateInstance

BEGINcreateWrkrInstance
CODESTARTcreateWrkrInstance
ENDcreateWrkrInstance

BEGINisCompatibleWithFeature
CODESTARTisCompatibleWithFeature
ENDisCompatibleWithFeature

BEGINfreeInstance
CODESTARTfreeInstance
	if (pData->out != NULL && fclose(pData->out) != 0)
		LogError(errno, RS_RET_IO_ERROR, "abiprobe: closing '%s'",
			 pData->path);
	pthread_mutex_destroy(&pData->out_mut);
	free(pData->path);
ENDfreeInstance

BEGINfreeWrkrInstance
CODESTARTfreeWrkrInstance
ENDfreeWrkrInstance

BEGINdbgPrintInstInfo
CODESTARTdbgPrintInstInfo
ENDdbgPrintInstInfo

BEGINtryResume
CODESTARTtryResume
ENDtryResume

BEGINdoAction_NoStrings
	smsg_t **ppMsg = (smsg_t **)pMsgData;
	instanceData *d = pWrkrData->pData;
	struct report r;
	FILE *f;
CODESTARTdoAction
	memset(&r, 0, sizeof(r));
	check_message(ppMsg[0], &r);
	pthread_mutex_lock(&d->out_mut);
	if ((f = out_file(d)) != NULL) {
		fprintf(f, "%s n=%lu%.*s\n", r.bad ? "MISMATCH" : "OK",
			++d->seq, (int)r.len, r.buf);
		fflush(f);
	}
	pthread_mutex_unlock(&d->out_mut);
ENDdoAction

BEGINbeginCnfLoad
CODESTARTbeginCnfLoad
	pModConf->pConf = pConf;
ENDbeginCnfLoad

BEGINendCnfLoad
CODESTARTendCnfLoad
ENDendCnfLoad

BEGINcheckCnf
CODESTARTcheckCnf
ENDcheckCnf

BEGINactivateCnf
CODESTARTactivateCnf
ENDactivateCnf

BEGINfreeCnf
CODESTARTfreeCnf
ENDfreeCnf

BEGINnewActInst
	struct cnfparamvals *pvals = NULL;
CODESTARTnewActInst
	if ((pvals = nvlstGetParams(lst, &actpblk, NULL)) == NULL)
		ABORT_FINALIZE(RS_RET_MISSING_CNFPARAMS);
	CHKiRet(createInstance(&pData));
	pData->path = es_str2cstr(pvals[0].val.d.estr, NULL);
	CODE_STD_STRING_REQUESTnewActInst(1)
	CHKiRet(OMSRsetEntry(*ppOMSR, 0, NULL, OMSR_TPL_AS_MSG));
CODE_STD_FINALIZERnewActInst
	if (pvals != NULL)
		cnfparamvalsDestruct(pvals, &actpblk);
ENDnewActInst

NO_LEGACY_CONF_parseSelectorAct

BEGINmodExit
CODESTARTmodExit
ENDmodExit

BEGINqueryEtryPt
CODESTARTqueryEtryPt
CODEqueryEtryPt_STD_OMOD_QUERIES
CODEqueryEtryPt_STD_OMOD8_QUERIES
CODEqueryEtryPt_STD_CONF2_QUERIES
CODEqueryEtryPt_STD_CONF2_OMOD_QUERIES
ENDqueryEtryPt

BEGINmodInit()
CODESTARTmodInit
	*ipIFVersProvided = CURR_MOD_IF_VERSION;
CODEmodInit_QueryRegCFSLineHdlr
ENDmodInit
    // clang-format on
