/* Unit tests for lib/base/utf8.c and lib/base/sanitize.c: well-formed
 * UTF-8, and the one text cleaner with its two presets (gs_sanitize_text
 * for the tally and the summary, gs_text_clean for the plugin's lines and
 * the suggestion comments), whose outputs differ on purpose. */
#include "gs_config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "base/sanitize.h"
#include "base/utf8.h"
#include "suite.h"

static size_t seq(const char *s, size_t n)
{
	return gs_utf8_seq_len((const unsigned char *)s, n);
}

START_TEST(test_utf8_accepts_one_to_four_bytes)
{
	ck_assert_uint_eq(seq("a", 1), 1);
	ck_assert_uint_eq(seq("\x01", 1), 1);
	ck_assert_uint_eq(seq("", 1), 1);		  /* NUL is ASCII */
	ck_assert_uint_eq(seq("\xc2\x80", 2), 2);	  /* U+0080 */
	ck_assert_uint_eq(seq("\xc3\xa9", 2), 2);	  /* é */
	ck_assert_uint_eq(seq("\xe0\xa0\x80", 3), 3);	  /* U+0800 */
	ck_assert_uint_eq(seq("\xed\x9f\xbf", 3), 3);	  /* U+D7FF */
	ck_assert_uint_eq(seq("\xee\x80\x80", 3), 3);	  /* U+E000 */
	ck_assert_uint_eq(seq("\xf0\x90\x80\x80", 4), 4); /* U+10000 */
	ck_assert_uint_eq(seq("\xf4\x8f\xbf\xbf", 4), 4); /* U+10FFFF */
}
END_TEST

START_TEST(test_utf8_rejects_overlong_surrogates_and_past_max)
{
	ck_assert_uint_eq(seq("\xc0\x80", 2), 0);	  /* overlong NUL */
	ck_assert_uint_eq(seq("\xc1\xbf", 2), 0);	  /* overlong */
	ck_assert_uint_eq(seq("\xe0\x9f\xbf", 3), 0);	  /* overlong */
	ck_assert_uint_eq(seq("\xf0\x8f\xbf\xbf", 4), 0); /* overlong */
	ck_assert_uint_eq(seq("\xed\xa0\x80", 3), 0);	  /* U+D800 */
	ck_assert_uint_eq(seq("\xed\xbf\xbf", 3), 0);	  /* U+DFFF */
	ck_assert_uint_eq(seq("\xf4\x90\x80\x80", 4), 0); /* U+110000 */
	ck_assert_uint_eq(seq("\xf5\x80\x80\x80", 4), 0);
	ck_assert_uint_eq(seq("\xff", 1), 0);
	ck_assert_uint_eq(seq("\x80", 1), 0); /* a continuation byte */
}
END_TEST

START_TEST(test_utf8_rejects_a_cut_or_broken_sequence)
{
	ck_assert_uint_eq(seq("\xc3\xa9", 1), 0);
	ck_assert_uint_eq(seq("\xe2\x82\xac", 2), 0);
	ck_assert_uint_eq(seq("\xf0\x9f\x98\x80", 3), 0);
	ck_assert_uint_eq(seq("\xc3(", 2), 0);
	ck_assert_uint_eq(seq("\xe2\x82(", 3), 0);
	ck_assert_uint_eq(seq("\xe2\x82\xac", 3), 3); /* € itself */
}
END_TEST

START_TEST(test_sanitize_replaces_controls_and_bad_bytes)
{
	char out[32];
	size_t n;

	n = gs_sanitize_text(out, sizeof(out), "a\tb\x7f|\xc3\xa9\xff", 8);
	ck_assert_str_eq(out, "a?b?|\xc3\xa9?");
	ck_assert_uint_eq(n, 8);
	/* a NUL inside the length is a control byte */
	n = gs_sanitize_text(out, sizeof(out), "a\0b", 3);
	ck_assert_str_eq(out, "a?b");
	ck_assert_uint_eq(n, 3);
	/* an overlong sequence is one '?' per byte */
	gs_sanitize_text(out, sizeof(out), "\xc0\x80", 2);
	ck_assert_str_eq(out, "??");
}
END_TEST

