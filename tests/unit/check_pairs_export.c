/* Unit tests of lib/tally/pairs.c, part two: export and import (round
 * trip, into a smaller table, duplicates and bad times, a stopping
 * callback), and a long run of random events, slightly out of order,
 * against a naive model of the same rules (a list in opening order,
 * searched linearly), compared event by event and, through the export,
 * pair by pair. */
#include "gs_config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "tally/pairs.h"
#include "pairs_fixture.h"
#include "suite.h"

/* ---- export and import ---- */

struct collected {
	struct gs_pair pairs[64];
	size_t n;
	size_t stop_at; /* 0: never */
};

static int collect(void *arg, const struct gs_pair *pair)
{
	struct collected *c = arg;

	if (c->stop_at != 0 && c->n + 1 == c->stop_at)
		return 42;
	ck_assert_uint_lt(c->n, 64);
	c->pairs[c->n++] = *pair;
	return 0;
}

/* Ten pairs, keys 1..10 opened at 1000..1009, with every flag mix. */
static struct gs_pairs *ten_pairs(void)
{
	struct gs_pairs *p = new_pairs(20, 86400);
	struct gs_pairs_update u;
	uint64_t k;

	for (k = 1; k <= 10; k++)
		grey(p, k, NET, 999 + (int64_t)k, &u);
	grey(p, 2, NET, 2000, &u);     /* returned */
	grey(p, 3, NET + 1, 2000, &u); /* returned, other network */
	return p;
}

static void assert_same_pair(const struct gs_pair *a, const struct gs_pair *b)
{
	ck_assert_uint_eq(a->key, b->key);
	ck_assert_uint_eq(a->group_id, b->group_id);
	ck_assert_uint_eq(a->net, b->net);
	ck_assert_int_eq(a->first, b->first);
	ck_assert_int_eq(a->returned, b->returned);
	ck_assert_int_eq(a->other_network, b->other_network);
}

START_TEST(test_pairs_export_import_round_trip)
{
	struct gs_pairs *p = ten_pairs(), *q = new_pairs(20, 86400);
	struct collected a = {.n = 0}, b = {.n = 0};
	struct gs_pairs_update u;
	char err[GS_ERRLEN];
	size_t i;

	ck_assert_int_eq(gs_pairs_export(p, collect, &a), 0);
	ck_assert_uint_eq(a.n, 10);
	for (i = 0; i < a.n; i++) {
		ck_assert_uint_eq(a.pairs[i].key, i + 1); /* oldest first */
		ck_assert_int_eq(
		    gs_pairs_import(q, &a.pairs[i], &u, err, sizeof(err)), 0);
		ck_assert_int_eq(u.event, GS_PAIR_NEW);
	}
	ck_assert(a.pairs[1].returned && !a.pairs[1].other_network);
	ck_assert(a.pairs[2].returned && a.pairs[2].other_network);
	ck_assert(!a.pairs[3].returned);
	ck_assert_int_eq(gs_pairs_export(q, collect, &b), 0);
	ck_assert_uint_eq(b.n, a.n);
	for (i = 0; i < a.n; i++)
		assert_same_pair(&a.pairs[i], &b.pairs[i]);
	/* The restored pairs live on. */
	ck_assert_int_eq(pass(q, 3, 5000, &u), GS_PAIR_PASSED);
	ck_assert_uint_eq(u.wait_s, 5000 - 1002);
	ck_assert(!u.first_return);
	ck_assert_int_eq(grey(q, 4, NET, 5000, &u), GS_PAIR_AGAIN);
	ck_assert(u.first_return);
	ck_assert_uint_eq(gs_pairs_expire(q, 1000 + 86400 + 1, NULL, NULL), 1);
	gs_pairs_free(p);
	gs_pairs_free(q);
}
END_TEST

