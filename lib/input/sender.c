/* postgrey's sender and recipient keys (see sender.h). Each step works on
 * spans of the caller's string; only the output is written, so no step
 * needs memory of its own. */
#include "gs_config.h"

#include "input/sender.h"

#include <stdbool.h>
#include <string.h>

#define BATV_PREFIX	"prvs="
#define BATV_PREFIX_LEN 5
#define BATV_TAG_LEN	10 /* postgrey's /^[0-9a-z]{10}/ */

/* A bounded output: bytes past the room are dropped and remembered. */
struct out {
	char *buf;
	size_t room; /* bytes that may be written before the NUL */
	size_t len;
	bool full;
};

/* A local part as two pieces: what precedes the '+' extension, and what
 * follows the extension's end (a newline, which '.' in postgrey's \+.* does not
 * match). b is empty when there is no extension or nothing after it. */
struct local {
	const char *a, *b;
	size_t alen, blen;
};

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Perl's \w on a byte string: ASCII letters, digits and '_' only. */
static bool is_word(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == '_';
}

/* Perl's lc on a byte string: A-Z only. */
static char lower(unsigned char c)
{
	return (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
}

static void out_init(struct out *o, char *buf, size_t outlen)
{
	o->buf = buf;
	o->room = outlen > 0 ? outlen - 1 : 0;
	o->len = 0;
	o->full = false;
}

static void put(struct out *o, char c)
{
	if (o->len < o->room)
		o->buf[o->len++] = lower((unsigned char)c);
	else
		o->full = true;
}

static void put_span(struct out *o, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		put(o, s[i]);
}

static int out_finish(struct out *o, size_t outlen)
{
	if (outlen > 0)
		o->buf[o->len] = '\0';
	return o->full ? -1 : 0;
}

/* postgrey's /^[0-9a-z]{10}/ (case-sensitive: the test precedes the lc). */
static bool is_batv_tag(const char *s, size_t n)
{
	size_t i;

	if (n < BATV_TAG_LEN)
		return false;
	for (i = 0; i < BATV_TAG_LEN; i++)
		if (!is_digit((unsigned char)s[i]) &&
		    !(s[i] >= 'a' && s[i] <= 'z'))
			return false;
	return true;
}

/* The local part after the BATV step: split(/=/, $user) must give exactly
 * "prvs", f1 and f2, so f2 must be non-empty and followed by nothing but
 * '=' (Perl's split drops trailing empty fields; an empty f1 in the middle
 * stays a field). Otherwise the local part is unchanged. */
static void strip_batv(const char **user, size_t *ulen)
{
	const char *f1, *f2, *end = *user + *ulen, *p;
	size_t n1, n2;

	if (*ulen < BATV_PREFIX_LEN ||
	    memcmp(*user, BATV_PREFIX, BATV_PREFIX_LEN) != 0)
		return;
	f1 = *user + BATV_PREFIX_LEN;
	f2 = memchr(f1, '=', (size_t)(end - f1));
	if (f2 == NULL)
		return;
	n1 = (size_t)(f2 - f1);
	f2++;
	p = memchr(f2, '=', (size_t)(end - f2));
	n2 = (size_t)((p != NULL ? p : end) - f2);
	if (n2 == 0)
		return;
	for (p = f2 + n2; p < end; p++)
		if (*p != '=')
			return;
	if (is_batv_tag(f2, n2) && !is_batv_tag(f1, n1)) {
		*user = f1;
		*ulen = n1;
	} else {
		/* f1 is the tag, or postgrey's coin throw: the standard f2. */
		*user = f2;
		*ulen = n2;
	}
}

/* postgrey's s/// of \+.* by nothing: from the first '+' up to (not
 * including) the next newline. */
static void strip_extension(const char *user, size_t ulen, struct local *l)
{
	const char *plus = memchr(user, '+', ulen), *nl;
	size_t rest;

	l->a = user;
	l->alen = ulen;
	l->b = user + ulen;
	l->blen = 0;
	if (plus == NULL)
		return;
	l->alen = (size_t)(plus - user);
	rest = ulen - l->alen;
	nl = memchr(plus, '\n', rest);
	if (nl != NULL) {
		l->b = nl;
		l->blen = (size_t)(user + ulen - nl);
	}
}

static unsigned char at(const struct local *l, size_t i)
{
	return (unsigned char)(i < l->alen ? l->a[i] : l->b[i - l->alen]);
}

/* s/\b\d+\b/#/g: a maximal run of digits with a non-word byte (or the
 * local part's edge) on both sides. A run with a word byte beside it is
 * copied: no shorter run inside it has a boundary on both sides either. */
static void put_numbers_replaced(struct out *o, const struct local *l)
{
	size_t n = l->alen + l->blen, i = 0, j;

	while (i < n) {
		if (!is_digit(at(l, i)) || (i > 0 && is_word(at(l, i - 1)))) {
			put(o, (char)at(l, i++));
			continue;
		}
		for (j = i; j < n && is_digit(at(l, j)); j++)
			;
		if (j < n && is_word(at(l, j))) {
			for (; i < j; i++)
				put(o, (char)at(l, i));
			continue;
		}
		put(o, '#');
		i = j;
	}
}

int gs_sender_key(const char *sender, char *out, size_t outlen)
{
	const char *s = sender != NULL ? sender : "", *atsign, *user;
	struct local l;
	struct out o;
	size_t ulen;

	out_init(&o, out, outlen);
	atsign = strchr(s, '@');
	if (atsign == NULL) {
		/* postgrey returns an address without '@' unchanged. */
		put_span(&o, s, strlen(s));
		return out_finish(&o, outlen);
	}
	user = s;
	ulen = (size_t)(atsign - s);
	strip_batv(&user, &ulen);
	strip_extension(user, ulen, &l);
	put_numbers_replaced(&o, &l);
	put_span(&o, atsign, strlen(atsign));
	return out_finish(&o, outlen);
}

int gs_recipient_key(const char *recipient, char *out, size_t outlen)
{
	const char *r = recipient != NULL ? recipient : "";
	struct out o;

	out_init(&o, out, outlen);
	put_span(&o, r, strlen(r));
	return out_finish(&o, outlen);
}
