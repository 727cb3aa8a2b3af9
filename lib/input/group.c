/* Grouping client names into sender domains (see group.h).
 *
 * Concurrency & locking: a grouper is read-only after gs_grouper_new(), and
 * libpsl's lookups only read its context, so gs_group_of() may run in any
 * number of threads at once without a lock. A memo of suffixes
 * (gs_group_of_memo) has no lock: it is one group cache's, which belongs to
 * one thread. */
#include "gs_config.h"

#include "input/group.h"

#include <errno.h>
#include <libpsl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/addr.h"
#include "base/error.h"
#include "base/utf8.h"
#include "input/group_int.h"

#define GS_HOST_NAME_MAX 253 /* bytes of a DNS name without the final dot */
#define GS_STRIP_MAX	 10  /* labels "strip:N" may drop */

struct gs_grouper {
	enum gs_group_mode mode;
	unsigned strip_labels;
	psl_ctx_t *owned_psl; /* from psl_latest(), freed with the grouper */
	const psl_ctx_t *psl; /* owned_psl or libpsl's built-in list */
};

/* Prefers the system's list (Debian's publicsuffix package, usually newer
 * than the copy compiled into libpsl); falls back to the built-in one. */
static int load_psl(struct gs_grouper *g, char *err, size_t errlen)
{
	const psl_ctx_t *builtin;

	g->owned_psl = psl_latest(NULL);
	if (g->owned_psl != NULL) {
		g->psl = g->owned_psl;
		return 0;
	}
	builtin = psl_builtin();
	if (builtin == NULL || psl_suffix_count(builtin) == 0)
		return gs_seterr(err, errlen,
				 "no public suffix list: neither %s nor "
				 "libpsl's built-in list is usable (install "
				 "the publicsuffix package)",
				 psl_dist_filename());
	g->psl = builtin;
	return 0;
}

struct gs_grouper *gs_grouper_new(enum gs_group_mode mode,
				  unsigned strip_labels, char *err,
				  size_t errlen)
{
	struct gs_grouper *g = NULL;

	if (mode != GS_GROUP_REGISTRABLE && mode != GS_GROUP_STRIP) {
		gs_seterr(err, errlen, "group mode %d: unknown", (int)mode);
		goto fail;
	}
	if (mode == GS_GROUP_STRIP &&
	    (strip_labels < 1 || strip_labels > GS_STRIP_MAX)) {
		gs_seterr(err, errlen,
			  "group mode strip: %u labels, expected 1 to %d",
			  strip_labels, GS_STRIP_MAX);
		goto fail;
	}
	g = calloc(1, sizeof(*g));
	if (g == NULL) {
		gs_seterr(err, errlen, "grouper: %s", strerror(errno));
		goto fail;
	}
	g->mode = mode;
	g->strip_labels = strip_labels;
	if (mode == GS_GROUP_REGISTRABLE && load_psl(g, err, errlen) < 0)
		goto fail;
	return g;
fail:
	free(g);
	return NULL;
}

void gs_grouper_free(struct gs_grouper *g)
{
	if (g == NULL)
		return;
	psl_free(g->owned_psl);
	free(g);
}

int gs_group_mode_parse(const char *text, enum gs_group_mode *mode,
			unsigned *strip_labels, char *err, size_t errlen)
{
	const char *num;
	char *end;
	unsigned long n;

	if (text == NULL)
		return gs_seterr(err, errlen, "group mode: missing value");
	if (strcmp(text, "registrable") == 0) {
		*mode = GS_GROUP_REGISTRABLE;
		*strip_labels = 0;
		return 0;
	}
	if (strcmp(text, "strip") == 0) {
		*mode = GS_GROUP_STRIP;
		*strip_labels = 1;
		return 0;
	}
	if (strncmp(text, "strip:", 6) != 0)
		goto bad;
	num = text + 6;
	/* Digits only: strtoul would also take "+3", " 3" and "-1". */
	if (*num < '0' || *num > '9')
		goto bad;
	errno = 0;
	n = strtoul(num, &end, 10);
	if (errno != 0 || *end != '\0' || n < 1 || n > GS_STRIP_MAX)
		goto bad;
	*mode = GS_GROUP_STRIP;
	*strip_labels = (unsigned)n;
	return 0;
bad:
	return gs_seterr(err, errlen,
			 "group mode \"%s\": expected \"registrable\", "
			 "\"strip\" or \"strip:N\" with N from 1 to %d",
			 text, GS_STRIP_MAX);
}

/* A byte of a label other than UTF-8: a letter, a digit, '-' or '_'. */
static bool is_label_byte(unsigned char c)
{
	/* c | 0x20 makes 'A'..'Z' 'a'..'z' and nothing else a letter. */
	return (unsigned char)((c | 0x20) - 'a') < 26 ||
	       (unsigned char)(c - '0') < 10 || c == '-' || c == '_';
}

