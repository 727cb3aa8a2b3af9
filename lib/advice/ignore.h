/* greyscan's ignore file: groups check_greyscan and `greyscan suggest`
 * never report. One group per line, '#' comments and white space as in
 * postgrey's whitelists (base/listfile.h). An entry matches the group's
 * domain and its subdomains exactly like a whitelist name entry
 * (case-insensitive, on a label boundary); a leading '.' is dropped.
 * Network groups are ignored by their name as the summary writes it,
 * "[192.0.2.0/24]". A line with inner white space is an error.
 *
 * A loaded list is read-only: matching is safe from any thread. */
#ifndef GS_IGNORE_H
#define GS_IGNORE_H

#include <stdbool.h>
#include <stddef.h>

#include "advice/whitelist.h" /* struct gs_wl_hit */

#define GS_DEFAULT_IGNORE_FILE "/etc/greyscan/ignore"

struct gs_ignore;

/* An empty ignore list; NULL on no memory. Free with gs_ignore_free(). */
struct gs_ignore *gs_ignore_new(void);
void gs_ignore_free(struct gs_ignore *ig);

/* Adds the entries of path. When missing_ok, a missing file (ENOENT) adds
 * nothing and succeeds (the default file need not exist); otherwise, and
 * for any other failure or a line with inner white space, -1 with err
 * naming path[:line] and the errno text. */
int gs_ignore_load(struct gs_ignore *ig, const char *path, bool missing_ok,
		   char *err, size_t errlen);

/* The ignore list from path, which must exist, or when path is NULL from
 * GS_DEFAULT_IGNORE_FILE, which may be missing. NULL with err on no memory
 * or a failure of gs_ignore_load. Free with gs_ignore_free(). */
struct gs_ignore *gs_ignore_load_default(const char *path, char *err,
					 size_t errlen);

size_t gs_ignore_count(const struct gs_ignore *ig);

/* True when an entry matches domain or a parent domain of it. NULL ig or
 * domain: false. */
bool gs_ignore_match(const struct gs_ignore *ig, const char *domain,
		     struct gs_wl_hit *hit);

#endif
