/* Test helpers shared by the unit tests of the summary reader's additions
 * (check_summary_pairs.c, check_summary_series.c): a fixture file read as
 * a tree, one member of it changed or removed, the tree written to a
 * private directory, and both readers (from the file, streaming, and from
 * the tree) made to accept or refuse it alike; also a member moved to the
 * end of the file, after the domains. Each test program includes it once
 * and adds setup/teardown as its fixture. */
#ifndef GS_SUMMARY_FIXTURE_H
#define GS_SUMMARY_FIXTURE_H

#include <check.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libfastjson/json.h>
#include <libfastjson/json_util.h>

#include "base/error.h"
#include "summary/summary.h"
#include "summary/summary_file.h"

#define FIXTURES       GS_TEST_SRCDIR "/tests/data/summary"
#define NNI	       "expected a non-negative integer"
#define RANGE64	       "number out of range (maximum 9223372036854775806)"
#define RANGE32	       "number out of range (maximum 4294967295)"
#define COUNT_MAX_TEXT "9223372036854775806"

static char tmpdir[64];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_summary_fx.XXXXXX");
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

static inline struct json_object *tree_of(const char *file)
{
	struct json_object *root = fjson_object_from_file(file);

	ck_assert_msg(root != NULL, "%s does not parse", file);
	return root;
}

/* Walks a dot-separated path of member names and array indexes. */
static inline struct json_object *walk(struct json_object *o, const char *path)
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

/* Sets parent.key to the JSON text value, or removes it (value NULL). */
static inline void set_member(struct json_object *root, const char *parent,
			      const char *key, const char *value)
{
	struct json_object *p = *parent ? walk(root, parent) : root;

	if (value == NULL) {
		json_object_object_del(p, key);
		return;
	}
	/* json_tokener_parse gives NULL for "null": that is the value. */
	json_object_object_add(p, key, json_tokener_parse(value));
}

static inline void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) < 0, 0);
	ck_assert_int_eq(fclose(f), 0);
}

/* Writes root as t.json in tmpdir (path filled) in plain text. */
static inline void write_tree(char *path, size_t len, struct json_object *root)
{
	ck_assert_int_lt(snprintf(path, len, "%s/t.json", tmpdir), (int)len);
	write_text(
	    path, json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
}

/* Both readers refuse root with "WHAT: want" (what: the path, or "t"). */
static inline void assert_refused(struct json_object *root, const char *want)
{
	char path[256], err[GS_ERRLEN] = "", full[GS_ERRLEN + 300];
	struct gs_summary out;

	write_tree(path, sizeof(path), root);
	ck_assert_int_eq(gs_summary_read(path, &out, err, sizeof(err)), -1);
	snprintf(full, sizeof(full), "%s: %s", path, want);
	ck_assert_str_eq(err, full);
	ck_assert_uint_eq(out.n_groups, 0);
	ck_assert_int_eq(
	    gs_summary_from_json(root, "t", &out, err, sizeof(err)), -1);
	snprintf(full, sizeof(full), "t: %s", want);
	ck_assert_str_eq(err, full);
}

/* The two readers' results agree on the pair evidence and the series. */
static inline void assert_same_reading(const struct gs_summary *a,
				       const struct gs_summary *b)
{
	size_t i, bytes;

	ck_assert_uint_eq(a->n_groups, b->n_groups);
	ck_assert_int_eq(a->has_series, b->has_series);
	ck_assert_int_eq(a->series_start, b->series_start);
	ck_assert_uint_eq(a->series_slot_s, b->series_slot_s);
	ck_assert_uint_eq(a->series_slots, b->series_slots);
	bytes = a->series_slots * sizeof(struct gs_series_slot);
	for (i = 0; i < a->n_groups; i++) {
		ck_assert_int_eq(a->groups[i].has_pairs,
				 b->groups[i].has_pairs);
		ck_assert_int_eq(a->groups[i].series == NULL,
				 b->groups[i].series == NULL);
		if (a->groups[i].series != NULL)
			ck_assert_int_eq(memcmp(a->groups[i].series,
						b->groups[i].series, bytes),
					 0);
	}
}

/* Both readers accept root; the file reader's result goes to out. */
static inline void assert_accepted(struct json_object *root,
				   struct gs_summary *out)
{
	char path[256], err[GS_ERRLEN] = "";
	struct gs_summary tree;

	write_tree(path, sizeof(path), root);
	ck_assert_msg(gs_summary_read(path, out, err, sizeof(err)) == 0, "%s",
		      err);
	ck_assert_msg(
	    gs_summary_from_json(root, "t", &tree, err, sizeof(err)) == 0, "%s",
	    err);
	assert_same_reading(out, &tree);
	gs_summary_free(&tree);
}

/* Writes root with its members keys (names separated by spaces) moved to
 * the end, after the domains, in that order, as late.json in tmpdir (path
 * filled). */
static inline void write_member_last(char *path, size_t len,
				     struct json_object *root, const char *keys)
{
	char names[128], *key, *save = NULL;
	struct json_object *copy, *member;
	char *text, *tail = strdup("");
	size_t n;
	FILE *f;

	copy = json_tokener_parse(json_object_to_json_string(root));
	ck_assert_ptr_nonnull(copy);
	ck_assert_ptr_nonnull(tail);
	ck_assert_uint_lt(strlen(keys), sizeof(names));
	snprintf(names, sizeof(names), "%s", keys);
	for (key = strtok_r(names, " ", &save); key != NULL;
	     key = strtok_r(NULL, " ", &save)) {
		ck_assert(json_object_object_get_ex(copy, key, &member));
		text = tail;
		ck_assert_int_gt(asprintf(&tail, "%s,\"%s\":%s", text, key,
					  json_object_to_json_string_ext(
					      member, JSON_C_TO_STRING_PLAIN)),
				 0);
		free(text);
		json_object_object_del(copy, key);
	}
	text = strdup(
	    json_object_to_json_string_ext(copy, JSON_C_TO_STRING_PLAIN));
	ck_assert_ptr_nonnull(text);
	n = strlen(text);
	ck_assert_int_eq(text[n - 1], '}');
	text[n - 1] = '\0';
	ck_assert_int_lt(snprintf(path, len, "%s/late.json", tmpdir), (int)len);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_gt(fprintf(f, "%s%s}", text, tail), 0);
	ck_assert_int_eq(fclose(f), 0);
	free(tail);
	free(text);
	json_object_put(copy);
}

/* The file reader refuses root with key last, with "PATH: want". */
static inline void assert_late_error(struct json_object *root, const char *key,
				     const char *want)
{
	char path[256], err[GS_ERRLEN] = "", full[GS_ERRLEN + 300];
	struct gs_summary out;

	write_member_last(path, sizeof(path), root, key);
	ck_assert_int_eq(gs_summary_read(path, &out, err, sizeof(err)), -1);
	snprintf(full, sizeof(full), "%s: %s", path, want);
	ck_assert_str_eq(err, full);
}

#endif
