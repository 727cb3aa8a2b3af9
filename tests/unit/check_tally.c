/* Unit tests of lib/tally.c: counting per counter, the sliding window (ageing
 * out, too_old, its boundaries), eviction at and past max_groups, bounded
 * memory under many names, exact totals under concurrent updates, delay
 * median and maximum, saturation of distinct addresses and networks, hosts,
 * examples, samples and malformed input. */
#include "gs_config.h"

#include <check.h>
#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "input/group.h"
#include "tally/tally.h"
#include "tally_fixture.h"
#include "sanitizers/heap.h"
#include "suite.h"

#define T0	       1700000000 /* a slot boundary for the 2800 s window below */
#define SMALL_WINDOW_S 2800	  /* 28 slots of 100 s */
#define SLOT_S	       100

static void add(struct gs_tally *t, time_t time, enum gs_counter c,
		const char *group)
{
	ck_assert_int_eq(add_full(t, time, c, group, "mx.example.net",
				  "192.0.2.1", "mx1", -1),
			 0);
}

static void snap(struct gs_tally *t, struct gs_summary *s)
{
	char err[GS_ERRLEN];

	ck_assert_msg(gs_tally_snapshot(t, T0 + 999999, s, err, sizeof(err)) ==
			  0,
		      "%s", err);
}

static const struct gs_group_stats *find(const struct gs_summary *s,
					 const char *domain)
{
	size_t i;

	for (i = 0; i < s->n_groups; i++)
		if (strcmp(s->groups[i].domain, domain) == 0)
			return &s->groups[i];
	return NULL;
}

static const struct gs_group_stats *must_find(const struct gs_summary *s,
					      const char *domain)
{
	const struct gs_group_stats *g = find(s, domain);

	ck_assert_msg(g != NULL, "group %s missing", domain);
	return g;
}

static uint64_t host_count(const struct gs_group_stats *g, const char *host)
{
	size_t i;

	for (i = 0; i < g->n_hosts; i++)
		if (strcmp(g->hosts[i].host, host) == 0)
			return g->hosts[i].count;
	return 0;
}

START_TEST(test_tally_new_rejects_bad_config)
{
	struct gs_tally_config cfg = {GS_TALLY_SLOTS - 1, 10};
	char err[GS_ERRLEN] = "";
	struct gs_tally *t;

	ck_assert_ptr_null(gs_tally_new(&cfg, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "window"));
	cfg.window_s = GS_TALLY_SLOTS;
	cfg.max_groups = 0;
	ck_assert_ptr_null(gs_tally_new(&cfg, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "max_groups"));
	ck_assert_ptr_null(gs_tally_new(NULL, err, sizeof(err)));
	/* The smallest valid configuration. */
	cfg.max_groups = 1;
	t = gs_tally_new(&cfg, err, sizeof(err));
	ck_assert_ptr_nonnull(t);
	gs_tally_free(t);
	gs_tally_free(NULL);
}
END_TEST

