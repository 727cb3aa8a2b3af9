/* Test helpers shared by the tally and state unit tests: a tally that must
 * be created, and one decision with every field given. */
#ifndef GS_TALLY_FIXTURE_H
#define GS_TALLY_FIXTURE_H

#include <check.h>
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

#endif
