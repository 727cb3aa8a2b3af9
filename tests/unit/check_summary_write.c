/* Unit tests of the summary writer's version 2 members
 * (lib/summary/summary_write.c): each domain's "pairs" object, member by
 * member and in order, its waits null exactly when nothing passed, zeros
 * for a group whose pairs were not followed, and totals.pairs_evicted,
 * totals.pairs_open and window.retry_window; and the per-slot series
 * added within version 2: the top-level "series" before "domains", each
 * domain's after "pairs", nothing without a series, a snapshot's series
 * read back. (check_summary covers the rest of the file and the reader,
 * check_summary_series the series' reader.) */
#include "gs_config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "summary/summary.h"
#include "summary/summary_file.h"
#include "tally/tally.h"
#include "suite.h"
#include "tally_fixture.h"

#define T_GENERATED 1795806000 /* 2026-11-27T19:00:00Z */

static char path[64];
static char text[8192];

static void setup(void)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/check_summary_write.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void teardown(void)
{
	unlink(path);
}

static void group(struct gs_group_stats *g, const char *domain)
{
	memset(g, 0, sizeof(*g));
	g->domain = strdup(domain);
	ck_assert_ptr_nonnull(g->domain);
	g->counts[GS_C_NEW] = 400;
	g->first_seen = T_GENERATED - 1000;
	g->last_seen = T_GENERATED - 10;
}

/* Writes s and reads the file back into text. */
static void write_and_read(struct gs_summary *s)
{
	char err[GS_ERRLEN];
	FILE *f;
	size_t n;

	ck_assert_msg(gs_summary_write(s, path, NULL, err, sizeof(err)) == 0,
		      "%s", err);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_uint_lt(n, sizeof(text) - 1);
	text[n] = '\0';
}

static void has(const char *want)
{
	ck_assert_msg(strstr(text, want) != NULL, "\"%s\" not in %s", want,
		      text);
}

/* Three groups: one whose pairs passed, one whose pairs did not (yet),
 * one without pair tracking. */
static void make(struct gs_summary *s)
{
	struct gs_pair_stats *p;

	memset(s, 0, sizeof(*s));
	s->version = GS_SUMMARY_VERSION;
	s->generated = T_GENERATED;
	s->window_s = 604800;
	s->retry_window_s = 172800;
	s->totals.pairs_evicted = 1234;
	s->totals.pairs_open = 56;
	s->totals.groups = 3;
	s->n_groups = 3;
	s->groups = calloc(3, sizeof(*s->groups));
	ck_assert_ptr_nonnull(s->groups);
	group(&s->groups[0], "outlook.com");
	s->groups[0].has_pairs = true;
	p = &s->groups[0].pairs;
	p->greylisted = 383;
	p->returned = 371;
	p->other_network = 238;
	p->passed = 342;
	p->pending = 12;
	p->expired = 29;
	p->never_returned = 3;
	p->has_wait = true;
	p->wait_median_s = 14880;
	p->wait_p90_s = 40312;
	p->wait_max_s = 171000;
	group(&s->groups[1], "botnet.example");
	s->groups[1].has_pairs = true;
	p = &s->groups[1].pairs;
	p->greylisted = 383;
	p->expired = 371;
	p->never_returned = 371;
	p->pending = 12;
	group(&s->groups[2], "old.example");
}

START_TEST(test_summary_v2_pairs_members)
{
	struct gs_summary s;

	make(&s);
	write_and_read(&s);
	has("{\"format\":\"greyscan-summary\",\"version\":2,");
	has("\"seconds\":604800,\"retry_window\":172800}");
	has("\"groups\":3,\"pairs_evicted\":1234,\"pairs_open\":56}");
	has("\"domain\":\"outlook.com\"");
	has("\"pairs\":{\"greylisted\":383,\"returned\":371,"
	    "\"other_network\":238,\"passed\":342,\"pending\":12,"
	    "\"expired\":29,\"never_returned\":3,\"wait_median\":14880,"
	    "\"wait_p90\":40312,\"wait_max\":171000}");
	gs_summary_free(&s);
}
END_TEST

START_TEST(test_summary_v2_waits_null_without_a_pass)
{
	struct gs_summary s;

	make(&s);
	write_and_read(&s);
	has("\"pairs\":{\"greylisted\":383,\"returned\":0,"
	    "\"other_network\":0,\"passed\":0,\"pending\":12,"
	    "\"expired\":371,\"never_returned\":371,\"wait_median\":null,"
	    "\"wait_p90\":null,\"wait_max\":null}");
	gs_summary_free(&s);
}
END_TEST

/* has_pairs false: the member is there (version 2 requires it), all zero,
 * whatever pairs holds. */
