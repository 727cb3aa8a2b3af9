/* The writer thread of one action: restores the counts at start, writes
 * the summary and state files at start, every interval, on HUP and once
 * more at shutdown, and reports failure streaks. Concurrency: see
 * instance.h and writer.c. */
#ifndef OMGS_WRITER_H
#define OMGS_WRITER_H

#include "instance.h"

/* Creates wr_cond (monotonic clock) and wr_mut and sets d->wr_sync_ok.
 * Returns 0, or -1 with nothing left to destroy. */
int omgs_writer_sync_init(instanceData *d);

/* activateCnf, before the actions run: removes the temporary files that
 * an interrupted write of the summary or state file left (logged), then
 * restores the tally from the state file (a file that cannot be read is
 * moved aside and d->tally is replaced by an empty tally, so counting
 * starts from zero), then starts the writer thread. If the thread cannot
 * start, logs that the summary will be written only at shutdown. */
void omgs_writer_start(instanceData *d);

/* HUP: has a running writer write the files now. */
void omgs_writer_hup(instanceData *d);

/* freeInstance, after the workers have stopped: has a running writer do
 * its final write and joins it; if omgs_writer_start ran but could not
 * start the thread, writes the files once itself. */
void omgs_writer_stop(instanceData *d);

/* Destroys what omgs_writer_sync_init created, if it did. The writer must
 * be stopped. */
void omgs_writer_sync_fini(instanceData *d);

#endif
