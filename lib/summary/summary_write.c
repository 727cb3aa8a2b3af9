/* The summary file's writer, version 2 (version 1 and the pair evidence:
 * each domain's "pairs", totals.pairs_evicted and pairs_open,
 * window.retry_window), with the per-slot series when the summary has one
 * (the top-level "series" and each domain's, members added within version
 * 2): see summary_file.h and man/greyscan-summary.5.
 *
 * Writing streams: the header fields (everything but the domains) become one
 * small libfastjson tree with an empty "domains" array, which is serialised
 * and written up to that array's '['; then each domain is built as its own
 * object, dumped straight into the file and released, and the array and the
 * object are closed. So memory stays at one domain's tree whatever the
 * number of domains, and the text is the same as one dump of the whole tree
 * would give (plain, without whitespace: for 100000 groups the file is 49 MB
 * plain and 69 MB pretty, and people read it through `greyscan report` or
 * `jq .` anyway). Numbers and times follow the JSON layer's rules
 * (base/json.h), which the reader (summary_read.c) checks. */
#include "gs_config.h"

#include "summary/summary_file.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <libfastjson/json.h>

#include "base/error.h"
#include "base/json.h"

/* Window start and end are null before the first event (time 0). */
static int add_nullable(struct json_object *obj, const char *key, time_t t)
{
	if (t == 0)
		return gs_json_add_null(obj, key);
	return gs_json_add_time(obj, key, t);
}

static struct json_object *window_to_json(const struct gs_summary *s)
{
	struct json_object *w = json_object_new_object();

	if (w == NULL)
		return NULL;
	if (add_nullable(w, "start", s->window_start) < 0 ||
	    add_nullable(w, "end", s->window_end) < 0 ||
	    gs_json_add_int(w, "seconds", s->window_s) < 0 ||
	    gs_json_add_int(w, "retry_window", s->retry_window_s) < 0) {
		json_object_put(w);
		return NULL;
	}
	return w;
}

/* The series' frame, given once; its start is null when it has no slot
 * (before the first event), and a time otherwise, also at time 0. */
static struct json_object *series_to_json(const struct gs_summary *s)
{
	struct json_object *o = json_object_new_object();
	int rc;

	if (o == NULL)
		return NULL;
	rc = s->series_slots == 0
		 ? gs_json_add_null(o, "start")
		 : gs_json_add_time(o, "start", s->series_start);
	if (rc < 0 ||
	    gs_json_add_int(o, "slot_seconds", s->series_slot_s) < 0 ||
	    gs_json_add_count(o, "slots", s->series_slots) < 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
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
	if (gs_json_add_count(o, "lines", t->lines) < 0 ||
	    gs_json_add_count(o, "actions", t->actions) < 0 ||
	    gs_json_add_count(o, "unparsed", t->unparsed) < 0 ||
	    gs_json_add_count(o, "ignored", t->ignored) < 0 ||
	    gs_json_add_count(o, "evicted", t->evicted) < 0 ||
	    gs_json_add_count(o, "too_old", t->too_old) < 0)
		goto fail;
	for (c = 0; c < GS_C_COUNT; c++)
		if (gs_json_add_count(o, gs_counter_name(c),
				      t->per_counter[c]) < 0)
			goto fail;
	if (gs_json_add_count(o, "groups", groups) < 0 ||
	    gs_json_add_count(o, "pairs_evicted", t->pairs_evicted) < 0 ||
	    gs_json_add_count(o, "pairs_open", t->pairs_open) < 0)
		goto fail;
	return o;
fail:
	json_object_put(o);
	return NULL;
}

static struct json_object *hosts_to_json(const struct gs_group_stats *g)
{
	struct json_object *o = json_object_new_object();
	size_t i;