START_TEST(test_summary_v2_pairs_of_untracked_group_are_zero)
{
	struct gs_summary s;
	const char *g;

	make(&s);
	s.groups[2].pairs.greylisted = 99; /* ignored: has_pairs is false */
	write_and_read(&s);
	g = strstr(text, "\"domain\":\"old.example\"");
	ck_assert_ptr_nonnull(g);
	ck_assert_ptr_nonnull(
	    strstr(g, "\"pairs\":{\"greylisted\":0,\"returned\":0,"
		      "\"other_network\":0,\"passed\":0,\"pending\":0,"
		      "\"expired\":0,\"never_returned\":0,\"wait_median\":null,"
		      "\"wait_p90\":null,\"wait_max\":null}}"));
	gs_summary_free(&s);
}
END_TEST

/* Every domain carries its pairs, none twice. */
START_TEST(test_summary_v2_one_pairs_per_domain)
{
	struct gs_summary s;
	const char *p;
	unsigned n = 0;

	make(&s);
	write_and_read(&s);
	for (p = text; (p = strstr(p, "\"pairs\":{")) != NULL; p++)
		n++;
	ck_assert_uint_eq(n, 3);
	gs_summary_free(&s);
}
END_TEST

/* ---- the per-slot series (added within version 2) ----------------- */

#define T_START 1795802400 /* 2026-11-27T18:00:00Z, a slot boundary */

/* Two groups over three slots of an hour from T_START. */
static void make_series(struct gs_summary *s)
{
	static const char *const names[2] = {"a.example", "b.example"};
	size_t i, j;

	memset(s, 0, sizeof(*s));
	s->version = GS_SUMMARY_VERSION;
	s->generated = T_START + 10000;
	s->window_start = T_START;
	s->window_end = T_START + 9000;
	s->window_s = 10800;
	s->has_series = true;
	s->series_start = T_START;
	s->series_slot_s = 3600;
	s->series_slots = 3;
	s->n_groups = 2;
	s->groups = calloc(2, sizeof(*s->groups));
	ck_assert_ptr_nonnull(s->groups);
	for (i = 0; i < 2; i++) {
		s->groups[i].domain = strdup(names[i]);
		ck_assert_ptr_nonnull(s->groups[i].domain);
		s->groups[i].counts[GS_C_NEW] = 30 - 10 * i;
		s->groups[i].first_seen = T_START;
		s->groups[i].last_seen = T_START + 9000;
		s->groups[i].series = calloc(3, sizeof(struct gs_series_slot));
		ck_assert_ptr_nonnull(s->groups[i].series);
		for (j = 0; j < 3; j++) {
			s->groups[i].series[j].greylisted = 10 * i + j;
			s->groups[i].series[j].passed = 100 * i + j;
		}
	}
}

START_TEST(test_series_written_before_domains_and_after_pairs)
{
	struct gs_summary s;

	make_series(&s);
	write_and_read(&s);
	has("\"unparsed_samples\":[],\"series\":{\"start\":\"2026-11-27T18:00:"
	    "00Z\",\"slot_seconds\":3600,\"slots\":3},\"domains\":[{");
	has("\"wait_max\":null},\"series\":{\"greylisted\":[0,1,2],"
	    "\"passed\":[0,1,2]}},{\"domain\":\"b.example\"");
	has("\"series\":{\"greylisted\":[10,11,12],\"passed\":[100,101,102]}}]"
	    "}\n");
	gs_summary_free(&s);
}
END_TEST

START_TEST(test_series_not_written_without_one)
{
	struct gs_summary s;

	make_series(&s);
	s.has_series = false;
	write_and_read(&s);
	ck_assert_ptr_null(strstr(text, "series"));
	gs_summary_free(&s);
}
END_TEST

/* Before the first event: no slot, start null, empty arrays. */
START_TEST(test_series_without_slots_has_a_null_start)
{
	struct gs_summary s;

	make_series(&s);
	s.series_slots = 0;
	s.series_start = 0;
	write_and_read(&s);
	has("\"series\":{\"start\":null,\"slot_seconds\":3600,\"slots\":0}");
	has("\"series\":{\"greylisted\":[],\"passed\":[]}");
	gs_summary_free(&s);
}
END_TEST

/* A group made by hand without a series is written with zeros. */
START_TEST(test_series_of_a_group_without_one_is_zero)
{
	struct gs_summary s;

	make_series(&s);
	free(s.groups[1].series);
	s.groups[1].series = NULL;
	write_and_read(&s);
	has("\"series\":{\"greylisted\":[0,0,0],\"passed\":[0,0,0]}}]}");
	gs_summary_free(&s);
}
END_TEST

