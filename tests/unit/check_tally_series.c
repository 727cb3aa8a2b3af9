/* Unit tests of the snapshot's per-slot series (lib/tally/tally_snapshot.c):
 * its frame (the tally's slot length, from the oldest live slot to the
 * end's, none before the first event, from slot 0 near time 0), each
 * group's greylisted (new + early_retry) and passed (delayed + passed)
 * decisions per slot summed over the hosts, zeros elsewhere, the frame
 * moving with the window, only the listed groups, and the same series
 * after the tally went through its state file. */
#include "gs_config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "state/state.h"
#include "summary/summary.h"
#include "tally/tally.h"
#include "tally_fixture.h"
#include "suite.h"

#define T0	       1700000000 /* a slot boundary for the 2800 s window */
#define SMALL_WINDOW_S 2800	  /* 28 slots of 100 s */
#define SLOT_S	       100
#define SLOTS	       29 /* from the end's slot back to the window start's */

static void add(struct gs_tally *t, time_t time, enum gs_counter c,
		const char *group, const char *host)
{
	ck_assert_int_eq(add_full(t, time, c, group, "mx.example.net",
				  "192.0.2.1", host,
				  c == GS_C_DELAYED ? 60 : -1),
			 0);
}

static void snap(struct gs_tally *t, struct gs_summary *s)
{
	char err[GS_ERRLEN];

	ck_assert_msg(gs_tally_snapshot(t, T0 + 999999, s, err, sizeof(err)) ==
			  0,
		      "%s", err);
}

static const struct gs_group_stats *must_find(const struct gs_summary *s,
					      const char *domain)
{
	size_t i;

	for (i = 0; i < s->n_groups; i++)
		if (strcmp(s->groups[i].domain, domain) == 0)
			return &s->groups[i];
	ck_abort_msg("group %s not in the snapshot", domain);
	return NULL;
}

/* Slot i of g is {greylisted, passed}. */
static void assert_slot(const struct gs_group_stats *g, size_t i,
			uint64_t greylisted, uint64_t passed)
{
	ck_assert_ptr_nonnull(g->series);
	ck_assert_msg(g->series[i].greylisted == greylisted &&
			  g->series[i].passed == passed,
		      "%s slot %zu: {%llu, %llu}, want {%llu, %llu}", g->domain,
		      i, (unsigned long long)g->series[i].greylisted,
		      (unsigned long long)g->series[i].passed,
		      (unsigned long long)greylisted,
		      (unsigned long long)passed);
}

/* Every slot of g but the n listed ones is {0, 0}. */
static void assert_zero_but(const struct gs_group_stats *g, size_t slots,
			    const size_t *busy, size_t n)
{
	size_t i, j;

	for (i = 0; i < slots; i++) {
		for (j = 0; j < n && busy[j] != i; j++)
			;
		if (j == n)
			assert_slot(g, i, 0, 0);
	}
}

/* Decisions of every kind in three slots of the window, from two hosts:
 * only new + early_retry and delayed + passed are in the series. */
static void add_mix(struct gs_tally *t)
{
	static const enum gs_counter others[] = {GS_C_WHITELISTED,
						 GS_C_RECIPIENT_WL, GS_C_AWL};
	size_t k;

	add(t, T0, GS_C_NEW, "a.example", "mx1");
	add(t, T0 + 99, GS_C_NEW, "a.example", "mx2");
	add(t, T0 + 50, GS_C_EARLY_RETRY, "a.example", "mx2");
	add(t, T0 + 60, GS_C_DELAYED, "a.example", "mx1");
	for (k = 0; k < sizeof(others) / sizeof(others[0]); k++)
		add(t, T0 + 70, others[k], "a.example", "mx1");
	add(t, T0 + 100, GS_C_PASSED, "a.example", "mx2"); /* slot 1 */
	add(t, T0 + 150, GS_C_PASSED, "a.example", "mx1");
	add(t, T0 + 1234, GS_C_NEW, "b.example", "mx1");	 /* slot 12 */
	add(t, T0 + 2899, GS_C_EARLY_RETRY, "a.example", "mx1"); /* 28 */
}

