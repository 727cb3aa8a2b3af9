/* Unit tests of the summary writer's version 2 members
 * (lib/summary/summary_write.c): each domain's "pairs" object, member by
 * member and in order, its waits null exactly when nothing passed, zeros
 * for a group whose pairs were not followed, and totals.pairs_evicted,
 * totals.pairs_open and window.retry_window. (check_summary covers the
 * rest of the file and the reader.) */
#include "gs_config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "summary/summary.h"
#include "summary/summary_file.h"
#include "suite.h"

#define T_GENERATED 1795806000 /* 2026-11-27T19:00:00Z */

static char path[64];
static char text[8192];

static void setup(void)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/check_summary_write.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void teardown(void)
{
	unlink(path);
}

static void group(struct gs_group_stats *g, const char *domain)
{
	memset(g, 0, sizeof(*g));
	g->domain = strdup(domain);
	ck_assert_ptr_nonnull(g->domain);
	g->counts[GS_C_NEW] = 400;
	g->first_seen = T_GENERATED - 1000;
	g->last_seen = T_GENERATED - 10;
}

/* Writes s and reads the file back into text. */
static void write_and_read(struct gs_summary *s)
{
	char err[GS_ERRLEN];
	FILE *f;
	size_t n;

	ck_assert_msg(gs_summary_write(s, path, NULL, err, sizeof(err)) == 0,
		      "%s", err);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_uint_lt(n, sizeof(text) - 1);
	text[n] = '\0';
}

static void has(const char *want)
{
	ck_assert_msg(strstr(text, want) != NULL, "\"%s\" not in %s", want,
		      text);
}

/* Three groups: one whose pairs passed, one whose pairs did not (yet),
 * one without pair tracking. */
static void make(struct gs_summary *s)
{
	struct gs_pair_stats *p;

	memset(s, 0, sizeof(*s));
	s->version = GS_SUMMARY_VERSION;
	s->generated = T_GENERATED;
	s->window_s = 604800;
	s->retry_window_s = 172800;
	s->totals.pairs_evicted = 1234;
	s->totals.pairs_open = 56;
	s->totals.groups = 3;
	s->n_groups = 3;
	s->groups = calloc(3, sizeof(*s->groups));
	ck_assert_ptr_nonnull(s->groups);
	group(&s->groups[0], "outlook.com");
	s->groups[0].has_pairs = true;
	p = &s->groups[0].pairs;
	p->greylisted = 383;
	p->returned = 371;
	p->other_network = 238;
	p->passed = 342;
	p->pending = 12;
	p->expired = 29;
	p->never_returned = 3;
	p->has_wait = true;
	p->wait_median_s = 14880;
	p->wait_p90_s = 40312;
	p->wait_max_s = 171000;
	group(&s->groups[1], "botnet.example");
	s->groups[1].has_pairs = true;
	p = &s->groups[1].pairs;
	p->greylisted = 383;
	p->expired = 371;
	p->never_returned = 371;
	p->pending = 12;
	group(&s->groups[2], "old.example");
}

START_TEST(test_summary_v2_pairs_members)
{
	struct gs_summary s;

	make(&s);
	write_and_read(&s);
	has("{\"format\":\"greyscan-summary\",\"version\":2,");
	has("\"seconds\":604800,\"retry_window\":172800}");
	has("\"groups\":3,\"pairs_evicted\":1234,\"pairs_open\":56}");
	has("\"domain\":\"outlook.com\"");
	has("\"pairs\":{\"greylisted\":383,\"returned\":371,"
	    "\"other_network\":238,\"passed\":342,\"pending\":12,"
	    "\"expired\":29,\"never_returned\":3,\"wait_median\":14880,"
	    "\"wait_p90\":40312,\"wait_max\":171000}");
	gs_summary_free(&s);
}
END_TEST

START_TEST(test_summary_v2_waits_null_without_a_pass)
{
	struct gs_summary s;

	make(&s);
	write_and_read(&s);
	has("\"pairs\":{\"greylisted\":383,\"returned\":0,"
	    "\"other_network\":0,\"passed\":0,\"pending\":12,"
	    "\"expired\":371,\"never_returned\":371,\"wait_median\":null,"
	    "\"wait_p90\":null,\"wait_max\":null}");
	gs_summary_free(&s);
}
END_TEST

/* has_pairs false: the member is there (version 2 requires it), all zero,
 * whatever pairs holds. */
START_TEST(test_summary_v2_pairs_of_untracked_group_are_zero)
{
	struct gs_summary s;
	const char *g;

	make(&s);
	s.groups[2].pairs.greylisted = 99; /* ignored: has_pairs is false */
	write_and_read(&s);
	g = strstr(text, "\"domain\":\"old.example\"");
	ck_assert_ptr_nonnull(g);
	ck_assert_ptr_nonnull(
	    strstr(g, "\"pairs\":{\"greylisted\":0,\"returned\":0,"
		      "\"other_network\":0,\"passed\":0,\"pending\":0,"
		      "\"expired\":0,\"never_returned\":0,\"wait_median\":null,"
		      "\"wait_p90\":null,\"wait_max\":null}}"));
	gs_summary_free(&s);
}
END_TEST

/* Every domain carries its pairs, none twice. */
START_TEST(test_summary_v2_one_pairs_per_domain)
{
	struct gs_summary s;
	const char *p;
	unsigned n = 0;

	make(&s);
	write_and_read(&s);
	for (p = text; (p = strstr(p, "\"pairs\":{")) != NULL; p++)
		n++;
	ck_assert_uint_eq(n, 3);
	gs_summary_free(&s);
}
END_TEST

static Suite *summary_write_suite(void)
{
	Suite *s = suite_create("summary_write");
	TCase *tc = tcase_create("v2");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_summary_v2_pairs_members);
	tcase_add_test(tc, test_summary_v2_waits_null_without_a_pass);
	tcase_add_test(tc, test_summary_v2_pairs_of_untracked_group_are_zero);
	tcase_add_test(tc, test_summary_v2_one_pairs_per_domain);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(summary_write_suite)
