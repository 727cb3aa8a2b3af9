/* Copying untrusted text (names and lines from the log, names read back
 * from a summary, error messages quoting them) into fixed-size buffers so
 * that it is safe in JSON, on a terminal and in a monitoring system's
 * output. One function with options, and the two ways the core uses it.
 * Pure functions. */
#ifndef GS_SANITIZE_H
#define GS_SANITIZE_H

#include <stddef.h>

enum gs_text_flags {
	/* Bytes that are not well-formed UTF-8 (utf8.h) become '?' and the
	 * copy never ends inside a character. Without it the text is taken
	 * byte by byte, and a cut may split a character. */
	GS_TEXT_UTF8 = 1u << 0,
	/* '|' becomes '?' too: it starts the perfdata of a plugin's line. */
	GS_TEXT_PIPE = 1u << 1,
};

/* Copies in[0..len) into out (outsize bytes, NUL-terminated; nothing is
 * written when outsize is 0): at most outsize - 1 bytes, with control
 * bytes (below 0x20, NUL included, and 0x7f) replaced by '?', and what
 * flags (enum gs_text_flags, or'ed) add. out may be in (the copy never
 * gets ahead of the reading). Returns the length written. */
size_t gs_text_copy(char *out, size_t outsize, const char *in, size_t len,
		    unsigned flags);

/* gs_text_copy with GS_TEXT_UTF8, for names and lines from the log on
 * their way into the tally and the summary (JSON). outsize >= 1. */
size_t gs_sanitize_text(char *out, size_t outsize, const char *in, size_t len);

/* gs_text_copy of the string src (NULL: "") with GS_TEXT_PIPE, for the
 * check plugin's lines and the suggestion comments: byte by byte, as
 * these print what the summary holds. */
void gs_text_clean(const char *src, char *out, size_t outlen);

#endif
