/* The state file: the tally's export as JSON Lines (format in state.h).
 *
 * Saving streams: the tally is exported a chunk of groups at a time (see
 * gs_tally_export_next), each group becomes one libfastjson object that is
 * dumped straight into the temporary file of an atomic write and released.
 * Memory is one chunk and one group's tree; the lock is held per chunk.
 *
 * Loading reads the file twice, line by line with a length bound. The first
 * pass checks everything (each field's presence, type and range, each
 * group's consistency with gs_tally_check_group, the number of groups) and
 * keeps nothing but the header and trailer fields; only when the whole file
 * is good does the second pass read the groups again and hand them to
 * gs_tally_import in batches. So a bad file leaves the tally unchanged, and
 * memory is one batch of groups, not the whole file.
 *
 * No shared state here: the tally does its own locking. */
#include "gs_config.h"

#include "state/state.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libfastjson/json.h>

#include "base/error.h"
#include "input/group.h"

/* libfastjson saturates integers beyond int64 at INT64_MAX, so that value
 * cannot be told from an overflow: counts stop one below it. */
#define COUNT_MAX   ((uint64_t)INT64_MAX - 1)
#define MAX_ENTRIES 1024 /* per group; a saved tally has at most ~510 */
#define FIELD_LEN   128	 /* bytes of a field path such as entries[3].hist */

/* ---- Writing ---- */

/* A growing buffer: one line of the file while reading. */
struct buf {
	char *data;
	size_t len, cap;
};

static int buf_put(struct buf *b, const char *s, size_t n)
{
	size_t cap;
	char *p;

	if (n > b->cap - b->len) {
		cap = b->cap == 0 ? 65536 : b->cap;
		while (n > cap - b->len)
			cap *= 2;
		p = realloc(b->data, cap);
		if (p == NULL)
			return -1;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	return 0;
}

/* Adds val under the string-literal key; val is consumed either way. */
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

/* Appends val to arr; val is consumed either way. */
static int push(struct json_object *arr, struct json_object *val)
{
	if (val == NULL)
		return -1;
	if (json_object_array_add(arr, val) != 0) {
		json_object_put(val);
		return -1;
	}
	return 0;
}

static struct json_object *new_count(uint64_t v)
{
	return json_object_new_int64((int64_t)(v > COUNT_MAX ? COUNT_MAX : v));
}

static struct json_object *counters_json(const uint64_t counts[GS_C_COUNT])
{
	struct json_object *o = json_object_new_object();
	unsigned c;

	if (o == NULL)
		return NULL;
	for (c = 0; c < GS_C_COUNT; c++) {
		if (add(o, gs_counter_name(c), new_count(counts[c])) < 0) {
			json_object_put(o);
			return NULL;
		}
	}
	return o;
}

/* An entry's counts: an array in enum gs_counter order (the header's
 * "counters"), much shorter than an object with names on every entry. */
static struct json_object *counts_json(const uint32_t counts[GS_C_COUNT])
{
	struct json_object *a = json_object_new_array();
	unsigned c;

	if (a == NULL)
		return NULL;
	for (c = 0; c < GS_C_COUNT; c++) {
		if (push(a, json_object_new_int64(counts[c])) < 0) {
			json_object_put(a);
			return NULL;
		}
	}
	return a;
}

static struct json_object *counter_names_json(void)
{
	struct json_object *a = json_object_new_array();
	unsigned c;

	if (a == NULL)
		return NULL;
	for (c = 0; c < GS_C_COUNT; c++) {
		if (push(a, json_object_new_string(gs_counter_name(c))) < 0) {
			json_object_put(a);
			return NULL;
		}
	}
	return a;
}

static struct json_object *strings_json(char *const *s, size_t n)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	if (a == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (push(a, json_object_new_string(s[i])) < 0) {
			json_object_put(a);
			return NULL;
		}
	}
	return a;
}

