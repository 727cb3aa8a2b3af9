/* omgreyscan, per message: the core's one ingest path (lib/ingest/ingest.h)
 * parses the message text with the rulebase, groups the client through the
 * worker's group cache and counts it into the tally; with annotate="on"
 * its result goes back into the message as $!greyscan.
 *
 * Concurrency & locking
 * ---------------------
 * This file owns rb_lock (see instance.h for the whole picture). Every
 * action worker runs omgs_count_message at once, each with its own ingest
 * (group cache, tally counter) and each holding rb_lock for reading over
 * one message's use of the rulebase: ingest, impstats counters, annotate,
 * release the parse result. The message's text, time and host are read
 * before rb_lock is taken. omgs_rulebase_reload runs on the main thread
 * (doHUP), possibly at the same time: it loads the new rulebase without
 * any lock, takes rb_lock for writing only to swap the pointer and frees
 * the old rulebase outside it. The tally's mutex and the message's own
 * mutex (msgAddJSON) are taken while rb_lock is held for reading, never the
 * other way round; a line that is neither a decision nor unparsed takes no
 * tally lock at all (the ingest's counter).
 *
 * Event time: the message's reported time, except when it lies more than
 * FUTURE_SLACK_S ahead of the reception time or more than the window behind
 * it: then the reception time is used, so a hostile or broken clock can
 * neither push the window's end into the future (dropping everything else)
 * nor have lines silently counted as too old. */
#include "config.h" /* rsyslog's configured config.h: sets struct layouts */
#include "rsyslog.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json.h>

#include "errmsg.h"
#include "msg.h"

#include "base/error.h"
#include "ingest/ingest.h"
#include "input/group.h"
#include "input/parser.h"
#include "tally/tally.h"

#include "instance.h"
#include "message.h"

#define FUTURE_SLACK_S 3600 /* accepted clock skew of a reporting host */

int omgs_rb_lock_init(instanceData *d)
{
	pthread_rwlockattr_t ra;
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
	return 0;
}

static time_t (*to_time)(const struct syslogTime *);

void omgs_message_set_clock(time_t (*fn)(const struct syslogTime *))
{
	to_time = fn;
}

/* The event time (see the top of the file). ttGenTime and tTIMESTAMP are
 * read straight from smsg_t, for want of accessors that neither lock the
 * message nor format the time as text (getTimeReported does both):
 * tests/rsyslog/abi-config.sh checks that our compile of the layout agrees
 * with rsyslogd's. The reported time is set when the message is parsed,
 * before any action sees it. */
static time_t event_time(smsg_t *msg, uint32_t window_s)
{
	const time_t received = msg->ttGenTime;
	const long long reported = (long long)to_time(&msg->tTIMESTAMP);

	if (reported > (long long)received + FUTURE_SLACK_S ||
	    reported < (long long)received - (long long)window_s)
		return received;
	return (time_t)reported;
}

static const char *kind_name(enum gs_group_kind k)
{
	return k == GS_KIND_NETWORK ? "network" : "name";
}

/* Attaches $!greyscan to the message, built from the ingest's result.
 * Takes the parse result's JSON over when there is one (the event's
 * strings are no longer needed then). */
static void annotate(smsg_t *msg, struct gs_ingest_result *r)
{
	struct json_object *j = r->parsed.json;

	r->parsed.json = NULL;
	if (j == NULL || !json_object_is_type(j, json_type_object)) {
		if (j != NULL)
			json_object_put(j);
		if ((j = json_object_new_object()) == NULL)
			return;
	}
	/* liblognorm's rule tags are the rulebase's business (and an array
	 * the rulebase shares): not part of the annotation. */
	json_object_object_del(j, "event.tags");
	json_object_object_add(j, "line", json_object_new_string(r->line));
	if (r->grouped) {
		json_object_object_add(j, "domain",
				       json_object_new_string(r->group));
		json_object_object_add(
		    j, "kind",
		    json_object_new_string(kind_name(r->group_kind)));
		json_object_object_add(j, "counter",
				       json_object_new_string(gs_counter_name(
					   r->parsed.ev.counter)));
	}
	/* msgAddJSON owns j from here on, even when it fails. force_reset:
	 * replace an existing $!greyscan (an earlier annotating action, or a
	 * "set $!greyscan!x"); without it rsyslog 8.2302 merges an object's
	 * members into the root of $!, over the user's own variables. */
	msgAddJSON(msg, (uchar *)"!greyscan", j, 1, 0);
}

/* The impstats counters of one message: a decision the tally did not take
 * (no memory: counted as evicted inside it) is in none but received. */
static void count_stats(instanceData *d, const struct gs_ingest_result *r)
{
	omgs_ctr_add(&d->ctr.received, 1);
	if (r->kind == GS_INGEST_ACTION && r->counted)
		omgs_ctr_add(&d->ctr.parsed, 1);
	else if (r->kind == GS_INGEST_IGNORED)
		omgs_ctr_add(&d->ctr.ignored, 1);
	else if (r->kind == GS_INGEST_UNPARSED)
		omgs_ctr_add(&d->ctr.unparsed, 1);
}

void omgs_count_message(instanceData *d, struct gs_ingest *in, smsg_t *msg)
{
	struct gs_ingest_result r;
	struct gs_ingest_msg m;
	int len = getMSGLen(msg);

	/* What the message gives is read before the lock, which covers only
	 * the use of the rulebase and its result. */
	m.text = (const char *)getMSG(msg);
	m.len = m.text != NULL && len > 0 ? (size_t)len : 0;
	m.time = event_time(msg, d->tally_cfg.window_s);
	m.host = getHOSTNAME(msg);

	pthread_rwlock_rdlock(&d->rb_lock);
	gs_ingest_message(in, d->rb, &m, &r);
	count_stats(d, &r);
	if (d->annotate)
		annotate(msg, &r);
	gs_ingest_result_release(&r);
	pthread_rwlock_unlock(&d->rb_lock);
}

void omgs_rulebase_reload(instanceData *d)
{
	struct gs_rulebase *fresh, *old;
	char err[GS_ERRLEN];

	fresh = gs_rulebase_load(d->rulebase_path, err, sizeof(err));
	if (fresh == NULL) {
		LogError(0, RS_RET_ERR,
			 "omgreyscan: HUP: keeping the previous rulebase, the "
			 "new one cannot be used: %s",
			 err);
		return;
	}
	pthread_rwlock_wrlock(&d->rb_lock);
	old = d->rb;
	d->rb = fresh;
	pthread_rwlock_unlock(&d->rb_lock);
	gs_rulebase_free(old);
}

void omgs_rulebase_fini(instanceData *d)
{
	gs_rulebase_free(d->rb);
	d->rb = NULL;
	if (d->rb_lock_ok)
		pthread_rwlock_destroy(&d->rb_lock);
	d->rb_lock_ok = 0;
}
