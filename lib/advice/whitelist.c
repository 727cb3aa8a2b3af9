/* postgrey's whitelist files and greyscan's ignore file (see whitelist.h).
 *
 * Concurrency & locking: a loaded list is read-only, so matching needs no
 * lock. The one thing matching writes is the record of regex matches that
 * gave up at a PCRE2 limit (struct match_failures): atomics, updated without
 * a lock, read by gs_whitelist_match_failures(). The PCRE2 match context is
 * only read by pcre2_match() and is shared; match data is per call. */
#include "advice/whitelist.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <pcre2.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/error.h"

/* IPv4 lives at ::a.b.c.d in the IPv6 space, as in NetAddr::IP. */
#define V4_IN_V6_PREFIX 96

enum entry_kind {
	ENTRY_NAME,  /* name or any subdomain */
	ENTRY_REGEX, /* /RE/ */
	ENTRY_NET,   /* address or network */
};

struct entry {
	enum entry_kind kind;
	char *text;	  /* as written */
	const char *file; /* owned by the list's files */
	unsigned line;
	pcre2_code *re;	    /* ENTRY_REGEX */
	struct gs_addr net; /* ENTRY_NET: AF_INET6, host bits cleared */
	unsigned prefix;    /* ENTRY_NET: 0..128 */
};

struct entry_list {
	struct entry *e;
	size_t n, cap;
	char **files;
	size_t n_files;
};

/* Regex matches that hit a PCRE2 limit. Separate from the list so that
 * matching, which takes a const whitelist, may count them. */
struct match_failures {
	atomic_size_t count;
	atomic_size_t first; /* index of the first failing entry + 1; 0: none */
};

struct gs_whitelist {
	struct entry_list list;
	size_t warnings;
	char first_warning[GS_ERRLEN];
	pcre2_match_context *mctx; /* the limits below, for every regex */
	struct match_failures *failures;
};

struct gs_ignore {
	struct entry_list list;
};

/* ---- lists ---- */

static void list_free(struct entry_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->e[i].text);
		pcre2_code_free(l->e[i].re);
	}
	free(l->e);
	for (i = 0; i < l->n_files; i++)
		free(l->files[i]);
	free(l->files);
	memset(l, 0, sizeof(*l));
}

/* Remembers path; entries point at the copy. NULL on no memory. */
static const char *list_add_file(struct entry_list *l, const char *path)
{
	char **files;
	char *copy;

	copy = strdup(path);
	if (copy == NULL)
		return NULL;
	files = realloc(l->files, (l->n_files + 1) * sizeof(*files));
	if (files == NULL) {
		free(copy);
		return NULL;
	}
	l->files = files;
	l->files[l->n_files++] = copy;
	return copy;
}

/* Appends e, taking ownership of e->text and e->re (released on failure
 * too). -1 on no memory. */
static int list_add(struct entry_list *l, struct entry *e)
{
	struct entry *grown;
	size_t cap;

	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : 32;
		grown = realloc(l->e, cap * sizeof(*grown));
		if (grown == NULL) {
			free(e->text);
			pcre2_code_free(e->re);
			return -1;
		}
		l->e = grown;
		l->cap = cap;
	}
	l->e[l->n++] = *e;
	return 0;
}

/* ---- line handling, as postgrey: s/#.*$//; s/^\s+//; s/\s+$// ---- */

/* Perl's \s on bytes: ASCII white space only, whatever the locale. */
static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
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

static bool has_space(const char *s)
{
	for (; *s != '\0'; s++)
		if (is_space((unsigned char)*s))
			return true;
	return false;
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
				 lineno, GS_WHITELIST_MAX_LINE_BYTES);
	return 1;
}

/* ---- name entries: (?:^|\.)\QNAME\E$ with /i ---- */

static bool ascii_eq_nocase(const char *a, const char *b, size_t n)
{
	size_t i;
	unsigned char ca, cb;

	for (i = 0; i < n; i++) {
		ca = (unsigned char)a[i];
		cb = (unsigned char)b[i];
		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb)
			return false;
	}
	return true;
}

