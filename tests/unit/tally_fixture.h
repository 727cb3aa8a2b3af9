/* Test helpers shared by the tally and state unit tests: a tally that must
 * be created, and one decision with every field given. */
#ifndef GS_TALLY_FIXTURE_H
#define GS_TALLY_FIXTURE_H

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "tally/tally.h"

static inline struct gs_tally *new_tally(uint32_t window_s, size_t max_groups)
{
	struct gs_tally_config cfg = {window_s, max_groups};
	char err[GS_ERRLEN];
	struct gs_tally *t = gs_tally_new(&cfg, err, sizeof(err));

	ck_assert_msg(t != NULL, "%s", err);
	return t;
}

/* Groups written "[...]" are network groups, the others name groups. */
static inline int add_full(struct gs_tally *t, time_t time, enum gs_counter c,
			   const char *group, const char *name,
			   const char *addr, const char *host, long delay)
{
	struct gs_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.time = time;
	ev.host = host;
	ev.counter = c;
	ev.delay_s = delay;
	ev.missing_s = -1;
	ev.client_name = name;
	ev.client_address = addr;
	return gs_tally_add(t, &ev, group,
			    group[0] == '[' ? GS_KIND_NETWORK : GS_KIND_NAME);
}

/* A tally that follows pairs: at most max_pairs, retry window retry_s. */
static inline struct gs_tally *new_pair_tally(uint32_t window_s,
					      size_t max_groups,
					      size_t max_pairs,
					      uint32_t retry_s)
{
	struct gs_tally_config cfg = {window_s, max_groups, max_pairs, retry_s};
	char err[GS_ERRLEN];
	struct gs_tally *t = gs_tally_new(&cfg, err, sizeof(err));

	ck_assert_msg(t != NULL, "%s", err);
	return t;
}

/* One decision of a mail from sender to recipient, from client address
 * addr, logged by host (the client's name is "mx." + group). */
struct mail_event {
	enum gs_counter counter;
	const char *group, *addr, *host, *sender, *recipient;
	long delay;
};

static inline int add_mail(struct gs_tally *t, time_t time,
			   const struct mail_event *m)
{
	struct gs_event ev;
	char name[300];

	memset(&ev, 0, sizeof(ev));
	snprintf(name, sizeof(name), "mx.%s", m->group);
	ev.time = time;
	ev.host = m->host != NULL ? m->host : "mx1";
	ev.counter = m->counter;
	ev.delay_s = m->delay != 0 ? m->delay : -1;
	ev.missing_s = -1;
	ev.client_name = name;
	ev.client_address = m->addr != NULL ? m->addr : "192.0.2.1";
	ev.sender = m->sender;
	ev.recipient = m->recipient;
	return gs_tally_add(t, &ev, m->group,
			    m->group[0] == '[' ? GS_KIND_NETWORK
					       : GS_KIND_NAME);
}

#endif
