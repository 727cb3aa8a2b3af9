/* Unit tests of the tally's line accounting without the lock
 * (lib/tally/tally_count.c): counters whose numbers every snapshot, export
 * and gs_tally_totals() include while they are open, that closing moves
 * into the tally exactly once, that a freed tally detaches; and
 * gs_tally_totals() against a full snapshot. */
#include "gs_config.h"

#include <check.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "tally/tally.h"
#include "suite.h"

#define T0	1700000000
#define THREADS 4
#define ROUNDS	50000

static struct gs_tally *new_tally(size_t max_groups)
{
	struct gs_tally_config cfg = {GS_DEFAULT_WINDOW_S, max_groups};
	char err[GS_ERRLEN];
	struct gs_tally *t = gs_tally_new(&cfg, err, sizeof(err));

	ck_assert_msg(t != NULL, "%s", err);
	return t;
}

static struct gs_tally_counter *open_counter(struct gs_tally *t)
{
	char err[GS_ERRLEN];
	struct gs_tally_counter *c = gs_tally_counter_open(t, err, sizeof(err));

	ck_assert_msg(c != NULL, "%s", err);
	return c;
}

static void add(struct gs_tally *t, const char *group, enum gs_counter c)
{
	struct gs_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.time = T0;
	ev.host = "mx1";
	ev.counter = c;
	ev.delay_s = -1;
	ev.missing_s = -1;
	ev.client_name = "mx.example.net";
	ev.client_address = "192.0.2.1";
	ck_assert_int_eq(gs_tally_add(t, &ev, group, GS_KIND_NAME), 0);
}

static struct gs_totals snapshot_totals(struct gs_tally *t)
{
	struct gs_summary s;
	struct gs_totals out;
	char err[GS_ERRLEN];

	ck_assert_msg(gs_tally_snapshot(t, T0 + 60, &s, err, sizeof(err)) == 0,
		      "%s", err);
	out = s.totals;
	gs_summary_free(&s);
	return out;
}

static struct gs_totals export_totals(struct gs_tally *t)
{
	struct gs_tally_export x;
	struct gs_totals out;
	char err[GS_ERRLEN];
	int r;

	memset(&x, 0, sizeof(x));
	ck_assert_msg(gs_tally_export_begin(t, &x, err, sizeof(err)) == 0, "%s",
		      err);
	while ((r = gs_tally_export_next(t, &x, err, sizeof(err))) > 0)
		;
	ck_assert_msg(r == 0, "%s", err);
	ck_assert_msg(gs_tally_export_finish(t, &x, err, sizeof(err)) == 0,
		      "%s", err);
	out = x.totals;
	gs_tally_export_free(&x);
	return out;
}

/* Numbers in an open counter are in every report of the tally. */
START_TEST(test_counter_is_reported_while_open)
{
	struct gs_tally *t = new_tally(10);
	struct gs_tally_counter *c = open_counter(t);
	struct gs_totals tot;

	gs_tally_counter_add(c, 3, 1);
	gs_tally_counter_add(c, 2, 0);
	gs_tally_count_line(t); /* the locked way adds up with it */
	gs_tally_totals(t, &tot);
	ck_assert_uint_eq(tot.lines, 6);
	ck_assert_uint_eq(tot.ignored, 1);
	tot = snapshot_totals(t);
	ck_assert_uint_eq(tot.lines, 6);
	ck_assert_uint_eq(tot.ignored, 1);
	tot = export_totals(t);
	ck_assert_uint_eq(tot.lines, 6);
	ck_assert_uint_eq(tot.ignored, 1);
	ck_assert_uint_eq(tot.groups, 0);
	gs_tally_counter_close(c);
	gs_tally_free(t);
}
END_TEST

/* Closing moves the numbers into the tally once: not lost, not doubled. */
START_TEST(test_counter_close_moves_its_numbers_once)
{
	struct gs_tally *t = new_tally(10);
	struct gs_tally_counter *a = open_counter(t), *b = open_counter(t);
	struct gs_tally_counter *c = open_counter(t);
	struct gs_totals tot;

	gs_tally_counter_add(a, 10, 2);
	gs_tally_counter_add(b, 20, 3);
	gs_tally_counter_add(c, 30, 4);
	/* The middle one of the list, then the head, then the last. */
	gs_tally_counter_close(b);
	gs_tally_totals(t, &tot);
	ck_assert_uint_eq(tot.lines, 60);
	ck_assert_uint_eq(tot.ignored, 9);
	gs_tally_counter_close(c);
	gs_tally_counter_close(a);
	tot = snapshot_totals(t);
	ck_assert_uint_eq(tot.lines, 60);
	ck_assert_uint_eq(tot.ignored, 9);
	gs_tally_counter_close(NULL);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_counter_open_without_tally_fails)
{
	char err[GS_ERRLEN] = "";

	ck_assert_ptr_null(gs_tally_counter_open(NULL, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "no tally"));
}
END_TEST

