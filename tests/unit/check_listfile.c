/* Unit tests for lib/base/listfile.c: the line rules and the read loop the
 * whitelist and the ignore file share. Files are written to a private
 * directory under /tmp. */
#include "gs_config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "base/listfile.h"
#include "suite.h"

static char tmpdir[64];
static char path[128];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_listfile.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/list", tmpdir);
}

static void teardown(void)
{
	unlink(path);
	rmdir(tmpdir);
}

static void write_file(const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

/* What the callback saw: "LINENO:TEXT\n" per call. */
struct seen {
	char text[512];
	int stop_at; /* line number whose call fails, 0: none */
};

static int collect(void *ctx, char *line, unsigned lineno, char *err,
		   size_t errlen)
{
	struct seen *s = ctx;
	size_t len = strlen(s->text);

	snprintf(s->text + len, sizeof(s->text) - len, "%u:%s\n", lineno, line);
	if ((int)lineno == s->stop_at)
		return gs_seterr(err, errlen, "stop at %u", lineno);
	return 0;
}

START_TEST(test_strips_comments_and_white_space_and_skips_empty_lines)
{
	struct seen s = {"", 0};
	char err[GS_ERRLEN];

	write_file("a.example\n"
		   "  b.example \t# comment\n"
		   "# only a comment\n"
		   "\n"
		   " \t\r\n"
		   "/re gex/#x\n"
		   "last-without-newline");
	ck_assert_int_eq(
	    gs_listfile_read(path, false, collect, &s, err, sizeof(err)), 0);
	ck_assert_str_eq(s.text, "1:a.example\n"
				 "2:b.example\n"
				 "6:/re gex/\n"
				 "7:last-without-newline\n");
}
END_TEST

START_TEST(test_callback_error_stops_reading)
{
	struct seen s = {"", 2};
	char err[GS_ERRLEN];

	write_file("one\ntwo\nthree\n");
	ck_assert_int_eq(
	    gs_listfile_read(path, false, collect, &s, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "stop at 2");
	ck_assert_str_eq(s.text, "1:one\n2:two\n");
}
END_TEST

/* A line of exactly GS_LISTFILE_MAX_LINE_BYTES is read; one more byte is
 * an error naming the file and line. */
START_TEST(test_line_length_limit_is_exact)
{
	char *text = malloc(GS_LISTFILE_MAX_LINE_BYTES + 16);
	char err[GS_ERRLEN], want[GS_ERRLEN];
	struct seen s = {"", 0};

	ck_assert_ptr_nonnull(text);
	strcpy(text, "first\n");
	memset(text + 6, 'a', GS_LISTFILE_MAX_LINE_BYTES);
	strcpy(text + 6 + GS_LISTFILE_MAX_LINE_BYTES, "\n");
	write_file(text);
	ck_assert_int_eq(
	    gs_listfile_read(path, false, collect, &s, err, sizeof(err)), 0);

	memset(text + 6, 'a', GS_LISTFILE_MAX_LINE_BYTES + 1);
	strcpy(text + 7 + GS_LISTFILE_MAX_LINE_BYTES, "\n");
	write_file(text);
	s.text[0] = '\0';
	ck_assert_int_eq(
	    gs_listfile_read(path, false, collect, &s, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2: line longer than %d bytes", path,
		 GS_LISTFILE_MAX_LINE_BYTES);
	ck_assert_str_eq(err, want);
	ck_assert_str_eq(s.text, "1:first\n");
	free(text);
}
END_TEST

START_TEST(test_missing_file_is_fine_only_when_allowed)
{
	struct seen s = {"", 0};
	char err[GS_ERRLEN], want[GS_ERRLEN];

	ck_assert_int_eq(
	    gs_listfile_read(path, true, collect, &s, err, sizeof(err)), 0);
	ck_assert_str_eq(s.text, "");
	ck_assert_int_eq(
	    gs_listfile_read(path, false, collect, &s, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: %s", path, strerror(ENOENT));
	ck_assert_str_eq(err, want);
}
END_TEST

/* missing_ok covers a missing file, not one that cannot be opened. */
START_TEST(test_other_open_errors_fail_even_when_missing_is_ok)
{
	struct seen s = {"", 0};
	char err[GS_ERRLEN], below[160], want[GS_ERRLEN];

	write_file("a\n");
	snprintf(below, sizeof(below), "%s/x", path); /* ENOTDIR */
	ck_assert_int_eq(
	    gs_listfile_read(below, true, collect, &s, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: %s", below, strerror(ENOTDIR));
	ck_assert_str_eq(err, want);
}
END_TEST

/* A directory opens, but reading it fails: the error names the line. */
START_TEST(test_read_error_names_the_file_and_line)
{
	struct seen s = {"", 0};
	char err[GS_ERRLEN], want[GS_ERRLEN];

	ck_assert_int_eq(
	    gs_listfile_read(tmpdir, true, collect, &s, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:1: read error: %s", tmpdir,
		 strerror(EISDIR));
	ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(test_has_space_is_ascii_white_space_only)
{
	ck_assert(gs_listfile_has_space("a b"));
	ck_assert(gs_listfile_has_space("a\tb"));
	ck_assert(gs_listfile_has_space("a\vb"));
	ck_assert(gs_listfile_has_space("a\fb"));
	ck_assert(!gs_listfile_has_space("a.example"));
	ck_assert(!gs_listfile_has_space(""));
	/* U+00A0 (no-break space) is not Perl's \s on bytes */
	ck_assert(!gs_listfile_has_space("a\xc2\xa0"
					 "b"));
}
END_TEST

static Suite *listfile_suite(void)
{
	Suite *s = suite_create("listfile");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(
	    tc, test_strips_comments_and_white_space_and_skips_empty_lines);
	tcase_add_test(tc, test_callback_error_stops_reading);
	tcase_add_test(tc, test_line_length_limit_is_exact);
	tcase_add_test(tc, test_missing_file_is_fine_only_when_allowed);
	tcase_add_test(tc, test_other_open_errors_fail_even_when_missing_is_ok);
	tcase_add_test(tc, test_read_error_names_the_file_and_line);
	tcase_add_test(tc, test_has_space_is_ascii_white_space_only);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(listfile_suite)
