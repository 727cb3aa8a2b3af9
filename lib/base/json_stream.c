/* One JSON object read member by member: see json_stream.h.
 *
 * libfastjson's tokener parses each key and each value and tells where it
 * stopped; this code only steps over whitespace and the punctuation of the
 * top-level object and of the one array read element by element. Errors
 * come in the order one parse of the whole text would give them: bad JSON
 * anywhere first. So an error in an element is held while the rest of the
 * text is still parsed. No shared state. */
#include "gs_config.h"

#include "base/json_stream.h"

#include <errno.h>
#include <string.h>

/* Nesting allowed in the whole text, as for one libfastjson parse; a member
 * value sits one level down, an element of the list two. */
#define TEXT_MAX_DEPTH FJSON_TOKENER_DEFAULT_DEPTH

struct scan {
	const struct gs_json_where *w;
	const struct gs_json_stream *st;
	struct gs_json_where held; /* where the list's first error goes */
	int stopped;		   /* the list had an error: parse only */
	const char *p;		   /* the text */
	size_t len, i;		   /* its length and the offset reached */
};

static int truncated(const struct scan *s)
{
	return gs_json_bad(s->w, NULL,
			   "truncated: the JSON ends unfinished after %zu "
			   "bytes",
			   s->len);
}

static int invalid(const struct scan *s, size_t at, enum fjson_tokener_error e)
{
	return gs_json_bad(s->w, NULL, "invalid JSON at byte %zu: %s", at,
			   json_tokener_error_desc(e));
}

static void skip_space(struct scan *s)
{
	while (s->i < s->len && (s->p[s->i] == ' ' || s->p[s->i] == '\t' ||
				 s->p[s->i] == '\n' || s->p[s->i] == '\r'))
		s->i++;
}

/* Steps over c if it comes next after whitespace. */
static int take(struct scan *s, char c)
{
	skip_space(s);
	if (s->i == s->len || s->p[s->i] != c)
		return 0;
	s->i++;
	return 1;
}

/* Steps over c, which must come next; e names what else came. */
static int expect(struct scan *s, char c, enum fjson_tokener_error e)
{
	if (take(s, c))
		return 0;
	return s->i == s->len ? truncated(s) : invalid(s, s->i, e);
}

/* After an item of a list: 1 if a ',' says that another follows, else 0
 * at close. */
static int more_items(struct scan *s, char close, enum fjson_tokener_error e)
{
	return take(s, ',') ? 1 : expect(s, close, e);
}

/* Parses one value (allowed depth levels of nesting) at the offset reached
 * and steps over it. The tokener gets the rest of the text: a number needs
 * the delimiter after it to be complete, and parsing stops there. */
static int parse_value(struct scan *s, int depth, struct json_object **val)
{
	struct json_tokener *tok = fjson_tokener_new_ex(depth);
	enum fjson_tokener_error e;

	if (tok == NULL)
		return gs_json_bad(s->w, NULL, "%s", strerror(ENOMEM));
	skip_space(s);
	*val = json_tokener_parse_ex(tok, s->p + s->i, (int)(s->len - s->i));
	e = fjson_tokener_get_error(tok);
	if (e == fjson_tokener_success)
		s->i += (size_t)tok->char_offset;
	else if (e == json_tokener_continue)
		truncated(s);
	else
		invalid(s, s->i + (size_t)tok->char_offset, e);
	json_tokener_free(tok);
	return e == fjson_tokener_success ? 0 : -1;
}

/* The value of the list member, element by element. After an error in the
 * list the rest is only parsed. */
static int read_list(struct scan *s)
{
	struct json_object *o;
	int more;

	if (!take(s, '[')) {
		if (parse_value(s, TEXT_MAX_DEPTH - 1, &o) < 0)
			return -1;
		json_object_put(o);
		gs_json_bad(&s->held, s->st->list, "expected an array");
		s->stopped = 1;
		return 0;
	}
	if (take(s, ']'))
		return 0;
	do {
		if (parse_value(s, TEXT_MAX_DEPTH - 2, &o) < 0)
			return -1;
		if (!s->stopped && s->st->each(s->st->ctx, o, &s->held) < 0)
			s->stopped = 1;
		json_object_put(o);
		more = more_items(s, ']', fjson_tokener_error_parse_array);
	} while (more > 0);
	return more;
}

/* One member of the top-level object: the list is read as it goes, the
 * others are added to root. */
static int read_member(struct scan *s, struct json_object *root)
{
	struct json_object *key = NULL, *val;
	const char *name;
	size_t at;
	int rc = -1;

	skip_space(s);
	at = s->i;
	if (parse_value(s, TEXT_MAX_DEPTH - 1, &key) < 0)
		goto out;
	if (!json_object_is_type(key, json_type_string)) {
		invalid(s, at, fjson_tokener_error_parse_object_key_name);
		goto out;
	}
	name = json_object_get_string(key);
	if (json_object_object_get_ex(root, name, NULL)) {
		gs_json_bad(s->w, NULL, "%.64s: duplicate member at byte %zu",
			    name, at);
		goto out;
	}
	if (expect(s, ':', fjson_tokener_error_parse_object_key_sep) < 0)
		goto out;
	if (strcmp(name, s->st->list) == 0) {
		if (read_list(s) < 0)
			goto out;
		val = NULL;
	} else if (parse_value(s, TEXT_MAX_DEPTH - 1, &val) < 0)
		goto out;
	json_object_object_add(root, name, val);
	rc = 0;
out:
	json_object_put(key);
	return rc;
}

/* A text that does not start with '{': given its first byte alone, the
 * tokener tells another type of value (refused unparsed, whatever its
 * size) from bytes that are not JSON. */
static int not_an_object(const struct scan *s)
{
	struct json_tokener *tok = json_tokener_new();
	enum fjson_tokener_error e;

	if (tok == NULL)
		return gs_json_bad(s->w, NULL, "%s", strerror(ENOMEM));
	(void)json_tokener_parse_ex(tok, s->p + s->i, 1);
	e = fjson_tokener_get_error(tok);
	json_tokener_free(tok);
	if (e == json_tokener_continue)
		return gs_json_bad(s->w, NULL,
				   "expected a JSON object at the top level");
	return invalid(s, s->i, e);
}

int gs_json_stream_read(const struct gs_json_where *w, const char *text,
			size_t len, const struct gs_json_stream *st,
			struct json_object *root, char *held, size_t heldlen)
{
	struct scan s = {w,   st, {w->file, w->line, held, heldlen}, 0, text,
			 len, 0};
	int more = 0;

	if (heldlen > 0)
		*held = '\0';
	skip_space(&s);
	if (s.i == s.len)
		return gs_json_bad(w, NULL, "truncated: the file is empty");
	if (!take(&s, '{'))
		return not_an_object(&s);
	if (!take(&s, '}'))
		do {
			if (read_member(&s, root) < 0)
				return -1;
			more = more_items(
			    &s, '}',
			    fjson_tokener_error_parse_object_value_sep);
		} while (more > 0);
	if (more < 0)
		return -1;
	skip_space(&s);
	if (s.i < s.len)
		return gs_json_bad(w, NULL,
				   "trailing garbage after the JSON value at "
				   "byte %zu",
				   s.i);
	return 0;
}