START_TEST(test_sanitize_never_cuts_a_character)
{
	char out[4];
	size_t n;

	n = gs_sanitize_text(out, sizeof(out), "ab\xc3\xa9", 4);
	ck_assert_str_eq(out, "ab");
	ck_assert_uint_eq(n, 2);
	n = gs_sanitize_text(out, sizeof(out), "a\xc3\xa9z", 4);
	ck_assert_str_eq(out, "a\xc3\xa9");
	ck_assert_uint_eq(n, 3);
	n = gs_sanitize_text(out, 1, "abc", 3);
	ck_assert_str_eq(out, "");
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(test_clean_replaces_pipe_and_controls_byte_by_byte)
{
	char out[32];

	gs_text_clean("a|b\nc\x7f", out, sizeof(out));
	ck_assert_str_eq(out, "a?b?c?");
	/* bytes that are not UTF-8 pass: the plugin prints what it read */
	gs_text_clean("x\xff\xc3(", out, sizeof(out));
	ck_assert_str_eq(out, "x\xff\xc3(");
	gs_text_clean(NULL, out, sizeof(out));
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_clean_cuts_at_a_byte)
{
	char out[3];

	gs_text_clean("a\xc3\xa9", out, sizeof(out));
	ck_assert_str_eq(out, "a\xc3");
	out[0] = 'k';
	gs_text_clean("abc", out, 0);
	ck_assert_int_eq(out[0], 'k');
}
END_TEST

/* check_greyscan cleans its error message in place. */
START_TEST(test_clean_in_place)
{
	char buf[16] = "err|x\ny";

	gs_text_clean(buf, buf, sizeof(buf));
	ck_assert_str_eq(buf, "err?x?y");
	gs_text_clean(buf, buf, 4);
	ck_assert_str_eq(buf, "err");
}
END_TEST

START_TEST(test_copy_with_both_flags)
{
	char out[8];
	size_t n;

	n = gs_text_copy(out, sizeof(out), "|\xc3\xa9\xff", 4,
			 GS_TEXT_UTF8 | GS_TEXT_PIPE);
	ck_assert_str_eq(out, "?\xc3\xa9?");
	ck_assert_uint_eq(n, 4);
	n = gs_text_copy(out, sizeof(out), "|a", 2, 0);
	ck_assert_str_eq(out, "|a");
	ck_assert_uint_eq(gs_text_copy(out, 0, "a", 1, 0), 0);
}
END_TEST

/* The copy as sanitize.h defines it, one character at a time: what the
 * library's faster copy of plain runs must give. */
static size_t reference_copy(char *out, size_t outsize, const char *in,
			     size_t len, unsigned flags)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0, o = 0, seq_len, step;

	if (outsize == 0)
		return 0;
	while (i < len) {
		seq_len = (flags & GS_TEXT_UTF8)
			      ? gs_utf8_seq_len(s + i, len - i)
			      : 1;
		step = seq_len > 0 ? seq_len : 1;
		if (o + step > outsize - 1)
			break;
		if (seq_len == 0 || s[i] < 0x20 || s[i] == 0x7f ||
		    ((flags & GS_TEXT_PIPE) && s[i] == '|')) {
			out[o++] = '?';
		} else {
			memcpy(out + o, s + i, seq_len);
			o += seq_len;
		}
		i += step;
	}
	out[o] = '\0';
	return o;
}

/* Random texts of plain runs, controls, '|', DEL and UTF-8 (good, cut and
 * bad), every room from none to more than enough, all flags, into another
 * buffer and in place. */
START_TEST(test_copy_matches_character_by_character)
{
	static const char *const pieces[] = {
	    "abc",
	    "x",
	    "example.com",
	    "|",
	    "\t",
	    "\x7f",
	    "\xc3\xa9",
	    "\xe2\x82\xac",
	    "\xf0\x9f\x98\x80",
	    "\xc3",
	    "\xff",
	    "\xed\xa0\x80",
	    " ",
	    "\x1f",
	    "~",
	};
	const size_t npieces = sizeof(pieces) / sizeof(pieces[0]);
	char in[64], want[80], got[80];
	size_t len, room, n_want, n_got, k;
	unsigned flags, round;

	srand(7);
	for (round = 0; round < 2000; round++) {
		len = 0;
		for (k = (size_t)(rand() % 12); k > 0; k--) {
			const char *p = pieces[rand() % npieces];

			if (len + strlen(p) >= sizeof(in))
				break;
			memcpy(in + len, p, strlen(p));
			len += strlen(p);
		}
		for (flags = 0; flags < 4; flags++) {
			for (room = 0; room <= len + 2; room++) {
				memset(want, 'k', sizeof(want));
				memset(got, 'k', sizeof(got));
				n_want =
				    reference_copy(want, room, in, len, flags);
				n_got = gs_text_copy(got, room, in, len, flags);
				ck_assert_uint_eq(n_got, n_want);
				ck_assert_mem_eq(got, want, room + 1);
				memcpy(got, in, len);
				n_got =
				    gs_text_copy(got, room, got, len, flags);
				ck_assert_uint_eq(n_got, n_want);
				ck_assert_mem_eq(got, want,
						 room > 0 ? n_want + 1 : 0);
			}
		}
	}
}
END_TEST

static Suite *text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_utf8_accepts_one_to_four_bytes);
	tcase_add_test(tc, test_utf8_rejects_overlong_surrogates_and_past_max);
	tcase_add_test(tc, test_utf8_rejects_a_cut_or_broken_sequence);
	tcase_add_test(tc, test_sanitize_replaces_controls_and_bad_bytes);
	tcase_add_test(tc, test_sanitize_never_cuts_a_character);
	tcase_add_test(tc, test_clean_replaces_pipe_and_controls_byte_by_byte);
	tcase_add_test(tc, test_clean_cuts_at_a_byte);
	tcase_add_test(tc, test_clean_in_place);
	tcase_add_test(tc, test_copy_with_both_flags);
	tcase_add_test(tc, test_copy_matches_character_by_character);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(text_suite)
