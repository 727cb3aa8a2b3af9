/* The fields of one line of the state file: see state_parse.h and the
 * format in state.h. Checks are the JSON layer's (base/json.h); counts stop
 * at its GS_JSON_COUNT_MAX. No shared state. */
#include "gs_config.h"

#include "state/state_parse.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/addr.h"
#include "input/group.h"
#include "state/state.h"

#define MAX_ENTRIES 1024 /* per group; a saved tally has at most ~510 */

typedef struct gs_json_where where_t;

/* An array of at most max strings of at most maxlen bytes into out[]. */
static int get_strings(const where_t *w, struct json_object *obj,
		       const char *key, size_t max, size_t maxlen, char **out,
		       size_t *n)
{
	struct json_object *a;
	char f[GS_JSON_PATH_LEN];
	size_t i, len;

	if (gs_json_member(w, obj, "", key, json_type_array, &a) < 0)
		return -1;
	len = (size_t)json_object_array_length(a);
	if (len > max)
		return gs_json_bad(w, key, "%zu strings, at most %zu allowed",
				   len, max);
	for (i = 0; i < len; i++) {
		if (gs_json_string(w, json_object_array_get_idx(a, (int)i),
				   gs_json_path_idx(f, key, i), maxlen, 0,
				   &out[i]) < 0)
			return -1;
		(*n)++;
	}
	return 0;
}

static int get_counters(const where_t *w, struct json_object *obj,
			const char *parent, const char *key, int64_t max,
			uint64_t out[GS_C_COUNT])
{
	struct json_object *o;
	char f[GS_JSON_PATH_LEN];
	unsigned c;
	int64_t v = 0;

	if (gs_json_member(w, obj, parent, key, json_type_object, &o) < 0)
		return -1;
	gs_json_path(f, parent, key);
	for (c = 0; c < GS_C_COUNT; c++) {
		if (gs_json_get_int(w, o, f, gs_counter_name(c), 0, max, &v) <
		    0)
			return -1;
		out[c] = (uint64_t)v;
	}
	return 0;
}

/* "counts": [N, ...], n integers (GS_C_COUNT in enum gs_counter order, or
 * GS_TP_COUNT in enum gs_tally_pair_count order). */
static int get_counts(const where_t *w, struct json_object *obj,
		      const char *parent, unsigned n, uint32_t *out)
{
	struct json_object *a;
	char f[GS_JSON_PATH_LEN], fi[GS_JSON_PATH_LEN];
	unsigned c;
	int64_t v = 0;

	if (gs_json_member(w, obj, parent, "counts", json_type_array, &a) < 0)
		return -1;
	gs_json_path(f, parent, "counts");
	if (json_object_array_length(a) != (int)n)
		return gs_json_bad(w, f, "expected %u counts", n);
	for (c = 0; c < n; c++) {
		if (gs_json_int(w, json_object_array_get_idx(a, c),
				gs_json_path_idx(fi, f, c), 0, UINT32_MAX,
				&v) < 0)
			return -1;
		out[c] = (uint32_t)v;
	}
	return 0;
}

/* The header's "counters" must name this version's counters in order. */
static int check_counter_names(const where_t *w, struct json_object *root)
{
	struct json_object *a, *v;
	unsigned c;

	if (gs_json_member(w, root, "", "counters", json_type_array, &a) < 0)
		return -1;
	if (json_object_array_length(a) != GS_C_COUNT)
		return gs_json_bad(w, "counters", "expected %d counter names",
				   GS_C_COUNT);
	for (c = 0; c < GS_C_COUNT; c++) {
		v = json_object_array_get_idx(a, c);
		if (!json_object_is_type(v, json_type_string) ||
		    strcmp(json_object_get_string(v), gs_counter_name(c)) != 0)
			return gs_json_bad(w, "counters",
					   "expected \"%s\" at %u",
					   gs_counter_name(c), c);
	}
	return 0;
}

static int read_totals(const where_t *w, struct json_object *root, int version,
		       struct gs_totals *t)
{
	static const char *const names[] = {"lines",   "actions", "unparsed",
					    "ignored", "evicted", "too_old"};
	uint64_t *fields[] = {&t->lines,   &t->actions, &t->unparsed,
			      &t->ignored, &t->evicted, &t->too_old};
	struct json_object *o;
	size_t i;
	int64_t v = 0;

