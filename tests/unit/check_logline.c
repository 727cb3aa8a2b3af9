/* Unit tests of log-line framing (lib/logline.c): both timestamp formats,
 * the program tag, year inference, and broken lines. Each test runs in its
 * own process (Check's fork mode), so setting TZ in one does not leak. */
#include "input/logline.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "suite.h"

/* UTC instants (seconds) used below. */
#define T_2026_11_27_184314 1795804994L
#define T_2026_11_07_080509 1794038709L
#define T_2026_12_31_235959 1798761599L
#define T_2027_01_01_001000 1798762200L
#define T_2027_01_01_003000 1798763400L
#define T_2024_02_29_120000 1709208000L
#define T_2025_01_10_000000 1736467200L
#define T_2024_03_01_120000 1709294400L
#define T_2026_06_01_000000 1780272000L
#define T_2101_03_01_000000 4139078400L
#define T_2026_07_01_100000 1782900000L
#define T_2026_01_15_110000 1768474800L
#define T_2026_11_28_000000 1795824000L
#define T_2026_11_27_200000 1795809600L
#define T_2027_01_05_000000 1799107200L
#define T_2026_12_31_220000 1798754400L
#define T_2026_10_25_013000 1792891800L

#define REF T_2026_11_28_000000

static void use_zone(const char *tz)
{
	ck_assert_int_eq(setenv("TZ", tz, 1), 0);
	tzset();
}

static void setup(void)
{
	use_zone("UTC");
}

static enum gs_line_kind split(const char *line, time_t ref,
			       struct gs_logline *out)
{
	return gs_logline_split(line, strlen(line), ref, out);
}

static void assert_malformed(const char *line, time_t ref)
{
	struct gs_logline ll;

	ck_assert_msg(split(line, ref, &ll) == GS_LINE_MALFORMED,
		      "not malformed: '%s'", line);
	ck_assert_ptr_null(ll.msg);
}

static void assert_msg(const struct gs_logline *ll, const char *want)
{
	ck_assert_uint_eq(ll->msg_len, strlen(want));
	ck_assert_int_eq(memcmp(ll->msg, want, ll->msg_len), 0);
}

/* --- traditional format --- */

START_TEST(test_logline_traditional_postgrey_line)
{
	const char *line = "Nov 27 18:43:14 mx1 postgrey[11982]: "
			   "action=greylist, reason=new";
	struct gs_logline ll;

	ck_assert_int_eq(split(line, REF, &ll), GS_LINE_POSTGREY);
	ck_assert_int_eq(ll.time, T_2026_11_27_184314);
	ck_assert_uint_eq(ll.host_len, 3);
	ck_assert_int_eq(memcmp(ll.host, "mx1", 3), 0);
	ck_assert_ptr_eq(ll.host, line + 16);
	assert_msg(&ll, "action=greylist, reason=new");
}
END_TEST

START_TEST(test_logline_space_padded_day)
{
	struct gs_logline ll;

	ck_assert_int_eq(split("Nov  7 08:05:09 mx1 postgrey[1]: x", REF, &ll),
			 GS_LINE_POSTGREY);
	ck_assert_int_eq(ll.time, T_2026_11_07_080509);
}
END_TEST

START_TEST(test_logline_zero_padded_day)
{
	struct gs_logline ll;

	ck_assert_int_eq(split("Nov 07 08:05:09 mx1 postgrey[1]: x", REF, &ll),
			 GS_LINE_POSTGREY);
	ck_assert_int_eq(ll.time, T_2026_11_07_080509);
}
END_TEST

/* Summer and winter time in one zone: the line's clock is local. */
START_TEST(test_logline_traditional_is_local_time)
{
	struct gs_logline ll;

	use_zone("Europe/Berlin");
	ck_assert_int_eq(split("Jul  1 12:00:00 mx1 postgrey[1]: x", REF, &ll),
			 GS_LINE_POSTGREY);
	ck_assert_int_eq(ll.time, T_2026_07_01_100000);
	ck_assert_int_eq(split("Jan 15 12:00:00 mx1 postgrey[1]: x", REF, &ll),
			 GS_LINE_POSTGREY);
	ck_assert_int_eq(ll.time, T_2026_01_15_110000);
}
END_TEST