static struct json_object *totals_json(const struct gs_totals *t)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	if (add(o, "lines", new_count(t->lines)) < 0 ||
	    add(o, "actions", new_count(t->actions)) < 0 ||
	    add(o, "unparsed", new_count(t->unparsed)) < 0 ||
	    add(o, "ignored", new_count(t->ignored)) < 0 ||
	    add(o, "evicted", new_count(t->evicted)) < 0 ||
	    add(o, "too_old", new_count(t->too_old)) < 0 ||
	    add(o, "per_counter", counters_json(t->per_counter)) < 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* Line 1: what is fixed for the tally's life. */
static struct json_object *header_json(const struct gs_tally_export *x)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	if (add(o, "format", json_object_new_string(GS_STATE_FORMAT)) < 0 ||
	    add(o, "version", json_object_new_int(GS_STATE_VERSION)) < 0 ||
	    add(o, "window_s", json_object_new_int64(x->window_s)) < 0 ||
	    add(o, "slot_s", json_object_new_int64(x->slot_s)) < 0 ||
	    add(o, "counters", counter_names_json()) < 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* The last line: what changes while the groups are written, as it was
 * after the last of them, and how many there are. */
static struct json_object *trailer_json(const struct gs_tally_export *x,
					size_t n_groups)
{
	struct json_object *o = json_object_new_object();
	struct json_object *end = NULL;

	if (o == NULL)
		return NULL;
	if (x->has_end) {
		end = json_object_new_int64(x->end);
		if (end == NULL)
			goto fail;
	}
	json_object_object_add(o, "end", end); /* NULL: JSON null */
	if (add(o, "totals", totals_json(&x->totals)) < 0 ||
	    add(o, "samples", strings_json(x->samples, x->n_samples)) < 0 ||
	    add(o, "hosts", strings_json(x->hosts, x->n_hosts)) < 0 ||
	    add(o, "groups", json_object_new_int64((int64_t)n_groups)) < 0)
		goto fail;
	return o;
fail:
	json_object_put(o);
	return NULL;
}

/* [[bin, count], ...] for the non-empty bins. */
static struct json_object *hist_json(const uint32_t *hist)
{
	struct json_object *a = json_object_new_array(), *pair;
	unsigned k;

	if (a == NULL)
		return NULL;
	for (k = 0; k < GS_TALLY_HIST_BINS; k++) {
		if (hist[k] == 0)
			continue;
		pair = json_object_new_array();
		if (push(a, pair) < 0 ||
		    push(pair, json_object_new_int(k)) < 0 ||
		    push(pair, json_object_new_int64(hist[k])) < 0) {
			json_object_put(a);
			return NULL;
		}
	}
	return a;
}

static struct json_object *entry_json(const struct gs_tally_xentry *e)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	if (add(o, "slot", json_object_new_int64(e->slot)) < 0 ||
	    add(o, "host", json_object_new_int64(e->host)) < 0 ||
	    add(o, "counts", counts_json(e->counts)) < 0)
		goto fail;
	if (e->hist != NULL &&
	    (add(o, "delay_max_s", json_object_new_int64(e->delay_max_s)) < 0 ||
	     add(o, "hist", hist_json(e->hist)) < 0))
		goto fail;
	return o;
fail:
	json_object_put(o);
	return NULL;
}

/* [["192.0.2.1", slot], ...] */
static struct json_object *addrs_json(const struct gs_tally_xaddr *a, size_t n)
{
	struct json_object *arr = json_object_new_array(), *pair;
	char text[INET6_ADDRSTRLEN];
	size_t i;

	if (arr == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (inet_ntop(a[i].addr.family, a[i].addr.bytes, text,
			      sizeof(text)) == NULL)
			goto fail;
		pair = json_object_new_array();
		if (push(arr, pair) < 0 ||
		    push(pair, json_object_new_string(text)) < 0 ||
		    push(pair, json_object_new_int64(a[i].slot)) < 0)
			goto fail;
	}
	return arr;
fail:
	json_object_put(arr);
	return NULL;
}

static struct json_object *group_json(const struct gs_tally_xgroup *g)
{
	const char *kind = g->kind == GS_KIND_NETWORK ? "network" : "name";
	struct json_object *o = json_object_new_object(), *entries;
	size_t i;

	if (o == NULL)
		return NULL;
	if (add(o, "name", json_object_new_string(g->name)) < 0 ||
	    add(o, "kind", json_object_new_string(kind)) < 0 ||
	    add(o, "first_seen", json_object_new_int64(g->first_seen)) < 0 ||
	    add(o, "last_seen", json_object_new_int64(g->last_seen)) < 0)
		goto fail;
	entries = json_object_new_array();
	if (add(o, "entries", entries) < 0)
		goto fail;
	for (i = 0; i < g->n_entries; i++)
		if (push(entries, entry_json(&g->entries[i])) < 0)
			goto fail;
	if (add(o, "addresses", addrs_json(g->addrs, g->n_addrs)) < 0 ||
	    add(o, "networks", addrs_json(g->nets, g->n_nets)) < 0 ||
	    add(o, "examples", strings_json(g->examples, g->n_examples)) < 0)
		goto fail;
	return o;
fail:
	json_object_put(o);
	return NULL;
}

/* libfastjson's writer callback: into the temporary file. A failed write
 * shows in ferror(), which the atomic writer checks. */
static size_t file_write(void *ptr, const char *data, size_t size)
{
	return fwrite(data, 1, size, ptr);
}

/* Serialises obj (consumed) as one line. -1 only when obj is NULL (no
 * memory): write errors are left to ferror(). */
static int emit(FILE *out, struct json_object *obj)
{
	if (obj == NULL)
		return -1;
	fjson_object_dump_ext(obj, FJSON_TO_STRING_PLAIN, file_write, out);
	json_object_put(obj);
	(void)putc('\n', out);
	return 0;
}

/* Writes the group lines chunk by chunk; *n counts them. Stops early on a
 * write error (ferror), which the atomic writer then reports. */
static int emit_groups(struct gs_tally *t, struct gs_tally_export *x, FILE *out,
		       size_t *n, char *err, size_t errlen)
{
	struct gs_tally_xgroup view;
	size_t i;
	int r = 0;

	while (!ferror(out) &&
	       (r = gs_tally_export_next(t, x, err, errlen)) > 0)
		for (i = 0; i < x->n_groups; i++, (*n)++)
			if (gs_tally_export_group(x, i, &view) < 0 ||
			    emit(out, group_json(&view)) < 0)
				return gs_seterr(err, errlen,
						 "building the state: %s",
						 strerror(ENOMEM));
	return ferror(out) ? 0 : r;
}

/* The atomic writer's callback: header, groups, trailer. */
static int fill_state(FILE *out, void *ctx, char *err, size_t errlen)
{
	struct gs_tally *t = ctx;
	struct gs_tally_export x;
	size_t n = 0;
	int rc = -1;

	if (gs_tally_export_begin(t, &x, err, errlen) < 0)
		return -1;
	if (emit(out, header_json(&x)) < 0) {
		gs_seterr(err, errlen, "building the state: %s",
			  strerror(ENOMEM));
		goto out;
	}
	if (emit_groups(t, &x, out, &n, err, errlen) < 0)
		goto out;
	if (ferror(out)) {
		rc = 0; /* reported by the atomic writer */
		goto out;
	}
	if (gs_tally_export_finish(t, &x, err, errlen) < 0)
		goto out;
	if (emit(out, trailer_json(&x, n)) < 0) {
		gs_seterr(err, errlen, "building the state: %s",
			  strerror(ENOMEM));
		goto out;
	}
	rc = 0;
out:
	gs_tally_export_free(&x);
	return rc;
}

int gs_state_save(struct gs_tally *t, const char *path,
		  const struct gs_file_opts *opts, char *err, size_t errlen)
{
	return gs_atomic_write_with(path, opts, fill_state, t, err, errlen);
}

/* ---- Reading ---- */

/* Where the reader is, to name it in errors. */
struct rd {
	const char *path;
	size_t line;
	char *err;
	size_t errlen;
};

static int bad(const struct rd *r, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad(const struct rd *r, const char *field, const char *fmt, ...)
{
	char msg[GS_ERRLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (field == NULL || field[0] == '\0')
		return gs_seterr(r->err, r->errlen, "%s: line %zu: %s", r->path,
				 r->line, msg);
	return gs_seterr(r->err, r->errlen, "%s: line %zu: %s: %s", r->path,
			 r->line, field, msg);
}

/* parent.key (or key) into buf. */
static const char *field_name(char buf[FIELD_LEN], const char *parent,
			      const char *key)
{
	int n = parent[0] != '\0'
		    ? snprintf(buf, FIELD_LEN, "%s.%s", parent, key)
		    : snprintf(buf, FIELD_LEN, "%s", key);

	if (n < 0 || n >= FIELD_LEN)
		snprintf(buf, FIELD_LEN, "(field name too long)");
	return buf;
}

/* parent[i] into buf. */
static const char *field_idx(char buf[FIELD_LEN], const char *parent, size_t i)
{
	int n = snprintf(buf, FIELD_LEN, "%s[%zu]", parent, i);

	if (n < 0 || n >= FIELD_LEN)
		snprintf(buf, FIELD_LEN, "(field name too long)");
	return buf;
}

static const char *type_word(enum json_type type)
{
	switch (type) {
	case json_type_object:
		return "an object";
	case json_type_array:
		return "an array";
	case json_type_string:
		return "a string";
	case json_type_int:
		return "an integer";
	default:
		return "a value";
	}
}

/* obj's member key, which must exist and have the given type. */
static int member(const struct rd *r, struct json_object *obj,
		  const char *parent, const char *key, enum json_type type,
		  struct json_object **val)
{
	char f[FIELD_LEN];

	if (!json_object_object_get_ex(obj, key, val))
		return bad(r, field_name(f, parent, key), "missing");
	if (!json_object_is_type(*val, type))
		return bad(r, field_name(f, parent, key), "expected %s",
			   type_word(type));
	return 0;
}

static int check_int(const struct rd *r, struct json_object *v,
		     const char *field, int64_t min, int64_t max, int64_t *out)
{
	int64_t n = 0;

	if (!json_object_is_type(v, json_type_int))
		return bad(r, field, "expected an integer");
	n = json_object_get_int64(v);
	if (n < min || n > max)
		return bad(r, field,
			   "%" PRId64 " out of range %" PRId64 "..%" PRId64, n,
			   min, max);
	*out = n;
	return 0;
}

static int get_int(const struct rd *r, struct json_object *obj,
		   const char *parent, const char *key, int64_t min,
		   int64_t max, int64_t *out)
{
	char f[FIELD_LEN];
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v))
		return bad(r, field_name(f, parent, key), "missing");
	return check_int(r, v, field_name(f, parent, key), min, max, out);
}

/* Copies a string of at most max bytes (non-empty if asked) into *out. */
static int check_string(const struct rd *r, struct json_object *v,
			const char *field, size_t max, int nonempty, char **out)
{
	const char *s;
	int len;

	if (!json_object_is_type(v, json_type_string))
		return bad(r, field, "expected a string");
	s = json_object_get_string(v);
	len = json_object_get_string_len(v);
	if (s == NULL || len < 0 || strlen(s) != (size_t)len)
		return bad(r, field, "string contains a NUL character");
	if ((size_t)len > max)
		return bad(r, field, "string longer than %zu bytes", max);
	if (nonempty && len == 0)
		return bad(r, field, "empty string");
	*out = strdup(s);
	if (*out == NULL)
		return bad(r, field, "%s", strerror(ENOMEM));
	return 0;
}

/* An array of at most max strings of at most maxlen bytes into out[]. */
static int get_strings(const struct rd *r, struct json_object *obj,
		       const char *key, size_t max, size_t maxlen, char **out,
		       size_t *n)
{
	struct json_object *a;
	char f[FIELD_LEN];
	size_t i, len;

	if (member(r, obj, "", key, json_type_array, &a) < 0)
		return -1;
	len = (size_t)json_object_array_length(a);
	if (len > max)
		return bad(r, key, "%zu strings, at most %zu allowed", len,
			   max);
	for (i = 0; i < len; i++) {
		if (check_string(r, json_object_array_get_idx(a, (int)i),
				 field_idx(f, key, i), maxlen, 0, &out[i]) < 0)
			return -1;
		(*n)++;
	}
	return 0;
}

static int get_counters(const struct rd *r, struct json_object *obj,
			const char *parent, const char *key, int64_t max,
			uint64_t out[GS_C_COUNT])
{
	struct json_object *o;
	char f[FIELD_LEN];
	unsigned c;
	int64_t v = 0;

	if (member(r, obj, parent, key, json_type_object, &o) < 0)
		return -1;
	field_name(f, parent, key);
	for (c = 0; c < GS_C_COUNT; c++) {
		if (get_int(r, o, f, gs_counter_name(c), 0, max, &v) < 0)
			return -1;
		out[c] = (uint64_t)v;
	}
	return 0;
}

/* "counts": [N, ...], GS_C_COUNT integers in enum gs_counter order. */
static int get_counts(const struct rd *r, struct json_object *obj,
		      const char *parent, uint32_t out[GS_C_COUNT])
{
	struct json_object *a;
	char f[FIELD_LEN], fi[FIELD_LEN];
	unsigned c;
	int64_t v = 0;

	if (member(r, obj, parent, "counts", json_type_array, &a) < 0)
		return -1;
	field_name(f, parent, "counts");
	if (json_object_array_length(a) != GS_C_COUNT)
		return bad(r, f, "expected %d counts", GS_C_COUNT);
	for (c = 0; c < GS_C_COUNT; c++) {
		if (check_int(r, json_object_array_get_idx(a, c),
			      field_idx(fi, f, c), 0, UINT32_MAX, &v) < 0)
			return -1;
		out[c] = (uint32_t)v;
	}
	return 0;
}

/* The header's "counters" must name this version's counters in order. */
static int check_counter_names(const struct rd *r, struct json_object *root)
{
	struct json_object *a, *v;
	unsigned c;

	if (member(r, root, "", "counters", json_type_array, &a) < 0)
		return -1;
	if (json_object_array_length(a) != GS_C_COUNT)
		return bad(r, "counters", "expected %d counter names",
			   GS_C_COUNT);
	for (c = 0; c < GS_C_COUNT; c++) {
		v = json_object_array_get_idx(a, c);
		if (!json_object_is_type(v, json_type_string) ||
		    strcmp(json_object_get_string(v), gs_counter_name(c)) != 0)
			return bad(r, "counters", "expected \"%s\" at %u",
				   gs_counter_name(c), c);
	}
	return 0;
}

static int read_totals(const struct rd *r, struct json_object *root,
		       struct gs_totals *t)
{
	static const char *const names[] = {"lines",   "actions", "unparsed",
					    "ignored", "evicted", "too_old"};
	uint64_t *fields[] = {&t->lines,   &t->actions, &t->unparsed,
			      &t->ignored, &t->evicted, &t->too_old};
	struct json_object *o;
	size_t i;
	int64_t v = 0;

	if (member(r, root, "", "totals", json_type_object, &o) < 0)
		return -1;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (get_int(r, o, "totals", names[i], 0, (int64_t)COUNT_MAX,
			    &v) < 0)
			return -1;
		*fields[i] = (uint64_t)v;
	}
	return get_counters(r, o, "totals", "per_counter", (int64_t)COUNT_MAX,
			    t->per_counter);
}

