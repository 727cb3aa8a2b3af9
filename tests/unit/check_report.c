/* Unit tests of lib/advice/report.c: the table against an expected text,
 * the wait and never-passed columns of a version 2 summary ("n/a" without
 * pair evidence), the JSON object with the window, the totals and every
 * row, limits, the empty summary and write errors. */
#include "gs_config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfastjson/json.h>

#include "base/error.h"
#include "advice/report.h"
#include "summary/summary.h"
#include "summary/summary_file.h"
#include "suite.h"

#define FIXTURES GS_TEST_SRCDIR "/tests/data/summary"

static struct gs_summary sum;

static void setup(void)
{
	char err[GS_ERRLEN] = "";

	ck_assert_msg(gs_summary_read(FIXTURES "/report-v1.json", &sum, err,
				      sizeof(err)) == 0,
		      "%s", err);
	ck_assert_uint_eq(sum.n_groups, 6);
}

static void teardown(void)
{
	gs_summary_free(&sum);
}

/* Runs a report into memory; returns the malloc'ed text and its rc. */
static char *capture(int (*fn)(FILE *, const struct gs_summary *, size_t),
		     const struct gs_summary *s, size_t limit, int *rc)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	*rc = fn(f, s, limit);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_ptr_nonnull(text);
	return text;
}

static char *slurp(const char *path)
{
	static char buf[16384];
	size_t n;
	FILE *f = fopen(path, "rb");

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

START_TEST(test_report_table_matches_expected_text)
{
	int rc;
	char *text = capture(gs_report_table, &sum, 0, &rc);

	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(text, slurp(FIXTURES "/report-v1.txt"));
	free(text);
}
END_TEST

/* Every line puts each column at the same display position: the header's
 * column starts are found again in each row (ASCII rows only). */
START_TEST(test_report_table_columns_are_aligned)
{
	int rc;
	char *text = capture(gs_report_table, &sum, 0, &rc), *line, *save;
	const char *header_cols[] = {"DOMAIN", "NEW", "EARLY-RETRY", "MEDIAN",
				     "EXAMPLE"};
	size_t header_end[5], lines = 0;

	ck_assert_int_eq(rc, 0);
	line = strtok_r(text, "\n", &save);
	ck_assert_ptr_nonnull(line);
	for (int i = 0; i < 5; i++) {
		char *p = strstr(line, header_cols[i]);

		ck_assert_ptr_nonnull(p);
		header_end[i] = (size_t)(p - line);
	}
	/* Right-aligned NEW ends where its title ends; left-aligned EXAMPLE
	 * starts where its title starts. */
	while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
		lines++;
		if (strstr(line, "outlook.com") != NULL) {
			ck_assert_int_eq(line[header_end[1] + 2], '0');
			ck_assert_int_eq(line[header_end[1] + 3], ' ');
			ck_assert(
			    strncmp(line + header_end[4], "mail-db5", 8) == 0);
			ck_assert(strncmp(line + header_end[0], "outlook.com",
					  11) == 0);
		}
		/* No trailing blanks. */
		ck_assert_int_ne(line[strlen(line) - 1], ' ');
	}
	ck_assert_uint_eq(lines, 6);
	free(text);
}
END_TEST

START_TEST(test_report_table_formats_delays_for_people)
{
	int rc;
	char *text = capture(gs_report_table, &sum, 0, &rc);

	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(text, " 5m12s"));	/* 312 */
	ck_assert_ptr_nonnull(strstr(text, " 3h04m"));	/* 11045 */
	ck_assert_ptr_nonnull(strstr(text, " 42s"));	/* 42 */
	ck_assert_ptr_nonnull(strstr(text, " 23h59m")); /* 86399 */
	ck_assert_ptr_nonnull(strstr(text, " 59s"));	/* 59 */
	ck_assert_ptr_nonnull(strstr(text, " 1m00s"));	/* 60 */
	ck_assert_ptr_nonnull(strstr(text, " 59m59s")); /* 3599 */
	ck_assert_ptr_nonnull(strstr(text, " 1h00m"));	/* 3600 */
	ck_assert_ptr_nonnull(strstr(text, " 1d00h"));	/* 86400 */
	ck_assert_ptr_nonnull(strstr(text, " 2d02h"));	/* 180061 */
	free(text);
}
END_TEST