/* 02:30 happens twice on 2026-10-25 in Berlin: either reading will do. */
START_TEST(test_logline_dst_overlap_gets_one_reading)
{
	struct gs_logline ll;

	use_zone("Europe/Berlin");
	ck_assert_int_eq(split("Oct 25 02:30:00 mx1 postgrey[1]: x", REF, &ll),
			 GS_LINE_POSTGREY);
	ck_assert_msg(ll.time == T_2026_10_25_013000 ||
			  ll.time == T_2026_10_25_013000 - 3600,
		      "time %lld", (long long)ll.time);
}
END_TEST

START_TEST(test_logline_new_year_crossing)
{
	struct gs_logline ll;

	/* Read half an hour into 2027. */
	ck_assert_int_eq(split("Dec 31 23:59:59 mx1 postgrey[1]: x",
			       T_2027_01_01_003000, &ll),
			 GS_LINE_POSTGREY);
	ck_assert_int_eq(ll.time, T_2026_12_31_235959);
	ck_assert_int_eq(split("Jan  1 00:10:00 mx1 postgrey[1]: x",
			       T_2027_01_01_003000, &ll),
			 GS_LINE_POSTGREY);
	ck_assert_int_eq(ll.time, T_2027_01_01_001000);
}
END_TEST

START_TEST(test_logline_december_line_in_january_file)
{
	struct gs_logline ll;

	ck_assert_int_eq(split("Dec 31 23:59:59 mx1 postgrey[1]: x",
			       T_2027_01_05_000000, &ll),
			 GS_LINE_POSTGREY);
	ck_assert_int_eq(ll.time, T_2026_12_31_235959);
}
END_TEST

START_TEST(test_logline_traditional_leap_day)
{
	struct gs_logline ll;

	ck_assert_int_eq(split("Feb 29 12:00:00 mx1 postgrey[1]: x",
			       T_2024_03_01_120000, &ll),
			 GS_LINE_POSTGREY);
	ck_assert_int_eq(ll.time, T_2024_02_29_120000);
	/* Read in a year without 29 February: the last one that had it. */
	ck_assert_int_eq(split("Feb 29 12:00:00 mx1 postgrey[1]: x",
			       T_2025_01_10_000000, &ll),
			 GS_LINE_POSTGREY);
	ck_assert_int_eq(ll.time, T_2024_02_29_120000);
}
END_TEST

START_TEST(test_logline_impossible_day_of_postgrey_is_malformed)
{
	assert_malformed("Apr 31 12:00:00 mx1 postgrey[1]: x", REF);
	assert_malformed("Feb 30 12:00:00 mx1 postgrey[1]: x", REF);
}
END_TEST

/* --- RSYSLOG_FileFormat --- */

START_TEST(test_logline_rfc3339_fraction_and_offset)
{
	const char *line = "2026-11-27T19:43:14.123456+01:00 mx1.example.org "
			   "postgrey[11982]: action=pass";
	struct gs_logline ll;

	ck_assert_int_eq(split(line, 0, &ll), GS_LINE_POSTGREY);
	ck_assert_int_eq(ll.time, T_2026_11_27_184314);
	ck_assert_uint_eq(ll.host_len, strlen("mx1.example.org"));
	ck_assert_int_eq(memcmp(ll.host, "mx1.example.org", ll.host_len), 0);
	assert_msg(&ll, "action=pass");
}
END_TEST

START_TEST(test_logline_rfc3339_negative_offset)
{
	struct gs_logline ll;

	ck_assert_int_eq(
	    split("2026-11-27T13:13:14.5-05:30 mx1 postgrey[1]: x", 0, &ll),
	    GS_LINE_POSTGREY);
	ck_assert_int_eq(ll.time, T_2026_11_27_184314);
}
END_TEST

