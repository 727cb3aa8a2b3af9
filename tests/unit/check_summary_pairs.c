/* Unit tests of the summary reader's version 2 (lib/summary/summary_read.c,
 * summary_domain.c): a version 1 file reads without pair evidence, a
 * version 2 file with it; every member version 2 adds is required there,
 * of its type and in range, waits null together, the outcomes within the
 * pairs greylisted; the same from a file and from a tree, whatever the
 * order of the members. */
#include "gs_config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfastjson/json.h>

#include "base/error.h"
#include "summary/summary.h"
#include "summary/summary_file.h"
#include "suite.h"
#include "summary_fixture.h"

static struct json_object *v2_tree(void)
{
	return tree_of(FIXTURES "/pairs-v2.json");
}

/* ---- what is read -------------------------------------------------- */

START_TEST(test_pairs_read_version_1_has_no_pair_evidence)
{
	char err[GS_ERRLEN] = "";
	struct gs_summary s;

	ck_assert_msg(gs_summary_read(FIXTURES "/expected-v1.json", &s, err,
				      sizeof(err)) == 0,
		      "%s", err);
	ck_assert_int_eq(s.version, 1);
	ck_assert_uint_eq(s.retry_window_s, 0);
	ck_assert_uint_eq(s.totals.pairs_evicted, 0);
	ck_assert_uint_eq(s.totals.pairs_open, 0);
	ck_assert_uint_eq(s.n_groups, 4);
	for (size_t i = 0; i < s.n_groups; i++) {
		ck_assert(!s.groups[i].has_pairs);
		ck_assert_uint_eq(s.groups[i].pairs.greylisted, 0);
	}
	gs_summary_free(&s);
}
END_TEST

START_TEST(test_pairs_read_version_2_gives_every_figure)
{
	struct json_object *root = v2_tree();
	const struct gs_pair_stats *p;
	struct gs_summary s;

	assert_accepted(root, &s);
	ck_assert_int_eq(s.version, 2);
	ck_assert_uint_eq(s.retry_window_s, 172800);
	ck_assert_uint_eq(s.totals.pairs_evicted, 7);
	ck_assert_uint_eq(s.totals.pairs_open, 55);
	ck_assert_uint_eq(s.n_groups, 3);
	ck_assert_str_eq(s.groups[0].domain, "pool.example");
	ck_assert(s.groups[0].has_pairs);
	p = &s.groups[0].pairs;
	ck_assert_uint_eq(p->greylisted, 383);
	ck_assert_uint_eq(p->returned, 340);
	ck_assert_uint_eq(p->other_network, 211);
	ck_assert_uint_eq(p->passed, 311);
	ck_assert_uint_eq(p->pending, 37);
	ck_assert_uint_eq(p->expired, 35);
	ck_assert_uint_eq(p->never_returned, 6);
	ck_assert(p->has_wait);
	ck_assert_uint_eq(p->wait_median_s, 14880);
	ck_assert_uint_eq(p->wait_p90_s, 34200);
	ck_assert_uint_eq(p->wait_max_s, 90000);
	ck_assert_str_eq(s.groups[1].domain, "bot.example");
	ck_assert(s.groups[1].has_pairs);
	p = &s.groups[1].pairs;
	ck_assert(!p->has_wait);
	ck_assert_uint_eq(p->wait_median_s, 0);
	ck_assert_uint_eq(p->never_returned, 371);
	ck_assert(s.groups[2].has_pairs);
	ck_assert_uint_eq(s.groups[2].pairs.greylisted, 0);
	gs_summary_free(&s);
	json_object_put(root);
}
END_TEST

/* "pairs" in a version 1 file is checked, then dropped: version 1 has no
 * pair evidence, whoever wrote the member. */
START_TEST(test_pairs_read_version_1_drops_a_pairs_member)
{
	struct json_object *root = v2_tree();
	struct gs_summary s;

	set_member(root, "", "version", "1");
	assert_accepted(root, &s);
	ck_assert_int_eq(s.version, 1);
	ck_assert_uint_eq(s.retry_window_s, 0);
	ck_assert_uint_eq(s.totals.pairs_open, 0);
	for (size_t i = 0; i < s.n_groups; i++) {
		ck_assert(!s.groups[i].has_pairs);
		ck_assert_uint_eq(s.groups[i].pairs.passed, 0);
	}
	gs_summary_free(&s);
	set_member(root, "domains.1.pairs", "passed", "-1");
	assert_refused(root, "domains[1].pairs.passed: " NNI);
	json_object_put(root);
}
END_TEST

