/* Unit tests of the one ingest path (lib/ingest/ingest.c) with the real
 * rulebase, grouper and tally: the result of each kind of line and
 * message (what the module's annotation is built from), the totals each
 * adds, the counts of an open ingest in a snapshot, the two halves
 * (judging in one ingest, counting in another) and the batched line
 * accounting. */
#include "gs_config.h"

#include <check.h>
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/error.h"
#include "ingest/ingest.h"
#include "suite.h"

#define RULEBASE GS_TEST_SRCDIR "/rules/postgrey.rb"
/* 2026-11-28 00:00 UTC: "Nov 27" lines are 2026. */
#define REF	1795824000L
#define NOW	(REF + 3600)
#define T_18_00 1795802400L /* 2026-11-27 18:00:00 UTC */

#define DECISION                                                               \
	"action=greylist, reason=new, client_name=mail-a.outbound.protection." \
	"outlook.com, client_address=40.107.1.2, sender=a@example.com, "       \
	"recipient=b@example.org"
#define LINE(text) "Nov 27 18:00:00 mx1 postgrey[11982]: " text

static struct gs_rulebase *rb;
static struct gs_grouper *grouper;
static struct gs_tally *tally;
static struct gs_ingest *ing;
static struct gs_ingest_result res;
static struct gs_summary sum;

static void setup(void)
{
	struct gs_tally_config cfg = {GS_DEFAULT_WINDOW_S, 100};
	char err[GS_ERRLEN] = "";

	ck_assert_int_eq(setenv("TZ", "UTC", 1), 0);
	tzset();
	rb = gs_rulebase_load(RULEBASE, err, sizeof(err));
	ck_assert_msg(rb != NULL, "%s", err);
	grouper = gs_grouper_new(GS_GROUP_REGISTRABLE, 0, err, sizeof(err));
	ck_assert_msg(grouper != NULL, "%s", err);
	tally = gs_tally_new(&cfg, err, sizeof(err));
	ck_assert_msg(tally != NULL, "%s", err);
	ing = gs_ingest_new(grouper, tally, 16, err, sizeof(err));
	ck_assert_msg(ing != NULL, "%s", err);
	memset(&res, 0, sizeof(res));
	memset(&sum, 0, sizeof(sum));
}

static void teardown(void)
{
	gs_ingest_result_release(&res);
	gs_summary_free(&sum);
	gs_ingest_free(ing);
	gs_tally_free(tally);
	gs_grouper_free(grouper);
	gs_rulebase_free(rb);
}

static void line(const char *text)
{
	gs_ingest_result_release(&res);
	gs_ingest_line(ing, rb, text, strlen(text), REF, &res);
}

static void message(const char *text, time_t time, const char *host)
{
	struct gs_ingest_msg m = {text, text != NULL ? strlen(text) : 0, time,
				  host};

	gs_ingest_result_release(&res);
	gs_ingest_message(ing, rb, &m, &res);
}

static void snapshot(void)
{
	char err[GS_ERRLEN];

	gs_summary_free(&sum);
	ck_assert_msg(gs_tally_snapshot(tally, NOW, &sum, err, sizeof(err)) ==
			  0,
		      "%s", err);
}

static void assert_totals(uint64_t lines, uint64_t actions, uint64_t ignored,
			  uint64_t unparsed)
{
	snapshot();
	ck_assert_uint_eq(sum.totals.lines, lines);
	ck_assert_uint_eq(sum.totals.actions, actions);
	ck_assert_uint_eq(sum.totals.ignored, ignored);
	ck_assert_uint_eq(sum.totals.unparsed, unparsed);
}

/* A JSON string member of the parse result, or NULL. */
static const char *json_str(const char *key)
{
	struct json_object *v;

	if (res.parsed.json == NULL ||
	    !json_object_object_get_ex(res.parsed.json, key, &v))
		return NULL;
	return json_object_get_string(v);
}

START_TEST(test_line_decision_is_counted_under_its_group)
{
	line(LINE(DECISION));
	ck_assert_int_eq(res.kind, GS_INGEST_ACTION);
	ck_assert_str_eq(res.line, "action");
	ck_assert(res.grouped);
	ck_assert(res.counted);
	ck_assert_str_eq(res.group, "outlook.com");
	ck_assert_int_eq(res.group_kind, GS_KIND_NAME);
	ck_assert_int_eq(res.parsed.ev.counter, GS_C_NEW);
	ck_assert_int_eq(res.parsed.ev.time, T_18_00);
	ck_assert_str_eq(res.parsed.ev.host, "mx1");
	ck_assert_ptr_nonnull(res.parsed.json);
	ck_assert_str_eq(json_str("client_address"), "40.107.1.2");
	assert_totals(1, 1, 0, 0);
	ck_assert_str_eq(sum.groups[0].domain, "outlook.com");
	ck_assert_str_eq(sum.groups[0].hosts[0].host, "mx1");
	ck_assert_int_eq(sum.groups[0].last_seen, T_18_00);
}
END_TEST

