/* Unit tests of lib/tally/pairs.c: the bound (exactly max, one past it
 * evicts the oldest, never more slots than max), the retry window's
 * boundary for bulk expiry and for lookups, returns and other networks
 * counted once per pair, the wait from the first greylisting, out-of-order
 * times, the pair key, tables of size 0 and 1, and bad configurations.
 * Export, import and a long random run: check_pairs_export.c. */
#include "gs_config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "tally/pairs.h"
#include "pairs_fixture.h"
#include "suite.h"

START_TEST(test_pairs_bad_config_is_refused)
{
	struct gs_pairs_config cfg = {10, W};
	char err[GS_ERRLEN];

	ck_assert_ptr_null(gs_pairs_new(NULL, err, sizeof(err)));
	cfg.max_pairs = (size_t)GS_PAIRS_MAX + 1;
	ck_assert_ptr_null(gs_pairs_new(&cfg, err, sizeof(err)));
	ck_assert_msg(strstr(err, "max_pairs") != NULL, "%s", err);
	cfg.max_pairs = 10;
	cfg.retry_window_s = 0;
	ck_assert_ptr_null(gs_pairs_new(&cfg, err, sizeof(err)));
	ck_assert_msg(strstr(err, "retry_window") != NULL, "%s", err);
	cfg.retry_window_s = GS_PAIRS_MAX_RETRY_WINDOW_S + 1;
	ck_assert_ptr_null(gs_pairs_new(&cfg, err, sizeof(err)));
	cfg.retry_window_s = GS_PAIRS_MAX_RETRY_WINDOW_S;
	cfg.max_pairs = GS_PAIRS_MAX;
	gs_pairs_free(gs_pairs_new(&cfg, err, sizeof(err)));
	gs_pairs_free(NULL);
}
END_TEST

START_TEST(test_pairs_size_zero_tracks_nothing)
{
	struct gs_pairs *p = new_pairs(0, W);
	struct gs_pair pair = {1, 2, 3, 4, false, false};
	struct gs_pairs_update u;

	ck_assert_int_eq(grey(p, 1, NET, 10, &u), GS_PAIR_NONE);
	ck_assert_int_eq(grey(p, 1, NET, 11, &u), GS_PAIR_NONE);
	ck_assert_int_eq(pass(p, 1, 12, &u), GS_PAIR_NONE);
	ck_assert_int_eq(gs_pairs_import(p, &pair, &u, NULL, 0), 0);
	ck_assert_int_eq(u.event, GS_PAIR_NONE);
	ck_assert_uint_eq(held(p), 0);
	ck_assert_uint_eq(gs_pairs_expire(p, 1000000, NULL, NULL), 0);
	gs_pairs_free(p);
}
END_TEST

START_TEST(test_pairs_size_one_evicts_at_the_second_pair)
{
	struct gs_pairs *p = new_pairs(1, W);
	struct gs_pairs_update u;

	ck_assert_int_eq(grey(p, 1, NET, 10, &u), GS_PAIR_NEW);
	ck_assert(!u.evicted);
	ck_assert_int_eq(grey(p, 2, NET, 11, &u), GS_PAIR_NEW);
	ck_assert(u.evicted);
	ck_assert_uint_eq(u.evicted_pair.key, 1);
	ck_assert_uint_eq(u.evicted_pair.group_id, 10);
	ck_assert_int_eq(grey(p, 2, NET, 12, &u), GS_PAIR_AGAIN);
	ck_assert(!u.evicted);
	ck_assert_int_eq(pass(p, 1, 13, &u), GS_PAIR_NONE);
	ck_assert_int_eq(pass(p, 2, 14, &u), GS_PAIR_PASSED);
	ck_assert_uint_eq(held(p), 0);
	gs_pairs_free(p);
}
END_TEST