START_TEST(test_logline_rfc3339_zulu_and_no_fraction)
{
	struct gs_logline ll;

	ck_assert_int_eq(
	    split("2026-11-27T18:43:14Z mx1 postgrey[1]: x", 0, &ll),
	    GS_LINE_POSTGREY);
	ck_assert_int_eq(ll.time, T_2026_11_27_184314);
	ck_assert_int_eq(
	    split("2026-11-27T18:43:14+00:00 mx1 postgrey[1]: x", 0, &ll),
	    GS_LINE_POSTGREY);
	ck_assert_int_eq(ll.time, T_2026_11_27_184314);
	ck_assert_int_eq(split("2026-11-27T18:43:14.123456789Z mx1 "
			       "postgrey[1]: x",
			       0, &ll),
			 GS_LINE_POSTGREY);
	ck_assert_int_eq(ll.time, T_2026_11_27_184314);
}
END_TEST

/* The offset in the line decides, not the local zone. */
START_TEST(test_logline_rfc3339_ignores_local_zone)
{
	struct gs_logline ll;

	use_zone("America/New_York");
	ck_assert_int_eq(
	    split("2026-11-27T19:43:14+01:00 mx1 postgrey[1]: x", 0, &ll),
	    GS_LINE_POSTGREY);
	ck_assert_int_eq(ll.time, T_2026_11_27_184314);
}
END_TEST

START_TEST(test_logline_rfc3339_leap_day)
{
	struct gs_logline ll;

	ck_assert_int_eq(
	    split("2024-02-29T12:00:00Z mx1 postgrey[1]: x", 0, &ll),
	    GS_LINE_POSTGREY);
	ck_assert_int_eq(ll.time, T_2024_02_29_120000);
	assert_malformed("2026-02-29T12:00:00Z mx1 postgrey[1]: x", 0);
	assert_malformed("2100-02-29T12:00:00Z mx1 postgrey[1]: x", 0);
}
END_TEST

/* --- the program tag --- */

START_TEST(test_logline_tag_without_pid)
{
	struct gs_logline ll;

	ck_assert_int_eq(split("Nov 27 18:43:14 mx1 postgrey: hello", REF, &ll),
			 GS_LINE_POSTGREY);
	assert_msg(&ll, "hello");
}
END_TEST

START_TEST(test_logline_takes_one_space_after_tag)
{
	struct gs_logline ll;

	ck_assert_int_eq(split("Nov 27 18:43:14 mx1 postgrey[1]:x", REF, &ll),
			 GS_LINE_POSTGREY);
	assert_msg(&ll, "x");
	ck_assert_int_eq(split("Nov 27 18:43:14 mx1 postgrey[1]:  x", REF, &ll),
			 GS_LINE_POSTGREY);
	assert_msg(&ll, " x");
	ck_assert_int_eq(split("Nov 27 18:43:14 mx1 postgrey[1]:", REF, &ll),
			 GS_LINE_POSTGREY);
	ck_assert_uint_eq(ll.msg_len, 0);
}
END_TEST

START_TEST(test_logline_other_programs_are_other)
{
	struct gs_logline ll;

	ck_assert_int_eq(split("Nov 27 18:43:14 mx1 postfix/smtpd[123]: "
			       "connect from unknown[192.0.2.1]",
			       REF, &ll),
			 GS_LINE_OTHER);
	ck_assert_ptr_null(ll.msg);
	ck_assert_int_eq(split("Nov 27 18:43:14 mx1 postgreyd[1]: x", REF, &ll),
			 GS_LINE_OTHER);
	ck_assert_int_eq(split("Nov 27 18:43:14 mx1 postgrey-x: y", REF, &ll),
			 GS_LINE_OTHER);
	ck_assert_int_eq(split("Nov 27 18:43:14 mx1 -- MARK --", REF, &ll),
			 GS_LINE_OTHER);
	ck_assert_int_eq(split("2026-11-27T18:43:14Z mx1 kernel: x", 0, &ll),
			 GS_LINE_OTHER);
	ck_assert_int_eq(split("Nov 27 18:43:14 mx1 postgre", REF, &ll),
			 GS_LINE_OTHER);
}
END_TEST