/* The fixed fields: format, version (into *version), window, counters. */
static int read_header(const struct rd *r, struct json_object *root,
		       struct gs_tally_export *x, int *version)
{
	struct json_object *v;
	int64_t n = 0;

	if (!json_object_is_type(root, json_type_object))
		return bad(r, "", "expected a JSON object");
	if (member(r, root, "", "format", json_type_string, &v) < 0)
		return -1;
	if (strcmp(json_object_get_string(v), GS_STATE_FORMAT) != 0)
		return bad(r, "format",
			   "\"%.60s\": not a greyscan state file (expected "
			   "\"" GS_STATE_FORMAT "\")",
			   json_object_get_string(v));
	if (get_int(r, root, "", "version", INT64_MIN, INT64_MAX, &n) < 0)
		return -1;
	if (n != GS_STATE_VERSION_1 && n != GS_STATE_VERSION)
		return bad(r, "version",
			   "unsupported version %" PRId64
			   " (expected %d or %d)",
			   n, GS_STATE_VERSION_1, GS_STATE_VERSION);
	*version = (int)n;
	if (get_int(r, root, "", "window_s", GS_TALLY_SLOTS, UINT32_MAX, &n) <
	    0)
		return -1;
	x->window_s = (uint32_t)n;
	if (get_int(r, root, "", "slot_s", 1, x->window_s, &n) < 0)
		return -1;
	x->slot_s = (uint32_t)n;
	return check_counter_names(r, root);
}

