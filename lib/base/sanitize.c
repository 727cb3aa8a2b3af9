/* Copying untrusted text safely (see sanitize.h). */
#include "gs_config.h"

#include "base/sanitize.h"

#include <stdint.h>
#include <string.h>

/* Length of the well-formed UTF-8 sequence at s (n bytes left), 0 if none. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* Copies in[0..len) into out (outsize >= 1 bytes, NUL-terminated): at most
 * outsize - 1 bytes, never part of a character; control bytes and bytes that
 * are not well-formed UTF-8 become '?', so the text is safe in JSON and on
 * a terminal. Returns the length written. */
size_t gs_sanitize_text(char *out, size_t outsize, const char *in, size_t len)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0, o = 0, seq;

	while (i < len) {
		seq = utf8_seq_len(s + i, len - i);
		if (o + (seq > 0 ? seq : 1) > outsize - 1)
			break;
		if (seq == 0 || s[i] < 0x20 || s[i] == 0x7f) {
			out[o++] = '?';
			i += seq > 0 ? seq : 1;
			continue;
		}
		memcpy(out + o, s + i, seq);
		o += seq;
		i += seq;
	}
	out[o] = '\0';
	return o;
}
