/* Copying untrusted text safely (see sanitize.h). */
#include "gs_config.h"

#include "base/sanitize.h"

#include <stdbool.h>
#include <string.h>

#include "base/utf8.h"

static bool is_unsafe(unsigned char c, unsigned flags)
{
	return c < 0x20 || c == 0x7f || ((flags & GS_TEXT_PIPE) && c == '|');
}

/* How many of s[0..n) are printable ASCII that flags let through as they
 * are: the common case, copied as one run rather than byte by byte. */
static size_t plain_run(const unsigned char *s, size_t n, unsigned flags)
{
	/* NUL is below 0x20, so 0 stops nothing more. */
	const unsigned char stop = (flags & GS_TEXT_PIPE) ? '|' : 0;
	size_t i = 0;

	while (i < n && s[i] >= 0x20 && s[i] < 0x7f && s[i] != stop)
		i++;
	return i;
}

size_t gs_text_copy(char *out, size_t outsize, const char *in, size_t len,
		    unsigned flags)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0, o = 0, seq, step, run;

	if (outsize == 0)
		return 0;
	while (i < len) {
		/* Each byte of a run takes one byte of room. */
		run = plain_run(s + i,
				len - i < outsize - 1 - o ? len - i
							  : outsize - 1 - o,
				flags);
		memmove(out + o, s + i, run); /* out may be in */
		o += run;
		i += run;
		if (i == len)
			break;
		seq = (flags & GS_TEXT_UTF8) ? gs_utf8_seq_len(s + i, len - i)
					     : 1;
		step = seq > 0 ? seq : 1; /* a bad byte is one '?' */
		if (o + step > outsize - 1)
			break;
		if (seq == 0 || is_unsafe(s[i], flags)) {
			out[o++] = '?';
		} else {
			memmove(out + o, s + i, seq);
			o += seq;
		}
		i += step;
	}
	out[o] = '\0';
	return o;
}

size_t gs_sanitize_text(char *out, size_t outsize, const char *in, size_t len)
{
	return gs_text_copy(out, outsize, in, len, GS_TEXT_UTF8);
}

void gs_text_clean(const char *src, char *out, size_t outlen)
{
	gs_text_copy(out, outlen, src, src != NULL ? strlen(src) : 0,
		     GS_TEXT_PIPE);
}