/* The fields that change while a tally is saved: in version 1's header,
 * in version 2's trailer. */
static int read_dynamic(const struct rd *r, struct json_object *root,
			struct gs_tally_export *x, size_t *n_groups)
{
	struct json_object *v;
	int64_t n = 0;

	if (!json_object_object_get_ex(root, "end", &v))
		return bad(r, "end", "missing");
	if (v != NULL) {
		if (check_int(r, v, "end", 0, GS_TALLY_TIME_MAX, &n) < 0)
			return -1;
		x->has_end = 1;
		x->end = (time_t)n;
	}
	if (read_totals(r, root, &x->totals) < 0 ||
	    get_strings(r, root, "samples", GS_MAX_SAMPLES, GS_SAMPLE_MAX_LEN,
			x->samples, &x->n_samples) < 0)
		return -1;
	if (member(r, root, "", "hosts", json_type_array, &v) < 0)
		return -1;
	n = json_object_array_length(v);
	if (n < 1 || n > GS_TALLY_MAX_HOST_NAMES)
		return bad(r, "hosts", "%" PRId64 " hosts, expected 1..%d", n,
			   GS_TALLY_MAX_HOST_NAMES);
	x->hosts = calloc((size_t)n, sizeof(*x->hosts));
	if (x->hosts == NULL)
		return bad(r, "hosts", "%s", strerror(ENOMEM));
	if (get_strings(r, root, "hosts", (size_t)n, GS_TALLY_HOST_NAME_MAX_LEN,
			x->hosts, &x->n_hosts) < 0)
		return -1;
	if (get_int(r, root, "", "groups", 0, INT64_MAX, &n) < 0)
		return -1;
	*n_groups = (size_t)n;
	return 0;
}