START_TEST(test_tally_counts_each_counter)
{
	struct gs_tally *t = new_tally(GS_DEFAULT_WINDOW_S, 100);
	struct gs_summary s;
	const struct gs_group_stats *g;
	unsigned c, i;

	/* Counter c gets c + 1 events, spread over two slots. */
	for (c = 0; c < GS_C_COUNT; c++)
		for (i = 0; i <= c; i++)
			ck_assert_int_eq(
			    add_full(t, T0 + i * 30000, c, "example.com",
				     "mx.example.com", "192.0.2.1", "mx1",
				     c == GS_C_DELAYED ? 600 : -1),
			    0);
	snap(t, &s);
	ck_assert_uint_eq(s.n_groups, 1);
	g = must_find(&s, "example.com");
	ck_assert_int_eq(g->kind, GS_KIND_NAME);
	for (c = 0; c < GS_C_COUNT; c++) {
		ck_assert_uint_eq(g->counts[c], c + 1);
		ck_assert_uint_eq(s.totals.per_counter[c], c + 1);
	}
	ck_assert_uint_eq(g->delay_count, GS_C_DELAYED + 1);
	ck_assert_uint_eq(s.totals.actions, GS_C_COUNT * (GS_C_COUNT + 1) / 2);
	ck_assert_uint_eq(s.totals.too_old, 0);
	ck_assert_uint_eq(s.version, GS_SUMMARY_VERSION);
	ck_assert_int_eq(s.generated, T0 + 999999);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_tally_sorts_groups_by_new)
{
	struct gs_tally *t = new_tally(GS_DEFAULT_WINDOW_S, 100);
	struct gs_summary s;

	add(t, T0, GS_C_NEW, "b.example");
	add(t, T0, GS_C_NEW, "a.example");
	add(t, T0, GS_C_NEW, "a.example");
	add(t, T0, GS_C_PASSED, "c.example");
	snap(t, &s);
	ck_assert_uint_eq(s.n_groups, 3);
	ck_assert_str_eq(s.groups[0].domain, "a.example");
	ck_assert_str_eq(s.groups[1].domain, "b.example");
	ck_assert_str_eq(s.groups[2].domain, "c.example");
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_tally_ages_out_slots_that_leave_the_window)
{
	struct gs_tally *t = new_tally(SMALL_WINDOW_S, 100);
	struct gs_summary s;

	add(t, T0 + 10, GS_C_NEW, "old.example"); /* slot T0/100 */
	add(t, T0 + 1500, GS_C_NEW, "both.example");
	add(t, T0 + 10, GS_C_NEW, "both.example");
	/* The end at T0 + 2810: the window starts at T0 + 10, still in the
	 * first slot, so everything is held. */
	add(t, T0 + SMALL_WINDOW_S + 10, GS_C_NEW, "new.example");
	snap(t, &s);
	ck_assert_uint_eq(s.n_groups, 3);
	ck_assert_uint_eq(must_find(&s, "both.example")->counts[GS_C_NEW], 2);
	ck_assert_int_eq(s.window_start, T0);
	ck_assert_int_eq(s.window_end, T0 + SMALL_WINDOW_S + 10);
	gs_summary_free(&s);
	/* The last second before the first slot leaves. */
	add(t, T0 + SMALL_WINDOW_S + SLOT_S - 1, GS_C_NEW, "new.example");
	snap(t, &s);
	ck_assert_uint_eq(s.n_groups, 3);
	gs_summary_free(&s);
	/* One second on, the first slot has left the window. */
	add(t, T0 + SMALL_WINDOW_S + SLOT_S, GS_C_NEW, "new.example");
	snap(t, &s);
	ck_assert_uint_eq(s.n_groups, 2);
	ck_assert_ptr_null(find(&s, "old.example"));
	ck_assert_uint_eq(must_find(&s, "both.example")->counts[GS_C_NEW], 1);
	ck_assert_uint_eq(must_find(&s, "new.example")->counts[GS_C_NEW], 3);
	ck_assert_int_eq(s.window_start, T0 + SLOT_S);
	ck_assert_uint_eq(s.totals.too_old, 0);
	gs_summary_free(&s);
	ck_assert_uint_eq(gs_tally_groups(t), 2);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_tally_counts_events_older_than_window_as_too_old)
{
	struct gs_tally *t = new_tally(SMALL_WINDOW_S, 100);
	time_t end = T0 + 5000;
	struct gs_summary s;

	add(t, end, GS_C_NEW, "a.example");
	/* Exactly end - window is inside, one second earlier is not. */
	add(t, end - SMALL_WINDOW_S, GS_C_NEW, "a.example");
	add(t, end - SMALL_WINDOW_S - 1, GS_C_NEW, "a.example");
	add(t, end - SMALL_WINDOW_S - 1, GS_C_NEW, "never.example");
	snap(t, &s);
	ck_assert_uint_eq(s.totals.too_old, 2);
	ck_assert_uint_eq(s.totals.actions, 4);
	ck_assert_uint_eq(s.totals.per_counter[GS_C_NEW], 4);
	ck_assert_uint_eq(must_find(&s, "a.example")->counts[GS_C_NEW], 2);
	ck_assert_ptr_null(find(&s, "never.example"));
	/* A late event inside the window does not move the end. */
	ck_assert_int_eq(s.window_end, end);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_tally_clamps_times_out_of_range)
{
	struct gs_tally *t = new_tally(SMALL_WINDOW_S, 100);
	struct gs_summary s;

	add(t, -5, GS_C_NEW, "negative.example");
	snap(t, &s);
	ck_assert_int_eq(must_find(&s, "negative.example")->first_seen, 0);
	gs_summary_free(&s);
	add(t, T0, GS_C_NEW, "now.example");
	/* A far-future time moves the end to the clamp and ages out the
	 * rest; nothing overflows. */
	add(t, (time_t)INT64_MAX, GS_C_NEW, "future.example");
	add(t, T0, GS_C_NEW, "now.example");
	snap(t, &s);
	ck_assert_uint_eq(s.n_groups, 1);
	ck_assert_int_eq(s.window_end, GS_TALLY_TIME_MAX);
	ck_assert_int_eq(must_find(&s, "future.example")->last_seen,
			 GS_TALLY_TIME_MAX);
	ck_assert_uint_eq(s.totals.too_old, 1);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_tally_keeps_first_and_last_seen)
{
	struct gs_tally *t = new_tally(GS_DEFAULT_WINDOW_S, 100);
	struct gs_summary s;
	const struct gs_group_stats *g;

	add(t, T0 + 5, GS_C_NEW, "a.example");
	add(t, T0, GS_C_NEW, "a.example");
	add(t, T0 + 10, GS_C_PASSED, "a.example");
	snap(t, &s);
	g = must_find(&s, "a.example");
	ck_assert_int_eq(g->first_seen, T0);
	ck_assert_int_eq(g->last_seen, T0 + 10);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

/* Fills groups g00..g<n-1>, group i with i + 1 new events. */
static void fill_groups(struct gs_tally *t, unsigned n)
{
	char name[32];
	unsigned i, j;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "g%02u.example", i);
		for (j = 0; j <= i; j++)
			add(t, T0, GS_C_NEW, name);
	}
}

