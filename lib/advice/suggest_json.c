/* `greyscan suggest --json`: the listed candidates as JSON Lines, one
 * object a line, built with libfastjson (see gs_suggest_json in
 * suggest.h). */
#include "gs_config.h"

#include "advice/suggest.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libfastjson/json.h>

#include "base/error.h"
#include "base/json.h"
#include "advice/evidence_json.h"

/* A string member, or null for "". */
static int add_text(struct json_object *o, const char *key, const char *s)
{
	return s[0] != '\0' ? gs_json_add_str(o, key, s)
			    : gs_json_add_null(o, key);
}

static struct json_object *candidate_json(const struct gs_candidate *c)
{
	const struct gs_group_stats *g = c->group;
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	if (gs_json_add_str(o, "domain", g->domain) < 0 ||
	    gs_json_add_str(o, "kind",
			    g->kind == GS_KIND_NETWORK ? "network" : "name") <
		0 ||
	    gs_json_add_str(o, "verdict", gs_verdict_name(c->verdict)) < 0 ||
	    gs_json_add_str(o, "decided_by",
			    c->by_pairs ? "pairs" : "host-names") < 0 ||
	    gs_json_add_str(o, "reason", c->reason) < 0 ||
	    add_text(o, "detail", c->detail) < 0 ||
	    add_text(o, "entry", c->entry) < 0 ||
	    gs_json_add_count(o, "greylisted", c->greylisted) < 0 ||
	    gs_json_add_count(o, "new", g->counts[GS_C_NEW]) < 0 ||
	    gs_json_add_count(o, "early_retry", g->counts[GS_C_EARLY_RETRY]) <
		0 ||
	    gs_json_add_count(o, "delayed", g->counts[GS_C_DELAYED]) < 0 ||
	    (g->has_pairs ? gs_json_add(o, "pairs", gs_evidence_json(g))
			  : gs_json_add_null(o, "pairs")) < 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* One line; -1 with errno on no memory or a write error. */
static int write_line(FILE *out, const struct gs_candidate *c)
{
	struct json_object *o = candidate_json(c);
	const char *text;
	int rc = -1;

	if (o == NULL) {
		errno = ENOMEM;
		return -1;
	}
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	if (text == NULL)
		errno = ENOMEM;
	else if (fputs(text, out) != EOF && putc('\n', out) != EOF)
		rc = 0;
	json_object_put(o);
	return rc;
}

int gs_suggest_json(FILE *out, const struct gs_summary *s,
		    const struct gs_whitelist *wl, const struct gs_ignore *ig,
		    const struct gs_suggest_opts *o, char *err, size_t errlen)
{
	struct gs_candidates cs;
	size_t i;
	int n = 0, rc = 0;

	if (gs_candidates_select(s, wl, ig, o, &cs, err, errlen) < 0)
		return -1;
	errno = 0;
	for (i = 0; i < cs.n_items && rc == 0; i++) {
		if (!gs_candidate_listed(&cs.items[i]))
			continue;
		rc = write_line(out, &cs.items[i]);
		n++;
	}
	gs_candidates_free(&cs);
	if (rc == 0 && (fflush(out) != 0 || ferror(out)))
		rc = -1;
	if (rc < 0)
		return gs_seterr(err, errlen, "writing suggestions: %s",
				 strerror(errno != 0 ? errno : EIO));
	return n;
}
