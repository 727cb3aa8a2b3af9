/* Unit tests of lib/input/sender.c: postgrey 1.37's sender substitutions,
 * rule by rule (BATV in both orders and postgrey's coin throw, '+'
 * extensions, numbers and word boundaries, '@' edge cases, byte semantics
 * for UTF-8 and case), the recipient key, and the bounded output.
 * tests/unit/sender-vs-postgrey.sh compares the same code with postgrey's
 * own over a large corpus; these cases name the rules. */
#include "gs_config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "input/sender.h"
#include "suite.h"

#define BUF 256

static void assert_key(const char *sender, const char *want)
{
	char key[BUF];

	ck_assert_int_eq(gs_sender_key(sender, key, sizeof(key)), 0);
	ck_assert_msg(strcmp(key, want) == 0, "'%s': key '%s', want '%s'",
		      sender, key, want);
}

START_TEST(test_sender_batv_tag_first_is_dropped)
{
	assert_key("prvs=0123456789=user@example.org", "user@example.org");
	assert_key("prvs=4f3a9b2c1d00=bounces@example.org",
		   "bounces@example.org");
}
END_TEST

START_TEST(test_sender_batv_tag_last_is_dropped)
{
	/* The order seen in the wild: prvs=loc-core=tag-val. */
	assert_key("prvs=user=0123456789@example.org", "user@example.org");
}
END_TEST

START_TEST(test_sender_batv_coin_throw_keeps_the_third_field)
{
	/* Both or neither look like tags: postgrey keeps $a[2]. */
	assert_key("prvs=0123456789=abcdefghij@x", "abcdefghij@x");
	assert_key("prvs=alice=bob@x", "bob@x");
	/* Nine characters are no tag; upper case is no tag (tested before
	 * lc). */
	assert_key("prvs=012345678=bob@x", "bob@x");
	assert_key("prvs=bob=012345678@x", "#@x");
	assert_key("prvs=bob=ABCDEFGHIJ@x", "abcdefghij@x");
	assert_key("prvs=ABCDEFGHIJ=bob@x", "bob@x");
}
END_TEST

START_TEST(test_sender_batv_needs_exactly_three_fields)
{
	/* Trailing empty fields do not count (Perl's split drops them). */
	assert_key("prvs=0123456789=user=@x", "user@x");
	assert_key("prvs=0123456789=user===@x", "user@x");
	/* An empty middle field stays a field. */
	assert_key("prvs==user@x", "user@x");
	/* Two or four fields: no BATV step (the numbers rule still applies). */
	assert_key("prvs=0123456789@x", "prvs=#@x");
	assert_key("prvs=0123456789=@x", "prvs=#=@x");
	assert_key("prvs=a=b=c@x", "prvs=a=b=c@x");
	assert_key("prvs===@x", "prvs===@x");
	/* The prefix is case-sensitive and must start the local part. */
	assert_key("PRVS=0123456789=user@x", "prvs=#=user@x");
	assert_key("xprvs=0123456789=user@x", "xprvs=#=user@x");
}
END_TEST

START_TEST(test_sender_extension_is_stripped)
{
	assert_key("user+tag@example.org", "user@example.org");
	assert_key("user+a+b@example.org", "user@example.org");
	assert_key("+@x", "@x");
	assert_key("list+bounce-42-user=example.com@x", "list@x");
	/* After BATV: the kept field loses its extension too. */
	assert_key("prvs=0123456789=user+ext@x", "user@x");
	/* The domain keeps its '+'. */
	assert_key("u@a+b.example", "u@a+b.example");
}
END_TEST

START_TEST(test_sender_extension_stops_at_a_newline)
{
	/* postgrey removes \+.*: '.' does not match a newline, and only the
	 * first '+' starts a match. */
	assert_key("a+b\nc+d@x", "a\nc+d@x");
	assert_key("a+b\n12@x", "a\n#@x");
}
END_TEST

START_TEST(test_sender_numbers_become_hash_between_non_words)
{
	assert_key("bounce-12345@x", "bounce-#@x");
	assert_key("12345@x", "#@x");
	assert_key("1.2@x", "#.#@x");
	assert_key("a-1-2-b@x", "a-#-#-b@x");
	assert_key("007@x", "#@x");
	assert_key("1@", "#@");
}
END_TEST

START_TEST(test_sender_numbers_beside_word_characters_stay)
{
	assert_key("a1b@x", "a1b@x");
	assert_key("a1@x", "a1@x");
	assert_key("1a@x", "1a@x");
	assert_key("1_2@x", "1_2@x");
	assert_key("_1@x", "_1@x");
	assert_key("x12y-3@x", "x12y-#@x");
}
END_TEST

START_TEST(test_sender_bytes_from_0x80_are_not_word_characters)
{
	/* "é1é": Perl on bytes, \w is ASCII only. */
	assert_key("\xc3\xa9"
		   "1\xc3\xa9@x",
		   "\xc3\xa9#\xc3\xa9@x");
	/* A fullwidth or Arabic-Indic digit is no \d; the byte beside 1 is
	 * no word character. */
	assert_key("1\xef\xbc\x91@x", "#\xef\xbc\x91@x");
	assert_key("\xd9\xa3@x", "\xd9\xa3@x");
	/* Latin-1 'Ä' (0xc4) is not lower-cased, nor is UTF-8 'Ä'. */
	assert_key("\xc4"
		   "B@\xc3\x84X",
		   "\xc4"
		   "b@\xc3\x84x");
}
END_TEST

