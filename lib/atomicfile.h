/* Atomic file replacement: a temporary file in the target's directory,
 * created with O_EXCL|O_NOFOLLOW, written, fflush'ed, fsync'ed, closed, given
 * its mode and owner, renamed over the target, then the directory fsync'ed.
 * rename() replaces a symlink planted at the target instead of following it,
 * so no other file is ever written. On any failure the temporary file is
 * removed and the old target stays as it was. */
#ifndef GS_ATOMICFILE_H
#define GS_ATOMICFILE_H

#include <stddef.h>
#include <sys/types.h>

#define GS_DEFAULT_FILE_MODE 0640

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

#endif
