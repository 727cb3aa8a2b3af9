/* Unit tests of lib/base/json.c and lib/base/json_stream.c: the one rule
 * for counts (written clamped to INT64_MAX - 1, read up to it and not one
 * past), times, strings, the checked add/push helpers, the messages that
 * name the file, line and member, and the member-by-member reader. */
#include "gs_config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfastjson/json.h>

#include "base/error.h"
#include "base/json.h"
#include "base/json_stream.h"
#include "suite.h"

#define COUNT_MAX_TEXT "9223372036854775806" /* INT64_MAX - 1 */
#define NNI	       "expected a non-negative integer"
#define RANGE64	       "number out of range (maximum " COUNT_MAX_TEXT ")"

static char err[GS_ERRLEN];
static const struct gs_json_where where = {"f.json", 0, err, sizeof(err)};

/* The plain text of o, which is released. */
static char *text_of(struct json_object *o)
{
	char *s;

	ck_assert_ptr_nonnull(o);
	s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	ck_assert_ptr_nonnull(s);
	json_object_put(o);
	return s;
}

static void assert_text(struct json_object *o, const char *want)
{
	char *s = text_of(o);

	ck_assert_str_eq(s, want);
	free(s);
}

/* {"k": value} from the JSON text of value. */
static struct json_object *holder(const char *value)
{
	char text[256];
	struct json_object *o;

	snprintf(text, sizeof(text), "{\"k\":%s}", value);
	o = json_tokener_parse(text);
	ck_assert_msg(o != NULL, "cannot parse %s", text);
	return o;
}

/* The count under "k" of {"k": value}, read with maximum max: 0 and *out,
 * or -1 and err. */
static int read_count(const char *value, uint64_t max, uint64_t *out)
{
	struct json_object *o = holder(value);
	int rc;

	err[0] = '\0';
	rc = gs_json_get_count(&where, o, "p", "k", max, out);
	json_object_put(o);
	return rc;
}

static int read_int(const char *value, int64_t min, int64_t max, int64_t *out)
{
	struct json_object *o = holder(value);
	int rc;

	err[0] = '\0';
	rc = gs_json_get_int(&where, o, "", "k", min, max, out);
	json_object_put(o);
	return rc;
}

/* ---- writing ------------------------------------------------------------ */

START_TEST(test_json_count_is_clamped_one_below_int64_max)
{
	assert_text(gs_json_new_count(0), "0");
	assert_text(gs_json_new_count(GS_JSON_COUNT_MAX - 1),
		    "9223372036854775805");
	assert_text(gs_json_new_count(GS_JSON_COUNT_MAX), COUNT_MAX_TEXT);
	/* INT64_MAX itself, 2^63 and 2^64 - 1 all stop one below. */
	assert_text(gs_json_new_count((uint64_t)INT64_MAX), COUNT_MAX_TEXT);
	assert_text(gs_json_new_count((uint64_t)1 << 63), COUNT_MAX_TEXT);
	assert_text(gs_json_new_count(UINT64_MAX), COUNT_MAX_TEXT);
}
END_TEST

START_TEST(test_json_clamped_count_reads_back)
{
	struct json_object *o = json_object_new_object();
	char *text;
	uint64_t n = 0;

	ck_assert_int_eq(gs_json_add_count(o, "k", UINT64_MAX), 0);
	text = text_of(o);
	o = json_tokener_parse(text);
	ck_assert_int_eq(
	    gs_json_get_count(&where, o, "", "k", GS_JSON_COUNT_MAX, &n), 0);
	ck_assert_uint_eq(n, GS_JSON_COUNT_MAX);
	json_object_put(o);
	free(text);
}
END_TEST

START_TEST(test_json_time_is_iso_utc_and_clamped_to_the_format)
{
	assert_text(gs_json_new_time(1795806000), "\"2026-11-27T19:00:00Z\"");
	assert_text(gs_json_new_time(0), "\"1970-01-01T00:00:00Z\"");
	assert_text(gs_json_new_time(-1), "\"1970-01-01T00:00:00Z\"");
	assert_text(gs_json_new_time((time_t)253402300799),
		    "\"9999-12-31T23:59:59Z\"");
	assert_text(gs_json_new_time((time_t)253402300800),
		    "\"9999-12-31T23:59:59Z\"");
}
END_TEST

