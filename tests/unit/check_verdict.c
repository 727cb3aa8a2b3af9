/* Unit tests of lib/advice/verdict.c: constructed groups of each kind (a
 * pool, a single server, a botnet, early-retry bots, fresh groups with many
 * pairs pending, too few pairs), every threshold exactly and one past it,
 * the reason texts, inconsistent and huge figures, and the reason buffer. */
#include "gs_config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "advice/verdict.h"
#include "suite.h"

#define MIN GS_VERDICT_MIN_PAIRS

static char reason[GS_VERDICT_REASON_MAX];

static enum gs_verdict judge(const struct gs_pair_figures *f)
{
	memset(reason, 'Z', sizeof(reason));
	return gs_verdict_judge(f, reason, sizeof(reason));
}

static void assert_verdict(const struct gs_pair_figures *f,
			   enum gs_verdict want, const char *text)
{
	enum gs_verdict v = judge(f);

	ck_assert_msg(v == want, "verdict %s, want %s (%s)", gs_verdict_name(v),
		      gs_verdict_name(want), reason);
	if (text != NULL)
		ck_assert_str_eq(reason, text);
}

/* Returned pairs that all passed from the same network after 12 minutes,
 * and a few that never came back. */
static struct gs_pair_figures single_server(void)
{
	struct gs_pair_figures f = {
	    .returned = 95,
	    .other_network = 2,
	    .passed = 95,
	    .expired = 5,
	    .never_returned = 5,
	    .has_wait = true,
	    .wait_median_s = 720,
	    .wait_p90_s = 1080,
	};
	return f;
}

/* Returns mostly from other networks, long waits, some never passed. */
static struct gs_pair_figures pool(void)
{
	struct gs_pair_figures f = {
	    .returned = 340,
	    .other_network = 211,
	    .passed = 311,
	    .expired = 35,
	    .never_returned = 6,
	    .has_wait = true,
	    .wait_median_s = 4 * 3600 + 8 * 60,
	    .wait_p90_s = 9 * 3600 + 30 * 60,
	};
	return f;
}

START_TEST(test_verdict_pool_is_whitelisted)
{
	struct gs_pair_figures f = pool();

	assert_verdict(&f, GS_VERDICT_WHITELIST,
		       "62% came back from another network; median wait 4h08m "
		       "(p90 9h30m), 29 never passed");
	f.expired = f.never_returned; /* all returns passed */
	f.passed = f.returned;
	assert_verdict(&f, GS_VERDICT_WHITELIST,
		       "62% came back from another network; median wait 4h08m "
		       "(p90 9h30m)");
}
END_TEST

START_TEST(test_verdict_single_server_needs_no_whitelist)
{
	struct gs_pair_figures f = single_server();

	assert_verdict(&f, GS_VERDICT_NOT_NEEDED,
		       "mail comes back from the same network and passes after "
		       "12m00s; postgrey's auto-whitelist takes over");
	f.has_wait = false;
	assert_verdict(&f, GS_VERDICT_NOT_NEEDED,
		       "mail comes back from the same network and passes; "
		       "postgrey's auto-whitelist takes over");
	/* Long waits from the same network: still a single server. */
	f = single_server();
	f.wait_p90_s = 6 * 3600;
	assert_verdict(&f, GS_VERDICT_NOT_NEEDED, NULL);
}
END_TEST

START_TEST(test_verdict_botnet_is_not_whitelisted)
{
	struct gs_pair_figures f = {
	    .returned = 12, .expired = 371, .never_returned = 371};

	assert_verdict(&f, GS_VERDICT_DO_NOT_WHITELIST,
		       "371 of 383 greylisted mails never came back");
	f.pending = 7;
	assert_verdict(&f, GS_VERDICT_DO_NOT_WHITELIST,
		       "371 of 390 greylisted mails never came back (7 still "
		       "within the retry window)");
}
END_TEST

START_TEST(test_verdict_early_retry_bots_are_not_whitelisted)
{
	/* They come back within seconds from the same host, never after
	 * postgrey's delay. */
	struct gs_pair_figures f = {
	    .returned = 40, .passed = 5, .expired = 35, .never_returned = 0};

	assert_verdict(&f, GS_VERDICT_DO_NOT_WHITELIST,
		       "mail comes back from the same network, but 35 of 40 "
		       "never passed");
}
END_TEST

START_TEST(test_verdict_fresh_group_with_many_pending_is_not_condemned)
{
	struct gs_pair_figures f = {.returned = 5, .pending = 45};
	uint64_t p;

	assert_verdict(&f, GS_VERDICT_TOO_FEW,
		       "45 of 50 greylisted mails are still within the retry "
		       "window (5 came back, 0 never did)");
	for (p = 0; p < 2000; p++) {
		f.pending = p;
		ck_assert_int_ne(judge(&f), GS_VERDICT_DO_NOT_WHITELIST);
		f.never_returned = f.expired = p / 3;
		ck_assert_int_ne(judge(&f), GS_VERDICT_DO_NOT_WHITELIST);
		f.never_returned = f.expired = 0;
	}
}
END_TEST

