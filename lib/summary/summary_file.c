/* The summary file, version 1: see summary.h and man/greyscan-summary.5.
 *
 * Writing streams: the header fields (everything but the domains) become one
 * small libfastjson tree with an empty "domains" array, which is serialised
 * and written up to that array's '['; then each domain is built as its own
 * object, dumped straight into the file and released, and the array and the
 * object are closed. So memory stays at one domain's tree whatever the
 * number of domains, and the text is the same as one dump of the whole tree
 * would give (plain, without whitespace: for 100000 groups the file is 49 MB
 * plain and 69 MB pretty, and people read it through `greyscan report` or
 * `jq .` anyway).
 *
 * Reading: the file is read with a size bound and parsed member by member,
 * the domains one at a time (see "reading the domains one at a time"); a
 * truncated file and trailing garbage are both noticed. Every field is
 * checked for presence, type and range before it is copied out. Unknown
 * fields are ignored so that version 1 can grow; fields added within
 * version 1 (totals.groups) are optional. */
#include "gs_config.h"

#include "summary/summary_file.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libfastjson/json.h>

#include "base/error.h"

#define ISO_TIME_FMT "%Y-%m-%dT%H:%M:%SZ"
#define ISO_TIME_LEN 20 /* bytes of "2026-11-27T19:00:00Z" */
/* Latest time the format can hold: 9999-12-31T23:59:59Z. */
#define TIME_MAX_S ((time_t)253402300799)
/* The JSON library saturates integers beyond int64 to INT64_MAX, so that
 * value cannot be told apart from an overflow: counts stop one below it. */
#define COUNT_MAX	 ((uint64_t)INT64_MAX - 1)
#define NAME_MAX_BYTES	 1024 /* domain, example and host strings */
#define SAMPLE_MAX_BYTES 4096 /* one unparsed sample line */
#define JSON_PATH_LEN	 128  /* bytes of "domains[123456].examples[2]" */
#define READ_CHUNK_BYTES 65536

/* ---- writing ---------------------------------------------------------- */

/* Adds a value under a string-literal key; the value is consumed either way.
 * libfastjson's add cannot fail visibly, so only the value is checked. */
static int add(struct json_object *obj, const char *key,
	       struct json_object *val)
{
	if (val == NULL)
		return -1;
	json_object_object_add_ex(obj, key, val,
				  FJSON_OBJECT_ADD_KEY_IS_NEW |
				      FJSON_OBJECT_KEY_IS_CONSTANT);
	return 0;
}

static struct json_object *new_count(uint64_t v)
{
	return json_object_new_int64((int64_t)(v > COUNT_MAX ? COUNT_MAX : v));
}

static struct json_object *new_str(const char *s)
{
	return json_object_new_string(s != NULL ? s : "");
}

/* An ISO 8601 UTC time; times outside 1970..9999 are clamped so that the
 * reader always accepts what was written. */
static struct json_object *new_time(time_t t)
{
	char buf[32];
	struct tm tm;

	if (t < 0)
		t = 0;
	if (t > TIME_MAX_S)
		t = TIME_MAX_S;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), ISO_TIME_FMT, &tm) != ISO_TIME_LEN)
		return NULL;
	return json_object_new_string(buf);
}

/* Window start and end are null before the first event (time 0). */
static struct json_object *new_time_or_null(time_t t, int *failed)
{
	struct json_object *o;

	if (t == 0)
		return NULL;
	o = new_time(t);
	if (o == NULL)
		*failed = 1;
	return o;
}

static int add_nullable(struct json_object *obj, const char *key, time_t t)
{
	int failed = 0;
	struct json_object *o = new_time_or_null(t, &failed);

	if (failed)
		return -1;
	json_object_object_add_ex(obj, key, o,
				  FJSON_OBJECT_ADD_KEY_IS_NEW |
				      FJSON_OBJECT_KEY_IS_CONSTANT);
	return 0;
}

static struct json_object *window_to_json(const struct gs_summary *s)
{
	struct json_object *w = json_object_new_object();

	if (w == NULL)
		return NULL;
	if (add_nullable(w, "start", s->window_start) < 0 ||
	    add_nullable(w, "end", s->window_end) < 0 ||
	    add(w, "seconds", json_object_new_int64(s->window_s)) < 0) {
		json_object_put(w);
		return NULL;
	}
	return w;
}

/* totals.groups is never below the number of domains listed: a summary
 * made by hand (or by an older snapshot) may leave it 0. */
static struct json_object *totals_to_json(const struct gs_totals *t,
					  size_t n_groups)
{
	struct json_object *o = json_object_new_object();
	uint64_t groups = t->groups > n_groups ? t->groups : n_groups;
	int c;

	if (o == NULL)
		return NULL;
	if (add(o, "lines", new_count(t->lines)) < 0 ||
	    add(o, "actions", new_count(t->actions)) < 0 ||
	    add(o, "unparsed", new_count(t->unparsed)) < 0 ||
	    add(o, "ignored", new_count(t->ignored)) < 0 ||
	    add(o, "evicted", new_count(t->evicted)) < 0 ||
	    add(o, "too_old", new_count(t->too_old)) < 0)
		goto fail;
	for (c = 0; c < GS_C_COUNT; c++)
		if (add(o, gs_counter_name(c), new_count(t->per_counter[c])) <
		    0)
			goto fail;
	if (add(o, "groups", new_count(groups)) < 0)
		goto fail;
	return o;
fail:
	json_object_put(o);
	return NULL;
}

