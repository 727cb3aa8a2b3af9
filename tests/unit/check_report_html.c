/* Unit tests of the HTML report (lib/advice/report_html.c,
 * report_html_table.c, html_text.c): escaping, the script file rules, and
 * the page's structure for a summary made in memory (rows, limit, series
 * attributes, verdicts, charts only with Chart.js). The page in a real
 * browser is tests/browser/. */
#include "gs_config.h"

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "advice/html_text.h"
#include "advice/report_html.h"
#include "advice/suggest.h"
#include "summary/summary.h"
#include "suite.h"

static char tmpdir[64];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_report_html.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static char *capture_text(const char *in)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	gs_html_text(f, in);
	ck_assert_int_eq(fclose(f), 0);
	return text;
}

START_TEST(test_html_text_escapes_markup_quotes_and_controls)
{
	char *t = capture_text("<a href=\"x\" title='y'>&\x01\n\x7f</a>");

	ck_assert_str_eq(t, "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;"
			    "&amp;???&lt;/a&gt;");
	free(t);
	t = capture_text("caf\xc3\xa9.example");
	ck_assert_str_eq(t, "caf\xc3\xa9.example"); /* UTF-8 kept */
	free(t);
	t = capture_text(NULL);
	ck_assert_str_eq(t, "");
	free(t);
}
END_TEST

static const char *write_file(const char *name, const char *data, size_t len)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

static void refused(const char *path, const char *why)
{
	char err[GS_ERRLEN] = "";

	ck_assert_ptr_null(gs_html_read_script(path, err, sizeof(err)));
	ck_assert_msg(strstr(err, path) != NULL && strstr(err, why) != NULL,
		      "error '%s' should name %s and '%s'", err, path, why);
}

START_TEST(test_read_script_refuses_what_would_break_the_element)
{
	char err[GS_ERRLEN] = "";
	const char *p = write_file("ok.js", "var a = 1 < 2;", 14);
	char *s = gs_html_read_script(p, err, sizeof(err));

	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_str_eq(s, "var a = 1 < 2;");
	free(s);
	refused(write_file("end.js", "x='</SCRIPT>'", 13), "</script");
	refused(write_file("comment.js", "x='<!--'", 8), "<!--");
	refused(write_file("nul.js", "a\0b", 3), "NUL");
	snprintf(err, sizeof(err), "%s/missing.js", tmpdir);
	refused(err, "No such file");
}
END_TEST

START_TEST(test_read_script_refuses_a_file_over_the_bound)
{
	const char *p = write_file("big.js", "", 0);
	FILE *f = fopen(p, "r+b");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(ftruncate(fileno(f), GS_HTML_SCRIPT_MAX + 1), 0);
	ck_assert_int_eq(fclose(f), 0);
	refused(p, "larger than");
}
END_TEST

/* Three groups: busy.example (with a series), "<b>x</b>" and small. */
static void make_summary(struct gs_summary *s)
{
	static const char *names[] = {"small.example", "<b>x</b>",
				      "busy.example"};
	static const uint64_t news[] = {2, 5, 9};
	size_t i;

	memset(s, 0, sizeof(*s));
	s->version = GS_SUMMARY_VERSION;
	s->generated = 1709337600;
	s->window_start = 1709337600 - 604800;
	s->window_end = 1709337600;
	s->window_s = 604800;
	s->has_series = true;
	s->series_start = s->window_start;
	s->series_slot_s = 21600;
	s->series_slots = 3;
	s->groups = calloc(3, sizeof(*s->groups));
	ck_assert_ptr_nonnull(s->groups);
	for (i = 0; i < 3; i++) {
		s->groups[i].domain = strdup(names[i]);
		ck_assert_ptr_nonnull(s->groups[i].domain);
		s->groups[i].counts[GS_C_NEW] = news[i];
		s->groups[i].series = calloc(3, sizeof(struct gs_series_slot));
		ck_assert_ptr_nonnull(s->groups[i].series);
		s->n_groups++;
	}
	s->groups[2].series[0].greylisted = 1;
	s->groups[2].series[2].greylisted = 8;
	s->groups[2].series[2].passed = 4;
}

static char *page(const struct gs_summary *s, const char *chartjs, size_t limit)
{
	struct gs_html_opts o = {.chartjs = chartjs, .limit = limit};
	char err[GS_ERRLEN] = "";
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_msg(gs_report_html(f, s, NULL, &o, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_int_eq(fclose(f), 0);
	return text;
}

/* Whether a is found in text, and before b. */
static bool before(const char *text, const char *a, const char *b)
{
	const char *x = strstr(text, a), *y = strstr(text, b);

	return x != NULL && y != NULL && x < y;
}

static size_t count(const char *text, const char *what)
{
	size_t n = 0;

	for (; (text = strstr(text, what)) != NULL; text++)
		n++;
	return n;
}

START_TEST(test_page_rows_busiest_first_with_series_and_escaped_names)
{
	struct gs_summary s;
	char *t;

	make_summary(&s);
	t = page(&s, NULL, 0);
	ck_assert_uint_eq(count(t, "<tr data-status=\"below\""), 3);
	ck_assert_ptr_nonnull(strstr(t, "<th scope=\"row\">busy.example"));
	ck_assert(before(t, "busy.example", "&lt;b&gt;x"));
	ck_assert(before(t, "&lt;b&gt;x&lt;/b&gt;", "small.example"));
	ck_assert_ptr_null(strstr(t, "<b>x</b>"));
	ck_assert_ptr_nonnull(strstr(t, "data-sg=\"1 0 8\" data-sp=\"0 0 4\""));
	ck_assert_ptr_nonnull(strstr(t, "data-slot-seconds=\"21600\" "
					"data-slots=\"3\""));
	ck_assert_ptr_nonnull(strstr(t, "3 of 3 sender domains"));
	/* No Chart.js: no chart frames, the page script only. */
	ck_assert_ptr_null(strstr(t, "id=\"chart-busiest\""));
	ck_assert_uint_eq(count(t, "<script>"), 1);
	ck_assert_ptr_nonnull(strstr(t, "No whitelist files were read"));
	free(t);
	t = page(&s, "/*chart*/", 2);
	ck_assert_uint_eq(count(t, "<tr data-status="), 2);
	ck_assert_ptr_nonnull(strstr(t, "2 of 3 sender domains"));
	ck_assert_ptr_null(strstr(t, "small.example"));
	ck_assert_ptr_nonnull(strstr(t, "id=\"chart-busiest\""));
	ck_assert_ptr_nonnull(strstr(t, "<script>\n/*chart*/\n</script>"));
	ck_assert_uint_eq(count(t, "<script>"), 2);
	free(t);
	gs_summary_free(&s);
}
END_TEST

START_TEST(test_page_without_series_has_no_trend_frame)
{
	struct gs_summary s;
	char *t;

	make_summary(&s);
	s.has_series = false;
	t = page(&s, NULL, 0);
	ck_assert_ptr_null(strstr(t, "data-slots="));
	ck_assert_ptr_null(strstr(t, "data-sg="));
	free(t);
	gs_summary_free(&s);
}
END_TEST

static Suite *report_html_suite(void)
{
	Suite *s = suite_create("report_html");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_html_text_escapes_markup_quotes_and_controls);
	tcase_add_test(tc,
		       test_read_script_refuses_what_would_break_the_element);
	tcase_add_test(tc, test_read_script_refuses_a_file_over_the_bound);
	tcase_add_test(
	    tc, test_page_rows_busiest_first_with_series_and_escaped_names);
	tcase_add_test(tc, test_page_without_series_has_no_trend_frame);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(report_html_suite)
