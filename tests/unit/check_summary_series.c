/* Unit tests of the summary reader's per-slot series, added within
 * version 2 (lib/summary/summary_read.c, summary_series.c): the frame's
 * checks, every domain's arrays of exactly "slots" counts when the frame
 * is there, a domain's series ignored when it is not, a file without any
 * (written before greyscan 0.2) read as having none; the same from a file
 * and from a tree, whatever the order of the members. (check_summary_write
 * covers the writer and the round trip.) */
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

static struct json_object *series_tree(void)
{
	return tree_of(FIXTURES "/series-v2.json");
}

/* "[n, n, ..., n]" of k counts into buf. */
static const char *counts_text(char *buf, size_t len, size_t k, const char *n)
{
	size_t i, off = 0;

	off += (size_t)snprintf(buf + off, len - off, "[");
	for (i = 0; i < k; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					i > 0 ? "," : "", n);
	ck_assert_uint_lt(off + 1, len);
	snprintf(buf + off, len - off, "]");
	return buf;
}

/* Every domain's arrays set to k counts of n. */
static void set_all_series(struct json_object *root, size_t k, const char *n)
{
	char path[64], buf[2048];
	size_t i, len = json_object_array_length(walk(root, "domains"));

	for (i = 0; i < len; i++) {
		snprintf(path, sizeof(path), "domains.%zu.series", i);
		set_member(root, path, "greylisted",
			   counts_text(buf, sizeof(buf), k, n));
		set_member(root, path, "passed",
			   counts_text(buf, sizeof(buf), k, n));
	}
}

/* ---- the reader: what is read ---------------------------------------- */

START_TEST(test_series_read_gives_every_slot)
{
	struct json_object *root = series_tree();
	const struct gs_series_slot *v;
	struct gs_summary s;

	assert_accepted(root, &s);
	ck_assert(s.has_series);
	ck_assert_int_eq(s.series_start, 1795197600); /* 2026-11-20T18:00 */
	ck_assert_uint_eq(s.series_slot_s, 21600);
	ck_assert_uint_eq(s.series_slots, 4);
	ck_assert_str_eq(s.groups[0].domain, "pool.example");
	v = s.groups[0].series;
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(v[0].greylisted, 100);
	ck_assert_uint_eq(v[1].greylisted, 0);
	ck_assert_uint_eq(v[2].greylisted, 300);
	ck_assert_uint_eq(v[3].greylisted, 120);
	ck_assert_uint_eq(v[0].passed, 40);
	ck_assert_uint_eq(v[3].passed, 100);
	ck_assert_str_eq(s.groups[1].domain, "bot.example");
	ck_assert_uint_eq(s.groups[1].series[1].greylisted, 390);
	ck_assert_str_eq(s.groups[2].domain, "[192.0.2.0/24]");
	ck_assert_uint_eq(s.groups[2].series[3].greylisted, 20);
	gs_summary_free(&s);
	json_object_put(root);
}
END_TEST

/* A version 2 file from before greyscan 0.2 has no series. */
START_TEST(test_series_read_file_without_one_has_none)
{
	struct json_object *root = tree_of(FIXTURES "/pairs-v2.json");
	struct gs_summary s;
	size_t i;

	assert_accepted(root, &s);
	ck_assert(!s.has_series);
	ck_assert_uint_eq(s.series_slots, 0);
	for (i = 0; i < s.n_groups; i++)
		ck_assert_ptr_null(s.groups[i].series);
	gs_summary_free(&s);
	json_object_put(root);
}
END_TEST

/* Without the top-level member a domain's "series" is ignored, however
 * wrong, and so is it with the member after the domains. */