START_TEST(test_json_null_string_is_written_empty)
{
	char *v[] = {"a", NULL, "c\"d"};

	assert_text(gs_json_new_str(NULL), "\"\"");
	assert_text(gs_json_new_strings(v, 3), "[\"a\",\"\",\"c\\\"d\"]");
	assert_text(gs_json_new_strings(v, 0), "[]");
}
END_TEST

START_TEST(test_json_add_and_push_fail_on_a_null_value)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a = json_object_new_array();

	ck_assert_int_eq(gs_json_add(o, "k", NULL), -1);
	ck_assert(!json_object_object_get_ex(o, "k", NULL));
	ck_assert_int_eq(gs_json_set(o, "k", NULL), -1);
	ck_assert(!json_object_object_get_ex(o, "k", NULL));
	ck_assert_int_eq(gs_json_push(a, NULL), -1);
	ck_assert_int_eq(json_object_array_length(a), 0);
	json_object_put(o);
	json_object_put(a);
}
END_TEST

START_TEST(test_json_adds_each_kind_of_value)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a = json_object_new_array();

	ck_assert_int_eq(gs_json_push_int(a, -3), 0);
	ck_assert_int_eq(gs_json_push_str(a, "x"), 0);
	ck_assert_int_eq(gs_json_add_count(o, "c", 7), 0);
	ck_assert_int_eq(gs_json_add_int(o, "i", INT64_MIN), 0);
	ck_assert_int_eq(gs_json_add_str(o, "s", "\x01"), 0);
	ck_assert_int_eq(gs_json_add_time(o, "t", 86400), 0);
	ck_assert_int_eq(gs_json_add_null(o, "n"), 0);
	ck_assert_int_eq(gs_json_add(o, "a", a), 0);
	assert_text(o, "{\"c\":7,\"i\":-9223372036854775808,\"s\":\"\\u0001\","
		       "\"t\":\"1970-01-02T00:00:00Z\",\"n\":null,"
		       "\"a\":[-3,\"x\"]}");
}
END_TEST

START_TEST(test_json_set_copies_the_key_and_replaces_a_twin)
{
	struct json_object *o = json_object_new_object();
	char key[8] = "mx1";

	ck_assert_int_eq(gs_json_set(o, key, gs_json_new_count(1)), 0);
	ck_assert_int_eq(gs_json_set(o, key, gs_json_new_count(2)), 0);
	strcpy(key, "zz");
	assert_text(o, "{\"mx1\":2}");
}
END_TEST

START_TEST(test_json_dump_writes_plain_text)
{
	struct json_object *o = json_object_new_object();
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(gs_json_add_str(o, "a", "b"), 0);
	ck_assert_int_eq(gs_json_add(o, "l", json_object_new_array()), 0);
	gs_json_dump(f, o);
	json_object_put(o);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_str_eq(buf, "{\"a\":\"b\",\"l\":[]}");
	free(buf);
}
END_TEST

/* ---- reading ------------------------------------------------------------ */

START_TEST(test_json_bad_names_the_file_line_and_member)
{
	struct gs_json_where w = {"s.state", 0, err, sizeof(err)};

	ck_assert_int_eq(gs_json_bad(&w, "a.b", "x %d", 1), -1);
	ck_assert_str_eq(err, "s.state: a.b: x 1");
	ck_assert_int_eq(gs_json_bad(&w, NULL, "y"), -1);
	ck_assert_str_eq(err, "s.state: y");
	ck_assert_int_eq(gs_json_bad(&w, "", "y"), -1);
	ck_assert_str_eq(err, "s.state: y");
	w.line = 1;
	ck_assert_int_eq(gs_json_bad(&w, "m", "z"), -1);
	ck_assert_str_eq(err, "s.state: line 1: m: z");
	w.line = 3;
	ck_assert_int_eq(gs_json_bad(&w, "m", "z"), -1);
	ck_assert_str_eq(err, "s.state: line 3: m: z");
	ck_assert_int_eq(gs_json_bad(&w, NULL, "z"), -1);
	ck_assert_str_eq(err, "s.state: line 3: z");
}
END_TEST

