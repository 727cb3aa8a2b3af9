/* Replays inputs through a libFuzzer target without libFuzzer: a main that
 * feeds every file of the directories given (names sorted; dot files,
 * such as the .keep of an empty regressions directory, skipped) to the target's
 * LLVMFuzzerTestOneInput, each in a buffer of its exact size, so that a
 * sanitizer build catches reads past its end. Built with the project's compiler
 * once per target (tests/fuzz/Makefile.inc) and run by tests/fuzz/replay.sh
 * over the committed corpus and regressions.
 *
 * usage: replay_TARGET DIR...
 * Prints each file's name before running it, so that the last name printed
 * is the input of a crash. Exit status: 0 when every input ran (a crash
 * ends the process with the signal or the sanitizer's status), 1 when an
 * input returned non-zero, 2 when a directory or file cannot be read. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional in a target: called once before the first input. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

#define MAX_INPUT_BYTES (16 * 1024 * 1024)

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads PATH into a malloc'd buffer of exactly its size (at least 1 byte
 * allocated, so that an empty input is still a valid pointer). */
static uint8_t *read_file(const char *path, size_t *size)
{
	uint8_t *buf = NULL;
	struct stat st;
	FILE *f;

	f = fopen(path, "rb");
	if (f == NULL)
		goto fail;
	if (fstat(fileno(f), &st) != 0)
		goto fail;
	if (st.st_size < 0 || st.st_size > MAX_INPUT_BYTES) {
		errno = EFBIG;
		goto fail;
	}
	*size = (size_t)st.st_size;
	buf = malloc(*size > 0 ? *size : 1);
	if (buf == NULL)
		goto fail;
	if (*size > 0 && fread(buf, 1, *size, f) != *size) {
		if (!ferror(f))
			errno = EIO;
		goto fail;
	}
	if (fclose(f) != 0) {
		f = NULL;
		goto fail;
	}
	return buf;

fail:
	fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
	if (f != NULL)
		(void)fclose(f);
	free(buf);
	return NULL;
}

/* Runs every file of DIR; returns the number run, or -1. */
static long replay_dir(const char *dir, int *failed)
{
	struct dirent *de;
	char **names = NULL, **grown;
	size_t n = 0, cap = 0, i;
	long run = -1;
	DIR *d;

	d = opendir(dir);
	if (d == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (errno = 0; (de = readdir(d)) != NULL; errno = 0) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap > 0 ? 2 * cap : 64;
			grown = realloc(names, cap * sizeof(*names));
			if (grown == NULL)
				goto nomem;
			names = grown;
		}
		names[n] = strdup(de->d_name);
		if (names[n] == NULL)
			goto nomem;
		n++;
	}
	if (errno != 0) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		goto out;
	}
	if (n > 0)
		qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		char path[4096];
		uint8_t *data;
		size_t size;
		int len;

		len = snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (len < 0 || (size_t)len >= sizeof(path)) {
			fprintf(stderr, "replay: %s/%s: name too long\n", dir,
				names[i]);
			goto out;
		}
		data = read_file(path, &size);
		if (data == NULL)
			goto out;
		printf("replay: %s (%zu bytes)\n", path, size);
		fflush(stdout);
		if (LLVMFuzzerTestOneInput(data, size) != 0) {
			fprintf(stderr,
				"replay: %s: the target returned non-zero\n",
				path);
			*failed = 1;
		}
		free(data);
	}
	run = (long)n;
	goto out;
nomem:
	fprintf(stderr, "replay: %s: out of memory\n", dir);
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	(void)closedir(d);
	return run;
}

int main(int argc, char **argv)
{
	int failed = 0, i;
	long total = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR...\n", argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize != NULL)
		(void)LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		long n = replay_dir(argv[i], &failed);

		if (n < 0)
			return 2;
		total += n;
	}
	printf("replay: %ld inputs run\n", total);
	return failed ? 1 : 0;
}
