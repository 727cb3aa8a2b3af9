/* Reading postgrey-style list files (see listfile.h). */
#include "gs_config.h"

#include "base/listfile.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"

/* Perl's \s on bytes: ASCII white space only, whatever the locale. */
static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

bool gs_listfile_has_space(const char *s)
{
	for (; *s != '\0'; s++)
		if (is_space((unsigned char)*s))
			return true;
	return false;
}

static char *strip_line(char *s)
{
	char *end;

	end = strchr(s, '#');
	if (end != NULL)
		*end = '\0';
	while (is_space((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && is_space((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return s;
}

/* Reads one line into buf. 1: a line, 0: end of file, -1: too long or a
 * read error (err filled). */
static int read_line(FILE *f, char *buf, size_t buflen, const char *path,
		     unsigned lineno, char *err, size_t errlen)
{
	size_t len;

	if (fgets(buf, (int)buflen, f) == NULL) {
		if (ferror(f))
			return gs_seterr(err, errlen, "%s:%u: read error: %s",
					 path, lineno, strerror(errno));
		return 0;
	}
	len = strlen(buf);
	if (len == buflen - 1 && buf[len - 1] != '\n')
		return gs_seterr(err, errlen,
				 "%s:%u: line longer than %u bytes", path,
				 lineno, GS_LISTFILE_MAX_LINE_BYTES);
	return 1;
}

int gs_listfile_read(const char *path, bool missing_ok, gs_listfile_line_fn fn,
		     void *ctx, char *err, size_t errlen)
{
	/* the line, its '\n' and the NUL: one byte more is too long */
	char buf[GS_LISTFILE_MAX_LINE_BYTES + 2];
	unsigned lineno = 0;
	int rc = -1, got;
	char *s;
	FILE *f;

	f = fopen(path, "r");
	if (f == NULL) {
		if (errno == ENOENT && missing_ok)
			return 0;
		return gs_seterr(err, errlen, "%s: %s", path, strerror(errno));
	}
	for (;;) {
		got =
		    read_line(f, buf, sizeof(buf), path, ++lineno, err, errlen);
		if (got < 0)
			goto out;
		if (got == 0)
			break;
		s = strip_line(buf);
		if (*s != '\0' && fn(ctx, s, lineno, err, errlen) < 0)
			goto out;
	}
	rc = 0;
out:
	if (fclose(f) != 0 && rc == 0)
		rc = gs_seterr(err, errlen, "%s: close: %s", path,
			       strerror(errno));
	return rc;
}
