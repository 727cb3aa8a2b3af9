/* Unit tests of lib/state.c (and the tally's export/import under it): a save
 * and load round trip gives a summary identical field by field, a missing
 * file is no error, the version 1 fixture loads to known numbers, and every
 * kind of damage (bad JSON, truncation, wrong format or version, wrong types,
 * missing fields, numbers out of range, inconsistent histograms) is refused
 * with the file and field named, leaving the tally unchanged. Also merging,
 * another window length, max_groups on load and a failing save. */
#include "gs_config.h"

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "state/state.h"
#include "tally_fixture.h"
#include "suite.h"

#define T0	 1700000000
#define WINDOW_S 2800 /* 28 slots of 100 s */
#define NOW	 (T0 + 99999)
#define FIXTURES GS_TEST_SRCDIR "/tests/data/state"

static char tmpdir[64];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_state.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char path[512];
	struct dirent *de;
	DIR *d = opendir(tmpdir);

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' &&
		    (de->d_name[1] == '\0' || strcmp(de->d_name, "..") == 0))
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(tmpdir);
}

static const char *path_in(const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return path;
}

static void add(struct gs_tally *t, time_t time, enum gs_counter c,
		const char *group, const char *name, const char *addr,
		const char *host, long delay)
{
	ck_assert_int_eq(add_full(t, time, c, group, name, addr, host, delay),
			 0);
}

/* A tally with something of everything: several groups, slots and hosts,
 * delays, IPv4 and IPv6, a network group, UTF-8, samples, all totals. */
static struct gs_tally *rich_tally(void)
{
	struct gs_tally *t = new_tally(WINDOW_S, 40);
	char name[64], addr[64], host[32];
	unsigned i;

	for (i = 0; i < 60; i++) {
		snprintf(name, sizeof(name), "g%u.example", i);
		snprintf(addr, sizeof(addr), "10.0.%u.%u", i % 7, i);
		snprintf(host, sizeof(host), "mx%u", i % 5);
		add(t, T0 + i * 40, (enum gs_counter)(i % GS_C_COUNT), name,
		    "mx.g.example", addr, host, (long)i * 97);
		add(t, T0 + i * 40 + 5, GS_C_NEW, name, "mx2.g.example",
		    "2001:db8:1:2::9", host, -1);
	}
	for (i = 0; i < 30; i++) {
		add(t, T0 + 1900 + i * 10, GS_C_NEW, "delays.example",
		    "mx.delays.example", "192.0.2.1", "mx1", -1);
		add(t, T0 + 2000 + i * 10, GS_C_DELAYED, "delays.example",
		    "mx.delays.example", "192.0.2.1", i % 2 ? "mx1" : "mx7",
		    (long)i * i * 31);
	}
	add(t, T0 + 2500, GS_C_EARLY_RETRY, "[198.51.100.0/24]", "unknown",
	    "198.51.100.4", "mx1", -1);
	add(t, T0 + 2500, GS_C_NEW,
	    "b\xc3\xbc"
	    "cher.de",
	    "mx.b\xc3\xbc"
	    "cher.de",
	    "192.0.2.200", "", -1);
	add(t, T0 - 5000, GS_C_NEW, "old.example", "x", "192.0.2.1", "mx1",
	    -1); /* too old */
	gs_tally_count_line(t);
	gs_tally_count_line(t);
	gs_tally_count_ignored(t);
	gs_tally_count_unparsed(t, "garbage \"quoted\" \x01 line", 24);
	gs_tally_count_unparsed(t, "second", 6);
	return t;
}

static void snap(struct gs_tally *t, struct gs_summary *s)
{
	char err[GS_ERRLEN];

	ck_assert_msg(gs_tally_snapshot(t, NOW, s, err, sizeof(err)) == 0, "%s",
		      err);
}