static struct json_object *strings_to_json(char *const *v, size_t n)
{
	struct json_object *a = json_object_new_array();
	struct json_object *e;
	size_t i;

	if (a == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		e = new_str(v[i]);
		if (e == NULL || json_object_array_add(a, e) != 0) {
			json_object_put(e);
			json_object_put(a);
			return NULL;
		}
	}
	return a;
}

static struct json_object *hosts_to_json(const struct gs_group_stats *g)
{
	struct json_object *o = json_object_new_object();
	struct json_object *v;
	size_t i;

	if (o == NULL)
		return NULL;
	for (i = 0; i < g->n_hosts; i++) {
		v = new_count(g->hosts[i].count);
		if (v == NULL) {
			json_object_put(o);
			return NULL;
		}
		/* Host keys are copied and a duplicate replaces its twin. */
		json_object_object_add(
		    o, g->hosts[i].host != NULL ? g->hosts[i].host : "", v);
	}
	return o;
}

static struct json_object *group_to_json(const struct gs_group_stats *g)
{
	struct json_object *o = json_object_new_object();
	size_t n_ex =
	    g->n_examples < GS_MAX_EXAMPLES ? g->n_examples : GS_MAX_EXAMPLES;
	int c;

	if (o == NULL)
		return NULL;
	if (add(o, "domain", new_str(g->domain)) < 0 ||
	    add(o, "kind",
		json_object_new_string(
		    g->kind == GS_KIND_NETWORK ? "network" : "name")) < 0)
		goto fail;
	for (c = 0; c < GS_C_COUNT; c++)
		if (add(o, gs_counter_name(c), new_count(g->counts[c])) < 0)
			goto fail;
	if (add(o, "delay_count", new_count(g->delay_count)) < 0 ||
	    add(o, "delay_median", json_object_new_int64(g->delay_median_s)) <
		0 ||
	    add(o, "delay_max", json_object_new_int64(g->delay_max_s)) < 0 ||
	    add(o, "client_addresses",
		json_object_new_int64(g->client_addresses)) < 0 ||
	    add(o, "networks", json_object_new_int64(g->networks)) < 0 ||
	    add(o, "examples", strings_to_json(g->examples, n_ex)) < 0 ||
	    add(o, "first_seen", new_time(g->first_seen)) < 0 ||
	    add(o, "last_seen", new_time(g->last_seen)) < 0 ||
	    add(o, "hosts", hosts_to_json(g)) < 0)
		goto fail;
	return o;
fail:
	json_object_put(o);
	return NULL;
}

/* Everything but the domains, with "domains" last and empty, so that its
 * serialisation ends in "[]}" and the domains can be spliced in. */
static struct json_object *head_to_json(const struct gs_summary *s)
{
	struct json_object *root = json_object_new_object();
	size_t n_samples =
	    s->n_samples < GS_MAX_SAMPLES ? s->n_samples : GS_MAX_SAMPLES;

	if (root == NULL)
		return NULL;
	if (add(root, "format", json_object_new_string(GS_SUMMARY_FORMAT)) <
		0 ||
	    add(root, "version", json_object_new_int(GS_SUMMARY_VERSION)) < 0 ||
	    add(root, "generated", new_time(s->generated)) < 0 ||
	    add(root, "window", window_to_json(s)) < 0 ||
	    add(root, "totals", totals_to_json(&s->totals, s->n_groups)) < 0 ||
	    add(root, "unparsed_samples",
		strings_to_json(s->samples, n_samples)) < 0 ||
	    add(root, "domains", json_object_new_array()) < 0) {
		json_object_put(root);
		return NULL;
	}
	return root;
}

/* libfastjson's writer callback: into the temporary file. A failed write
 * shows in ferror(), which the atomic writer checks. */
static size_t file_write(void *ptr, const char *data, size_t size)
{
	return fwrite(data, 1, size, ptr);
}

#define EMPTY_TAIL     "[]}"
#define EMPTY_TAIL_LEN 3

/* Writes the header up to and including the '[' of the empty domains. */
static int write_head(FILE *out, const struct gs_summary *s, char *err,
		      size_t errlen)
{
	struct json_object *head = head_to_json(s);
	const char *text;
	size_t len;

	if (head == NULL)
		return gs_seterr(err, errlen, "building the summary: %s",
				 strerror(ENOMEM));
	text = json_object_to_json_string_ext(head, JSON_C_TO_STRING_PLAIN);
	len = text != NULL ? strlen(text) : 0;
	if (len < EMPTY_TAIL_LEN ||
	    strcmp(text + len - EMPTY_TAIL_LEN, EMPTY_TAIL) != 0) {
		json_object_put(head);
		return gs_seterr(err, errlen, "serialising the summary: %s",
				 strerror(ENOMEM));
	}
	(void)fwrite(text, 1, len - EMPTY_TAIL_LEN + 1, out);
	json_object_put(head);
	return 0;
}