START_TEST(test_json_path_joins_and_names_an_overlong_one)
{
	char buf[GS_JSON_PATH_LEN], parent[GS_JSON_PATH_LEN];

	ck_assert_str_eq(gs_json_path(buf, "", "k"), "k");
	ck_assert_str_eq(gs_json_path(buf, "a[2]", "k"), "a[2].k");
	ck_assert_str_eq(gs_json_path_idx(buf, "a.b", 12), "a.b[12]");
	/* parent + "." + key fills the buffer exactly with its NUL. */
	memset(parent, 'p', GS_JSON_PATH_LEN - 3);
	parent[GS_JSON_PATH_LEN - 3] = '\0';
	ck_assert_uint_eq(strlen(gs_json_path(buf, parent, "k")),
			  GS_JSON_PATH_LEN - 1);
	ck_assert_str_eq(gs_json_path(buf, parent, "kk"),
			 "(field path too long)");
	ck_assert_str_eq(gs_json_path_idx(buf, parent, 10),
			 "(field path too long)");
}
END_TEST

START_TEST(test_json_count_accepts_the_clamp_and_refuses_one_past)
{
	uint64_t n = 42;

	ck_assert_int_eq(read_count(COUNT_MAX_TEXT, GS_JSON_COUNT_MAX, &n), 0);
	ck_assert_uint_eq(n, GS_JSON_COUNT_MAX);
	ck_assert_int_eq(read_count("0", GS_JSON_COUNT_MAX, &n), 0);
	ck_assert_uint_eq(n, 0);
	n = 42;
	ck_assert_int_eq(
	    read_count("9223372036854775807", GS_JSON_COUNT_MAX, &n), -1);
	ck_assert_str_eq(err, "f.json: p.k: " RANGE64);
	/* 2^63 and beyond saturate to INT64_MAX in the parser: refused. */
	ck_assert_int_eq(
	    read_count("9223372036854775808", GS_JSON_COUNT_MAX, &n), -1);
	ck_assert_str_eq(err, "f.json: p.k: " RANGE64);
	ck_assert_int_eq(read_count("1" COUNT_MAX_TEXT, GS_JSON_COUNT_MAX, &n),
			 -1);
	ck_assert_str_eq(err, "f.json: p.k: " RANGE64);
	ck_assert_uint_eq(n, 42);
}
END_TEST

START_TEST(test_json_count_refuses_negative_and_non_integers)
{
	const char *bad[] = {"-1",    "-9223372036854775809",
			     "1.0",   "1e3",
			     "\"1\"", "true",
			     "[]",    "{}",
			     "null"};
	uint64_t n = 42;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(read_count(bad[i], GS_JSON_COUNT_MAX, &n), -1);
		ck_assert_str_eq(err, "f.json: p.k: " NNI);
	}
	ck_assert_uint_eq(n, 42);
}
END_TEST

START_TEST(test_json_count_small_maximum_boundary)
{
	uint64_t n = 0;

	ck_assert_int_eq(read_count("4294967295", UINT32_MAX, &n), 0);
	ck_assert_uint_eq(n, UINT32_MAX);
	ck_assert_int_eq(read_count("4294967296", UINT32_MAX, &n), -1);
	ck_assert_str_eq(err, "f.json: p.k: number out of range (maximum "
			      "4294967295)");
}
END_TEST