START_TEST(test_report_table_masks_control_characters)
{
	int rc;
	char *text = capture(gs_report_table, &sum, 0, &rc);

	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_null(strchr(text, '\x1b'));
	ck_assert_ptr_null(strchr(text, '\a'));
	ck_assert_ptr_nonnull(strstr(text, "evil?[31m.example"));
	ck_assert_ptr_nonnull(strstr(text, "x?.evil.example"));
	free(text);
}
END_TEST

START_TEST(test_report_table_limit_shows_first_rows_only)
{
	int rc;
	char *text = capture(gs_report_table, &sum, 2, &rc), *p;
	size_t lines = 0;

	ck_assert_int_eq(rc, 0);
	for (p = text; *p != '\0'; p++)
		lines += *p == '\n';
	ck_assert_uint_eq(lines, 3);
	ck_assert_ptr_nonnull(strstr(text, "amazonses.com"));
	ck_assert_ptr_null(strstr(text, "192.0.2"));
	/* Widths follow the rows shown: the domain column is as wide as
	 * "amazonses.com", the longest name shown. */
	ck_assert_ptr_nonnull(strstr(text, "\n1  outlook.com    "));
	free(text);
}
END_TEST

START_TEST(test_report_table_limit_beyond_rows_shows_all)
{
	int rc1, rc2;
	char *all = capture(gs_report_table, &sum, 0, &rc1);
	char *more = capture(gs_report_table, &sum, 7, &rc2);

	ck_assert_int_eq(rc1, 0);
	ck_assert_int_eq(rc2, 0);
	ck_assert_str_eq(all, more);
	free(all);
	free(more);
}
END_TEST

/* A summary of the busiest groups only ends with a line saying so; the
 * fixture lists all its groups and has none (see the expected text). */
START_TEST(test_report_table_notes_groups_left_out_of_the_summary)
{
	char *text, *tail;
	int rc;

	ck_assert_uint_eq(sum.totals.groups, 6);
	sum.totals.groups = 100;
	text = capture(gs_report_table, &sum, 0, &rc);
	ck_assert_int_eq(rc, 0);
	tail = strstr(text, "The summary lists");
	ck_assert_ptr_nonnull(tail);
	ck_assert_str_eq(tail, "The summary lists the 6 busiest of 100 domains "
			       "tracked.\n");
	free(text);
	/* One more than listed is enough. */
	sum.totals.groups = 7;
	text = capture(gs_report_table, &sum, 2, &rc);
	ck_assert_ptr_nonnull(strstr(text, "the 6 busiest of 7 domains"));
	free(text);
}
END_TEST

START_TEST(test_report_table_empty_summary_says_so)
{
	struct gs_summary empty = {0};
	int rc;
	char *text = capture(gs_report_table, &empty, 0, &rc);

	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(text, "No domains in the summary.\n");
	free(text);
}
END_TEST

START_TEST(test_report_table_write_error_returns_minus_one)
{
	FILE *f = fopen("/dev/full", "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(gs_report_table(f, &sum, 0), -1);
	fclose(f);
}
END_TEST

/* The report's object (*root, to be released) and its rows. */
static struct json_object *parse_rows(const char *text, size_t want_rows,
				      struct json_object **root)
{
	struct json_object *a;
	size_t len = strlen(text);

	/* One line, one trailing newline. */
	ck_assert_uint_gt(len, 0);
	ck_assert_ptr_eq(strchr(text, '\n'), text + len - 1);
	*root = json_tokener_parse(text);
	ck_assert_ptr_nonnull(*root);
	ck_assert(json_object_is_type(*root, json_type_object));
	ck_assert(json_object_object_get_ex(*root, "domains", &a));
	ck_assert(json_object_is_type(a, json_type_array));
	ck_assert_uint_eq((size_t)json_object_array_length(a), want_rows);
	return a;
}

static int64_t get_int(struct json_object *o, const char *key)
{
	struct json_object *v;

	ck_assert_msg(json_object_object_get_ex(o, key, &v), "no %s", key);
	ck_assert(json_object_is_type(v, json_type_int));
	return json_object_get_int64(v);
}

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	ck_assert_msg(json_object_object_get_ex(o, key, &v), "no %s", key);
	ck_assert(json_object_is_type(v, json_type_string));
	return json_object_get_string(v);
}