START_TEST(test_pairs_read_accepts_exact_limits)
{
	struct json_object *root = v2_tree();
	struct gs_summary s;

	set_member(root, "window", "retry_window", "4294967295");
	set_member(root, "totals", "pairs_evicted", COUNT_MAX_TEXT);
	set_member(root, "totals", "pairs_open", COUNT_MAX_TEXT);
	/* every outcome at its bound: passed + pending + expired and
	 * returned + never_returned equal greylisted */
	set_member(root, "domains.0.pairs", "greylisted", COUNT_MAX_TEXT);
	set_member(root, "domains.0.pairs", "passed", "9223372036854775000");
	set_member(root, "domains.0.pairs", "pending", "406");
	set_member(root, "domains.0.pairs", "expired", "400");
	set_member(root, "domains.0.pairs", "never_returned", "400");
	set_member(root, "domains.0.pairs", "returned", "9223372036854775406");
	set_member(root, "domains.0.pairs", "other_network", COUNT_MAX_TEXT);
	set_member(root, "domains.0.pairs", "wait_median", "4294967295");
	set_member(root, "domains.0.pairs", "wait_p90", "4294967295");
	set_member(root, "domains.0.pairs", "wait_max", "4294967295");
	assert_accepted(root, &s);
	ck_assert_uint_eq(s.retry_window_s, UINT32_MAX);
	ck_assert_uint_eq(s.groups[0].pairs.greylisted,
			  strtoull(COUNT_MAX_TEXT, NULL, 10));
	ck_assert_uint_eq(s.groups[0].pairs.wait_max_s, UINT32_MAX);
	gs_summary_free(&s);
	json_object_put(root);
}
END_TEST

/* Equal waits are fine (one pass); a wait of 0 s too. */
START_TEST(test_pairs_read_accepts_equal_and_zero_waits)
{
	struct json_object *root = v2_tree();
	struct gs_summary s;

	set_member(root, "domains.0.pairs", "wait_median", "0");
	set_member(root, "domains.0.pairs", "wait_p90", "0");
	set_member(root, "domains.0.pairs", "wait_max", "0");
	assert_accepted(root, &s);
	ck_assert(s.groups[0].pairs.has_wait);
	ck_assert_uint_eq(s.groups[0].pairs.wait_max_s, 0);
	gs_summary_free(&s);
	/* passed pairs without a recorded wait: null waits are allowed */
	set_member(root, "domains.0.pairs", "wait_median", "null");
	set_member(root, "domains.0.pairs", "wait_p90", "null");
	set_member(root, "domains.0.pairs", "wait_max", "null");
	assert_accepted(root, &s);
	ck_assert(!s.groups[0].pairs.has_wait);
	gs_summary_free(&s);
	json_object_put(root);
}
END_TEST

/* ---- what is refused ----------------------------------------------- */

struct bad_member {
	const char *parent; /* dot path, "" for the top level */
	const char *key;
	const char *value; /* JSON text; NULL removes the member */
	const char *want;  /* the message after "FILE: " */
};

#define P0 "domains.0.pairs"
#define M0 "domains[0].pairs."