START_TEST(test_verdict_fresh_pool_waits_for_its_returns_fate)
{
	/* Came back from other networks, nothing passed or expired yet. */
	struct gs_pair_figures f = {
	    .returned = 30, .other_network = 30, .pending = 4};

	assert_verdict(&f, GS_VERDICT_TOO_FEW,
		       "30 of 34 greylisted mails came back, but only 0 passed "
		       "or expired so far (20 needed)");
}
END_TEST

START_TEST(test_verdict_needs_min_pairs)
{
	struct gs_pair_figures f = single_server();

	f.returned = f.passed = MIN - 1;
	f.other_network = f.expired = f.never_returned = 0;
	assert_verdict(&f, GS_VERDICT_TOO_FEW,
		       "only 19 greylisted mails followed (20 needed)");
	f.returned = f.passed = MIN;
	assert_verdict(&f, GS_VERDICT_NOT_NEEDED, NULL);
	/* Pending pairs count towards the minimum (as possible returns). */
	f = (struct gs_pair_figures){
	    .never_returned = 11, .expired = 11, .pending = MIN - 12};
	assert_verdict(&f, GS_VERDICT_TOO_FEW, NULL);
	f.pending++;
	assert_verdict(&f, GS_VERDICT_DO_NOT_WHITELIST, NULL);
}
END_TEST

START_TEST(test_verdict_exactly_half_came_back_is_judged_on)
{
	struct gs_pair_figures f = {.returned = 20,
				    .passed = 20,
				    .expired = 20,
				    .never_returned = 20,
				    .has_wait = true,
				    .wait_median_s = 600};

	assert_verdict(&f, GS_VERDICT_NOT_NEEDED, NULL);
	f.never_returned = f.expired = 21; /* more than half never did */
	assert_verdict(&f, GS_VERDICT_DO_NOT_WHITELIST,
		       "21 of 41 greylisted mails never came back");
	/* Neither half certain: one pair may still go either way. */
	f = (struct gs_pair_figures){.returned = 19,
				     .passed = 19,
				     .expired = 20,
				     .never_returned = 20,
				     .pending = 1};
	assert_verdict(&f, GS_VERDICT_TOO_FEW, NULL);
}
END_TEST

START_TEST(test_verdict_needs_min_decided_returns)
{
	struct gs_pair_figures f = {.returned = 30,
				    .passed = MIN - 1,
				    .expired = 10,
				    .never_returned = 10,
				    .has_wait = true,
				    .wait_median_s = 600};

	assert_verdict(
	    &f, GS_VERDICT_TOO_FEW,
	    "30 of 40 greylisted mails came back, but only 19 passed "
	    "or expired so far (20 needed)");
	f.passed = MIN;
	assert_verdict(&f, GS_VERDICT_NOT_NEEDED, NULL);
}
END_TEST

START_TEST(test_verdict_exactly_half_from_another_network_is_a_pool)
{
	struct gs_pair_figures f = pool();

	f.other_network = f.returned / 2;
	ck_assert_int_eq(judge(&f), GS_VERDICT_WHITELIST);
	ck_assert_msg(strncmp(reason, "50% came back", 13) == 0, "%s", reason);
	f.other_network--;
	ck_assert_int_eq(judge(&f), GS_VERDICT_NOT_NEEDED);
	ck_assert_msg(strncmp(reason, "mail comes back from the same", 29) == 0,
		      "%s", reason);
}
END_TEST

START_TEST(test_verdict_pool_suffers_from_the_p90_threshold)
{
	struct gs_pair_figures f = pool();

	f.passed = f.returned; /* nothing stuck: only the wait decides */
	f.expired = f.never_returned;
	f.wait_median_s = 600;
	f.wait_p90_s = GS_VERDICT_SUFFER_P90_S;
	assert_verdict(&f, GS_VERDICT_WHITELIST,
		       "62% came back from another network; median wait 10m00s "
		       "(p90 30m00s)");
	f.wait_p90_s--;
	assert_verdict(&f, GS_VERDICT_NOT_NEEDED,
		       "62% came back from another network, but mail passes "
		       "after 10m00s (p90 29m59s)");
	f.has_wait = false;
	assert_verdict(&f, GS_VERDICT_NOT_NEEDED,
		       "62% came back from another network, but 340 of 340 "
		       "passed");
}
END_TEST