static bool name_matches(const char *entry, const char *name)
{
	size_t elen = strlen(entry), nlen = strlen(name);
	const char *tail;

	if (elen > nlen)
		return false;
	tail = name + (nlen - elen);
	if (!ascii_eq_nocase(tail, entry, elen))
		return false;
	return tail == name || tail[-1] == '.';
}

/* 1: match, 0: no match, -1: PCRE2 gave up (a limit, no memory). */
static int regex_matches(pcre2_code *re, pcre2_match_context *mctx,
			 const char *name)
{
	pcre2_match_data *md;
	int rc;

	md = pcre2_match_data_create_from_pattern(re, NULL);
	if (md == NULL)
		return -1;
	rc = pcre2_match(re, (PCRE2_SPTR)name, strlen(name), 0, 0, md, mctx);
	pcre2_match_data_free(md);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	return rc >= 0 ? 1 : -1;
}

/* ---- address entries ---- */

static void v4_to_v6(const uint8_t v4[4], struct gs_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = AF_INET6;
	memcpy(out->bytes + 12, v4, 4);
}

/* Puts a into the IPv6 space and clears the host bits. */
static void to_v6_net(const struct gs_addr *a, unsigned prefix,
		      struct gs_addr *net, unsigned *prefix6)
{
	unsigned i, bits;

	if (a->family == AF_INET) {
		v4_to_v6(a->bytes, net);
		prefix += V4_IN_V6_PREFIX;
	} else {
		*net = *a;
	}
	if (prefix > 128)
		prefix = 128;
	for (i = 0; i < 16; i++) {
		bits = prefix > i * 8 ? prefix - i * 8 : 0;
		if (bits < 8)
			net->bytes[i] &= (uint8_t)(0xff00u >> bits);
	}
	*prefix6 = prefix;
}

/* Reads n (1..max_digits) decimal digits at *p, advancing it. */
static bool parse_decimal(const char **p, unsigned max_digits, unsigned *out)
{
	const char *s = *p;
	unsigned v = 0, n = 0;

	while (is_digit((unsigned char)*s) && n < max_digits) {
		v = v * 10 + (unsigned)(*s++ - '0');
		n++;
	}
	if (n == 0 || is_digit((unsigned char)*s))
		return false;
	*out = v;
	*p = s;
	return true;
}

/* One octet of 1..3 digits as inet_aton reads it: a leading 0 makes it
 * octal. false when it is not a valid octet (08, 256). */
static bool octet_value(const char *s, size_t len, uint8_t *out)
{
	unsigned v = 0, base = 10;
	size_t i;

	if (len > 1 && s[0] == '0')
		base = 8;
	for (i = 0; i < len; i++) {
		if ((unsigned)(s[i] - '0') >= base)
			return false;
		v = v * base + (unsigned)(s[i] - '0');
	}
	if (v > 255)
		return false;
	*out = (uint8_t)v;
	return true;
}

/* How many dot-separated groups of 1..3 digits make up the whole of s
 * (optionally followed by "/" and 1..2 digits when there are four), 0 when
 * s has another shape. The shape alone decides the entry kind, as postgrey's
 * regexes do; whether the numbers are valid is decided afterwards. */
static unsigned ipv4_shape(const char *s, bool *has_prefix)
{
	unsigned groups = 0, digits;

	*has_prefix = false;
	for (;;) {
		for (digits = 0; is_digit((unsigned char)*s); s++)
			digits++;
		if (digits < 1 || digits > 3)
			return 0;
		groups++;
		if (*s != '.')
			break;
		s++;
	}
	if (groups > 4)
		return 0;
	if (*s == '/' && groups == 4) {
		s++;
		for (digits = 0; is_digit((unsigned char)*s); s++)
			digits++;
		if (digits < 1 || digits > 2)
			return 0;
		*has_prefix = true;
	}
	return (groups >= 2 && *s == '\0') ? groups : 0;
}

/* Builds an IPv4 entry of the given shape. false when NetAddr::IP would
 * refuse it (postgrey then skips the line). */
static bool parse_ipv4_entry(const char *s, unsigned groups, bool has_prefix,
			     struct gs_addr *net, unsigned *prefix)
{
	uint8_t v4[4] = {0, 0, 0, 0};
	struct gs_addr a;
	const char *p = s, *dot;
	unsigned i, len = 24;