START_TEST(test_line_unknown_client_groups_by_network)
{
	line(LINE("action=greylist, reason=early-retry (240s missing), "
		  "client_name=unknown, client_address=192.0.2.55"));
	ck_assert_int_eq(res.kind, GS_INGEST_ACTION);
	ck_assert_str_eq(res.group, "[192.0.2.0/24]");
	ck_assert_int_eq(res.group_kind, GS_KIND_NETWORK);
	ck_assert_int_eq(res.parsed.ev.counter, GS_C_EARLY_RETRY);
}
END_TEST

START_TEST(test_line_known_non_decision_is_ignored)
{
	line(LINE("whitelisted: mx.example.net[198.51.100.7]"));
	ck_assert_int_eq(res.kind, GS_INGEST_IGNORED);
	ck_assert_str_eq(res.line, "whitelisted");
	ck_assert(!res.grouped);
	line(LINE("HUP received: reloading whitelists..."));
	ck_assert_int_eq(res.kind, GS_INGEST_IGNORED);
	ck_assert_str_eq(res.line, "hup");
	assert_totals(2, 0, 2, 0);
}
END_TEST

/* Unparsed lines are sampled by the whole line. */
START_TEST(test_line_not_understood_is_unparsed_with_the_line)
{
	static const char text[] = LINE("this is not a postgrey message");

	line(text);
	ck_assert_int_eq(res.kind, GS_INGEST_UNPARSED);
	ck_assert_str_eq(res.line, "unparsed");
	ck_assert_ptr_eq(res.sample, text);
	ck_assert_uint_eq(res.sample_len, strlen(text));
	ck_assert_ptr_null(res.parsed.json);
	assert_totals(1, 0, 0, 1);
	ck_assert_str_eq(sum.samples[0], text);
}
END_TEST

/* A decision whose client address is no address: the parser refuses it
 * (so every decision it gives has a group, by network at least), and the
 * line is unparsed. */
START_TEST(test_line_decision_without_address_is_unparsed)
{
	line(LINE("action=greylist, reason=new, client_name=unknown, "
		  "client_address=::ffff:zz"));
	ck_assert_int_eq(res.kind, GS_INGEST_UNPARSED);
	ck_assert_str_eq(res.line, "unparsed");
	ck_assert(!res.grouped);
	ck_assert(!res.counted);
	assert_totals(1, 0, 0, 1);
	ck_assert_uint_eq(sum.n_samples, 1);
}
END_TEST

START_TEST(test_line_of_another_program_counts_as_a_line)
{
	line("Nov 27 18:00:00 mx1 postfix/smtpd[100]: connect from x");
	ck_assert_int_eq(res.kind, GS_INGEST_FOREIGN);
	ck_assert_ptr_null(res.line);
	line("garbage that mentions no program");
	ck_assert_int_eq(res.kind, GS_INGEST_FOREIGN);
	line("");
	ck_assert_int_eq(res.kind, GS_INGEST_FOREIGN);
	assert_totals(3, 0, 0, 0);
}
END_TEST

/* Broken framing: unparsed only when it may be postgrey's. */
START_TEST(test_line_broken_framing_naming_postgrey_is_unparsed)
{
	line("Nov 27 18:14:00 mx1 postgrey[12a]: " DECISION);
	ck_assert_int_eq(res.kind, GS_INGEST_UNPARSED);
	line("garbage postgrey garbage");
	ck_assert_int_eq(res.kind, GS_INGEST_UNPARSED);
	line("garbage postgre");
	ck_assert_int_eq(res.kind, GS_INGEST_FOREIGN);
	assert_totals(3, 0, 0, 2);
}
END_TEST

/* 255 bytes of host are a host; 256 make the line unparsed. */
START_TEST(test_line_host_of_256_bytes_is_unparsed)
{
	char text[1024], host[GS_INGEST_HOST_MAX + 1];

	memset(host, 'h', sizeof(host));
	host[GS_INGEST_HOST_MAX - 1] = '\0';
	snprintf(text, sizeof(text),
		 "Nov 27 18:00:00 %s postgrey[1]: " DECISION, host);
	line(text);
	ck_assert_int_eq(res.kind, GS_INGEST_ACTION);
	ck_assert_uint_eq(strlen(res.parsed.ev.host), GS_INGEST_HOST_MAX - 1);
	host[GS_INGEST_HOST_MAX - 1] = 'h';
	host[GS_INGEST_HOST_MAX] = '\0';
	snprintf(text, sizeof(text),
		 "Nov 27 18:00:00 %s postgrey[1]: " DECISION, host);
	line(text);
	ck_assert_int_eq(res.kind, GS_INGEST_UNPARSED);
	assert_totals(2, 1, 0, 1);
}
END_TEST

/* A message: its own time and host; trailing CR/LF are not part of it. */
START_TEST(test_message_decision_takes_callers_time_and_host)
{
	message(DECISION "\r\n", 1234567890, "mx9");
	ck_assert_int_eq(res.kind, GS_INGEST_ACTION);
	ck_assert_int_eq(res.parsed.ev.time, 1234567890);
	ck_assert_str_eq(res.parsed.ev.host, "mx9");
	ck_assert_str_eq(res.group, "outlook.com");
	message(DECISION, 1234567890, NULL);
	ck_assert_str_eq(res.parsed.ev.host, "");
	assert_totals(2, 2, 0, 0);
}
END_TEST