/* The tag is looked at before the date is converted: another program's
 * impossible date costs nothing and is not an error. */
START_TEST(test_logline_other_program_date_is_not_converted)
{
	struct gs_logline ll;

	ck_assert_int_eq(split("Feb 30 12:00:00 mx1 cron[1]: x", REF, &ll),
			 GS_LINE_OTHER);
}
END_TEST

START_TEST(test_logline_broken_postgrey_tag_is_malformed)
{
	assert_malformed("Nov 27 18:43:14 mx1 postgrey[12a]: x", REF);
	assert_malformed("Nov 27 18:43:14 mx1 postgrey[]: x", REF);
	assert_malformed("Nov 27 18:43:14 mx1 postgrey[1] x", REF);
	assert_malformed("Nov 27 18:43:14 mx1 postgrey[1", REF);
	assert_malformed("Nov 27 18:43:14 mx1 postgrey[1]", REF);
	assert_malformed("Nov 27 18:43:14 mx1 postgrey action=pass", REF);
	assert_malformed("Nov 27 18:43:14 mx1 postgrey", REF);
}
END_TEST

/* --- broken lines --- */

START_TEST(test_logline_empty_and_null_are_malformed)
{
	struct gs_logline ll;

	ck_assert_int_eq(gs_logline_split("", 0, REF, &ll), GS_LINE_MALFORMED);
	ck_assert_int_eq(gs_logline_split(NULL, 5, REF, &ll),
			 GS_LINE_MALFORMED);
	ck_assert_int_eq(gs_logline_split("x", 1, REF, NULL),
			 GS_LINE_MALFORMED);
}
END_TEST

/* Every cut through the framing of a good line is malformed (or, inside
 * the program name, another program), never a postgrey line. */
START_TEST(test_logline_truncated_lines_are_never_postgrey)
{
	static const char *const lines[] = {
	    "Nov 27 18:43:14 mx1 postgrey[11982]: x",
	    "2026-11-27T19:43:14.123456+01:00 mx1 postgrey[11982]: x",
	};
	struct gs_logline ll;
	size_t i, cut, tag;

	for (i = 0; i < 2; i++) {
		const char *line = lines[i];

		tag = (size_t)(strstr(line, "postgrey") - line);
		for (cut = 1; cut < strlen(line) - 2; cut++) {
			enum gs_line_kind k =
			    gs_logline_split(line, cut, REF, &ll);

			if (cut <= tag || cut >= tag + strlen("postgrey"))
				ck_assert_msg(k == GS_LINE_MALFORMED,
					      "cut %zu of '%s' gives %d", cut,
					      line, k);
			else
				ck_assert_msg(k == GS_LINE_OTHER,
					      "cut %zu of '%s' gives %d", cut,
					      line, k);
		}
	}
}
END_TEST

START_TEST(test_logline_bad_traditional_timestamps_are_malformed)
{
	static const char *const lines[] = {
	    "Foo 27 18:43:14 mx1 postgrey[1]: x",
	    "nov 27 18:43:14 mx1 postgrey[1]: x",
	    "Nov 32 18:43:14 mx1 postgrey[1]: x",
	    "Nov  0 18:43:14 mx1 postgrey[1]: x",
	    "Nov 27 24:00:00 mx1 postgrey[1]: x",
	    "Nov 27 18:60:00 mx1 postgrey[1]: x",
	    "Nov 27 18:43:61 mx1 postgrey[1]: x",
	    "Nov 27 18:43 mx1 postgrey[1]: x",
	    "Nov 27 18:43:14mx1 postgrey[1]: x",
	    "Nov 7 18:43:14 mx1 postgrey[1]: x",
	    "Nov 27 18-43-14 mx1 postgrey[1]: x",
	    "Nov 27 18:43:14  mx1 postgrey[1]: x",
	    " Nov 27 18:43:14 mx1 postgrey[1]: x",
	};
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		assert_malformed(lines[i], REF);
}
END_TEST

/* Each month's name gives its month (the year inferred against REF, 28
 * November 2026); a name off by one letter is no month. */