	for (i = 0; i < groups; i++) {
		dot = p + strspn(p, "0123456789");
		if (!octet_value(p, (size_t)(dot - p), &v4[i]))
			return false;
		p = *dot == '.' ? dot + 1 : dot;
	}
	/* a.b.c and postgrey's a.b are both /24; a.b.c.d is /32 */
	if (groups == 4)
		len = 32;
	if (has_prefix) {
		p++; /* the '/' */
		if (!parse_decimal(&p, 2, &len) || len > 32)
			return false;
	}
	memset(&a, 0, sizeof(a));
	a.family = AF_INET;
	memcpy(a.bytes, v4, 4);
	to_v6_net(&a, len, net, prefix);
	return true;
}

/* An IPv6 entry: addr, addr/len (len 1..3 digits), [addr] or [addr]/len
 * (NetAddr::IP ignores the length after a bracketed address: /128). */
static bool parse_ipv6_entry(const char *s, struct gs_addr *net,
			     unsigned *prefix)
{
	char buf[64];
	const char *slash, *p;
	struct gs_addr a;
	size_t alen;
	unsigned len = 128;
	bool bracketed = false;

	slash = strchr(s, '/');
	alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen >= 2 && s[0] == '[' && s[alen - 1] == ']') {
		bracketed = true;
		s++;
		alen -= 2;
	}
	if (alen == 0 || alen >= sizeof(buf))
		return false;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (!gs_addr_parse(buf, &a) || a.family != AF_INET6)
		return false;
	if (slash != NULL) {
		p = slash + 1;
		if (!parse_decimal(&p, 3, &len) || *p != '\0' || len > 128)
			return false;
		if (bracketed)
			len = 128;
	}
	to_v6_net(&a, len, net, prefix);
	return true;
}

/* Anything with two colons, postgrey's /^.*\:.*\:.*(?:\/\d{1,3})?$/. */
static bool ipv6_shape(const char *s)
{
	const char *c = strchr(s, ':');

	return c != NULL && strchr(c + 1, ':') != NULL;
}

/* ---- the whitelist ---- */

struct gs_whitelist *gs_whitelist_new(void)
{
	struct gs_whitelist *wl;

	wl = calloc(1, sizeof(*wl));
	if (wl == NULL)
		return NULL;
	wl->failures = calloc(1, sizeof(*wl->failures));
	wl->mctx = pcre2_match_context_create(NULL);
	if (wl->failures == NULL || wl->mctx == NULL ||
	    pcre2_set_match_limit(wl->mctx, GS_WHITELIST_MATCH_LIMIT) != 0 ||
	    pcre2_set_depth_limit(wl->mctx, GS_WHITELIST_DEPTH_LIMIT) != 0) {
		gs_whitelist_free(wl);
		return NULL;
	}
	atomic_init(&wl->failures->count, 0);
	atomic_init(&wl->failures->first, 0);
	return wl;
}

void gs_whitelist_free(struct gs_whitelist *wl)
{
	if (wl == NULL)
		return;
	list_free(&wl->list);
	pcre2_match_context_free(wl->mctx);
	free(wl->failures);
	free(wl);
}

static void warn_skipped(struct gs_whitelist *wl, const char *path,
			 unsigned lineno, const char *why)
{
	if (wl->warnings++ == 0)
		snprintf(wl->first_warning, sizeof(wl->first_warning),
			 "%s:%u: %s", path, lineno, why);
}

static int compile_regex(const char *text, size_t len, pcre2_code **out,
			 const char *path, unsigned lineno, char *err,
			 size_t errlen)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE offset;
	int code;

	*out = pcre2_compile((PCRE2_SPTR)text, len, PCRE2_CASELESS, &code,
			     &offset, NULL);
	if (*out != NULL)
		return 0;
	if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
		snprintf((char *)msg, sizeof(msg), "error %d", code);
	return gs_seterr(err, errlen,
			 "%s:%u: regex /%.*s/ does not compile at offset %zu: "
			 "%s",
			 path, lineno, (int)len, text, (size_t)offset,
			 (const char *)msg);
}

/* Classifies one stripped, non-empty line into e (e->text unset). 1: an
 * entry, 0: skipped (warning), -1: error (err filled). */