/* "hist": [[bin, count], ...] with bins strictly increasing. */
static int read_hist(const struct rd *r, struct json_object *a,
		     const char *parent, struct gs_tally_xentry *e)
{
	struct json_object *pair;
	char f[FIELD_LEN], fi[FIELD_LEN], fv[FIELD_LEN];
	int64_t bin = 0, count = 0, prev = -1;
	size_t i, n;

	field_name(f, parent, "hist");
	n = (size_t)json_object_array_length(a);
	e->hist = calloc(GS_TALLY_HIST_BINS, sizeof(*e->hist));
	if (e->hist == NULL)
		return bad(r, f, "%s", strerror(ENOMEM));
	for (i = 0; i < n; i++) {
		pair = json_object_array_get_idx(a, (int)i);
		field_idx(fi, f, i);
		if (!json_object_is_type(pair, json_type_array) ||
		    json_object_array_length(pair) != 2)
			return bad(r, fi, "expected [bin, count]");
		if (check_int(r, json_object_array_get_idx(pair, 0),
			      field_idx(fv, fi, 0), 0, GS_TALLY_HIST_BINS - 1,
			      &bin) < 0 ||
		    check_int(r, json_object_array_get_idx(pair, 1),
			      field_idx(fv, fi, 1), 1, UINT32_MAX, &count) < 0)
			return -1;
		if (bin <= prev)
			return bad(r, fi, "bins out of order");
		prev = bin;
		e->hist[bin] = (uint32_t)count;
	}
	return 0;
}

static int read_entry(const struct rd *r, struct json_object *o,
		      const char *field, const struct gs_tally_export *x,
		      struct gs_tally_xentry *e)
{
	struct json_object *hist, *max;
	bool has_hist, has_max;
	int64_t v = 0;

	if (!json_object_is_type(o, json_type_object))
		return bad(r, field, "expected an object");
	if (get_int(r, o, field, "slot", 0, GS_TALLY_TIME_MAX / x->slot_s,
		    &e->slot) < 0 ||
	    get_int(r, o, field, "host", 0, (int64_t)x->n_hosts - 1, &v) < 0 ||
	    get_counts(r, o, field, e->counts) < 0)
		return -1;
	e->host = (uint32_t)v;
	has_hist = json_object_object_get_ex(o, "hist", &hist);
	has_max = json_object_object_get_ex(o, "delay_max_s", &max);
	if (has_hist != has_max)
		return bad(r, field,
			   "\"hist\" and \"delay_max_s\" go together");
	if (!has_hist)
		return 0;
	if (get_int(r, o, field, "delay_max_s", 0, UINT32_MAX, &v) < 0 ||
	    member(r, o, field, "hist", json_type_array, &hist) < 0)
		return -1;
	e->delay_max_s = (uint32_t)v;
	return read_hist(r, hist, field, e);
}

static int read_entries(const struct rd *r, struct json_object *root,
			const struct gs_tally_export *x,
			struct gs_tally_xgroup *g)
{
	struct json_object *a;
	char f[FIELD_LEN];
	size_t i, n;

	if (member(r, root, "", "entries", json_type_array, &a) < 0)
		return -1;
	n = (size_t)json_object_array_length(a);
	if (n > MAX_ENTRIES)
		return bad(r, "entries", "%zu entries, at most %d", n,
			   MAX_ENTRIES);
	g->entries = calloc(n > 0 ? n : 1, sizeof(*g->entries));
	if (g->entries == NULL)
		return bad(r, "entries", "%s", strerror(ENOMEM));
	for (i = 0; i < n; i++) {
		g->n_entries++;
		if (read_entry(r, json_object_array_get_idx(a, (int)i),
			       field_idx(f, "entries", i), x,
			       &g->entries[i]) < 0)
			return -1;
	}
	return 0;
}

/* "addresses"/"networks": [["192.0.2.1", slot], ...] */
static int read_addrs(const struct rd *r, struct json_object *root,
		      const char *key, const struct gs_tally_export *x,
		      struct gs_tally_xaddr **out, size_t *n_out)
{
	struct json_object *a, *pair, *text;
	char f[FIELD_LEN], fv[FIELD_LEN];
	size_t i, n;

