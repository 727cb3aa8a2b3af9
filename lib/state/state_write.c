/* The state file's writer: the tally's export as JSON Lines (format in
 * state.h), version 3: groups with their pair slots, then the open pairs.
 *
 * Saving streams: the tally is exported a chunk of groups at a time (see
 * gs_tally_export_next), each group becomes one libfastjson object that is
 * dumped straight into the temporary file of an atomic write and released.
 * Memory is one chunk and one group's tree; the lock is held per chunk.
 * Counts follow the JSON layer's rule (base/json.h), which the reader
 * (state_read.c) checks.
 *
 * No shared state here: the tally does its own locking. */
#include "gs_config.h"

#include "state/state.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <libfastjson/json.h>

#include "base/error.h"
#include "base/json.h"
#include "input/group.h"

static struct json_object *counters_json(const uint64_t counts[GS_C_COUNT])
{
	struct json_object *o = json_object_new_object();
	unsigned c;

	if (o == NULL)
		return NULL;
	for (c = 0; c < GS_C_COUNT; c++) {
		if (gs_json_add_count(o, gs_counter_name(c), counts[c]) < 0) {
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
		if (gs_json_push_int(a, counts[c]) < 0) {
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
		if (gs_json_push_str(a, gs_counter_name(c)) < 0) {
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
	if (gs_json_add_count(o, "lines", t->lines) < 0 ||
	    gs_json_add_count(o, "actions", t->actions) < 0 ||
	    gs_json_add_count(o, "unparsed", t->unparsed) < 0 ||
	    gs_json_add_count(o, "ignored", t->ignored) < 0 ||
	    gs_json_add_count(o, "evicted", t->evicted) < 0 ||
	    gs_json_add_count(o, "too_old", t->too_old) < 0 ||
	    gs_json_add_count(o, "pairs_evicted", t->pairs_evicted) < 0 ||
	    gs_json_add(o, "per_counter", counters_json(t->per_counter)) < 0) {
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
	if (gs_json_add_str(o, "format", GS_STATE_FORMAT) < 0 ||
	    gs_json_add_int(o, "version", GS_STATE_VERSION) < 0 ||
	    gs_json_add_int(o, "window_s", x->window_s) < 0 ||
	    gs_json_add_int(o, "slot_s", x->slot_s) < 0 ||
	    gs_json_add(o, "counters", counter_names_json()) < 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* The last line: what changes while the groups are written, as it was
 * after the last of them, and how many there are. "end" is null before
 * the first event. */
static struct json_object *trailer_json(const struct gs_tally_export *x,
					size_t n_groups, size_t n_pairs)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	if ((x->has_end ? gs_json_add_int(o, "end", x->end)
			: gs_json_add_null(o, "end")) < 0 ||
	    gs_json_add(o, "totals", totals_json(&x->totals)) < 0 ||
	    gs_json_add(o, "samples",
			gs_json_new_strings(x->samples, x->n_samples)) < 0 ||
	    gs_json_add(o, "hosts", gs_json_new_strings(x->hosts, x->n_hosts)) <
		0 ||
	    gs_json_add_int(o, "groups", (int64_t)n_groups) < 0 ||
	    gs_json_add_int(o, "pairs", (int64_t)n_pairs) < 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
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
		if (gs_json_push(a, pair) < 0 ||
		    gs_json_push_int(pair, k) < 0 ||
		    gs_json_push_int(pair, hist[k]) < 0) {
			json_object_put(a);
			return NULL;
		}
	}
	return a;
}

/* A pair slot entry: {"slot":S,"counts":[...]} and, with waits,
 * "wait_max_s" and "wait". */
static struct json_object *pslot_json(const struct gs_tally_xpslot *e)
{
	struct json_object *o = json_object_new_object(), *a;
	unsigned c;

	if (o == NULL)
		return NULL;
	a = json_object_new_array();
	if (gs_json_add_int(o, "slot", e->slot) < 0 ||
	    gs_json_add(o, "counts", a) < 0)
		goto fail;
	for (c = 0; c < GS_TP_COUNT; c++)
		if (gs_json_push_int(a, e->counts[c]) < 0)
			goto fail;
	if (e->wait != NULL &&
	    (gs_json_add_int(o, "wait_max_s", e->wait_max_s) < 0 ||
	     gs_json_add(o, "wait", hist_json(e->wait)) < 0))
		goto fail;
	return o;
fail:
	json_object_put(o);
	return NULL;
}

static struct json_object *entry_json(const struct gs_tally_xentry *e)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	if (gs_json_add_int(o, "slot", e->slot) < 0 ||
	    gs_json_add_int(o, "host", e->host) < 0 ||
	    gs_json_add(o, "counts", counts_json(e->counts)) < 0)
		goto fail;
	if (e->hist != NULL &&
	    (gs_json_add_int(o, "delay_max_s", e->delay_max_s) < 0 ||
	     gs_json_add(o, "hist", hist_json(e->hist)) < 0))
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
		if (gs_json_push(arr, pair) < 0 ||
		    gs_json_push_str(pair, text) < 0 ||
		    gs_json_push_int(pair, a[i].slot) < 0)
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
	if (gs_json_add_str(o, "name", g->name) < 0 ||
	    gs_json_add_str(o, "kind", kind) < 0 ||
	    gs_json_add_int(o, "first_seen", g->first_seen) < 0 ||
	    gs_json_add_int(o, "last_seen", g->last_seen) < 0)
		goto fail;
	entries = json_object_new_array();
	if (gs_json_add(o, "entries", entries) < 0)
		goto fail;
	for (i = 0; i < g->n_entries; i++)
		if (gs_json_push(entries, entry_json(&g->entries[i])) < 0)
			goto fail;
	if (gs_json_add(o, "addresses", addrs_json(g->addrs, g->n_addrs)) < 0 ||
	    gs_json_add(o, "networks", addrs_json(g->nets, g->n_nets)) < 0 ||
	    gs_json_add(o, "examples",
			gs_json_new_strings(g->examples, g->n_examples)) < 0)
		goto fail;
	entries = json_object_new_array();
	if (gs_json_add(o, "pair_slots", entries) < 0)
		goto fail;
	for (i = 0; i < g->n_pslots; i++)
		if (gs_json_push(entries, pslot_json(&g->pslots[i])) < 0)
			goto fail;
	return o;
fail:
	json_object_put(o);
	return NULL;
}

/* 16 lower-case hex digits: a 64-bit key or network identity. */
static int add_hex(struct json_object *o, const char *key, uint64_t v)
{
	char hex[17];

	(void)snprintf(hex, sizeof(hex), "%016" PRIx64, v);
	return gs_json_add_str(o, key, hex);
}

static struct json_object *pair_json(const struct gs_tally_xpair *p)
{
	struct json_object *o = json_object_new_object();
	int flags = (p->returned ? GS_STATE_PAIR_RETURNED : 0) |
		    (p->other_network ? GS_STATE_PAIR_OTHER_NETWORK : 0);

	if (o == NULL)
		return NULL;
	if (add_hex(o, "pair", p->key) < 0 ||
	    (p->has_group ? gs_json_add_str(o, "group", p->group)
			  : gs_json_add_null(o, "group")) < 0 ||
	    add_hex(o, "net", p->net) < 0 ||
	    gs_json_add_int(o, "first", p->first) < 0 ||
	    gs_json_add_int(o, "flags", flags) < 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* Serialises obj (consumed) as one line. -1 only when obj is NULL (no
 * memory): write errors are left to ferror(), which the atomic writer
 * checks. */
static int emit(FILE *out, struct json_object *obj)
{
	if (obj == NULL)
		return -1;
	gs_json_dump(out, obj);
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

/* Writes the pair lines chunk by chunk, as emit_groups. */
static int emit_pairs(struct gs_tally *t, struct gs_tally_export *x, FILE *out,
		      size_t *n, char *err, size_t errlen)
{
	size_t i;
	int r = 0;

	while (!ferror(out) &&
	       (r = gs_tally_export_pairs(t, x, err, errlen)) > 0)
		for (i = 0; i < x->n_pairs; i++, (*n)++)
			if (emit(out, pair_json(&x->pairs[i])) < 0)
				return gs_seterr(err, errlen,
						 "building the state: %s",
						 strerror(ENOMEM));
	return ferror(out) ? 0 : r;
}

/* The atomic writer's callback: header, groups, pairs, trailer. */
static int fill_state(FILE *out, void *ctx, char *err, size_t errlen)
{
	struct gs_tally *t = ctx;
	struct gs_tally_export x;
	size_t n = 0, n_pairs = 0;
	int rc = -1;

	if (gs_tally_export_begin(t, &x, err, errlen) < 0)
		return -1;
	if (emit(out, header_json(&x)) < 0) {
		gs_seterr(err, errlen, "building the state: %s",
			  strerror(ENOMEM));
		goto out;
	}
	if (emit_groups(t, &x, out, &n, err, errlen) < 0 ||
	    emit_pairs(t, &x, out, &n_pairs, err, errlen) < 0)
		goto out;
	if (ferror(out)) {
		rc = 0; /* reported by the atomic writer */
		goto out;
	}
	if (gs_tally_export_finish(t, &x, err, errlen) < 0)
		goto out;
	if (emit(out, trailer_json(&x, n, n_pairs)) < 0) {
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