/* The whole file: head, the domains one at a time, then "]}" closing the
 * array and the object, and a newline. The punctuation between the
 * library's serialisations is all that is written by hand. */
static int fill_summary(FILE *out, void *ctx, char *err, size_t errlen)
{
	const struct gs_summary *s = ctx;
	struct json_object *o;
	size_t i;

	if (write_head(out, s, err, errlen) < 0)
		return -1;
	for (i = 0; i < s->n_groups && !ferror(out); i++) {
		o = group_to_json(&s->groups[i]);
		if (o == NULL)
			return gs_seterr(err, errlen,
					 "building domain %zu of the summary: "
					 "%s",
					 i, strerror(ENOMEM));
		if (i > 0)
			(void)putc(',', out);
		fjson_object_dump_ext(o, JSON_C_TO_STRING_PLAIN, file_write,
				      out);
		json_object_put(o);
	}
	(void)fputs("]}\n", out);
	return 0;
}

int gs_summary_write(const struct gs_summary *s, const char *path,
		     const struct gs_file_opts *opts, char *err, size_t errlen)
{
	return gs_atomic_write_with(path, opts, fill_summary, (void *)s, err,
				    errlen);
}

/* ---- reading ---------------------------------------------------------- */

/* What the validator needs to name the place of an error. */
struct rd {
	const char *what;
	char *err;
	size_t errlen;
};

static int bad(const struct rd *r, const char *path, const char *msg)
{
	if (*path == '\0')
		return gs_seterr(r->err, r->errlen, "%s: %s", r->what, msg);
	return gs_seterr(r->err, r->errlen, "%s: %s: %s", r->what, path, msg);
}

/* parent.key, or key at the top level. */
static void join(char *buf, size_t len, const char *parent, const char *key)
{
	int n = *parent != '\0' ? snprintf(buf, len, "%s.%s", parent, key)
				: snprintf(buf, len, "%s", key);

	if (n < 0 || (size_t)n >= len)
		snprintf(buf, len, "(field path too long)");
}

static void join_idx(char *buf, size_t len, const char *parent, size_t i)
{
	int n = snprintf(buf, len, "%s[%zu]", parent, i);

	if (n < 0 || (size_t)n >= len)
		snprintf(buf, len, "(field path too long)");
}

/* The member key of obj, which must exist and have the given type. */
static int get_member(const struct rd *r, struct json_object *obj,
		      const char *parent, const char *key, enum json_type type,
		      const char *expect, struct json_object **val)
{
	char path[JSON_PATH_LEN];

	join(path, sizeof(path), parent, key);
	if (!json_object_object_get_ex(obj, key, val))
		return bad(r, path, "missing");
	if (!json_object_is_type(*val, type))
		return bad(r, path, expect);
	return 0;
}

static int check_count(const struct rd *r, struct json_object *v,
		       const char *path, uint64_t max, uint64_t *out)
{
	char msg[96];
	int64_t n;

	if (!json_object_is_type(v, json_type_int))
		return bad(r, path, "expected a non-negative integer");
	n = json_object_get_int64(v);
	if (n < 0)
		return bad(r, path, "expected a non-negative integer");
	if ((uint64_t)n > max) {
		snprintf(msg, sizeof(msg),
			 "number out of range (maximum %" PRIu64 ")", max);
		return bad(r, path, msg);
	}
	*out = (uint64_t)n;
	return 0;
}

static int get_u64(const struct rd *r, struct json_object *obj,
		   const char *parent, const char *key, uint64_t *out)
{
	char path[JSON_PATH_LEN];
	struct json_object *v;

	join(path, sizeof(path), parent, key);
	if (!json_object_object_get_ex(obj, key, &v))
		return bad(r, path, "missing");
	return check_count(r, v, path, COUNT_MAX, out);
}

static int get_u32(const struct rd *r, struct json_object *obj,
		   const char *parent, const char *key, uint32_t *out)
{
	char path[JSON_PATH_LEN];
	struct json_object *v;
	uint64_t n;

	join(path, sizeof(path), parent, key);
	if (!json_object_object_get_ex(obj, key, &v))
		return bad(r, path, "missing");
	if (check_count(r, v, path, UINT32_MAX, &n) < 0)
		return -1;
	*out = (uint32_t)n;
	return 0;
}

/* Checks a string value: no NUL inside, at most max bytes, non-empty if
 * asked; copies it to *out when out is not NULL. */
