/* Private to lib/state: the fields of one line of the state file (format
 * in state.h) checked and copied into the tally's export structures, for
 * the loader in state_read.c. Each function checks every field's presence,
 * type and range and returns -1 with the error naming the file, the line
 * (w->line) and the field; what it copied out is then still owned by its
 * output and released the usual way. */
#ifndef GS_STATE_PARSE_H
#define GS_STATE_PARSE_H

#include <stddef.h>

#include <libfastjson/json.h>

#include "base/json.h"
#include "tally/tally.h"

/* The header's fixed fields: format, version (1, 2 or 3, into *version),
 * window_s and slot_s (into x), and the counter names. */
int gs_state_read_header(const struct gs_json_where *w,
			 struct json_object *root, struct gs_tally_export *x,
			 int *version);

/* The fields that change while a tally is saved, in version 1's header and
 * the trailer of versions 2 and 3: end, totals (with pairs_evicted in
 * version 3), samples and hosts into x, the number of group lines into
 * *n_groups and of pair lines (version 3, else 0) into *n_pairs. */
int gs_state_read_dynamic(const struct gs_json_where *w,
			  struct json_object *root, int version,
			  struct gs_tally_export *x, size_t *n_groups,
			  size_t *n_pairs);

/* One group line of the file's version into g (zeroed by the caller), its
 * slots checked against x->slot_s and its host indexes against
 * x->n_hosts; version 3's with its "pair_slots". */
int gs_state_read_group(const struct gs_json_where *w, struct json_object *root,
			int version, const struct gs_tally_export *x,
			struct gs_tally_xgroup *g);

/* One pair line (version 3) into p. */
int gs_state_read_pair(const struct gs_json_where *w, struct json_object *root,
		       struct gs_tally_xpair *p);

/* Releases what gs_state_read_group copied into g and zeroes it. */
void gs_state_xgroup_free(struct gs_tally_xgroup *g);

#endif