	if (gs_json_member(w, root, "", "totals", json_type_object, &o) < 0)
		return -1;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (gs_json_get_int(w, o, "totals", names[i], 0,
				    (int64_t)GS_JSON_COUNT_MAX, &v) < 0)
			return -1;
		*fields[i] = (uint64_t)v;
	}
	if (version >= GS_STATE_VERSION &&
	    gs_json_get_int(w, o, "totals", "pairs_evicted", 0,
			    (int64_t)GS_JSON_COUNT_MAX, &v) < 0)
		return -1;
	t->pairs_evicted = version >= GS_STATE_VERSION ? (uint64_t)v : 0;
	return get_counters(w, o, "totals", "per_counter",
			    (int64_t)GS_JSON_COUNT_MAX, t->per_counter);
}

int gs_state_read_header(const where_t *w, struct json_object *root,
			 struct gs_tally_export *x, int *version)
{
	struct json_object *v;
	int64_t n = 0;

	if (!json_object_is_type(root, json_type_object))
		return gs_json_bad(w, NULL, "expected a JSON object");
	if (gs_json_member(w, root, "", "format", json_type_string, &v) < 0)
		return -1;
	if (strcmp(json_object_get_string(v), GS_STATE_FORMAT) != 0)
		return gs_json_bad(w, "format",
				   "\"%.60s\": not a greyscan state file "
				   "(expected \"" GS_STATE_FORMAT "\")",
				   json_object_get_string(v));
	if (gs_json_get_int(w, root, "", "version", INT64_MIN, INT64_MAX, &n) <
	    0)
		return -1;
	if (n != GS_STATE_VERSION_1 && n != GS_STATE_VERSION_2 &&
	    n != GS_STATE_VERSION)
		return gs_json_bad(w, "version",
				   "unsupported version %" PRId64
				   " (expected %d, %d or %d)",
				   n, GS_STATE_VERSION_1, GS_STATE_VERSION_2,
				   GS_STATE_VERSION);
	*version = (int)n;
	if (gs_json_get_int(w, root, "", "window_s", GS_TALLY_SLOTS, UINT32_MAX,
			    &n) < 0)
		return -1;
	x->window_s = (uint32_t)n;
	if (gs_json_get_int(w, root, "", "slot_s", 1, x->window_s, &n) < 0)
		return -1;
	x->slot_s = (uint32_t)n;
	return check_counter_names(w, root);
}

/* "hosts": 1..GS_TALLY_MAX_HOST_NAMES names. */
static int read_hosts(const where_t *w, struct json_object *root,
		      struct gs_tally_export *x)
{
	struct json_object *v;
	int64_t n;

	if (gs_json_member(w, root, "", "hosts", json_type_array, &v) < 0)
		return -1;
	n = json_object_array_length(v);
	if (n < 1 || n > GS_TALLY_MAX_HOST_NAMES)
		return gs_json_bad(w, "hosts",
				   "%" PRId64 " hosts, expected 1..%d", n,
				   GS_TALLY_MAX_HOST_NAMES);
	x->hosts = calloc((size_t)n, sizeof(*x->hosts));
	if (x->hosts == NULL)
		return gs_json_bad(w, "hosts", "%s", strerror(ENOMEM));
	return get_strings(w, root, "hosts", (size_t)n,
			   GS_TALLY_HOST_NAME_MAX_LEN, x->hosts, &x->n_hosts);
}

int gs_state_read_dynamic(const where_t *w, struct json_object *root,
			  int version, struct gs_tally_export *x,
			  size_t *n_groups, size_t *n_pairs)
{
	struct json_object *v;
	int64_t n = 0;

	if (gs_json_find(w, root, "", "end", &v) < 0)
		return -1;
	if (v != NULL) {
		if (gs_json_int(w, v, "end", 0, GS_TALLY_TIME_MAX, &n) < 0)
			return -1;
		x->has_end = 1;
		x->end = (time_t)n;
	}
	if (read_totals(w, root, version, &x->totals) < 0 ||
	    get_strings(w, root, "samples", GS_MAX_SAMPLES, GS_SAMPLE_MAX_LEN,
			x->samples, &x->n_samples) < 0 ||
	    read_hosts(w, root, x) < 0 ||
	    gs_json_get_int(w, root, "", "groups", 0, INT64_MAX, &n) < 0)
		return -1;
	*n_groups = (size_t)n;
	*n_pairs = 0;
	if (version < GS_STATE_VERSION)
		return 0;
	if (gs_json_get_int(w, root, "", "pairs", 0, INT64_MAX, &n) < 0)
		return -1;
	*n_pairs = (size_t)n;
	return 0;
}

