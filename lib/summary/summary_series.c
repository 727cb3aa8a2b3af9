/* The summary's per-slot series, read back: see summary_series.h. Every
 * count is checked like the others (base/json.h); a domain's arrays are
 * checked whole before their lengths, so that a domain read ahead of the
 * frame gives the same error as one read after it. No shared state. */
#include "gs_config.h"

#include "summary/summary_series.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libfastjson/json.h>

typedef struct gs_json_where where_t;

static const char *const array_names[2] = {"greylisted", "passed"};

void gs_series_reader_init(struct gs_series_reader *r)
{
	memset(r, 0, sizeof(*r));
	r->frame = GS_SERIES_UNKNOWN;
	r->len = SIZE_MAX;
	r->at = SIZE_MAX;
}

void gs_series_reader_frame(struct gs_series_reader *r,
			    const struct gs_summary *s)
{
	r->frame = s->has_series ? GS_SERIES_PRESENT : GS_SERIES_ABSENT;
	r->slots = s->series_slots;
}

int gs_series_read_frame(const where_t *w, struct json_object *root,
			 struct gs_summary *out)
{
	struct json_object *o, *start;
	int64_t slot_s;
	uint64_t slots;

	if (!json_object_object_get_ex(root, "series", NULL))
		return 0;
	if (gs_json_member(w, root, "", "series", json_type_object, &o) < 0 ||
	    gs_json_get_int(w, o, "series", "slot_seconds", 1, UINT32_MAX,
			    &slot_s) < 0 ||
	    gs_json_get_count(w, o, "series", "slots", GS_SERIES_MAX_SLOTS,
			      &slots) < 0 ||
	    gs_json_find(w, o, "series", "start", &start) < 0)
		return -1;
	/* Null stands for "no slot yet"; a first slot has a start. */
	if (start == NULL && slots > 0)
		return gs_json_bad(w, "series.start",
				   "null, but there are %" PRIu64 " slots",
				   slots);
	if (gs_json_get_time(w, o, "series", "start", 1, &out->series_start) <
	    0)
		return -1;
	out->has_series = true;
	out->series_slot_s = (uint32_t)slot_s;
	out->series_slots = (size_t)slots;
	return 0;
}

void gs_series_reader_peek(struct gs_series_reader *r, struct json_object *root)
{
	struct gs_summary s;
	char err[GS_ERRLEN];
	const where_t w = {"", 0, err, sizeof(err)};

	if (!json_object_object_get_ex(root, "series", NULL))
		return;
	/* A wrong frame stays unknown here: the header's check refuses it
	 * later, before any domain's error, so its message is not needed. */
	memset(&s, 0, sizeof(s));
	if (gs_series_read_frame(&w, root, &s) < 0)
		return;
	gs_series_reader_frame(r, &s);
}

/* One array of the domain's series (path: "domains[3].series"): counts,
 * the first GS_SERIES_MAX_SLOTS of them into v; their number to *len. */
static int read_counts(const where_t *w, struct json_object *s,
		       const char *path, int which,
		       struct gs_series_slot v[GS_SERIES_MAX_SLOTS],
		       size_t *len)
{
	char apath[GS_JSON_PATH_LEN], epath[GS_JSON_PATH_LEN];
	struct json_object *a;
	uint64_t n;
	size_t i, count;

	if (gs_json_member(w, s, path, array_names[which], json_type_array,
			   &a) < 0)
		return -1;
	gs_json_path(apath, path, array_names[which]);
	count = (size_t)json_object_array_length(a);
	for (i = 0; i < count; i++) {
		if (gs_json_count(w, json_object_array_get_idx(a, i),
				  gs_json_path_idx(epath, apath, i),
				  GS_JSON_COUNT_MAX, &n) < 0)
			return -1;
		if (i >= GS_SERIES_MAX_SLOTS)
			continue;
		if (which == 0)
			v[i].greylisted = n;
		else
			v[i].passed = n;
	}
	*len = count;
	return 0;
}

/* The domain's "series" object and both its arrays, whatever their
 * lengths (lens). */
static int read_arrays(const where_t *w, struct json_object *o,
		       const char *path, struct gs_series_slot *v,
		       size_t lens[2])
{
	char spath[GS_JSON_PATH_LEN];
	struct json_object *s;

	if (gs_json_member(w, o, path, "series", json_type_object, &s) < 0)
		return -1;
	gs_json_path(spath, path, "series");
	if (read_counts(w, s, spath, 0, v, &lens[0]) < 0 ||
	    read_counts(w, s, spath, 1, v, &lens[1]) < 0)
		return -1;
	return 0;
}

/* "domains[3].series.passed: expected 29 counts, found 28" (which: 0 for
 * greylisted, 1 for passed). */
static int bad_length(const where_t *w, size_t index, int which, size_t slots,
		      size_t found)
{
	char dpath[GS_JSON_PATH_LEN], spath[GS_JSON_PATH_LEN],
	    apath[GS_JSON_PATH_LEN];

	gs_json_path_idx(dpath, "domains", index);
	gs_json_path(spath, dpath, "series");
	return gs_json_bad(w, gs_json_path(apath, spath, array_names[which]),
			   "expected %zu counts, found %zu", slots, found);
}