START_TEST(test_pairs_import_into_a_smaller_table_keeps_the_newest)
{
	struct gs_pairs *p = ten_pairs(), *q = new_pairs(4, 86400);
	struct collected a = {.n = 0}, b = {.n = 0};
	struct gs_pairs_counts c;
	struct gs_pairs_update u;
	size_t i, evicted = 0;

	gs_pairs_export(p, collect, &a);
	for (i = 0; i < a.n; i++) {
		ck_assert_int_eq(gs_pairs_import(q, &a.pairs[i], &u, NULL, 0),
				 0);
		if (u.evicted) {
			ck_assert_uint_eq(u.evicted_pair.key, evicted + 1);
			evicted++;
		}
	}
	ck_assert_uint_eq(evicted, 6);
	gs_pairs_counts(q, &c);
	ck_assert_uint_eq(c.held, 4);
	ck_assert_uint_eq(c.evicted, 6);
	gs_pairs_export(q, collect, &b);
	ck_assert_uint_eq(b.n, 4);
	for (i = 0; i < b.n; i++)
		assert_same_pair(&b.pairs[i], &a.pairs[6 + i]);
	gs_pairs_free(p);
	gs_pairs_free(q);
}
END_TEST

START_TEST(test_pairs_import_refuses_duplicates_and_bad_times)
{
	struct gs_pairs *q = new_pairs(10, W);
	struct gs_pair pair = {5, 50, NET, 1000, true, false};
	struct gs_pairs_update u;
	char err[GS_ERRLEN];

	ck_assert_int_eq(gs_pairs_import(q, &pair, &u, err, sizeof(err)), 0);
	ck_assert_int_eq(gs_pairs_import(q, &pair, &u, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "already open") != NULL, "%s", err);
	pair.key = 6;
	pair.first = -1;
	ck_assert_int_eq(gs_pairs_import(q, &pair, &u, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "out of range") != NULL, "%s", err);
	pair.first = (int64_t)UINT32_MAX + 1;
	ck_assert_int_eq(gs_pairs_import(q, &pair, &u, err, sizeof(err)), -1);
	ck_assert_uint_eq(held(q), 1);
	gs_pairs_free(q);
}
END_TEST

START_TEST(test_pairs_export_stops_at_the_callbacks_error)
{
	struct gs_pairs *p = ten_pairs();
	struct collected a = {.n = 0, .stop_at = 4};

	ck_assert_int_eq(gs_pairs_export(p, collect, &a), 42);
	ck_assert_uint_eq(a.n, 3);
	gs_pairs_free(p);
}
END_TEST

/* ---- against a model ---- */

#define MODEL_MAX  48
#define MODEL_KEYS 160

struct model_pair {
	uint64_t key, net;
	int64_t first;
	bool returned, other;
};

/* Open pairs in opening order, the oldest first. */
struct model {
	struct model_pair p[MODEL_MAX];
	size_t n;
};

static void model_drop(struct model *m, size_t i)
{
	memmove(&m->p[i], &m->p[i + 1], (m->n - i - 1) * sizeof(m->p[0]));
	m->n--;
}

static long model_find(const struct model *m, uint64_t key)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->p[i].key == key)
			return (long)i;
	return -1;
}

static void model_check(const struct model *m, struct gs_pairs *p)
{
	struct collected c = {.n = 0};
	size_t i;

	ck_assert_int_eq(gs_pairs_export(p, collect, &c), 0);
	ck_assert_uint_eq(c.n, m->n);
	for (i = 0; i < m->n; i++) {
		ck_assert_uint_eq(c.pairs[i].key, m->p[i].key);
		ck_assert_int_eq(c.pairs[i].first, m->p[i].first);
		ck_assert_uint_eq(c.pairs[i].net, m->p[i].net);
		ck_assert_int_eq(c.pairs[i].returned, m->p[i].returned);
		ck_assert_int_eq(c.pairs[i].other_network, m->p[i].other);
	}
}