START_TEST(test_logline_every_month_name)
{
	static const char *const names[] = {"Jan", "Feb", "Mar", "Apr",
					    "May", "Jun", "Jul", "Aug",
					    "Sep", "Oct", "Nov", "Dec"};
	static const char *const not_months[] = {
	    "Tue", "Bug", "Zed", "@an", "Sun", "Juk", "Jbn", "Mai",
	};
	struct gs_logline ll;
	char line[64], name[4];
	struct tm tm;
	int m, pos;

	for (m = 1; m <= 12; m++) {
		snprintf(line, sizeof(line),
			 "%s 15 12:00:00 mx1 postgrey[1]: x", names[m - 1]);
		ck_assert_int_eq(split(line, REF, &ll), GS_LINE_POSTGREY);
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = (m == 12 ? 2025 : 2026) - 1900;
		tm.tm_mon = m - 1;
		tm.tm_mday = 15;
		tm.tm_hour = 12;
		ck_assert_int_eq(ll.time, timegm(&tm));
		for (pos = 0; pos < 3; pos++) {
			memcpy(name, names[m - 1], 4);
			name[pos] = pos == 0 ? (char)(name[0] + 32) : 'x';
			snprintf(line, sizeof(line),
				 "%s 15 12:00:00 mx1 postgrey[1]: x", name);
			assert_malformed(line, REF);
		}
	}
	for (m = 0; m < (int)(sizeof(not_months) / sizeof(not_months[0]));
	     m++) {
		snprintf(line, sizeof(line),
			 "%.3s 15 12:00:00 mx1 postgrey[1]: x", not_months[m]);
		assert_malformed(line, REF);
	}
}
END_TEST

START_TEST(test_logline_bad_rfc3339_timestamps_are_malformed)
{
	static const char *const lines[] = {
	    "2026-13-01T18:43:14Z mx1 postgrey[1]: x",
	    "2026-00-01T18:43:14Z mx1 postgrey[1]: x",
	    "2026-11-31T18:43:14Z mx1 postgrey[1]: x",
	    "2026-11-27 18:43:14Z mx1 postgrey[1]: x",
	    "2026-11-27T18:43:14 mx1 postgrey[1]: x",
	    "2026-11-27T18:43:14+1:00 mx1 postgrey[1]: x",
	    "2026-11-27T18:43:14+01 mx1 postgrey[1]: x",
	    "2026-11-27T18:43:14+24:00 mx1 postgrey[1]: x",
	    "2026-11-27T18:43:14+01:60 mx1 postgrey[1]: x",
	    "2026-11-27T18:43:14.Z mx1 postgrey[1]: x",
	    "2026-11-27T18:43:14.1234567890Z mx1 postgrey[1]: x",
	    "2026-11-27T25:43:14Z mx1 postgrey[1]: x",
	    "1969-12-31T23:59:59Z mx1 postgrey[1]: x",
	    "2026-11-27T18:43:14Zmx1 postgrey[1]: x",
	    "20261127T184314Z mx1 postgrey[1]: x",
	};
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		assert_malformed(lines[i], 0);
}
END_TEST

/* --- year inference --- */

START_TEST(test_infer_year_same_year)
{
	ck_assert_int_eq(gs_infer_year(11, 27, REF), 2026);
	ck_assert_int_eq(gs_infer_year(1, 1, REF), 2026);
}
END_TEST

START_TEST(test_infer_year_december_in_january_is_last_year)
{
	ck_assert_int_eq(gs_infer_year(12, 31, T_2027_01_05_000000), 2026);
	ck_assert_int_eq(gs_infer_year(1, 4, T_2027_01_05_000000), 2027);
}
END_TEST

/* ref is 2026-11-27 20:00: up to a day ahead is this year, beyond it the
 * date must be last year's. */
START_TEST(test_infer_year_allows_one_day_of_skew)
{
	ck_assert_int_eq(gs_infer_year(11, 28, T_2026_11_27_200000), 2026);
	ck_assert_int_eq(gs_infer_year(11, 29, T_2026_11_27_200000), 2025);
	ck_assert_int_eq(gs_infer_year(12, 1, T_2026_11_27_200000), 2025);
}
END_TEST