static int parse_entry(struct gs_whitelist *wl, const char *s, struct entry *e,
		       const char *path, unsigned lineno, char *err,
		       size_t errlen)
{
	size_t len = strlen(s);
	unsigned groups;
	bool has_prefix;

	if (len >= 3 && s[0] == '/' && s[len - 1] == '/' && !has_space(s)) {
		e->kind = ENTRY_REGEX;
		if (compile_regex(s + 1, len - 2, &e->re, path, lineno, err,
				  errlen) < 0)
			return -1;
		return 1;
	}
	groups = ipv4_shape(s, &has_prefix);
	if (groups != 0) {
		e->kind = ENTRY_NET;
		if (parse_ipv4_entry(s, groups, has_prefix, &e->net,
				     &e->prefix))
			return 1;
		warn_skipped(wl, path, lineno, "not a valid IPv4 address");
		return 0;
	}
	if (ipv6_shape(s)) {
		e->kind = ENTRY_NET;
		if (parse_ipv6_entry(s, &e->net, &e->prefix))
			return 1;
		warn_skipped(wl, path, lineno, "not a valid IPv6 address");
		return 0;
	}
	if (has_space(s)) {
		warn_skipped(wl, path, lineno, "doesn't look like a hostname");
		return 0;
	}
	e->kind = ENTRY_NAME;
	return 1;
}

int gs_whitelist_load(struct gs_whitelist *wl, const char *path, char *err,
		      size_t errlen)
{
	char buf[GS_WHITELIST_MAX_LINE_BYTES + 2];
	struct entry e;
	const char *file, *s;
	size_t plen;
	unsigned lineno = 0;
	int rc = -1, got, saved;
	FILE *f;

	if (wl == NULL || path == NULL)
		return gs_seterr(err, errlen, "no whitelist or no path");
	f = fopen(path, "r");
	if (f == NULL) {
		saved = errno;
		plen = strlen(path);
		if (saved == ENOENT && plen >= 6 &&
		    strcmp(path + plen - 6, ".local") == 0)
			return 0;
		return gs_seterr(err, errlen, "%s: %s", path, strerror(saved));
	}
	file = list_add_file(&wl->list, path);
	if (file == NULL) {
		gs_seterr(err, errlen, "%s: out of memory", path);
		goto out;
	}
	for (;;) {
		got =
		    read_line(f, buf, sizeof(buf), path, ++lineno, err, errlen);
		if (got < 0)
			goto out;
		if (got == 0)
			break;
		s = strip_line(buf);
		if (*s == '\0')
			continue;
		memset(&e, 0, sizeof(e));
		got = parse_entry(wl, s, &e, path, lineno, err, errlen);
		if (got < 0)
			goto out;
		if (got == 0)
			continue;
		e.file = file;
		e.line = lineno;
		e.text = strdup(s);
		if (e.text == NULL || list_add(&wl->list, &e) < 0) {
			if (e.text == NULL)
				pcre2_code_free(e.re);
			gs_seterr(err, errlen, "%s:%u: out of memory", path,
				  lineno);
			goto out;
		}
	}
	rc = 0;
out:
	if (fclose(f) != 0 && rc == 0)
		rc = gs_seterr(err, errlen, "%s: close: %s", path,
			       strerror(errno));
	return rc;
}

struct gs_whitelist *gs_whitelist_load_default(const char *const *paths,
					       size_t n, char *err,
					       size_t errlen)
{
	static const char *const defaults[] = {GS_POSTGREY_WHITELIST,
					       GS_POSTGREY_WHITELIST_LOCAL};
	struct gs_whitelist *wl;
	size_t i;

	if (paths == NULL || n == 0) {
		paths = defaults;
		n = sizeof(defaults) / sizeof(defaults[0]);
	}
	wl = gs_whitelist_new();
	if (wl == NULL) {
		gs_seterr(err, errlen, "out of memory for the whitelist");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (gs_whitelist_load(wl, paths[i], err, errlen) < 0) {
			gs_whitelist_free(wl);
			return NULL;
		}
	}
	return wl;
}

size_t gs_whitelist_count(const struct gs_whitelist *wl)
{
	return wl ? wl->list.n : 0;
}