/* Past GS_PAIRS_FIRST_SLOTS, so that the bound is met after growing. */
START_TEST(test_pairs_hold_exactly_max_and_evict_the_oldest_past_it)
{
	const size_t max = GS_PAIRS_FIRST_SLOTS + 500;
	struct gs_pairs *p = new_pairs(max, W);
	struct gs_pairs_counts c;
	struct gs_pairs_update u;
	uint64_t k;

	for (k = 1; k <= max; k++) {
		ck_assert_int_eq(grey(p, k, NET, 50, &u), GS_PAIR_NEW);
		ck_assert(!u.evicted);
	}
	ck_assert_uint_eq(held(p), max);
	ck_assert_int_eq(grey(p, max + 1, NET, 51, &u), GS_PAIR_NEW);
	ck_assert(u.evicted);
	ck_assert_uint_eq(u.evicted_pair.key, 1);
	gs_pairs_counts(p, &c);
	ck_assert_uint_eq(c.held, max);
	ck_assert_uint_eq(c.evicted, 1);
	ck_assert_uint_eq(c.slots, max);
	ck_assert_uint_le(c.bytes, GS_PAIRS_ENTRY_BYTES * max);
	/* The oldest left, the second oldest stays. */
	ck_assert_int_eq(pass(p, 1, 52, &u), GS_PAIR_NONE);
	ck_assert_int_eq(pass(p, 2, 52, &u), GS_PAIR_PASSED);
	ck_assert_int_eq(grey(p, max + 2, NET, 53, &u), GS_PAIR_NEW);
	ck_assert(!u.evicted); /* the pass made room */
	gs_pairs_free(p);
}
END_TEST

START_TEST(test_pairs_memory_grows_lazily_and_stays_bounded)
{
	const size_t max = 3 * GS_PAIRS_FIRST_SLOTS;
	struct gs_pairs *p = new_pairs(max, W);
	struct gs_pairs_counts c;
	struct gs_pairs_update u;
	uint64_t k;

	gs_pairs_counts(p, &c);
	ck_assert_uint_eq(c.slots, 0);
	ck_assert_uint_eq(c.bytes, 0);
	grey(p, 1, NET, 1, &u);
	gs_pairs_counts(p, &c);
	ck_assert_uint_eq(c.slots, GS_PAIRS_FIRST_SLOTS);
	for (k = 2; k <= 4 * max; k++)
		grey(p, k, NET, 1, &u);
	gs_pairs_counts(p, &c);
	ck_assert_uint_eq(c.held, max);
	ck_assert_uint_eq(c.slots, max);
	ck_assert_uint_eq(c.evicted, 3 * max);
	ck_assert_uint_le(c.bytes, GS_PAIRS_ENTRY_BYTES * max);
	gs_pairs_free(p);
}
END_TEST

static size_t n_expired_seen;
static struct gs_pair last_expired;

static void on_expired(void *arg, const struct gs_pair *pair)
{
	ck_assert_ptr_eq(arg, &n_expired_seen);
	n_expired_seen++;
	last_expired = *pair;
}

START_TEST(test_pairs_expire_one_second_after_the_window)
{
	struct gs_pairs *p = new_pairs(10, W);
	struct gs_pairs_counts c;
	struct gs_pairs_update u;

	n_expired_seen = 0;
	grey(p, 1, NET, 1000, &u);
	grey(p, 1, NET + 1, 1050, &u);
	ck_assert_uint_eq(
	    gs_pairs_expire(p, 1000 + W, on_expired, &n_expired_seen), 0);
	ck_assert_uint_eq(held(p), 1);
	ck_assert_uint_eq(
	    gs_pairs_expire(p, 1000 + W + 1, on_expired, &n_expired_seen), 1);
	ck_assert_uint_eq(n_expired_seen, 1);
	ck_assert_uint_eq(last_expired.key, 1);
	ck_assert_uint_eq(last_expired.group_id, 10);
	ck_assert_uint_eq(last_expired.net, NET);
	ck_assert_int_eq(last_expired.first, 1000);
	ck_assert(last_expired.returned);
	ck_assert(last_expired.other_network);
	gs_pairs_counts(p, &c);
	ck_assert_uint_eq(c.held, 0);
	ck_assert_uint_eq(c.expired, 1);
	gs_pairs_free(p);
}
END_TEST

START_TEST(test_pairs_pass_at_the_window_end_passes)
{
	struct gs_pairs *p = new_pairs(10, W);
	struct gs_pairs_update u;

	grey(p, 1, NET, 1000, &u);
	ck_assert_int_eq(pass(p, 1, 1000 + W, &u), GS_PAIR_PASSED);
	ck_assert_uint_eq(u.wait_s, W);
	ck_assert(!u.expired);
	gs_pairs_free(p);
}
END_TEST