START_TEST(test_tally_holds_exactly_max_groups_without_evicting)
{
	struct gs_tally *t = new_tally(GS_DEFAULT_WINDOW_S, 16);
	struct gs_summary s;

	fill_groups(t, 16);
	ck_assert_uint_eq(gs_tally_groups(t), 16);
	snap(t, &s);
	ck_assert_uint_eq(s.n_groups, 16);
	ck_assert_uint_eq(s.totals.evicted, 0);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_tally_evicts_least_significant_one_past_max)
{
	struct gs_tally *t = new_tally(GS_DEFAULT_WINDOW_S, 16);
	struct gs_summary s;
	char name[32];
	unsigned i;

	fill_groups(t, 16);
	add(t, T0, GS_C_NEW, "newcomer.example"); /* batch of 16/16 = 1 */
	ck_assert_uint_eq(gs_tally_groups(t), 16);
	snap(t, &s);
	ck_assert_uint_eq(s.n_groups, 16);
	ck_assert_uint_eq(s.totals.evicted, 1);
	ck_assert_ptr_null(find(&s, "g00.example"));
	for (i = 1; i < 16; i++) {
		snprintf(name, sizeof(name), "g%02u.example", i);
		ck_assert_ptr_nonnull(find(&s, name));
	}
	ck_assert_ptr_nonnull(find(&s, "newcomer.example"));
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_tally_evicts_oldest_last_seen_among_equals)
{
	struct gs_tally *t = new_tally(GS_DEFAULT_WINDOW_S, 8);
	struct gs_summary s;
	char name[32];
	unsigned i;

	/* Equal greylisting counts; g03 was seen last the longest ago. */
	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "g%02u.example", i);
		add(t, T0 + (i == 3 ? 0 : 100 + i), GS_C_NEW, name);
	}
	add(t, T0 + 200, GS_C_NEW, "newcomer.example");
	snap(t, &s);
	ck_assert_uint_eq(s.n_groups, 8);
	ck_assert_ptr_null(find(&s, "g03.example"));
	ck_assert_uint_eq(s.totals.evicted, 1);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_tally_eviction_ranks_by_greylistings_only)
{
	struct gs_tally *t = new_tally(GS_DEFAULT_WINDOW_S, 2);
	struct gs_summary s;
	unsigned i;

	/* Many passes but no greylisting rank below one early retry. */
	for (i = 0; i < 100; i++)
		add(t, T0 + 50, GS_C_PASSED, "passes.example");
	add(t, T0, GS_C_EARLY_RETRY, "retry.example");
	add(t, T0 + 60, GS_C_NEW, "newcomer.example");
	snap(t, &s);
	ck_assert_ptr_null(find(&s, "passes.example"));
	ck_assert_ptr_nonnull(find(&s, "retry.example"));
	ck_assert_ptr_nonnull(find(&s, "newcomer.example"));
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_tally_evicts_a_sixteenth_in_one_batch)
{
	struct gs_tally *t = new_tally(GS_DEFAULT_WINDOW_S, 64);
	struct gs_summary s;
	char name[32];
	unsigned i;

	fill_groups(t, 64);
	add(t, T0, GS_C_NEW, "newcomer.example");
	ck_assert_uint_eq(gs_tally_groups(t), 61); /* 64 - 4 + 1 */
	snap(t, &s);
	ck_assert_uint_eq(s.totals.evicted, 4);
	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "g%02u.example", i);
		ck_assert_ptr_null(find(&s, name));
	}
	ck_assert_ptr_nonnull(find(&s, "g04.example"));
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_tally_drops_expired_groups_before_evicting)
{
	struct gs_tally *t = new_tally(SMALL_WINDOW_S, 2);
	struct gs_summary s;

	add(t, T0, GS_C_NEW, "old.example");
	add(t, T0 + 3000, GS_C_NEW, "a.example"); /* old.example expired */
	add(t, T0 + 3000, GS_C_NEW, "b.example");
	snap(t, &s);
	ck_assert_uint_eq(s.n_groups, 2);
	ck_assert_uint_eq(s.totals.evicted, 0);
	ck_assert_ptr_null(find(&s, "old.example"));
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_tally_memory_bounded_under_many_names)
{
	struct gs_tally *t = new_tally(GS_DEFAULT_WINDOW_S, 1000);
	size_t at_20k = 0, at_200k;
	struct gs_summary s;
	char name[64];
	unsigned i;

	for (i = 0; i < 200000; i++) {
		snprintf(name, sizeof(name), "host%u.random%u.example", i,
			 i * 2654435761u);
		ck_assert_int_eq(add_full(t, T0 + i / 100, GS_C_NEW, name, name,
					  "192.0.2.1", "mx1", -1),
				 0);
		if (i % 997 == 0)
			ck_assert_uint_le(gs_tally_groups(t), 1000);
		if (i == 20000)
			at_20k = gs_test_heap_bytes();
	}
	at_200k = gs_test_heap_bytes();
	ck_assert_uint_le(gs_tally_groups(t), 1000);
	/* Ten times the names, the same memory: within 25%, as the number of
	 * groups varies by a sixteenth between eviction batches. */
	ck_assert_msg(at_200k < at_20k + at_20k / 4,
		      "heap grew from %zu to %zu bytes", at_20k, at_200k);
	snap(t, &s);
	ck_assert_uint_le(s.n_groups, 1000);
	ck_assert_uint_eq(s.n_groups + s.totals.evicted, 200000);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

#define THREADS		  4
#define EVENTS_PER_THREAD 100000
#define SHARED_GROUPS	  8

static void *add_many(void *arg)
{
	struct gs_tally *t = arg;
	static const char *const hosts[] = {"mx1", "mx2", "mx3"};
	char name[32];
	unsigned i;

	for (i = 0; i < EVENTS_PER_THREAD; i++) {
		snprintf(name, sizeof(name), "shared%u.example",
			 i % SHARED_GROUPS);
		if (add_full(t, T0 + i % 1000,
			     (enum gs_counter)(i % GS_C_COUNT), name,
			     "mx.example.net", "192.0.2.1", hosts[i % 3],
			     (long)(i % 5000)) != 0)
			return "add failed";
		if (i % 10 == 0)
			gs_tally_count_line(t);
	}
	return NULL;
}

START_TEST(test_tally_concurrent_adds_are_exact)
{
	struct gs_tally *t = new_tally(GS_DEFAULT_WINDOW_S, 100);
	uint64_t want[SHARED_GROUPS][GS_C_COUNT] = {{0}};
	pthread_t th[THREADS];
	struct gs_summary s;
	const struct gs_group_stats *g;
	uint64_t sum;
	char name[32];
	void *res;
	unsigned i, c;

	for (i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, add_many, t), 0);
	for (i = 0; i < THREADS; i++) {
		ck_assert_int_eq(pthread_join(th[i], &res), 0);
		ck_assert_msg(res == NULL, "%s", (char *)res);
	}
	for (i = 0; i < EVENTS_PER_THREAD; i++)
		want[i % SHARED_GROUPS][i % GS_C_COUNT] += THREADS;
	snap(t, &s);
	ck_assert_uint_eq(s.totals.actions, THREADS * EVENTS_PER_THREAD);
	ck_assert_uint_eq(s.totals.lines, THREADS * EVENTS_PER_THREAD / 10);
	ck_assert_uint_eq(s.n_groups, SHARED_GROUPS);
	for (i = 0; i < SHARED_GROUPS; i++) {
		snprintf(name, sizeof(name), "shared%u.example", i);
		g = must_find(&s, name);
		for (c = 0, sum = 0; c < GS_C_COUNT; c++) {
			ck_assert_uint_eq(g->counts[c], want[i][c]);
			sum += g->counts[c];
		}
		ck_assert_uint_eq(host_count(g, "mx1") + host_count(g, "mx2") +
				      host_count(g, "mx3"),
				  sum);
		ck_assert_uint_eq(g->n_hosts, 3);
	}
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

static uint32_t median_of(const long *delays, size_t n, uint32_t *max)
{
	struct gs_tally *t = new_tally(GS_DEFAULT_WINDOW_S, 10);
	struct gs_summary s;
	const struct gs_group_stats *g;
	uint32_t median;
	size_t i;

	for (i = 0; i < n; i++)
		ck_assert_int_eq(add_full(t, T0 + (time_t)i * 500, GS_C_DELAYED,
					  "d.example", "mx.d", "192.0.2.1",
					  "mx1", delays[i]),
				 0);
	snap(t, &s);
	g = must_find(&s, "d.example");
	ck_assert_uint_eq(g->delay_count, n);
	median = g->delay_median_s;
	*max = g->delay_max_s;
	gs_summary_free(&s);
	gs_tally_free(t);
	return median;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

START_TEST(test_tally_delay_median_within_twelve_percent_and_exact_max)
{
	static const long few[] = {300, 10000, 100, 400, 200};
	static const long one[] = {1};
	static const long zero[] = {0, 0, 5};
	long many[1001];
	uint32_t max, median, truth;
	size_t i;

	median = median_of(few, 5, &max);
	ck_assert_msg(fabs((double)median - 300) <= 0.12 * 300, "median %u",
		      median);
	ck_assert_uint_eq(max, 10000);
	ck_assert_uint_eq(median_of(one, 1, &max), 1);
	ck_assert_uint_eq(max, 1);
	ck_assert_uint_eq(median_of(zero, 3, &max), 0);
	ck_assert_uint_eq(max, 5);
	srand(42);
	for (i = 0; i < 1001; i++)
		many[i] = 60 + rand() % 500000;
	median = median_of(many, 1001, &max);
	qsort(many, 1001, sizeof(many[0]), cmp_long);
	truth = (uint32_t)many[500];
	ck_assert_msg(fabs((double)median - truth) <= 0.12 * truth,
		      "median %u, true %u", median, truth);
	ck_assert_uint_eq(max, (uint32_t)many[1000]);
}
END_TEST

START_TEST(test_tally_delay_stats_cover_the_window_only)
{
	struct gs_tally *t = new_tally(SMALL_WINDOW_S, 10);
	struct gs_summary s;
	const struct gs_group_stats *g;

	add_full(t, T0, GS_C_DELAYED, "d.example", "mx", "192.0.2.1", "mx1",
		 90000);
	add_full(t, T0 + 2000, GS_C_DELAYED, "d.example", "mx", "192.0.2.1",
		 "mx1", 300);
	add_full(t, T0 + 3000, GS_C_PASSED, "d.example", "mx", "192.0.2.1",
		 "mx1", -1);
	snap(t, &s);
	g = must_find(&s, "d.example");
	ck_assert_uint_eq(g->delay_count, 1);
	ck_assert_uint_eq(g->delay_max_s, 300);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_tally_distinct_addresses_and_networks_saturate)
{
	struct gs_tally *t = new_tally(GS_DEFAULT_WINDOW_S, 10);
	struct gs_summary s;
	const struct gs_group_stats *g;
	char addr[64];
	unsigned i;

	for (i = 0; i < 100; i++) {
		snprintf(addr, sizeof(addr), "10.%u.%u.1", i / 256, i % 256);
		add_full(t, T0, GS_C_NEW, "wide.example", "mx", addr, "mx1",
			 -1);
	}
	for (i = 0; i < 10; i++) {
		snprintf(addr, sizeof(addr), "192.0.2.%u", i);
		add_full(t, T0, GS_C_NEW, "narrow.example", "mx", addr, "mx1",
			 -1);
		add_full(t, T0, GS_C_NEW, "narrow.example", "mx", addr, "mx1",
			 -1);
	}
	add_full(t, T0, GS_C_NEW, "v6.example", "mx", "2001:db8:1:2::1", "mx1",
		 -1);
	add_full(t, T0, GS_C_NEW, "v6.example", "mx", "2001:DB8:1:2::2", "mx1",
		 -1);
	add_full(t, T0, GS_C_NEW, "v6.example", "mx", "2001:db8:1:3::1", "mx1",
		 -1);
	add_full(t, T0, GS_C_NEW, "v6.example", "mx", "garbage", "mx1", -1);
	snap(t, &s);
	g = must_find(&s, "wide.example");
	ck_assert_uint_eq(g->client_addresses, GS_TALLY_MAX_ADDRS);
	ck_assert_uint_eq(g->networks, GS_TALLY_MAX_ADDRS);
	g = must_find(&s, "narrow.example");
	ck_assert_uint_eq(g->client_addresses, 10);
	ck_assert_uint_eq(g->networks, 1);
	g = must_find(&s, "v6.example");
	ck_assert_uint_eq(g->client_addresses, 3);
	ck_assert_uint_eq(g->networks, 2);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_tally_addresses_age_out_with_their_slot)
{
	struct gs_tally *t = new_tally(SMALL_WINDOW_S, 10);
	struct gs_summary s;
	const struct gs_group_stats *g;

	add_full(t, T0, GS_C_NEW, "a.example", "mx", "192.0.2.1", "mx1", -1);
	add_full(t, T0 + 2000, GS_C_NEW, "a.example", "mx", "198.51.100.1",
		 "mx1", -1);
	add_full(t, T0 + 3000, GS_C_NEW, "a.example", "mx", "198.51.100.2",
		 "mx1", -1);
	snap(t, &s);
	g = must_find(&s, "a.example");
	ck_assert_uint_eq(g->counts[GS_C_NEW], 2);
	ck_assert_uint_eq(g->client_addresses, 2);
	ck_assert_uint_eq(g->networks, 1);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_tally_hosts_beyond_limit_count_as_other)
{
	struct gs_tally *t = new_tally(GS_DEFAULT_WINDOW_S, 10);
	struct gs_summary s;
	const struct gs_group_stats *g;
	char host[32];
	uint64_t total = 0;
	unsigned i, j;

	for (i = 0; i < 20; i++) {
		snprintf(host, sizeof(host), "mx%02u", i);
		for (j = 0; j <= i; j++)
			add_full(t, T0 + j, GS_C_NEW, "a.example", "mx",
				 "192.0.2.1", host, -1);
	}
	add_full(t, T0, GS_C_NEW, "b.example", "mx", "192.0.2.1", "mx19", -1);
	add_full(t, T0, GS_C_NEW, "b.example", "mx", "192.0.2.1", NULL, -1);
	snap(t, &s);
	g = must_find(&s, "a.example");
	ck_assert_uint_eq(g->n_hosts, GS_TALLY_MAX_HOSTS + 1);
	for (i = 0; i < g->n_hosts; i++)
		total += g->hosts[i].count;
	ck_assert_uint_eq(total, 20 * 21 / 2);
	/* mx16..mx19 came after the first 16: 17 + 18 + 19 + 20. */
	ck_assert_uint_eq(host_count(g, GS_TALLY_OTHER_HOST), 74);
	ck_assert_str_eq(g->hosts[0].host, GS_TALLY_OTHER_HOST);
	ck_assert_str_eq(g->hosts[1].host, "mx15");
	ck_assert_uint_eq(host_count(g, "mx00"), 1);
	ck_assert_uint_eq(host_count(g, "mx19"), 0);
	/* The limit is per group; a missing host is "". */
	g = must_find(&s, "b.example");
	ck_assert_uint_eq(host_count(g, "mx19"), 1);
	ck_assert_uint_eq(host_count(g, ""), 1);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_tally_host_names_beyond_table_count_as_other)
{
	struct gs_tally *t = new_tally(GS_DEFAULT_WINDOW_S, 1000);
	struct gs_summary s;
	char host[32], group[32];
	unsigned i;

	/* "other" takes one of the GS_TALLY_MAX_HOST_NAMES places. */
	for (i = 0; i < 300; i++) {
		snprintf(host, sizeof(host), "mx%u", i);
		snprintf(group, sizeof(group), "g%u.example", i);
		add_full(t, T0, GS_C_NEW, group, "mx", "192.0.2.1", host, -1);
	}
	snap(t, &s);
	ck_assert_uint_eq(host_count(must_find(&s, "g254.example"), "mx254"),
			  1);
	ck_assert_uint_eq(
	    host_count(must_find(&s, "g255.example"), GS_TALLY_OTHER_HOST), 1);
	ck_assert_uint_eq(
	    host_count(must_find(&s, "g299.example"), GS_TALLY_OTHER_HOST), 1);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_tally_keeps_first_distinct_examples_truncated)
{
	struct gs_tally *t = new_tally(GS_DEFAULT_WINDOW_S, 10);
	struct gs_summary s;
	const struct gs_group_stats *g;
	char longname[128], utf8name[128];

	memset(longname, 'x', 100);
	strcpy(longname + 100, ".example");
	/* 62 bytes then a two-byte character: cut before it, not inside. */
	memset(utf8name, 'y', 62);
	strcpy(utf8name + 62, "\xc3\xbc.example");
	add_full(t, T0, GS_C_NEW, "a.example", "m1.a.example", "192.0.2.1",
		 "mx", -1);
	add_full(t, T0, GS_C_NEW, "a.example", "m1.a.example", "192.0.2.1",
		 "mx", -1);
	add_full(t, T0, GS_C_NEW, "a.example", "m\x01.a.example", "192.0.2.1",
		 "mx", -1);
	add_full(t, T0, GS_C_NEW, "a.example", "m3.a.example", "192.0.2.1",
		 "mx", -1);
	add_full(t, T0, GS_C_NEW, "a.example", "m4.a.example", "192.0.2.1",
		 "mx", -1);
	add_full(t, T0, GS_C_NEW, "b.example", longname, "192.0.2.1", "mx", -1);
	add_full(t, T0, GS_C_NEW, "b.example", utf8name, "192.0.2.1", "mx", -1);
	add_full(t, T0, GS_C_NEW, "[192.0.2.0/24]", "unknown", "192.0.2.9",
		 "mx", -1);
	snap(t, &s);
	g = must_find(&s, "a.example");
	ck_assert_uint_eq(g->n_examples, 3);
	ck_assert_str_eq(g->examples[0], "m1.a.example");
	ck_assert_str_eq(g->examples[1], "m?.a.example");
	ck_assert_str_eq(g->examples[2], "m3.a.example");
	g = must_find(&s, "b.example");
	ck_assert_uint_eq(g->n_examples, 2);
	ck_assert_uint_eq(strlen(g->examples[0]), GS_TALLY_EXAMPLE_MAX_LEN);
	ck_assert_uint_eq(strlen(g->examples[1]), 62);
	g = must_find(&s, "[192.0.2.0/24]");
	ck_assert_int_eq(g->kind, GS_KIND_NETWORK);
	ck_assert_uint_eq(g->n_examples, 1);
	ck_assert_str_eq(g->examples[0], "192.0.2.9");
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_tally_keeps_newest_samples_sanitised)
{
	struct gs_tally *t = new_tally(GS_DEFAULT_WINDOW_S, 10);
	struct gs_summary s;
	char line[400], want[GS_SAMPLE_MAX_LEN + 1];
	unsigned i;

	for (i = 0; i < 7; i++) {
		snprintf(line, sizeof(line), "bad line %u\x1b[31m\n", i);
		gs_tally_count_unparsed(t, line, strlen(line));
	}
	gs_tally_count_unparsed(t, NULL, 0);
	memset(line, 'z', 300);
	gs_tally_count_unparsed(t, line, 300);
	/* An embedded NUL and a broken UTF-8 byte. */
	gs_tally_count_unparsed(t, "a\0b\xff", 4);
	snap(t, &s);
	ck_assert_uint_eq(s.totals.unparsed, 10);
	ck_assert_uint_eq(s.n_samples, GS_MAX_SAMPLES);
	ck_assert_str_eq(s.samples[0], "bad line 4?[31m?");
	ck_assert_str_eq(s.samples[2], "bad line 6?[31m?");
	memset(want, 'z', GS_SAMPLE_MAX_LEN);
	want[GS_SAMPLE_MAX_LEN] = '\0';
	ck_assert_str_eq(s.samples[3], want);
	ck_assert_str_eq(s.samples[4], "a?b?");
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_tally_counts_lines_and_ignored)
{
	struct gs_tally *t = new_tally(GS_DEFAULT_WINDOW_S, 10);
	struct gs_summary s;

	gs_tally_count_line(t);
	gs_tally_count_line(t);
	gs_tally_count_line(t);
	gs_tally_count_ignored(t);
	snap(t, &s);
	ck_assert_uint_eq(s.totals.lines, 3);
	ck_assert_uint_eq(s.totals.ignored, 1);
	ck_assert_uint_eq(s.totals.actions, 0);
	ck_assert_uint_eq(s.n_groups, 0);
	ck_assert_uint_eq(s.n_samples, 0);
	/* No event yet: the window is 0..0, as the summary file expects. */
	ck_assert_int_eq(s.window_start, 0);
	ck_assert_int_eq(s.window_end, 0);
	ck_assert_uint_eq(s.window_s, GS_DEFAULT_WINDOW_S);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_tally_rejects_malformed_events)
{
	struct gs_tally *t = new_tally(GS_DEFAULT_WINDOW_S, 10);
	struct gs_event ev;
	struct gs_summary s;

	memset(&ev, 0, sizeof(ev));
	ev.time = T0;
	ev.delay_s = -1;
	ck_assert_int_eq(gs_tally_add(t, NULL, "a.example", GS_KIND_NAME), -1);
	ck_assert_int_eq(gs_tally_add(t, &ev, NULL, GS_KIND_NAME), -1);
	ck_assert_int_eq(gs_tally_add(t, &ev, "", GS_KIND_NAME), -1);
	ev.counter = GS_C_COUNT;
	ck_assert_int_eq(gs_tally_add(t, &ev, "a.example", GS_KIND_NAME), -1);
	ev.counter = GS_C_NEW;
	ck_assert_int_eq(
	    gs_tally_add(t, &ev, "a.example", (enum gs_group_kind)9), -1);
	/* All strings NULL is fine: the host is "", no address. */
	ck_assert_int_eq(gs_tally_add(t, &ev, "a.example", GS_KIND_NAME), 0);
	snap(t, &s);
	ck_assert_uint_eq(s.totals.unparsed, 5);
	ck_assert_uint_eq(s.totals.actions, 1);
	ck_assert_uint_eq(s.n_groups, 1);
	ck_assert_uint_eq(s.groups[0].client_addresses, 0);
	ck_assert_uint_eq(s.groups[0].n_examples, 0);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_tally_truncates_long_group_names)
{
	struct gs_tally *t = new_tally(GS_DEFAULT_WINDOW_S, 10);
	struct gs_summary s;
	char name[400];

	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	add(t, T0, GS_C_NEW, name);
	add(t, T0, GS_C_NEW, name);
	snap(t, &s);
	ck_assert_uint_eq(s.n_groups, 1);
	ck_assert_uint_eq(strlen(s.groups[0].domain), GS_GROUP_MAX - 1);
	ck_assert_uint_eq(s.groups[0].counts[GS_C_NEW], 2);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

/* Every group of an export, chunk by chunk: their names into names[] (at
 * most max), and the number of chunks. */
static size_t export_names(struct gs_tally *t, struct gs_tally_export *x,
			   char **names, size_t max, size_t *chunks)
{
	struct gs_tally_xgroup view;
	char err[GS_ERRLEN];
	size_t n = 0, i;
	int r;

	*chunks = 0;
	while ((r = gs_tally_export_next(t, x, err, sizeof(err))) > 0) {
		(*chunks)++;
		for (i = 0; i < x->n_groups; i++) {
			ck_assert_int_eq(gs_tally_export_group(x, i, &view), 0);
			ck_assert_uint_lt(n, max);
			names[n] = strdup(view.name);
			ck_assert_ptr_nonnull(names[n]);
			n++;
		}
	}
	ck_assert_msg(r == 0, "%s", err);
	return n;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

START_TEST(test_tally_export_views_groups_of_each_chunk)
{
	struct gs_tally *t = new_tally(SMALL_WINDOW_S, 10);
	struct gs_tally_xgroup view;
	struct gs_tally_export x;
	char err[GS_ERRLEN];
	unsigned found = 0, chunks = 0;
	size_t i;
	int r;

	add_full(t, T0, GS_C_NEW, "a.example", "mx.a.example", "192.0.2.1",
		 "mx1", -1);
	add_full(t, T0 + 150, GS_C_DELAYED, "a.example", "mx.a.example",
		 "2001:db8::1", "mx2", 700);
	add_full(t, T0, GS_C_NEW, "b.example", "mx.b.example", "192.0.2.2",
		 "mx1", -1);
	add_full(t, T0 - 5000, GS_C_NEW, "old.example", "x", "192.0.2.3", "mx1",
		 -1); /* too old: not exported */
	ck_assert_int_eq(gs_tally_export_begin(t, &x, err, sizeof(err)), 0);
	ck_assert_uint_eq(x.slot_s, SLOT_S);
	ck_assert_uint_eq(x.window_s, SMALL_WINDOW_S);
	while ((r = gs_tally_export_next(t, &x, err, sizeof(err))) > 0) {
		chunks++;
		ck_assert_ptr_null(x.groups);
		for (i = 0; i < x.n_groups; i++) {
			ck_assert_int_eq(gs_tally_export_group(&x, i, &view),
					 0);
			if (strcmp(view.name, "a.example") != 0)
				continue;
			found++;
			ck_assert_uint_eq(view.n_entries, 2);
			ck_assert_uint_eq(view.n_addrs, 2);
			ck_assert_uint_eq(view.n_nets, 2);
			ck_assert_uint_eq(view.n_examples, 1);
			ck_assert_str_eq(view.examples[0], "mx.a.example");
			ck_assert_int_eq(view.first_seen, T0);
			ck_assert_int_eq(view.last_seen, T0 + 150);
			ck_assert_int_eq(view.entries[1].slot,
					 (T0 + 150) / SLOT_S);
			ck_assert_uint_eq(view.entries[1].counts[GS_C_DELAYED],
					  1);
			ck_assert_uint_eq(view.entries[1].delay_max_s, 700);
			ck_assert_ptr_nonnull(view.entries[1].hist);
			ck_assert_ptr_null(view.entries[0].hist);
		}
		ck_assert_int_eq(gs_tally_export_group(&x, x.n_groups, &view),
				 -1);
	}
	ck_assert_int_eq(r, 0);
	/* 64 buckets, 2 groups: one chunk. */
	ck_assert_uint_eq(chunks, 1);
	ck_assert_uint_eq(found, 1);
	/* Done: further calls give nothing. */
	ck_assert_int_eq(gs_tally_export_next(t, &x, err, sizeof(err)), 0);
	ck_assert_uint_eq(x.n_groups, 0);
	ck_assert_int_eq(gs_tally_export_group(&x, 0, &view), -1);
	ck_assert_int_eq(gs_tally_export_finish(t, &x, err, sizeof(err)), 0);
	ck_assert_int_eq(x.end, T0 + 150);
	ck_assert_int_eq(x.has_end, 1);
	ck_assert_uint_eq(x.totals.actions, 4);
	ck_assert_uint_eq(x.totals.too_old, 1);
	ck_assert_uint_eq(x.n_hosts, 3);
	ck_assert_str_eq(x.hosts[0], GS_TALLY_OTHER_HOST);
	ck_assert_int_eq(gs_tally_export_finish(t, &x, err, sizeof(err)), -1);
	gs_tally_export_free(&x);
	gs_tally_export_free(&x);
	gs_tally_free(t);
}
END_TEST

#define EXPORT_GROUPS 5000

/* Many chunks, and the table doubling twice between two of them: every
 * group held from start to end comes exactly once, none twice. */
START_TEST(test_tally_export_chunks_survive_table_growth)
{
	struct gs_tally *t = new_tally(SMALL_WINDOW_S, 4 * EXPORT_GROUPS);
	char **names = calloc(4 * EXPORT_GROUPS, sizeof(*names));
	struct gs_tally_xgroup view;
	struct gs_tally_export x;
	char err[GS_ERRLEN], name[32];
	size_t n = 0, chunks, i, old_seen = 0;
	unsigned k;

	ck_assert_ptr_nonnull(names);
	for (k = 0; k < EXPORT_GROUPS; k++) {
		snprintf(name, sizeof(name), "old%u.example", k);
		add(t, T0, GS_C_NEW, name);
	}
	ck_assert_int_eq(gs_tally_export_begin(t, &x, err, sizeof(err)), 0);
	ck_assert_int_eq(gs_tally_export_next(t, &x, err, sizeof(err)), 1);
	ck_assert_uint_gt(x.n_groups, 0);
	ck_assert_uint_lt(x.n_groups, EXPORT_GROUPS);
	for (i = 0; i < x.n_groups; i++) {
		ck_assert_int_eq(gs_tally_export_group(&x, i, &view), 0);
		names[n++] = strdup(view.name);
	}
	/* 2.5 times the groups: the table doubles at least once more. */
	for (k = 0; k < 2 * EXPORT_GROUPS + EXPORT_GROUPS / 2; k++) {
		snprintf(name, sizeof(name), "new%u.example", k);
		add(t, T0, GS_C_NEW, name);
	}
	n += export_names(t, &x, names + n, 4 * EXPORT_GROUPS - n, &chunks);
	ck_assert_uint_gt(chunks, 10);
	qsort(names, n, sizeof(*names), str_cmp);
	for (i = 0; i < n; i++) {
		if (i > 0)
			ck_assert_str_ne(names[i - 1], names[i]);
		if (strncmp(names[i], "old", 3) == 0)
			old_seen++;
	}
	ck_assert_uint_eq(old_seen, EXPORT_GROUPS);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	gs_tally_export_free(&x);
	gs_tally_free(t);
}
END_TEST

/* A quiescent tally exports every group once, in chunks of bounded size. */
START_TEST(test_tally_export_of_quiescent_tally_is_complete)
{
	struct gs_tally *t = new_tally(SMALL_WINDOW_S, EXPORT_GROUPS);
	char **names = calloc(EXPORT_GROUPS + 1, sizeof(*names));
	struct gs_tally_export x;
	char err[GS_ERRLEN], name[32];
	size_t n, chunks, i;
	unsigned k;

	ck_assert_ptr_nonnull(names);
	for (k = 0; k < EXPORT_GROUPS; k++) {
		snprintf(name, sizeof(name), "g%05u.example", k);
		add(t, T0, GS_C_NEW, name);
	}
	ck_assert_int_eq(gs_tally_export_begin(t, &x, err, sizeof(err)), 0);
	n = export_names(t, &x, names, EXPORT_GROUPS + 1, &chunks);
	ck_assert_uint_eq(n, EXPORT_GROUPS);
	/* About 512 groups a chunk: 20000 groups need 30 to 60. */
	ck_assert_uint_ge(chunks, EXPORT_GROUPS / 1024);
	ck_assert_uint_le(chunks, EXPORT_GROUPS / 256);
	qsort(names, n, sizeof(*names), str_cmp);
	for (k = 0; k < EXPORT_GROUPS; k++) {
		snprintf(name, sizeof(name), "g%05u.example", k);
		ck_assert_str_eq(names[k], name);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	gs_tally_export_free(&x);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_tally_export_drops_groups_that_left_the_window)
{
	struct gs_tally *t = new_tally(SMALL_WINDOW_S, 10);
	struct gs_tally_export x;
	char err[GS_ERRLEN], *names[4];
	size_t n, chunks;

	add(t, T0, GS_C_NEW, "old.example");
	add(t, T0 + 3000, GS_C_NEW, "new.example"); /* old.example expired */
	ck_assert_uint_eq(gs_tally_groups(t), 2);
	ck_assert_int_eq(gs_tally_export_begin(t, &x, err, sizeof(err)), 0);
	n = export_names(t, &x, names, 4, &chunks);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(names[0], "new.example");
	free(names[0]);
	ck_assert_uint_eq(gs_tally_groups(t), 1);
	gs_tally_export_free(&x);
	gs_tally_free(t);
}
END_TEST

/* ---- Snapshots of the busiest groups ---- */

static void snap_top(struct gs_tally *t, size_t max, struct gs_summary *s)
{
	char err[GS_ERRLEN];

	ck_assert_msg(gs_tally_snapshot_top(t, T0 + 999999, max, s, err,
					    sizeof(err)) == 0,
		      "%s", err);
}

/* g00 has 1 new, g01 2, ... g15 16: the busiest are the highest numbers. */
START_TEST(test_tally_snapshot_top_keeps_busiest_in_summary_order)
{
	struct gs_tally *t = new_tally(GS_DEFAULT_WINDOW_S, 100);
	struct gs_summary s, all;
	char name[32];
	size_t i;

	fill_groups(t, 16);
	snap(t, &all);
	snap_top(t, 5, &s);
	ck_assert_uint_eq(s.n_groups, 5);
	ck_assert_uint_eq(s.totals.groups, 16);
	ck_assert_uint_eq(all.totals.groups, 16);
	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "g%02zu.example", 15 - i);
		ck_assert_str_eq(s.groups[i].domain, name);
		ck_assert_str_eq(s.groups[i].domain, all.groups[i].domain);
		ck_assert_uint_eq(s.groups[i].counts[GS_C_NEW], 16 - i);
	}
	/* The rest of the summary is the same. */
	ck_assert_mem_eq(&s.totals, &all.totals, sizeof(s.totals));
	ck_assert_int_eq(s.window_end, all.window_end);
	gs_summary_free(&s);
	gs_summary_free(&all);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_tally_snapshot_top_at_and_around_the_number_of_groups)
{
	struct gs_tally *t = new_tally(GS_DEFAULT_WINDOW_S, 100);
	static const size_t max[] = {0, 1, 15, 16, 17, 1000};
	static const size_t want[] = {16, 1, 15, 16, 16, 16};
	struct gs_summary s;
	size_t i;

	fill_groups(t, 16);
	for (i = 0; i < sizeof(max) / sizeof(max[0]); i++) {
		snap_top(t, max[i], &s);
		ck_assert_uint_eq(s.n_groups, want[i]);
		ck_assert_uint_eq(s.totals.groups, 16);
		ck_assert_str_eq(s.groups[0].domain, "g15.example");
		if (want[i] == 15)
			ck_assert_str_eq(s.groups[14].domain, "g01.example");
		gs_summary_free(&s);
	}
	gs_tally_free(t);
}
END_TEST

/* Ties on new go by early_retry, then by name, as gs_summary_sort. */
START_TEST(test_tally_snapshot_top_breaks_ties_like_the_summary)
{
	struct gs_tally *t = new_tally(GS_DEFAULT_WINDOW_S, 100);
	struct gs_summary s;
	char name[32];
	unsigned i;

	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "z%02u.example", 39 - i);
		add(t, T0, GS_C_NEW, name);
	}
	add(t, T0, GS_C_NEW, "retry.example");
	add(t, T0, GS_C_EARLY_RETRY, "retry.example");
	add(t, T0, GS_C_PASSED, "passes.example");
	snap_top(t, 4, &s);
	ck_assert_uint_eq(s.n_groups, 4);
	ck_assert_uint_eq(s.totals.groups, 42);
	ck_assert_str_eq(s.groups[0].domain, "retry.example");
	ck_assert_str_eq(s.groups[1].domain, "z00.example");
	ck_assert_str_eq(s.groups[2].domain, "z01.example");
	ck_assert_str_eq(s.groups[3].domain, "z02.example");
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_tally_snapshot_top_of_empty_tally)
{
	struct gs_tally *t = new_tally(GS_DEFAULT_WINDOW_S, 100);
	struct gs_summary s;

	snap_top(t, 3, &s);
	ck_assert_uint_eq(s.n_groups, 0);
	ck_assert_uint_eq(s.totals.groups, 0);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

/* Against a full snapshot, over many groups with random counts. */
START_TEST(test_tally_snapshot_top_matches_prefix_of_full_snapshot)
{
	struct gs_tally *t = new_tally(GS_DEFAULT_WINDOW_S, 5000);
	struct gs_summary s, all;
	uint32_t x = 12345;
	char name[32];
	unsigned i, j, n;

	for (i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "r%u.example", i);
		x = x * 1103515245u + 12345u;
		n = 1 + (x >> 16) % 7;
		for (j = 0; j < n; j++)
			add(t, T0, j % 3 ? GS_C_NEW : GS_C_EARLY_RETRY, name);
	}
	snap(t, &all);
	snap_top(t, 777, &s);
	ck_assert_uint_eq(s.n_groups, 777);
	for (i = 0; i < 777; i++)
		ck_assert_str_eq(s.groups[i].domain, all.groups[i].domain);
	gs_summary_free(&s);
	gs_summary_free(&all);
	gs_tally_free(t);
}
END_TEST

static Suite *tally_suite(void)
{
	Suite *s = suite_create("tally");
	TCase *tc = tcase_create("core");
	TCase *slow = tcase_create("load");

	tcase_add_test(tc, test_tally_new_rejects_bad_config);
	tcase_add_test(tc, test_tally_counts_each_counter);
	tcase_add_test(tc, test_tally_sorts_groups_by_new);
	tcase_add_test(tc, test_tally_ages_out_slots_that_leave_the_window);
	tcase_add_test(tc,
		       test_tally_counts_events_older_than_window_as_too_old);
	tcase_add_test(tc, test_tally_clamps_times_out_of_range);
	tcase_add_test(tc, test_tally_keeps_first_and_last_seen);
	tcase_add_test(tc,
		       test_tally_holds_exactly_max_groups_without_evicting);
	tcase_add_test(tc, test_tally_evicts_least_significant_one_past_max);
	tcase_add_test(tc, test_tally_evicts_oldest_last_seen_among_equals);
	tcase_add_test(tc, test_tally_eviction_ranks_by_greylistings_only);
	tcase_add_test(tc, test_tally_evicts_a_sixteenth_in_one_batch);
	tcase_add_test(tc, test_tally_drops_expired_groups_before_evicting);
	tcase_add_test(
	    tc, test_tally_delay_median_within_twelve_percent_and_exact_max);
	tcase_add_test(tc, test_tally_delay_stats_cover_the_window_only);
	tcase_add_test(tc, test_tally_distinct_addresses_and_networks_saturate);
	tcase_add_test(tc, test_tally_addresses_age_out_with_their_slot);
	tcase_add_test(tc, test_tally_hosts_beyond_limit_count_as_other);
	tcase_add_test(tc, test_tally_host_names_beyond_table_count_as_other);
	tcase_add_test(tc, test_tally_keeps_first_distinct_examples_truncated);
	tcase_add_test(tc, test_tally_keeps_newest_samples_sanitised);
	tcase_add_test(tc, test_tally_counts_lines_and_ignored);
	tcase_add_test(tc, test_tally_rejects_malformed_events);
	tcase_add_test(tc, test_tally_truncates_long_group_names);
	tcase_add_test(tc, test_tally_export_views_groups_of_each_chunk);
	tcase_add_test(tc, test_tally_export_chunks_survive_table_growth);
	tcase_add_test(tc, test_tally_export_of_quiescent_tally_is_complete);
	tcase_add_test(tc, test_tally_export_drops_groups_that_left_the_window);
	tcase_add_test(tc,
		       test_tally_snapshot_top_keeps_busiest_in_summary_order);
	tcase_add_test(
	    tc, test_tally_snapshot_top_at_and_around_the_number_of_groups);
	tcase_add_test(tc,
		       test_tally_snapshot_top_breaks_ties_like_the_summary);
	tcase_add_test(tc, test_tally_snapshot_top_of_empty_tally);
	tcase_add_test(tc,
		       test_tally_snapshot_top_matches_prefix_of_full_snapshot);
	suite_add_tcase(s, tc);
	tcase_set_timeout(slow, 120);
	tcase_add_test(slow, test_tally_memory_bounded_under_many_names);
	tcase_add_test(slow, test_tally_concurrent_adds_are_exact);
	suite_add_tcase(s, slow);
	return s;
}

GS_TEST_MAIN(tally_suite)