/* One greylisting in the model; the same checks of the update. */
static void model_grey(struct model *m, struct gs_pairs *p, uint64_t key,
		       uint64_t net, int64_t t)
{
	struct gs_pairs_update u;
	long i = model_find(m, key);
	bool expired = i >= 0 && t - m->p[i].first > W, evict;

	grey(p, key, net, t, &u);
	ck_assert_int_eq(u.expired, expired);
	if (expired) {
		model_drop(m, (size_t)i);
		i = -1;
	}
	if (i >= 0) {
		struct model_pair *mp = &m->p[i];

		ck_assert_int_eq(u.event, GS_PAIR_AGAIN);
		ck_assert_int_eq(u.first_return, !mp->returned);
		ck_assert_int_eq(u.first_other_network,
				 !mp->other && net != mp->net);
		mp->other = mp->other || net != mp->net;
		mp->returned = true;
		if (t < mp->first) {
			mp->first = t;
			mp->net = net;
		}
		return;
	}
	evict = m->n == MODEL_MAX;
	ck_assert_int_eq(u.event, GS_PAIR_NEW);
	ck_assert_int_eq(u.evicted, evict);
	if (evict) {
		ck_assert_uint_eq(u.evicted_pair.key, m->p[0].key);
		model_drop(m, 0);
	}
	m->p[m->n++] = (struct model_pair){key, net, t, false, false};
}

static void model_pass(struct model *m, struct gs_pairs *p, uint64_t key,
		       int64_t t)
{
	struct gs_pairs_update u;
	long i = model_find(m, key);

	pass(p, key, t, &u);
	if (i < 0) {
		ck_assert_int_eq(u.event, GS_PAIR_NONE);
		return;
	}
	if (t - m->p[i].first > W) {
		ck_assert_int_eq(u.event, GS_PAIR_NONE);
		ck_assert(u.expired);
	} else {
		ck_assert_int_eq(u.event, GS_PAIR_PASSED);
		ck_assert_int_eq(u.first_return, !m->p[i].returned);
		ck_assert_uint_eq(u.wait_s, t > m->p[i].first
						? (uint64_t)(t - m->p[i].first)
						: 0);
	}
	model_drop(m, (size_t)i);
}

static void model_expire(struct model *m, struct gs_pairs *p, int64_t t)
{
	size_t n = 0;

	while (m->n > 0 && t - m->p[0].first > W) {
		model_drop(m, 0);
		n++;
	}
	ck_assert_uint_eq(gs_pairs_expire(p, t, NULL, NULL), n);
}

START_TEST(test_pairs_random_events_follow_the_model)
{
	struct gs_pairs *p = new_pairs(MODEL_MAX, W);
	struct model m = {.n = 0};
	int64_t clock = 1000, t;
	unsigned i, r;

	srandom(20240601);
	for (i = 0; i < 200000; i++) {
		r = (unsigned)random();
		clock += r % 3 == 0;
		/* Up to 5 s out of order. */
		t = clock - (int64_t)((r >> 4) % 6);
		if ((r >> 8) % 16 < 9)
			model_grey(&m, p, 1 + (r >> 12) % MODEL_KEYS,
				   (r >> 20) % 3, t);
		else if ((r >> 8) % 16 < 15)
			model_pass(&m, p, 1 + (r >> 12) % MODEL_KEYS, t);
		else
			model_expire(&m, p, t);
		if (i % 997 == 0)
			model_check(&m, p);
	}
	model_check(&m, p);
	gs_pairs_free(p);
}
END_TEST

static Suite *pairs_export_suite(void)
{
	Suite *s = suite_create("pairs_export");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_pairs_export_import_round_trip);
	tcase_add_test(tc,
		       test_pairs_import_into_a_smaller_table_keeps_the_newest);
	tcase_add_test(tc, test_pairs_import_refuses_duplicates_and_bad_times);
	tcase_add_test(tc, test_pairs_export_stops_at_the_callbacks_error);
	tcase_add_test(tc, test_pairs_random_events_follow_the_model);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(pairs_export_suite)