START_TEST(test_pairs_pass_after_the_window_is_no_pass)
{
	struct gs_pairs *p = new_pairs(10, W);
	struct gs_pairs_counts c;
	struct gs_pairs_update u;

	grey(p, 1, NET, 1000, &u);
	/* Not expired in bulk yet: the lookup judges the time itself. */
	ck_assert_int_eq(pass(p, 1, 1000 + W + 1, &u), GS_PAIR_NONE);
	ck_assert(u.expired);
	ck_assert_uint_eq(u.expired_pair.key, 1);
	ck_assert(!u.expired_pair.returned);
	gs_pairs_counts(p, &c);
	ck_assert_uint_eq(c.held, 0);
	ck_assert_uint_eq(c.expired, 1);
	ck_assert_uint_eq(c.passed, 0);
	ck_assert_int_eq(pass(p, 1, 1000 + W + 2, &u), GS_PAIR_NONE);
	ck_assert(!u.expired);
	gs_pairs_free(p);
}
END_TEST

START_TEST(test_pairs_greylisting_after_the_window_opens_a_new_pair)
{
	struct gs_pairs *p = new_pairs(10, W);
	struct gs_pairs_update u;

	grey(p, 1, NET, 1000, &u);
	ck_assert_int_eq(grey(p, 1, NET + 1, 1000 + W + 1, &u), GS_PAIR_NEW);
	ck_assert(u.expired);
	ck_assert_int_eq(u.expired_pair.first, 1000);
	ck_assert_int_eq(u.pair.first, 1000 + W + 1);
	ck_assert_uint_eq(u.pair.net, NET + 1);
	ck_assert(!u.pair.returned);
	ck_assert_uint_eq(held(p), 1);
	gs_pairs_free(p);
}
END_TEST

START_TEST(test_pairs_return_and_other_network_count_once)
{
	struct gs_pairs *p = new_pairs(10, W);
	struct gs_pairs_update u;

	ck_assert_int_eq(grey(p, 1, NET, 1000, &u), GS_PAIR_NEW);
	ck_assert(!u.first_return && !u.first_other_network);
	ck_assert_int_eq(grey(p, 1, NET, 1010, &u), GS_PAIR_AGAIN);
	ck_assert(u.first_return && !u.first_other_network);
	ck_assert_int_eq(grey(p, 1, NET, 1020, &u), GS_PAIR_AGAIN);
	ck_assert(!u.first_return && !u.first_other_network);
	ck_assert_int_eq(grey(p, 1, NET + 1, 1030, &u), GS_PAIR_AGAIN);
	ck_assert(!u.first_return && u.first_other_network);
	ck_assert_int_eq(grey(p, 1, NET + 2, 1040, &u), GS_PAIR_AGAIN);
	ck_assert(!u.first_return && !u.first_other_network);
	ck_assert(u.pair.returned && u.pair.other_network);
	ck_assert_uint_eq(u.pair.net, NET); /* the first network stays */
	ck_assert_int_eq(pass(p, 1, 1050, &u), GS_PAIR_PASSED);
	ck_assert(!u.first_return);
	ck_assert(u.pair.returned && u.pair.other_network);
	gs_pairs_free(p);
}
END_TEST

START_TEST(test_pairs_first_other_network_can_be_the_first_return)
{
	struct gs_pairs *p = new_pairs(10, W);
	struct gs_pairs_update u;

	grey(p, 1, NET, 1000, &u);
	ck_assert_int_eq(grey(p, 1, NET + 1, 1010, &u), GS_PAIR_AGAIN);
	ck_assert(u.first_return && u.first_other_network);
	gs_pairs_free(p);
}
END_TEST

START_TEST(test_pairs_same_network_retry_passes_as_one_server)
{
	struct gs_pairs *p = new_pairs(10, W);
	struct gs_pairs_update u;

	grey(p, 1, NET, 1000, &u);
	ck_assert_int_eq(pass(p, 1, 1060, &u), GS_PAIR_PASSED);
	/* The pass is the pair's return. */
	ck_assert(u.first_return);
	ck_assert(u.pair.returned && !u.pair.other_network);
	ck_assert_uint_eq(u.wait_s, 60);
	ck_assert_uint_eq(held(p), 0);
	gs_pairs_free(p);
}
END_TEST

