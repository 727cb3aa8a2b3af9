/* Saving and restoring the tally across restarts. The state file (written
 * atomically like the summary) holds every slot of every group, so loading
 * it restores exactly the same counts and the same summary.
 *
 * Format (private to greyscan; a new layout gets a new version): JSON Lines,
 * built with libfastjson, one object per line, each line ended by '\n'.
 * One line per group keeps the memory of saving and loading proportional to
 * one group rather than to a JSON tree of the whole tally. Version 2:
 *   line 1, the header, what is fixed for the tally's life:
 *     {"format":"greyscan-state","version":2,"window_s":604800,
 *      "slot_s":21600,
 *      "counters":["new","early_retry","delayed","passed","whitelisted",
 *                  "recipient_whitelisted","awl"]}
 *   then one line per group:
 *     {"name":"outlook.com","kind":"name" or "network",
 *      "first_seen":T,"last_seen":T,
 *      "entries":[{"slot":S,"host":H,"counts":[N,N,N,N,N,N,N],
 *                  "delay_max_s":D,"hist":[[BIN,N],...]},...],
 *      "addresses":[["192.0.2.1",S],...],"networks":[["192.0.2.0",S],...],
 *      "examples":["mail-x.outbound.protection.outlook.com",...]}
 *   and last the trailer, what may change while the groups are written, as
 *   it was after the last of them, and the number G of group lines:
 *     {"end":1700000000 (null before the first event),
 *      "totals":{"lines":N,"actions":N,"unparsed":N,"ignored":N,
 *                "evicted":N,"too_old":N,
 *                "per_counter":{"new":N,...,"awl":N}},
 *      "samples":["oldest unparsed line",...],
 *      "hosts":["other","mx1.example.org",...],
 *      "groups":G}
 * Times are seconds since the epoch, S absolute slot numbers (time / slot_s),
 * H an index into the trailer's "hosts", "counts" in the order of "counters"
 * (which must be this version's), BIN a delay histogram bin (see tally.h);
 * "delay_max_s" and "hist" appear together, only on entries with delays.
 * The trailer is the line with a "groups" member; nothing may follow it.
 * Version 1 (still read) had the trailer's fields in the header and no
 * trailer. The reader checks every field's presence, type and range and the
 * number of group lines; unknown fields are ignored.
 *
 * Consistency of a save while the tally is counting: the groups are read in
 * chunks (gs_tally_export_next), so each group is saved as it was when its
 * chunk was read, and the trailer's totals as they were after the last
 * chunk; a group created during the save may be missing (its events are in
 * the totals). A quiescent tally is saved exactly.
 *
 * One header for the public API of both directions: the writer is
 * state_write.c, the loader state_read.c, the fields of each line
 * state_parse.c (private, state_parse.h), all on the JSON layer's rules
 * (base/json.h). */
#ifndef GS_STATE_H
#define GS_STATE_H

#include <stddef.h>

#include "base/atomicfile.h"
#include "tally/tally.h"

#define GS_STATE_FORMAT	   "greyscan-state"
#define GS_STATE_VERSION   2 /* written */
#define GS_STATE_VERSION_1 1 /* still read */
/* A longer line is taken for a corrupt file. */
#define GS_STATE_MAX_LINE_BYTES (16u * 1024 * 1024)

/* Writes t's full state to path, streaming: the tally is read a chunk at a
 * time under its lock (some 500 groups per hold, about 0.3 us each) and
 * written outside it, so the memory needed stays at one chunk (about 150 KB)
 * and one group's JSON whatever the number of groups. Thread-safe with
 * respect to t; see above for what a concurrent save gives. opts NULL
 * means gs_file_opts_default. -1 with err naming the file. */
int gs_state_save(struct gs_tally *t, const char *path,
		  const struct gs_file_opts *opts, char *err, size_t errlen);

/* Merges the state in path (version 1 or 2) into t (normally empty; see
 * gs_tally_import for merging and for a different window). A missing file
 * is not an error (returns 0 and sets *found to 0); otherwise *found is set
 * to 1. The file is opened without following a symbolic link and without
 * blocking: a symbolic link, a FIFO or anything else that is not a regular
 * file returns -1 with err
 * naming the file ("is a symbolic link", "not a regular file"). Both
 * passes below read the same open file.
 * The file is checked whole before anything is merged: a corrupt, truncated
 * or wrong-version file returns -1 with err naming the file, the line and
 * the field, and leaves t unchanged. Then the groups are read again and
 * merged in batches, so memory stays at one batch (512 groups); only
 * running out of memory, or the file changing in place in between, can
 * then leave t with part of the state (-1). */
int gs_state_load(struct gs_tally *t, const char *path, int *found, char *err,
		  size_t errlen);

#endif