START_TEST(test_infer_year_new_years_day_on_new_years_eve)
{
	ck_assert_int_eq(gs_infer_year(1, 1, T_2026_12_31_220000), 2027);
	ck_assert_int_eq(gs_infer_year(12, 31, T_2026_12_31_220000), 2026);
}
END_TEST

START_TEST(test_infer_year_leap_day_goes_to_last_leap_year)
{
	ck_assert_int_eq(gs_infer_year(2, 29, T_2024_03_01_120000), 2024);
	ck_assert_int_eq(gs_infer_year(2, 29, T_2025_01_10_000000), 2024);
	ck_assert_int_eq(gs_infer_year(2, 29, T_2026_06_01_000000), 2024);
	/* 2100 is no leap year. */
	ck_assert_int_eq(gs_infer_year(2, 29, T_2101_03_01_000000), 2096);
}
END_TEST

/* --- the conversion cache --- */

static const char *const month_names[] = {"Jan", "Feb", "Mar", "Apr",
					  "May", "Jun", "Jul", "Aug",
					  "Sep", "Oct", "Nov", "Dec"};

/* Converts every second of wall-clock time from 00:00:00 to 04:59:59 on
 * the given day, in order as a file has them, with and without a cache:
 * the times must agree, across the zone's changes too. */
static void assert_cache_agrees_on_day(int month, int day)
{
	struct gs_logline_cache cache;
	struct gs_logline plain, cached;
	char line[64];
	int s;

	gs_logline_cache_init(&cache);
	for (s = 0; s < 5 * 3600; s++) {
		int n = snprintf(line, sizeof(line),
				 "%s %2d %02d:%02d:%02d mx1 postgrey[1]: x",
				 month_names[month - 1], day, s / 3600,
				 s / 60 % 60, s % 60);

		ck_assert_int_eq(gs_logline_split(line, (size_t)n, REF, &plain),
				 GS_LINE_POSTGREY);
		ck_assert_int_eq(gs_logline_split_cached(line, (size_t)n, REF,
							 &cache, &cached),
				 GS_LINE_POSTGREY);
		ck_assert_msg(plain.time == cached.time,
			      "%s: %lld cached, %lld plain", line,
			      (long long)cached.time, (long long)plain.time);
	}
}

START_TEST(test_logline_cache_agrees_across_dst_changes)
{
	/* The 2026 changes: whole hours, an hour at 00:01 local time in the
	 * past (St. John's), half an hour (Lord Howe), from and to UTC
	 * (London), and a made-up zone that changes in mid-minute. */
	static const struct {
		const char *zone;
		int month[2], day[2];
	} zones[] = {
	    {"Europe/Berlin", {3, 10}, {29, 25}},
	    {"Europe/London", {3, 10}, {29, 25}},
	    {"America/St_Johns", {3, 11}, {8, 1}},
	    {"Australia/Lord_Howe", {4, 10}, {5, 4}},
	    /* Changes 30 s into a minute: no such minute may be cached. */
	    {"AAA-1BBB,M3.5.0/2:00:30,M10.5.0/3:00:30", {3, 10}, {29, 25}},
	};
	size_t z;
	int i;

	for (z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
		use_zone(zones[z].zone);
		for (i = 0; i < 2; i++)
			assert_cache_agrees_on_day(zones[z].month[i],
						   zones[z].day[i]);
	}
}
END_TEST

/* A zone whose offset has seconds (as before 1972 in some zones) and
 * lines out of order, which make the cache start over often. */