size_t gs_whitelist_warnings(const struct gs_whitelist *wl)
{
	return wl ? wl->warnings : 0;
}

const char *gs_whitelist_first_warning(const struct gs_whitelist *wl)
{
	return wl ? wl->first_warning : "";
}

static void set_hit(const struct entry *e, struct gs_wl_hit *hit)
{
	if (hit == NULL)
		return;
	hit->file = e->file;
	hit->line = e->line;
	hit->entry = e->text;
}

size_t gs_whitelist_match_failures(const struct gs_whitelist *wl,
				   struct gs_wl_hit *first)
{
	size_t n, at;

	if (wl == NULL)
		return 0;
	n = atomic_load(&wl->failures->count);
	at = atomic_load(&wl->failures->first);
	if (n > 0 && at > 0 && first != NULL)
		set_hit(&wl->list.e[at - 1], first);
	return n;
}

/* A regex that gave up counts as no match (the client would not be taken
 * for whitelisted) and is remembered for gs_whitelist_match_failures(). */
static bool regex_entry_matches(const struct gs_whitelist *wl, size_t i,
				const char *name)
{
	size_t none = 0;
	int rc;

	rc = regex_matches(wl->list.e[i].re, wl->mctx, name);
	if (rc >= 0)
		return rc == 1;
	atomic_fetch_add(&wl->failures->count, 1);
	atomic_compare_exchange_strong(&wl->failures->first, &none, i + 1);
	return false;
}

/* Matches name against the name entries, and the regex entries too when
 * with_regex. */
static bool match_name(const struct gs_whitelist *wl, const char *name,
		       bool with_regex, struct gs_wl_hit *hit)
{
	const struct entry *e;
	size_t i;
	bool m;

	if (wl == NULL || name == NULL)
		return false;
	for (i = 0; i < wl->list.n; i++) {
		e = &wl->list.e[i];
		if (e->kind == ENTRY_NAME)
			m = name_matches(e->text, name);
		else if (e->kind == ENTRY_REGEX && with_regex)
			m = regex_entry_matches(wl, i, name);
		else
			continue;
		if (m) {
			set_hit(e, hit);
			return true;
		}
	}
	return false;
}

bool gs_whitelist_match_name(const struct gs_whitelist *wl, const char *name,
			     struct gs_wl_hit *hit)
{
	return match_name(wl, name, true, hit);
}

bool gs_whitelist_match_net(const struct gs_whitelist *wl,
			    const struct gs_addr *net, unsigned prefix_len,
			    struct gs_wl_hit *hit)
{
	const struct entry *e;
	struct gs_addr n6;
	unsigned p6;
	size_t i;

	if (wl == NULL || net == NULL)
		return false;
	if ((net->family != AF_INET || prefix_len > 32) &&
	    (net->family != AF_INET6 || prefix_len > 128))
		return false;
	to_v6_net(net, prefix_len, &n6, &p6);
	for (i = 0; i < wl->list.n; i++) {
		e = &wl->list.e[i];
		if (e->kind != ENTRY_NET || e->prefix > p6)
			continue;
		if (gs_addr_in(&n6, &e->net, e->prefix)) {
			set_hit(e, hit);
			return true;
		}
	}
	return false;
}

bool gs_network_group_parse(const char *text, struct gs_addr *net,
			    unsigned *prefix_len)
{
	char buf[64];
	const char *slash, *p;
	size_t len;
	unsigned plen;

	if (text == NULL || text[0] != '[')
		return false;
	len = strlen(text);
	slash = strchr(text, '/');
	if (len < 4 || text[len - 1] != ']' || slash == NULL)
		return false;
	if ((size_t)(slash - text - 1) >= sizeof(buf))
		return false;
	memcpy(buf, text + 1, (size_t)(slash - text - 1));
	buf[slash - text - 1] = '\0';
	p = slash + 1;
	if (!parse_decimal(&p, 3, &plen) || *p != ']' || p[1] != '\0')
		return false;
	if (!gs_addr_parse(buf, net))
		return false;
	if (plen > (net->family == AF_INET ? 32u : 128u))
		return false;
	*prefix_len = plen;
	return true;
}