START_TEST(test_series_read_ignores_domain_series_without_the_frame)
{
	struct json_object *root = series_tree();
	char path[256], err[GS_ERRLEN] = "";
	struct gs_summary s;
	size_t i;

	set_member(root, "", "series", NULL);
	assert_accepted(root, &s);
	ck_assert(!s.has_series);
	for (i = 0; i < s.n_groups; i++)
		ck_assert_ptr_null(s.groups[i].series);
	gs_summary_free(&s);
	set_member(root, "domains.0", "series", "7");
	set_member(root, "domains.1.series", "passed", "[-1]");
	set_member(root, "domains.2", "series", NULL);
	assert_accepted(root, &s);
	ck_assert(!s.has_series);
	gs_summary_free(&s);
	/* "version" last: the domains are read before the end of the file
	 * shows that there is no frame */
	write_member_last(path, sizeof(path), root, "version");
	ck_assert_msg(gs_summary_read(path, &s, err, sizeof(err)) == 0, "%s",
		      err);
	ck_assert(!s.has_series);
	for (i = 0; i < s.n_groups; i++)
		ck_assert_ptr_null(s.groups[i].series);
	gs_summary_free(&s);
	json_object_put(root);
}
END_TEST

START_TEST(test_series_read_accepts_exact_limits)
{
	struct json_object *root = series_tree();
	struct gs_summary s;

	set_member(root, "series", "slot_seconds", "4294967295");
	set_member(root, "series", "slots", "64");
	set_all_series(root, 64, COUNT_MAX_TEXT);
	assert_accepted(root, &s);
	ck_assert_uint_eq(s.series_slot_s, UINT32_MAX);
	ck_assert_uint_eq(s.series_slots, GS_SERIES_MAX_SLOTS);
	ck_assert_uint_eq(s.groups[2].series[63].passed,
			  strtoull(COUNT_MAX_TEXT, NULL, 10));
	gs_summary_free(&s);
	/* one second slots, no slot: start null or a time, empty arrays */
	set_member(root, "series", "slot_seconds", "1");
	set_member(root, "series", "slots", "0");
	set_all_series(root, 0, "0");
	assert_accepted(root, &s);
	ck_assert(s.has_series);
	ck_assert_uint_eq(s.series_slots, 0);
	ck_assert_ptr_null(s.groups[0].series);
	gs_summary_free(&s);
	set_member(root, "series", "start", "null");
	assert_accepted(root, &s);
	ck_assert_int_eq(s.series_start, 0);
	gs_summary_free(&s);
	/* time 0 with a slot */
	set_member(root, "series", "start", "\"1970-01-01T00:00:00Z\"");
	set_member(root, "series", "slots", "1");
	set_all_series(root, 1, "5");
	assert_accepted(root, &s);
	ck_assert_int_eq(s.series_start, 0);
	ck_assert_uint_eq(s.groups[1].series[0].greylisted, 5);
	gs_summary_free(&s);
	json_object_put(root);
}
END_TEST

/* ---- the reader: what is refused ------------------------------------- */

struct bad_member {
	const char *parent; /* dot path, "" for the top level */
	const char *key;
	const char *value; /* JSON text; NULL removes the member */
	const char *want;  /* the message after "FILE: " */
};

#define TIME_OR_NULL "expected null or a time as \"YYYY-MM-DDTHH:MM:SSZ\""

/* The frame's defects, which the header's check finds. */
static const struct bad_member bad_frames[] = {
    {"", "series", "[]", "series: expected an object"},
    {"", "series", "null", "series: expected an object"},
    {"series", "slot_seconds", NULL, "series.slot_seconds: missing"},
    {"series", "slot_seconds", "0",
     "series.slot_seconds: 0 out of range 1..4294967295"},
    {"series", "slot_seconds", "4294967296",
     "series.slot_seconds: 4294967296 out of range 1..4294967295"},
    {"series", "slot_seconds", "\"6h\"",
     "series.slot_seconds: expected an integer"},
    {"series", "slot_seconds", "21600.0",
     "series.slot_seconds: expected an integer"},
    {"series", "slots", NULL, "series.slots: missing"},
    {"series", "slots", "65", "series.slots: number out of range (maximum 64)"},
    {"series", "slots", "-1", "series.slots: " NNI},
    {"series", "slots", "null", "series.slots: " NNI},
    {"series", "start", NULL, "series.start: missing"},
    {"series", "start", "null", "series.start: null, but there are 4 slots"},
    {"series", "start", "0", "series.start: " TIME_OR_NULL},
    {"series", "start", "\"2026-11-20 18:00:00\"",
     "series.start: " TIME_OR_NULL},
};

