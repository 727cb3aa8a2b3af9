/* Unit tests of the state file's pairs (lib/state, version 3): open pairs
 * and the per-slot pair counts and waits survive a save and load exactly,
 * a pass after the restore gets the wait from the first greylisting before
 * it, pairs whose window ended meanwhile expire on load, a smaller table
 * evicts and a tally without pairs drops them; the files of the release
 * before pairs (versions 1 and 2, and the golden fixtures' state files)
 * still load, with no pairs; damaged pair lines and pair slots are refused
 * naming the line and the field, leaving the tally unchanged. */
#include "gs_config.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "state/state.h"
#include "summary/summary_file.h"
#include "tally_fixture.h"
#include "suite.h"

#define T0	  1700000000 /* a slot boundary */
#define WINDOW_S  2800	     /* 28 slots of 100 s */
#define RETRY_S	  1000
#define NOW	  (T0 + 99999)
#define FIXTURES  GS_TEST_SRCDIR "/tests/data/state"
#define STATEDATA GS_TEST_SRCDIR "/tests/data/state"

static char tmpdir[64];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_state_pairs.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	struct dirent *de;
	char path[512];
	DIR *d = opendir(tmpdir);

	if (d != NULL) {
		while ((de = readdir(d)) != NULL) {
			snprintf(path, sizeof(path), "%s/%s", tmpdir,
				 de->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(tmpdir);
}

static const char *path_in(const char *name)
{
	static char buf[4][256];
	static unsigned next;
	char *p = buf[next++ % 4];

	snprintf(p, sizeof(buf[0]), "%s/%s", tmpdir, name);
	return p;
}

static struct gs_tally *pair_tally(size_t max_pairs)
{
	return new_pair_tally(WINDOW_S, 100, max_pairs, RETRY_S);
}

static void mail(struct gs_tally *t, time_t time, enum gs_counter c,
		 const char *group, const char *rcpt, const char *addr)
{
	struct mail_event m = {c,    group, addr, "mx1", "joe@example.net",
			       rcpt, 0};

	ck_assert_int_eq(add_mail(t, time, &m), 0);
}

/* Pairs of every kind in two groups, in a table of 5: a's passed with
 * waits in two slots (400 s, 35 s), one expired never seen again, three
 * open; b's one open after a return from another network, one open, one
 * evicted. */
static struct gs_tally *pairs_tally(void)
{
	struct gs_tally *t = pair_tally(5);

	mail(t, T0, GS_C_NEW, "a.example", "r1@site.org", "192.0.2.1");
	mail(t, T0 + 5, GS_C_NEW, "a.example", "r2@site.org", "192.0.2.1");
	mail(t, T0 + 400, GS_C_DELAYED, "a.example", "r1@site.org",
	     "192.0.2.1");
	/* The end moves past T0 + 5 + RETRY_S: r2 expires. */
	mail(t, T0 + 1200, GS_C_NEW, "a.example", "r4@site.org", "192.0.2.1");
	mail(t, T0 + 1202, GS_C_NEW, "b.example", "r5@site.org", "192.0.2.9");
	mail(t, T0 + 1205, GS_C_NEW, "b.example", "r3@site.org", "192.0.2.9");
	mail(t, T0 + 1215, GS_C_EARLY_RETRY, "b.example", "r3@site.org",
	     "198.51.100.1");
	mail(t, T0 + 1220, GS_C_NEW, "b.example", "r6@site.org", "192.0.2.9");
	mail(t, T0 + 1235, GS_C_PASSED, "a.example", "r4@site.org",
	     "192.0.2.1");
	mail(t, T0 + 1240, GS_C_NEW, "a.example", "r8@site.org", "192.0.2.1");
	mail(t, T0 + 1250, GS_C_NEW, "a.example", "r9@site.org", "192.0.2.1");
	/* Full: b's r5, the oldest open, is evicted. */
	mail(t, T0 + 1260, GS_C_NEW, "a.example", "r10@site.org", "192.0.2.1");
	return t;
}

static void snap(struct gs_tally *t, struct gs_summary *s)
{
	char err[GS_ERRLEN];

	ck_assert_msg(gs_tally_snapshot(t, NOW, s, err, sizeof(err)) == 0, "%s",
		      err);
}

static void save(struct gs_tally *t, const char *path)
{
	char err[GS_ERRLEN];

	ck_assert_msg(gs_state_save(t, path, NULL, err, sizeof(err)) == 0, "%s",
		      err);
}

static void load(struct gs_tally *t, const char *path)
{
	char err[GS_ERRLEN];
	int found = -1;

	ck_assert_msg(gs_state_load(t, path, &found, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_int_eq(found, 1);
}

static const struct gs_group_stats *find(const struct gs_summary *s,
					 const char *domain)
{
	size_t i;

	for (i = 0; i < s->n_groups; i++)
		if (strcmp(s->groups[i].domain, domain) == 0)
			return &s->groups[i];
	ck_abort_msg("group %s missing", domain);
	return NULL;
}

static void assert_same_pairs(const struct gs_summary *a,
			      const struct gs_summary *b)
{
	size_t i;

	ck_assert_mem_eq(&a->totals, &b->totals, sizeof(a->totals));
	ck_assert_uint_eq(a->retry_window_s, b->retry_window_s);
	ck_assert_uint_eq(a->n_groups, b->n_groups);
	for (i = 0; i < a->n_groups; i++) {
		ck_assert_str_eq(a->groups[i].domain, b->groups[i].domain);
		ck_assert_int_eq(a->groups[i].has_pairs,
				 b->groups[i].has_pairs);
		ck_assert_mem_eq(&a->groups[i].pairs, &b->groups[i].pairs,
				 sizeof(a->groups[i].pairs));
	}
}

START_TEST(test_state_round_trip_with_pairs)
{
	struct gs_tally *t = pairs_tally(), *u = pair_tally(5);
	struct gs_summary before, after;
	const struct gs_group_stats *g;

	snap(t, &before);
	ck_assert_uint_eq(before.totals.pairs_open, 5);
	ck_assert_uint_eq(before.totals.pairs_evicted, 1);
	g = find(&before, "a.example");
	ck_assert_uint_eq(g->pairs.greylisted, 6);
	ck_assert_uint_eq(g->pairs.passed, 2);
	ck_assert_uint_eq(g->pairs.expired, 1);
	ck_assert_uint_eq(g->pairs.never_returned, 1);
	ck_assert_uint_eq(g->pairs.pending, 3);
	ck_assert(g->pairs.has_wait);
	ck_assert_uint_eq(g->pairs.wait_max_s, 400);
	g = find(&before, "b.example");
	ck_assert_uint_eq(g->pairs.greylisted, 3);
	ck_assert_uint_eq(g->pairs.returned, 1);
	ck_assert_uint_eq(g->pairs.other_network, 1);
	ck_assert_uint_eq(g->pairs.pending, 2);
	save(t, path_in("s.state"));
	load(u, path_in("s.state"));
	snap(u, &after);
	assert_same_pairs(&before, &after);
	gs_summary_free(&before);
	gs_summary_free(&after);
	/* Saved again, the file is the same. */
	save(u, path_in("again.state"));
	gs_tally_free(t);
	gs_tally_free(u);
}
END_TEST

/* After the restore the open pairs go on: a pass gets its wait from the
 * first greylisting before the restart, a return from another network
 * counts once. */
START_TEST(test_state_restored_pair_passes_with_its_wait)
{
	struct gs_tally *t = pairs_tally(), *u = pair_tally(5);
	struct gs_summary s;
	const struct gs_group_stats *g;

	save(t, path_in("s.state"));
	load(u, path_in("s.state"));
	/* b's r3: greylisted at T0 + 1205, back from another /24 at
	 * T0 + 1215, and now from a third one. */
	mail(u, T0 + 1900, GS_C_EARLY_RETRY, "b.example", "r3@site.org",
	     "203.0.113.1");
	mail(u, T0 + 1910, GS_C_DELAYED, "b.example", "r3@site.org",
	     "192.0.2.9");
	snap(u, &s);
	g = find(&s, "b.example");
	ck_assert_uint_eq(g->pairs.passed, 1);
	ck_assert_uint_eq(g->pairs.returned, 1);
	ck_assert_uint_eq(g->pairs.other_network, 1);
	ck_assert_uint_eq(g->pairs.wait_max_s, 705);
	ck_assert_uint_eq(s.totals.pairs_open, 4);
	gs_summary_free(&s);
	gs_tally_free(t);
	gs_tally_free(u);
}
END_TEST

/* A pair whose retry window ends while the module is down expires when
 * the state is loaded into a tally whose end is later. */
START_TEST(test_state_pairs_expire_on_load)
{
	struct gs_tally *t = pairs_tally(), *u = pair_tally(5);
	struct gs_summary s;

	save(t, path_in("s.state"));
	mail(u, T0 + 2500, GS_C_WHITELISTED, "c.example", "x@site.org",
	     "192.0.2.1");
	load(u, path_in("s.state"));
	snap(u, &s);
	/* Every pair opened before T0 + 1500 expired: all of them. */
	ck_assert_uint_eq(s.totals.pairs_open, 0);
	ck_assert_uint_eq(find(&s, "a.example")->pairs.expired, 4);
	ck_assert_uint_eq(find(&s, "b.example")->pairs.expired, 2);
	ck_assert_uint_eq(find(&s, "b.example")->pairs.never_returned, 1);
	ck_assert_uint_eq(find(&s, "b.example")->pairs.pending, 0);
	gs_summary_free(&s);
	gs_tally_free(t);
	gs_tally_free(u);
}
END_TEST

/* Into a smaller table: the newest pairs stay, the others count as
 * evicted; into a tally without pairs: dropped. */
START_TEST(test_state_pairs_into_smaller_table_or_none)
{
	struct gs_tally *t = pairs_tally(), *u = pair_tally(2);
	struct gs_tally *v = new_pair_tally(WINDOW_S, 100, 0, 0);
	struct gs_summary s;

	save(t, path_in("s.state"));
	load(u, path_in("s.state"));
	snap(u, &s);
	ck_assert_uint_eq(s.totals.pairs_open, 2);
	ck_assert_uint_eq(s.totals.pairs_evicted, 1 + 3);
	ck_assert_uint_eq(find(&s, "a.example")->pairs.pending, 2);
	ck_assert_uint_eq(find(&s, "b.example")->pairs.pending, 0);
	gs_summary_free(&s);
	load(v, path_in("s.state"));
	snap(v, &s);
	ck_assert_uint_eq(s.totals.pairs_open, 0);
	ck_assert(!find(&s, "a.example")->has_pairs);
	gs_summary_free(&s);
	gs_tally_free(t);
	gs_tally_free(u);
	gs_tally_free(v);
}
END_TEST

/* The files of the release before pairs load, with the same counts and no
 * pairs. */
START_TEST(test_state_old_versions_load_without_pairs)
{
	static const char *const files[] = {FIXTURES "/v1.state",
					    FIXTURES "/v2.state"};
	struct gs_summary s;
	size_t i, k;

	for (i = 0; i < 2; i++) {
		struct gs_tally *t = pair_tally(100);

		load(t, files[i]);
		snap(t, &s);
		ck_assert_uint_eq(s.n_groups, 3);
		ck_assert_uint_eq(s.totals.lines, 40);
		ck_assert_uint_eq(s.totals.actions, 7);
		ck_assert_uint_eq(s.totals.evicted, 3);
		ck_assert_uint_eq(s.totals.pairs_open, 0);
		ck_assert_uint_eq(s.totals.pairs_evicted, 0);
		for (k = 0; k < s.n_groups; k++) {
			ck_assert(s.groups[k].has_pairs);
			ck_assert_uint_eq(s.groups[k].pairs.greylisted, 0);
		}
		gs_summary_free(&s);
		/* Counting goes on with pairs. */
		mail(t, 1700000160, GS_C_NEW, "example.com", "a@site.org",
		     "192.0.2.1");
		snap(t, &s);
		ck_assert_uint_eq(find(&s, "example.com")->pairs.greylisted, 1);
		gs_summary_free(&s);
		gs_tally_free(t);
	}
}
END_TEST

/* State files the release before pairs wrote (the golden test's module
 * states of that release, kept under tests/data/state) load into a tally
 * that follows pairs. */
START_TEST(test_state_golden_files_load)
{
	static const char *const files[] = {
	    STATEDATA "/before-pairs-sample.state",
	    STATEDATA "/before-pairs-corpus-syslog.state",
	    STATEDATA "/before-pairs-corpus-stderr.state"};
	struct gs_tally_config cfg = {604800, 100000, 1000, 172800};
	char err[GS_ERRLEN];
	struct gs_summary s;
	size_t i;

	for (i = 0; i < 3; i++) {
		struct gs_tally *t = gs_tally_new(&cfg, err, sizeof(err));

		ck_assert_msg(t != NULL, "%s", err);
		load(t, files[i]);
		snap(t, &s);
		ck_assert_uint_gt(s.n_groups, 0);
		ck_assert_uint_eq(s.totals.pairs_open, 0);
		gs_summary_free(&s);
		gs_tally_free(t);
	}
}
END_TEST

/* ---- the format, and damage ---- */

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *text;
	long len;

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(fseek(fp, 0, SEEK_END), 0);
	len = ftell(fp);
	ck_assert_int_ge(len, 0);
	rewind(fp);
	text = calloc(1, (size_t)len + 1);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(fread(text, 1, (size_t)len, fp), (size_t)len);
	ck_assert_int_eq(fclose(fp), 0);
	return text;
}

/* One greylisted pair, saved: header, a group line, a pair line, the
 * trailer. */
static char *saved_one_pair(void)
{
	struct gs_tally *t = pair_tally(5);

	mail(t, T0 + 10, GS_C_NEW, "a.example", "r1@site.org", "192.0.2.1");
	mail(t, T0 + 20, GS_C_EARLY_RETRY, "a.example", "r1@site.org",
	     "2001:db8:1:2::5");
	save(t, path_in("one.state"));
	gs_tally_free(t);
	return slurp(path_in("one.state"));
}

START_TEST(test_state_pair_line_format)
{
	char *text = saved_one_pair(), *line;

	ck_assert_ptr_nonnull(strstr(text, "{\"format\":\"greyscan-state\","
					   "\"version\":3,"));
	ck_assert_ptr_nonnull(strstr(text, "\"pair_slots\":[{\"slot\":17000000,"
					   "\"counts\":[1,1,1,0,0,0]}]}\n"));
	line = strstr(text, "\n{\"pair\":\"");
	ck_assert_ptr_nonnull(line);
	/* 16 hex digits, the group, the first network (192.0.2.0/24). */
	ck_assert_int_eq(strspn(line + 10, "0123456789abcdef"), 16);
	ck_assert_ptr_nonnull(strstr(line,
				     "\",\"group\":\"a.example\","
				     "\"net\":\"0000000000c00002\","
				     "\"first\":1700000010,\"flags\":3}\n"));
	ck_assert_ptr_nonnull(strstr(text, "\"pairs_evicted\":0,"));
	ck_assert_ptr_nonnull(strstr(text, "\"groups\":1,\"pairs\":1}\n"));
	free(text);
}
END_TEST

/* The one-pair file with the first from replaced by to must be refused
 * with want, leaving a tally unchanged. */
static void assert_damage_refused(const char *from, const char *to,
				  const char *want)
{
	char *text = saved_one_pair(), *at, *out;
	const char *path = path_in("damaged.state");
	struct gs_tally *t = pairs_tally();
	struct gs_summary before, after;
	char err[GS_ERRLEN] = "";
	FILE *fp;

	at = strstr(text, from);
	ck_assert_msg(at != NULL, "saved state lacks \"%s\"", from);
	out = calloc(1, strlen(text) - strlen(from) + strlen(to) + 1);
	ck_assert_ptr_nonnull(out);
	memcpy(out, text, (size_t)(at - text));
	strcat(out, to);
	strcat(out, at + strlen(from));
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_ge(fputs(out, fp), 0);
	ck_assert_int_eq(fclose(fp), 0);
	free(out);
	free(text);
	snap(t, &before);
	ck_assert_int_eq(gs_state_load(t, path, NULL, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, path) != NULL && strstr(err, want) != NULL,
		      "error \"%s\" does not say \"%s\"", err, want);
	snap(t, &after);
	assert_same_pairs(&before, &after);
	gs_summary_free(&before);
	gs_summary_free(&after);
	gs_tally_free(t);
}

START_TEST(test_state_refuses_damaged_pair_lines)
{
	assert_damage_refused("{\"pair\":\"", "{\"pair\":\"x",
			      "line 3: pair: expected 16 lower-case hex");
	assert_damage_refused("\"net\":\"0000000000c00002\"",
			      "\"net\":\"0000000000C00002\"",
			      "line 3: net: expected 16 lower-case hex");
	assert_damage_refused("\"net\":\"0000000000c00002\"", "\"net\":7",
			      "line 3: net: expected a string");
	assert_damage_refused("\"flags\":3}", "\"flags\":4}",
			      "line 3: flags: 4 out of range 0..3");
	assert_damage_refused("\"first\":1700000010", "\"first\":4294967296",
			      "line 3: first: 4294967296 out of range");
	assert_damage_refused(",\"first\":1700000010", "",
			      "line 3: first: missing");
	assert_damage_refused("\"group\":\"a.example\"", "\"group\":\"\"",
			      "line 3: group: empty string");
	assert_damage_refused("\"group\":\"a.example\"", "\"group\":[]",
			      "line 3: group: expected a string");
	assert_damage_refused("\"groups\":1,\"pairs\":1}",
			      "\"groups\":1,\"pairs\":2}",
			      "line 4: pairs: 2 pairs announced, but 1");
	assert_damage_refused(",\"pairs\":1}", "}", "line 4: pairs: missing");
	assert_damage_refused("\"pairs_evicted\":0,", "",
			      "line 4: totals.pairs_evicted: missing");
}
END_TEST

START_TEST(test_state_refuses_damaged_pair_slots)
{
	assert_damage_refused(
	    "\"counts\":[1,1,1,0,0,0]", "\"counts\":[1,1,1,0,0]",
	    "line 2: pair_slots[0].counts: expected 6 counts");
	assert_damage_refused(
	    "\"counts\":[1,1,1,0,0,0]", "\"counts\":[1,1,1,0,0,0],\"wait\":[]",
	    "line 2: pair_slots[0]: \"wait\" and \"wait_max_s\" go together");
	assert_damage_refused(
	    "\"counts\":[1,1,1,0,0,0]",
	    "\"counts\":[1,1,1,0,0,0],\"wait_max_s\":9,\"wait\":[[8,1]]",
	    "line 2: group \"a.example\": pair_slots[0]: the waits do not "
	    "match 0 passed");
	assert_damage_refused(",\"pair_slots\":[{\"slot\":17000000,"
			      "\"counts\":[1,1,1,0,0,0]}]",
			      "", "line 2: pair_slots: missing");
	assert_damage_refused("\"slot\":17000000,\"counts\":[1,1,1",
			      "\"slot\":-1,\"counts\":[1,1,1",
			      "line 2: pair_slots[0].slot: -1 out of range");
}
END_TEST

/* A group line after the pair lines is out of place. */
START_TEST(test_state_refuses_group_after_pairs)
{
	char *text = saved_one_pair(), *group, *pair, *trailer, *out;
	const char *path = path_in("order.state");
	struct gs_tally *t = pair_tally(5);
	char err[GS_ERRLEN] = "";
	size_t n;
	FILE *fp;

	group = strchr(text, '\n') + 1;
	pair = strchr(group, '\n') + 1;
	trailer = strchr(pair, '\n') + 1;
	out = calloc(1, strlen(text) + 1);
	ck_assert_ptr_nonnull(out);
	n = (size_t)(group - text);
	memcpy(out, text, n);
	memcpy(out + n, pair, (size_t)(trailer - pair));
	n += (size_t)(trailer - pair);
	memcpy(out + n, group, (size_t)(pair - group));
	strcat(out, trailer);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_ge(fputs(out, fp), 0);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(gs_state_load(t, path, NULL, err, sizeof(err)), -1);
	ck_assert_msg(
	    strstr(err, "line 3: a group line after the pair lines") != NULL,
	    "%s", err);
	free(out);
	free(text);
	gs_tally_free(t);
}
END_TEST

/* A state whose pair slots break the relations of the pair figures (a
 * save made while counting can, by a pair or two): the snapshot clamps
 * them, and the summary written from it passes the reader's checks. */
START_TEST(test_state_inconsistent_pair_slots_give_a_valid_summary)
{
	char *text = saved_one_pair(), *at;
	const char *path = path_in("odd.state"), *sum = path_in("odd.json");
	static const char from[] = "\"counts\":[1,1,1,0,0,0]}";
	static const char to[] = "\"counts\":[0,1,1,2,0,0],"
				 "\"wait_max_s\":8,\"wait\":[[6,2]]}";
	struct gs_tally *t = pair_tally(5);
	struct gs_summary s, back;
	char err[GS_ERRLEN];
	FILE *fp;

	at = strstr(text, from);
	ck_assert_ptr_nonnull(at);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_ge(fprintf(fp, "%.*s%s%s", (int)(at - text), text, to,
				 at + strlen(from)),
			 0);
	ck_assert_int_eq(fclose(fp), 0);
	load(t, path);
	snap(t, &s);
	ck_assert_uint_eq(s.groups[0].pairs.greylisted, 0);
	ck_assert_uint_eq(s.groups[0].pairs.returned, 0);
	ck_assert_uint_eq(s.groups[0].pairs.passed, 0);
	ck_assert_uint_eq(s.groups[0].pairs.pending, 0);
	ck_assert(!s.groups[0].pairs.has_wait);
	ck_assert_msg(gs_summary_write(&s, sum, NULL, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_msg(gs_summary_read(sum, &back, err, sizeof(err)) == 0, "%s",
		      err);
	gs_summary_free(&back);
	gs_summary_free(&s);
	gs_tally_free(t);
	free(text);
}
END_TEST

static Suite *state_pairs_suite(void)
{
	Suite *s = suite_create("state_pairs");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_state_round_trip_with_pairs);
	tcase_add_test(tc, test_state_restored_pair_passes_with_its_wait);
	tcase_add_test(tc, test_state_pairs_expire_on_load);
	tcase_add_test(tc, test_state_pairs_into_smaller_table_or_none);
	tcase_add_test(tc, test_state_old_versions_load_without_pairs);
	tcase_add_test(tc, test_state_golden_files_load);
	tcase_add_test(tc, test_state_pair_line_format);
	tcase_add_test(tc, test_state_refuses_damaged_pair_lines);
	tcase_add_test(tc, test_state_refuses_damaged_pair_slots);
	tcase_add_test(tc, test_state_refuses_group_after_pairs);
	tcase_add_test(tc,
		       test_state_inconsistent_pair_slots_give_a_valid_summary);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(state_pairs_suite)