static int check_string(const struct rd *r, struct json_object *v,
			const char *path, size_t max, int nonempty, char **out)
{
	char msg[64];
	const char *s;
	int len;

	if (!json_object_is_type(v, json_type_string))
		return bad(r, path, "expected a string");
	s = json_object_get_string(v);
	len = json_object_get_string_len(v);
	if (s == NULL || len < 0 || strlen(s) != (size_t)len)
		return bad(r, path, "string contains a NUL character");
	if ((size_t)len > max) {
		snprintf(msg, sizeof(msg), "string longer than %zu bytes", max);
		return bad(r, path, msg);
	}
	if (nonempty && len == 0)
		return bad(r, path, "empty string");
	if (out != NULL) {
		*out = strdup(s);
		if (*out == NULL)
			return bad(r, path, strerror(ENOMEM));
	}
	return 0;
}

/* Strict "YYYY-MM-DDTHH:MM:SSZ": strptime must use up the text and the time
 * must print back identically, which refuses "2026-02-30" and friends. */
static int parse_iso_time(const char *s, time_t *out)
{
	char back[32];
	struct tm tm;
	const char *end;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, ISO_TIME_FMT, &tm);
	if (end == NULL || *end != '\0')
		return -1;
	t = timegm(&tm);
	if (t == (time_t)-1 && strcmp(s, "1969-12-31T23:59:59Z") != 0)
		return -1;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(back, sizeof(back), ISO_TIME_FMT, &tm) != ISO_TIME_LEN ||
	    strcmp(back, s) != 0)
		return -1;
	*out = t;
	return 0;
}

static int get_time(const struct rd *r, struct json_object *obj,
		    const char *parent, const char *key, int nullable,
		    time_t *out)
{
	static const char expect[] =
	    "expected a time as \"YYYY-MM-DDTHH:MM:SSZ\"";
	static const char expect_null[] =
	    "expected null or a time as \"YYYY-MM-DDTHH:MM:SSZ\"";
	char path[JSON_PATH_LEN];
	struct json_object *v;

	join(path, sizeof(path), parent, key);
	if (!json_object_object_get_ex(obj, key, &v))
		return bad(r, path, "missing");
	if (v == NULL && nullable) {
		*out = 0;
		return 0;
	}
	if (!json_object_is_type(v, json_type_string) ||
	    parse_iso_time(json_object_get_string(v), out) < 0)
		return bad(r, path, nullable ? expect_null : expect);
	return 0;
}

static int check_header(const struct rd *r, struct json_object *root)
{
	struct json_object *v;
	char msg[160];
	int64_t version;

	if (!json_object_is_type(root, json_type_object))
		return bad(r, "", "expected a JSON object at the top level");
	if (get_member(r, root, "", "format", json_type_string,
		       "expected a string", &v) < 0)
		return -1;
	if (strcmp(json_object_get_string(v), GS_SUMMARY_FORMAT) != 0) {
		snprintf(msg, sizeof(msg),
			 "not a greyscan summary (format is \"%.60s\", "
			 "expected \"" GS_SUMMARY_FORMAT "\")",
			 json_object_get_string(v));
		return bad(r, "format", msg);
	}
	if (get_member(r, root, "", "version", json_type_int,
		       "expected an integer", &v) < 0)
		return -1;
	version = json_object_get_int64(v);
	if (version != GS_SUMMARY_VERSION) {
		snprintf(msg, sizeof(msg),
			 "unsupported version %" PRId64 " (expected %d)",
			 version, GS_SUMMARY_VERSION);
		return bad(r, "", msg);
	}
	return 0;
}

static int read_window(const struct rd *r, struct json_object *root,
		       struct gs_summary *out)
{
	struct json_object *w;

	if (get_member(r, root, "", "window", json_type_object,
		       "expected an object", &w) < 0 ||
	    get_time(r, w, "window", "start", 1, &out->window_start) < 0 ||
	    get_time(r, w, "window", "end", 1, &out->window_end) < 0 ||
	    get_u32(r, w, "window", "seconds", &out->window_s) < 0)
		return -1;
	return 0;
}

static int read_totals(const struct rd *r, struct json_object *root,
		       struct gs_totals *t, int *has_groups)
{
	struct json_object *o;
	int c;

	if (get_member(r, root, "", "totals", json_type_object,
		       "expected an object", &o) < 0 ||
	    get_u64(r, o, "totals", "lines", &t->lines) < 0 ||
	    get_u64(r, o, "totals", "actions", &t->actions) < 0 ||
	    get_u64(r, o, "totals", "unparsed", &t->unparsed) < 0 ||
	    get_u64(r, o, "totals", "ignored", &t->ignored) < 0 ||
	    get_u64(r, o, "totals", "evicted", &t->evicted) < 0 ||
	    get_u64(r, o, "totals", "too_old", &t->too_old) < 0)
		return -1;
	for (c = 0; c < GS_C_COUNT; c++)
		if (get_u64(r, o, "totals", gs_counter_name(c),
			    &t->per_counter[c]) < 0)
			return -1;
	/* Added within version 1: optional, see check_groups_total. */
	*has_groups = json_object_object_get_ex(o, "groups", NULL);
	if (*has_groups && get_u64(r, o, "totals", "groups", &t->groups) < 0)
		return -1;
	return 0;
}

/* Samples are kept newest last, so surplus ones (from a future writer that
 * keeps more) are dropped from the front. */
