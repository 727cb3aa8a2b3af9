/* One element of a summary's "domains": see summary_domain.h. Every member
 * is checked for presence, type and range (base/json.h) before it is copied
 * out; members this reader does not know are ignored. The series of a
 * domain is summary_series.c's. */
#include "gs_config.h"

#include "summary/summary_domain.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <libfastjson/json.h>

#define NAME_MAX_BYTES 1024 /* domain, example and host strings */

typedef struct gs_json_where where_t;

int gs_summary_get_u32(const where_t *w, struct json_object *obj,
		       const char *parent, const char *key, uint32_t *out)
{
	uint64_t n;

	if (gs_json_get_count(w, obj, parent, key, UINT32_MAX, &n) < 0)
		return -1;
	*out = (uint32_t)n;
	return 0;
}

int gs_summary_get_u64(const where_t *w, struct json_object *obj,
		       const char *parent, const char *key, uint64_t *out)
{
	return gs_json_get_count(w, obj, parent, key, GS_JSON_COUNT_MAX, out);
}

void gs_domain_reader_init(struct gs_domain_reader *r, int version)
{
	r->version = version;
	r->cap = 0;
	r->first_unpaired = SIZE_MAX;
	gs_series_reader_init(&r->series);
}

/* Any other value, of any type, is "expected \"name\" or \"network\"". */
static int read_kind(const where_t *w, struct json_object *o,
		     const char *parent, enum gs_group_kind *kind)
{
	char path[GS_JSON_PATH_LEN];
	struct json_object *v;
	const char *s;

	if (gs_json_find(w, o, parent, "kind", &v) < 0)
		return -1;
	s = json_object_is_type(v, json_type_string) ? json_object_get_string(v)
						     : "";
	if (strcmp(s, "name") == 0)
		*kind = GS_KIND_NAME;
	else if (strcmp(s, "network") == 0)
		*kind = GS_KIND_NETWORK;
	else
		return gs_json_bad(w, gs_json_path(path, parent, "kind"),
				   "expected \"name\" or \"network\"");
	return 0;
}

/* The first GS_MAX_EXAMPLES examples are kept; later ones are checked but
 * ignored, so a future writer may keep more within version 1. */
static int read_examples(const where_t *w, struct json_object *o,
			 const char *parent, struct gs_group_stats *g)
{
	char apath[GS_JSON_PATH_LEN], path[GS_JSON_PATH_LEN];
	struct json_object *a;
	size_t i, n;

	if (gs_json_member(w, o, parent, "examples", json_type_array, &a) < 0)
		return -1;
	gs_json_path(apath, parent, "examples");
	n = (size_t)json_object_array_length(a);
	for (i = 0; i < n; i++) {
		if (gs_json_string(
			w, json_object_array_get_idx(a, i),
			gs_json_path_idx(path, apath, i), NAME_MAX_BYTES, 1,
			i < GS_MAX_EXAMPLES ? &g->examples[g->n_examples]
					    : NULL) < 0)
			return -1;
		if (i < GS_MAX_EXAMPLES)
			g->n_examples++;
	}
	return 0;
}

static int read_hosts(const where_t *w, struct json_object *o,
		      const char *parent, struct gs_group_stats *g)
{
	char hpath[GS_JSON_PATH_LEN], path[GS_JSON_PATH_LEN];
	struct json_object_iterator it, end;
	struct json_object *h;
	const char *name;
	int n;

	if (gs_json_member(w, o, parent, "hosts", json_type_object, &h) < 0)
		return -1;
	gs_json_path(hpath, parent, "hosts");
	n = json_object_object_length(h);
	if (n <= 0)
		return 0;
	g->hosts = calloc((size_t)n, sizeof(*g->hosts));
	if (g->hosts == NULL)
		return gs_json_bad(w, hpath, "%s", strerror(ENOMEM));
	it = json_object_iter_begin(h);
	end = json_object_iter_end(h);
	while (!json_object_iter_equal(&it, &end) && g->n_hosts < (size_t)n) {
		name = json_object_iter_peek_name(&it);
		gs_json_path(path, hpath, name);
		if (strlen(name) > NAME_MAX_BYTES)
			return gs_json_bad(w, hpath, "host name too long");
		if (gs_json_count(w, json_object_iter_peek_value(&it), path,
				  GS_JSON_COUNT_MAX,
				  &g->hosts[g->n_hosts].count) < 0)
			return -1;
		g->hosts[g->n_hosts].host = strdup(name);
		if (g->hosts[g->n_hosts].host == NULL)
			return gs_json_bad(w, path, "%s", strerror(ENOMEM));
		g->n_hosts++;
		json_object_iter_next(&it);
	}
	return 0;
}