START_TEST(test_pairs_wait_counts_from_the_first_greylisting)
{
	struct gs_pairs *p = new_pairs(10, 86400);
	struct gs_pairs_update u;

	grey(p, 1, NET, 1000, &u);
	grey(p, 1, NET + 1, 2000, &u);
	grey(p, 1, NET + 2, 3000, &u);
	ck_assert_int_eq(pass(p, 1, 4000, &u), GS_PAIR_PASSED);
	ck_assert_uint_eq(u.wait_s, 3000);
	ck_assert_uint_eq(u.pair.group_id, 10);
	ck_assert_int_eq(u.pair.first, 1000);
	gs_pairs_free(p);
}
END_TEST

START_TEST(test_pairs_pass_of_an_unknown_pair_is_none)
{
	struct gs_pairs *p = new_pairs(10, W);
	struct gs_pairs_update u;

	ck_assert_int_eq(pass(p, 99, 1000, &u), GS_PAIR_NONE);
	ck_assert(!u.expired && !u.evicted && !u.first_return);
	grey(p, 1, NET, 1000, &u);
	ck_assert_int_eq(pass(p, 99, 1000, &u), GS_PAIR_NONE);
	ck_assert_uint_eq(held(p), 1);
	gs_pairs_free(p);
}
END_TEST

START_TEST(test_pairs_earlier_greylisting_becomes_the_first)
{
	struct gs_pairs *p = new_pairs(10, W);
	struct gs_pairs_update u;

	grey(p, 1, NET, 1000, &u);
	ck_assert_int_eq(grey(p, 1, NET + 1, 950, &u), GS_PAIR_AGAIN);
	ck_assert(u.first_return && u.first_other_network);
	ck_assert_int_eq(u.pair.first, 950);
	ck_assert_uint_eq(u.pair.net, NET + 1);
	/* A pass logged before the first greylisting waited 0 s. */
	ck_assert_int_eq(pass(p, 1, 900, &u), GS_PAIR_PASSED);
	ck_assert_uint_eq(u.wait_s, 0);
	gs_pairs_free(p);
}
END_TEST

START_TEST(test_pairs_out_of_order_pair_expires_in_bulk_after_older_ones)
{
	struct gs_pairs *p = new_pairs(10, W);
	struct gs_pairs_update u;

	grey(p, 1, NET, 1000, &u);
	grey(p, 2, NET, 900, &u); /* opened later, logged earlier */
	ck_assert_uint_eq(gs_pairs_expire(p, 900 + W + 1, NULL, NULL), 0);
	ck_assert_uint_eq(held(p), 2);
	ck_assert_uint_eq(gs_pairs_expire(p, 1000 + W + 1, NULL, NULL), 2);
	ck_assert_uint_eq(held(p), 0);
	/* A lookup judges the pair's own time at once. */
	grey(p, 3, NET, 2000, &u);
	grey(p, 4, NET, 1900, &u);
	ck_assert_int_eq(pass(p, 4, 1900 + W + 1, &u), GS_PAIR_NONE);
	ck_assert(u.expired);
	ck_assert_int_eq(pass(p, 3, 1900 + W + 1, &u), GS_PAIR_PASSED);
	gs_pairs_free(p);
}
END_TEST

START_TEST(test_pairs_times_are_clamped_to_32_bits)
{
	struct gs_pairs *p = new_pairs(10, W);
	struct gs_pairs_update u;

	grey(p, 1, NET, -5, &u);
	ck_assert_int_eq(u.pair.first, 0);
	grey(p, 2, NET, (int64_t)1 << 40, &u);
	ck_assert_int_eq(u.pair.first, UINT32_MAX);
	ck_assert_int_eq(pass(p, 2, ((int64_t)1 << 40) + 5, &u),
			 GS_PAIR_PASSED);
	ck_assert_uint_eq(u.wait_s, 0);
	gs_pairs_free(p);
}
END_TEST

/* ---- the key ---- */

