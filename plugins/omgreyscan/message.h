/* Per message: the core's ingest path (parse the postgrey line with the
 * rulebase, group the client, count), the impstats counters and the
 * annotation; and the rulebase's lock, which a HUP takes to swap in a
 * reloaded rulebase. Concurrency: see instance.h. */
#ifndef OMGS_MESSAGE_H
#define OMGS_MESSAGE_H

#include "ingest/ingest.h"

#include "instance.h"

/* The core's conversion of a message's timestamp to seconds (its datetime
 * object's syslogTime2time_t), set once by modInit before any action
 * exists. */
void omgs_message_set_clock(time_t (*to_time)(const struct syslogTime *));

/* Creates d->rb_lock (writer-preferring) and sets d->rb_lock_ok. Returns 0,
 * or -1 when the lock cannot be created. */
int omgs_rb_lock_init(instanceData *d);

/* Counts one message into d's tally and counters, annotating it with
 * $!greyscan when d->annotate is set. in is the calling worker's own
 * ingest (made for d's grouper and tally). Never fails: what cannot be
 * counted is counted as unparsed. */
void omgs_count_message(instanceData *d, struct gs_ingest *in, smsg_t *msg);

/* HUP: loads d->rulebase_path afresh and swaps it in; if it cannot be
 * loaded, logs why and keeps the current rulebase. */
void omgs_rulebase_reload(instanceData *d);

/* Frees the rulebase and destroys rb_lock if it was created. No worker may
 * use d any more. */
void omgs_rulebase_fini(instanceData *d);

#endif
