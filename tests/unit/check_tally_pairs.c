/* Unit tests of the tally following pairs (lib/tally/tally_pairs.c): what
 * a pair's greylistings and passes count per group, in the slot of its
 * first greylisting (also when that one was logged out of order, and not
 * once that slot left the window), which passes are a pair's, the key
 * (postgrey's sender substitutions, the MX not part of it), pending, expiry
 * with the window's end, eviction from a full table, a group dropped while
 * its pairs are open, pair tracking off, and the snapshot's fields. */
#include "gs_config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/limits.h"
#include "tally/tally.h"
#include "tally_fixture.h"
#include "suite.h"

#define T0	 1700000000 /* a slot boundary for the window below */
#define WINDOW_S 2800	    /* 28 slots of 100 s */
#define RETRY_S	 1000

static const struct mail_event GREY = {GS_C_NEW, "example.com", "192.0.2.1",
				       "mx1",	 "joe@ex.com",	"ann@site.org",
				       0};

static struct gs_tally *new_t(size_t max_pairs)
{
	return new_pair_tally(WINDOW_S, 100, max_pairs, RETRY_S);
}

/* GREY with another counter, sender, recipient or address. */
static void mail(struct gs_tally *t, time_t time, enum gs_counter c,
		 const char *sender, const char *rcpt, const char *addr)
{
	struct mail_event m = GREY;

	m.counter = c;
	m.sender = sender;
	m.recipient = rcpt;
	m.addr = addr;
	if (c == GS_C_DELAYED)
		m.delay = 1;
	ck_assert_int_eq(add_mail(t, time, &m), 0);
}

static void grey(struct gs_tally *t, time_t time, const char *rcpt)
{
	mail(t, time, GS_C_NEW, "joe@ex.com", rcpt, "192.0.2.1");
}

static void pass(struct gs_tally *t, time_t time, const char *rcpt)
{
	mail(t, time, GS_C_PASSED, "joe@ex.com", rcpt, "192.0.2.1");
}

/* Moves the window's end to time with a decision of another group. */
static void tick(struct gs_tally *t, time_t time)
{
	struct mail_event m = GREY;

	m.group = "other.org";
	m.counter = GS_C_WHITELISTED;
	ck_assert_int_eq(add_mail(t, time, &m), 0);
}

static void snap(struct gs_tally *t, struct gs_summary *s)
{
	char err[GS_ERRLEN];

	ck_assert_msg(gs_tally_snapshot(t, T0, s, err, sizeof(err)) == 0, "%s",
		      err);
}

/* The pair figures of group in a fresh snapshot (zeros when absent). */
static struct gs_pair_stats figures(struct gs_tally *t, const char *group)
{
	struct gs_pair_stats p;
	struct gs_summary s;
	size_t i;

	memset(&p, 0, sizeof(p));
	snap(t, &s);
	for (i = 0; i < s.n_groups; i++)
		if (strcmp(s.groups[i].domain, group) == 0) {
			ck_assert(s.groups[i].has_pairs);
			p = s.groups[i].pairs;
		}
	gs_summary_free(&s);
	return p;
}

static struct gs_totals totals(struct gs_tally *t)
{
	struct gs_totals tot;

	gs_tally_totals(t, &tot);
	return tot;
}

START_TEST(test_pairs_config_checked)
{
	struct gs_tally_config cfg = {WINDOW_S, 10, GS_MAX_PAIRS_MAX + 1,
				      RETRY_S};
	char err[GS_ERRLEN];

	ck_assert_ptr_null(gs_tally_new(&cfg, err, sizeof(err)));
	ck_assert_msg(strstr(err, "max_pairs") != NULL, "%s", err);
	cfg.max_pairs = 10;
	cfg.retry_window_s = 0;
	ck_assert_ptr_null(gs_tally_new(&cfg, err, sizeof(err)));
	ck_assert_msg(strstr(err, "retry window") != NULL, "%s", err);
	cfg.retry_window_s = GS_RETRY_WINDOW_MAX_S + 1;
	ck_assert_ptr_null(gs_tally_new(&cfg, err, sizeof(err)));
	cfg.retry_window_s = GS_RETRY_WINDOW_MAX_S;
	cfg.max_pairs = GS_MAX_PAIRS_MAX;
	gs_tally_free(gs_tally_new(&cfg, err, sizeof(err)));
	/* Off: any retry window up to the maximum, even 0. */
	cfg.max_pairs = 0;
	cfg.retry_window_s = 0;
	gs_tally_free(gs_tally_new(&cfg, err, sizeof(err)));
}
END_TEST