/* A histogram, member key of parent: [[bin, count], ...] with bins
 * strictly increasing, into *out (GS_TALLY_HIST_BINS counts). */
static int read_hist(const where_t *w, struct json_object *a,
		     const char *parent, const char *key, uint32_t **out)
{
	struct json_object *pair;
	char f[GS_JSON_PATH_LEN], fi[GS_JSON_PATH_LEN], fv[GS_JSON_PATH_LEN];
	int64_t bin = 0, count = 0, prev = -1;
	size_t i, n;

	gs_json_path(f, parent, key);
	n = (size_t)json_object_array_length(a);
	*out = calloc(GS_TALLY_HIST_BINS, sizeof(**out));
	if (*out == NULL)
		return gs_json_bad(w, f, "%s", strerror(ENOMEM));
	for (i = 0; i < n; i++) {
		pair = json_object_array_get_idx(a, (int)i);
		gs_json_path_idx(fi, f, i);
		if (!json_object_is_type(pair, json_type_array) ||
		    json_object_array_length(pair) != 2)
			return gs_json_bad(w, fi, "expected [bin, count]");
		if (gs_json_int(w, json_object_array_get_idx(pair, 0),
				gs_json_path_idx(fv, fi, 0), 0,
				GS_TALLY_HIST_BINS - 1, &bin) < 0 ||
		    gs_json_int(w, json_object_array_get_idx(pair, 1),
				gs_json_path_idx(fv, fi, 1), 1, UINT32_MAX,
				&count) < 0)
			return -1;
		if (bin <= prev)
			return gs_json_bad(w, fi, "bins out of order");
		prev = bin;
		(*out)[bin] = (uint32_t)count;
	}
	return 0;
}

/* A histogram "key" and its maximum "max_key", both or neither. */
static int read_hist_max(const where_t *w, struct json_object *o,
			 const char *field, const char *key,
			 const char *max_key, uint32_t **hist, uint32_t *max)
{
	struct json_object *h, *m;
	bool has_hist, has_max;
	int64_t v = 0;

	has_hist = json_object_object_get_ex(o, key, &h);
	has_max = json_object_object_get_ex(o, max_key, &m);
	if (has_hist != has_max)
		return gs_json_bad(w, field, "\"%s\" and \"%s\" go together",
				   key, max_key);
	if (!has_hist)
		return 0;
	if (gs_json_get_int(w, o, field, max_key, 0, UINT32_MAX, &v) < 0 ||
	    gs_json_member(w, o, field, key, json_type_array, &h) < 0)
		return -1;
	*max = (uint32_t)v;
	return read_hist(w, h, field, key, hist);
}

static int read_entry(const where_t *w, struct json_object *o,
		      const char *field, const struct gs_tally_export *x,
		      struct gs_tally_xentry *e)
{
	int64_t v = 0;

	if (!json_object_is_type(o, json_type_object))
		return gs_json_bad(w, field, "expected an object");
	if (gs_json_get_int(w, o, field, "slot", 0,
			    GS_TALLY_TIME_MAX / x->slot_s, &e->slot) < 0 ||
	    gs_json_get_int(w, o, field, "host", 0, (int64_t)x->n_hosts - 1,
			    &v) < 0 ||
	    get_counts(w, o, field, GS_C_COUNT, e->counts) < 0)
		return -1;
	e->host = (uint32_t)v;
	return read_hist_max(w, o, field, "hist", "delay_max_s", &e->hist,
			     &e->delay_max_s);
}

static int read_entries(const where_t *w, struct json_object *root,
			const struct gs_tally_export *x,
			struct gs_tally_xgroup *g)
{
	struct json_object *a;
	char f[GS_JSON_PATH_LEN];
	size_t i, n;

	if (gs_json_member(w, root, "", "entries", json_type_array, &a) < 0)
		return -1;
	n = (size_t)json_object_array_length(a);
	if (n > MAX_ENTRIES)
		return gs_json_bad(w, "entries", "%zu entries, at most %d", n,
				   MAX_ENTRIES);
	g->entries = calloc(n > 0 ? n : 1, sizeof(*g->entries));
	if (g->entries == NULL)
		return gs_json_bad(w, "entries", "%s", strerror(ENOMEM));
	for (i = 0; i < n; i++) {
		g->n_entries++;
		if (read_entry(w, json_object_array_get_idx(a, (int)i),
			       gs_json_path_idx(f, "entries", i), x,
			       &g->entries[i]) < 0)
			return -1;
	}
	return 0;
}