START_TEST(test_json_int_range_boundaries)
{
	int64_t n = 42;

	ck_assert_int_eq(read_int("-5", -5, 5, &n), 0);
	ck_assert_int_eq(n, -5);
	ck_assert_int_eq(read_int("5", -5, 5, &n), 0);
	ck_assert_int_eq(n, 5);
	n = 42;
	ck_assert_int_eq(read_int("-6", -5, 5, &n), -1);
	ck_assert_str_eq(err, "f.json: k: -6 out of range -5..5");
	ck_assert_int_eq(read_int("6", -5, 5, &n), -1);
	ck_assert_str_eq(err, "f.json: k: 6 out of range -5..5");
	ck_assert_int_eq(read_int("\"6\"", -5, 5, &n), -1);
	ck_assert_str_eq(err, "f.json: k: expected an integer");
	ck_assert_int_eq(read_int("null", -5, 5, &n), -1);
	ck_assert_str_eq(err, "f.json: k: expected an integer");
	ck_assert_int_eq(n, 42);
	/* The whole int64 range; 2^63 saturates to INT64_MAX. */
	ck_assert_int_eq(read_int("9223372036854775808", 0, INT64_MAX, &n), 0);
	ck_assert_int_eq(n, INT64_MAX);
	ck_assert_int_eq(
	    read_int("9223372036854775807", 0, (int64_t)GS_JSON_COUNT_MAX, &n),
	    -1);
	ck_assert_str_eq(err, "f.json: k: 9223372036854775807 out of range "
			      "0.." COUNT_MAX_TEXT);
}
END_TEST

START_TEST(test_json_missing_member_is_named)
{
	struct json_object *o = holder("1"), *v;
	uint64_t n;
	int64_t i;
	time_t t;

	ck_assert_int_eq(gs_json_find(&where, o, "", "x", &v), -1);
	ck_assert_str_eq(err, "f.json: x: missing");
	ck_assert_int_eq(gs_json_get_count(&where, o, "a[1]", "x", 9, &n), -1);
	ck_assert_str_eq(err, "f.json: a[1].x: missing");
	ck_assert_int_eq(gs_json_get_int(&where, o, "t", "x", 0, 9, &i), -1);
	ck_assert_str_eq(err, "f.json: t.x: missing");
	ck_assert_int_eq(gs_json_get_time(&where, o, "", "x", 1, &t), -1);
	ck_assert_str_eq(err, "f.json: x: missing");
	ck_assert_int_eq(
	    gs_json_member(&where, o, "w", "x", json_type_object, &v), -1);
	ck_assert_str_eq(err, "f.json: w.x: missing");
	json_object_put(o);
}
END_TEST

START_TEST(test_json_member_of_wrong_type_names_the_type)
{
	struct json_object *o = holder("7"), *v = NULL;

	ck_assert_int_eq(gs_json_member(&where, o, "", "k", json_type_int, &v),
			 0);
	ck_assert_int_eq(json_object_get_int64(v), 7);
	ck_assert_int_eq(
	    gs_json_member(&where, o, "", "k", json_type_object, &v), -1);
	ck_assert_str_eq(err, "f.json: k: expected an object");
	ck_assert_int_eq(
	    gs_json_member(&where, o, "", "k", json_type_array, &v), -1);
	ck_assert_str_eq(err, "f.json: k: expected an array");
	ck_assert_int_eq(
	    gs_json_member(&where, o, "", "k", json_type_string, &v), -1);
	ck_assert_str_eq(err, "f.json: k: expected a string");
	json_object_put(o);
	o = holder("null");
	ck_assert_int_eq(gs_json_member(&where, o, "", "k", json_type_int, &v),
			 -1);
	ck_assert_str_eq(err, "f.json: k: expected an integer");
	/* find accepts a null member. */
	v = o;
	ck_assert_int_eq(gs_json_find(&where, o, "", "k", &v), 0);
	ck_assert_ptr_null(v);
	json_object_put(o);
}
END_TEST

START_TEST(test_json_string_bounds_and_defects)
{
	struct json_object *o = json_object_new_string("abcd");
	struct json_object *nul = json_object_new_string_len("a\0b", 3);
	struct json_object *empty = json_object_new_string("");
	char *s = NULL;

	ck_assert_int_eq(gs_json_string(&where, o, "m", 4, 1, &s), 0);
	ck_assert_str_eq(s, "abcd");
	free(s);
	s = NULL;
	ck_assert_int_eq(gs_json_string(&where, o, "m", 3, 1, &s), -1);
	ck_assert_str_eq(err, "f.json: m: string longer than 3 bytes");
	ck_assert_ptr_null(s);
	ck_assert_int_eq(gs_json_string(&where, nul, "m", 9, 0, &s), -1);
	ck_assert_str_eq(err, "f.json: m: string contains a NUL character");
	ck_assert_int_eq(gs_json_string(&where, empty, "m", 9, 0, NULL), 0);
	ck_assert_int_eq(gs_json_string(&where, empty, "m", 9, 1, &s), -1);
	ck_assert_str_eq(err, "f.json: m: empty string");
	ck_assert_int_eq(gs_json_string(&where, NULL, "m", 9, 0, &s), -1);
	ck_assert_str_eq(err, "f.json: m: expected a string");
	ck_assert_ptr_null(s);
	json_object_put(o);
	json_object_put(nul);
	json_object_put(empty);
}
END_TEST

