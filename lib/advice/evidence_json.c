/* The pair evidence as JSON: see evidence_json.h. */
#include "gs_config.h"

#include "advice/evidence_json.h"

#include <stdbool.h>

#include <libfastjson/json.h>

#include "base/json.h"
#include "advice/verdict.h"

/* A wait in seconds, or null when none is known. */
static int add_wait(struct json_object *o, const char *key, bool known,
		    uint32_t s)
{
	return known ? gs_json_add_count(o, key, s) : gs_json_add_null(o, key);
}

struct json_object *gs_evidence_json(const struct gs_group_stats *g)
{
	const struct gs_pair_stats *p = &g->pairs;
	struct gs_pair_figures f;
	struct json_object *o;

	if (!g->has_pairs)
		return NULL; /* JSON null */
	o = json_object_new_object();
	if (o == NULL)
		return NULL;
	gs_verdict_figures(p, &f);
	if (gs_json_add_count(o, "greylisted", p->greylisted) < 0 ||
	    gs_json_add_count(o, "returned", p->returned) < 0 ||
	    gs_json_add_count(o, "other_network", p->other_network) < 0 ||
	    gs_json_add_count(o, "passed", p->passed) < 0 ||
	    gs_json_add_count(o, "pending", p->pending) < 0 ||
	    gs_json_add_count(o, "expired", p->expired) < 0 ||
	    gs_json_add_count(o, "never_returned", p->never_returned) < 0 ||
	    gs_json_add_count(o, "never_passed", gs_verdict_never_passed(&f)) <
		0 ||
	    add_wait(o, "wait_median", p->has_wait, p->wait_median_s) < 0 ||
	    add_wait(o, "wait_p90", p->has_wait, p->wait_p90_s) < 0 ||
	    add_wait(o, "wait_max", p->has_wait, p->wait_max_s) < 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}
