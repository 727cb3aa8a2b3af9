/* Atomic replacement of a file: see atomicfile.h for the contract. The order
 * of steps matters: the data is written, given its mode and owner, fsync'ed
 * and closed before the rename, so the target name only ever points at the
 * old file or at the complete new one, even after a crash. The content is
 * written through stdio by a callback, so that big files are streamed;
 * gs_atomic_write is the case of a buffer already in memory. */
#include "gs_config.h"

#include "base/atomicfile.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/error.h"

#define TEMP_SUFFIX_LEN	   6	 /* random characters after ".<basename>." */
#define TEMP_MAX_TRIES	   100	 /* O_EXCL collisions before giving up */
#define WRITE_BUFFER_BYTES 65536 /* stdio buffer of the temporary file */

/* The characters of a temporary file's random suffix. */
static const char suffix_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "abcdefghijklmnopqrstuvwxyz0123456789";

void gs_file_opts_default(struct gs_file_opts *o)
{
	o->mode = GS_DEFAULT_FILE_MODE;
	o->uid = (uid_t)-1;
	o->gid = (gid_t)-1;
}

/* Splits path into a malloc'ed directory ("." without a slash) and a pointer
 * to the base name inside path. -1 (errno set) on no memory or no name. */
static int split_path(const char *path, char **dir, const char **base)
{
	const char *slash = strrchr(path, '/');
	size_t dlen;

	*base = slash != NULL ? slash + 1 : path;
	if (**base == '\0') {
		errno = EISDIR;
		return -1;
	}
	if (slash == NULL)
		*dir = strdup(".");
	else if (slash == path)
		*dir = strdup("/");
	else {
		dlen = (size_t)(slash - path);
		*dir = malloc(dlen + 1);
		if (*dir != NULL) {
			memcpy(*dir, path, dlen);
			(*dir)[dlen] = '\0';
		}
	}
	return *dir != NULL ? 0 : -1;
}

/* Fills TEMP_SUFFIX_LEN random filename characters at p. Randomness only
 * avoids collisions; O_EXCL is what makes the creation safe, so a clock
 * fallback is good enough when getrandom() cannot deliver. */
static void random_suffix(char *p, unsigned attempt)
{
	unsigned char rnd[TEMP_SUFFIX_LEN];
	struct timespec ts;
	uint64_t x;
	size_t i;

	if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(rnd)) {
		clock_gettime(CLOCK_REALTIME, &ts);
		x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^
		    ((uint64_t)getpid() << 32) ^ attempt * 0x9e3779b97f4a7c15u;
		for (i = 0; i < sizeof(rnd); i++, x >>= 8)
			rnd[i] = (unsigned char)x;
	}
	for (i = 0; i < TEMP_SUFFIX_LEN; i++)
		p[i] = suffix_chars[rnd[i] % (sizeof(suffix_chars) - 1)];
}

/* Creates ".<base>.XXXXXX" in dir; returns the fd and the malloc'ed name in
 * *tmp, or -1 with errno set. */
static int create_temp(const char *dir, const char *base, char **tmp)
{
	size_t len = strlen(dir) + strlen(base) + TEMP_SUFFIX_LEN + 4;
	unsigned attempt;
	char *name, *suffix;
	int fd = -1;

	name = malloc(len);
	if (name == NULL)
		return -1;
	snprintf(name, len, "%s/.%s.", dir, base);
	suffix = name + strlen(name);
	for (attempt = 0; attempt < TEMP_MAX_TRIES; attempt++) {
		random_suffix(suffix, attempt);
		suffix[TEMP_SUFFIX_LEN] = '\0';
		fd = open(name,
			  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			  0600);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		free(name);
		return -1;
	}
	*tmp = name;
	return fd;
}

/* Makes the rename itself durable. A few file systems cannot fsync a
 * directory (EINVAL); the rename has happened then and nothing better can
 * be done, so that is not an error. */