START_TEST(test_json_time_reads_strictly)
{
	static const char want[] =
	    "f.json: k: expected a time as \"YYYY-MM-DDTHH:MM:SSZ\"";
	const char *bad[] = {"\"2026-02-30T19:00:00Z\"",
			     "\"2026-11-27T19:00:00\"",
			     "\"2026-11-27T19:00:00.5Z\"",
			     "1795806000",
			     "null",
			     "\"\""};
	struct json_object *o = holder("\"2026-11-27T19:00:00Z\"");
	time_t t = 0;

	ck_assert_int_eq(gs_json_get_time(&where, o, "", "k", 0, &t), 0);
	ck_assert_int_eq(t, 1795806000);
	json_object_put(o);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o = holder(bad[i]);
		ck_assert_int_eq(gs_json_get_time(&where, o, "", "k", 0, &t),
				 -1);
		ck_assert_str_eq(err, want);
		json_object_put(o);
	}
	o = holder("null");
	t = 5;
	ck_assert_int_eq(gs_json_get_time(&where, o, "", "k", 1, &t), 0);
	ck_assert_int_eq(t, 0);
	json_object_put(o);
	o = holder("0");
	ck_assert_int_eq(gs_json_get_time(&where, o, "", "k", 1, &t), -1);
	ck_assert_str_eq(err, "f.json: k: expected null or a time as "
			      "\"YYYY-MM-DDTHH:MM:SSZ\"");
	json_object_put(o);
}
END_TEST

/* ---- the member-by-member reader ---------------------------------------- */

struct seen {
	int n;	    /* elements handed over */
	int refuse; /* index of the element to refuse, or -1 */
};

static int each_element(void *ctx, struct json_object *e,
			const struct gs_json_where *w)
{
	struct seen *s = ctx;
	int64_t v;

	if (s->n++ == s->refuse)
		return gs_json_bad(w, "list", "element %d refused", s->n - 1);
	return gs_json_int(w, e, "list[]", 0, 100, &v);
}

/* Streams text with "list" as the list; returns the result, held in held. */
static int stream(const char *text, struct seen *s, struct json_object **root,
		  char *held, size_t heldlen)
{
	const struct gs_json_stream st = {"list", each_element, s};

	err[0] = '\0';
	*root = json_object_new_object();
	ck_assert_ptr_nonnull(*root);
	return gs_json_stream_read(&where, text, strlen(text), &st, *root, held,
				   heldlen);
}

START_TEST(test_json_stream_hands_each_element_over_and_keeps_the_rest)
{
	struct seen s = {0, -1};
	struct json_object *root, *v;
	char held[GS_ERRLEN] = "x";

	ck_assert_int_eq(stream(" {\"a\":{\"b\":[1]}, \"list\":[1, 2 ,3],"
				"\"z\":\"q\"}\n",
				&s, &root, held, sizeof(held)),
			 0);
	ck_assert_int_eq(s.n, 3);
	ck_assert_str_eq(held, "");
	ck_assert(json_object_object_get_ex(root, "list", &v));
	ck_assert_ptr_null(v);
	ck_assert(json_object_object_get_ex(root, "z", &v));
	ck_assert_str_eq(json_object_get_string(v), "q");
	ck_assert(json_object_object_get_ex(root, "a", NULL));
	json_object_put(root);
}
END_TEST