static const struct bad_member bad_members[] = {
    {"window", "retry_window", NULL, "window.retry_window: missing"},
    {"window", "retry_window", "null", "window.retry_window: " NNI},
    {"window", "retry_window", "-1", "window.retry_window: " NNI},
    {"window", "retry_window", "\"2d\"", "window.retry_window: " NNI},
    {"window", "retry_window", "4294967296", "window.retry_window: " RANGE32},
    {"window", "retry_window", "1.5", "window.retry_window: " NNI},
    {"totals", "pairs_evicted", NULL, "totals.pairs_evicted: missing"},
    {"totals", "pairs_evicted", "9223372036854775807",
     "totals.pairs_evicted: " RANGE64},
    {"totals", "pairs_evicted", "[]", "totals.pairs_evicted: " NNI},
    {"totals", "pairs_open", NULL, "totals.pairs_open: missing"},
    {"totals", "pairs_open", "-3", "totals.pairs_open: " NNI},
    {"totals", "pairs_open", "true", "totals.pairs_open: " NNI},
    {"domains.0", "pairs", NULL, "domains[0].pairs: missing"},
    {"domains.2", "pairs", NULL, "domains[2].pairs: missing"},
    {"domains.0", "pairs", "null", "domains[0].pairs: expected an object"},
    {"domains.0", "pairs", "[]", "domains[0].pairs: expected an object"},
    {"domains.1", "pairs", "7", "domains[1].pairs: expected an object"},
    {P0, "greylisted", NULL, M0 "greylisted: missing"},
    {P0, "greylisted", "\"383\"", M0 "greylisted: " NNI},
    {P0, "returned", NULL, M0 "returned: missing"},
    {P0, "returned", "-1", M0 "returned: " NNI},
    {P0, "other_network", NULL, M0 "other_network: missing"},
    {P0, "other_network", "1e3", M0 "other_network: " NNI},
    {P0, "passed", NULL, M0 "passed: missing"},
    {P0, "passed", "9223372036854775807", M0 "passed: " RANGE64},
    {P0, "pending", NULL, M0 "pending: missing"},
    {P0, "pending", "{}", M0 "pending: " NNI},
    {P0, "expired", NULL, M0 "expired: missing"},
    {P0, "expired", "null", M0 "expired: " NNI},
    {P0, "never_returned", NULL, M0 "never_returned: missing"},
    {P0, "never_returned", "0.5", M0 "never_returned: " NNI},
    {P0, "wait_median", NULL, M0 "wait_median: missing"},
    {P0, "wait_median", "4294967296", M0 "wait_median: " RANGE32},
    {P0, "wait_median", "\"4h\"", M0 "wait_median: " NNI},
    {P0, "wait_median", "null",
     M0 "wait_median: null, but the other waits are not"},
    {P0, "wait_p90", NULL, M0 "wait_p90: missing"},
    {P0, "wait_p90", "-1", M0 "wait_p90: " NNI},
    {P0, "wait_p90", "null", M0 "wait_p90: null, but the other waits are not"},
    {P0, "wait_max", NULL, M0 "wait_max: missing"},
    {P0, "wait_max", "[1]", M0 "wait_max: " NNI},
    {P0, "wait_max", "null", M0 "wait_max: null, but the other waits are not"},
    /* the waits' order: median <= p90 <= max, one past each */
    {P0, "wait_median", "34201", M0 "wait_p90: below wait_median"},
    {P0, "wait_p90", "90001", M0 "wait_max: below wait_p90"},
    {P0, "wait_p90", "14879", M0 "wait_p90: below wait_median"},
    /* a wait although nothing passed */
    {"domains.1.pairs", "wait_median", "0",
     "domains[1].pairs.wait_median: a number, but the other waits are "
     "null"},
    {"domains.1.pairs", "wait_max", "60",
     "domains[1].pairs.wait_max: a number, but the other waits are null"},
    /* outcomes beyond the pairs greylisted, one past each bound */
    {P0, "greylisted", "382",
     "domains[0].pairs: passed + pending + expired exceed greylisted (382)"},
    {P0, "expired", "36",
     "domains[0].pairs: passed + pending + expired exceed greylisted (383)"},
    {P0, "passed", "384",
     "domains[0].pairs: passed + pending + expired exceed greylisted (383)"},
    {P0, "returned", "378",
     "domains[0].pairs: returned + never_returned exceed greylisted (383)"},
    {P0, "returned", "9223372036854775806",
     "domains[0].pairs: returned + never_returned exceed greylisted (383)"},
    {P0, "never_returned", "36",
     "domains[0].pairs: never_returned (36) exceeds expired (35)"},
};

START_TEST(test_pairs_read_refuses_bad_member)
{
	const struct bad_member *b = &bad_members[_i];
	struct json_object *root = v2_tree();

	set_member(root, b->parent, b->key, b->value);
	assert_refused(root, b->want);
	json_object_put(root);
}
END_TEST

/* The same sums at their bounds are fine: the fixture's pool has passed +
 * pending + expired = greylisted = 383 already; here returned +
 * never_returned too, and never_returned = expired. */