bool gs_whitelist_covers(const struct gs_whitelist *wl,
			 const struct gs_group_stats *g, struct gs_wl_hit *hit)
{
	struct gs_addr net;
	unsigned plen;
	size_t i, n;

	if (wl == NULL || g == NULL || g->domain == NULL)
		return false;
	if (g->kind == GS_KIND_NETWORK) {
		if (gs_network_group_parse(g->domain, &net, &plen) &&
		    gs_whitelist_match_net(wl, &net, plen, hit))
			return true;
	} else if (match_name(wl, g->domain, false, hit)) {
		/* A name entry covers the domain's clients; a regex is
		 * tested against client names only, as postgrey does. */
		return true;
	}
	n = g->n_examples < GS_MAX_EXAMPLES ? g->n_examples : GS_MAX_EXAMPLES;
	if (n == 0)
		return false;
	for (i = 0; i < n; i++)
		if (!gs_whitelist_match_name(wl, g->examples[i],
					     i == 0 ? hit : NULL))
			return false;
	return true;
}

/* ---- the ignore file ---- */

struct gs_ignore *gs_ignore_new(void)
{
	return calloc(1, sizeof(struct gs_ignore));
}

void gs_ignore_free(struct gs_ignore *ig)
{
	if (ig == NULL)
		return;
	list_free(&ig->list);
	free(ig);
}

int gs_ignore_load(struct gs_ignore *ig, const char *path, bool missing_ok,
		   char *err, size_t errlen)
{
	char buf[GS_WHITELIST_MAX_LINE_BYTES + 2];
	struct entry e;
	const char *file;
	char *s;
	unsigned lineno = 0;
	int rc = -1, got;
	FILE *f;

	if (ig == NULL || path == NULL)
		return gs_seterr(err, errlen, "no ignore list or no path");
	f = fopen(path, "r");
	if (f == NULL) {
		if (errno == ENOENT && missing_ok)
			return 0;
		return gs_seterr(err, errlen, "%s: %s", path, strerror(errno));
	}
	file = list_add_file(&ig->list, path);
	if (file == NULL) {
		gs_seterr(err, errlen, "%s: out of memory", path);
		goto out;
	}
	for (;;) {
		got =
		    read_line(f, buf, sizeof(buf), path, ++lineno, err, errlen);
		if (got < 0)
			goto out;
		if (got == 0)
			break;
		s = strip_line(buf);
		if (*s == '.')
			s++;
		if (*s == '\0')
			continue;
		if (has_space(s)) {
			gs_seterr(err, errlen,
				  "%s:%u: '%s' is not one domain (white space)",
				  path, lineno, s);
			goto out;
		}
		memset(&e, 0, sizeof(e));
		e.kind = ENTRY_NAME;
		e.file = file;
		e.line = lineno;
		e.text = strdup(s);
		if (e.text == NULL || list_add(&ig->list, &e) < 0) {
			gs_seterr(err, errlen, "%s:%u: out of memory", path,
				  lineno);
			goto out;
		}
	}
	rc = 0;
out:
	if (fclose(f) != 0 && rc == 0)
		rc = gs_seterr(err, errlen, "%s: close: %s", path,
			       strerror(errno));
	return rc;
}

struct gs_ignore *gs_ignore_load_default(const char *path, char *err,
					 size_t errlen)
{
	struct gs_ignore *ig;

	ig = gs_ignore_new();
	if (ig == NULL) {
		gs_seterr(err, errlen, "out of memory for the ignore list");
		return NULL;
	}
	if (gs_ignore_load(ig, path ? path : GS_DEFAULT_IGNORE_FILE,
			   path == NULL, err, errlen) < 0) {
		gs_ignore_free(ig);
		return NULL;
	}
	return ig;
}

size_t gs_ignore_count(const struct gs_ignore *ig)
{
	return ig ? ig->list.n : 0;
}

bool gs_ignore_match(const struct gs_ignore *ig, const char *domain,
		     struct gs_wl_hit *hit)
{
	size_t i;

	if (ig == NULL || domain == NULL)
		return false;
	for (i = 0; i < ig->list.n; i++) {
		if (name_matches(ig->list.e[i].text, domain)) {
			set_hit(&ig->list.e[i], hit);
			return true;
		}
	}
	return false;
}