/* A counter still open when its tally is freed is only freed by its close
 * (ASan and valgrind catch a touch of the freed tally). */
START_TEST(test_counter_outlives_freed_tally)
{
	struct gs_tally *t = new_tally(10);
	struct gs_tally_counter *c = open_counter(t);

	gs_tally_counter_add(c, 1, 1);
	gs_tally_free(t);
	gs_tally_counter_add(c, 1, 0);
	gs_tally_counter_close(c);
}
END_TEST

/* gs_tally_totals() is what a snapshot reports, groups included. */
START_TEST(test_totals_match_full_snapshot)
{
	struct gs_tally *t = new_tally(4);
	struct gs_totals tot, snap;
	char name[32];
	unsigned i;

	/* 9 groups into room for 4: evictions; unparsed with and without a
	 * sample. */
	for (i = 0; i < 9; i++) {
		snprintf(name, sizeof(name), "d%u.example", i);
		add(t, name, i % 2 ? GS_C_NEW : GS_C_AWL);
	}
	gs_tally_count_unparsed(t, "junk", 4);
	gs_tally_count_unparsed(t, NULL, 0);
	gs_tally_count_ignored(t);
	gs_tally_totals(t, &tot);
	snap = snapshot_totals(t);
	ck_assert_uint_gt(tot.evicted, 0);
	ck_assert_uint_eq(tot.actions, 9);
	ck_assert_uint_eq(tot.per_counter[GS_C_NEW], 4);
	ck_assert_uint_eq(tot.unparsed, 2);
	ck_assert_uint_ge(tot.groups, 1);
	ck_assert_uint_le(tot.groups, 4);
	ck_assert_mem_eq(&tot, &snap, sizeof(tot));
	gs_tally_free(t);
}
END_TEST

struct worker {
	struct gs_tally *t;
	int fail;
};

/* Many owners at once, a reader in between: every line arrives. */
static void *count_lines(void *arg)
{
	struct worker *w = arg;
	struct gs_tally_counter *c;
	char err[GS_ERRLEN];
	unsigned i;

	c = gs_tally_counter_open(w->t, err, sizeof(err));
	if (c == NULL) {
		w->fail = 1;
		return NULL;
	}
	for (i = 0; i < ROUNDS; i++)
		gs_tally_counter_add(c, 2, i % 2);
	gs_tally_counter_close(c);
	return NULL;
}

START_TEST(test_counters_of_threads_add_up)
{
	struct gs_tally *t = new_tally(10);
	struct worker w[THREADS];
	pthread_t th[THREADS];
	struct gs_totals tot;
	uint64_t last = 0;
	unsigned i;

	for (i = 0; i < THREADS; i++) {
		w[i].t = t;
		w[i].fail = 0;
		ck_assert_int_eq(
		    pthread_create(&th[i], NULL, count_lines, &w[i]), 0);
	}
	/* While they count, the reported numbers only grow, and no more
	 * ignored lines than lines are ever seen. */
	for (i = 0; i < 1000; i++) {
		gs_tally_totals(t, &tot);
		ck_assert_uint_ge(tot.lines, last);
		ck_assert_uint_le(2 * tot.ignored, tot.lines);
		last = tot.lines;
	}
	for (i = 0; i < THREADS; i++) {
		ck_assert_int_eq(pthread_join(th[i], NULL), 0);
		ck_assert_int_eq(w[i].fail, 0);
	}
	gs_tally_totals(t, &tot);
	ck_assert_uint_eq(tot.lines, 2ull * THREADS * ROUNDS);
	ck_assert_uint_eq(tot.ignored, (uint64_t)THREADS * ROUNDS / 2);
	gs_tally_free(t);
}
END_TEST

static Suite *tally_count_suite(void)
{
	Suite *s = suite_create("tally_count");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_counter_is_reported_while_open);
	tcase_add_test(tc, test_counter_close_moves_its_numbers_once);
	tcase_add_test(tc, test_counter_open_without_tally_fails);
	tcase_add_test(tc, test_counter_outlives_freed_tally);
	tcase_add_test(tc, test_totals_match_full_snapshot);
	tcase_add_test(tc, test_counters_of_threads_add_up);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(tally_count_suite)
