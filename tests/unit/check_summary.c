/* Unit tests of lib/summary.c and lib/stats.c: the summary file written and
 * read back, its exact text, and the reader's refusal of every kind of
 * damaged, foreign or out-of-range file. */
#include "gs_config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libfastjson/json.h>

#include "base/error.h"
#include "summary/summary.h"
#include "summary/summary_file.h"
#include "suite.h"

#define FIXTURES       GS_TEST_SRCDIR "/tests/data/summary"
#define T_GENERATED    1795806000 /* 2026-11-27T19:00:00Z */
#define T_START	       1795201200 /* 2026-11-20T19:00:00Z */
#define T_END	       1795805999 /* 2026-11-27T18:59:59Z */
#define T_FIRST	       1795248930 /* 2026-11-21T08:15:30Z */
#define T_LAST	       1795696496 /* 2026-11-26T12:34:56Z */
#define COUNT_MAX_TEXT "9223372036854775806"

static char tmpdir[64];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_summary.XXXXXX");
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

static void path_in(char *buf, size_t len, const char *name)
{
	ck_assert_int_lt(snprintf(buf, len, "%s/%s", tmpdir, name), (int)len);
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	ck_assert_ptr_nonnull(p);
	return p;
}

static void set_group(struct gs_group_stats *g, const char *domain,
		      enum gs_group_kind kind, uint64_t new_, uint64_t early)
{
	memset(g, 0, sizeof(*g));
	g->domain = xstrdup(domain);
	g->kind = kind;
	g->counts[GS_C_NEW] = new_;
	g->counts[GS_C_EARLY_RETRY] = early;
	g->first_seen = T_FIRST;
	g->last_seen = T_LAST;
}

static void add_host(struct gs_group_stats *g, const char *host, uint64_t count)
{
	g->hosts = realloc(g->hosts, (g->n_hosts + 1) * sizeof(*g->hosts));
	ck_assert_ptr_nonnull(g->hosts);
	g->hosts[g->n_hosts].host = xstrdup(host);
	g->hosts[g->n_hosts].count = count;
	g->n_hosts++;
}

/* Four groups, already in gs_summary_sort order: two tie on new and are
 * split by early_retry, two tie on both and are split by name. */
static void make_summary(struct gs_summary *s)
{
	struct gs_group_stats *g;

	memset(s, 0, sizeof(*s));
	s->version = GS_SUMMARY_VERSION;
	s->generated = T_GENERATED;
	s->window_start = T_START;
	s->window_end = T_END;
	s->window_s = 604800;
	s->totals.lines = strtoull(COUNT_MAX_TEXT, NULL, 10);
	s->totals.actions = 500;
	s->totals.unparsed = 3;
	s->totals.ignored = 77;
	s->totals.evicted = 0;
	s->totals.too_old = 4;
	for (int c = 0; c < GS_C_COUNT; c++)
		s->totals.per_counter[c] = 10 + (uint64_t)c;
	s->totals.groups = 9; /* the 4 busiest of 9 are listed */
	s->samples[0] = xstrdup("postgrey[1]: odd \"quoted\" \\back\\slash");
	s->samples[1] = xstrdup("ctl\x01\x1f\t\r\nend \x7f");
	s->samples[2] =
	    xstrdup("UTF-8 \xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa7");
	s->n_samples = 3;

	s->n_groups = 4;
	s->groups = calloc(s->n_groups, sizeof(*s->groups));
	ck_assert_ptr_nonnull(s->groups);

	g = &s->groups[0];
	set_group(g, "outlook.com", GS_KIND_NAME, 120, 30);
	g->counts[GS_C_DELAYED] = 80;
	g->counts[GS_C_PASSED] = 5;
	g->counts[GS_C_AWL] = 2;
	g->delay_count = 80;
	g->delay_median_s = 312;
	g->delay_max_s = 11045;
	g->client_addresses = 64;
	g->networks = 12;
	g->examples[0] =
	    xstrdup("mail-db5eur01.outbound.protection.outlook.com");
	g->examples[1] =
	    xstrdup("mail-am6eur05.outbound.protection.outlook.com");
	g->examples[2] =
	    xstrdup("mail-he1eur04.outbound.protection.outlook.com");
	g->n_examples = 3;
	add_host(g, "mx1", 100);
	add_host(g, "mx2", 137);

	g = &s->groups[1];
	set_group(g, "[192.0.2.0/24]", GS_KIND_NETWORK, 120, 10);
	g->counts[GS_C_WHITELISTED] = 1;
	g->counts[GS_C_RECIPIENT_WL] = 2;
	g->client_addresses = 2;
	g->networks = 1;
	g->examples[0] = xstrdup("192.0.2.7");
	g->examples[1] = xstrdup("192.0.2.9");
	g->n_examples = 2;
	add_host(g, "", 3);

	g = &s->groups[2];
	set_group(g, "amazonses.com", GS_KIND_NAME, 40, 10);
	g->counts[GS_C_DELAYED] = 1;
	g->delay_count = 1;
	g->delay_median_s = 4294967295u;
	g->delay_max_s = 4294967295u;
	g->client_addresses = 4294967295u;
	g->networks = 4294967295u;
	g->examples[0] = xstrdup("a8-1.smtp-out.amazonses.com");
	g->n_examples = 1;

	g = &s->groups[3];
	set_group(g, "zeta.example", GS_KIND_NAME, 40, 10);
	g->first_seen = 0;
	g->last_seen = 0;
}

static void assert_group_eq(const struct gs_group_stats *a,
			    const struct gs_group_stats *b)
{
	ck_assert_str_eq(a->domain, b->domain);
	ck_assert_int_eq(a->kind, b->kind);
	for (int c = 0; c < GS_C_COUNT; c++)
		ck_assert_uint_eq(a->counts[c], b->counts[c]);
	ck_assert_uint_eq(a->delay_count, b->delay_count);
	ck_assert_uint_eq(a->delay_median_s, b->delay_median_s);
	ck_assert_uint_eq(a->delay_max_s, b->delay_max_s);
	ck_assert_uint_eq(a->client_addresses, b->client_addresses);
	ck_assert_uint_eq(a->networks, b->networks);
	ck_assert_uint_eq(a->n_examples, b->n_examples);
	for (size_t i = 0; i < a->n_examples; i++)
		ck_assert_str_eq(a->examples[i], b->examples[i]);
	ck_assert_int_eq(a->first_seen, b->first_seen);
	ck_assert_int_eq(a->last_seen, b->last_seen);
	ck_assert_uint_eq(a->n_hosts, b->n_hosts);
	for (size_t i = 0; i < a->n_hosts; i++) {
		ck_assert_str_eq(a->hosts[i].host, b->hosts[i].host);
		ck_assert_uint_eq(a->hosts[i].count, b->hosts[i].count);
	}
}