/* ---- the pair evidence (version 2) ---- */

/* The three waits: all null (nothing passed, or no wait recorded) or all
 * seconds, with median <= p90 <= max as the histogram gives them. */
static int read_waits(const where_t *w, struct json_object *p, const char *path,
		      struct gs_pair_stats *ps)
{
	static const char *const names[3] = {"wait_median", "wait_p90",
					     "wait_max"};
	uint32_t *const dst[3] = {&ps->wait_median_s, &ps->wait_p90_s,
				  &ps->wait_max_s};
	char m[3][GS_JSON_PATH_LEN];
	struct json_object *v[3];
	uint64_t n;
	int i, nulls = 0;

	for (i = 0; i < 3; i++) {
		gs_json_path(m[i], path, names[i]);
		if (gs_json_find(w, p, path, names[i], &v[i]) < 0)
			return -1;
		if (v[i] == NULL) {
			nulls++;
			continue;
		}
		if (gs_json_count(w, v[i], m[i], UINT32_MAX, &n) < 0)
			return -1;
		*dst[i] = (uint32_t)n;
	}
	if (nulls == 3)
		return 0;
	/* Mixed: the odd one out is the defect. */
	for (i = 0; i < 3 && nulls > 0; i++)
		if ((v[i] == NULL) == (nulls == 1))
			return gs_json_bad(w, m[i],
					   nulls == 1
					       ? "null, but the other waits "
						 "are not"
					       : "a number, but the other "
						 "waits are null");
	if (ps->passed == 0)
		return gs_json_bad(w, m[0], "a wait, but nothing passed");
	if (ps->wait_p90_s < ps->wait_median_s)
		return gs_json_bad(w, m[1], "below wait_median");
	if (ps->wait_max_s < ps->wait_p90_s)
		return gs_json_bad(w, m[2], "below wait_p90");
	ps->has_wait = true;
	return 0;
}

/* The rules of summary.h: the outcomes of the pairs greylisted cannot
 * outnumber them. Checked step by step: the sums could overflow. */
static int check_pair_counts(const where_t *w, const char *path,
			     const struct gs_pair_stats *ps)
{
	uint64_t left = ps->greylisted;

	if (ps->passed > left || ps->pending > (left -= ps->passed) ||
	    ps->expired > left - ps->pending)
		return gs_json_bad(w, path,
				   "passed + pending + expired exceed "
				   "greylisted (%" PRIu64 ")",
				   ps->greylisted);
	if (ps->returned > ps->greylisted ||
	    ps->never_returned > ps->greylisted - ps->returned)
		return gs_json_bad(w, path,
				   "returned + never_returned exceed "
				   "greylisted (%" PRIu64 ")",
				   ps->greylisted);
	if (ps->never_returned > ps->expired)
		return gs_json_bad(w, path,
				   "never_returned (%" PRIu64
				   ") exceeds expired (%" PRIu64 ")",
				   ps->never_returned, ps->expired);
	return 0;
}

static int read_pairs(const where_t *w, struct json_object *o,
		      const char *parent, struct gs_group_stats *g)
{
	char path[GS_JSON_PATH_LEN];
	struct gs_pair_stats *ps = &g->pairs;
	struct json_object *p;

	if (gs_json_member(w, o, parent, "pairs", json_type_object, &p) < 0)
		return -1;
	gs_json_path(path, parent, "pairs");
	if (gs_summary_get_u64(w, p, path, "greylisted", &ps->greylisted) < 0 ||
	    gs_summary_get_u64(w, p, path, "returned", &ps->returned) < 0 ||
	    gs_summary_get_u64(w, p, path, "other_network",
			       &ps->other_network) < 0 ||
	    gs_summary_get_u64(w, p, path, "passed", &ps->passed) < 0 ||
	    gs_summary_get_u64(w, p, path, "pending", &ps->pending) < 0 ||
	    gs_summary_get_u64(w, p, path, "expired", &ps->expired) < 0 ||
	    gs_summary_get_u64(w, p, path, "never_returned",
			       &ps->never_returned) < 0 ||
	    read_waits(w, p, path, ps) < 0 ||
	    check_pair_counts(w, path, ps) < 0)
		return -1;
	g->has_pairs = true;
	return 0;
}

/* "pairs" when present; when absent an error in version 2, noted while
 * the version is not known yet (index: the domain's place). */
static int maybe_pairs(const where_t *w, struct json_object *o,
		       const char *path, struct gs_group_stats *g,
		       struct gs_domain_reader *r, size_t index)
{
	char ppath[GS_JSON_PATH_LEN];

