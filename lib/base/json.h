/* The JSON layer: checked helpers over libfastjson, shared by the summary
 * file, the state file and the report's JSON, so that all of them write and
 * read numbers, strings and times by one rule.
 *
 * Writing: gs_json_add*, gs_json_set and gs_json_push* consume the value
 * they are given, also when they fail; they fail (-1) only when the value
 * is NULL (its constructor ran out of memory) or an array cannot grow. So a
 * builder chains them with || and releases its one object on failure.
 *
 * Reading: every check fills err with the place of the defect, "FILE:
 * MEMBER: what is wrong" ("FILE: line N: MEMBER: ..." in a file of lines),
 * MEMBER a path such as "domains[3].hosts.mx1", and returns -1; 0 when the
 * value is good. Nothing is copied out of a bad value. */
#ifndef GS_JSON_H
#define GS_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <libfastjson/json.h>

/* The one clamping rule for counts, written and read: libfastjson (like
 * json-c, which most scripts' readers use) parses any integer beyond int64
 * as INT64_MAX, so a reader cannot tell INT64_MAX from an overflow. Counts
 * therefore stop one below it: writers clamp to GS_JSON_COUNT_MAX, and the
 * readers refuse anything above it. The report's JSON, which scripts read
 * with the same libraries, follows the same rule. */
#define GS_JSON_COUNT_MAX ((uint64_t)INT64_MAX - 1)

/* Bytes of a member path such as "domains[123456].examples[2]"; a longer
 * one is named "(field path too long)". */
#define GS_JSON_PATH_LEN 128

/* ---- writing ---- */

/* A count clamped to GS_JSON_COUNT_MAX; NULL when out of memory. */
struct fjson_object *gs_json_new_count(uint64_t v);

/* A copy of s; NULL is written as "". NULL when out of memory. */
struct fjson_object *gs_json_new_str(const char *s);

/* An ISO 8601 UTC time, "2026-11-27T19:00:00Z"; times outside
 * 1970..9999 are clamped so that gs_json_get_time always accepts what was
 * written. NULL when out of memory. */
struct fjson_object *gs_json_new_time(time_t t);

/* An array of copies of the n strings v (NULL ones as ""). */
struct fjson_object *gs_json_new_strings(char *const *v, size_t n);

/* Adds val under key, which must be a string that outlives obj (a literal
 * or a static name: it is not copied) and not yet a member of obj. */
int gs_json_add(struct fjson_object *obj, const char *key,
		struct fjson_object *val);

/* Adds JSON null under key (same rules for key); cannot fail. */
int gs_json_add_null(struct fjson_object *obj, const char *key);

/* gs_json_add of gs_json_new_count, of an int64, of gs_json_new_str and of
 * gs_json_new_time. */
int gs_json_add_count(struct fjson_object *obj, const char *key, uint64_t v);
int gs_json_add_int(struct fjson_object *obj, const char *key, int64_t v);
int gs_json_add_str(struct fjson_object *obj, const char *key, const char *s);
int gs_json_add_time(struct fjson_object *obj, const char *key, time_t t);

/* Sets the member key of obj to val: key is copied, and a member of that
 * name already there is replaced. */
int gs_json_set(struct fjson_object *obj, const char *key,
		struct fjson_object *val);

/* Appends val to the array arr. */
int gs_json_push(struct fjson_object *arr, struct fjson_object *val);
int gs_json_push_int(struct fjson_object *arr, int64_t v);
int gs_json_push_str(struct fjson_object *arr, const char *s);

/* Writes obj as plain JSON (no whitespace) into out. Write errors are left
 * in ferror(out) for the caller, who checks the stream once at the end. */
void gs_json_dump(FILE *out, struct fjson_object *obj);

/* ---- reading ---- */

/* Where a reader is, to name it in errors. */
struct gs_json_where {
	const char *file; /* the file, or what stands for it, first */
	size_t line;	  /* the line in a file of lines; 0: not named */
	char *err;	  /* the caller's buffer for the message */
	size_t errlen;
};

/* Fills w->err with "FILE: [line N: ][MEMBER: ]message"; member NULL or ""
 * names none. Always -1. */
int gs_json_bad(const struct gs_json_where *w, const char *member,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* "parent.key", or "key" when parent is "", into buf; returns buf. */
const char *gs_json_path(char buf[GS_JSON_PATH_LEN], const char *parent,
			 const char *key);

/* "parent[i]" into buf; returns buf. */
const char *gs_json_path_idx(char buf[GS_JSON_PATH_LEN], const char *parent,
			     size_t i);

/* The member key of obj, present with any value (JSON null gives NULL in
 * *val), else "MEMBER: missing". */
int gs_json_find(const struct gs_json_where *w, struct fjson_object *obj,
		 const char *parent, const char *key,
		 struct fjson_object **val);

/* The member key of obj, present and of the given type, else "missing" or
 * "expected an object" (an array, a string, an integer). */
int gs_json_member(const struct gs_json_where *w, struct fjson_object *obj,
		   const char *parent, const char *key, enum fjson_type type,
		   struct fjson_object **val);

/* An integer within min..max, else "expected an integer" or "N out of range
 * MIN..MAX". */
int gs_json_int(const struct gs_json_where *w, struct fjson_object *v,
		const char *member, int64_t min, int64_t max, int64_t *out);
int gs_json_get_int(const struct gs_json_where *w, struct fjson_object *obj,
		    const char *parent, const char *key, int64_t min,
		    int64_t max, int64_t *out);

/* A count: an integer within 0..max, else "expected a non-negative
 * integer" or "number out of range (maximum MAX)". max is at most
 * GS_JSON_COUNT_MAX for a count that may be large. */
int gs_json_count(const struct gs_json_where *w, struct fjson_object *v,
		  const char *member, uint64_t max, uint64_t *out);
int gs_json_get_count(const struct gs_json_where *w, struct fjson_object *obj,
		      const char *parent, const char *key, uint64_t max,
		      uint64_t *out);

/* A string without NUL characters of at most max bytes, and not empty if
 * nonempty; else "expected a string", "string contains a NUL character",
 * "string longer than MAX bytes" or "empty string". A copy goes to *out
 * (the caller frees it) unless out is NULL. */
int gs_json_string(const struct gs_json_where *w, struct fjson_object *v,
		   const char *member, size_t max, int nonempty, char **out);

/* The member key of obj as a time written by gs_json_new_time, strictly
 * "YYYY-MM-DDTHH:MM:SSZ" (no 2026-02-30); with nullable, JSON null is
 * accepted as 0. Else "missing" or "expected [null or ]a time as ...". */
int gs_json_get_time(const struct gs_json_where *w, struct fjson_object *obj,
		     const char *parent, const char *key, int nullable,
		     time_t *out);

#endif