/* Greylisted at T0, again from another /24 in the next slot, passed two
 * slots later: one pair, all of it counted in T0's slot. */
START_TEST(test_pair_followed_to_its_pass)
{
	struct gs_tally *t = new_t(100);
	struct gs_pair_stats p;

	grey(t, T0, "ann@site.org");
	mail(t, T0 + 150, GS_C_EARLY_RETRY, "joe@ex.com", "ann@site.org",
	     "198.51.100.7");
	mail(t, T0 + 250, GS_C_DELAYED, "joe@ex.com", "ann@site.org",
	     "192.0.2.9");
	p = figures(t, "example.com");
	ck_assert_uint_eq(p.greylisted, 1);
	ck_assert_uint_eq(p.returned, 1);
	ck_assert_uint_eq(p.other_network, 1);
	ck_assert_uint_eq(p.passed, 1);
	ck_assert_uint_eq(p.pending, 0);
	ck_assert_uint_eq(p.expired, 0);
	ck_assert(p.has_wait);
	ck_assert_uint_eq(p.wait_max_s, 250);
	/* Histogram: within 12% + 0.5 s. */
	ck_assert_uint_ge(p.wait_median_s, 220);
	ck_assert_uint_le(p.wait_median_s, 281);
	ck_assert_uint_eq(p.wait_p90_s, p.wait_median_s);
	ck_assert_uint_eq(totals(t).pairs_open, 0);
	gs_tally_free(t);
}
END_TEST

/* A retry from the same /24 is a return but not another network; a pass
 * without a greylisting is nobody's. */
START_TEST(test_pair_same_network_and_untracked_pass)
{
	struct gs_tally *t = new_t(100);
	struct gs_pair_stats p;

	grey(t, T0, "ann@site.org");
	mail(t, T0 + 10, GS_C_EARLY_RETRY, "joe@ex.com", "ann@site.org",
	     "192.0.2.200");
	pass(t, T0 + 20, "bob@site.org"); /* never greylisted */
	p = figures(t, "example.com");
	ck_assert_uint_eq(p.greylisted, 1);
	ck_assert_uint_eq(p.returned, 1);
	ck_assert_uint_eq(p.other_network, 0);
	ck_assert_uint_eq(p.passed, 0);
	ck_assert_uint_eq(p.pending, 1);
	ck_assert(!p.has_wait);
	ck_assert_uint_eq(totals(t).pairs_open, 1);
	gs_tally_free(t);
}
END_TEST

/* Client and recipient whitelist passes are no passes of a pair; client
 * AWL and "triplet found" without delay= are. */
START_TEST(test_pair_passes_that_count)
{
	struct gs_tally *t = new_t(100);
	struct gs_pair_stats p;

	grey(t, T0, "a@site.org");
	grey(t, T0, "b@site.org");
	mail(t, T0 + 60, GS_C_WHITELISTED, "joe@ex.com", "a@site.org",
	     "192.0.2.1");
	mail(t, T0 + 60, GS_C_RECIPIENT_WL, "joe@ex.com", "b@site.org",
	     "192.0.2.1");
	p = figures(t, "example.com");
	ck_assert_uint_eq(p.passed, 0);
	ck_assert_uint_eq(p.pending, 2);
	ck_assert_uint_eq(p.returned, 0);
	mail(t, T0 + 70, GS_C_AWL, "joe@ex.com", "a@site.org", "192.0.2.1");
	pass(t, T0 + 80, "b@site.org");
	p = figures(t, "example.com");
	ck_assert_uint_eq(p.passed, 2);
	ck_assert_uint_eq(p.returned, 2);
	ck_assert_uint_eq(p.pending, 0);
	ck_assert_uint_eq(p.wait_max_s, 80);
	gs_tally_free(t);
}
END_TEST

/* The key is postgrey's: BATV tag, +extension and the numbers of the
 * sender dropped, both lower-cased; the reporting host is not in it; the
 * group is. */
