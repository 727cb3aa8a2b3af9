/* Grouping client names into sender domains.
 *   registrable (default): libpsl's registrable domain, lower-cased, trailing
 *     dot removed: mail-x.outbound.protection.outlook.com -> outlook.com,
 *     mail.example.co.uk -> example.co.uk, a.b.github.io -> b.github.io.
 *   strip: the old script's behaviour, drop the first N labels but keep at
 *     least two.
 * A public suffix itself ("co.uk") or a single label ("localhost") groups as
 * itself. "unknown" clients, names that are IP literals ("192.0.2.1",
 * "[192.0.2.1]", IPv6, or a last label of digits only) and names that are
 * not host names at all are grouped by the client's network like postgrey
 * keys them (IPv4 /24, IPv6 /64): "[192.0.2.0/24]". A host name here has
 * non-empty labels of letters, digits, '-', '_' and well-formed UTF-8, at
 * most 253 bytes (one trailing dot is not counted). IDN names in UTF-8 and
 * in punycode stay as logged (lower-cased; UTF-8 through libpsl, which also
 * NFKC-normalises); they are not converted into one another. The public
 * suffix list is the system's (Debian's publicsuffix package, through
 * psl_latest) or else libpsl's built-in one.
 * A grouper is read-only after creation: safe from any thread. A group cache
 * (below) is one thread's own. */
#ifndef GS_GROUP_H
#define GS_GROUP_H

#include <stddef.h>
#include <stdint.h>

#define GS_GROUP_MAX 256 /* bytes of a group name, NUL included */

/* What a group name stands for. */
enum gs_group_kind {
	GS_KIND_NAME,	 /* a sender domain from client names: "outlook.com" */
	GS_KIND_NETWORK, /* unknown clients by network: "[192.0.2.0/24]" */
};

enum gs_group_mode {
	GS_GROUP_REGISTRABLE,
	GS_GROUP_STRIP,
};

struct gs_grouper;

/* strip_labels is used only in GS_GROUP_STRIP mode (1 to 10). Returns NULL
 * with err filled on a bad mode or count, or when libpsl has no list. Free
 * with gs_grouper_free() (NULL is fine). */
struct gs_grouper *gs_grouper_new(enum gs_group_mode mode,
				  unsigned strip_labels, char *err,
				  size_t errlen);
void gs_grouper_free(struct gs_grouper *g);

/* Parses "registrable" or "strip" (= "strip:1") or "strip:N" with N from 1
 * to 10 (a configuration value). Returns -1 with err naming the bad value;
 * mode and strip_labels are then untouched. */
int gs_group_mode_parse(const char *text, enum gs_group_mode *mode,
			unsigned *strip_labels, char *err, size_t errlen);

/* Writes the group of a client into out (GS_GROUP_MAX bytes) and its kind.
 * client_name and client_address may be NULL. Returns -1 when neither the
 * name nor the address gives a group (then the event is counted as unparsed
 * by the caller). */
int gs_group_of(const struct gs_grouper *g, const char *client_name,
		const char *client_address, char out[GS_GROUP_MAX],
		enum gs_group_kind *kind);

/* A memo of gs_group_of() for one thread: libpsl takes about a microsecond
 * per name, and client names repeat (retries, server pools). It keeps only
 * results of kind GS_KIND_NAME, which depend on the client name alone, keyed
 * by the name with ASCII letters lower-cased (a name with any non-ASCII
 * byte is keyed exactly as written); names longer than
 * GS_GROUP_CACHE_NAME_MAX bytes are looked up every time. A name missing
 * from it is grouped with the help of a memo of the registrable domains of
 * names' suffixes (a name without its first labels, ASCII names only): a
 * new host of a known domain then costs libpsl one lookup, not one a label.
 * Bounded: a fixed number of entries (and a quarter of that for the memo),
 * the least recently used of two candidates replaced. Not thread-safe: one
 * cache per thread, all sharing the read-only grouper. */
#define GS_GROUP_CACHE_NAME_MAX	     57	   /* bytes of a cached client name */
#define GS_GROUP_CACHE_DEFAULT_SLOTS 65536 /* 4 MiB, with 1 MiB of memo */
#define GS_GROUP_CACHE_MAX_SLOTS     (1u << 22)

struct gs_group_cache;

/* A cache of at least slots entries (rounded up to a power of two, 2 to
 * GS_GROUP_CACHE_MAX_SLOTS) for grouper g, which must outlive it. Returns
 * NULL with err filled on a bad size or no memory. Free with
 * gs_group_cache_free() (NULL is fine). */
struct gs_group_cache *gs_group_cache_new(const struct gs_grouper *g,
					  size_t slots, char *err,
					  size_t errlen);
void gs_group_cache_free(struct gs_group_cache *c);

/* The same result as gs_group_of() with the cache's grouper, from the cache
 * when the name is there. -1 with out "" when c is NULL. */
int gs_group_cache_of(struct gs_group_cache *c, const char *client_name,
		      const char *client_address, char out[GS_GROUP_MAX],
		      enum gs_group_kind *kind);

/* Lookups made, of them answered from the cache, and entries held (at most
 * the slots), for tests and benchmarks. */
void gs_group_cache_counts(const struct gs_group_cache *c, uint64_t *lookups,
			   uint64_t *hits, size_t *held);

#endif
