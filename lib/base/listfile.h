/* Reading list files the way postgrey reads its whitelists
 * (read_clients_whitelists: s/#.*$//; s/^\s+//; s/\s+$//): one entry a
 * line, everything from the first '#' dropped, then leading and trailing
 * white space; lines left empty are skipped. White space is Perl's \s on
 * bytes: ASCII only, whatever the locale. Used by the whitelist and the
 * ignore file (lib/advice); no state, safe from any thread. */
#ifndef GS_LISTFILE_H
#define GS_LISTFILE_H

#include <stdbool.h>
#include <stddef.h>

#define GS_LISTFILE_MAX_LINE_BYTES 4096 /* longer lines are an error */

/* Called for each line left after stripping (never empty, NUL-terminated,
 * writable until the call returns); lineno counts from 1. 0 to go on, or
 * -1 with err filled (naming the file and line) to stop reading. */
typedef int (*gs_listfile_line_fn)(void *ctx, char *line, unsigned lineno,
				   char *err, size_t errlen);

/* Calls fn for each entry of path, in order. A missing file (ENOENT) when
 * missing_ok reads nothing and succeeds. -1 with err when path cannot be
 * opened ("path: errno text"), on a read error or a line longer than
 * GS_LISTFILE_MAX_LINE_BYTES ("path:line: ..."), when fn fails (its err)
 * or close fails; the lines before it have been passed to fn. */
int gs_listfile_read(const char *path, bool missing_ok, gs_listfile_line_fn fn,
		     void *ctx, char *err, size_t errlen);

/* Whether s holds white space (Perl's \s, as above). */
bool gs_listfile_has_space(const char *s);

#endif