START_TEST(test_pair_key_is_postgreys)
{
	struct gs_tally *t = new_t(100);
	struct mail_event m = GREY;
	struct gs_pair_stats p;

	mail(t, T0, GS_C_NEW, "prvs=1234567890=Joe+news@Ex.com", "Ann@Site.ORG",
	     "192.0.2.1");
	m.counter = GS_C_PASSED;
	m.host = "mx2";
	m.sender = "joe@ex.com";
	m.recipient = "ann@site.org";
	ck_assert_int_eq(add_mail(t, T0 + 30, &m), 0);
	p = figures(t, "example.com");
	ck_assert_uint_eq(p.greylisted, 1);
	ck_assert_uint_eq(p.passed, 1);
	ck_assert_uint_eq(p.wait_max_s, 30);
	/* Numbers become '#': joe.12 and joe.34 are one sender. */
	mail(t, T0 + 40, GS_C_NEW, "joe.12@ex.com", "ann@site.org",
	     "192.0.2.1");
	mail(t, T0 + 50, GS_C_NEW, "joe.34@ex.com", "ann@site.org",
	     "192.0.2.1");
	p = figures(t, "example.com");
	ck_assert_uint_eq(p.greylisted, 2);
	ck_assert_uint_eq(p.returned, 2); /* a pass is a return too */
	/* Another group: another pair. */
	m = GREY;
	m.group = "other.org";
	ck_assert_int_eq(add_mail(t, T0 + 60, &m), 0);
	ck_assert_uint_eq(figures(t, "other.org").greylisted, 1);
	ck_assert_uint_eq(figures(t, "example.com").greylisted, 2);
	gs_tally_free(t);
}
END_TEST

/* A bounce (no sender) and a mail without recipient= are pairs too, keyed
 * on the empty string, as postgrey keys them. */
START_TEST(test_pair_of_empty_sender)
{
	struct gs_tally *t = new_t(100);
	struct gs_pair_stats p;

	mail(t, T0, GS_C_NEW, NULL, "ann@site.org", "192.0.2.1");
	mail(t, T0 + 5, GS_C_NEW, "joe@ex.com", NULL, "192.0.2.1");
	mail(t, T0 + 60, GS_C_PASSED, NULL, "ann@site.org", "192.0.2.1");
	p = figures(t, "example.com");
	ck_assert_uint_eq(p.greylisted, 2);
	ck_assert_uint_eq(p.passed, 1);
	ck_assert_uint_eq(p.pending, 1);
	gs_tally_free(t);
}
END_TEST

/* Outcomes go to the first greylisting's slot: once that slot leaves the
 * window, the pair's figures go with it, though it passed later. */
START_TEST(test_pair_counted_in_its_first_slot)
{
	struct gs_tally *t = new_t(100);
	struct gs_pair_stats p;

	grey(t, T0 + 99, "ann@site.org"); /* the last second of slot 0 */
	pass(t, T0 + 200, "ann@site.org");
	grey(t, T0 + 150, "bob@site.org"); /* slot 1 */
	tick(t, T0 + WINDOW_S + 99);	   /* slot 0 still in */
	p = figures(t, "example.com");
	ck_assert_uint_eq(p.greylisted, 2);
	ck_assert_uint_eq(p.passed, 1);
	/* Slot 1 is the oldest in the window: slot 0's pair is gone. */
	tick(t, T0 + WINDOW_S + 100);
	p = figures(t, "example.com");
	ck_assert_uint_eq(p.greylisted, 1);
	ck_assert_uint_eq(p.passed, 0);
	ck_assert(!p.has_wait);
	gs_tally_free(t);
}
END_TEST

/* A pass whose pair's first slot left the window is dropped, and the pair
 * leaves the table all the same. */
START_TEST(test_pair_outcome_after_its_slot_left_is_dropped)
{
	struct gs_tally *t = new_pair_tally(WINDOW_S, 100, 100, 3 * WINDOW_S);
	struct gs_pair_stats p;

	grey(t, T0, "ann@site.org");
	pass(t, T0 + WINDOW_S + 150, "ann@site.org");
	p = figures(t, "example.com");
	ck_assert_uint_eq(p.greylisted, 0);
	ck_assert_uint_eq(p.passed, 0);
	ck_assert_uint_eq(p.pending, 0);
	ck_assert_uint_eq(totals(t).pairs_open, 0);
	gs_tally_free(t);
}
END_TEST

/* A greylisting logged out of order, older than the pair's first and in
 * an earlier slot, becomes the first: the pair's counts move there. */