/* What the reader would refuse is not written. */
START_TEST(test_series_writer_refuses_what_the_reader_would)
{
	char err[GS_ERRLEN] = "";
	struct gs_summary s;
	struct stat st;

	make_series(&s);
	s.series_slots = GS_SERIES_MAX_SLOTS + 1;
	ck_assert_int_eq(gs_summary_write(&s, path, NULL, err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "a series of 65 slots"));
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 0); /* mkstemp's file, untouched */
	s.series_slots = 3;
	s.series_slot_s = 0;
	ck_assert_int_eq(gs_summary_write(&s, path, NULL, err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "of 0 s"));
	gs_summary_free(&s);
}
END_TEST

START_TEST(test_series_round_trip)
{
	char err[GS_ERRLEN] = "";
	struct gs_summary s, r;
	size_t i;

	make_series(&s);
	write_and_read(&s);
	ck_assert_msg(gs_summary_read(path, &r, err, sizeof(err)) == 0, "%s",
		      err);
	ck_assert(r.has_series);
	ck_assert_int_eq(r.series_start, T_START);
	ck_assert_uint_eq(r.series_slot_s, 3600);
	ck_assert_uint_eq(r.series_slots, 3);
	ck_assert_uint_eq(r.n_groups, 2);
	for (i = 0; i < 2; i++) {
		ck_assert_str_eq(r.groups[i].domain, s.groups[i].domain);
		ck_assert_int_eq(memcmp(r.groups[i].series, s.groups[i].series,
					3 * sizeof(struct gs_series_slot)),
				 0);
	}
	gs_summary_free(&r);
	gs_summary_free(&s);
}
END_TEST

/* A snapshot, written and read back: the same series. Near time 0 its
 * first slot starts at 0, which is written as a time, not null. */
START_TEST(test_series_snapshot_round_trip)
{
	static const time_t times[2] = {T_START, 250};
	char err[GS_ERRLEN] = "";
	struct gs_summary s, r;
	struct gs_tally *t;
	size_t i, k;

	for (k = 0; k < 2; k++) {
		t = new_tally(2800, 100);
		ck_assert_int_eq(add_full(t, times[k], GS_C_NEW, "a.example",
					  "mx.a.example", "192.0.2.1", "mx1",
					  -1),
				 0);
		ck_assert_int_eq(add_full(t, times[k] + 100, GS_C_DELAYED,
					  "a.example", "mx.a.example",
					  "192.0.2.1", "mx2", 60),
				 0);
		ck_assert_msg(gs_tally_snapshot(t, T_START + 10000, &s, err,
						sizeof(err)) == 0,
			      "%s", err);
		gs_tally_free(t);
		write_and_read(&s);
		ck_assert_msg(gs_summary_read(path, &r, err, sizeof(err)) == 0,
			      "%s", err);
		ck_assert_uint_gt(s.series_slots, 0);
		ck_assert_int_eq(r.series_start, s.series_start);
		ck_assert_uint_eq(r.series_slot_s, 100);
		ck_assert_uint_eq(r.series_slots, s.series_slots);
		for (i = 0; i < s.series_slots; i++) {
			ck_assert_uint_eq(r.groups[0].series[i].greylisted,
					  s.groups[0].series[i].greylisted);
			ck_assert_uint_eq(r.groups[0].series[i].passed,
					  s.groups[0].series[i].passed);
		}
		gs_summary_free(&r);
		gs_summary_free(&s);
	}
	has("\"series\":{\"start\":\"1970-01-01T00:00:00Z\"");
}
END_TEST

static Suite *summary_write_suite(void)
{
	Suite *s = suite_create("summary_write");
	TCase *tc = tcase_create("v2"), *ts;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_summary_v2_pairs_members);
	tcase_add_test(tc, test_summary_v2_waits_null_without_a_pass);
	tcase_add_test(tc, test_summary_v2_pairs_of_untracked_group_are_zero);
	tcase_add_test(tc, test_summary_v2_one_pairs_per_domain);
	suite_add_tcase(s, tc);
	ts = tcase_create("series");
	tcase_add_checked_fixture(ts, setup, teardown);
	tcase_add_test(ts, test_series_written_before_domains_and_after_pairs);
	tcase_add_test(ts, test_series_not_written_without_one);
	tcase_add_test(ts, test_series_without_slots_has_a_null_start);
	tcase_add_test(ts, test_series_of_a_group_without_one_is_zero);
	tcase_add_test(ts, test_series_writer_refuses_what_the_reader_would);
	tcase_add_test(ts, test_series_round_trip);
	tcase_add_test(ts, test_series_snapshot_round_trip);
	suite_add_tcase(s, ts);
	return s;
}

GS_TEST_MAIN(summary_write_suite)