/* A domain's defects, found with the domain or, when the domain comes
 * before the frame, once the frame is known. */
static const struct bad_member bad_domains[] = {
    {"domains.0", "series", NULL, "domains[0].series: missing"},
    {"domains.2", "series", NULL, "domains[2].series: missing"},
    {"domains.0", "series", "[]", "domains[0].series: expected an object"},
    {"domains.1", "series", "null", "domains[1].series: expected an object"},
    {"domains.0.series", "greylisted", NULL,
     "domains[0].series.greylisted: missing"},
    {"domains.0.series", "greylisted", "{}",
     "domains[0].series.greylisted: expected an array"},
    {"domains.0.series", "passed", NULL, "domains[0].series.passed: missing"},
    {"domains.1.series", "passed", "4",
     "domains[1].series.passed: expected an array"},
    /* one short, one long, none */
    {"domains.2.series", "passed", "[0,0,0]",
     "domains[2].series.passed: expected 4 counts, found 3"},
    {"domains.0.series", "greylisted", "[1,2,3,4,5]",
     "domains[0].series.greylisted: expected 4 counts, found 5"},
    {"domains.1.series", "greylisted", "[]",
     "domains[1].series.greylisted: expected 4 counts, found 0"},
    /* the counts */
    {"domains.0.series", "greylisted", "[1,-1,0,0]",
     "domains[0].series.greylisted[1]: " NNI},
    {"domains.0.series", "passed", "[0,0,0,9223372036854775807]",
     "domains[0].series.passed[3]: " RANGE64},
    {"domains.2.series", "passed", "[0,0,\"1\",0]",
     "domains[2].series.passed[2]: " NNI},
    {"domains.2.series", "passed", "[0,0,0,1.5]",
     "domains[2].series.passed[3]: " NNI},
    /* a wrong count comes before a wrong length */
    {"domains.1.series", "passed", "[0,null]",
     "domains[1].series.passed[1]: " NNI},
};

START_TEST(test_series_read_refuses_bad_frame)
{
	const struct bad_member *b = &bad_frames[_i];
	struct json_object *root = series_tree();

	set_member(root, b->parent, b->key, b->value);
	assert_refused(root, b->want);
	json_object_put(root);
}
END_TEST

START_TEST(test_series_read_refuses_bad_domain)
{
	const struct bad_member *b = &bad_domains[_i];
	struct json_object *root = series_tree();

	set_member(root, b->parent, b->key, b->value);
	assert_refused(root, b->want);
	json_object_put(root);
}
END_TEST

/* ---- the order of members in the file --------------------------------
 * The file reader meets the domains as they come; "series" may come after
 * them, and then whether there is a frame, and its slots, are known only
 * at the end. Errors come as one parse of the whole tree gives them. */

START_TEST(test_series_read_frame_after_the_domains)
{
	struct json_object *root = series_tree();
	char path[256], err[GS_ERRLEN] = "";
	struct gs_summary s, tree;

	write_member_last(path, sizeof(path), root, "series");
	ck_assert_msg(gs_summary_read(path, &s, err, sizeof(err)) == 0, "%s",
		      err);
	ck_assert_msg(
	    gs_summary_from_json(root, "t", &tree, err, sizeof(err)) == 0, "%s",
	    err);
	assert_same_reading(&s, &tree);
	ck_assert(s.has_series);
	ck_assert_uint_eq(s.groups[0].series[2].greylisted, 300);
	gs_summary_free(&tree);
	gs_summary_free(&s);
	json_object_put(root);
}
END_TEST

/* Each defect of a domain read ahead of the frame, named as when the
 * frame comes first. */
START_TEST(test_series_read_late_frame_finds_each_defect)
{
	const struct bad_member *b = &bad_domains[_i];
	struct json_object *root = series_tree();

	set_member(root, b->parent, b->key, b->value);
	assert_late_error(root, "series", b->want);
	json_object_put(root);
}
END_TEST