/* An unparsed message is sampled by its text, without CR/LF. */
START_TEST(test_message_unparsed_is_sampled_by_its_text)
{
	message("not one of postgrey's\n\n\r", NOW, "mx1");
	ck_assert_int_eq(res.kind, GS_INGEST_UNPARSED);
	ck_assert_uint_eq(res.sample_len, strlen("not one of postgrey's"));
	message(NULL, NOW, "mx1");
	ck_assert_int_eq(res.kind, GS_INGEST_UNPARSED);
	ck_assert_uint_eq(res.sample_len, 0);
	message("whitelisted: a.example[192.0.2.1]", NOW, "mx1");
	ck_assert_int_eq(res.kind, GS_INGEST_IGNORED);
	ck_assert_str_eq(res.line, "whitelisted");
	assert_totals(3, 0, 1, 2);
	ck_assert_str_eq(sum.samples[0], "not one of postgrey's");
	ck_assert_str_eq(sum.samples[1], "");
}
END_TEST

START_TEST(test_overlong_line_judged_by_its_head)
{
	static const char pg[] = LINE(DECISION);
	static const char other[] = "Nov 27 18:00:00 mx1 cron[1]: postgrey";

	gs_ingest_judge_overlong(ing, pg, sizeof(pg) - 1, REF, &res);
	ck_assert_int_eq(res.kind, GS_INGEST_UNPARSED);
	ck_assert_ptr_eq(res.sample, pg);
	gs_ingest_judge_overlong(ing, other, sizeof(other) - 1, REF, &res);
	ck_assert_int_eq(res.kind, GS_INGEST_FOREIGN);
	gs_ingest_judge_overlong(ing, "x postgrey y", 12, REF, &res);
	ck_assert_int_eq(res.kind, GS_INGEST_UNPARSED);
	/* Judging counts nothing. */
	assert_totals(0, 0, 0, 0);
}
END_TEST

/* Judged by one ingest without a tally, counted by another; lines and
 * ignored ones in bulk, as a scan's block. */
START_TEST(test_judge_in_one_count_in_another)
{
	struct gs_ingest *judge;
	char err[GS_ERRLEN];
	static const char text[] = LINE(DECISION);

	judge = gs_ingest_new(grouper, NULL, 16, err, sizeof(err));
	ck_assert_msg(judge != NULL, "%s", err);
	gs_ingest_judge_line(judge, rb, text, sizeof(text) - 1, REF, &res);
	ck_assert_int_eq(res.kind, GS_INGEST_ACTION);
	assert_totals(0, 0, 0, 0);
	gs_ingest_count(ing, &res);
	ck_assert(res.counted);
	gs_ingest_count_lines(ing, 5, 2);
	assert_totals(5, 1, 2, 0);
	gs_ingest_free(judge);
}
END_TEST

/* Counts of an open ingest are in every snapshot; freeing keeps them. */
START_TEST(test_open_ingest_counts_are_in_snapshots)
{
	line(LINE("whitelisted: mx.example.net[198.51.100.7]"));
	line("Nov 27 18:00:00 mx1 cron[1]: x");
	assert_totals(2, 0, 1, 0);
	gs_ingest_free(ing);
	ing = NULL;
	assert_totals(2, 0, 1, 0);
}
END_TEST

START_TEST(test_ingest_new_fails_with_bad_cache_size)
{
	char err[GS_ERRLEN] = "";

	ck_assert_ptr_null(gs_ingest_new(
	    grouper, tally, GS_GROUP_CACHE_MAX_SLOTS + 1, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "group cache"));
	ck_assert_ptr_null(gs_ingest_new(NULL, tally, 16, err, sizeof(err)));
	gs_ingest_free(NULL);
}
END_TEST

static Suite *ingest_suite(void)
{
	Suite *s = suite_create("ingest");
	TCase *tc = tcase_create("ingest");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_line_decision_is_counted_under_its_group);
	tcase_add_test(tc, test_line_unknown_client_groups_by_network);
	tcase_add_test(tc, test_line_known_non_decision_is_ignored);
	tcase_add_test(tc, test_line_not_understood_is_unparsed_with_the_line);
	tcase_add_test(tc, test_line_decision_without_address_is_unparsed);
	tcase_add_test(tc, test_line_of_another_program_counts_as_a_line);
	tcase_add_test(tc,
		       test_line_broken_framing_naming_postgrey_is_unparsed);
	tcase_add_test(tc, test_line_host_of_256_bytes_is_unparsed);
	tcase_add_test(tc, test_message_decision_takes_callers_time_and_host);
	tcase_add_test(tc, test_message_unparsed_is_sampled_by_its_text);
	tcase_add_test(tc, test_overlong_line_judged_by_its_head);
	tcase_add_test(tc, test_judge_in_one_count_in_another);
	tcase_add_test(tc, test_open_ingest_counts_are_in_snapshots);
	tcase_add_test(tc, test_ingest_new_fails_with_bad_cache_size);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(ingest_suite)