static int sync_dir(const char *dir, const char **step)
{
	int fd, r, saved;

	*step = "open directory";
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	*step = "fsync directory";
	r = fsync(fd);
	saved = errno;
	if (r < 0 && saved == EINVAL)
		r = 0;
	if (close(fd) < 0 && r == 0) {
		*step = "close directory";
		return -1;
	}
	errno = saved;
	return r;
}

/* Gives the filled temporary file its mode and owner and makes it durable;
 * *step names what failed. */
static int finish_temp(FILE *out, const struct gs_file_opts *opts,
		       const char **step)
{
	int fd = fileno(out);

	*step = "write";
	if (fflush(out) == EOF)
		return -1;
	*step = "fchmod";
	if (fchmod(fd, opts->mode) < 0)
		return -1;
	*step = "fchown";
	if ((opts->uid != (uid_t)-1 || opts->gid != (gid_t)-1) &&
	    fchown(fd, opts->uid, opts->gid) < 0)
		return -1;
	*step = "fsync";
	return fsync(fd);
}

/* Creates the temporary file in dir (its name in *tmp) and opens it as a
 * fully buffered stream. NULL with errno set and *step naming what failed;
 * *tmp is set once the file exists, so that the caller removes it. */
static FILE *open_temp(const char *dir, const char *base, char **tmp,
		       const char **step)
{
	FILE *out;
	int fd, saved;

	*step = "create temporary file";
	fd = create_temp(dir, base, tmp);
	if (fd < 0)
		return NULL;
	*step = "fdopen";
	out = fdopen(fd, "w");
	if (out == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
		return NULL;
	}
	/* Bigger writes than the default st_blksize; failure is harmless. */
	(void)setvbuf(out, NULL, _IOFBF, WRITE_BUFFER_BYTES);
	return out;
}

int gs_atomic_write_with(const char *path, const struct gs_file_opts *opts,
			 gs_atomic_fill_fn fill, void *ctx, char *err,
			 size_t errlen)
{
	struct gs_file_opts defaults;
	char why[GS_ERRLEN] = "";
	const char *base, *step;
	char *dir = NULL, *tmp = NULL;
	FILE *out = NULL;
	int rc = -1, saved;

	if (path == NULL || *path == '\0')
		return gs_seterr(err, errlen, "atomic write: empty path");
	if (fill == NULL)
		return gs_seterr(err, errlen, "%s: nothing to write", path);
	if (opts == NULL) {
		gs_file_opts_default(&defaults);
		opts = &defaults;
	}
	step = "split path";
	if (split_path(path, &dir, &base) < 0)
		goto fail;
	out = open_temp(dir, base, &tmp, &step);
	if (out == NULL)
		goto fail;
	errno = 0;
	rc = fill(out, ctx, why, sizeof(why));
	step = "write";
	if (ferror(out)) {
		if (errno == 0)
			errno = EIO;
		rc = -1;
		goto fail;
	}
	if (rc < 0) {
		gs_seterr(err, errlen, "%s: %s", path, why);
		goto out;
	}
	rc = -1;
	if (finish_temp(out, opts, &step) < 0)
		goto fail;
	step = "close";
	saved = fclose(out);
	out = NULL;
	if (saved == EOF)
		goto fail;
	step = "rename";
	if (rename(tmp, path) < 0)
		goto fail;
	free(tmp);
	tmp = NULL;
	if (sync_dir(dir, &step) < 0)
		goto fail;
	rc = 0;
	goto out;

fail:
	saved = errno;
	if (tmp != NULL)
		gs_seterr(err, errlen, "%s: %s (temporary file %s): %s", path,
			  step, tmp, strerror(saved));
	else
		gs_seterr(err, errlen, "%s: %s: %s", path, step,
			  strerror(saved));
out:
	/* Only on failure: the data goes with the temporary file. */
	if (out != NULL)
		(void)fclose(out);
	if (tmp != NULL)
		unlink(tmp);
	free(tmp);
	free(dir);
	return rc;
}

