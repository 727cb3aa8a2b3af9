/* Atomic file replacement: a temporary file in the target's directory,
 * created with O_EXCL|O_NOFOLLOW, written, fflush'ed, fsync'ed, closed, given
 * its mode and owner, renamed over the target, then the directory fsync'ed.
 * rename() replaces a symlink planted at the target instead of following it,
 * so no other file is ever written. On any failure the temporary file is
 * removed and the old target stays as it was. */
#ifndef GS_ATOMICFILE_H
#define GS_ATOMICFILE_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "base/limits.h" /* GS_DEFAULT_FILE_MODE */

struct gs_file_opts {
	mode_t mode; /* permission bits of the new file */
	uid_t uid;   /* (uid_t)-1: leave as created */
	gid_t gid;   /* (gid_t)-1: leave as created */
};

/* Defaults: GS_DEFAULT_FILE_MODE, owner and group unchanged. */
void gs_file_opts_default(struct gs_file_opts *o);

/* Replaces path with len bytes of data. -1 with err naming the path, the
 * step that failed and the errno text. */
int gs_atomic_write(const char *path, const void *data, size_t len,
		    const struct gs_file_opts *opts, char *err, size_t errlen);

/* Writes the new content of a file into out (the temporary file, fully
 * buffered; the writer neither closes nor flushes it). Returns 0, or -1
 * with err filled (without the path, which the caller adds). A failed write
 * to out need not be reported: ferror(out) is checked afterwards. */
typedef int (*gs_atomic_fill_fn)(FILE *out, void *ctx, char *err,
				 size_t errlen);

/* Replaces path with what fill writes, streaming: the content is never held
 * in memory as a whole. The same steps and guarantees as gs_atomic_write;
 * fill runs once, between the creation of the temporary file and its
 * fsync. -1 with err naming the path and either fill's message or the step
 * that failed and the errno text; the old file then stays as it was. */
int gs_atomic_write_with(const char *path, const struct gs_file_opts *opts,
			 gs_atomic_fill_fn fill, void *ctx, char *err,
			 size_t errlen);

/* Removes the temporary files that writes of path interrupted by a crash
 * (kill -9, power loss) left in path's directory: entries named exactly
 * ".<basename>.XXXXXX" with six of the characters the writer uses, that are
 * regular files with one link, owned by the effective user or by opts->uid
 * (the owner a write gives them). Symbolic links are never followed and
 * anything else (links, directories, FIFOs, other owners, other names) is
 * left alone. Only for a path that no other process writes at the same
 * time. Returns the number of files removed (0 also when the directory is
 * missing), or -1 with err naming the directory or file and the errno text
 * (files removed before the error stay removed). opts NULL: defaults. */
int gs_atomic_remove_stale(const char *path, const struct gs_file_opts *opts,
			   char *err, size_t errlen);

#endif
