/* Helpers shared by the pair table's unit tests (check_pairs.c,
 * check_pairs_export.c): a table that must be created, its open pairs, and
 * events that must succeed. A pair's group identity is ten times its key. */
#ifndef GS_PAIRS_FIXTURE_H
#define GS_PAIRS_FIXTURE_H

#include <check.h>
#include <string.h>

#include "base/error.h"
#include "tally/pairs.h"

#define W   100 /* retry window of most tests, s */
#define NET 7	/* a network identity */

static inline struct gs_pairs *new_pairs(size_t max, uint32_t window_s)
{
	struct gs_pairs_config cfg = {max, window_s};
	char err[GS_ERRLEN];
	struct gs_pairs *p = gs_pairs_new(&cfg, err, sizeof(err));

	ck_assert_msg(p != NULL, "%s", err);
	return p;
}

static inline size_t held(const struct gs_pairs *p)
{
	struct gs_pairs_counts c;

	gs_pairs_counts(p, &c);
	return c.held;
}

static inline enum gs_pair_event grey(struct gs_pairs *p, uint64_t key,
				      uint64_t net, int64_t t,
				      struct gs_pairs_update *u)
{
	ck_assert_int_eq(gs_pairs_greylist(p, key, key * 10, net, t, u), 0);
	return u->event;
}

static inline enum gs_pair_event pass(struct gs_pairs *p, uint64_t key,
				      int64_t t, struct gs_pairs_update *u)
{
	gs_pairs_pass(p, key, t, u);
	return u->event;
}

#endif