/* All domains alike but unlike the frame: the first is named. */
START_TEST(test_series_read_late_frame_of_another_length)
{
	struct json_object *root = series_tree();

	set_all_series(root, 3, "1");
	assert_late_error(root, "series",
			  "domains[0].series.greylisted: expected 4 counts, "
			  "found 3");
	set_member(root, "series", "slots", "3");
	set_member(root, "domains.1.series", "passed", "[1,1]");
	assert_late_error(root, "series",
			  "domains[1].series.passed: expected 3 counts, found "
			  "2");
	/* the domains' defects after a first one do not matter */
	set_member(root, "domains.2", "series", "[]");
	assert_late_error(root, "series",
			  "domains[1].series.passed: expected 3 counts, found "
			  "2");
	json_object_put(root);
}
END_TEST

START_TEST(test_series_read_late_frame_keeps_the_error_order)
{
	struct json_object *root = series_tree();

	/* an earlier error in another member comes first */
	set_member(root, "domains.1", "series", NULL);
	set_member(root, "domains.0", "new", "-1");
	assert_late_error(root, "series", "domains[0].new: " NNI);
	/* a later one after */
	set_member(root, "domains.0", "new", "500");
	set_member(root, "domains.2", "new", "-1");
	assert_late_error(root, "series", "domains[1].series: missing");
	/* in the same domain, the member read before "series" */
	set_member(root, "domains.2", "new", "10");
	set_member(root, "domains.1", "hosts", "[]");
	assert_late_error(root, "series",
			  "domains[1].hosts: expected an object");
	/* the header before any domain */
	set_member(root, "domains.1", "hosts", "{}");
	set_member(root, "series", "slots", "65");
	assert_late_error(root, "series",
			  "series.slots: number out of range (maximum 64)");
	json_object_put(root);
}
END_TEST

/* "version" and "series" both after the domains: within a domain its
 * pairs are read before its series, and an earlier domain comes first. */
START_TEST(test_series_read_late_frame_and_version_with_pairs)
{
	struct json_object *root = series_tree();
	const char *pairs =
	    json_object_to_json_string(walk(root, "domains.1.pairs"));
	char *kept = strdup(pairs);

	ck_assert_ptr_nonnull(kept);
	set_member(root, "domains.1", "series", NULL);
	set_member(root, "domains.1", "pairs", NULL);
	assert_late_error(root, "version series", "domains[1].pairs: missing");
	assert_late_error(root, "series version", "domains[1].pairs: missing");
	set_member(root, "domains.1", "pairs", kept);
	set_member(root, "domains.2", "pairs", NULL);
	assert_late_error(root, "version series", "domains[1].series: missing");
	set_member(root, "domains.0", "series", NULL);
	assert_late_error(root, "series version", "domains[0].series: missing");
	free(kept);
	json_object_put(root);
}
END_TEST

static Suite *summary_series_suite(void)
{
	Suite *s = suite_create("summary_series");
	TCase *tr = tcase_create("read");

	tcase_add_checked_fixture(tr, setup, teardown);
	tcase_add_test(tr, test_series_read_gives_every_slot);
	tcase_add_test(tr, test_series_read_file_without_one_has_none);
	tcase_add_test(
	    tr, test_series_read_ignores_domain_series_without_the_frame);
	tcase_add_test(tr, test_series_read_accepts_exact_limits);
	tcase_add_loop_test(tr, test_series_read_refuses_bad_frame, 0,
			    (int)(sizeof(bad_frames) / sizeof(bad_frames[0])));
	tcase_add_loop_test(
	    tr, test_series_read_refuses_bad_domain, 0,
	    (int)(sizeof(bad_domains) / sizeof(bad_domains[0])));
	tcase_add_test(tr, test_series_read_frame_after_the_domains);
	tcase_add_loop_test(
	    tr, test_series_read_late_frame_finds_each_defect, 0,
	    (int)(sizeof(bad_domains) / sizeof(bad_domains[0])));
	tcase_add_test(tr, test_series_read_late_frame_of_another_length);
	tcase_add_test(tr, test_series_read_late_frame_keeps_the_error_order);
	tcase_add_test(tr, test_series_read_late_frame_and_version_with_pairs);
	suite_add_tcase(s, tr);
	return s;
}

GS_TEST_MAIN(summary_series_suite)