START_TEST(test_json_stream_holds_the_first_list_error_and_parses_on)
{
	struct seen s = {0, 1};
	struct json_object *root;
	char held[GS_ERRLEN];

	ck_assert_int_eq(
	    stream("{\"list\":[1,2,3,4]}", &s, &root, held, sizeof(held)), 0);
	ck_assert_int_eq(s.n, 2);
	ck_assert_str_eq(held, "f.json: list: element 1 refused");
	json_object_put(root);
	/* Bad JSON after the held error still comes first. */
	s.n = 0;
	ck_assert_int_eq(
	    stream("{\"list\":[1,2,3 4]}", &s, &root, held, sizeof(held)), -1);
	ck_assert_str_eq(err, "f.json: invalid JSON at byte 15: array value "
			      "separator ',' expected");
	json_object_put(root);
	s.n = 0;
	s.refuse = -1;
	ck_assert_int_eq(stream("{\"list\":{\"a\":1},\"b\":2}", &s, &root, held,
				sizeof(held)),
			 0);
	ck_assert_int_eq(s.n, 0);
	ck_assert_str_eq(held, "f.json: list: expected an array");
	json_object_put(root);
}
END_TEST

START_TEST(test_json_stream_refuses_what_is_not_one_object)
{
	static const struct {
		const char *text, *err;
	} cases[] = {
	    {"", "f.json: truncated: the file is empty"},
	    {" \n", "f.json: truncated: the file is empty"},
	    {"{\"list\":[1,", "f.json: truncated: the JSON ends unfinished "
			      "after 11 bytes"},
	    {"{\"a\":1} x", "f.json: trailing garbage after the JSON value at "
			    "byte 8"},
	    {"{\"a\":1,\"a\":2}", "f.json: a: duplicate member at byte 7"},
	    {"{\"list\":[],\"list\":[]}",
	     "f.json: list: duplicate member at byte 11"},
	    {"[1]", "f.json: expected a JSON object at the top level"},
	    {"xyz", "f.json: invalid JSON at byte 0: unexpected character"},
	    {"{7:1}", "f.json: invalid JSON at byte 1: quoted object property "
		      "name expected"},
	};
	struct seen s = {0, -1};
	struct json_object *root;
	char held[GS_ERRLEN];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(
		    stream(cases[i].text, &s, &root, held, sizeof(held)), -1);
		ck_assert_str_eq(err, cases[i].err);
		json_object_put(root);
	}
}
END_TEST

static Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *w = tcase_create("write");
	TCase *r = tcase_create("read");
	TCase *st = tcase_create("stream");

	tcase_add_test(w, test_json_count_is_clamped_one_below_int64_max);
	tcase_add_test(w, test_json_clamped_count_reads_back);
	tcase_add_test(w, test_json_time_is_iso_utc_and_clamped_to_the_format);
	tcase_add_test(w, test_json_null_string_is_written_empty);
	tcase_add_test(w, test_json_add_and_push_fail_on_a_null_value);
	tcase_add_test(w, test_json_adds_each_kind_of_value);
	tcase_add_test(w, test_json_set_copies_the_key_and_replaces_a_twin);
	tcase_add_test(w, test_json_dump_writes_plain_text);
	suite_add_tcase(s, w);
	tcase_add_test(r, test_json_bad_names_the_file_line_and_member);
	tcase_add_test(r, test_json_path_joins_and_names_an_overlong_one);
	tcase_add_test(r,
		       test_json_count_accepts_the_clamp_and_refuses_one_past);
	tcase_add_test(r, test_json_count_refuses_negative_and_non_integers);
	tcase_add_test(r, test_json_count_small_maximum_boundary);
	tcase_add_test(r, test_json_int_range_boundaries);
	tcase_add_test(r, test_json_missing_member_is_named);
	tcase_add_test(r, test_json_member_of_wrong_type_names_the_type);
	tcase_add_test(r, test_json_string_bounds_and_defects);
	tcase_add_test(r, test_json_time_reads_strictly);
	suite_add_tcase(s, r);
	tcase_add_test(
	    st, test_json_stream_hands_each_element_over_and_keeps_the_rest);
	tcase_add_test(
	    st, test_json_stream_holds_the_first_list_error_and_parses_on);
	tcase_add_test(st, test_json_stream_refuses_what_is_not_one_object);
	suite_add_tcase(s, st);
	return s;
}

GS_TEST_MAIN(json_suite)
