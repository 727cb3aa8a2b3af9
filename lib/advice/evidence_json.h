/* The pair evidence of one group as JSON, the same object in
 * `greyscan suggest --json` and `greyscan report --json`. */
#ifndef GS_EVIDENCE_JSON_H
#define GS_EVIDENCE_JSON_H

#include "summary/summary.h"

struct fjson_object;

/* {"greylisted", "returned", "other_network", "passed", "pending",
 * "expired", "never_returned", "never_passed" (gs_verdict_never_passed),
 * "wait_median", "wait_p90", "wait_max" (seconds, null when no wait is
 * known)}, counts by base/json.h's rule; JSON null when the group has no
 * pair evidence. NULL when out of memory (a null is then never returned:
 * check has_pairs). The caller owns the object. */
struct fjson_object *gs_evidence_json(const struct gs_group_stats *g);

#endif