START_TEST(test_verdict_pool_suffers_from_the_never_passed_share)
{
	/* 40 decided returns, short waits: 2 never passed is 5%. */
	struct gs_pair_figures f = {.returned = 40,
				    .other_network = 30,
				    .passed = 38,
				    .expired = 2,
				    .has_wait = true,
				    .wait_median_s = 300,
				    .wait_p90_s = 900};

	assert_verdict(&f, GS_VERDICT_WHITELIST,
		       "75% came back from another network; median wait 5m00s "
		       "(p90 15m00s), 2 never passed");
	f.passed = 39;
	f.expired = 1;
	assert_verdict(&f, GS_VERDICT_NOT_NEEDED, NULL);
	/* A pool that greylisting blocks: none passed, no waits known. */
	f = (struct gs_pair_figures){
	    .returned = 30, .other_network = 30, .expired = 30};
	assert_verdict(&f, GS_VERDICT_WHITELIST,
		       "100% came back from another network; 30 never passed");
}
END_TEST

START_TEST(test_verdict_exactly_half_passed_from_the_same_network)
{
	struct gs_pair_figures f = {
	    .returned = 40, .passed = 20, .expired = 20, .has_wait = true};

	ck_assert_int_eq(judge(&f), GS_VERDICT_NOT_NEEDED);
	f.passed = 19;
	f.expired = 21;
	assert_verdict(&f, GS_VERDICT_DO_NOT_WHITELIST,
		       "mail comes back from the same network, but 21 of 40 "
		       "never passed");
}
END_TEST

START_TEST(test_verdict_clamps_inconsistent_and_huge_figures)
{
	struct gs_pair_figures f = {.returned = 30,
				    .other_network = 500,
				    .passed = 900,
				    .expired = 3,
				    .never_returned = 7};

	/* other_network and passed as 30, never_returned as 3. */
	assert_verdict(&f, GS_VERDICT_NOT_NEEDED,
		       "100% came back from another network, but 30 of 30 "
		       "passed");
	f = (struct gs_pair_figures){.returned = UINT64_MAX,
				     .other_network = UINT64_MAX,
				     .passed = UINT64_MAX,
				     .expired = UINT64_MAX,
				     .never_returned = UINT64_MAX,
				     .pending = UINT64_MAX};
	ck_assert_int_eq(judge(&f), GS_VERDICT_TOO_FEW);
	/* Taken as 2^40 each: half came back, all of them passed. */
	f.never_returned = 0;
	ck_assert_int_eq(judge(&f), GS_VERDICT_NOT_NEEDED);
}
END_TEST

START_TEST(test_verdict_reason_is_cut_to_its_buffer)
{
	struct gs_pair_figures f = pool();
	char small[8];

	memset(small, 'Z', sizeof(small));
	ck_assert_int_eq(gs_verdict_judge(&f, small, sizeof(small)),
			 GS_VERDICT_WHITELIST);
	ck_assert_str_eq(small, "62% cam");
	ck_assert_int_eq(gs_verdict_judge(&f, NULL, 0), GS_VERDICT_WHITELIST);
	small[0] = 'Z';
	ck_assert_int_eq(gs_verdict_judge(&f, small, 0), GS_VERDICT_WHITELIST);
	ck_assert_int_eq(small[0], 'Z');
}
END_TEST

START_TEST(test_verdict_names)
{
	ck_assert_str_eq(gs_verdict_name(GS_VERDICT_WHITELIST), "whitelist");
	ck_assert_str_eq(gs_verdict_name(GS_VERDICT_DO_NOT_WHITELIST),
			 "do-not-whitelist");
	ck_assert_str_eq(gs_verdict_name(GS_VERDICT_NOT_NEEDED), "not-needed");
	ck_assert_str_eq(gs_verdict_name(GS_VERDICT_TOO_FEW), "too-few");
}
END_TEST

static Suite *verdict_suite(void)
{
	Suite *s = suite_create("verdict");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_verdict_pool_is_whitelisted);
	tcase_add_test(tc, test_verdict_single_server_needs_no_whitelist);
	tcase_add_test(tc, test_verdict_botnet_is_not_whitelisted);
	tcase_add_test(tc, test_verdict_early_retry_bots_are_not_whitelisted);
	tcase_add_test(
	    tc, test_verdict_fresh_group_with_many_pending_is_not_condemned);
	tcase_add_test(tc, test_verdict_fresh_pool_waits_for_its_returns_fate);
	tcase_add_test(tc, test_verdict_needs_min_pairs);
	tcase_add_test(tc, test_verdict_exactly_half_came_back_is_judged_on);
	tcase_add_test(tc, test_verdict_needs_min_decided_returns);
	tcase_add_test(
	    tc, test_verdict_exactly_half_from_another_network_is_a_pool);
	tcase_add_test(tc, test_verdict_pool_suffers_from_the_p90_threshold);
	tcase_add_test(tc,
		       test_verdict_pool_suffers_from_the_never_passed_share);
	tcase_add_test(tc,
		       test_verdict_exactly_half_passed_from_the_same_network);
	tcase_add_test(tc, test_verdict_clamps_inconsistent_and_huge_figures);
	tcase_add_test(tc, test_verdict_reason_is_cut_to_its_buffer);
	tcase_add_test(tc, test_verdict_names);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(verdict_suite)