static int read_samples(const struct rd *r, struct json_object *root,
			struct gs_summary *out)
{
	char path[JSON_PATH_LEN];
	struct json_object *a;
	size_t i, n, skip;

	if (get_member(r, root, "", "unparsed_samples", json_type_array,
		       "expected an array", &a) < 0)
		return -1;
	n = (size_t)json_object_array_length(a);
	skip = n > GS_MAX_SAMPLES ? n - GS_MAX_SAMPLES : 0;
	for (i = 0; i < n; i++) {
		join_idx(path, sizeof(path), "unparsed_samples", i);
		if (check_string(r, json_object_array_get_idx(a, i), path,
				 SAMPLE_MAX_BYTES, 0,
				 i < skip ? NULL
					  : &out->samples[out->n_samples]) < 0)
			return -1;
		if (i >= skip)
			out->n_samples++;
	}
	return 0;
}

static int read_kind(const struct rd *r, struct json_object *o,
		     const char *parent, enum gs_group_kind *kind)
{
	char path[JSON_PATH_LEN];
	struct json_object *v;
	const char *s;

	if (get_member(r, o, parent, "kind", json_type_string,
		       "expected \"name\" or \"network\"", &v) < 0)
		return -1;
	s = json_object_get_string(v);
	if (strcmp(s, "name") == 0)
		*kind = GS_KIND_NAME;
	else if (strcmp(s, "network") == 0)
		*kind = GS_KIND_NETWORK;
	else {
		join(path, sizeof(path), parent, "kind");
		return bad(r, path, "expected \"name\" or \"network\"");
	}
	return 0;
}

/* The first GS_MAX_EXAMPLES examples are kept; later ones are checked but
 * ignored, so a future writer may keep more within version 1. */
static int read_examples(const struct rd *r, struct json_object *o,
			 const char *parent, struct gs_group_stats *g)
{
	char apath[JSON_PATH_LEN], path[JSON_PATH_LEN];
	struct json_object *a;
	size_t i, n;

	if (get_member(r, o, parent, "examples", json_type_array,
		       "expected an array", &a) < 0)
		return -1;
	join(apath, sizeof(apath), parent, "examples");
	n = (size_t)json_object_array_length(a);
	for (i = 0; i < n; i++) {
		join_idx(path, sizeof(path), apath, i);
		if (check_string(r, json_object_array_get_idx(a, i), path,
				 NAME_MAX_BYTES, 1,
				 i < GS_MAX_EXAMPLES
				     ? &g->examples[g->n_examples]
				     : NULL) < 0)
			return -1;
		if (i < GS_MAX_EXAMPLES)
			g->n_examples++;
	}
	return 0;
}

static int read_hosts(const struct rd *r, struct json_object *o,
		      const char *parent, struct gs_group_stats *g)
{
	char hpath[JSON_PATH_LEN], path[JSON_PATH_LEN];
	struct json_object_iterator it, end;
	struct json_object *h;
	const char *name;
	int n;

	if (get_member(r, o, parent, "hosts", json_type_object,
		       "expected an object", &h) < 0)
		return -1;
	join(hpath, sizeof(hpath), parent, "hosts");
	n = json_object_object_length(h);
	if (n <= 0)
		return 0;
	g->hosts = calloc((size_t)n, sizeof(*g->hosts));
	if (g->hosts == NULL)
		return bad(r, hpath, strerror(ENOMEM));
	it = json_object_iter_begin(h);
	end = json_object_iter_end(h);
	while (!json_object_iter_equal(&it, &end) && g->n_hosts < (size_t)n) {
		name = json_object_iter_peek_name(&it);
		join(path, sizeof(path), hpath, name);
		if (strlen(name) > NAME_MAX_BYTES)
			return bad(r, hpath, "host name too long");
		if (check_count(r, json_object_iter_peek_value(&it), path,
				COUNT_MAX, &g->hosts[g->n_hosts].count) < 0)
			return -1;
		g->hosts[g->n_hosts].host = strdup(name);
		if (g->hosts[g->n_hosts].host == NULL)
			return bad(r, path, strerror(ENOMEM));
		g->n_hosts++;
		json_object_iter_next(&it);
	}
	return 0;
}

static int read_group(const struct rd *r, struct json_object *o,
		      const char *path, struct gs_group_stats *g)
{
	char dpath[JSON_PATH_LEN];
	struct json_object *v;
	int c;

	if (!json_object_is_type(o, json_type_object))
		return bad(r, path, "expected an object");
	join(dpath, sizeof(dpath), path, "domain");
	if (!json_object_object_get_ex(o, "domain", &v))
		return bad(r, dpath, "missing");
	if (check_string(r, v, dpath, NAME_MAX_BYTES, 1, &g->domain) < 0 ||
	    read_kind(r, o, path, &g->kind) < 0)
		return -1;
	for (c = 0; c < GS_C_COUNT; c++)
		if (get_u64(r, o, path, gs_counter_name(c), &g->counts[c]) < 0)
			return -1;
	if (get_u64(r, o, path, "delay_count", &g->delay_count) < 0 ||
	    get_u32(r, o, path, "delay_median", &g->delay_median_s) < 0 ||
	    get_u32(r, o, path, "delay_max", &g->delay_max_s) < 0 ||
	    get_u32(r, o, path, "client_addresses", &g->client_addresses) < 0 ||
	    get_u32(r, o, path, "networks", &g->networks) < 0 ||
	    read_examples(r, o, path, g) < 0 ||
	    get_time(r, o, path, "first_seen", 0, &g->first_seen) < 0 ||
	    get_time(r, o, path, "last_seen", 0, &g->last_seen) < 0 ||
	    read_hosts(r, o, path, g) < 0)
		return -1;
	return 0;
}

