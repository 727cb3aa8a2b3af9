/* The summary file: JSON built with libfastjson, written atomically, and a
 * validating reader for the report, the suggestions and the check plugin.
 * Field by field documentation: man/greyscan-summary.5.
 *
 * One header for the public API of both directions, which the front ends
 * include: the writer is summary_write.c, the reader summary_read.c (over
 * base/json_stream.c), both on the JSON layer's rules (base/json.h). */
#ifndef GS_SUMMARY_H
#define GS_SUMMARY_H

#include <stddef.h>

#include "base/atomicfile.h"
#include "summary/summary.h"

/* libfastjson's json_object is a macro for fjson_object; naming the real
 * struct keeps these prototypes right whether or not <libfastjson/json.h>
 * is included first. */
struct fjson_object;

/* Writes s to path atomically, streaming: memory for one domain at a time
 * besides s itself. totals.groups is written as at least n_groups. -1 with
 * err naming the path. */
int gs_summary_write(const struct gs_summary *s, const char *path,
		     const struct gs_file_opts *opts, char *err, size_t errlen);

/* Reads and validates path into out (release with gs_summary_free). When
 * the file lacks totals.groups (older writers listed every group), it is
 * set to n_groups. A
 * missing, unreadable, truncated, corrupt (bad JSON, wrong types, missing
 * fields, numbers out of range) or wrong-format/version file gives -1 with
 * err naming the path and what is wrong; out is then empty. Files larger
 * than GS_SUMMARY_MAX_BYTES are refused. */
#define GS_SUMMARY_MAX_BYTES (256u * 1024 * 1024)
int gs_summary_read(const char *path, struct gs_summary *out, char *err,
		    size_t errlen);

/* The same from a JSON tree; what names the source in messages. */
int gs_summary_from_json(struct fjson_object *root, const char *what,
			 struct gs_summary *out, char *err, size_t errlen);

#endif