START_TEST(test_logline_cache_agrees_on_odd_offsets_and_jumps)
{
	static const char *const lines[] = {
	    "Nov 27 18:43:14 mx1 postgrey[1]: x",
	    "Nov 27 18:43:59 mx1 postgrey[1]: x",
	    "Nov 27 18:42:59 mx1 postgrey[1]: x",
	    "Nov 27 18:43:00 mx1 postgrey[1]: x",
	    /* The same minute of another hour, day, month. */
	    "Nov 27 17:43:20 mx1 postgrey[1]: x",
	    "Nov 26 17:43:20 mx1 postgrey[1]: x",
	    "Oct 26 17:43:20 mx1 postgrey[1]: x",
	    "Jun 30 23:59:60 mx1 postgrey[1]: x",
	    "Jun 30 23:59:59 mx1 postgrey[1]: x",
	    "Jul  1 00:00:00 mx1 postgrey[1]: x",
	    /* Leap seconds just before Berlin's changes. */
	    "Mar 29 01:59:59 mx1 postgrey[1]: x",
	    "Mar 29 01:59:60 mx1 postgrey[1]: x",
	    "Mar 29 02:59:59 mx1 postgrey[1]: x",
	    "Mar 29 02:59:60 mx1 postgrey[1]: x",
	    "Oct 25 02:59:59 mx1 postgrey[1]: x",
	    "Oct 25 02:59:60 mx1 postgrey[1]: x",
	    "2026-11-27T18:43:14.5+01:00 mx1 postgrey[1]: x",
	    "2026-11-27T18:43:15-03:30 mx1 postgrey[1]: x",
	    "2026-11-27T18:43:60Z mx1 postgrey[1]: x",
	    "2026-11-27T18:43:16Z mx1 postgrey[1]: x",
	    "2026-11-27T17:43:16Z mx1 postgrey[1]: x",
	    "2026-10-27T17:43:16Z mx1 postgrey[1]: x",
	    "2025-10-27T17:43:16Z mx1 postgrey[1]: x",
	    "Nov 27 18:43:15 mx1 postgrey[1]: x",
	};
	static const char *const tzs[] = {"UTC", "<X>-0:19:32",
					  "Europe/Berlin"};
	struct gs_logline_cache cache;
	struct gs_logline plain, cached;
	size_t z, i;
	int round;

	for (z = 0; z < sizeof(tzs) / sizeof(tzs[0]); z++) {
		use_zone(tzs[z]);
		memset(&cache, 0, sizeof(cache)); /* zeroed is empty too */
		for (round = 0; round < 2; round++) {
			for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
				ck_assert_int_eq(split(lines[i], REF, &plain),
						 GS_LINE_POSTGREY);
				ck_assert_int_eq(gs_logline_split_cached(
						     lines[i], strlen(lines[i]),
						     REF, &cache, &cached),
						 GS_LINE_POSTGREY);
				ck_assert_msg(plain.time == cached.time,
					      "%s in %s: %lld, want %lld",
					      lines[i], tzs[z],
					      (long long)cached.time,
					      (long long)plain.time);
			}
		}
	}
}
END_TEST

/* The year follows ref when one cache sees lines of several files. */
START_TEST(test_logline_cache_follows_ref)
{
	struct gs_logline_cache cache;
	struct gs_logline ll;
	const char *line = "Dec 31 23:59:59 mx1 postgrey[1]: x";

	gs_logline_cache_init(&cache);
	ck_assert_int_eq(gs_logline_split_cached(line, strlen(line),
						 T_2027_01_05_000000, &cache,
						 &ll),
			 GS_LINE_POSTGREY);
	ck_assert_int_eq(ll.time, T_2026_12_31_235959);
	ck_assert_int_eq(
	    gs_logline_split_cached(line, strlen(line), REF, &cache, &ll),
	    GS_LINE_POSTGREY);
	ck_assert_int_eq(ll.time, T_2026_12_31_235959 - 365 * 86400);
}
END_TEST

/* Other programs' lines and broken ones come out as without a cache. */
START_TEST(test_logline_cache_keeps_kinds)
{
	struct gs_logline_cache cache;
	struct gs_logline ll;
	const char *other = "Nov 27 18:43:14 mx1 cron[1]: x";
	const char *bad = "Nov 31 18:43:14 mx1 postgrey[1]: x";

	gs_logline_cache_init(&cache);
	ck_assert_int_eq(
	    gs_logline_split_cached(other, strlen(other), REF, &cache, &ll),
	    GS_LINE_OTHER);
	ck_assert_int_eq(
	    gs_logline_split_cached(bad, strlen(bad), REF, &cache, &ll),
	    GS_LINE_MALFORMED);
	ck_assert_ptr_null(ll.msg);
	ck_assert_int_eq(gs_logline_split_cached(NULL, 0, REF, &cache, &ll),
			 GS_LINE_MALFORMED);
}
END_TEST