	if (member(r, root, "", key, json_type_array, &a) < 0)
		return -1;
	n = (size_t)json_object_array_length(a);
	if (n > GS_TALLY_MAX_ADDRS)
		return bad(r, key, "%zu addresses, at most %d", n,
			   GS_TALLY_MAX_ADDRS);
	*out = calloc(n > 0 ? n : 1, sizeof(**out));
	if (*out == NULL)
		return bad(r, key, "%s", strerror(ENOMEM));
	for (i = 0; i < n; i++) {
		pair = json_object_array_get_idx(a, (int)i);
		field_idx(f, key, i);
		if (!json_object_is_type(pair, json_type_array) ||
		    json_object_array_length(pair) != 2)
			return bad(r, f, "expected [address, slot]");
		text = json_object_array_get_idx(pair, 0);
		if (!json_object_is_type(text, json_type_string) ||
		    !gs_addr_parse(json_object_get_string(text),
				   &(*out)[i].addr))
			return bad(r, field_idx(fv, f, 0),
				   "expected an IPv4 or IPv6 address");
		if (check_int(r, json_object_array_get_idx(pair, 1),
			      field_idx(fv, f, 1), 0,
			      GS_TALLY_TIME_MAX / x->slot_s,
			      &(*out)[i].slot) < 0)
			return -1;
		(*n_out)++;
	}
	return 0;
}

static int read_group(const struct rd *r, struct json_object *root,
		      const struct gs_tally_export *x,
		      struct gs_tally_xgroup *g)
{
	struct json_object *v;
	const char *kind;
	int64_t n = 0;

	if (!json_object_is_type(root, json_type_object))
		return bad(r, "", "expected a JSON object");
	if (member(r, root, "", "name", json_type_string, &v) < 0 ||
	    check_string(r, v, "name", GS_GROUP_MAX - 1, 1, &g->name) < 0)
		return -1;
	if (member(r, root, "", "kind", json_type_string, &v) < 0)
		return -1;
	kind = json_object_get_string(v);
	if (strcmp(kind, "name") == 0)
		g->kind = GS_KIND_NAME;
	else if (strcmp(kind, "network") == 0)
		g->kind = GS_KIND_NETWORK;
	else
		return bad(r, "kind",
			   "\"%.40s\": expected \"name\" or "
			   "\"network\"",
			   kind);
	if (get_int(r, root, "", "first_seen", 0, GS_TALLY_TIME_MAX, &n) < 0)
		return -1;
	g->first_seen = (time_t)n;
	if (get_int(r, root, "", "last_seen", 0, GS_TALLY_TIME_MAX, &n) < 0)
		return -1;
	g->last_seen = (time_t)n;
	if (read_entries(r, root, x, g) < 0 ||
	    read_addrs(r, root, "addresses", x, &g->addrs, &g->n_addrs) < 0 ||
	    read_addrs(r, root, "networks", x, &g->nets, &g->n_nets) < 0 ||
	    get_strings(r, root, "examples", GS_MAX_EXAMPLES,
			GS_TALLY_EXAMPLE_MAX_LEN, g->examples,
			&g->n_examples) < 0)
		return -1;
	return 0;
}

/* Reads one line without its '\n' into b. Returns 1 for a line, 0 at the
 * end of the file, -1 with err filled on a read error, an overlong line or
 * a last line without '\n' (a truncated file). */
static int read_line(FILE *fp, const struct rd *r, struct buf *b)
{
	int c;

	b->len = 0;
	while ((c = getc_unlocked(fp)) != EOF && c != '\n') {
		if (b->len >= GS_STATE_MAX_LINE_BYTES)
			return bad(r, "", "longer than %u bytes",
				   GS_STATE_MAX_LINE_BYTES);
		if (b->len < b->cap)
			b->data[b->len++] = (char)c;
		else if (buf_put(b, &(char){(char)c}, 1) < 0)
			return bad(r, "", "%s", strerror(ENOMEM));
	}
	if (ferror(fp))
		return bad(r, "", "read error: %s", strerror(errno));
	if (c == EOF && b->len == 0)
		return 0;
	if (c == EOF)
		return bad(r, "", "no newline at the end (truncated file)");
	return 1;
}

/* Parses b as exactly one JSON value. NULL with err filled otherwise. */
static struct json_object *parse_line(struct json_tokener *tok,
				      const struct rd *r, const struct buf *b)
{
	struct json_object *o;
	enum json_tokener_error e;

	if (b->len == 0) {
		bad(r, "", "empty line");
		return NULL;
	}
	json_tokener_reset(tok);
	o = json_tokener_parse_ex(tok, b->data != NULL ? b->data : "",
				  (int)b->len);
	e = fjson_tokener_get_error(tok);
	if (e == fjson_tokener_continue) {
		json_object_put(o);
		bad(r, "", "incomplete JSON (truncated file?)");
		return NULL;
	}
	if (e != fjson_tokener_success) {
		json_object_put(o);
		bad(r, "", "invalid JSON: %s", json_tokener_error_desc(e));
		return NULL;
	}
	if ((size_t)tok->char_offset != b->len || o == NULL) {
		json_object_put(o);
		bad(r, "", "invalid JSON: not one value");
		return NULL;
	}
	return o;
}

static void xgroup_free(struct gs_tally_xgroup *g)
{
	size_t j;

	free(g->name);
	for (j = 0; j < g->n_entries; j++)
		free(g->entries[j].hist);
	free(g->entries);
	free(g->addrs);
	free(g->nets);
	for (j = 0; j < g->n_examples; j++)
		free(g->examples[j]);
	memset(g, 0, sizeof(*g));
}