static void assert_summary_eq(const struct gs_summary *a,
			      const struct gs_summary *b)
{
	ck_assert_int_eq(a->version, b->version);
	ck_assert_int_eq(a->generated, b->generated);
	ck_assert_int_eq(a->window_start, b->window_start);
	ck_assert_int_eq(a->window_end, b->window_end);
	ck_assert_uint_eq(a->window_s, b->window_s);
	ck_assert_uint_eq(a->totals.lines, b->totals.lines);
	ck_assert_uint_eq(a->totals.actions, b->totals.actions);
	ck_assert_uint_eq(a->totals.unparsed, b->totals.unparsed);
	ck_assert_uint_eq(a->totals.ignored, b->totals.ignored);
	ck_assert_uint_eq(a->totals.evicted, b->totals.evicted);
	ck_assert_uint_eq(a->totals.too_old, b->totals.too_old);
	for (int c = 0; c < GS_C_COUNT; c++)
		ck_assert_uint_eq(a->totals.per_counter[c],
				  b->totals.per_counter[c]);
	ck_assert_uint_eq(a->totals.groups, b->totals.groups);
	ck_assert_uint_eq(a->n_samples, b->n_samples);
	for (size_t i = 0; i < a->n_samples; i++)
		ck_assert_str_eq(a->samples[i], b->samples[i]);
	ck_assert_uint_eq(a->n_groups, b->n_groups);
	for (size_t i = 0; i < a->n_groups; i++)
		assert_group_eq(&a->groups[i], &b->groups[i]);
}