START_TEST(test_sender_is_lower_cased_after_the_rules)
{
	assert_key("User.Name@Example.ORG", "user.name@example.org");
	assert_key("A+B@C+D", "a@c+d");
	assert_key("SRS0=ab=CD=example.com=u@Fwd.Example",
		   "srs0=ab=cd=example.com=u@fwd.example");
}
END_TEST

START_TEST(test_sender_without_at_is_kept_whole)
{
	/* postgrey returns it unchanged: no rule applies, only the lc. */
	assert_key("Prvs=0123456789=user+x-12", "prvs=0123456789=user+x-12");
	assert_key("42", "42");
	assert_key("", "");
	assert_key(NULL, "");
}
END_TEST

START_TEST(test_sender_splits_at_the_first_at)
{
	/* The domain is everything after the first '@'. */
	assert_key("u-1@x@y-2", "u-#@x@y-2");
	assert_key("@", "@");
	assert_key("@B", "@b");
	assert_key("a@", "a@");
	assert_key("1+@2@3", "#@2@3");
}
END_TEST

START_TEST(test_recipient_key_is_lower_cased_only)
{
	char key[BUF];

	ck_assert_int_eq(
	    gs_recipient_key("Bob+Tag-12@Example.ORG", key, sizeof(key)), 0);
	ck_assert_str_eq(key, "bob+tag-12@example.org");
	ck_assert_int_eq(gs_recipient_key("\xc3\x84X", key, sizeof(key)), 0);
	ck_assert_str_eq(key, "\xc3\x84x");
	ck_assert_int_eq(gs_recipient_key(NULL, key, sizeof(key)), 0);
	ck_assert_str_eq(key, "");
}
END_TEST

START_TEST(test_sender_key_truncates_to_its_prefix)
{
	char key[8];

	memset(key, 'Z', sizeof(key));
	/* The key is "bounce-#@example.org": 7 bytes fit, then NUL. */
	ck_assert_int_eq(gs_sender_key("Bounce-42@example.org", key, 8), -1);
	ck_assert_str_eq(key, "bounce-");
	/* Exactly the key's length plus the NUL fits. */
	ck_assert_int_eq(gs_sender_key("ab-1@x", key, 7), 0);
	ck_assert_str_eq(key, "ab-#@x");
	ck_assert_int_eq(gs_sender_key("ab-1@xy", key, 7), -1);
	ck_assert_str_eq(key, "ab-#@x");
	ck_assert_int_eq(gs_recipient_key("ABCDEFGH", key, 8), -1);
	ck_assert_str_eq(key, "abcdefg");
	ck_assert_int_eq(gs_sender_key("a", key, 1), -1);
	ck_assert_str_eq(key, "");
	/* No room at all: nothing is written. */
	key[0] = 'Z';
	ck_assert_int_eq(gs_sender_key("a", key, 0), -1);
	ck_assert_int_eq(key[0], 'Z');
	ck_assert_int_eq(gs_sender_key("", key, 1), 0);
	ck_assert_str_eq(key, "");
}
END_TEST

START_TEST(test_sender_key_is_never_longer_than_the_sender)
{
	static const char *const senders[] = {
	    "prvs=0123456789=user+x@Example.org",
	    "1.2.3.4@x",
	    "a+\n1@x",
	    "PRVS=a=b@x",
	    "x",
	};
	char key[BUF];
	size_t i, n;

	for (i = 0; i < sizeof(senders) / sizeof(senders[0]); i++) {
		n = strlen(senders[i]);
		ck_assert_int_eq(gs_sender_key(senders[i], key, n + 1), 0);
		ck_assert_uint_le(strlen(key), n);
	}
}
END_TEST

static Suite *sender_suite(void)
{
	Suite *s = suite_create("sender");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_sender_batv_tag_first_is_dropped);
	tcase_add_test(tc, test_sender_batv_tag_last_is_dropped);
	tcase_add_test(tc, test_sender_batv_coin_throw_keeps_the_third_field);
	tcase_add_test(tc, test_sender_batv_needs_exactly_three_fields);
	tcase_add_test(tc, test_sender_extension_is_stripped);
	tcase_add_test(tc, test_sender_extension_stops_at_a_newline);
	tcase_add_test(tc, test_sender_numbers_become_hash_between_non_words);
	tcase_add_test(tc, test_sender_numbers_beside_word_characters_stay);
	tcase_add_test(tc, test_sender_bytes_from_0x80_are_not_word_characters);
	tcase_add_test(tc, test_sender_is_lower_cased_after_the_rules);
	tcase_add_test(tc, test_sender_without_at_is_kept_whole);
	tcase_add_test(tc, test_sender_splits_at_the_first_at);
	tcase_add_test(tc, test_recipient_key_is_lower_cased_only);
	tcase_add_test(tc, test_sender_key_truncates_to_its_prefix);
	tcase_add_test(tc, test_sender_key_is_never_longer_than_the_sender);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(sender_suite)
