/* Saving and restoring the tally across restarts. The state file (JSON,
 * written atomically like the summary) holds every slot of every group, so
 * loading it restores exactly the same counts and the same summary. */
#ifndef GS_STATE_H
#define GS_STATE_H

#include <stddef.h>

#include "atomicfile.h"
#include "tally.h"

#define GS_STATE_FORMAT "greyscan-state"
#define GS_STATE_VERSION 1

/* Writes t's full state to path. Thread-safe with respect to t (copies under
 * its lock, writes outside it). -1 with err naming the file. */
int gs_state_save(struct gs_tally *t, const char *path,
		  const struct gs_file_opts *opts, char *err, size_t errlen);

/* Merges the state in path into t (normally empty). A missing file is not an
 * error (returns 0 and sets *found to 0). A corrupt, truncated or
 * wrong-version file returns -1 with err naming the file and the problem,
 * and leaves t unchanged. */
int gs_state_load(struct gs_tally *t, const char *path, int *found, char *err,
		  size_t errlen);

#endif