START_TEST(test_pairs_key_separates_its_parts)
{
	uint64_t k = gs_pairs_key("example.org", "a@b", "c@d");

	ck_assert_uint_eq(k, gs_pairs_key("example.org", "a@b", "c@d"));
	ck_assert_uint_ne(k, gs_pairs_key("example.net", "a@b", "c@d"));
	ck_assert_uint_ne(k, gs_pairs_key("example.org", "a@c", "c@d"));
	ck_assert_uint_ne(k, gs_pairs_key("example.org", "a@b", "c@e"));
	ck_assert_uint_ne(gs_pairs_key("ab", "c", "d"),
			  gs_pairs_key("a", "bc", "d"));
	ck_assert_uint_ne(gs_pairs_key("a", "bc", "d"),
			  gs_pairs_key("a", "b", "cd"));
	ck_assert_uint_eq(gs_pairs_key(NULL, NULL, NULL),
			  gs_pairs_key("", "", ""));
	ck_assert_uint_ne(gs_pairs_key("", "", ""), gs_pairs_key("", "", "x"));
}
END_TEST

START_TEST(test_pairs_key_is_stable_across_versions)
{
	/* A state file's keys must keep their pairs: the fixed SipHash key
	 * and the layout may not change without a state format change. */
	ck_assert_uint_eq(gs_pairs_key("example.org", "a@b", "c@d"),
			  0xc15b22f88c5afe29ull);
}
END_TEST

START_TEST(test_pairs_key_covers_addr_max_bytes)
{
	char a[GS_PAIRS_ADDR_MAX + 2], b[GS_PAIRS_ADDR_MAX + 2];

	memset(a, 'x', sizeof(a) - 1);
	a[sizeof(a) - 1] = '\0';
	memcpy(b, a, sizeof(b));
	b[GS_PAIRS_ADDR_MAX] = 'y'; /* beyond the covered bytes */
	ck_assert_uint_eq(gs_pairs_key("g", a, "r"), gs_pairs_key("g", b, "r"));
	ck_assert_uint_eq(gs_pairs_key("g", "s", a), gs_pairs_key("g", "s", b));
	b[GS_PAIRS_ADDR_MAX - 1] = 'y'; /* the last covered byte */
	ck_assert_uint_ne(gs_pairs_key("g", a, "r"), gs_pairs_key("g", b, "r"));
}
END_TEST

static Suite *pairs_suite(void)
{
	Suite *s = suite_create("pairs");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_pairs_bad_config_is_refused);
	tcase_add_test(tc, test_pairs_size_zero_tracks_nothing);
	tcase_add_test(tc, test_pairs_size_one_evicts_at_the_second_pair);
	tcase_add_test(
	    tc, test_pairs_hold_exactly_max_and_evict_the_oldest_past_it);
	tcase_add_test(tc, test_pairs_memory_grows_lazily_and_stays_bounded);
	tcase_add_test(tc, test_pairs_expire_one_second_after_the_window);
	tcase_add_test(tc, test_pairs_pass_at_the_window_end_passes);
	tcase_add_test(tc, test_pairs_pass_after_the_window_is_no_pass);
	tcase_add_test(
	    tc, test_pairs_greylisting_after_the_window_opens_a_new_pair);
	tcase_add_test(tc, test_pairs_return_and_other_network_count_once);
	tcase_add_test(tc,
		       test_pairs_first_other_network_can_be_the_first_return);
	tcase_add_test(tc, test_pairs_same_network_retry_passes_as_one_server);
	tcase_add_test(tc, test_pairs_wait_counts_from_the_first_greylisting);
	tcase_add_test(tc, test_pairs_pass_of_an_unknown_pair_is_none);
	tcase_add_test(tc, test_pairs_earlier_greylisting_becomes_the_first);
	tcase_add_test(
	    tc, test_pairs_out_of_order_pair_expires_in_bulk_after_older_ones);
	tcase_add_test(tc, test_pairs_times_are_clamped_to_32_bits);
	tcase_add_test(tc, test_pairs_key_separates_its_parts);
	tcase_add_test(tc, test_pairs_key_is_stable_across_versions);
	tcase_add_test(tc, test_pairs_key_covers_addr_max_bytes);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(pairs_suite)
