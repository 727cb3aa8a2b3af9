/* Text into HTML: see html_text.h and report_html.h. */
#include "gs_config.h"

#include "advice/html_text.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/error.h"
#include "advice/report_html.h"

void gs_html_text(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; p != NULL && *p != '\0'; p++) {
		switch (*p) {
		case '&':
			(void)fputs("&amp;", out);
			break;
		case '<':
			(void)fputs("&lt;", out);
			break;
		case '>':
			(void)fputs("&gt;", out);
			break;
		case '"':
			(void)fputs("&quot;", out);
			break;
		case '\'':
			(void)fputs("&#39;", out);
			break;
		default:
			(void)putc(*p < 0x20 || *p == 0x7f ? '?' : *p, out);
		}
	}
}

static bool utc(time_t t, const char *fmt, char *buf, size_t len)
{
	struct tm tm;

	return t > 0 && gmtime_r(&t, &tm) != NULL &&
	       strftime(buf, len, fmt, &tm) > 0;
}

void gs_html_iso(FILE *out, time_t t)
{
	char buf[32];

	if (utc(t, "%Y-%m-%dT%H:%M:%SZ", buf, sizeof(buf)))
		(void)fputs(buf, out);
}

void gs_html_time(FILE *out, time_t t)
{
	char buf[32];

	if (!utc(t, "%Y-%m-%d %H:%M UTC", buf, sizeof(buf))) {
		(void)fputs("unknown", out);
		return;
	}
	(void)fputs("<time datetime=\"", out);
	gs_html_iso(out, t);
	(void)fprintf(out, "\">%s</time>", buf);
}

/* What would end or disturb an inline <script> element. */
static const char *script_breaker(const char *text, size_t len)
{
	static const char *const bad[] = {"</script", "<!--"};
	size_t i, k;

	for (i = 0; i < len; i++) {
		if (text[i] == '\0')
			return "a NUL byte";
		if (text[i] != '<')
			continue;
		for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
			if (strncasecmp(text + i, bad[k], strlen(bad[k])) == 0)
				return bad[k];
	}
	return NULL;
}

char *gs_html_read_script(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	const char *why;
	size_t len;

	if (f == NULL) {
		gs_seterr(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(GS_HTML_SCRIPT_MAX + 1);
	if (buf == NULL) {
		gs_seterr(err, errlen, "%s: %s", path, strerror(ENOMEM));
		goto fail;
	}
	len = fread(buf, 1, GS_HTML_SCRIPT_MAX + 1, f);
	if (ferror(f)) {
		gs_seterr(err, errlen, "%s: read error", path);
		goto fail;
	}
	if (len > GS_HTML_SCRIPT_MAX) {
		gs_seterr(err, errlen, "%s: larger than %u bytes", path,
			  GS_HTML_SCRIPT_MAX);
		goto fail;
	}
	buf[len] = '\0';
	why = script_breaker(buf, len);
	if (why != NULL) {
		gs_seterr(err, errlen,
			  "%s: contains %s, which cannot be inlined in a "
			  "<script> element",
			  path, why);
		goto fail;
	}
	(void)fclose(f);
	return buf;
fail:
	free(buf);
	(void)fclose(f);
	return NULL;
}
