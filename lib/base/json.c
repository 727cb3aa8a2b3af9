/* The JSON layer: see json.h. One rule for counts (GS_JSON_COUNT_MAX), one
 * form of time, one way to name the place of a defect. No shared state. */
#include "gs_config.h"

#include "base/json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"

#define ISO_TIME_FMT "%Y-%m-%dT%H:%M:%SZ"
#define ISO_TIME_LEN 20 /* bytes of "2026-11-27T19:00:00Z" */
/* Latest time the format can hold: 9999-12-31T23:59:59Z. */
#define TIME_MAX_S ((time_t)253402300799)

#define ADD_FLAGS (FJSON_OBJECT_ADD_KEY_IS_NEW | FJSON_OBJECT_KEY_IS_CONSTANT)

/* ---- writing ---------------------------------------------------------- */

struct json_object *gs_json_new_count(uint64_t v)
{
	return json_object_new_int64(
	    (int64_t)(v > GS_JSON_COUNT_MAX ? GS_JSON_COUNT_MAX : v));
}

struct json_object *gs_json_new_str(const char *s)
{
	return json_object_new_string(s != NULL ? s : "");
}

struct json_object *gs_json_new_time(time_t t)
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

struct json_object *gs_json_new_strings(char *const *v, size_t n)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	if (a == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (gs_json_push_str(a, v[i]) < 0) {
			json_object_put(a);
			return NULL;
		}
	}
	return a;
}

/* libfastjson's add cannot fail visibly, so only the value is checked. */
int gs_json_add(struct json_object *obj, const char *key,
		struct json_object *val)
{
	if (val == NULL)
		return -1;
	json_object_object_add_ex(obj, key, val, ADD_FLAGS);
	return 0;
}

int gs_json_add_null(struct json_object *obj, const char *key)
{
	json_object_object_add_ex(obj, key, NULL, ADD_FLAGS);
	return 0;
}

int gs_json_add_count(struct json_object *obj, const char *key, uint64_t v)
{
	return gs_json_add(obj, key, gs_json_new_count(v));
}

int gs_json_add_int(struct json_object *obj, const char *key, int64_t v)
{
	return gs_json_add(obj, key, json_object_new_int64(v));
}

int gs_json_add_str(struct json_object *obj, const char *key, const char *s)
{
	return gs_json_add(obj, key, gs_json_new_str(s));
}

int gs_json_add_time(struct json_object *obj, const char *key, time_t t)
{
	return gs_json_add(obj, key, gs_json_new_time(t));
}

int gs_json_set(struct json_object *obj, const char *key,
		struct json_object *val)
{
	if (val == NULL)
		return -1;
	json_object_object_add(obj, key, val);
	return 0;
}

int gs_json_push(struct json_object *arr, struct json_object *val)
{
	if (val == NULL)
		return -1;
	if (json_object_array_add(arr, val) != 0) {
		json_object_put(val);
		return -1;
	}
	return 0;
}

int gs_json_push_int(struct json_object *arr, int64_t v)
{
	return gs_json_push(arr, json_object_new_int64(v));
}

int gs_json_push_str(struct json_object *arr, const char *s)
{
	return gs_json_push(arr, gs_json_new_str(s));
}

/* libfastjson's writer callback: into the stream. */
static size_t file_write(void *ptr, const char *data, size_t size)
{
	return fwrite(data, 1, size, ptr);
}

void gs_json_dump(FILE *out, struct json_object *obj)
{
	(void)fjson_object_dump_ext(obj, FJSON_TO_STRING_PLAIN, file_write,
				    out);
}

/* ---- reading ---------------------------------------------------------- */

int gs_json_bad(const struct gs_json_where *w, const char *member,
		const char *fmt, ...)
{
	char msg[GS_ERRLEN], line[32] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (w->line > 0)
		snprintf(line, sizeof(line), "line %zu: ", w->line);
	if (member == NULL || *member == '\0')
		return gs_seterr(w->err, w->errlen, "%s: %s%s", w->file, line,
				 msg);
	return gs_seterr(w->err, w->errlen, "%s: %s%s: %s", w->file, line,
			 member, msg);
}

const char *gs_json_path(char buf[GS_JSON_PATH_LEN], const char *parent,
			 const char *key)
{
	int n = *parent != '\0'
		    ? snprintf(buf, GS_JSON_PATH_LEN, "%s.%s", parent, key)
		    : snprintf(buf, GS_JSON_PATH_LEN, "%s", key);

	if (n < 0 || n >= GS_JSON_PATH_LEN)
		snprintf(buf, GS_JSON_PATH_LEN, "(field path too long)");
	return buf;
}