/* A copy of the n (<= GS_SERIES_MAX_SLOTS) slots v for g; none for 0. */
static int keep(const where_t *w, const char *path,
		const struct gs_series_slot *v, size_t n,
		struct gs_group_stats *g)
{
	char spath[GS_JSON_PATH_LEN];

	if (n == 0)
		return 0;
	g->series = malloc(n * sizeof(*g->series));
	if (g->series == NULL)
		return gs_json_bad(w, gs_json_path(spath, path, "series"), "%s",
				   strerror(ENOMEM));
	memcpy(g->series, v, n * sizeof(*g->series));
	return 0;
}

/* With the frame: both arrays of exactly slots counts. */
static int read_framed(const where_t *w, struct json_object *o,
		       const char *path, size_t index, size_t slots,
		       struct gs_group_stats *g)
{
	struct gs_series_slot v[GS_SERIES_MAX_SLOTS];
	size_t lens[2];
	int which;

	if (read_arrays(w, o, path, v, lens) < 0)
		return -1;
	for (which = 0; which < 2; which++)
		if (lens[which] != slots)
			return bad_length(w, index, which, slots, lens[which]);
	return keep(w, path, v, slots, g);
}

/* Ahead of the frame: a domain's arrays must be right, as long as one
 * another and as the other domains', for any frame; the first domain
 * that is not is noted (its message in r->bad). */
static int read_ahead(const where_t *w, struct json_object *o, const char *path,
		      size_t index, struct gs_series_reader *r,
		      struct gs_group_stats *g)
{
	const where_t held = {w->file, w->line, r->bad, sizeof(r->bad)};
	struct gs_series_slot v[GS_SERIES_MAX_SLOTS];
	size_t lens[2];

	if (read_arrays(&held, o, path, v, lens) < 0) {
		r->defect = GS_SERIES_BAD;
	} else if (lens[0] != lens[1] || lens[0] > GS_SERIES_MAX_SLOTS ||
		   (r->len != SIZE_MAX && lens[0] != r->len)) {
		r->defect = GS_SERIES_LENGTH;
		r->lens[0] = lens[0];
		r->lens[1] = lens[1];
	} else {
		r->len = lens[0];
		return keep(w, path, v, lens[0], g);
	}
	r->at = index;
	return 0;
}

int gs_series_read_domain(const where_t *w, struct json_object *o,
			  const char *path, struct gs_group_stats *g,
			  struct gs_series_reader *r, size_t index)
{
	char spath[GS_JSON_PATH_LEN];

	/* Ahead of the frame, a domain noted decides already. */
	if (r->frame == GS_SERIES_ABSENT ||
	    (r->frame == GS_SERIES_UNKNOWN && r->at != SIZE_MAX))
		return 0;
	if (!json_object_object_get_ex(o, "series", NULL)) {
		if (r->frame == GS_SERIES_PRESENT)
			return gs_json_bad(
			    w, gs_json_path(spath, path, "series"), "missing");
		r->defect = GS_SERIES_MISSING;
		r->at = index;
		return 0;
	}
	if (r->frame == GS_SERIES_PRESENT)
		return read_framed(w, o, path, index, r->slots, g);
	return read_ahead(w, o, path, index, r, g);
}

/* The first domain read ahead that is wrong with slots: the first of all
 * when the one length is not slots, else the one noted. */
static size_t first_wrong(const struct gs_series_reader *r, size_t slots)
{
	if (r->len != SIZE_MAX && r->len != slots)
		return 0;
	return r->at;
}

size_t gs_series_pending(const struct gs_series_reader *r,
			 struct gs_summary *out)
{
	size_t i;

	if (!out->has_series) {
		for (i = 0; i < out->n_groups; i++) {
			free(out->groups[i].series);
			out->groups[i].series = NULL;
		}
		return SIZE_MAX;
	}
	if (r->frame != GS_SERIES_UNKNOWN)
		return SIZE_MAX;
	return first_wrong(r, out->series_slots);
}

int gs_series_report(const where_t *w, const struct gs_series_reader *r,
		     size_t slots)
{
	char dpath[GS_JSON_PATH_LEN], spath[GS_JSON_PATH_LEN];
	size_t index = first_wrong(r, slots);
	int which;

	if (r->len != SIZE_MAX && r->len != slots)
		return bad_length(w, 0, 0, slots, r->len);
	switch (r->defect) {
	case GS_SERIES_MISSING:
		gs_json_path_idx(dpath, "domains", index);
		return gs_json_bad(w, gs_json_path(spath, dpath, "series"),
				   "missing");
	case GS_SERIES_BAD:
		return gs_seterr(w->err, w->errlen, "%s", r->bad);
	case GS_SERIES_LENGTH:
		which = r->lens[0] != slots ? 0 : 1;
		return bad_length(w, index, which, slots, r->lens[which]);
	case GS_SERIES_OK:
		break;
	}
	/* Not reached: gs_series_pending found a domain. */
	return gs_json_bad(w, "domains", "a series is wrong");
}
