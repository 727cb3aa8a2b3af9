/* Grouping client names into sender domains (see group.h).
 *
 * Concurrency & locking: a grouper is read-only after gs_grouper_new(), and
 * libpsl's lookups only read its context, so gs_group_of() may run in any
 * number of threads at once without a lock. A group cache has no lock: it
 * belongs to one thread (each thread makes its own for the shared
 * grouper). */
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

static bool is_name_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

/* A host name here: letters, digits, '-', '_' and well-formed UTF-8, in
 * non-empty dot-separated labels, at most GS_HOST_NAME_MAX bytes. */
static bool is_host_name(const char *name, size_t len)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t i = 0, seq;
	bool label_empty = true;

	if (len == 0 || len > GS_HOST_NAME_MAX)
		return false;
	while (i < len) {
		if (s[i] == '.') {
			if (label_empty)
				return false;
			label_empty = true;
			i++;
			continue;
		}
		if (s[i] < 0x80) {
			if (!is_name_byte(s[i]))
				return false;
			seq = 1;
		} else {
			seq = gs_utf8_seq_len(s + i, len - i);
			if (seq == 0)
				return false;
		}
		label_empty = false;
		i += seq;
	}
	return !label_empty;
}

/* An address written as a name ("192.0.2.1"), or a name whose last label is
 * all digits, which no top-level domain is (RFC 3696, section 2). */
static bool is_ip_literal(const char *name, size_t len)
{
	struct gs_addr a;
	const char *last = name;
	size_t i;

	if (gs_addr_parse(name, &a))
		return true;
	for (i = 0; i < len; i++)
		if (name[i] == '.')
			last = name + i + 1;
	for (; last < name + len; last++)
		if (*last < '0' || *last > '9')
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

/* The group of a valid, lower-cased host name, in place. */
static void group_name(const struct gs_grouper *g, char name[GS_GROUP_MAX])
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
	reg = psl_registrable_domain(g->psl, name);
	if (reg != NULL && reg != name)
		memmove(name, reg, strlen(reg) + 1);
}

/* True when client_name gives a group by name, written to out. */
static bool group_by_name(const struct gs_grouper *g, const char *client_name,
			  char out[GS_GROUP_MAX])
{
	size_t len;

	if (client_name == NULL || strcasecmp(client_name, "unknown") == 0)
		return false;
	len = strlen(client_name);
	if (len > 0 && client_name[len - 1] == '.')
		len--;
	if (!is_host_name(client_name, len) || is_ip_literal(client_name, len))
		return false;
	if (lower_name(client_name, len, out) < 0)
		return false;
	/* Normalisation may have made characters a name cannot have. */
	if (!is_host_name(out, strlen(out)))
		return false;
	group_name(g, out);
	return true;
}

int gs_group_of(const struct gs_grouper *g, const char *client_name,
		const char *client_address, char out[GS_GROUP_MAX],
		enum gs_group_kind *kind)
{
	struct gs_addr a;