START_TEST(test_report_json_has_one_object_per_row)
{
	int rc;
	char *text = capture(gs_report_json, &sum, 0, &rc);
	struct json_object *root, *a = parse_rows(text, 6, &root), *row, *v;

	ck_assert_int_eq(rc, 0);
	row = json_object_array_get_idx(a, 0);
	ck_assert_int_eq(get_int(row, "rank"), 1);
	ck_assert_str_eq(get_str(row, "domain"), "outlook.com");
	ck_assert_str_eq(get_str(row, "kind"), "name");
	ck_assert_int_eq(get_int(row, "new"), 1520);
	ck_assert_int_eq(get_int(row, "early_retry"), 310);
	ck_assert_int_eq(get_int(row, "delayed"), 1410);
	ck_assert_int_eq(get_int(row, "delay_median"), 312);
	ck_assert_int_eq(get_int(row, "delay_max"), 11045);
	ck_assert_int_eq(get_int(row, "client_addresses"), 64);
	ck_assert_int_eq(get_int(row, "networks"), 23);
	ck_assert_str_eq(get_str(row, "example"),
			 "mail-db5eur01.outbound.protection.outlook.com");

	row = json_object_array_get_idx(a, 2);
	ck_assert_int_eq(get_int(row, "rank"), 3);
	ck_assert_str_eq(get_str(row, "domain"), "[192.0.2.0/24]");
	ck_assert_str_eq(get_str(row, "kind"), "network");

	/* Names reach scripts unchanged, control characters escaped. */
	row = json_object_array_get_idx(a, 4);
	ck_assert_str_eq(get_str(row, "domain"), "evil\x1b[31m.example");
	ck_assert_ptr_null(strchr(text, '\x1b'));

	row = json_object_array_get_idx(a, 5);
	ck_assert(json_object_object_get_ex(row, "example", &v));
	ck_assert_ptr_null(v);
	/* a version 1 summary: no pair evidence */
	ck_assert(json_object_object_get_ex(row, "pairs", &v));
	ck_assert_ptr_null(v);
	json_object_put(root);
	free(text);
}
END_TEST

/* The window and the totals come along (issue 11: they were dropped). */
START_TEST(test_report_json_has_window_and_totals)
{
	int rc;
	char *text = capture(gs_report_json, &sum, 1, &rc);
	struct json_object *root, *w, *t, *v;

	(void)parse_rows(text, 1, &root);
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(get_int(root, "summary_version"), 1);
	ck_assert_str_eq(get_str(root, "generated"), "2026-11-27T19:00:00Z");
	ck_assert(json_object_object_get_ex(root, "window", &w));
	ck_assert_str_eq(get_str(w, "start"), "2026-11-20T19:00:00Z");
	ck_assert_int_eq(get_int(w, "seconds"), 604800);
	ck_assert(json_object_object_get_ex(w, "retry_window", &v));
	ck_assert_ptr_null(v);
	ck_assert(json_object_object_get_ex(root, "totals", &t));
	ck_assert_int_eq(get_int(t, "groups"), 6);
	ck_assert_int_eq(get_int(t, "new"), (int64_t)sum.totals.per_counter[0]);
	ck_assert_int_eq(get_int(t, "lines"), (int64_t)sum.totals.lines);
	ck_assert(json_object_object_get_ex(t, "pairs_open", &v));
	ck_assert_ptr_null(v);
	json_object_put(root);
	free(text);
}
END_TEST

/* ---- a summary with pair evidence ---- */

static void read_v2(struct gs_summary *s)
{
	char err[GS_ERRLEN] = "";

	ck_assert_msg(gs_summary_read(FIXTURES "/pairs-v2.json", s, err,
				      sizeof(err)) == 0,
		      "%s", err);
}