static Suite *logline_suite(void)
{
	Suite *s = suite_create("logline");
	TCase *trad = tcase_create("traditional");
	TCase *rfc = tcase_create("rfc3339");
	TCase *tag = tcase_create("tag");
	TCase *bad = tcase_create("malformed");
	TCase *year = tcase_create("year");
	TCase *cache = tcase_create("cache");

	tcase_add_checked_fixture(trad, setup, NULL);
	tcase_add_test(trad, test_logline_traditional_postgrey_line);
	tcase_add_test(trad, test_logline_space_padded_day);
	tcase_add_test(trad, test_logline_zero_padded_day);
	tcase_add_test(trad, test_logline_traditional_is_local_time);
	tcase_add_test(trad, test_logline_dst_overlap_gets_one_reading);
	tcase_add_test(trad, test_logline_new_year_crossing);
	tcase_add_test(trad, test_logline_december_line_in_january_file);
	tcase_add_test(trad, test_logline_traditional_leap_day);
	tcase_add_test(trad, test_logline_every_month_name);
	tcase_add_test(trad,
		       test_logline_impossible_day_of_postgrey_is_malformed);
	suite_add_tcase(s, trad);

	tcase_add_checked_fixture(rfc, setup, NULL);
	tcase_add_test(rfc, test_logline_rfc3339_fraction_and_offset);
	tcase_add_test(rfc, test_logline_rfc3339_negative_offset);
	tcase_add_test(rfc, test_logline_rfc3339_zulu_and_no_fraction);
	tcase_add_test(rfc, test_logline_rfc3339_ignores_local_zone);
	tcase_add_test(rfc, test_logline_rfc3339_leap_day);
	suite_add_tcase(s, rfc);

	tcase_add_checked_fixture(tag, setup, NULL);
	tcase_add_test(tag, test_logline_tag_without_pid);
	tcase_add_test(tag, test_logline_takes_one_space_after_tag);
	tcase_add_test(tag, test_logline_other_programs_are_other);
	tcase_add_test(tag, test_logline_other_program_date_is_not_converted);
	tcase_add_test(tag, test_logline_broken_postgrey_tag_is_malformed);
	suite_add_tcase(s, tag);

	tcase_add_checked_fixture(bad, setup, NULL);
	tcase_add_test(bad, test_logline_empty_and_null_are_malformed);
	tcase_add_test(bad, test_logline_truncated_lines_are_never_postgrey);
	tcase_add_test(bad,
		       test_logline_bad_traditional_timestamps_are_malformed);
	tcase_add_test(bad, test_logline_bad_rfc3339_timestamps_are_malformed);
	suite_add_tcase(s, bad);

	tcase_add_checked_fixture(year, setup, NULL);
	tcase_add_test(year, test_infer_year_same_year);
	tcase_add_test(year, test_infer_year_december_in_january_is_last_year);
	tcase_add_test(year, test_infer_year_allows_one_day_of_skew);
	tcase_add_test(year, test_infer_year_new_years_day_on_new_years_eve);
	tcase_add_test(year, test_infer_year_leap_day_goes_to_last_leap_year);
	suite_add_tcase(s, year);

	tcase_add_checked_fixture(cache, setup, NULL);
	tcase_set_timeout(cache, 30);
	tcase_add_test(cache, test_logline_cache_agrees_across_dst_changes);
	tcase_add_test(cache,
		       test_logline_cache_agrees_on_odd_offsets_and_jumps);
	tcase_add_test(cache, test_logline_cache_follows_ref);
	tcase_add_test(cache, test_logline_cache_keeps_kinds);
	suite_add_tcase(s, cache);
	return s;
}

GS_TEST_MAIN(logline_suite)