/* Asserts a and b are equal in every field. */
static void assert_same(const struct gs_summary *a, const struct gs_summary *b)
{
	const struct gs_group_stats *x, *y;
	size_t i, j;

	ck_assert_int_eq(a->version, b->version);
	ck_assert_int_eq(a->generated, b->generated);
	ck_assert_int_eq(a->window_start, b->window_start);
	ck_assert_int_eq(a->window_end, b->window_end);
	ck_assert_uint_eq(a->window_s, b->window_s);
	ck_assert_mem_eq(&a->totals, &b->totals, sizeof(a->totals));
	ck_assert_uint_eq(a->n_samples, b->n_samples);
	for (i = 0; i < a->n_samples; i++)
		ck_assert_str_eq(a->samples[i], b->samples[i]);
	ck_assert_uint_eq(a->n_groups, b->n_groups);
	for (i = 0; i < a->n_groups; i++) {
		x = &a->groups[i];
		y = &b->groups[i];
		ck_assert_str_eq(x->domain, y->domain);
		ck_assert_int_eq(x->kind, y->kind);
		ck_assert_mem_eq(x->counts, y->counts, sizeof(x->counts));
		ck_assert_uint_eq(x->delay_count, y->delay_count);
		ck_assert_uint_eq(x->delay_median_s, y->delay_median_s);
		ck_assert_uint_eq(x->delay_max_s, y->delay_max_s);
		ck_assert_uint_eq(x->client_addresses, y->client_addresses);
		ck_assert_uint_eq(x->networks, y->networks);
		ck_assert_uint_eq(x->n_examples, y->n_examples);
		for (j = 0; j < x->n_examples; j++)
			ck_assert_str_eq(x->examples[j], y->examples[j]);
		ck_assert_int_eq(x->first_seen, y->first_seen);
		ck_assert_int_eq(x->last_seen, y->last_seen);
		ck_assert_uint_eq(x->n_hosts, y->n_hosts);
		for (j = 0; j < x->n_hosts; j++) {
			ck_assert_str_eq(x->hosts[j].host, y->hosts[j].host);
			ck_assert_uint_eq(x->hosts[j].count, y->hosts[j].count);
		}
	}
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

START_TEST(test_state_round_trip_restores_identical_summary)
{
	struct gs_tally *t = rich_tally(), *u = new_tally(WINDOW_S, 40);
	struct gs_summary before, after;
	const char *path = path_in("tally.state");

	snap(t, &before);
	/* The fixture must really hold what the test claims. */
	ck_assert_uint_ge(before.n_groups, 30);
	ck_assert_uint_le(before.n_groups, 40);
	ck_assert_uint_gt(before.totals.evicted, 0);
	ck_assert_uint_eq(before.totals.too_old, 1);
	ck_assert_uint_eq(before.n_samples, 2);
	ck_assert_uint_gt(find(&before, "delays.example")->delay_median_s, 0);
	ck_assert_uint_eq(find(&before, "[198.51.100.0/24]")->kind,
			  GS_KIND_NETWORK);
	save(t, path);
	load(u, path);
	snap(u, &after);
	assert_same(&before, &after);
	gs_summary_free(&after);
	/* And the restored tally goes on counting like the original. */
	add(t, T0 + 2600, GS_C_NEW, "delays.example", "m", "192.0.2.1", "mx1",
	    -1);
	add(u, T0 + 2600, GS_C_NEW, "delays.example", "m", "192.0.2.1", "mx1",
	    -1);
	gs_summary_free(&before);
	snap(t, &before);
	snap(u, &after);
	assert_same(&before, &after);
	gs_summary_free(&before);
	gs_summary_free(&after);
	gs_tally_free(t);
	gs_tally_free(u);
}
END_TEST

START_TEST(test_state_round_trip_of_many_groups)
{
	/* Enough groups for several chunks of the tally's export copy. */
	struct gs_tally *t = new_tally(WINDOW_S, 60000);
	struct gs_tally *u = new_tally(WINDOW_S, 60000);
	struct gs_summary before, after;
	char name[64], addr[64];
	unsigned i;

	for (i = 0; i < 60000; i++) {
		snprintf(name, sizeof(name), "sender%u.example", i);
		snprintf(addr, sizeof(addr), "10.%u.%u.%u", i >> 16,
			 (i >> 8) & 255, i & 255);
		add(t, T0 + i % 2000, (enum gs_counter)(i % GS_C_COUNT), name,
		    name, addr, i % 3 ? "mx1" : "mx2", (long)i);
	}
	snap(t, &before);
	ck_assert_uint_eq(before.n_groups, 60000);
	save(t, path_in("many.state"));
	load(u, path_in("many.state"));
	snap(u, &after);
	assert_same(&before, &after);
	gs_summary_free(&before);
	gs_summary_free(&after);
	gs_tally_free(t);
	gs_tally_free(u);
}
END_TEST

START_TEST(test_state_round_trip_of_empty_tally)
{
	struct gs_tally *t = new_tally(WINDOW_S, 10),
			*u = new_tally(WINDOW_S, 10);
	struct gs_summary before, after;

	save(t, path_in("empty.state"));
	load(u, path_in("empty.state"));
	snap(t, &before);
	snap(u, &after);
	assert_same(&before, &after);
	ck_assert_int_eq(after.window_end, 0);
	gs_summary_free(&before);
	gs_summary_free(&after);
	gs_tally_free(t);
	gs_tally_free(u);
}
END_TEST

START_TEST(test_state_missing_file_is_not_an_error)
{
	struct gs_tally *t = rich_tally();
	struct gs_summary before, after;
	char err[GS_ERRLEN] = "";
	int found = -1;

	snap(t, &before);
	ck_assert_int_eq(
	    gs_state_load(t, path_in("none.state"), &found, err, sizeof(err)),
	    0);
	ck_assert_int_eq(found, 0);
	snap(t, &after);
	assert_same(&before, &after);
	gs_summary_free(&before);
	gs_summary_free(&after);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_state_loads_version_1_fixture)
{
	struct gs_tally *t = new_tally(WINDOW_S, 10);
	const struct gs_group_stats *g;
	struct gs_summary s;

	load(t, FIXTURES "/v1.state");
	snap(t, &s);
	ck_assert_int_eq(s.window_end, 1700000150);
	ck_assert_int_eq(s.window_start, 1699997300); /* slot of end - 2800 */
	ck_assert_uint_eq(s.totals.lines, 40);
	ck_assert_uint_eq(s.totals.actions, 7);
	ck_assert_uint_eq(s.totals.evicted, 3);
	ck_assert_uint_eq(s.totals.too_old, 1);
	ck_assert_uint_eq(s.totals.per_counter[GS_C_AWL], 1);
	ck_assert_uint_eq(s.n_samples, 1);
	ck_assert_str_eq(s.samples[0], "junk \"line\"");
	ck_assert_uint_eq(s.n_groups, 3);
	/* Sorted: new desc, early_retry desc, name. */
	ck_assert_str_eq(s.groups[0].domain, "b\xc3\xbc"
					     "cher.de");
	ck_assert_str_eq(s.groups[1].domain, "example.com");
	ck_assert_str_eq(s.groups[2].domain, "[198.51.100.0/24]");
	g = find(&s, "example.com");
	ck_assert_uint_eq(g->counts[GS_C_NEW], 1);
	ck_assert_uint_eq(g->counts[GS_C_PASSED], 1);
	ck_assert_uint_eq(g->delay_count, 1);
	ck_assert_uint_eq(g->delay_max_s, 600);
	ck_assert_uint_eq(g->delay_median_s, 583); /* sqrt(567 * 600) */
	ck_assert_uint_eq(g->client_addresses, 2);
	ck_assert_uint_eq(g->networks, 2);
	ck_assert_int_eq(g->first_seen, 1699999000);
	ck_assert_int_eq(g->last_seen, 1700000150);
	ck_assert_uint_eq(g->n_hosts, 2);
	g = find(&s, "[198.51.100.0/24]");
	ck_assert_int_eq(g->kind, GS_KIND_NETWORK);
	ck_assert_uint_eq(g->counts[GS_C_EARLY_RETRY], 2);
	ck_assert_str_eq(g->hosts[0].host, "other");
	g = find(&s, "b\xc3\xbc"
		     "cher.de");
	ck_assert_uint_eq(g->n_examples, 2);
	ck_assert_str_eq(g->examples[1], "mx2.b\xc3\xbc"
					 "cher.de");
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

/* The text of a file, NUL-terminated. */
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

static void spit(const char *path, const char *text, size_t len)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(text, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
}

/* Loading path must fail naming the file and want, and change nothing. */
static void assert_refused(const char *path, const char *want)
{
	struct gs_tally *t = rich_tally();
	struct gs_summary before, after;
	char err[GS_ERRLEN] = "";
	int found = -1;

	snap(t, &before);
	ck_assert_int_eq(gs_state_load(t, path, &found, err, sizeof(err)), -1);
	ck_assert_int_eq(found, 1);
	ck_assert_msg(strstr(err, path) != NULL, "error \"%s\" lacks the path",
		      err);
	ck_assert_msg(strstr(err, want) != NULL,
		      "error \"%s\" does not say \"%s\"", err, want);
	snap(t, &after);
	assert_same(&before, &after);
	gs_summary_free(&before);
	gs_summary_free(&after);
	gs_tally_free(t);
}

/* The v1 fixture with the first occurrence of from replaced by to. */
static const char *damaged(const char *from, const char *to)
{
	char *text = slurp(FIXTURES "/v1.state"), *at, *out;
	const char *path = path_in("damaged.state");
	size_t len;

	at = strstr(text, from);
	ck_assert_msg(at != NULL, "fixture lacks \"%s\"", from);
	len = strlen(text) - strlen(from) + strlen(to);
	out = calloc(1, len + 1);
	ck_assert_ptr_nonnull(out);
	memcpy(out, text, (size_t)(at - text));
	strcat(out, to);
	strcat(out, at + strlen(from));
	spit(path, out, strlen(out));
	free(out);
	free(text);
	return path;
}

START_TEST(test_state_refuses_fixtures_of_bad_files)
{
	assert_refused(FIXTURES "/wrong-version.state",
		       "line 1: version: unsupported version 4 (expected 1, 2 "
		       "or 3)");
	assert_refused(FIXTURES "/wrong-type.state",
		       "line 2: entries[0].slot: expected an integer");
	assert_refused(FIXTURES "/truncated.state", "line 2:");
}
END_TEST

START_TEST(test_state_refuses_truncated_files)
{
	char *text = slurp(FIXTURES "/v1.state");
	const char *path = path_in("cut.state");
	size_t len = strlen(text);
	char *last;

	spit(path, text, 0);
	assert_refused(path, "empty file");
	spit(path, text, len / 3);
	assert_refused(path, "line 2: no newline");
	spit(path, text, len - 1);
	assert_refused(path, "line 4: no newline at the end");
	/* Cut at a line boundary: the count of groups tells. */
	text[len - 1] = '\0';
	last = strrchr(text, '\n');
	spit(path, text, (size_t)(last - text) + 1);
	assert_refused(path, "truncated file: 2 of the 3 groups");
	free(text);
}
END_TEST

START_TEST(test_state_refuses_bad_json)
{
	const char *path = path_in("bad.state");

	spit(path, "garbage\n", 8);
	assert_refused(path, "line 1: invalid JSON");
	spit(path, "{\"format\":\n", 11);
	assert_refused(path, "line 1: incomplete JSON");
	spit(path, "{} {}\n", 6);
	assert_refused(path, "line 1: invalid JSON");
	spit(path, "[1]\n", 4);
	assert_refused(path, "line 1: expected a JSON object");
	assert_refused(damaged("\"groups\":3}", "\"groups\":3}x"),
		       "line 1: invalid JSON");
	assert_refused(damaged("\"groups\":3}\n", "\"groups\":4}\n\n"),
		       "line 2: empty line");
}
END_TEST

START_TEST(test_state_refuses_overlong_line)
{
	const char *path = path_in("long.state");
	size_t len = GS_STATE_MAX_LINE_BYTES + 2;
	char *text = malloc(len);

	/* Valid JSON (an object padded with spaces), but too long a line. */
	ck_assert_ptr_nonnull(text);
	memset(text, ' ', len);
	text[0] = '{';
	text[len - 2] = '}';
	text[len - 1] = '\n';
	spit(path, text, len);
	free(text);
	assert_refused(path, "line 1: longer than 16777216 bytes");
}
END_TEST

START_TEST(test_state_refuses_wrong_format_and_version)
{
	assert_refused(damaged("greyscan-state", "greyscan-summary"),
		       "format: \"greyscan-summary\": not a greyscan state");
	assert_refused(damaged("\"version\":1", "\"version\":0"),
		       "unsupported version 0");
	assert_refused(damaged("\"version\":1", "\"version\":\"1\""),
		       "version: expected an integer");
	assert_refused(damaged("\"format\":\"greyscan-state\",", ""),
		       "format: missing");
}
END_TEST

START_TEST(test_state_refuses_wrong_types_and_missing_fields)
{
	static const struct {
		const char *from, *to, *want;
	} cases[] = {
	    {"\"window_s\":2800", "\"window_s\":\"2800\"",
	     "window_s: expected an integer"},
	    {"\"slot_s\":100,", "", "slot_s: missing"},
	    {"\"end\":1700000150,", "", "end: missing"},
	    {"\"end\":1700000150", "\"end\":1.5", "end: expected an integer"},
	    {"\"lines\":40", "\"lines\":[]", "totals.lines: expected"},
	    {"\"awl\":1}}", "\"awl\":true}}", "totals.per_counter.awl"},
	    {"\"samples\":[\"junk", "\"samples\":[1,\"junk",
	     "samples[0]: expected a string"},
	    {"\"hosts\":[\"other\",\"mx1\",\"mx2\"]", "\"hosts\":{}",
	     "hosts: expected an array"},
	    {"\"groups\":3", "\"groups\":null", "groups: expected an integer"},
	    {"{\"name\":\"example.com\",", "{", "line 2: name: missing"},
	    {"\"kind\":\"name\"", "\"kind\":\"domain\"",
	     "kind: \"domain\": expected"},
	    {"\"first_seen\":1699999000", "\"first_seen\":\"x\"",
	     "line 2: first_seen: expected an integer"},
	    {"\"host\":1,", "", "entries[0].host: missing"},
	    {"\"counts\":[1,0,0,1,0,0,0]", "\"counts\":[1,0,0,1,0,0]",
	     "entries[0].counts: expected 7 counts"},
	    {"\"counts\":[1,0,0,1,0,0,0]", "\"counts\":[1,0,\"0\",1,0,0,0]",
	     "entries[0].counts[2]: expected an integer"},
	    {"\"counts\":[1,0,0,1,0,0,0]", "\"counts\":{}",
	     "entries[0].counts: expected an array"},
	    {"\"counters\":[\"new\",\"early_retry\"",
	     "\"counters\":[\"early_retry\",\"new\"",
	     "counters: expected \"new\" at 0"},
	    {"\"counters\":[\"new\",", "\"counters\":[",
	     "counters: expected 7"},
	    {"\"delay_max_s\":600,", "", "\"hist\" and \"delay_max_s\""},
	    {"\"hist\":[[24,1]]", "\"hist\":[[24]]",
	     "entries[1].hist[0]: expected [bin, count]"},
	    {"\"addresses\":[[\"192.0.2.1\"", "\"addresses\":[[\"mx.example\"",
	     "addresses[0][0]: expected an IPv4 or IPv6 address"},
	    {"\"networks\":[[\"192.0.2.0\",17000000]",
	     "\"networks\":[\"192.0.2.0\"", "networks[0]: expected [address"},
	    {"\"examples\":[\"mail.example.com\"]", "\"examples\":\"x\"",
	     "examples: expected an array"},
	    {"\"name\":\"example.com\"", "\"name\":\"\"", "name: empty string"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_refused(damaged(cases[i].from, cases[i].to),
			       cases[i].want);
}
END_TEST

START_TEST(test_state_refuses_numbers_out_of_range)
{
	static const struct {
		const char *from, *to, *want;
	} cases[] = {
	    {"\"window_s\":2800", "\"window_s\":27", "window_s: 27 out of"},
	    {"\"window_s\":2800", "\"window_s\":4294967296",
	     "window_s: 4294967296 out of"},
	    {"\"slot_s\":100", "\"slot_s\":0", "slot_s: 0 out of range"},
	    {"\"slot_s\":100", "\"slot_s\":2801", "slot_s: 2801 out of"},
	    {"\"end\":1700000150", "\"end\":-1", "end: -1 out of range"},
	    {"\"lines\":40", "\"lines\":-40", "totals.lines: -40 out of"},
	    {"\"lines\":40", "\"lines\":99999999999999999999",
	     "totals.lines: 9223372036854775807 out of"},
	    {"\"host\":1,", "\"host\":3,", "entries[0].host: 3 out of range"},
	    {"\"counts\":[1,0,0,1,0,0,0]",
	     "\"counts\":[1,0,0,4294967296,0,0,0]",
	     "entries[0].counts[3]: 4294967296 out of"},
	    {"\"counts\":[1,0,0,1,0,0,0]", "\"counts\":[1,0,0,1,0,0,-1]",
	     "entries[0].counts[6]: -1 out of"},
	    {"\"slot\":17000000", "\"slot\":-1", "entries[0].slot: -1 out of"},
	    {"\"hist\":[[24,1]]", "\"hist\":[[64,1]]",
	     "entries[1].hist[0][0]: 64 out of range"},
	    {"\"hist\":[[24,1]]", "\"hist\":[[24,0]]",
	     "entries[1].hist[0][1]: 0 out of range"},
	    {"\"hist\":[[24,1]]", "\"hist\":[[24,1],[3,1]]",
	     "hist[1]: bins out of order"},
	    {"\"last_seen\":1700000150", "\"last_seen\":1099511627777",
	     "last_seen: 1099511627777 out of"},
	    {"\"examples\":[\"mail.example.com\"]",
	     "\"examples\":[\"a\",\"b\",\"c\",\"d\"]",
	     "examples: 4 strings, at most 3"},
	    {"\"examples\":[\"mail.example.com\"]",
	     "\"examples\":[\"0123456789012345678901234567890123456789012345"
	     "678901234567890123\"]",
	     "examples[0]: string longer than 63 bytes"},
	    {"\"groups\":3", "\"groups\":2", "more groups than the 2"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_refused(damaged(cases[i].from, cases[i].to),
			       cases[i].want);
}
END_TEST

START_TEST(test_state_refuses_inconsistent_content)
{
	/* Each line is fine alone; the tally's import checks the whole. */
	assert_refused(damaged("\"hist\":[[24,1]]", "\"hist\":[[24,2]]"),
		       "group \"example.com\": entries[1]: histogram holds 2 "
		       "delays for 1 delayed");
	assert_refused(damaged("\"delay_max_s\":600", "\"delay_max_s\":5000"),
		       "delay_max_s 5000 does not match");
	assert_refused(
	    damaged("\"first_seen\":1699999000", "\"first_seen\":1700000151"),
	    "first_seen after last_seen");
}
END_TEST

/* The v1 fixture loaded and saved again: a version 3 file (no pairs: the
 * tally follows none). */
static char *saved_v3(void)
{
	struct gs_tally *t = new_tally(WINDOW_S, 10);
	const char *path = path_in("v3.state");

	load(t, FIXTURES "/v1.state");
	save(t, path);
	gs_tally_free(t);
	return slurp(path);
}

/* That file with the first occurrence of from replaced by to. */
static const char *damaged_v3(const char *from, const char *to)
{
	char *text = saved_v3(), *at, *out;
	const char *path = path_in("damaged.state");

	at = strstr(text, from);
	ck_assert_msg(at != NULL, "saved state lacks \"%s\"", from);
	out = calloc(1, strlen(text) - strlen(from) + strlen(to) + 1);
	ck_assert_ptr_nonnull(out);
	memcpy(out, text, (size_t)(at - text));
	strcat(out, to);
	strcat(out, at + strlen(from));
	spit(path, out, strlen(out));
	free(out);
	free(text);
	return path;
}

START_TEST(test_state_saves_version_3_with_trailer_last)
{
	struct gs_tally *t = new_tally(WINDOW_S, 10), *u;
	struct gs_summary before, after;
	char *text = saved_v3(), *nl, *last;
	size_t lines = 0;

	/* Header, 3 groups, trailer. */
	for (nl = text; (nl = strchr(nl, '\n')) != NULL; nl++)
		lines++;
	ck_assert_uint_eq(lines, 5);
	text[strlen(text) - 1] = '\0';
	last = strrchr(text, '\n') + 1;
	ck_assert_int_eq(strncmp(last, "{\"end\":1700000150,\"totals\":", 27),
			 0);
	ck_assert_ptr_nonnull(strstr(last,
				     "\"hosts\":[\"other\",\"mx1\","
				     "\"mx2\"],\"groups\":3,\"pairs\":0}"));
	nl = strchr(text, '\n');
	*nl = '\0';
	ck_assert_str_eq(text,
			 "{\"format\":\"greyscan-state\",\"version\":3,"
			 "\"window_s\":2800,\"slot_s\":100,\"counters\":"
			 "[\"new\",\"early_retry\",\"delayed\",\"passed\","
			 "\"whitelisted\",\"recipient_whitelisted\","
			 "\"awl\"]}");
	free(text);
	/* And it loads to what was saved. */
	load(t, FIXTURES "/v1.state");
	snap(t, &before);
	u = new_tally(WINDOW_S, 10);
	load(u, path_in("v3.state"));
	snap(u, &after);
	assert_same(&before, &after);
	gs_summary_free(&before);
	gs_summary_free(&after);
	gs_tally_free(t);
	gs_tally_free(u);
}
END_TEST

START_TEST(test_state_refuses_damaged_version_3)
{
	char *text = saved_v3(), *last;
	const char *path = path_in("cut.state");

	/* Without its trailer: cut after the last group line. */
	last = strrchr(text, '\n');
	*last = '\0';
	last = strrchr(text, '\n');
	spit(path, text, (size_t)(last - text) + 1);
	assert_refused(path, "line 5: truncated file: no trailer after 3 "
			     "groups");
	free(text);
	assert_refused(damaged_v3("\"groups\":3,", "\"groups\":2,"),
		       "line 5: groups: 2 groups announced, but 3 written "
		       "before");
	assert_refused(damaged_v3("\"pairs\":0}\n", "\"pairs\":0}\n{}\n"),
		       "line 6: a line after the trailer");
	assert_refused(damaged_v3("{\"end\":1700000150,", "{"),
		       "line 5: end: missing");
	assert_refused(damaged_v3("\"hosts\":[\"other\",\"mx1\",\"mx2\"]",
				  "\"hosts\":[\"other\",\"mx1\"]"),
		       "host 2 is not among the 2 hosts of the trailer");
	assert_refused(damaged_v3("\"hist\":[[24,1]]", "\"hist\":[[24,2]]"),
		       "group \"example.com\": entries[1]: histogram holds 2 "
		       "delays for 1 delayed");
	assert_refused(damaged_v3("\"host\":1,", "\"host\":256,"),
		       "host: 256 out of range 0..255");
	assert_refused(damaged_v3("\"version\":3", "\"version\":1"),
		       "line 1: end: missing");
}
END_TEST

/* Saves while another thread keeps adding groups: each file loads, and no
 * group is in it twice. */
struct adder {
	struct gs_tally *t;
	atomic_int stop;
	unsigned added;
};

static void *keep_adding(void *arg)
{
	struct adder *a = arg;
	char name[32];

	while (!atomic_load(&a->stop)) {
		snprintf(name, sizeof(name), "busy%u.example",
			 a->added % 10000);
		add(a->t, T0 + a->added % 2000, GS_C_NEW, name, name,
		    "192.0.2.1", a->added % 2 ? "mx1" : "mx2", -1);
		/* Lets the saver in under valgrind, whose threads take
		 * turns. */
		if (++a->added % 64 == 0)
			sched_yield();
	}
	return NULL;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The group names of a saved file, sorted; *n gets their number. */
static char **saved_names(const char *path, size_t *n)
{
	char *text = slurp(path), *p, *q, **names = NULL;
	size_t cap = 0;

	*n = 0;
	for (p = text; (p = strstr(p, "{\"name\":\"")) != NULL; p = q) {
		p += 9;
		q = strchr(p, '"');
		ck_assert_ptr_nonnull(q);
		if (*n == cap) {
			cap = cap == 0 ? 1024 : cap * 2;
			names = realloc(names, cap * sizeof(*names));
			ck_assert_ptr_nonnull(names);
		}
		names[(*n)++] = strndup(p, (size_t)(q - p));
	}
	free(text);
	qsort(names, *n, sizeof(*names), name_cmp);
	return names;
}

START_TEST(test_state_save_while_counting_writes_each_group_once)
{
	struct adder a = {new_tally(WINDOW_S, 100000), 0, 0};
	struct gs_tally *u;
	pthread_t th;
	char **names;
	size_t n, i;
	int round;

	ck_assert_int_eq(pthread_create(&th, NULL, keep_adding, &a), 0);
	for (round = 0; round < 5; round++) {
		usleep(20000);
		save(a.t, path_in("busy.state"));
		names = saved_names(path_in("busy.state"), &n);
		for (i = 1; i < n; i++)
			ck_assert_str_ne(names[i - 1], names[i]);
		for (i = 0; i < n; i++)
			free(names[i]);
		free(names);
		u = new_tally(WINDOW_S, 100000);
		load(u, path_in("busy.state"));
		ck_assert_uint_eq(gs_tally_groups(u), n);
		gs_tally_free(u);
	}
	atomic_store(&a.stop, 1);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_uint_gt(a.added, 0);
	gs_tally_free(a.t);
}
END_TEST

START_TEST(test_state_load_merges_into_existing_counts)
{
	struct gs_tally *t = new_tally(WINDOW_S, 10);
	const struct gs_group_stats *g;
	struct gs_summary s;

	load(t, FIXTURES "/v1.state");
	load(t, FIXTURES "/v1.state");
	snap(t, &s);
	ck_assert_uint_eq(s.n_groups, 3);
	ck_assert_uint_eq(s.totals.lines, 80);
	ck_assert_uint_eq(s.n_samples, 2);
	g = find(&s, "example.com");
	ck_assert_uint_eq(g->counts[GS_C_NEW], 2);
	ck_assert_uint_eq(g->delay_count, 2);
	ck_assert_uint_eq(g->client_addresses, 2);
	ck_assert_uint_eq(g->n_examples, 1);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_state_load_converts_slots_of_another_window)
{
	struct gs_tally *t = new_tally(2 * WINDOW_S, 10);
	const struct gs_group_stats *g;
	struct gs_summary s;

	load(t, FIXTURES "/v1.state");
	snap(t, &s);
	ck_assert_uint_eq(s.window_s, 2 * WINDOW_S);
	ck_assert_uint_eq(s.n_groups, 3);
	g = find(&s, "example.com");
	ck_assert_uint_eq(g->counts[GS_C_NEW], 1);
	ck_assert_uint_eq(g->counts[GS_C_PASSED], 1);
	ck_assert_uint_eq(g->delay_max_s, 600);
	ck_assert_uint_eq(g->client_addresses, 2);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_state_load_skips_slots_outside_the_window)
{
	struct gs_tally *t = new_tally(WINDOW_S, 10);
	struct gs_summary s;

	/* The tally's end is one slot past the state's first slot's life. */
	add(t, 1700000000 + WINDOW_S + 100, GS_C_NEW, "now.example", "m",
	    "192.0.2.1", "mx1", -1);
	load(t, FIXTURES "/v1.state");
	snap(t, &s);
	/* Slot 17000000 left; example.com keeps its second slot. */
	ck_assert_uint_eq(s.n_groups, 3);
	ck_assert_uint_eq(find(&s, "example.com")->counts[GS_C_NEW], 0);
	ck_assert_uint_eq(find(&s, "example.com")->delay_count, 1);
	ck_assert_uint_eq(find(&s, "example.com")->client_addresses, 1);
	gs_summary_free(&s);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_state_load_keeps_max_groups)
{
	struct gs_tally *t = rich_tally(), *u = new_tally(WINDOW_S, 16);
	struct gs_summary s;

	save(t, path_in("big.state"));
	load(u, path_in("big.state"));
	ck_assert_uint_le(gs_tally_groups(u), 16);
	snap(u, &s);
	ck_assert_uint_le(s.n_groups, 16);
	gs_summary_free(&s);
	gs_tally_free(t);
	gs_tally_free(u);
}
END_TEST

START_TEST(test_state_load_of_a_directory_fails)
{
	assert_refused(tmpdir, "not a regular file");
}
END_TEST

/* rsyslogd loads the state at start in its main thread: a FIFO at the
 * state path must be refused at once, not wait for a writer. */
START_TEST(test_state_load_of_a_fifo_fails_without_blocking)
{
	const char *path = path_in("fifo.state");

	ck_assert_int_eq(mkfifo(path, 0600), 0);
	alarm(5); /* SIGALRM fails the test if the open blocks */
	assert_refused(path, "not a regular file");
	alarm(0);
}
END_TEST

START_TEST(test_state_load_refuses_a_symbolic_link)
{
	struct gs_tally *t = rich_tally(), *u = new_tally(WINDOW_S, 1000);
	char target[600];

	snprintf(target, sizeof(target), "%s", path_in("real.state"));
	save(t, target);
	load(u, target); /* the target itself loads */
	ck_assert_int_eq(symlink(target, path_in("link.state")), 0);
	assert_refused(path_in("link.state"), "is a symbolic link");
	/* a dangling link is refused too, not taken for a missing file */
	ck_assert_int_eq(symlink("nowhere", path_in("dangling.state")), 0);
	assert_refused(path_in("dangling.state"), "is a symbolic link");
	gs_tally_free(t);
	gs_tally_free(u);
}
END_TEST

/* No size cap: a state file gs_state_save wrote must always load again
 * (a cap once made large tallies restart empty). Memory is bounded per
 * line instead: a sparse file of 1 GiB + 1 zero bytes fails on its first
 * line, whose length is checked, not on its size. */
START_TEST(test_state_load_bounds_lines_not_file_size)
{
	char path[600];
	int fd;

	snprintf(path, sizeof(path), "%s", path_in("huge.state"));
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)1024 * 1024 * 1024 + 1), 0);
	ck_assert_int_eq(close(fd), 0);
	assert_refused(path, "line 1:");
}
END_TEST

START_TEST(test_state_save_fails_naming_the_file)
{
	struct gs_tally *t = rich_tally();
	char err[GS_ERRLEN] = "", path[600];

	snprintf(path, sizeof(path), "%s/no/such/dir/x.state", tmpdir);
	ck_assert_int_eq(gs_state_save(t, path, NULL, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, path) != NULL, "error \"%s\"", err);
	gs_tally_free(t);
}
END_TEST

START_TEST(test_state_save_replaces_file_with_given_mode)
{
	struct gs_tally *t = rich_tally();
	struct gs_file_opts opts;
	const char *path = path_in("mode.state");
	char err[GS_ERRLEN];
	struct stat st;
	char *text;

	spit(path, "old", 3);
	gs_file_opts_default(&opts);
	opts.mode = 0600;
	ck_assert_int_eq(gs_state_save(t, path, &opts, err, sizeof(err)), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	text = slurp(path);
	ck_assert_int_eq(strncmp(text, "{\"format\":\"greyscan-state\"", 26),
			 0);
	ck_assert_int_eq(text[strlen(text) - 1], '\n');
	free(text);
	gs_tally_free(t);
}
END_TEST

static Suite *state_suite(void)
{
	Suite *s = suite_create("state");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_state_round_trip_restores_identical_summary);
	tcase_add_test(tc, test_state_round_trip_of_many_groups);
	tcase_add_test(tc, test_state_round_trip_of_empty_tally);
	tcase_add_test(tc, test_state_missing_file_is_not_an_error);
	tcase_add_test(tc, test_state_loads_version_1_fixture);
	tcase_add_test(tc, test_state_refuses_fixtures_of_bad_files);
	tcase_add_test(tc, test_state_refuses_truncated_files);
	tcase_add_test(tc, test_state_refuses_bad_json);
	tcase_add_test(tc, test_state_refuses_overlong_line);
	tcase_add_test(tc, test_state_refuses_wrong_format_and_version);
	tcase_add_test(tc, test_state_refuses_wrong_types_and_missing_fields);
	tcase_add_test(tc, test_state_refuses_numbers_out_of_range);
	tcase_add_test(tc, test_state_refuses_inconsistent_content);
	tcase_add_test(tc, test_state_saves_version_3_with_trailer_last);
	tcase_add_test(tc, test_state_refuses_damaged_version_3);
	tcase_add_test(tc,
		       test_state_save_while_counting_writes_each_group_once);
	tcase_add_test(tc, test_state_load_merges_into_existing_counts);
	tcase_add_test(tc, test_state_load_converts_slots_of_another_window);
	tcase_add_test(tc, test_state_load_skips_slots_outside_the_window);
	tcase_add_test(tc, test_state_load_keeps_max_groups);
	tcase_add_test(tc, test_state_load_of_a_directory_fails);
	tcase_add_test(tc, test_state_load_of_a_fifo_fails_without_blocking);
	tcase_add_test(tc, test_state_load_refuses_a_symbolic_link);
	tcase_add_test(tc, test_state_load_bounds_lines_not_file_size);
	tcase_add_test(tc, test_state_save_fails_naming_the_file);
	tcase_add_test(tc, test_state_save_replaces_file_with_given_mode);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(state_suite)