START_TEST(test_report_table_shows_waits_and_never_passed)
{
	struct gs_summary v2;
	char *text;
	int rc;

	read_v2(&v2);
	text = capture(gs_report_table, &v2, 0, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_msg(strstr(text, "  WAIT-MEDIAN  WAIT-P90  NEVER-PASSED  ") !=
			  NULL,
		      "%s", text);
	/* pool: 4h08m, 9h30m, 29 (returned 340 - passed 311) */
	ck_assert(strstr(text, "5h33m        4h08m     9h30m            29") !=
		  NULL);
	/* bot: nothing passed; 12 came back and expired */
	ck_assert(strstr(text, "-            -         -            12") !=
		  NULL);
	ck_assert(strstr(text, "n/a") == NULL);
	free(text);
	gs_summary_free(&v2);
	/* version 1 */
	text = capture(gs_report_table, &sum, 0, &rc);
	ck_assert(strstr(text, "    n/a       n/a           n/a") != NULL);
	free(text);
}
END_TEST

START_TEST(test_report_json_has_pairs_of_version_2)
{
	struct gs_summary v2;
	struct json_object *root, *a, *p, *v;
	char *text;
	int rc;

	read_v2(&v2);
	text = capture(gs_report_json, &v2, 0, &rc);
	ck_assert_int_eq(rc, 0);
	a = parse_rows(text, 3, &root);
	ck_assert_int_eq(get_int(root, "summary_version"), 2);
	ck_assert(json_object_object_get_ex(root, "window", &v));
	ck_assert_int_eq(get_int(v, "retry_window"), 172800);
	ck_assert(json_object_object_get_ex(root, "totals", &v));
	ck_assert_int_eq(get_int(v, "pairs_evicted"), 7);
	ck_assert_int_eq(get_int(v, "pairs_open"), 55);
	ck_assert(json_object_object_get_ex(json_object_array_get_idx(a, 0),
					    "pairs", &p));
	ck_assert_int_eq(get_int(p, "greylisted"), 383);
	ck_assert_int_eq(get_int(p, "never_passed"), 29);
	ck_assert_int_eq(get_int(p, "wait_median"), 14880);
	ck_assert_int_eq(get_int(p, "wait_p90"), 34200);
	ck_assert_int_eq(get_int(p, "wait_max"), 90000);
	ck_assert(json_object_object_get_ex(json_object_array_get_idx(a, 1),
					    "pairs", &p));
	ck_assert(json_object_object_get_ex(p, "wait_p90", &v));
	ck_assert_ptr_null(v);
	json_object_put(root);
	free(text);
	gs_summary_free(&v2);
}
END_TEST

START_TEST(test_report_json_respects_limit)
{
	int rc;
	char *text = capture(gs_report_json, &sum, 1, &rc);
	struct json_object *root;

	(void)parse_rows(text, 1, &root);
	ck_assert_int_eq(rc, 0);
	json_object_put(root);
	free(text);
}
END_TEST

START_TEST(test_report_json_empty_summary_is_empty_array)
{
	struct gs_summary empty = {0};
	struct json_object *root;
	int rc;
	char *text = capture(gs_report_json, &empty, 0, &rc);

	ck_assert_int_eq(rc, 0);
	(void)parse_rows(text, 0, &root);
	json_object_put(root);
	free(text);
}
END_TEST

START_TEST(test_report_json_write_error_returns_minus_one)
{
	FILE *f = fopen("/dev/full", "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(gs_report_json(f, &sum, 0), -1);
	fclose(f);
}
END_TEST

static Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_report_table_matches_expected_text);
	tcase_add_test(tc, test_report_table_columns_are_aligned);
	tcase_add_test(tc, test_report_table_formats_delays_for_people);
	tcase_add_test(tc, test_report_table_masks_control_characters);
	tcase_add_test(tc, test_report_table_limit_shows_first_rows_only);
	tcase_add_test(tc, test_report_table_limit_beyond_rows_shows_all);
	tcase_add_test(tc,
		       test_report_table_notes_groups_left_out_of_the_summary);
	tcase_add_test(tc, test_report_table_empty_summary_says_so);
	tcase_add_test(tc, test_report_table_write_error_returns_minus_one);
	tcase_add_test(tc, test_report_json_has_one_object_per_row);
	tcase_add_test(tc, test_report_json_respects_limit);
	tcase_add_test(tc, test_report_json_has_window_and_totals);
	tcase_add_test(tc, test_report_table_shows_waits_and_never_passed);
	tcase_add_test(tc, test_report_json_has_pairs_of_version_2);
	tcase_add_test(tc, test_report_json_empty_summary_is_empty_array);
	tcase_add_test(tc, test_report_json_write_error_returns_minus_one);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(report_suite)
