/* The temporary file the file-loading targets feed. The directory is made
 * once per process and removed at exit. */
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];
static char path[96];

static void remove_dir(void)
{
	(void)unlink(path);
	(void)rmdir(dir);
}

static void make_dir(void)
{
	const char *tmp = getenv("TMPDIR");
	int n;

	n = snprintf(dir, sizeof(dir), "%s/gs-fuzz.XXXXXX",
		     tmp != NULL && strlen(tmp) < 32 ? tmp : "/tmp");
	if (n < 0 || (size_t)n >= sizeof(dir) || mkdtemp(dir) == NULL)
		abort();
	n = snprintf(path, sizeof(path), "%s/input", dir);
	if (n < 0 || (size_t)n >= sizeof(path))
		abort();
	atexit(remove_dir);
}

const char *gs_fuzz_write_input(const uint8_t *data, size_t size)
{
	FILE *f;

	if (dir[0] == '\0')
		make_dir();
	f = fopen(path, "wb");
	if (f == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	if (fclose(f) != 0)
		abort();
	return path;
}