#define IMPORT_BATCH_GROUPS 512 /* groups read per gs_tally_import */

/* A load in progress. */
struct loader {
	FILE *fp;
	struct rd r;
	struct json_tokener *tok;
	struct buf line;
	int version;
	/* The header and trailer fields; groups[] is the batch of pass 2. */
	struct gs_tally_export x;
	size_t n_groups; /* announced by the v1 header or the v2 trailer */
	/* Version 2 names its hosts at the end: the largest host index of the
	 * groups, and where it was first seen, is checked there. */
	size_t max_host, max_host_line, max_host_entry;
};

/* Reads and parses the next line into *o (NULL at the end of the file).
 * -1 with err filled. */
static int next_object(struct loader *l, struct json_object **o)
{
	int got;

	*o = NULL;
	l->r.line++;
	got = read_line(l->fp, &l->r, &l->line);
	if (got <= 0)
		return got;
	*o = parse_line(l->tok, &l->r, &l->line);
	return *o != NULL ? 0 : -1;
}

/* Pass 1 on a group line: every field and the group's consistency. */
static int check_group_line(struct loader *l, struct json_object *o)
{
	struct gs_tally_export probe;
	struct gs_tally_xgroup g;
	char why[GS_ERRLEN];
	size_t i;
	int rc = -1;

	/* Version 2's hosts are known only at the end: any index will do
	 * here, the largest is checked against them there. */
	memset(&probe, 0, sizeof(probe));
	probe.window_s = l->x.window_s;
	probe.slot_s = l->x.slot_s;
	probe.n_hosts = l->version == GS_STATE_VERSION_1
			    ? l->x.n_hosts
			    : GS_TALLY_MAX_HOST_NAMES;
	memset(&g, 0, sizeof(g));
	if (read_group(&l->r, o, &probe, &g) < 0)
		goto out;
	if (gs_tally_check_group(&probe, &g, why, sizeof(why)) < 0) {
		bad(&l->r, "", "%s", why);
		goto out;
	}
	for (i = 0; i < g.n_entries; i++) {
		if (g.entries[i].host <= l->max_host && l->max_host_line > 0)
			continue;
		l->max_host = g.entries[i].host;
		l->max_host_line = l->r.line;
		l->max_host_entry = i;
	}
	rc = 0;
out:
	xgroup_free(&g);
	return rc;
}

/* Pass 1 at version 2's trailer: its fields, the number of groups, the
 * host indexes, and nothing after it. */
static int check_trailer(struct loader *l, struct json_object *o, size_t seen)
{
	struct json_object *rest = NULL;
	char f[FIELD_LEN];
	int rc;

	if (read_dynamic(&l->r, o, &l->x, &l->n_groups) < 0)
		return -1;
	if (l->n_groups != seen)
		return bad(&l->r, "groups",
			   "%zu groups announced, but %zu written before",
			   l->n_groups, seen);
	if (l->max_host_line > 0 && l->max_host >= l->x.n_hosts) {
		l->r.line = l->max_host_line;
		return bad(&l->r, field_idx(f, "entries", l->max_host_entry),
			   "host %zu is not among the %zu hosts of the "
			   "trailer",
			   l->max_host, l->x.n_hosts);
	}
	rc = next_object(l, &rest);
	if (rc == 0 && rest != NULL) {
		json_object_put(rest);
		return bad(&l->r, "", "a line after the trailer");
	}
	return rc;
}

/* Pass 1: reads the whole file, checking everything, keeping only the
 * header and trailer fields in l->x. */
static int check_file(struct loader *l)
{
	struct json_object *o = NULL;
	size_t seen = 0;
	int rc = -1, got;

	got = next_object(l, &o);
	if (got == 0 && o == NULL)
		bad(&l->r, "", "empty file, expected the state header");
	if (o == NULL || read_header(&l->r, o, &l->x, &l->version) < 0)
		goto out;
	if (l->version == GS_STATE_VERSION_1 &&
	    read_dynamic(&l->r, o, &l->x, &l->n_groups) < 0)
		goto out;
	for (;;) {
		json_object_put(o);
		if (next_object(l, &o) < 0)
			goto out;
		if (o == NULL)
			break;
		if (l->version != GS_STATE_VERSION_1 &&
		    json_object_is_type(o, json_type_object) &&
		    json_object_object_get_ex(o, "groups", NULL)) {
			rc = check_trailer(l, o, seen);
			goto out;
		}
		if (l->version == GS_STATE_VERSION_1 && seen == l->n_groups) {
			bad(&l->r, "",
			    "more groups than the %zu the header announces",
			    l->n_groups);
			goto out;
		}
		if (check_group_line(l, o) < 0)
			goto out;
		seen++;
	}
	if (l->version != GS_STATE_VERSION_1)
		bad(&l->r, "", "truncated file: no trailer after %zu groups",
		    seen);
	else if (seen != l->n_groups)
		bad(&l->r, "",
		    "truncated file: %zu of the %zu groups the header "
		    "announces",
		    seen, l->n_groups);
	else
		rc = 0;
out:
	json_object_put(o);
	return rc;
}

/* Hands the batch in l->x.groups to the tally. The header and trailer
 * fields (totals, samples, end) go with the first batch only. */