const char *gs_json_path_idx(char buf[GS_JSON_PATH_LEN], const char *parent,
			     size_t i)
{
	int n = snprintf(buf, GS_JSON_PATH_LEN, "%s[%zu]", parent, i);

	if (n < 0 || n >= GS_JSON_PATH_LEN)
		snprintf(buf, GS_JSON_PATH_LEN, "(field path too long)");
	return buf;
}

int gs_json_find(const struct gs_json_where *w, struct json_object *obj,
		 const char *parent, const char *key, struct json_object **val)
{
	char path[GS_JSON_PATH_LEN];

	if (!json_object_object_get_ex(obj, key, val))
		return gs_json_bad(w, gs_json_path(path, parent, key),
				   "missing");
	return 0;
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

int gs_json_member(const struct gs_json_where *w, struct json_object *obj,
		   const char *parent, const char *key, enum json_type type,
		   struct json_object **val)
{
	char path[GS_JSON_PATH_LEN];

	if (gs_json_find(w, obj, parent, key, val) < 0)
		return -1;
	if (!json_object_is_type(*val, type))
		return gs_json_bad(w, gs_json_path(path, parent, key),
				   "expected %s", type_word(type));
	return 0;
}

int gs_json_int(const struct gs_json_where *w, struct json_object *v,
		const char *member, int64_t min, int64_t max, int64_t *out)
{
	int64_t n;

	if (!json_object_is_type(v, json_type_int))
		return gs_json_bad(w, member, "expected an integer");
	n = json_object_get_int64(v);
	if (n < min || n > max)
		return gs_json_bad(
		    w, member, "%" PRId64 " out of range %" PRId64 "..%" PRId64,
		    n, min, max);
	*out = n;
	return 0;
}

int gs_json_get_int(const struct gs_json_where *w, struct json_object *obj,
		    const char *parent, const char *key, int64_t min,
		    int64_t max, int64_t *out)
{
	char path[GS_JSON_PATH_LEN];
	struct json_object *v;

	if (gs_json_find(w, obj, parent, key, &v) < 0)
		return -1;
	return gs_json_int(w, v, gs_json_path(path, parent, key), min, max,
			   out);
}

int gs_json_count(const struct gs_json_where *w, struct json_object *v,
		  const char *member, uint64_t max, uint64_t *out)
{
	int64_t n;

	if (!json_object_is_type(v, json_type_int))
		return gs_json_bad(w, member,
				   "expected a non-negative integer");
	n = json_object_get_int64(v);
	if (n < 0)
		return gs_json_bad(w, member,
				   "expected a non-negative integer");
	if ((uint64_t)n > max)
		return gs_json_bad(w, member,
				   "number out of range (maximum %" PRIu64 ")",
				   max);
	*out = (uint64_t)n;
	return 0;
}

int gs_json_get_count(const struct gs_json_where *w, struct json_object *obj,
		      const char *parent, const char *key, uint64_t max,
		      uint64_t *out)
{
	char path[GS_JSON_PATH_LEN];
	struct json_object *v;

	if (gs_json_find(w, obj, parent, key, &v) < 0)
		return -1;
	return gs_json_count(w, v, gs_json_path(path, parent, key), max, out);
}

int gs_json_string(const struct gs_json_where *w, struct json_object *v,
		   const char *member, size_t max, int nonempty, char **out)
{
	const char *s;
	int len;

	if (!json_object_is_type(v, json_type_string))
		return gs_json_bad(w, member, "expected a string");
	s = json_object_get_string(v);
	len = json_object_get_string_len(v);
	if (s == NULL || len < 0 || strlen(s) != (size_t)len)
		return gs_json_bad(w, member,
				   "string contains a NUL character");
	if ((size_t)len > max)
		return gs_json_bad(w, member, "string longer than %zu bytes",
				   max);
	if (nonempty && len == 0)
		return gs_json_bad(w, member, "empty string");
	if (out != NULL) {
		*out = strdup(s);
		if (*out == NULL)
			return gs_json_bad(w, member, "%s", strerror(ENOMEM));
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

int gs_json_get_time(const struct gs_json_where *w, struct json_object *obj,
		     const char *parent, const char *key, int nullable,
		     time_t *out)
{
	static const char expect[] =
	    "expected a time as \"YYYY-MM-DDTHH:MM:SSZ\"";
	static const char expect_null[] =
	    "expected null or a time as \"YYYY-MM-DDTHH:MM:SSZ\"";
	char path[GS_JSON_PATH_LEN];
	struct json_object *v;

	if (gs_json_find(w, obj, parent, key, &v) < 0)
		return -1;
	if (v == NULL && nullable) {
		*out = 0;
		return 0;
	}
	if (!json_object_is_type(v, json_type_string) ||
	    parse_iso_time(json_object_get_string(v), out) < 0)
		return gs_json_bad(w, gs_json_path(path, parent, key), "%s",
				   nullable ? expect_null : expect);
	return 0;
}