struct bytes {
	const void *data;
	size_t len;
};

static int fill_bytes(FILE *out, void *ctx, char *err, size_t errlen)
{
	const struct bytes *b = ctx;

	(void)err;
	(void)errlen;
	/* A short write shows in ferror(out). */
	if (b->len > 0)
		(void)fwrite(b->data, 1, b->len, out);
	return 0;
}

int gs_atomic_write(const char *path, const void *data, size_t len,
		    const struct gs_file_opts *opts, char *err, size_t errlen)
{
	struct bytes b = {data, len};

	if (data == NULL && len > 0)
		return gs_seterr(err, errlen, "%s: no data to write",
				 path != NULL ? path : "(null)");
	return gs_atomic_write_with(path, opts, fill_bytes, &b, err, errlen);
}

/* Whether name is ".<base>." followed by a suffix create_temp could have
 * made. */
static int is_temp_name(const char *name, const char *base)
{
	size_t blen = strlen(base);
	size_t i;

	if (name[0] != '.' || strncmp(name + 1, base, blen) != 0 ||
	    name[1 + blen] != '.')
		return 0;
	name += blen + 2;
	for (i = 0; i < TEMP_SUFFIX_LEN; i++)
		if (name[i] == '\0' || strchr(suffix_chars, name[i]) == NULL)
			return 0;
	return name[TEMP_SUFFIX_LEN] == '\0';
}

/* Whether st is what an interrupted write leaves: a regular file with one
 * link, owned by us or by the owner the write gives it. */
static int is_own_temp(const struct stat *st, const struct gs_file_opts *opts)
{
	return S_ISREG(st->st_mode) && st->st_nlink == 1 &&
	       (st->st_uid == geteuid() ||
		(opts->uid != (uid_t)-1 && st->st_uid == opts->uid));
}

/* Checking and removing go through the directory's descriptor, by name:
 * lstat-like (AT_SYMLINK_NOFOLLOW) and unlinkat, which removes the entry
 * and never follows a link. If the entry is swapped between the two calls,
 * what goes is an entry that whoever swapped it could remove as well. */
int gs_atomic_remove_stale(const char *path, const struct gs_file_opts *opts,
			   char *err, size_t errlen)
{
	struct gs_file_opts defaults;
	const char *base;
	char *dir = NULL;
	struct dirent *de;
	struct stat st;
	DIR *dp = NULL;
	int dfd, removed = 0, rc = -1;

	if (path == NULL || *path == '\0')
		return gs_seterr(err, errlen,
				 "stale temporary files: empty path");
	if (opts == NULL) {
		gs_file_opts_default(&defaults);
		opts = &defaults;
	}
	if (split_path(path, &dir, &base) < 0) {
		gs_seterr(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		if (errno == ENOENT) /* nothing left behind there */
			rc = 0;
		else
			gs_seterr(err, errlen, "%s: open directory: %s", dir,
				  strerror(errno));
		goto out;
	}
	dp = fdopendir(dfd);
	if (dp == NULL) {
		gs_seterr(err, errlen, "%s: open directory: %s", dir,
			  strerror(errno));
		close(dfd);
		goto out;
	}
	for (errno = 0; (de = readdir(dp)) != NULL; errno = 0) {
		if (!is_temp_name(de->d_name, base))
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !is_own_temp(&st, opts))
			continue; /* gone meanwhile, or not ours */
		if (unlinkat(dfd, de->d_name, 0) < 0) {
			if (errno == ENOENT)
				continue;
			gs_seterr(err, errlen, "%s/%s: remove: %s", dir,
				  de->d_name, strerror(errno));
			goto out;
		}
		removed++;
	}
	if (errno != 0) {
		gs_seterr(err, errlen, "%s: read directory: %s", dir,
			  strerror(errno));
		goto out;
	}
	rc = removed;
out:
	if (dp != NULL)
		(void)closedir(dp);
	free(dir);
	return rc;
}