static int read_groups(const struct rd *r, struct json_object *root,
		       struct gs_summary *out)
{
	char path[JSON_PATH_LEN];
	struct json_object *a;
	size_t i, n;

	if (get_member(r, root, "", "domains", json_type_array,
		       "expected an array", &a) < 0)
		return -1;
	n = (size_t)json_object_array_length(a);
	if (n == 0)
		return 0;
	out->groups = calloc(n, sizeof(*out->groups));
	if (out->groups == NULL)
		return bad(r, "domains", strerror(ENOMEM));
	for (i = 0; i < n; i++) {
		join_idx(path, sizeof(path), "domains", i);
		/* Counted before filling so that gs_summary_free releases a
		 * half-read group too. */
		out->n_groups++;
		if (read_group(r, json_object_array_get_idx(a, i), path,
			       &out->groups[i]) < 0)
			return -1;
	}
	return 0;
}

/* The groups tracked cannot be fewer than the domains listed. Files from
 * before the field listed every group: there it is the number of domains. */
static int check_groups_total(const struct rd *r, int has_groups,
			      struct gs_summary *out)
{
	char msg[128];

	if (!has_groups) {
		out->totals.groups = out->n_groups;
		return 0;
	}
	if (out->totals.groups >= out->n_groups)
		return 0;
	snprintf(msg, sizeof(msg),
		 "%" PRIu64 " groups tracked but %zu domains listed",
		 out->totals.groups, out->n_groups);
	return bad(r, "totals.groups", msg);
}

/* Everything but the domains, in the order the checks have always run. */
static int read_head(const struct rd *r, struct json_object *root,
		     struct gs_summary *out, int *has_groups)
{
	if (check_header(r, root) < 0 ||
	    get_time(r, root, "", "generated", 0, &out->generated) < 0 ||
	    read_window(r, root, out) < 0 ||
	    read_totals(r, root, &out->totals, has_groups) < 0 ||
	    read_samples(r, root, out) < 0)
		return -1;
	return 0;
}

int gs_summary_from_json(struct json_object *root, const char *what,
			 struct gs_summary *out, char *err, size_t errlen)
{
	const struct rd r = {what != NULL ? what : "summary", err, errlen};
	int has_groups = 0;

	memset(out, 0, sizeof(*out));
	if (read_head(&r, root, out, &has_groups) < 0 ||
	    read_groups(&r, root, out) < 0 ||
	    check_groups_total(&r, has_groups, out) < 0) {
		gs_summary_free(out);
		return -1;
	}
	out->version = GS_SUMMARY_VERSION;
	gs_summary_sort(out);
	return 0;
}

/* Reads the whole file into a NUL-terminated buffer, at most
 * GS_SUMMARY_MAX_BYTES; the size is checked before and while reading since
 * the file may grow in between. */