static int import_batch(struct loader *l, struct gs_tally *t, int first)
{
	char why[GS_ERRLEN];
	size_t i;
	int rc;

	if (!first) {
		memset(&l->x.totals, 0, sizeof(l->x.totals));
		for (i = 0; i < l->x.n_samples; i++)
			free(l->x.samples[i]);
		l->x.n_samples = 0;
	}
	rc = gs_tally_import(t, &l->x, why, sizeof(why));
	for (i = 0; i < l->x.n_groups; i++)
		xgroup_free(&l->x.groups[i]);
	l->x.n_groups = 0;
	if (rc < 0)
		return gs_seterr(l->r.err, l->r.errlen, "%s: %s", l->r.path,
				 why);
	return 0;
}

/* Pass 2: reads the groups again, now into batches for the tally. */
static int import_file(struct loader *l, struct gs_tally *t)
{
	struct json_object *o = NULL;
	size_t i;
	int first = 1, rc = -1, got;

	l->x.groups = calloc(IMPORT_BATCH_GROUPS, sizeof(*l->x.groups));
	if (l->x.groups == NULL)
		return gs_seterr(l->r.err, l->r.errlen, "%s: %s", l->r.path,
				 strerror(ENOMEM));
	if (fseek(l->fp, 0, SEEK_SET) < 0)
		return gs_seterr(l->r.err, l->r.errlen, "%s: rewind: %s",
				 l->r.path, strerror(errno));
	l->r.line = 1;
	got = read_line(l->fp, &l->r, &l->line);
	if (got == 0)
		bad(&l->r, "", "the file changed while being read");
	if (got <= 0)
		return -1;
	for (i = 0; i < l->n_groups; i++) {
		/* The file was good in pass 1: a failure here means it
		 * changed in place since, or memory ran out. */
		if (next_object(l, &o) < 0)
			goto out;
		if (o == NULL) {
			bad(&l->r, "", "the file changed while being read");
			goto out;
		}
		if (read_group(&l->r, o, &l->x, &l->x.groups[l->x.n_groups++]) <
		    0)
			goto out;
		json_object_put(o);
		o = NULL;
		if (l->x.n_groups == IMPORT_BATCH_GROUPS) {
			if (import_batch(l, t, first) < 0)
				goto out;
			first = 0;
		}
	}
	if ((first || l->x.n_groups > 0) && import_batch(l, t, first) < 0)
		goto out;
	rc = 0;
out:
	json_object_put(o);
	return rc;
}

/* Opens the state file for both passes (pass 2 rewinds the same stream).
 * It is opened inside rsyslogd at start, as root: a FIFO must not block,
 * a symbolic link is not followed, and only a regular file is read. Its
 * size is not capped: whatever gs_state_save wrote must load again, and
 * the memory a load needs is bounded by GS_STATE_MAX_LINE_BYTES and one
 * chunk of groups, not by the file. *exists is 0 when there is nothing at
 * path (then NULL, no error), else 1; NULL with err on any failure. */
static FILE *open_state(const char *path, int *exists, char *err, size_t errlen)
{
	struct stat st;
	FILE *fp = NULL;
	int fd, flags;

	*exists = 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return NULL;
	*exists = 1;
	if (fd < 0 && errno == ELOOP) {
		gs_seterr(err, errlen,
			  "%s: cannot open: is a symbolic link (%s)", path,
			  strerror(ELOOP));
		return NULL;
	}
	if (fd < 0) {
		gs_seterr(err, errlen, "%s: cannot open: %s", path,
			  strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		gs_seterr(err, errlen, "%s: cannot stat: %s", path,
			  strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		gs_seterr(err, errlen, "%s: cannot open: not a regular file",
			  path);
		goto fail;
	}
	/* A regular file never blocks; clear the flag all the same. */
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		gs_seterr(err, errlen, "%s: fcntl: %s", path, strerror(errno));
		goto fail;
	}
	fp = fdopen(fd, "r");
	if (fp == NULL) {
		gs_seterr(err, errlen, "%s: fdopen: %s", path, strerror(errno));
		goto fail;
	}
	return fp;
fail:
	(void)close(fd);
	return NULL;
}

int gs_state_load(struct gs_tally *t, const char *path, int *found, char *err,
		  size_t errlen)
{
	struct loader l;
	size_t i;
	int rc = -1, exists;

	memset(&l, 0, sizeof(l));
	l.r.path = path;
	l.r.err = err;
	l.r.errlen = errlen;
	l.fp = open_state(path, &exists, err, errlen);
	if (found != NULL)
		*found = exists;
	if (l.fp == NULL)
		return exists ? -1 : 0;
	l.tok = json_tokener_new();
	if (l.tok == NULL) {
		gs_seterr(err, errlen, "%s: %s", path, strerror(ENOMEM));
		goto out;
	}
	if (check_file(&l) < 0 || import_file(&l, t) < 0)
		goto out;
	rc = 0;
out:
	/* Read-only: a failing fclose loses nothing. */
	(void)fclose(l.fp);
	if (l.tok != NULL)
		json_tokener_free(l.tok);
	free(l.line.data);
	for (i = 0; l.x.groups != NULL && i < l.x.n_groups; i++)
		xgroup_free(&l.x.groups[i]);
	free(l.x.groups);
	l.x.groups = NULL;
	l.x.n_groups = 0;
	gs_tally_export_free(&l.x);
	return rc;
}