START_TEST(test_pairs_read_accepts_sums_at_their_bounds)
{
	struct json_object *root = v2_tree();
	struct gs_summary s;

	set_member(root, P0, "returned", "377");
	assert_accepted(root, &s);
	gs_summary_free(&s);
	set_member(root, P0, "returned", "340");
	set_member(root, P0, "never_returned", "35");
	assert_accepted(root, &s);
	gs_summary_free(&s);
	/* a wait with nothing passed is refused, only because passed is 0 */
	set_member(root, "domains.1.pairs", "passed", "1");
	set_member(root, "domains.1.pairs", "pending", "6");
	set_member(root, "domains.1.pairs", "wait_median", "60");
	set_member(root, "domains.1.pairs", "wait_p90", "60");
	set_member(root, "domains.1.pairs", "wait_max", "60");
	assert_accepted(root, &s);
	ck_assert(s.groups[1].pairs.has_wait);
	gs_summary_free(&s);
	set_member(root, "domains.1.pairs", "passed", "0");
	assert_refused(root,
		       "domains[1].pairs.wait_median: a wait, but nothing "
		       "passed");
	json_object_put(root);
}
END_TEST

/* ---- the order of members in the file -------------------------------
 * The file reader meets the domains as they come; "version" may come
 * after them. */

START_TEST(test_pairs_read_version_after_the_domains)
{
	struct json_object *root = v2_tree();
	char path[256], err[GS_ERRLEN] = "";
	struct gs_summary s;

	write_member_last(path, sizeof(path), root, "version");
	ck_assert_msg(gs_summary_read(path, &s, err, sizeof(err)) == 0, "%s",
		      err);
	ck_assert_int_eq(s.version, 2);
	ck_assert(s.groups[0].has_pairs);
	gs_summary_free(&s);
	/* a domain without pairs is found once the version is known */
	set_member(root, "domains.1", "pairs", NULL);
	assert_late_error(root, "version", "domains[1].pairs: missing");
	/* an earlier error in another member comes first, a later one
	 * after: as one parse of the whole tree gives them */
	set_member(root, "domains.0", "new", "-1");
	assert_late_error(root, "version", "domains[0].new: " NNI);
	set_member(root, "domains.0", "new", "500");
	set_member(root, "domains.2", "new", "-1");
	assert_late_error(root, "version", "domains[1].pairs: missing");
	/* in the same domain, the member read before "pairs" */
	set_member(root, "domains.2", "new", "10");
	set_member(root, "domains.1", "hosts", "[]");
	assert_late_error(root, "version",
			  "domains[1].hosts: expected an object");
	json_object_put(root);
}
END_TEST

/* A version 1 file with "version" last: no domain needs "pairs". */
START_TEST(test_pairs_read_version_1_after_the_domains)
{
	struct json_object *root = tree_of(FIXTURES "/expected-v1.json");
	char path[256], err[GS_ERRLEN] = "";
	struct gs_summary s;

	write_member_last(path, sizeof(path), root, "version");
	ck_assert_msg(gs_summary_read(path, &s, err, sizeof(err)) == 0, "%s",
		      err);
	ck_assert_int_eq(s.version, 1);
	ck_assert(!s.groups[0].has_pairs);
	gs_summary_free(&s);
	json_object_put(root);
}
END_TEST

static Suite *pairs_read_suite(void)
{
	Suite *s = suite_create("summary_pairs");
	TCase *tc = tcase_create("read");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_pairs_read_version_1_has_no_pair_evidence);
	tcase_add_test(tc, test_pairs_read_version_2_gives_every_figure);
	tcase_add_test(tc, test_pairs_read_version_1_drops_a_pairs_member);
	tcase_add_test(tc, test_pairs_read_accepts_exact_limits);
	tcase_add_test(tc, test_pairs_read_accepts_equal_and_zero_waits);
	tcase_add_loop_test(
	    tc, test_pairs_read_refuses_bad_member, 0,
	    (int)(sizeof(bad_members) / sizeof(bad_members[0])));
	tcase_add_test(tc, test_pairs_read_accepts_sums_at_their_bounds);
	tcase_add_test(tc, test_pairs_read_version_after_the_domains);
	tcase_add_test(tc, test_pairs_read_version_1_after_the_domains);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(pairs_read_suite)