/* A host name here: letters, digits, '-', '_' and well-formed UTF-8, in
 * non-empty dot-separated labels, at most GS_HOST_NAME_MAX bytes. *ascii
 * tells whether it has no byte from 0x80 up (set only when it is one). */
static bool is_host_name(const char *name, size_t len, bool *ascii)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t i, seq, label = 0; /* where the current label starts */
	bool high = false;

	if (len == 0 || len > GS_HOST_NAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (i == label)
				return false;
			label = i + 1;
		} else if (s[i] >= 0x80) {
			seq = gs_utf8_seq_len(s + i, len - i);
			if (seq == 0)
				return false;
			high = true;
			i += seq - 1;
		} else if (!is_label_byte(s[i])) {
			return false;
		}
	}
	if (label == len)
		return false;
	*ascii = !high;
	return true;
}

/* For a host name: an address written as a name ("192.0.2.1"; IPv6 is no
 * host name), or a name whose last label is all digits, which no
 * top-level domain is (RFC 3696, section 2). Either ends in a label of
 * digits. */
static bool is_ip_literal(const char *name, size_t len)
{
	const char *p;

	for (p = name + len; p > name && p[-1] != '.'; p--)
		if (p[-1] < '0' || p[-1] > '9')
			return false;
	return true;
}

/* Copies name[0..len) lower-cased into out: ASCII directly, anything else
 * through libpsl (which also NFKC-normalises). -1 when the result does not
 * fit or cannot be converted. */
static int lower_name(const char *name, size_t len, char out[GS_GROUP_MAX])
{
	char copy[GS_GROUP_MAX];
	char *lower = NULL;
	bool ascii = true;
	size_t i, n;
	int rc = -1;

	for (i = 0; i < len; i++) {
		if ((unsigned char)name[i] >= 0x80)
			ascii = false;
		out[i] = name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a'
							  : name[i];
	}
	out[len] = '\0';
	if (ascii)
		return 0;
	memcpy(copy, name, len);
	copy[len] = '\0';
	if (psl_str_to_utf8lower(copy, "utf-8", NULL, &lower) != PSL_SUCCESS)
		goto out;
	n = strlen(lower);
	if (n >= GS_GROUP_MAX)
		goto out;
	memcpy(out, lower, n + 1);
	rc = 0;
out:
	psl_free_string(lower);
	return rc;
}

/* out = the last n labels of name (all of it when it has fewer). */
static void keep_labels(const char *name, unsigned n, char out[GS_GROUP_MAX])
{
	const char *start = name + strlen(name);
	unsigned seen = 0;

	while (start > name) {
		if (start[-1] == '.' && ++seen == n)
			break;
		start--;
	}
	memmove(out, start, strlen(start) + 1);
}

static unsigned count_labels(const char *name)
{
	unsigned n = 1;

	for (; *name != '\0'; name++)
		if (*name == '.')
			n++;
	return n;
}

/* --- registrable domains, and their memo of suffixes --- */

/* libpsl reads no more than the last 9 labels of a name (libpsl 0.21,
 * psl_registrable_domain). */
#define PSL_LABELS_READ 9

/* The registrable domain of the suffix s of a name, from memo: true and
 * *reg (a pointer into s, or NULL for none) when it is there. An entry's
 * part is that domain, none when its length is 0. */
static bool memo_get(struct gs_group_table *memo, const char *s,
		     const char **reg)
{
	const struct gs_group_entry *hit;
	struct gs_group_entry *set;
	size_t len = strlen(s);

	if (len > GS_GROUP_CACHE_NAME_MAX)
		return false;
	hit = gs_group_table_find(memo, s, len, gs_group_table_hash(s, len),
				  &set);
	if (hit == NULL)
		return false;
	*reg = hit->group_len > 0 ? s + hit->group_off : NULL;
	return true;
}

/* Enters the suffix s with its registrable domain reg (NULL: none). */
static void memo_put(struct gs_group_table *memo, const char *s,
		     const char *reg)
{
	struct gs_group_entry *set;
	size_t len = strlen(s), off = reg != NULL ? (size_t)(reg - s) : 0;
	uint32_t hash;

	if (len > GS_GROUP_CACHE_NAME_MAX)
		return;
	hash = gs_group_table_hash(s, len);
	if (gs_group_table_find(memo, s, len, hash, &set) == NULL)
		(void)gs_group_table_put(set, s, len, hash, off,
					 reg != NULL ? len - off : 0);
}

/* The last n labels of name (all of it when it has no more). NULL when
 * the name has a byte from 0x80 up. */