/* Reads a whole (small) file into a static buffer; *len gets its size. */
static char *slurp(const char *path, size_t *len)
{
	static char buf[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	ck_assert_int_eq(ferror(f), 0);
	fclose(f);
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

static void write_bytes(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static struct json_object *parse_text(const char *text)
{
	struct json_object *o = json_tokener_parse(text);

	ck_assert_msg(o != NULL, "fixture does not parse: %s", text);
	return o;
}

/* The written form of make_summary(), parsed: the base that the
 * malformed-field tests damage one field at a time. */
static struct json_object *valid_tree(void)
{
	return parse_text(slurp(FIXTURES "/expected-v1.json", NULL));
}

/* Walks a dot-separated path of member names and array indexes. */
static struct json_object *walk(struct json_object *o, const char *path)
{
	char buf[128], *part, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (part = strtok_r(buf, ".", &save); part != NULL;
	     part = strtok_r(NULL, ".", &save)) {
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, atoi(part));
		else
			ck_assert(json_object_object_get_ex(o, part, &o));
		ck_assert_ptr_nonnull(o);
	}
	return o;
}

/* ---- writing and round trips ------------------------------------------ */

START_TEST(test_summary_round_trip_preserves_every_field)
{
	struct gs_summary s, back;
	char path[256], err[GS_ERRLEN] = "";

	make_summary(&s);
	path_in(path, sizeof(path), "summary.json");
	ck_assert_int_eq(gs_summary_write(&s, path, NULL, err, sizeof(err)), 0);
	ck_assert_msg(gs_summary_read(path, &back, err, sizeof(err)) == 0, "%s",
		      err);
	assert_summary_eq(&s, &back);
	gs_summary_free(&back);
	gs_summary_free(&s);
}
END_TEST

START_TEST(test_summary_write_matches_expected_text)
{
	struct gs_summary s;
	char path[256], err[GS_ERRLEN] = "";
	size_t len, want_len;
	char *got, *want;

	make_summary(&s);
	path_in(path, sizeof(path), "summary.json");
	ck_assert_int_eq(gs_summary_write(&s, path, NULL, err, sizeof(err)), 0);
	got = xstrdup(slurp(path, &len));
	want = slurp(FIXTURES "/expected-v2.json", &want_len);
	ck_assert_uint_eq(len, want_len);
	ck_assert_str_eq(got, want);
	/* One line of JSON, ended by a newline. */
	ck_assert_ptr_eq(strchr(got, '\n'), got + len - 1);
	free(got);
	gs_summary_free(&s);
}
END_TEST

START_TEST(test_summary_json_escapes_quotes_backslashes_and_controls)
{
	struct gs_summary s;
	char path[256], err[GS_ERRLEN] = "";
	const char *text;

	make_summary(&s);
	path_in(path, sizeof(path), "escapes.json");
	ck_assert_int_eq(gs_summary_write(&s, path, NULL, err, sizeof(err)), 0);
	text = slurp(path, NULL);
	ck_assert_ptr_nonnull(strstr(text, "\"postgrey[1]: odd \\\"quoted\\\" "
					   "\\\\back\\\\slash\""));
	ck_assert_ptr_nonnull(
	    strstr(text, "\"ctl\\u0001\\u001f\\t\\r\\nend \x7f\""));
	/* UTF-8 passes through unchanged. */
	ck_assert_ptr_nonnull(strstr(text, "\xc3\xa9t\xc3\xa9 \xe2\x82\xac"));
	ck_assert_ptr_nonnull(strstr(text, "{\"format\":\"greyscan-summary\","
					   "\"version\":2,"));
	gs_summary_free(&s);
}
END_TEST

/* A summary made without totals.groups (0) still says that the domains it
 * lists are tracked. */
START_TEST(test_summary_write_counts_at_least_the_domains_listed)
{
	struct gs_summary s, back;
	char path[256], err[GS_ERRLEN] = "";

	make_summary(&s);
	s.totals.groups = 0;
	path_in(path, sizeof(path), "groups.json");
	ck_assert_int_eq(gs_summary_write(&s, path, NULL, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(
	    strstr(slurp(path, NULL), "\"awl\":16,\"groups\":4,"));
	ck_assert_msg(gs_summary_read(path, &back, err, sizeof(err)) == 0, "%s",
		      err);
	ck_assert_uint_eq(back.totals.groups, 4);
	gs_summary_free(&back);
	gs_summary_free(&s);
}
END_TEST

/* Many domains are streamed one by one: the file is whole, in order, and
 * reads back. */
START_TEST(test_summary_write_streams_many_domains)
{
	struct gs_summary s = {0}, back;
	char path[256], err[GS_ERRLEN] = "", name[64];
	const size_t n = 20000;
	size_t i;

	s.version = GS_SUMMARY_VERSION;
	s.generated = T_GENERATED;
	s.window_s = 604800;
	s.totals.groups = n + 1;
	s.groups = calloc(n, sizeof(*s.groups));
	ck_assert_ptr_nonnull(s.groups);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "d%06zu.example", i);
		set_group(&s.groups[i], name, GS_KIND_NAME, n - i, 0);
		add_host(&s.groups[i], "mx1", n - i);
		s.n_groups++;
	}
	path_in(path, sizeof(path), "many.json");
	ck_assert_int_eq(gs_summary_write(&s, path, NULL, err, sizeof(err)), 0);
	ck_assert_msg(gs_summary_read(path, &back, err, sizeof(err)) == 0, "%s",
		      err);
	assert_summary_eq(&s, &back);
	gs_summary_free(&back);
	gs_summary_free(&s);
}
END_TEST

/* A write that fails half way through the domains (file size limit) keeps
 * the old file and reports the write error. */
START_TEST(test_summary_write_failure_keeps_old_file)
{
	struct rlimit lim = {200000, 200000};
	struct gs_summary s = {0};
	char path[256], err[GS_ERRLEN] = "", name[64];
	const size_t n = 5000;
	size_t i;

	path_in(path, sizeof(path), "full.json");
	write_bytes(path, "old\n", 4);
	s.version = GS_SUMMARY_VERSION;
	s.groups = calloc(n, sizeof(*s.groups));
	ck_assert_ptr_nonnull(s.groups);
	for (i = 0; i < n; i++, s.n_groups++) {
		snprintf(name, sizeof(name), "d%06zu.example", i);
		set_group(&s.groups[i], name, GS_KIND_NAME, n - i, 0);
	}
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	ck_assert_int_eq(gs_summary_write(&s, path, NULL, err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, path));
	ck_assert_ptr_nonnull(strstr(err, ": write (temporary file "));
	ck_assert_ptr_nonnull(strstr(err, strerror(EFBIG)));
	ck_assert_str_eq(slurp(path, NULL), "old\n");
	gs_summary_free(&s);
}
END_TEST

START_TEST(test_summary_window_zero_written_as_null_and_read_as_zero)
{
	struct gs_summary s = {0}, back;
	char path[256], err[GS_ERRLEN] = "";

	s.version = GS_SUMMARY_VERSION;
	s.generated = T_GENERATED;
	s.window_s = 86400;
	path_in(path, sizeof(path), "empty.json");
	ck_assert_int_eq(gs_summary_write(&s, path, NULL, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(slurp(path, NULL),
				     "\"window\":{\"start\":null,\"end\":null,"
				     "\"seconds\":86400,\"retry_window\":0}"));
	ck_assert_ptr_nonnull(strstr(
	    slurp(path, NULL), "\"unparsed_samples\":[],\"domains\":[]}"));
	ck_assert_msg(gs_summary_read(path, &back, err, sizeof(err)) == 0, "%s",
		      err);
	assert_summary_eq(&s, &back);
	ck_assert_ptr_null(back.groups);
	gs_summary_free(&back);
}
END_TEST

START_TEST(test_summary_write_saturates_counts_beyond_int64)
{
	struct gs_summary s, back;
	char path[256], err[GS_ERRLEN] = "";

	make_summary(&s);
	s.totals.lines = UINT64_MAX;
	s.groups[0].counts[GS_C_PASSED] = (uint64_t)INT64_MAX;
	path_in(path, sizeof(path), "big.json");
	ck_assert_int_eq(gs_summary_write(&s, path, NULL, err, sizeof(err)), 0);
	ck_assert_msg(gs_summary_read(path, &back, err, sizeof(err)) == 0, "%s",
		      err);
	ck_assert_uint_eq(back.totals.lines,
			  strtoull(COUNT_MAX_TEXT, NULL, 10));
	ck_assert_uint_eq(back.groups[0].counts[GS_C_PASSED],
			  strtoull(COUNT_MAX_TEXT, NULL, 10));
	gs_summary_free(&back);
	gs_summary_free(&s);
}
END_TEST

START_TEST(test_summary_write_applies_file_mode)
{
	struct gs_summary s = {0};
	struct gs_file_opts o;
	char path[256], err[GS_ERRLEN] = "";
	struct stat st;

	gs_file_opts_default(&o);
	o.mode = 0604;
	path_in(path, sizeof(path), "m.json");
	ck_assert_int_eq(gs_summary_write(&s, path, &o, err, sizeof(err)), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0604);
}
END_TEST

START_TEST(test_summary_write_fails_naming_the_path)
{
	struct gs_summary s = {0};
	char path[256], err[GS_ERRLEN] = "";

	path_in(path, sizeof(path), "missing-dir/summary.json");
	ck_assert_int_eq(gs_summary_write(&s, path, NULL, err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, path));
	ck_assert_ptr_nonnull(strstr(err, "No such file or directory"));
}
END_TEST

/* ---- reading what people and other versions may produce --------------- */

START_TEST(test_summary_read_accepts_pretty_file_with_unknown_fields)
{
	struct gs_summary s, back;
	char err[GS_ERRLEN] = "";

	make_summary(&s);
	s.version = 1; /* the fixture's */
	ck_assert_msg(gs_summary_read(FIXTURES "/pretty-unsorted-v1.json",
				      &back, err, sizeof(err)) == 0,
		      "%s", err);
	/* Without totals.groups (an older writer's file), the domains listed
	 * are all the groups. */
	ck_assert_uint_eq(back.totals.groups, 4);
	s.totals.groups = 4;
	/* The fixture lists the groups out of order: the reader sorts. */
	assert_summary_eq(&s, &back);
	gs_summary_free(&back);
	gs_summary_free(&s);
}
END_TEST

START_TEST(test_summary_read_keeps_first_examples_and_newest_samples)
{
	struct json_object *root = valid_tree(), *a;
	struct gs_summary out;
	char err[GS_ERRLEN] = "";

	a = walk(root, "domains.0.examples");
	json_object_array_add(a, json_object_new_string("fourth.example"));
	a = walk(root, "unparsed_samples");
	json_object_array_add(a, json_object_new_string("s4"));
	json_object_array_add(a, json_object_new_string("s5"));
	json_object_array_add(a, json_object_new_string("s6"));
	ck_assert_int_eq(json_object_array_length(a), GS_MAX_SAMPLES + 1);
	ck_assert_msg(gs_summary_from_json(root, "t", &out, err, sizeof(err)) ==
			  0,
		      "%s", err);
	ck_assert_uint_eq(out.groups[0].n_examples, GS_MAX_EXAMPLES);
	ck_assert_str_eq(out.groups[0].examples[2],
			 "mail-he1eur04.outbound.protection.outlook.com");
	ck_assert_uint_eq(out.n_samples, GS_MAX_SAMPLES);
	ck_assert_str_eq(out.samples[0], "ctl\x01\x1f\t\r\nend \x7f");
	ck_assert_str_eq(out.samples[GS_MAX_SAMPLES - 1], "s6");
	gs_summary_free(&out);
	json_object_put(root);
}
END_TEST

START_TEST(test_summary_read_accepts_exact_limits)
{
	struct json_object *root = valid_tree(), *g;
	struct gs_summary out;
	char err[GS_ERRLEN] = "", name[1025];

	memset(name, 'a', 1024);
	name[1024] = '\0';
	g = walk(root, "domains.3");
	json_object_object_add(g, "domain", json_object_new_string(name));
	json_object_object_add(g, "networks",
			       json_object_new_int64(4294967295));
	json_object_object_add(g, "new", json_tokener_parse(COUNT_MAX_TEXT));
	ck_assert_msg(gs_summary_from_json(root, "t", &out, err, sizeof(err)) ==
			  0,
		      "%s", err);
	/* Now the first by "new". */
	ck_assert_str_eq(out.groups[0].domain, name);
	ck_assert_uint_eq(out.groups[0].networks, 4294967295u);
	ck_assert_uint_eq(out.groups[0].counts[GS_C_NEW],
			  strtoull(COUNT_MAX_TEXT, NULL, 10));
	gs_summary_free(&out);
	json_object_put(root);
}
END_TEST

START_TEST(test_summary_read_refuses_name_one_byte_too_long)
{
	struct json_object *root = valid_tree(), *g;
	struct gs_summary out;
	char err[GS_ERRLEN] = "", name[1026];

	memset(name, 'a', 1025);
	name[1025] = '\0';
	g = walk(root, "domains.1");
	json_object_object_add(g, "domain", json_object_new_string(name));
	ck_assert_int_eq(
	    gs_summary_from_json(root, "t", &out, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "t: domains[1].domain: string longer than 1024 "
			      "bytes");
	ck_assert_ptr_null(out.groups);
	json_object_put(root);
}
END_TEST

/* ---- malformed fields, one at a time ----------------------------------- */

struct bad_field {
	const char *parent; /* dot-separated, array indexes as numbers */
	const char *key;    /* member name, or index in an array */
	const char *value;  /* JSON text; NULL removes the member */
	const char *err;    /* the whole message after "t: " */
};

#define NNI	"expected a non-negative integer"
#define TIME	"expected a time as \"YYYY-MM-DDTHH:MM:SSZ\""
#define RANGE64 "number out of range (maximum " COUNT_MAX_TEXT ")"
#define RANGE32 "number out of range (maximum 4294967295)"

static const struct bad_field bad_fields[] = {
    {"", "format", NULL, "format: missing"},
    {"", "format", "7", "format: expected a string"},
    {"", "format", "\"greyscan-state\"",
     "format: not a greyscan summary (format is \"greyscan-state\", "
     "expected \"greyscan-summary\")"},
    {"", "version", NULL, "version: missing"},
    {"", "version", "3", "unsupported version 3 (expected 1 to 2)"},
    {"", "version", "0", "unsupported version 0 (expected 1 to 2)"},
    {"", "version", "\"1\"", "version: expected an integer"},
    {"", "version", "1.0", "version: expected an integer"},
    {"", "generated", NULL, "generated: missing"},
    {"", "generated", "null", "generated: " TIME},
    {"", "generated", "1795806000", "generated: " TIME},
    {"", "generated", "\"2026-11-27 19:00:00Z\"", "generated: " TIME},
    {"", "generated", "\"2026-11-27T19:00:00\"", "generated: " TIME},
    {"", "generated", "\"2026-11-27T19:00:00+01:00\"", "generated: " TIME},
    {"", "generated", "\"2026-11-27T19:00:00.5Z\"", "generated: " TIME},
    {"", "generated", "\"2026-02-30T19:00:00Z\"", "generated: " TIME},
    {"", "generated", "\"2026-11-27T24:00:00Z\"", "generated: " TIME},
    {"", "generated", "\"2026-1-27T19:00:00Z \"", "generated: " TIME},
    {"", "generated", "\"\"", "generated: " TIME},
    {"", "window", NULL, "window: missing"},
    {"", "window", "[]", "window: expected an object"},
    {"window", "start", NULL, "window.start: missing"},
    {"window", "start", "0",
     "window.start: expected null or a time as \"YYYY-MM-DDTHH:MM:SSZ\""},
    {"window", "end", "\"yesterday\"",
     "window.end: expected null or a time as \"YYYY-MM-DDTHH:MM:SSZ\""},
    {"window", "seconds", NULL, "window.seconds: missing"},
    {"window", "seconds", "-1", "window.seconds: " NNI},
    {"window", "seconds", "4294967296", "window.seconds: " RANGE32},
    {"window", "seconds", "null", "window.seconds: " NNI},
    {"", "totals", "null", "totals: expected an object"},
    {"totals", "lines", "-5", "totals.lines: " NNI},
    {"totals", "actions", NULL, "totals.actions: missing"},
    {"totals", "unparsed", "\"3\"", "totals.unparsed: " NNI},
    {"totals", "ignored", "true", "totals.ignored: " NNI},
    {"totals", "evicted", "1e3", "totals.evicted: " NNI},
    {"totals", "too_old", "2.5", "totals.too_old: " NNI},
    {"totals", "new", "9223372036854775807", "totals.new: " RANGE64},
    {"totals", "new", "99999999999999999999999", "totals.new: " RANGE64},
    {"totals", "new", "-9223372036854775809", "totals.new: " NNI},
    {"totals", "awl", NULL, "totals.awl: missing"},
    {"totals", "groups", "3",
     "totals.groups: 3 groups tracked but 4 domains listed"},
    {"totals", "groups", "-1", "totals.groups: " NNI},
    {"totals", "groups", "\"9\"", "totals.groups: " NNI},
    {"totals", "groups", "null", "totals.groups: " NNI},
    {"", "unparsed_samples", NULL, "unparsed_samples: missing"},
    {"", "unparsed_samples", "{}", "unparsed_samples: expected an array"},
    {"unparsed_samples", "1", "5", "unparsed_samples[1]: expected a string"},
    {"unparsed_samples", "0", "\"a\\u0000b\"",
     "unparsed_samples[0]: string contains a NUL character"},
    {"", "domains", NULL, "domains: missing"},
    {"", "domains", "{}", "domains: expected an array"},
    {"domains", "1", "[]", "domains[1]: expected an object"},
    {"domains.0", "domain", NULL, "domains[0].domain: missing"},
    {"domains.0", "domain", "\"\"", "domains[0].domain: empty string"},
    {"domains.0", "domain", "[\"a\"]", "domains[0].domain: expected a string"},
    {"domains.0", "domain", "\"a\\u0000b\"",
     "domains[0].domain: string contains a NUL character"},
    {"domains.0", "kind", NULL, "domains[0].kind: missing"},
    {"domains.0", "kind", "\"host\"",
     "domains[0].kind: expected \"name\" or \"network\""},
    {"domains.0", "kind", "1",
     "domains[0].kind: expected \"name\" or \"network\""},
    {"domains.2", "new", "-1", "domains[2].new: " NNI},
    {"domains.3", "early_retry", "\"1\"", "domains[3].early_retry: " NNI},
    {"domains.1", "recipient_whitelisted", NULL,
     "domains[1].recipient_whitelisted: missing"},
    {"domains.0", "delay_count", "1.5", "domains[0].delay_count: " NNI},
    {"domains.0", "delay_median", "4294967296",
     "domains[0].delay_median: " RANGE32},
    {"domains.0", "delay_max", NULL, "domains[0].delay_max: missing"},
    {"domains.0", "client_addresses", "\"3\"",
     "domains[0].client_addresses: " NNI},
    {"domains.0", "networks", "-1", "domains[0].networks: " NNI},
    {"domains.0", "examples", "\"a\"",
     "domains[0].examples: expected an array"},
    {"domains.0", "examples", NULL, "domains[0].examples: missing"},
    {"domains.0.examples", "1", "7",
     "domains[0].examples[1]: expected a string"},
    {"domains.0.examples", "0", "\"\"", "domains[0].examples[0]: empty string"},
    {"domains.0", "first_seen", "null", "domains[0].first_seen: " TIME},
    {"domains.0", "last_seen", NULL, "domains[0].last_seen: missing"},
    {"domains.0", "hosts", "[]", "domains[0].hosts: expected an object"},
    {"domains.0", "hosts", NULL, "domains[0].hosts: missing"},
    {"domains.0.hosts", "mx1", "\"12\"", "domains[0].hosts.mx1: " NNI},
    {"domains.0.hosts", "mx2", "-3", "domains[0].hosts.mx2: " NNI},
    {"domains.0.hosts", "mx2", "9223372036854775808",
     "domains[0].hosts.mx2: " RANGE64},
};

static void damage(struct json_object *root, const struct bad_field *b)
{
	struct json_object *parent = walk(root, b->parent), *v = NULL;

	if (b->value != NULL) {
		/* json_tokener_parse gives NULL for the JSON null too. */
		v = json_tokener_parse(b->value);
		ck_assert(v != NULL || strcmp(b->value, "null") == 0);
	}
	if (json_object_is_type(parent, json_type_array)) {
		ck_assert_ptr_nonnull(b->value);
		ck_assert_int_eq(
		    json_object_array_put_idx(parent, atoi(b->key), v), 0);
	} else if (b->value == NULL) {
		ck_assert(json_object_object_get_ex(parent, b->key, NULL));
		json_object_object_del(parent, b->key);
	} else
		json_object_object_add(parent, b->key, v);
}

START_TEST(test_summary_read_refuses_malformed_field)
{
	const struct bad_field *b = &bad_fields[_i];
	struct json_object *root = valid_tree();
	struct gs_summary out;
	char err[GS_ERRLEN] = "", want[GS_ERRLEN];

	damage(root, b);
	snprintf(want, sizeof(want), "t: %s", b->err);
	ck_assert_int_eq(
	    gs_summary_from_json(root, "t", &out, err, sizeof(err)), -1);
	ck_assert_str_eq(err, want);
	/* Nothing half-read is left behind. */
	ck_assert_ptr_null(out.groups);
	ck_assert_uint_eq(out.n_groups, 0);
	ck_assert_uint_eq(out.n_samples, 0);
	json_object_put(root);
}
END_TEST

START_TEST(test_summary_read_refuses_any_missing_counter)
{
	char err[GS_ERRLEN], want[GS_ERRLEN];
	struct gs_summary out;

	for (int c = 0; c < GS_C_COUNT; c++) {
		struct json_object *root = valid_tree();

		json_object_object_del(walk(root, "domains.2"),
				       gs_counter_name(c));
		ck_assert_int_eq(
		    gs_summary_from_json(root, "t", &out, err, sizeof(err)),
		    -1);
		snprintf(want, sizeof(want), "t: domains[2].%s: missing",
			 gs_counter_name(c));
		ck_assert_str_eq(err, want);
		json_object_put(root);
	}
}
END_TEST

START_TEST(test_summary_from_json_refuses_non_object)
{
	const char *texts[] = {"[1,2]", "\"greyscan-summary\"", "12"};
	char err[GS_ERRLEN];
	struct gs_summary out;

	ck_assert_int_eq(
	    gs_summary_from_json(NULL, "t", &out, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "t: expected a JSON object at the top level");
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct json_object *o = parse_text(texts[i]);

		ck_assert_int_eq(
		    gs_summary_from_json(o, "t", &out, err, sizeof(err)), -1);
		ck_assert_str_eq(err,
				 "t: expected a JSON object at the top level");
		json_object_put(o);
	}
}
END_TEST

/* ---- damaged files ------------------------------------------------------ */

static void assert_read_fails(const char *path, const char *want)
{
	struct gs_summary out;
	char err[GS_ERRLEN] = "";

	ck_assert_int_eq(gs_summary_read(path, &out, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, want) != NULL, "'%s' lacks '%s'", err, want);
	ck_assert_msg(strncmp(err, path, strlen(path)) == 0,
		      "'%s' does not start with the path", err);
	ck_assert_ptr_null(out.groups);
	ck_assert_uint_eq(out.n_groups, 0);
}

START_TEST(test_summary_read_missing_file)
{
	struct gs_summary out;
	char path[256], err[GS_ERRLEN] = "", want[GS_ERRLEN];

	path_in(path, sizeof(path), "absent.json");
	ck_assert_int_eq(gs_summary_read(path, &out, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(test_summary_read_refuses_directory)
{
	assert_read_fails(tmpdir, "not a regular file");
}
END_TEST

/* A FIFO with no writer would block a plain open() for ever; Check's
 * default timeout fails the test if it does. */
START_TEST(test_summary_read_refuses_fifo_without_blocking)
{
	char path[256];

	path_in(path, sizeof(path), "fifo.json");
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	alarm(5);
	assert_read_fails(path, "not a regular file");
	alarm(0);
}
END_TEST

START_TEST(test_summary_read_empty_file_is_truncated)
{
	char path[256];

	path_in(path, sizeof(path), "empty.json");
	write_bytes(path, "", 0);
	assert_read_fails(path, ": truncated: the file is empty");
	write_bytes(path, " \n", 2);
	assert_read_fails(path, ": truncated: the file is empty");
}
END_TEST

/* Every cut of a valid file short of its closing brace is truncated. */
START_TEST(test_summary_read_truncated_file_at_every_length)
{
	char path[256], *full;
	size_t len, cut;

	full = xstrdup(slurp(FIXTURES "/expected-v1.json", &len));
	ck_assert_uint_gt(len, 100);
	path_in(path, sizeof(path), "cut.json");
	for (cut = 1; cut <= len - 2; cut++) {
		write_bytes(path, full, cut);
		assert_read_fails(path,
				  ": truncated: the JSON ends unfinished");
	}
	/* The newline is optional: without it the file is still whole. */
	write_bytes(path, full, len - 1);
	{
		struct gs_summary out;
		char err[GS_ERRLEN] = "";

		ck_assert_msg(gs_summary_read(path, &out, err, sizeof(err)) ==
				  0,
			      "%s", err);
		gs_summary_free(&out);
	}
	free(full);
}
END_TEST

START_TEST(test_summary_read_refuses_trailing_garbage)
{
	const char *tails[] = {"x", "{}", "\n\n,", "\0"};
	size_t tail_len[] = {1, 2, 3, 1};
	char path[256], *buf, *text;
	size_t len;

	buf = malloc(70000);
	ck_assert_ptr_nonnull(buf);
	text = slurp(FIXTURES "/expected-v1.json", &len);
	memcpy(buf, text, len);
	path_in(path, sizeof(path), "tail.json");
	for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		memcpy(buf + len, tails[i], tail_len[i]);
		write_bytes(path, buf, len + tail_len[i]);
		assert_read_fails(path, ": trailing garbage after the JSON");
	}
	free(buf);
}
END_TEST

START_TEST(test_summary_read_refuses_invalid_json)
{
	char path[256];

	path_in(path, sizeof(path), "bad.json");
	write_bytes(path, "{\"format\" \"x\"}", 14);
	assert_read_fails(path, ": invalid JSON at byte ");
	write_bytes(path, "\0\0\0", 3);
	assert_read_fails(path, ": invalid JSON at byte 0");
	write_bytes(path, "<html>", 6);
	assert_read_fails(path, ": invalid JSON at byte 0");
}
END_TEST

START_TEST(test_summary_read_refuses_other_version_file)
{
	assert_read_fails(FIXTURES "/version3.json",
			  ": unsupported version 3 (expected 1 to 2)");
}
END_TEST

START_TEST(test_summary_read_names_path_and_field)
{
	char path[256], err[GS_ERRLEN], want[GS_ERRLEN];
	struct json_object *root = valid_tree();
	struct gs_summary out;
	const char *text;

	json_object_object_add(walk(root, "domains.3"), "new",
			       json_object_new_int(-2));
	path_in(path, sizeof(path), "s.json");
	text = json_object_to_json_string(root);
	write_bytes(path, text, strlen(text));
	ck_assert_int_eq(gs_summary_read(path, &out, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: domains[3].new: " NNI, path);
	ck_assert_str_eq(err, want);
	json_object_put(root);
}
END_TEST

/* A sparse file one byte over the limit is refused by its size alone. */
START_TEST(test_summary_read_refuses_file_over_size_limit)
{
	char path[256];
	int fd;

	path_in(path, sizeof(path), "huge.json");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)GS_SUMMARY_MAX_BYTES + 1), 0);
	ck_assert_int_eq(close(fd), 0);
	assert_read_fails(path, ": file too large (268435457 bytes, limit "
				"268435456)");
}
END_TEST

/* Exactly at the limit the file is read (and then found not to be JSON). */
START_TEST(test_summary_read_reads_file_at_size_limit)
{
	char path[256];
	int fd;

	path_in(path, sizeof(path), "limit.json");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "{", 1), 1);
	ck_assert_int_eq(ftruncate(fd, (off_t)GS_SUMMARY_MAX_BYTES), 0);
	ck_assert_int_eq(close(fd), 0);
	assert_read_fails(path, ": invalid JSON at byte 1");
}
END_TEST

/* ---- the streaming reader ----------------------------------------------
 * gs_summary_read parses the top-level object member by member and the
 * domains one at a time; these pin what that must still get right. */

/* text with its first from replaced by to, malloc'd. */
static char *edit(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	size_t len = strlen(text) - strlen(from) + strlen(to);
	char *out = malloc(len + 1);

	ck_assert_msg(at != NULL, "'%s' not found", from);
	ck_assert_ptr_nonnull(out);
	snprintf(out, len + 1, "%.*s%s%s", (int)(at - text), text, to,
		 at + strlen(from));
	return out;
}

/* The fixture's text, edited; where names the offset of the edit. */
static char *edited(const char *from, const char *to, size_t *where)
{
	const char *text = slurp(FIXTURES "/expected-v1.json", NULL);

	if (where != NULL)
		*where = (size_t)(strstr(text, from) - text);
	return edit(text, from, to);
}

/* Writes text (freed) to t.json in tmpdir, named in path. */
static void put_text(char *path, size_t len, char *text)
{
	path_in(path, len, "t.json");
	write_bytes(path, text, strlen(text));
	free(text);
}

/* The read gives exactly "PATH: " then the formatted message. */
static void assert_read_error(const char *path, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void assert_read_error(const char *path, const char *fmt, ...)
{
	char err[GS_ERRLEN] = "", msg[GS_ERRLEN], want[GS_ERRLEN + 300];
	struct gs_summary out;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(want, sizeof(want), "%s: %s", path, msg);
	ck_assert_int_eq(gs_summary_read(path, &out, err, sizeof(err)), -1);
	ck_assert_str_eq(err, want);
	ck_assert_ptr_null(out.groups);
	ck_assert_uint_eq(out.n_groups, 0);
}

/* The read succeeds and gives make_summary(), as version 1: path is a
 * form of expected-v1.json. */
static void assert_reads_back(const char *path)
{
	struct gs_summary s, back;
	char err[GS_ERRLEN] = "";

	ck_assert_msg(gs_summary_read(path, &back, err, sizeof(err)) == 0, "%s",
		      err);
	make_summary(&s);
	s.version = 1;
	assert_summary_eq(&s, &back);
	gs_summary_free(&back);
	gs_summary_free(&s);
}

/* Writes root with ws around every member, ':' and ',' of the top-level
 * object and every element and ',' of the domains array; the values in
 * between are pretty-printed. */
static void write_spaced(const char *path, struct json_object *root,
			 const char *ws)
{
	struct json_object_iterator it = json_object_iter_begin(root);
	struct json_object_iterator end = json_object_iter_end(root);
	const char *sep = "";
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	fprintf(f, "%s{", ws);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		const char *key = json_object_iter_peek_name(&it);
		struct json_object *val = json_object_iter_peek_value(&it);
		struct json_object *k = json_object_new_string(key);

		fprintf(f, "%s%s%s%s:%s", sep, ws,
			json_object_to_json_string(k), ws, ws);
		json_object_put(k);
		sep = ",";
		if (strcmp(key, "domains") != 0) {
			fprintf(f, "%s%s",
				json_object_to_json_string_ext(
				    val, JSON_C_TO_STRING_PRETTY),
				ws);
			continue;
		}
		fprintf(f, "[%s", ws);
		for (int i = 0; i < json_object_array_length(val); i++)
			fprintf(f, "%s%s%s", i > 0 ? "," : "",
				json_object_to_json_string_ext(
				    json_object_array_get_idx(val, i),
				    JSON_C_TO_STRING_PRETTY),
				ws);
		fprintf(f, "]%s", ws);
	}
	fprintf(f, "}%s", ws);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(test_summary_read_finds_domains_key_written_with_escapes)
{
	char path[256];

	put_text(path, sizeof(path),
		 edited("\"domains\":", "\"\\u0064omains\" :", NULL));
	assert_reads_back(path);
}
END_TEST

START_TEST(test_summary_read_refuses_duplicate_member)
{
	char path[256];
	size_t at, len;

	slurp(FIXTURES "/expected-v1.json", &len);
	put_text(path, sizeof(path),
		 edited("]}\n", "],\"domains\":[]}\n", NULL));
	assert_read_error(path, "domains: duplicate member at byte %zu",
			  len - 3 + 2);
	put_text(path, sizeof(path),
		 edited("]}\n", "],\"\\u0064omains\":7}\n", NULL));
	assert_read_error(path, "domains: duplicate member at byte %zu",
			  len - 3 + 2);
	put_text(path, sizeof(path),
		 edited("\"window\"", "\"version\":1,\"window\"", &at));
	assert_read_error(path, "version: duplicate member at byte %zu", at);
}
END_TEST

/* A number ends only at the character after it: "}" as the file's last
 * byte, or whitespace. */
START_TEST(test_summary_read_accepts_number_as_last_member)
{
	const char *tails[] = {"],\"version\":1}", "],\"version\":1 }\n",
			       "],\"version\":1\r\n}"};
	char path[256], *text;

	for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		text = edited("\"version\":1,", "", NULL);
		put_text(path, sizeof(path), edit(text, "]}\n", tails[i]));
		free(text);
		assert_reads_back(path);
	}
}
END_TEST

static char *nest(const char *before, size_t levels, const char *after)
{
	size_t n = strlen(before) + 2 * levels + strlen(after);
	char *s = malloc(n + 1);

	ck_assert_ptr_nonnull(s);
	strcpy(s, before);
	memset(s + strlen(before), '[', levels);
	memset(s + strlen(before) + levels, ']', levels);
	strcpy(s + strlen(before) + 2 * levels, after);
	return s;
}

/* One parse of the whole file allowed 32 levels of nesting, the top-level
 * object being the first: members and domains are held to the same. */
START_TEST(test_summary_read_limits_nesting_as_one_parse)
{
	const char *first = "[{\"domain\":\"outlook.com\"";
	char path[256], *member;
	size_t at;

	member = nest("{\"x\":", 31, ",\"format\"");
	put_text(path, sizeof(path), edited("{\"format\"", member, NULL));
	free(member);
	assert_reads_back(path);
	member = nest("{\"x\":", 32, ",\"format\"");
	put_text(path, sizeof(path), edited("{\"format\"", member, NULL));
	free(member);
	assert_read_error(path, "invalid JSON at byte %d: nesting too deep",
			  5 + 31);

	member = nest("[{\"x\":", 29, ",\"domain\":\"outlook.com\"");
	put_text(path, sizeof(path), edited(first, member, NULL));
	free(member);
	assert_reads_back(path);
	member = nest("[{\"x\":", 30, ",\"domain\":\"outlook.com\"");
	put_text(path, sizeof(path), edited(first, member, &at));
	free(member);
	assert_read_error(path, "invalid JSON at byte %zu: nesting too deep",
			  at + 6 + 29);
}
END_TEST

START_TEST(test_summary_read_accepts_whitespace_everywhere)
{
	const char *spaces[] = {"", " ", " \t\r\n", "\n\n\n\n\n\n"};
	struct json_object *root = valid_tree();
	char path[256];

	path_in(path, sizeof(path), "spaced.json");
	for (size_t i = 0; i < sizeof(spaces) / sizeof(spaces[0]); i++) {
		write_spaced(path, root, spaces[i]);
		assert_reads_back(path);
	}
	json_object_put(root);
}
END_TEST

START_TEST(test_summary_read_accepts_empty_domains_array)
{
	const char *spaces[] = {"", " \t\r\n"};
	struct json_object *root = valid_tree();
	struct gs_summary out;
	char path[256], err[GS_ERRLEN] = "";

	json_object_object_add(root, "domains", json_object_new_array());
	path_in(path, sizeof(path), "empty-domains.json");
	for (size_t i = 0; i < sizeof(spaces) / sizeof(spaces[0]); i++) {
		write_spaced(path, root, spaces[i]);
		ck_assert_msg(gs_summary_read(path, &out, err, sizeof(err)) ==
				  0,
			      "%s", err);
		ck_assert_uint_eq(out.n_groups, 0);
		ck_assert_ptr_null(out.groups);
		ck_assert_uint_eq(out.totals.groups, 9);
		gs_summary_free(&out);
	}
	json_object_put(root);
}
END_TEST

/* Cut inside the third domain, also after a bad first one: the truncation
 * is what is reported, as the whole-tree parse did. */
START_TEST(test_summary_read_truncated_inside_a_domain)
{
	char path[256], *text;
	size_t cut;

	text = edited("\"amazonses.com\",\"kind\":\"name\"", "", &cut);
	text[cut] = '\0';
	put_text(path, sizeof(path), text);
	assert_read_error(
	    path, "truncated: the JSON ends unfinished after %zu bytes", cut);
	text = edited("\"early_retry\":30", "\"early_retry\":-1", NULL);
	text[cut] = '\0';
	put_text(path, sizeof(path), text);
	assert_read_error(
	    path, "truncated: the JSON ends unfinished after %zu bytes", cut);
}
END_TEST

/* Between the first two domains, ",{" replaced by to; the error is at
 * byte at of to. */
START_TEST(test_summary_read_refuses_garbage_between_domains)
{
	static const struct {
		const char *to;
		size_t at;
		const char *err;
	} cases[] = {
	    {"x,{", 0, "array value separator ',' expected"},
	    {" x ,{", 1, "array value separator ',' expected"},
	    {"{", 0, "array value separator ',' expected"},
	    {",x{", 1, "unexpected character"},
	    {",,{", 1, "unexpected character"},
	    {", ]{", 2, "unexpected character"},
	};
	const char *from = ",{\"domain\":\"[192";
	char path[256], to[64];
	size_t at;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(to, sizeof(to), "%s%s", cases[i].to, from + 2);
		put_text(path, sizeof(path), edited(from, to, &at));
		assert_read_error(path, "invalid JSON at byte %zu: %s",
				  at + cases[i].at, cases[i].err);
	}
	put_text(path, sizeof(path), edited("}]}\n", "},]}\n", &at));
	assert_read_error(path, "invalid JSON at byte %zu: %s", at + 2,
			  "unexpected character");
}
END_TEST

START_TEST(test_summary_read_refuses_domains_not_an_array)
{
	const char *values[] = {"{}",	"7",	"\"x\"",
				"null", "true", "{\"a\":[]}"};
	char path[256], to[64], *text;

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		snprintf(to, sizeof(to), "],\"domains\":%s}\n", values[i]);
		text = edited("\"domains\":[", "\"other\":[", NULL);
		put_text(path, sizeof(path), edit(text, "]}\n", to));
		free(text);
		assert_read_error(path, "domains: expected an array");
	}
}
END_TEST

/* A bad domain is reported after bad JSON anywhere and after the header,
 * as by one parse and check of the whole tree. */
START_TEST(test_summary_read_reports_errors_in_whole_tree_order)
{
	char path[256], *text;
	size_t len;

	text = edited("\"early_retry\":30", "\"early_retry\":-1", NULL);
	put_text(path, sizeof(path),
		 edit(text, "\"version\":1", "\"version\":3"));
	assert_read_error(path, "unsupported version 3 (expected 1 to 2)");
	len = strlen(text);
	put_text(path, sizeof(path), edit(text, "]}\n", "]}x"));
	assert_read_error(
	    path, "trailing garbage after the JSON value at byte %zu", len - 1);
	put_text(path, sizeof(path), edit(text, "\"new\":40", "\"new\":-2"));
	assert_read_error(path, "domains[0].early_retry: " NNI);
	free(text);
	text = edited("\"format\":\"greyscan-summary\",", "", NULL);
	put_text(path, sizeof(path), edit(text, "\"new\":40", "\"new\":-2"));
	free(text);
	assert_read_error(path, "format: missing");
}
END_TEST

/* The punctuation of the top-level object and the domains array, and what
 * is around it. */
START_TEST(test_summary_read_refuses_bad_top_level_text)
{
	static const struct {
		const char *text, *err;
	} cases[] = {
	    {"[1,2]", "expected a JSON object at the top level"},
	    {" 12", "expected a JSON object at the top level"},
	    {"\"x\"", "expected a JSON object at the top level"},
	    {"<html>", "invalid JSON at byte 0: unexpected character"},
	    {"{1:2}",
	     "invalid JSON at byte 1: quoted object property name expected"},
	    {"{\"a\" 1}", "invalid JSON at byte 5: object property name "
			  "separator ':' expected"},
	    {"{\"a\":1 \"b\":2}",
	     "invalid JSON at byte 7: object value separator ',' expected"},
	    {"{\"a\":1,}", "invalid JSON at byte 7: unexpected character"},
	    {"{\"a\":1,\"domains\":[{} {}]}",
	     "invalid JSON at byte 21: array value separator ',' expected"},
	    {"{", "truncated: the JSON ends unfinished after 1 bytes"},
	    {"{\"a\"", "truncated: the JSON ends unfinished after 4 bytes"},
	    {"{\"a\": ", "truncated: the JSON ends unfinished after 6 bytes"},
	    {"{\"a\":1", "truncated: the JSON ends unfinished after 6 bytes"},
	    {"{\"a\":1 ,", "truncated: the JSON ends unfinished after 8 bytes"},
	    {"{\"domains\":[",
	     "truncated: the JSON ends unfinished after 12 bytes"},
	    {"{\"domains\":[{},",
	     "truncated: the JSON ends unfinished after 15 bytes"},
	    {"{\"domains\":[] ",
	     "truncated: the JSON ends unfinished after 14 bytes"},
	    {"{} x", "trailing garbage after the JSON value at byte 3"},
	    {"{\"a\":1}}", "trailing garbage after the JSON value at byte 7"},
	    {"{}", "format: missing"},
	    {" {\"a\":{}} ", "format: missing"},
	};
	char path[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		put_text(path, sizeof(path), xstrdup(cases[i].text));
		assert_read_error(path, "%s", cases[i].err);
	}
}
END_TEST

/* ---- stats.c ------------------------------------------------------------ */

START_TEST(test_summary_sort_orders_by_new_early_retry_then_name)
{
	struct gs_summary s, want;

	make_summary(&want);
	make_summary(&s);
	/* Reverse the groups, then sort them back. */
	for (size_t i = 0; i < s.n_groups / 2; i++) {
		struct gs_group_stats t = s.groups[i];

		s.groups[i] = s.groups[s.n_groups - 1 - i];
		s.groups[s.n_groups - 1 - i] = t;
	}
	gs_summary_sort(&s);
	assert_summary_eq(&want, &s);
	gs_summary_free(&s);
	gs_summary_free(&want);
}
END_TEST

START_TEST(test_summary_free_accepts_null_and_empty_and_zeroes)
{
	struct gs_summary s;

	gs_summary_free(NULL);
	memset(&s, 0, sizeof(s));
	gs_summary_free(&s);
	gs_summary_sort(&s);
	gs_summary_sort(NULL);
	make_summary(&s);
	gs_summary_free(&s);
	ck_assert_ptr_null(s.groups);
	ck_assert_uint_eq(s.n_groups, 0);
	ck_assert_uint_eq(s.n_samples, 0);
	/* Zeroed, so a second free is harmless. */
	gs_summary_free(&s);
}
END_TEST

static Suite *summary_suite(void)
{
	Suite *s = suite_create("summary");
	TCase *tc = tcase_create("write");
	TCase *tr = tcase_create("read");
	TCase *tf = tcase_create("fields");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_summary_round_trip_preserves_every_field);
	tcase_add_test(tc, test_summary_write_matches_expected_text);
	tcase_add_test(
	    tc, test_summary_json_escapes_quotes_backslashes_and_controls);
	tcase_add_test(
	    tc, test_summary_window_zero_written_as_null_and_read_as_zero);
	tcase_add_test(tc,
		       test_summary_write_counts_at_least_the_domains_listed);
	tcase_add_test(tc, test_summary_write_streams_many_domains);
	tcase_add_test(tc, test_summary_write_failure_keeps_old_file);
	tcase_add_test(tc, test_summary_write_saturates_counts_beyond_int64);
	tcase_add_test(tc, test_summary_write_applies_file_mode);
	tcase_add_test(tc, test_summary_write_fails_naming_the_path);
	tcase_add_test(tc,
		       test_summary_sort_orders_by_new_early_retry_then_name);
	tcase_add_test(tc, test_summary_free_accepts_null_and_empty_and_zeroes);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(tr, setup, teardown);
	tcase_set_timeout(tr, 60);
	tcase_add_test(
	    tr, test_summary_read_accepts_pretty_file_with_unknown_fields);
	tcase_add_test(
	    tr, test_summary_read_keeps_first_examples_and_newest_samples);
	tcase_add_test(tr, test_summary_read_accepts_exact_limits);
	tcase_add_test(tr, test_summary_read_refuses_name_one_byte_too_long);
	tcase_add_test(tr, test_summary_read_refuses_any_missing_counter);
	tcase_add_test(tr, test_summary_from_json_refuses_non_object);
	tcase_add_test(tr, test_summary_read_missing_file);
	tcase_add_test(tr, test_summary_read_refuses_directory);
	tcase_add_test(tr, test_summary_read_refuses_fifo_without_blocking);
	tcase_add_test(tr, test_summary_read_empty_file_is_truncated);
	tcase_add_test(tr, test_summary_read_truncated_file_at_every_length);
	tcase_add_test(tr, test_summary_read_refuses_trailing_garbage);
	tcase_add_test(tr, test_summary_read_refuses_invalid_json);
	tcase_add_test(tr, test_summary_read_refuses_other_version_file);
	tcase_add_test(tr, test_summary_read_names_path_and_field);
	tcase_add_test(tr, test_summary_read_refuses_file_over_size_limit);
	tcase_add_test(tr, test_summary_read_reads_file_at_size_limit);
	tcase_add_test(
	    tr, test_summary_read_finds_domains_key_written_with_escapes);
	tcase_add_test(tr, test_summary_read_refuses_duplicate_member);
	tcase_add_test(tr, test_summary_read_accepts_number_as_last_member);
	tcase_add_test(tr, test_summary_read_limits_nesting_as_one_parse);
	tcase_add_test(tr, test_summary_read_accepts_whitespace_everywhere);
	tcase_add_test(tr, test_summary_read_accepts_empty_domains_array);
	tcase_add_test(tr, test_summary_read_truncated_inside_a_domain);
	tcase_add_test(tr, test_summary_read_refuses_garbage_between_domains);
	tcase_add_test(tr, test_summary_read_refuses_domains_not_an_array);
	tcase_add_test(tr,
		       test_summary_read_reports_errors_in_whole_tree_order);
	tcase_add_test(tr, test_summary_read_refuses_bad_top_level_text);
	suite_add_tcase(s, tr);

	tcase_add_loop_test(tf, test_summary_read_refuses_malformed_field, 0,
			    (int)(sizeof(bad_fields) / sizeof(bad_fields[0])));
	suite_add_tcase(s, tf);
	return s;
}

GS_TEST_MAIN(summary_suite)