	if (group_by_name(g, client_name, out)) {
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

/* --- the group cache --- */

/* One cached name in 64 bytes, a cache line. Its group is the part
 * key[group_off, group_off + group_len): a registrable domain, or the last
 * labels, is a suffix of the lower-cased name (before a trailing dot). */
struct cache_entry {
	uint32_t hash;
	uint8_t key_len; /* 0: the entry is empty */
	uint8_t group_off;
	uint8_t group_len;
	char key[GS_GROUP_CACHE_NAME_MAX];
};

_Static_assert(sizeof(struct cache_entry) == 64, "one cache line per entry");
_Static_assert(GS_GROUP_CACHE_NAME_MAX <= UINT8_MAX, "lengths fit uint8_t");

struct gs_group_cache {
	const struct gs_grouper *g;
	/* Sets of two entries, e[2i] the more recently used; when e[2i + 1]
	 * is in use, so is e[2i]. */
	struct cache_entry *e;
	size_t set_mask;
	uint64_t lookups, hits;
	size_t held;
};

struct gs_group_cache *gs_group_cache_new(const struct gs_grouper *g,
					  size_t slots, char *err,
					  size_t errlen)
{
	struct gs_group_cache *c = NULL;
	size_t n = 2;

	if (g == NULL) {
		gs_seterr(err, errlen, "group cache: no grouper");
		goto fail;
	}
	if (slots > GS_GROUP_CACHE_MAX_SLOTS) {
		gs_seterr(err, errlen, "group cache: %zu slots, at most %u",
			  slots, GS_GROUP_CACHE_MAX_SLOTS);
		goto fail;
	}
	while (n < slots)
		n *= 2;
	c = calloc(1, sizeof(*c));
	if (c == NULL || (c->e = calloc(n, sizeof(*c->e))) == NULL) {
		gs_seterr(err, errlen, "group cache: %s", strerror(errno));
		goto fail;
	}
	c->g = g;
	c->set_mask = n / 2 - 1;
	return c;
fail:
	gs_group_cache_free(c);
	return NULL;
}

void gs_group_cache_free(struct gs_group_cache *c)
{
	if (c == NULL)
		return;
	free(c->e);
	free(c);
}

/* The key of a client name: ASCII letters lower-cased, which is all that
 * case changes in an ASCII name's group (a name with other non-ASCII bytes
 * goes through libpsl's Unicode lower-casing, so it is kept as written).
 * false when the name is empty or too long to cache. */
static bool make_key(const char *name, char key[GS_GROUP_CACHE_NAME_MAX],
		     size_t *len, uint32_t *hash)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	bool ascii = true;
	size_t i, n;

	for (n = 0; name[n] != '\0'; n++) {
		if (n == GS_GROUP_CACHE_NAME_MAX)
			return false;
		if ((unsigned char)name[n] >= 0x80)
			ascii = false;
		key[n] = name[n] >= 'A' && name[n] <= 'Z'
			     ? (char)(name[n] - 'A' + 'a')
			     : name[n];
	}
	if (n == 0)
		return false;
	if (!ascii)
		memcpy(key, name, n);
	for (i = 0; i < n; i++) {
		h ^= (unsigned char)key[i];
		h *= 16777619u;
	}
	*len = n;
	*hash = h;
	return true;
}

/* Enters key with its group into set, as the most recently used, unless
 * the group is not a part of the key (Unicode normalisation). */
static void remember(struct gs_group_cache *c, struct cache_entry *set,
		     const char *key, size_t len, uint32_t hash,
		     const char *group)
{
	size_t glen = strlen(group), end = len;

	if (glen > end)
		return;
	if (memcmp(key + end - glen, group, glen) != 0) {
		if (key[end - 1] != '.' || glen > --end ||
		    memcmp(key + end - glen, group, glen) != 0)
			return;
	}
	if (set[0].key_len == 0 || set[1].key_len == 0)
		c->held++;
	if (set[0].key_len != 0)
		set[1] = set[0];
	set[0].hash = hash;
	set[0].key_len = (uint8_t)len;
	set[0].group_off = (uint8_t)(end - glen);
	set[0].group_len = (uint8_t)glen;
	memcpy(set[0].key, key, len);
}

int gs_group_cache_of(struct gs_group_cache *c, const char *client_name,
		      const char *client_address, char out[GS_GROUP_MAX],
		      enum gs_group_kind *kind)
{
	char key[GS_GROUP_CACHE_NAME_MAX];
	struct cache_entry *set = NULL, tmp;
	uint32_t hash;
	size_t len, i;

	if (c == NULL) {
		out[0] = '\0';
		return -1;
	}
	c->lookups++;
	if (client_name != NULL && make_key(client_name, key, &len, &hash)) {
		set = &c->e[(hash & c->set_mask) * 2];
		for (i = 0; i < 2; i++) {
			if (set[i].key_len != len || set[i].hash != hash ||
			    memcmp(set[i].key, key, len) != 0)
				continue;
			if (i == 1) {
				tmp = set[0];
				set[0] = set[1];
				set[1] = tmp;
			}
			memcpy(out, set[0].key + set[0].group_off,
			       set[0].group_len);
			out[set[0].group_len] = '\0';
			*kind = GS_KIND_NAME;
			c->hits++;
			return 0;
		}
	}
	if (gs_group_of(c->g, client_name, client_address, out, kind) != 0)
		return -1;
	if (set != NULL && *kind == GS_KIND_NAME)
		remember(c, set, key, len, hash, out);
	return 0;
}

void gs_group_cache_counts(const struct gs_group_cache *c, uint64_t *lookups,
			   uint64_t *hits, size_t *held)
{
	*lookups = c != NULL ? c->lookups : 0;
	*hits = c != NULL ? c->hits : 0;
	*held = c != NULL ? c->held : 0;
}