START_TEST(test_tally_series_counts_per_slot_over_the_hosts)
{
	struct gs_tally *t = new_tally(SMALL_WINDOW_S, 100);
	const struct gs_group_stats *a, *b;
	const size_t a_busy[] = {0, 1, 28}, b_busy[] = {12};
	struct gs_summary s;

	add_mix(t);
	snap(t, &s);
	ck_assert(s.has_series);
	ck_assert_uint_eq(s.series_slot_s, SLOT_S);
	/* end T0 + 2899: the window starts in slot T0 + 99's, slot 0 */
	ck_assert_int_eq(s.series_start, T0);
	ck_assert_int_eq(s.series_start, s.window_start);
	ck_assert_uint_eq(s.series_slots, SLOTS);
	a = must_find(&s, "a.example");
	assert_slot(a, 0, 3, 1);
	assert_slot(a, 1, 0, 2);
	assert_slot(a, 28, 1, 0);
	assert_zero_but(a, SLOTS, a_busy, 3);
	b = must_find(&s, "b.example");
	assert_slot(b, 12, 1, 0);
	assert_zero_but(b, SLOTS, b_busy, 1);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

/* The sums over the slots are the group's counts. */
START_TEST(test_tally_series_sums_to_the_group_counts)
{
	struct gs_tally *t = new_tally(SMALL_WINDOW_S, 100);
	const struct gs_group_stats *g;
	uint64_t greylisted = 0, passed = 0;
	struct gs_summary s;
	size_t i;

	add_mix(t);
	snap(t, &s);
	g = must_find(&s, "a.example");
	for (i = 0; i < s.series_slots; i++) {
		greylisted += g->series[i].greylisted;
		passed += g->series[i].passed;
	}
	ck_assert_uint_eq(greylisted,
			  g->counts[GS_C_NEW] + g->counts[GS_C_EARLY_RETRY]);
	ck_assert_uint_eq(passed,
			  g->counts[GS_C_DELAYED] + g->counts[GS_C_PASSED]);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

/* One second past the window's end of slot 0: slot 0 drops out, the frame
 * starts a slot later, and the counts move down one place. */
START_TEST(test_tally_series_frame_moves_with_the_window)
{
	struct gs_tally *t = new_tally(SMALL_WINDOW_S, 100);
	const struct gs_group_stats *a;
	const size_t busy[] = {0, 27, 28};
	struct gs_summary s;

	add_mix(t);
	add(t, T0 + 2900, GS_C_NEW, "a.example", "mx2"); /* slot 29 */
	snap(t, &s);
	ck_assert_int_eq(s.series_start, T0 + SLOT_S);
	ck_assert_int_eq(s.series_start, s.window_start);
	ck_assert_uint_eq(s.series_slots, SLOTS);
	a = must_find(&s, "a.example");
	assert_slot(a, 0, 0, 2);
	assert_slot(a, 27, 1, 0);
	assert_slot(a, 28, 1, 0);
	assert_zero_but(a, SLOTS, busy, 3);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_tally_series_without_events_has_no_slot)
{
	struct gs_tally *t = new_tally(SMALL_WINDOW_S, 100);
	struct gs_summary s;

	snap(t, &s);
	ck_assert(s.has_series);
	ck_assert_uint_eq(s.series_slots, 0);
	ck_assert_int_eq(s.series_start, 0);
	ck_assert_uint_eq(s.series_slot_s, SLOT_S);
	ck_assert_uint_eq(s.n_groups, 0);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

/* Log times within a window of 1970: the window would reach back before
 * time 0, the series starts at slot 0 like window_start. */
START_TEST(test_tally_series_near_time_zero_starts_at_slot_zero)
{
	struct gs_tally *t = new_tally(SMALL_WINDOW_S, 100);
	const struct gs_group_stats *g;
	struct gs_summary s;

	add(t, 5, GS_C_NEW, "early.example", "mx1");
	add(t, 250, GS_C_DELAYED, "early.example", "mx1");
	snap(t, &s);
	ck_assert_int_eq(s.series_start, 0);
	ck_assert_int_eq(s.window_start, 0);
	ck_assert_uint_eq(s.series_slots, 3);
	g = must_find(&s, "early.example");
	assert_slot(g, 0, 1, 0);
	assert_slot(g, 1, 0, 0);
	assert_slot(g, 2, 0, 1);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

/* Default window: 28 slots of 6 h plus the end's. */
START_TEST(test_tally_series_default_window_has_29_slots)
{
	struct gs_tally *t = new_tally(604800, 100);
	const struct gs_group_stats *g;
	struct gs_summary s;

	add(t, 1795806000, GS_C_NEW, "a.example", "mx1"); /* 2026-11-27 19h */
	snap(t, &s);
	ck_assert_uint_eq(s.series_slot_s, 21600);
	ck_assert_uint_eq(s.series_slots, 29);
	ck_assert_int_eq(s.series_start, 1795806000 / 21600 * 21600 - 604800);
	g = must_find(&s, "a.example");
	assert_slot(g, 28, 1, 0);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

/* The oddest window, 55 s in 28 slots of 1 s, spans 56 slots: still
 * within what a reader accepts. */
START_TEST(test_tally_series_odd_window_stays_within_the_reader_bound)
{
	struct gs_tally *t = new_tally(55, 100);
	const struct gs_group_stats *g;
	struct gs_summary s;

	add(t, T0, GS_C_NEW, "a.example", "mx1");
	add(t, T0 + 55, GS_C_PASSED, "a.example", "mx1");
	snap(t, &s);
	ck_assert_uint_eq(s.series_slot_s, 1);
	ck_assert_uint_eq(s.series_slots, 56);
	ck_assert_uint_le(s.series_slots, GS_SERIES_MAX_SLOTS);
	g = must_find(&s, "a.example");
	assert_slot(g, 0, 1, 0);
	assert_slot(g, 55, 0, 1);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

/* A snapshot of the busiest group only: that one carries the series. */
START_TEST(test_tally_series_of_the_listed_groups)
{
	struct gs_tally *t = new_tally(SMALL_WINDOW_S, 100);
	char err[GS_ERRLEN];
	struct gs_summary s;

	add_mix(t);
	ck_assert_msg(
	    gs_tally_snapshot_top(t, T0 + 999999, 1, &s, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_uint_eq(s.n_groups, 1);
	ck_assert_str_eq(s.groups[0].domain, "a.example");
	ck_assert_uint_eq(s.series_slots, SLOTS);
	assert_slot(&s.groups[0], 0, 3, 1);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

/* The series comes from the slot entries, which the state file keeps: a
 * restarted module shows the same series. */
START_TEST(test_tally_series_survives_the_state_file)
{
	struct gs_tally *t = new_tally(SMALL_WINDOW_S, 100), *u;
	char path[] = "/tmp/check_tally_series.XXXXXX", err[GS_ERRLEN];
	struct gs_summary s, r;
	int fd, found = 0;
	size_t i, j;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(close(fd), 0);
	add_mix(t);
	ck_assert_msg(gs_state_save(t, path, NULL, err, sizeof(err)) == 0, "%s",
		      err);
	u = new_tally(SMALL_WINDOW_S, 100);
	ck_assert_msg(gs_state_load(u, path, &found, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(found, 1);
	snap(t, &s);
	snap(u, &r);
	ck_assert_int_eq(r.series_start, s.series_start);
	ck_assert_uint_eq(r.series_slots, s.series_slots);
	ck_assert_uint_eq(r.n_groups, s.n_groups);
	for (i = 0; i < s.n_groups; i++)
		for (j = 0; j < s.series_slots; j++)
			assert_slot(&r.groups[i], j,
				    s.groups[i].series[j].greylisted,
				    s.groups[i].series[j].passed);
	gs_summary_free(&s);
	gs_summary_free(&r);
	gs_tally_free(t);
	gs_tally_free(u);
}
END_TEST

static Suite *tally_series_suite(void)
{
	Suite *s = suite_create("tally_series");
	TCase *tc = tcase_create("snapshot");

	tcase_add_test(tc, test_tally_series_counts_per_slot_over_the_hosts);
	tcase_add_test(tc, test_tally_series_sums_to_the_group_counts);
	tcase_add_test(tc, test_tally_series_frame_moves_with_the_window);
	tcase_add_test(tc, test_tally_series_without_events_has_no_slot);
	tcase_add_test(tc,
		       test_tally_series_near_time_zero_starts_at_slot_zero);
	tcase_add_test(tc, test_tally_series_default_window_has_29_slots);
	tcase_add_test(
	    tc, test_tally_series_odd_window_stays_within_the_reader_bound);
	tcase_add_test(tc, test_tally_series_of_the_listed_groups);
	tcase_add_test(tc, test_tally_series_survives_the_state_file);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(tally_series_suite)