	if (json_object_object_get_ex(o, "pairs", NULL))
		return read_pairs(w, o, path, g);
	if (r->version >= 2)
		return gs_json_bad(w, gs_json_path(ppath, path, "pairs"),
				   "missing");
	if (r->version == 0 && r->first_unpaired == SIZE_MAX)
		r->first_unpaired = index;
	return 0;
}

int gs_summary_check_domains(const where_t *w, const struct gs_domain_reader *r,
			     struct gs_summary *out, bool held_error)
{
	char path[GS_JSON_PATH_LEN], ppath[GS_JSON_PATH_LEN];
	size_t i, unpaired = SIZE_MAX, unseries;

	if (out->version < 2) {
		for (i = 0; i < out->n_groups; i++) {
			out->groups[i].has_pairs = false;
			memset(&out->groups[i].pairs, 0,
			       sizeof(out->groups[i].pairs));
		}
	} else {
		unpaired = r->first_unpaired;
	}
	unseries = gs_series_pending(&r->series, out);
	i = unpaired < unseries ? unpaired : unseries;
	if (i == SIZE_MAX || (held_error && i + 1 >= out->n_groups))
		return 0;
	if (unpaired <= unseries) {
		gs_json_path_idx(path, "domains", unpaired);
		return gs_json_bad(w, gs_json_path(ppath, path, "pairs"),
				   "missing");
	}
	return gs_series_report(w, &r->series, out->series_slots);
}

static int read_group(const where_t *w, struct json_object *o, const char *path,
		      struct gs_group_stats *g, struct gs_domain_reader *r,
		      size_t index)
{
	char dpath[GS_JSON_PATH_LEN];
	struct json_object *v;
	int c;

	if (!json_object_is_type(o, json_type_object))
		return gs_json_bad(w, path, "expected an object");
	if (gs_json_find(w, o, path, "domain", &v) < 0 ||
	    gs_json_string(w, v, gs_json_path(dpath, path, "domain"),
			   NAME_MAX_BYTES, 1, &g->domain) < 0 ||
	    read_kind(w, o, path, &g->kind) < 0)
		return -1;
	for (c = 0; c < GS_C_COUNT; c++)
		if (gs_summary_get_u64(w, o, path, gs_counter_name(c),
				       &g->counts[c]) < 0)
			return -1;
	if (gs_summary_get_u64(w, o, path, "delay_count", &g->delay_count) <
		0 ||
	    gs_summary_get_u32(w, o, path, "delay_median", &g->delay_median_s) <
		0 ||
	    gs_summary_get_u32(w, o, path, "delay_max", &g->delay_max_s) < 0 ||
	    gs_summary_get_u32(w, o, path, "client_addresses",
			       &g->client_addresses) < 0 ||
	    gs_summary_get_u32(w, o, path, "networks", &g->networks) < 0 ||
	    read_examples(w, o, path, g) < 0 ||
	    gs_json_get_time(w, o, path, "first_seen", 0, &g->first_seen) < 0 ||
	    gs_json_get_time(w, o, path, "last_seen", 0, &g->last_seen) < 0 ||
	    read_hosts(w, o, path, g) < 0 ||
	    maybe_pairs(w, o, path, g, r, index) < 0 ||
	    gs_series_read_domain(w, o, path, g, &r->series, index) < 0)
		return -1;
	return 0;
}

/* Grows out->groups for one more group. The new room is not zeroed: its
 * pages stay untouched, and so out of memory, until groups fill them. */
static int more_groups(const where_t *w, struct gs_summary *out, size_t *cap)
{
	struct gs_group_stats *g;
	size_t n = *cap > 0 ? *cap * 2 : 64;

	if (out->n_groups < *cap)
		return 0;
	g = realloc(out->groups, n * sizeof(*g));
	if (g == NULL)
		return gs_json_bad(w, "domains", "%s", strerror(ENOMEM));
	out->groups = g;
	*cap = n;
	return 0;
}

int gs_summary_add_domain(const where_t *w, struct json_object *o,
			  struct gs_summary *out, struct gs_domain_reader *r)
{
	char path[GS_JSON_PATH_LEN];
	struct gs_group_stats *g;
	size_t index = out->n_groups;

	if (more_groups(w, out, &r->cap) < 0)
		return -1;
	gs_json_path_idx(path, "domains", index);
	g = memset(&out->groups[index], 0, sizeof(*g));
	/* Counted before filling so that gs_summary_free releases a
	 * half-read group too. */
	out->n_groups++;
	return read_group(w, o, path, g, r, index);
}