static const char *ascii_last_labels(const char *name, unsigned n)
{
	const char *p, *start = name;
	unsigned dots = 0;

	for (p = name; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80)
			return NULL;
	while (p > name) {
		p--;
		if (*p == '.' && ++dots == n) {
			start = p + 1;
			break;
		}
	}
	return start;
}

/* psl_registrable_domain(g->psl, name) for a valid, lower-cased host name,
 * through the memo of suffixes unless that is NULL. libpsl asks
 * is_public_suffix() of every suffix of the name in turn, the whole name
 * first, a walk of its list each (thousands of instructions), and returns
 * the suffix one label longer than the first public one. So, for a suffix
 * S = L.P with P, its parent, S without its first label:
 *   reg(S) = NULL when S is a public suffix (a single label always is),
 *   else reg(P), or S itself when P has none (P is a public suffix);
 * and a name with more than PSL_LABELS_READ labels has the reg of its
 * last ones, all that libpsl reads. Walking towards the top-level domain
 * until the memo knows a suffix's answer, then back, a new host of a known
 * domain costs one question instead of one a label. Names with non-ASCII
 * bytes go to libpsl whole: it converts them to punycode, whose labels
 * need not be the name's. */
static const char *registrable(const struct gs_grouper *g,
			       struct gs_group_table *memo, const char *name)
{
	const char *chain[PSL_LABELS_READ], *s, *dot, *reg = NULL;
	size_t n = 0;

	s = memo != NULL ? ascii_last_labels(name, PSL_LABELS_READ) : NULL;
	if (s == NULL)
		return psl_registrable_domain(g->psl, name);
	/* The name itself is the cache's to keep, not the memo's. */
	while ((dot = strchr(s, '.')) != NULL &&
	       (s == name || !memo_get(memo, s, &reg))) {
		chain[n++] = s;
		s = dot + 1;
	}
	while (n > 0) {
		s = chain[--n];
		if (psl_is_public_suffix(g->psl, s))
			reg = NULL;
		else if (reg == NULL)
			reg = s;
		if (s != name)
			memo_put(memo, s, reg);
	}
	return reg;
}

/* The group of a valid, lower-cased host name, in place, with the memo
 * of suffixes (NULL: none). */
static void group_name(const struct gs_grouper *g, struct gs_group_table *memo,
		       char name[GS_GROUP_MAX])
{
	const char *reg;
	unsigned labels;

	if (g->mode == GS_GROUP_STRIP) {
		labels = count_labels(name);
		if (labels > g->strip_labels + 2)
			keep_labels(name, labels - g->strip_labels, name);
		else if (labels > 2)
			keep_labels(name, 2, name);
		return;
	}
	/* NULL for a public suffix itself or a single label: these group as
	 * themselves. */
	reg = registrable(g, memo, name);
	if (reg != NULL && reg != name)
		memmove(name, reg, strlen(reg) + 1);
}

/* True when client_name gives a group by name, written to out. */
static bool group_by_name(const struct gs_grouper *g,
			  struct gs_group_table *memo, const char *client_name,
			  char out[GS_GROUP_MAX])
{
	size_t len;
	bool ascii;

	if (client_name == NULL || strcasecmp(client_name, "unknown") == 0)
		return false;
	len = strlen(client_name);
	if (len > 0 && client_name[len - 1] == '.')
		len--;
	if (!is_host_name(client_name, len, &ascii) ||
	    is_ip_literal(client_name, len))
		return false;
	if (lower_name(client_name, len, out) < 0)
		return false;
	/* Unicode normalisation may have made characters a name cannot
	 * have; lower-casing ASCII letters cannot. */
	if (!ascii && !is_host_name(out, strlen(out), &ascii))
		return false;
	group_name(g, memo, out);
	return true;
}

int gs_group_of_memo(const struct gs_grouper *g, struct gs_group_table *memo,
		     const char *client_name, const char *client_address,
		     char out[GS_GROUP_MAX], enum gs_group_kind *kind)
{
	struct gs_addr a;

	if (group_by_name(g, memo, client_name, out)) {
		*kind = GS_KIND_NAME;
		return 0;
	}
	if (!gs_addr_parse(client_address, &a) ||
	    !gs_addr_network_name(&a, out, GS_GROUP_MAX)) {
		out[0] = '\0';
		return -1;
	}
	*kind = GS_KIND_NETWORK;
	return 0;
}

int gs_group_of(const struct gs_grouper *g, const char *client_name,
		const char *client_address, char out[GS_GROUP_MAX],
		enum gs_group_kind *kind)
{
	return gs_group_of_memo(g, NULL, client_name, client_address, out,
				kind);
}
