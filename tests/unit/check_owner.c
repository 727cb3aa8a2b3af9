/* Unit tests for lib/base/owner.c: the summary's owner, group and mode from
 * text, as `greyscan scan --owner/--group/--mode` and the module's
 * fileOwner/fileGroup take them. Needs the user and group "root" (uid and
 * gid 0), which every Debian system has, and no user or group named
 * "no-such-user-gs" or "no-such-group-gs". */
#include "gs_config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/owner.h"
#include "suite.h"

START_TEST(test_uid_lookup_finds_root_by_name)
{
	char err[GS_ERRLEN];
	uid_t uid = 42;

	ck_assert_int_eq(gs_uid_lookup("root", &uid, err, sizeof(err)), 0);
	ck_assert_uint_eq(uid, 0);
}
END_TEST

START_TEST(test_gid_lookup_finds_root_by_name)
{
	char err[GS_ERRLEN];
	gid_t gid = 42;

	ck_assert_int_eq(gs_gid_lookup("root", &gid, err, sizeof(err)), 0);
	ck_assert_uint_eq(gid, 0);
}
END_TEST

/* The module prints "parameter 'fileOwner': " and this text. */
START_TEST(test_lookup_of_unknown_name_says_not_found)
{
	char err[GS_ERRLEN];
	uid_t uid = 42;
	gid_t gid = 43;

	ck_assert_int_eq(
	    gs_uid_lookup("no-such-user-gs", &uid, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "user 'no-such-user-gs' not found");
	ck_assert_uint_eq(uid, 42);
	ck_assert_int_eq(
	    gs_gid_lookup("no-such-group-gs", &gid, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "group 'no-such-group-gs' not found");
	ck_assert_uint_eq(gid, 43);
}
END_TEST

/* fileOwner takes names only: numbers are fileOwnerNum's. */
START_TEST(test_lookup_takes_no_number)
{
	char err[GS_ERRLEN];
	uid_t uid = 42;

	ck_assert_int_eq(gs_uid_lookup("0", &uid, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "user '0' not found");
	ck_assert_uint_eq(uid, 42);
	ck_assert_int_eq(gs_uid_lookup(NULL, &uid, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "no user name");
}
END_TEST

START_TEST(test_parse_takes_a_name_or_a_number)
{
	char err[GS_ERRLEN];
	uid_t uid = 42;
	gid_t gid = 43;

	ck_assert_int_eq(gs_uid_parse("root", &uid, err, sizeof(err)), 0);
	ck_assert_uint_eq(uid, 0);
	ck_assert_int_eq(gs_uid_parse("1234", &uid, err, sizeof(err)), 0);
	ck_assert_uint_eq(uid, 1234);
	ck_assert_int_eq(gs_gid_parse("root", &gid, err, sizeof(err)), 0);
	ck_assert_uint_eq(gid, 0);
	ck_assert_int_eq(gs_gid_parse("5678", &gid, err, sizeof(err)), 0);
	ck_assert_uint_eq(gid, 5678);
}
END_TEST

/* (uid_t)-1 means "leave the owner as created": not a valid number. */
START_TEST(test_parse_bounds_the_number_below_minus_one)
{
	char err[GS_ERRLEN];
	uid_t uid = 42;
	gid_t gid = 43;

	ck_assert_uint_eq(GS_UID_MAX, 4294967294u);
	ck_assert_int_eq(gs_uid_parse("4294967294", &uid, err, sizeof(err)), 0);
	ck_assert_uint_eq(uid, 4294967294u);
	ck_assert_int_eq(gs_gid_parse("4294967294", &gid, err, sizeof(err)), 0);
	ck_assert_uint_eq(gid, 4294967294u);
	uid = 42;
	gid = 43;
	ck_assert_int_eq(gs_uid_parse("4294967295", &uid, err, sizeof(err)),
			 -1);
	ck_assert_str_eq(err, "user '4294967295' not found");
	ck_assert_int_eq(gs_gid_parse("4294967295", &gid, err, sizeof(err)),
			 -1);
	ck_assert_str_eq(err, "group '4294967295' not found");
	ck_assert_uint_eq(uid, 42);
	ck_assert_uint_eq(gid, 43);
}
END_TEST

START_TEST(test_parse_rejects_signs_empty_and_garbage)
{
	static const char *const bad[] = {
	    "-1", "+1", " 1", "1 ", "", "0x10", "1e3", "no-such-user-gs"};
	char err[GS_ERRLEN];
	uid_t uid = 42;
	gid_t gid = 43;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(gs_uid_parse(bad[i], &uid, err, sizeof(err)) < 0,
			      "uid '%s' accepted", bad[i]);
		ck_assert_msg(gs_gid_parse(bad[i], &gid, err, sizeof(err)) < 0,
			      "gid '%s' accepted", bad[i]);
	}
	ck_assert_int_eq(gs_uid_parse(NULL, &uid, err, sizeof(err)), -1);
	ck_assert_uint_eq(uid, 42);
	ck_assert_uint_eq(gid, 43);
}
END_TEST

START_TEST(test_mode_takes_one_to_four_octal_digits)
{
	char err[GS_ERRLEN];
	mode_t m = 0;

	ck_assert_int_eq(gs_mode_parse("0640", &m, err, sizeof(err)), 0);
	ck_assert_uint_eq(m, 0640);
	ck_assert_int_eq(gs_mode_parse("644", &m, err, sizeof(err)), 0);
	ck_assert_uint_eq(m, 0644);
	ck_assert_int_eq(gs_mode_parse("0", &m, err, sizeof(err)), 0);
	ck_assert_uint_eq(m, 0);
	ck_assert_int_eq(gs_mode_parse("7777", &m, err, sizeof(err)), 0);
	ck_assert_uint_eq(m, 07777);
}
END_TEST

START_TEST(test_mode_rejects_five_digits_non_octal_and_empty)
{
	static const char *const bad[] = {"01234", "0680",	"9",
					  "",	   "+644",	" 644",
					  "644 ",  "rw-r-----", "0x1ff"};
	char err[GS_ERRLEN];
	mode_t m = 0123;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(gs_mode_parse(bad[i], &m, err, sizeof(err)) < 0,
			      "mode '%s' accepted", bad[i]);
	ck_assert_uint_eq(m, 0123);
	ck_assert_int_eq(gs_mode_parse("0680", &m, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "mode '0680' is not 1 to 4 octal digits");
	ck_assert_int_eq(gs_mode_parse(NULL, &m, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "mode '' is not 1 to 4 octal digits");
}
END_TEST

static Suite *owner_suite(void)
{
	Suite *s = suite_create("owner");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_uid_lookup_finds_root_by_name);
	tcase_add_test(tc, test_gid_lookup_finds_root_by_name);
	tcase_add_test(tc, test_lookup_of_unknown_name_says_not_found);
	tcase_add_test(tc, test_lookup_takes_no_number);
	tcase_add_test(tc, test_parse_takes_a_name_or_a_number);
	tcase_add_test(tc, test_parse_bounds_the_number_below_minus_one);
	tcase_add_test(tc, test_parse_rejects_signs_empty_and_garbage);
	tcase_add_test(tc, test_mode_takes_one_to_four_octal_digits);
	tcase_add_test(tc, test_mode_rejects_five_digits_non_octal_and_empty);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(owner_suite)
