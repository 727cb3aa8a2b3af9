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

size_t gs_text_copy(char *out, size_t outsize, const char *in, size_t len,
		    unsigned flags)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0, o = 0, seq, step;

	if (outsize == 0)
		return 0;
	while (i < len) {
		seq = (flags & GS_TEXT_UTF8) ? gs_utf8_seq_len(s + i, len - i)
					     : 1;
		step = seq > 0 ? seq : 1; /* a bad byte is one '?' */
		if (o + step > outsize - 1)
			break;
		if (seq == 0 || is_unsafe(s[i], flags)) {
			out[o++] = '?';
		} else {
			memmove(out + o, s + i, seq); /* out may be in */
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
