/* Saving and restoring the tally across restarts. The state file (written
 * atomically like the summary) holds every slot of every group, so loading
 * it restores exactly the same counts and the same summary.
 *
 * Format (private to greyscan; a new layout gets a new version): JSON Lines,
 * built with libfastjson, one object per line, each line ended by '\n'.
 * One line per group keeps the memory of saving and loading proportional to
 * one group rather than to a JSON tree of the whole tally. Version 3:
 *   line 1, the header, what is fixed for the tally's life:
 *     {"format":"greyscan-state","version":3,"window_s":604800,
 *      "slot_s":21600,
 *      "counters":["new","early_retry","delayed","passed","whitelisted",
 *                  "recipient_whitelisted","awl"]}
 *   then one line per group:
 *     {"name":"outlook.com","kind":"name" or "network",
 *      "first_seen":T,"last_seen":T,
 *      "entries":[{"slot":S,"host":H,"counts":[N,N,N,N,N,N,N],
 *                  "delay_max_s":D,"hist":[[BIN,N],...]},...],
 *      "addresses":[["192.0.2.1",S],...],"networks":[["192.0.2.0",S],...],
 *      "examples":["mail-x.outbound.protection.outlook.com",...],
 *      "pair_slots":[{"slot":S,"counts":[N,N,N,N,N,N],
 *                     "wait_max_s":D,"wait":[[BIN,N],...]},...]}
 *   then one line per open pair, oldest first:
 *     {"pair":"K","group":"outlook.com" (null: its group was dropped),
 *      "net":"K","first":T,"flags":F}
 *   and last the trailer, what may change while the groups and pairs are
 *   written, as it was after the last of them, and the numbers G of group
 *   lines and P of pair lines:
 *     {"end":1700000000 (null before the first event),
 *      "totals":{"lines":N,"actions":N,"unparsed":N,"ignored":N,
 *                "evicted":N,"too_old":N,"pairs_evicted":N,
 *                "per_counter":{"new":N,...,"awl":N}},
 *      "samples":["oldest unparsed line",...],
 *      "hosts":["other","mx1.example.org",...],
 *      "groups":G,"pairs":P}
 * Times are seconds since the epoch, S absolute slot numbers (time / slot_s),
 * H an index into the trailer's "hosts", "counts" in the order of "counters"
 * (which must be this version's), BIN a delay histogram bin (see tally.h);
 * "delay_max_s" and "hist" appear together, only on entries with delays.
 * A pair slot holds what became of the group's pairs first greylisted in
 * slot S, "counts" in the order of enum gs_tally_pair_count (greylisted,
 * returned, other_network, passed, expired, never_returned), and with
 * "wait_max_s" and "wait" (together, only when a pair passed) the waits'
 * histogram, as "hist"; the pairs still open are the pair lines. A pair
 * line's K are 16 lower-case hex digits: the pair's key (gs_pairs_key) and
 * the identity of the network of its first greylisting (tally_int.h), T
 * the time of that greylisting, F its flags: GS_STATE_PAIR_RETURNED |
 * GS_STATE_PAIR_OTHER_NETWORK. The trailer is the line with a "groups"
 * member; nothing may follow it. Version 2 (still read: written by the
 * release before pairs) had no "pair_slots", no pair lines, no
 * "pairs_evicted" and no "pairs": it loads with no pairs. Version 1 (still
 * read) had, besides, the trailer's fields in the header and no trailer.
 * The reader checks every field's presence, type and range and the number
 * of group and pair lines; unknown fields are ignored.
 *
 * Consistency of a save while the tally is counting: the groups are read in
 * chunks (gs_tally_export_next), so each group is saved as it was when its
 * chunk was read, then the pairs likewise (gs_tally_export_pairs), and the
 * trailer's totals as they were after the last chunk; a group created
 * during the save may be missing (its events are in the totals), and a
 * pair opened or closed between its group's chunk and its own may be
 * counted open in a slot that does not count its greylisting or its pass
 * (tally.h: the snapshots clamp). A quiescent tally is saved exactly.
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
#define GS_STATE_VERSION   3 /* written */
#define GS_STATE_VERSION_2 2 /* still read, without pairs */
#define GS_STATE_VERSION_1 1 /* still read, without pairs */
/* A pair line's "flags". */
#define GS_STATE_PAIR_RETURNED	    1
#define GS_STATE_PAIR_OTHER_NETWORK 2
/* A longer line is taken for a corrupt file. */
#define GS_STATE_MAX_LINE_BYTES (16u * 1024 * 1024)

/* Writes t's full state to path, streaming: the tally is read a chunk at a
 * time under its lock (some 500 groups per hold, about 0.3 us each; 1024
 * pairs per hold, under 0.1 us each) and written outside it, so the memory
 * needed stays at one chunk (about 150 KB of groups, 330 KB of pairs) and
 * one group's JSON whatever the number of groups and pairs. Thread-safe with
 * respect to t; see above for what a concurrent save gives. opts NULL
 * means gs_file_opts_default. -1 with err naming the file. */
int gs_state_save(struct gs_tally *t, const char *path,
		  const struct gs_file_opts *opts, char *err, size_t errlen);

/* Merges the state in path (version 1, 2 or 3) into t (normally empty; see
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
 * then leave t with part of the state (-1). The pairs are merged after
 * all the groups, in batches of GS_TALLY_PAIR_CHUNK. */
int gs_state_load(struct gs_tally *t, const char *path, int *found, char *err,
		  size_t errlen);

#endif