static int read_pslot(const where_t *w, struct json_object *o,
		      const char *field, const struct gs_tally_export *x,
		      struct gs_tally_xpslot *e)
{
	if (!json_object_is_type(o, json_type_object))
		return gs_json_bad(w, field, "expected an object");
	if (gs_json_get_int(w, o, field, "slot", 0,
			    GS_TALLY_TIME_MAX / x->slot_s, &e->slot) < 0 ||
	    get_counts(w, o, field, GS_TP_COUNT, e->counts) < 0)
		return -1;
	return read_hist_max(w, o, field, "wait", "wait_max_s", &e->wait,
			     &e->wait_max_s);
}

/* Version 3's "pair_slots": [{"slot":S,"counts":[...],...}, ...] */
static int read_pslots(const where_t *w, struct json_object *root,
		       const struct gs_tally_export *x,
		       struct gs_tally_xgroup *g)
{
	struct json_object *a;
	char f[GS_JSON_PATH_LEN];
	size_t i, n;

	if (gs_json_member(w, root, "", "pair_slots", json_type_array, &a) < 0)
		return -1;
	n = (size_t)json_object_array_length(a);
	if (n > GS_TALLY_MAX_PSLOTS)
		return gs_json_bad(w, "pair_slots",
				   "%zu pair slots, at most %d", n,
				   GS_TALLY_MAX_PSLOTS);
	g->pslots = calloc(n > 0 ? n : 1, sizeof(*g->pslots));
	if (g->pslots == NULL)
		return gs_json_bad(w, "pair_slots", "%s", strerror(ENOMEM));
	for (i = 0; i < n; i++) {
		g->n_pslots++;
		if (read_pslot(w, json_object_array_get_idx(a, (int)i),
			       gs_json_path_idx(f, "pair_slots", i), x,
			       &g->pslots[i]) < 0)
			return -1;
	}
	return 0;
}

/* One [address, slot] pair into *out. */
static int read_addr(const where_t *w, struct json_object *pair,
		     const char *field, const struct gs_tally_export *x,
		     struct gs_tally_xaddr *out)
{
	struct json_object *text;
	char fv[GS_JSON_PATH_LEN];

	if (!json_object_is_type(pair, json_type_array) ||
	    json_object_array_length(pair) != 2)
		return gs_json_bad(w, field, "expected [address, slot]");
	text = json_object_array_get_idx(pair, 0);
	if (!json_object_is_type(text, json_type_string) ||
	    !gs_addr_parse(json_object_get_string(text), &out->addr))
		return gs_json_bad(w, gs_json_path_idx(fv, field, 0),
				   "expected an IPv4 or IPv6 address");
	return gs_json_int(w, json_object_array_get_idx(pair, 1),
			   gs_json_path_idx(fv, field, 1), 0,
			   GS_TALLY_TIME_MAX / x->slot_s, &out->slot);
}

/* "addresses"/"networks": [["192.0.2.1", slot], ...] */
static int read_addrs(const where_t *w, struct json_object *root,
		      const char *key, const struct gs_tally_export *x,
		      struct gs_tally_xaddr **out, size_t *n_out)
{
	struct json_object *a;
	char f[GS_JSON_PATH_LEN];
	size_t i, n;

	if (gs_json_member(w, root, "", key, json_type_array, &a) < 0)
		return -1;
	n = (size_t)json_object_array_length(a);
	if (n > GS_TALLY_MAX_ADDRS)
		return gs_json_bad(w, key, "%zu addresses, at most %d", n,
				   GS_TALLY_MAX_ADDRS);
	*out = calloc(n > 0 ? n : 1, sizeof(**out));
	if (*out == NULL)
		return gs_json_bad(w, key, "%s", strerror(ENOMEM));
	for (i = 0; i < n; i++) {
		if (read_addr(w, json_object_array_get_idx(a, (int)i),
			      gs_json_path_idx(f, key, i), x, &(*out)[i]) < 0)
			return -1;
		(*n_out)++;
	}
	return 0;
}

static int read_kind(const where_t *w, struct json_object *root,
		     enum gs_group_kind *kind)
{
	struct json_object *v;
	const char *s;

	if (gs_json_member(w, root, "", "kind", json_type_string, &v) < 0)
		return -1;
	s = json_object_get_string(v);
	if (strcmp(s, "name") == 0)
		*kind = GS_KIND_NAME;
	else if (strcmp(s, "network") == 0)
		*kind = GS_KIND_NETWORK;
	else
		return gs_json_bad(w, "kind",
				   "\"%.40s\": expected \"name\" or "
				   "\"network\"",
				   s);
	return 0;
}