static int read_file(const char *path, char **data, size_t *len, char *err,
		     size_t errlen)
{
	struct stat st;
	size_t cap, n = 0;
	char *buf = NULL, *p;
	ssize_t got;
	int fd, rc = -1;

	/* O_NONBLOCK: a FIFO planted at the path must not hang the reader
	 * (it is refused below); regular files ignore the flag. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return gs_seterr(err, errlen, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		gs_seterr(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		gs_seterr(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if ((uintmax_t)st.st_size > GS_SUMMARY_MAX_BYTES) {
		gs_seterr(err, errlen,
			  "%s: file too large (%jd bytes, limit %u)", path,
			  (intmax_t)st.st_size, GS_SUMMARY_MAX_BYTES);
		goto out;
	}
	cap = (size_t)st.st_size + 1;
	buf = malloc(cap + 1);
	if (buf == NULL) {
		gs_seterr(err, errlen, "%s: %s", path, strerror(ENOMEM));
		goto out;
	}
	for (;;) {
		if (n == cap) {
			if (cap > GS_SUMMARY_MAX_BYTES) {
				gs_seterr(err, errlen,
					  "%s: file too large (limit %u bytes)",
					  path, GS_SUMMARY_MAX_BYTES);
				goto out;
			}
			cap = cap + READ_CHUNK_BYTES;
			p = realloc(buf, cap + 1);
			if (p == NULL) {
				gs_seterr(err, errlen, "%s: %s", path,
					  strerror(ENOMEM));
				goto out;
			}
			buf = p;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			gs_seterr(err, errlen, "%s: read: %s", path,
				  strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	if (n > GS_SUMMARY_MAX_BYTES) {
		gs_seterr(err, errlen, "%s: file too large (limit %u bytes)",
			  path, GS_SUMMARY_MAX_BYTES);
		goto out;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}

/* ---- reading the domains one at a time --------------------------------
 *
 * A tree of the whole file costs libfastjson about 17 times the file's size
 * (1.7 GB for a 100 MB summary of 230000 domains). So the top-level object
 * is read member by member: libfastjson's tokener parses each key and each
 * value and tells where it stopped; this code only steps over whitespace
 * and the punctuation of the top-level object and of the "domains" array.
 * The other members are collected into a small tree for read_head; each
 * domain is parsed, checked and released on its own.
 *
 * Errors come in the order a whole-tree parse gave them: bad JSON anywhere
 * first, then the header, then the domains. So an error in a domain is held
 * while the rest of the file is still parsed. */

/* Nesting allowed in the whole file, as for one libfastjson parse; a member
 * value sits one level down, a domain two. */
#define FILE_MAX_DEPTH FJSON_TOKENER_DEFAULT_DEPTH

struct scan {
	const struct rd *r;
	const char *p;	      /* the file's text */
	size_t len, i;	      /* its length and the offset reached */
	char held[GS_ERRLEN]; /* the first error in the domains, or "" */
};

static int truncated(const struct scan *s)
{
	return gs_seterr(s->r->err, s->r->errlen,
			 "%s: truncated: the JSON ends unfinished after %zu "
			 "bytes",
			 s->r->what, s->len);
}

static int invalid(const struct scan *s, size_t at, enum fjson_tokener_error e)
{
	return gs_seterr(s->r->err, s->r->errlen,
			 "%s: invalid JSON at byte %zu: %s", s->r->what, at,
			 json_tokener_error_desc(e));
}

static void skip_space(struct scan *s)
{
	while (s->i < s->len && (s->p[s->i] == ' ' || s->p[s->i] == '\t' ||
				 s->p[s->i] == '\n' || s->p[s->i] == '\r'))
		s->i++;
}

/* Steps over c if it comes next after whitespace. */
static int take(struct scan *s, char c)
{
	skip_space(s);
	if (s->i == s->len || s->p[s->i] != c)
		return 0;
	s->i++;
	return 1;
}

/* Steps over c, which must come next; e names what else came. */
static int expect(struct scan *s, char c, enum fjson_tokener_error e)
{
	if (take(s, c))
		return 0;
	return s->i == s->len ? truncated(s) : invalid(s, s->i, e);
}

/* After an item of a list: 1 if a ',' says that another follows, else 0
 * at close. */
static int more_items(struct scan *s, char close, enum fjson_tokener_error e)
{
	return take(s, ',') ? 1 : expect(s, close, e);
}

/* Parses one value (allowed depth levels of nesting) at the offset reached
 * and steps over it. The tokener gets the rest of the file: a number needs
 * the delimiter after it to be complete, and parsing stops there. */
static int parse_value(struct scan *s, int depth, struct json_object **val)
{
	struct json_tokener *tok = fjson_tokener_new_ex(depth);
	enum fjson_tokener_error e;

	if (tok == NULL)
		return bad(s->r, "", strerror(ENOMEM));
	skip_space(s);
	*val = json_tokener_parse_ex(tok, s->p + s->i, (int)(s->len - s->i));
	e = fjson_tokener_get_error(tok);
	if (e == fjson_tokener_success)
		s->i += (size_t)tok->char_offset;
	else if (e == json_tokener_continue)
		truncated(s);
	else
		invalid(s, s->i + (size_t)tok->char_offset, e);
	json_tokener_free(tok);
	return e == fjson_tokener_success ? 0 : -1;
}

/* Grows out->groups for one more group. The new room is not zeroed: its
 * pages stay untouched, and so out of memory, until groups fill them. */
static int more_groups(const struct rd *r, struct gs_summary *out, size_t *cap)
{
	struct gs_group_stats *g;
	size_t n = *cap > 0 ? *cap * 2 : 64;

	if (out->n_groups < *cap)
		return 0;
	g = realloc(out->groups, n * sizeof(*g));
	if (g == NULL)
		return bad(r, "domains", strerror(ENOMEM));
	out->groups = g;
	*cap = n;
	return 0;
}

/* Checks one domain into out; the error goes to r. */
static int add_group(const struct rd *r, struct json_object *o,
		     struct gs_summary *out, size_t *cap)
{
	char path[JSON_PATH_LEN];
	struct gs_group_stats *g;

	if (more_groups(r, out, cap) < 0)
		return -1;
	join_idx(path, sizeof(path), "domains", out->n_groups);
	g = memset(&out->groups[out->n_groups], 0, sizeof(*g));
	/* Counted before filling so that gs_summary_free releases a
	 * half-read group too. */
	out->n_groups++;
	return read_group(r, o, path, g);
}

/* The value of "domains", element by element. After a bad domain the rest
 * is only parsed. */
static int read_domains(struct scan *s, struct gs_summary *out)
{
	const struct rd held = {s->r->what, s->held, sizeof(s->held)};
	struct json_object *o;
	size_t cap = 0;
	int more;

	if (!take(s, '[')) {
		if (parse_value(s, FILE_MAX_DEPTH - 1, &o) < 0)
			return -1;
		json_object_put(o);
		bad(&held, "domains", "expected an array");
		return 0;
	}
	if (take(s, ']'))
		return 0;
	do {
		if (parse_value(s, FILE_MAX_DEPTH - 2, &o) < 0)
			return -1;
		if (*s->held == '\0')
			(void)add_group(&held, o, out, &cap);
		json_object_put(o);
		more = more_items(s, ']', fjson_tokener_error_parse_array);
	} while (more > 0);
	return more;
}

/* One member of the top-level object: "domains" is read as it goes, the
 * others are added to root. "domains" is marked in root by a null member,
 * so that one test refuses any member given twice. */
static int read_member(struct scan *s, struct json_object *root,
		       struct gs_summary *out)
{
	struct json_object *key = NULL, *val;
	const char *name;
	size_t at;
	int rc = -1;

	skip_space(s);
	at = s->i;
	if (parse_value(s, FILE_MAX_DEPTH - 1, &key) < 0)
		goto out;
	if (!json_object_is_type(key, json_type_string)) {
		invalid(s, at, fjson_tokener_error_parse_object_key_name);
		goto out;
	}
	name = json_object_get_string(key);
	if (json_object_object_get_ex(root, name, NULL)) {
		gs_seterr(s->r->err, s->r->errlen,
			  "%s: %.64s: duplicate member at byte %zu", s->r->what,
			  name, at);
		goto out;
	}
	if (expect(s, ':', fjson_tokener_error_parse_object_key_sep) < 0)
		goto out;
	if (strcmp(name, "domains") == 0) {
		if (read_domains(s, out) < 0)
			goto out;
		val = NULL;
	} else if (parse_value(s, FILE_MAX_DEPTH - 1, &val) < 0)
		goto out;
	json_object_object_add(root, name, val);
	rc = 0;
out:
	json_object_put(key);
	return rc;
}

/* A file that does not start with '{': given its first byte alone, the
 * tokener tells another type of value (refused unparsed, whatever its
 * size) from bytes that are not JSON. */
static int not_an_object(const struct scan *s)
{
	struct json_tokener *tok = json_tokener_new();
	enum fjson_tokener_error e;

	if (tok == NULL)
		return bad(s->r, "", strerror(ENOMEM));
	(void)json_tokener_parse_ex(tok, s->p + s->i, 1);
	e = fjson_tokener_get_error(tok);
	json_tokener_free(tok);
	if (e == json_tokener_continue)
		return bad(s->r, "", "expected a JSON object at the top level");
	return invalid(s, s->i, e);
}

/* The whole text: one object, then nothing but whitespace. */
static int read_text(struct scan *s, struct json_object *root,
		     struct gs_summary *out)
{
	int more = 0;

	skip_space(s);
	if (s->i == s->len)
		return gs_seterr(s->r->err, s->r->errlen,
				 "%s: truncated: the file is empty",
				 s->r->what);
	if (!take(s, '{'))
		return not_an_object(s);
	if (!take(s, '}'))
		do {
			if (read_member(s, root, out) < 0)
				return -1;
			more = more_items(
			    s, '}', fjson_tokener_error_parse_object_value_sep);
		} while (more > 0);
	if (more < 0)
		return -1;
	skip_space(s);
	if (s->i < s->len)
		return gs_seterr(s->r->err, s->r->errlen,
				 "%s: trailing garbage after the JSON value at "
				 "byte %zu",
				 s->r->what, s->i);
	return 0;
}

/* Reads the text of path into out; out is left empty on failure. */
static int read_summary(const char *path, const char *data, size_t len,
			struct gs_summary *out, char *err, size_t errlen)
{
	const struct rd r = {path, err, errlen};
	struct scan s = {&r, data, len, 0, ""};
	struct json_object *root = json_object_new_object();
	int has_groups = 0, rc = -1;

	if (root == NULL)
		return bad(&r, "", strerror(ENOMEM));
	if (read_text(&s, root, out) < 0 ||
	    read_head(&r, root, out, &has_groups) < 0)
		goto out;
	if (*s.held != '\0') {
		gs_seterr(err, errlen, "%s", s.held);
		goto out;
	}
	if (!json_object_object_get_ex(root, "domains", NULL)) {
		bad(&r, "domains", "missing");
		goto out;
	}
	if (check_groups_total(&r, has_groups, out) < 0)
		goto out;
	out->version = GS_SUMMARY_VERSION;
	gs_summary_sort(out);
	rc = 0;
out:
	if (rc < 0)
		gs_summary_free(out);
	json_object_put(root);
	return rc;
}

int gs_summary_read(const char *path, struct gs_summary *out, char *err,
		    size_t errlen)
{
	char *data = NULL;
	size_t len = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (read_file(path, &data, &len, err, errlen) < 0)
		return -1;
	rc = read_summary(path, data, len, out, err, errlen);
	free(data);
	return rc;
}
