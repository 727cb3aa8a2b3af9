/* Opening a log file (or standard input) for the scan: zlib's gzread
 * decompresses gzip, found by its magic bytes, and passes anything else
 * through unchanged; and the errors zlib reports, named by the file.
 *
 * Concurrency & locking: none; a gzFile is the reading thread's. */
#include "gs_config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "ingest/scan_int.h"

/* zlib's own buffer. A gzread of at least twice this much goes straight
 * into the caller's buffer, unbuffered (plain text) or inflated there
 * (gzip); a smaller one is copied through this buffer. The scan reads a
 * block of GS_SCAN_READ_BYTES or more, so keep this at most half that. */
#define GS_GZ_BUFFER_BYTES (64 * 1024)
_Static_assert(2 * GS_GZ_BUFFER_BYTES <= GS_SCAN_READ_BYTES,
	       "a block is read through zlib's buffer");

/* A descriptor for path, and the reference time for year inference. */
static int open_fd(const char *path, time_t *ref, char *err, size_t errlen)
{
	struct stat st;
	int fd;

	if (strcmp(path, "-") == 0) {
		/* A copy, so that gzclose leaves standard input open. */
		fd = dup(STDIN_FILENO);
		*ref = time(NULL);
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0) {
		gs_seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		gs_seterr(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		gs_seterr(err, errlen, "%s: %s", path, strerror(EISDIR));
		goto fail;
	}
	if (strcmp(path, "-") != 0)
		*ref = st.st_mtime;
	return fd;
fail:
	(void)close(fd);
	return -1;
}

gzFile gs_scan_open(const char *path, time_t *ref, char *err, size_t errlen)
{
	gzFile gz;
	int fd = open_fd(path, ref, err, errlen);

	if (fd < 0)
		return NULL;
	gz = gzdopen(fd, "rb");
	if (gz == NULL) {
		gs_seterr(err, errlen,
			  "%s: cannot start reading (out of memory)", path);
		(void)close(fd);
		return NULL;
	}
	if (gzbuffer(gz, GS_GZ_BUFFER_BYTES) != 0) {
		gs_seterr(err, errlen, "%s: cannot size the read buffer", path);
		(void)gzclose(gz);
		return NULL;
	}
	return gz;
}

const char *gs_scan_gz_error(gzFile gz)
{
	int code;
	const char *text = gzerror(gz, &code);

	if (code == Z_ERRNO)
		return strerror(errno);
	return text;
}

int gs_scan_close(gzFile gz, const char *path, char *err, size_t errlen)
{
	int code = gzclose(gz);

	if (code == Z_OK)
		return 0;
	return gs_seterr(err, errlen, "%s: close: %s", path,
			 code == Z_ERRNO ? strerror(errno) : "zlib error");
}