int gs_state_read_group(const where_t *w, struct json_object *root, int version,
			const struct gs_tally_export *x,
			struct gs_tally_xgroup *g)
{
	struct json_object *v;
	int64_t n = 0;

	if (!json_object_is_type(root, json_type_object))
		return gs_json_bad(w, NULL, "expected a JSON object");
	if (gs_json_member(w, root, "", "name", json_type_string, &v) < 0 ||
	    gs_json_string(w, v, "name", GS_GROUP_MAX - 1, 1, &g->name) < 0 ||
	    read_kind(w, root, &g->kind) < 0)
		return -1;
	if (gs_json_get_int(w, root, "", "first_seen", 0, GS_TALLY_TIME_MAX,
			    &n) < 0)
		return -1;
	g->first_seen = (time_t)n;
	if (gs_json_get_int(w, root, "", "last_seen", 0, GS_TALLY_TIME_MAX,
			    &n) < 0)
		return -1;
	g->last_seen = (time_t)n;
	if (read_entries(w, root, x, g) < 0 ||
	    read_addrs(w, root, "addresses", x, &g->addrs, &g->n_addrs) < 0 ||
	    read_addrs(w, root, "networks", x, &g->nets, &g->n_nets) < 0 ||
	    get_strings(w, root, "examples", GS_MAX_EXAMPLES,
			GS_TALLY_EXAMPLE_MAX_LEN, g->examples,
			&g->n_examples) < 0)
		return -1;
	return version >= GS_STATE_VERSION ? read_pslots(w, root, x, g) : 0;
}

/* 16 lower-case hex digits into *out. */
static int get_hex(const where_t *w, struct json_object *root, const char *key,
		   uint64_t *out)
{
	struct json_object *v;
	const char *s;
	size_t i;

	if (gs_json_member(w, root, "", key, json_type_string, &v) < 0)
		return -1;
	s = json_object_get_string(v);
	*out = 0;
	for (i = 0; i < 16 && s[i] != '\0'; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			*out = *out << 4 | (uint64_t)(s[i] - '0');
		else if (s[i] >= 'a' && s[i] <= 'f')
			*out = *out << 4 | (uint64_t)(s[i] - 'a' + 10);
		else
			break;
	}
	if (i != 16 || s[i] != '\0' ||
	    (size_t)json_object_get_string_len(v) != 16)
		return gs_json_bad(w, key, "expected 16 lower-case hex digits");
	return 0;
}

/* A pair line's "group": a name, or null. */
static int read_pair_group(const where_t *w, struct json_object *root,
			   struct gs_tally_xpair *p)
{
	struct json_object *v;
	char *name = NULL;

	if (gs_json_find(w, root, "", "group", &v) < 0)
		return -1;
	p->has_group = v != NULL;
	p->group[0] = '\0';
	if (v == NULL)
		return 0;
	if (gs_json_string(w, v, "group", GS_GROUP_MAX - 1, 1, &name) < 0)
		return -1;
	memcpy(p->group, name, strlen(name) + 1);
	free(name);
	return 0;
}

int gs_state_read_pair(const where_t *w, struct json_object *root,
		       struct gs_tally_xpair *p)
{
	int64_t v = 0;

	if (!json_object_is_type(root, json_type_object))
		return gs_json_bad(w, NULL, "expected a JSON object");
	if (get_hex(w, root, "pair", &p->key) < 0 ||
	    read_pair_group(w, root, p) < 0 ||
	    get_hex(w, root, "net", &p->net) < 0 ||
	    gs_json_get_int(w, root, "", "first", 0, UINT32_MAX, &p->first) <
		0 ||
	    gs_json_get_int(
		w, root, "", "flags", 0,
		GS_STATE_PAIR_RETURNED | GS_STATE_PAIR_OTHER_NETWORK, &v) < 0)
		return -1;
	p->returned = (v & GS_STATE_PAIR_RETURNED) != 0;
	p->other_network = (v & GS_STATE_PAIR_OTHER_NETWORK) != 0;
	return 0;
}

void gs_state_xgroup_free(struct gs_tally_xgroup *g)
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
	for (j = 0; j < g->n_pslots; j++)
		free(g->pslots[j].wait);
	free(g->pslots);
	memset(g, 0, sizeof(*g));
}