START_TEST(test_pair_first_moved_by_an_earlier_greylisting)
{
	struct gs_tally *t = new_t(100);
	struct gs_pair_stats p;

	mail(t, T0 + 150, GS_C_NEW, "joe@ex.com", "ann@site.org", "192.0.2.1");
	mail(t, T0 + 160, GS_C_EARLY_RETRY, "joe@ex.com", "ann@site.org",
	     "198.51.100.1"); /* returned, other network */
	mail(t, T0 + 50, GS_C_NEW, "joe@ex.com", "ann@site.org",
	     "203.0.113.1"); /* logged late by another MX */
	pass(t, T0 + 300, "ann@site.org");
	p = figures(t, "example.com");
	ck_assert_uint_eq(p.greylisted, 1);
	ck_assert_uint_eq(p.returned, 1);
	ck_assert_uint_eq(p.other_network, 1);
	ck_assert_uint_eq(p.passed, 1);
	ck_assert_uint_eq(p.wait_max_s, 250);
	/* All of it was moved to slot 0: gone with it. */
	tick(t, T0 + WINDOW_S + 100);
	p = figures(t, "example.com");
	ck_assert_uint_eq(p.greylisted, 0);
	ck_assert_uint_eq(p.returned, 0);
	ck_assert_uint_eq(p.other_network, 0);
	ck_assert_uint_eq(p.passed, 0);
	gs_tally_free(t);
}
END_TEST

/* Expiry when the window's end passes first + retry window: exactly then
 * the pair is still pending, one second later it expired; whether it
 * returned decides never_returned. */
START_TEST(test_pair_expires_with_the_windows_end)
{
	struct gs_tally *t = new_t(100);
	struct gs_pair_stats p;

	grey(t, T0, "ann@site.org");
	grey(t, T0, "bob@site.org");
	mail(t, T0 + 10, GS_C_EARLY_RETRY, "joe@ex.com", "bob@site.org",
	     "192.0.2.1");
	tick(t, T0 + RETRY_S);
	p = figures(t, "example.com");
	ck_assert_uint_eq(p.pending, 2);
	ck_assert_uint_eq(p.expired, 0);
	tick(t, T0 + RETRY_S + 1);
	p = figures(t, "example.com");
	ck_assert_uint_eq(p.greylisted, 2);
	ck_assert_uint_eq(p.pending, 0);
	ck_assert_uint_eq(p.expired, 2);
	ck_assert_uint_eq(p.never_returned, 1);
	ck_assert_uint_eq(p.returned, 1);
	ck_assert_uint_eq(totals(t).pairs_open, 0);
	/* A pass after the window is no pass of the pair. */
	pass(t, T0 + RETRY_S + 2, "ann@site.org");
	ck_assert_uint_eq(figures(t, "example.com").passed, 0);
	gs_tally_free(t);
}
END_TEST

/* A full table evicts its oldest pair: counted in the totals, no longer
 * pending, and neither passed nor expired. */
START_TEST(test_pair_eviction_counted_in_totals)
{
	struct gs_tally *t = new_t(2);
	struct gs_pair_stats p;

	grey(t, T0, "a@site.org");
	grey(t, T0 + 1, "b@site.org");
	grey(t, T0 + 2, "c@site.org");
	ck_assert_uint_eq(totals(t).pairs_evicted, 1);
	ck_assert_uint_eq(totals(t).pairs_open, 2);
	p = figures(t, "example.com");
	ck_assert_uint_eq(p.greylisted, 3);
	ck_assert_uint_eq(p.pending, 2);
	pass(t, T0 + 10, "a@site.org"); /* evicted: nobody's pass */
	tick(t, T0 + RETRY_S + 10);
	p = figures(t, "example.com");
	ck_assert_uint_eq(p.passed, 0);
	ck_assert_uint_eq(p.expired, 2);
	ck_assert_uint_eq(p.pending, 0);
	ck_assert_uint_eq(totals(t).pairs_evicted, 1);
	gs_tally_free(t);
}
END_TEST

/* A group evicted while its pairs are open: their outcomes are nobody's,
 * not the new group's of the same name. */