	if (o == NULL)
		return NULL;
	for (i = 0; i < g->n_hosts; i++) {
		/* Host keys are copied and a duplicate replaces its twin. */
		if (gs_json_set(
			o, g->hosts[i].host != NULL ? g->hosts[i].host : "",
			gs_json_new_count(g->hosts[i].count)) < 0) {
			json_object_put(o);
			return NULL;
		}
	}
	return o;
}

/* A wait in seconds, null when nothing passed. */
static int add_wait(struct json_object *o, const char *key, bool has,
		    uint32_t v)
{
	return has ? gs_json_add_int(o, key, v) : gs_json_add_null(o, key);
}

/* The pair evidence; all zeros (and null waits) for a group whose pairs
 * were not followed (has_pairs false: a tally without pairs). */
static struct json_object *pairs_to_json(const struct gs_group_stats *g)
{
	static const struct gs_pair_stats none;
	const struct gs_pair_stats *p = g->has_pairs ? &g->pairs : &none;
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	if (gs_json_add_count(o, "greylisted", p->greylisted) < 0 ||
	    gs_json_add_count(o, "returned", p->returned) < 0 ||
	    gs_json_add_count(o, "other_network", p->other_network) < 0 ||
	    gs_json_add_count(o, "passed", p->passed) < 0 ||
	    gs_json_add_count(o, "pending", p->pending) < 0 ||
	    gs_json_add_count(o, "expired", p->expired) < 0 ||
	    gs_json_add_count(o, "never_returned", p->never_returned) < 0 ||
	    add_wait(o, "wait_median", p->has_wait, p->wait_median_s) < 0 ||
	    add_wait(o, "wait_p90", p->has_wait, p->wait_p90_s) < 0 ||
	    add_wait(o, "wait_max", p->has_wait, p->wait_max_s) < 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* One field of each of n slots, as an array of counts. */
static struct json_object *slots_to_json(const struct gs_series_slot *v,
					 size_t n, bool passed)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	if (a == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (gs_json_push(
			a, gs_json_new_count(passed ? v[i].passed
						    : v[i].greylisted)) < 0) {
			json_object_put(a);
			return NULL;
		}
	}
	return a;
}

/* The group's series: n slots of it, zeros where it has none (a group
 * made by hand). */
static struct json_object *group_series_to_json(const struct gs_group_stats *g,
						size_t n)
{
	static const struct gs_series_slot zero[GS_SERIES_MAX_SLOTS];
	const struct gs_series_slot *v = g->series != NULL ? g->series : zero;
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	if (gs_json_add(o, "greylisted", slots_to_json(v, n, false)) < 0 ||
	    gs_json_add(o, "passed", slots_to_json(v, n, true)) < 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static struct json_object *group_to_json(const struct gs_summary *s,
					 const struct gs_group_stats *g)
{
	struct json_object *o = json_object_new_object();
	size_t n_ex =
	    g->n_examples < GS_MAX_EXAMPLES ? g->n_examples : GS_MAX_EXAMPLES;
	int c;

	if (o == NULL)
		return NULL;
	if (gs_json_add_str(o, "domain", g->domain) < 0 ||
	    gs_json_add_str(
		o, "kind", g->kind == GS_KIND_NETWORK ? "network" : "name") < 0)
		goto fail;
	for (c = 0; c < GS_C_COUNT; c++)
		if (gs_json_add_count(o, gs_counter_name(c), g->counts[c]) < 0)
			goto fail;
	if (gs_json_add_count(o, "delay_count", g->delay_count) < 0 ||
	    gs_json_add_int(o, "delay_median", g->delay_median_s) < 0 ||
	    gs_json_add_int(o, "delay_max", g->delay_max_s) < 0 ||
	    gs_json_add_int(o, "client_addresses", g->client_addresses) < 0 ||
	    gs_json_add_int(o, "networks", g->networks) < 0 ||
	    gs_json_add(o, "examples", gs_json_new_strings(g->examples, n_ex)) <
		0 ||
	    gs_json_add_time(o, "first_seen", g->first_seen) < 0 ||
	    gs_json_add_time(o, "last_seen", g->last_seen) < 0 ||
	    gs_json_add(o, "hosts", hosts_to_json(g)) < 0 ||
	    gs_json_add(o, "pairs", pairs_to_json(g)) < 0)
		goto fail;
	if (s->has_series &&
	    gs_json_add(o, "series", group_series_to_json(g, s->series_slots)) <
		0)
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
	if (gs_json_add_str(root, "format", GS_SUMMARY_FORMAT) < 0 ||
	    gs_json_add_int(root, "version", GS_SUMMARY_VERSION) < 0 ||
	    gs_json_add_time(root, "generated", s->generated) < 0 ||
	    gs_json_add(root, "window", window_to_json(s)) < 0 ||
	    gs_json_add(root, "totals",
			totals_to_json(&s->totals, s->n_groups)) < 0 ||
	    gs_json_add(root, "unparsed_samples",
			gs_json_new_strings(s->samples, n_samples)) < 0 ||
	    (s->has_series &&
	     gs_json_add(root, "series", series_to_json(s)) < 0) ||
	    gs_json_add(root, "domains", json_object_new_array()) < 0) {
		json_object_put(root);
		return NULL;
	}
	return root;
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
 * library's serialisations is all that is written by hand. A failed write
 * shows in ferror(), which the atomic writer checks. */
static int fill_summary(FILE *out, void *ctx, char *err, size_t errlen)
{
	const struct gs_summary *s = ctx;
	struct json_object *o;
	size_t i;

	if (write_head(out, s, err, errlen) < 0)
		return -1;
	for (i = 0; i < s->n_groups && !ferror(out); i++) {
		o = group_to_json(s, &s->groups[i]);
		if (o == NULL)
			return gs_seterr(err, errlen,
					 "building domain %zu of the summary: "
					 "%s",
					 i, strerror(ENOMEM));
		if (i > 0)
			(void)putc(',', out);
		gs_json_dump(out, o);
		json_object_put(o);
	}
	(void)fputs("]}\n", out);
	return 0;
}

int gs_summary_write(const struct gs_summary *s, const char *path,
		     const struct gs_file_opts *opts, char *err, size_t errlen)
{
	/* A file the reader would refuse is not written. */
	if (s->has_series &&
	    (s->series_slots > GS_SERIES_MAX_SLOTS || s->series_slot_s == 0))
		return gs_seterr(
		    err, errlen,
		    "%s: a series of %zu slots of %" PRIu32
		    " s (expected at most %d slots of at least 1 s)",
		    path, s->series_slots, s->series_slot_s,
		    GS_SERIES_MAX_SLOTS);
	return gs_atomic_write_with(path, opts, fill_summary, (void *)s, err,
				    errlen);
}
