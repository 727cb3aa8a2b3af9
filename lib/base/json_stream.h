/* Reading one large JSON object member by member, with one array member
 * read element by element, so that memory stays at one member or one
 * element rather than a tree of the whole text (libfastjson's tree costs
 * about 17 times the text). The summary file uses it for its "domains". */
#ifndef GS_JSON_STREAM_H
#define GS_JSON_STREAM_H

#include <stddef.h>

#include "base/json.h"

struct gs_json_stream {
	const char
	    *list; /* the member whose array is read element by element */
	/* Called with each element of list in turn (released after the
	 * call); an element that is wrong fills the error through w, which
	 * holds it, and returns -1: the elements after it are parsed only. */
	int (*each)(void *ctx, struct fjson_object *elem,
		    const struct gs_json_where *w);
	void *ctx;
};

/* Parses text (len bytes, then a NUL) as exactly one JSON object and
 * nothing but whitespace after it. Every member except st->list is added
 * to root (an object the caller owns); st->list is marked in root by a
 * null member, so that a member given twice is refused whichever it is.
 *
 * -1 with w->err filled (naming w->file) when the text is not one object:
 * empty, truncated, invalid JSON at byte N (with libfastjson's reason),
 * another type at the top level, a member given twice, trailing garbage.
 * Otherwise 0; then held holds the first error found in st->list ("LIST:
 * expected an array", or an element's), or "" when there was none. The
 * caller decides which comes first: a text error always does, since the
 * whole text is parsed before 0 is returned. */
int gs_json_stream_read(const struct gs_json_where *w, const char *text,
			size_t len, const struct gs_json_stream *st,
			struct fjson_object *root, char *held, size_t heldlen);

#endif