START_TEST(test_pair_of_an_evicted_group)
{
	struct gs_tally *t = new_pair_tally(WINDOW_S, 1, 100, RETRY_S);
	struct gs_pair_stats p;
	struct mail_event m = GREY;

	grey(t, T0, "ann@site.org");
	grey(t, T0, "bob@site.org");
	m.group = "other.org"; /* evicts example.com */
	ck_assert_int_eq(add_mail(t, T0 + 5, &m), 0);
	ck_assert_uint_eq(totals(t).evicted, 1);
	/* example.com again (evicting other.org): one pair passes. */
	pass(t, T0 + 10, "ann@site.org");
	p = figures(t, "example.com");
	ck_assert_uint_eq(p.greylisted, 0);
	ck_assert_uint_eq(p.passed, 0);
	ck_assert_uint_eq(totals(t).pairs_open, 2); /* bob's, other.org's */
	/* The other pair expires: nothing counted, nothing broken. */
	grey(t, T0 + RETRY_S + 1, "carl@site.org");
	p = figures(t, "example.com");
	ck_assert_uint_eq(p.greylisted, 1);
	ck_assert_uint_eq(p.expired, 0);
	ck_assert_uint_eq(p.pending, 1);
	ck_assert_uint_eq(totals(t).pairs_open, 2); /* other.org's, carl's */
	gs_tally_free(t);
}
END_TEST

/* maxPairs 0: nothing followed, has_pairs false, no pairs open. */
START_TEST(test_pairs_off)
{
	struct gs_tally *t = new_pair_tally(WINDOW_S, 100, 0, 0);
	struct gs_summary s;

	grey(t, T0, "ann@site.org");
	pass(t, T0 + 30, "ann@site.org");
	snap(t, &s);
	ck_assert_uint_eq(s.n_groups, 1);
	ck_assert(!s.groups[0].has_pairs);
	ck_assert_uint_eq(s.groups[0].pairs.greylisted, 0);
	ck_assert_uint_eq(s.groups[0].pairs.passed, 0);
	ck_assert_uint_eq(s.totals.pairs_open, 0);
	ck_assert_uint_eq(s.totals.pairs_evicted, 0);
	ck_assert_uint_eq(s.retry_window_s, 0);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

/* The snapshot's own fields: the retry window, the gauge, has_pairs and
 * has_wait. */
START_TEST(test_pairs_snapshot_fields)
{
	struct gs_tally *t = new_t(100);
	struct gs_summary s;

	grey(t, T0, "ann@site.org");
	snap(t, &s);
	ck_assert_int_eq(s.version, GS_SUMMARY_VERSION);
	ck_assert_uint_eq(s.retry_window_s, RETRY_S);
	ck_assert_uint_eq(s.totals.pairs_open, 1);
	ck_assert(s.groups[0].has_pairs);
	ck_assert(!s.groups[0].pairs.has_wait);
	ck_assert_uint_eq(s.groups[0].pairs.pending, 1);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

/* Many pairs: the open ones and the pending stay in step with a model. */
START_TEST(test_pairs_pending_follows_many_pairs)
{
	struct gs_tally *t = new_t(500);
	char rcpt[32];
	uint64_t open = 0, passed = 0;
	unsigned i;

	for (i = 0; i < 400; i++) {
		snprintf(rcpt, sizeof(rcpt), "r%c%c@site.org", 'a' + i % 26,
			 'a' + i / 26);
		grey(t, T0 + i, rcpt);
		open++;
		if (i % 3 == 0) {
			pass(t, T0 + i + 1, rcpt);
			open--;
			passed++;
		}
	}
	ck_assert_uint_eq(figures(t, "example.com").pending, open);
	ck_assert_uint_eq(figures(t, "example.com").passed, passed);
	ck_assert_uint_eq(totals(t).pairs_open, open);
	gs_tally_free(t);
}
END_TEST

static Suite *tally_pairs_suite(void)
{
	Suite *s = suite_create("tally_pairs");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_pairs_config_checked);
	tcase_add_test(tc, test_pair_followed_to_its_pass);
	tcase_add_test(tc, test_pair_same_network_and_untracked_pass);
	tcase_add_test(tc, test_pair_passes_that_count);
	tcase_add_test(tc, test_pair_key_is_postgreys);
	tcase_add_test(tc, test_pair_of_empty_sender);
	tcase_add_test(tc, test_pair_counted_in_its_first_slot);
	tcase_add_test(tc, test_pair_outcome_after_its_slot_left_is_dropped);
	tcase_add_test(tc, test_pair_first_moved_by_an_earlier_greylisting);
	tcase_add_test(tc, test_pair_expires_with_the_windows_end);
	tcase_add_test(tc, test_pair_eviction_counted_in_totals);
	tcase_add_test(tc, test_pair_of_an_evicted_group);
	tcase_add_test(tc, test_pairs_off);
	tcase_add_test(tc, test_pairs_snapshot_fields);
	tcase_add_test(tc, test_pairs_pending_follows_many_pairs);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(tally_pairs_suite)
