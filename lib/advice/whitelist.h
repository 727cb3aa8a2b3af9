/* postgrey's client whitelists (whitelist_clients, whitelist_clients.local),
 * read and matched the way postgrey 1.37 does
 * (/usr/sbin/postgrey, read_clients_whitelists and the client checks in
 * smtpd_access_policy).
 *
 * Each line loses everything from the first '#', then leading and trailing
 * white space; empty lines are skipped (base/listfile.h). What is left is,
 * tried in order:
 *   /RE/        RE (no white space) is a Perl regular expression, compiled
 *               with PCRE2, case-insensitive and not anchored, tested
 *               against client names.
 *   a.b.c.d[/n] an IPv4 address or network (n = 0..32; host bits are kept
 *               and ignored). Octets with a leading 0 are octal, as in
 *               inet_aton(3): 010.1.1.1 is 8.1.1.1.
 *   a.b.c       the /24 network a.b.c.0/24.
 *   a.b         postgrey's quirk: also a /24, a.b.0.0/24 (not a /16).
 *   x:y:z...    anything with two colons: an IPv6 address or prefix
 *               (/0..128, default /128), brackets allowed.
 *   NAME        any other single word: the name or any subdomain of it,
 *               case-insensitively; postgrey compiles it to
 *               (?:^|\.)\QNAME\E$, so outlook.com covers
 *               mail-x.outbound.protection.outlook.com but not
 *               evil-outlook.com.
 * Lines postgrey skips (an address that does not parse, such as 999.1.1.1,
 * or a line with inner white space) are skipped and counted as warnings.
 * Like NetAddr::IP, IPv4 networks live at ::a.b.c.d in the IPv6 space, so an
 * IPv6 entry such as ::/0 or ::c000:200/120 also covers IPv4 addresses, but
 * 0.0.0.0/0 covers no IPv6 address.
 *
 * Regex matching is bounded: PCRE2 gives up after GS_WHITELIST_MATCH_LIMIT
 * backtracking steps or at a backtracking depth of GS_WHITELIST_DEPTH_LIMIT,
 * so a catastrophic regex such as /^(a+)+$/ cannot hang the caller. Such a
 * match counts as no match (the client is not taken for whitelisted; Perl
 * would only be slow and might have matched) and is recorded for
 * gs_whitelist_match_failures().
 *
 * Whether a summary group is covered (gs_whitelist_covers):
 *   - a name group ("outlook.com") is covered when its domain matches a name
 *     entry (the entry is the domain or a parent domain of it), or when
 *     it has examples and every example client name matches a name
 *     or regex entry (a regex for the pool's host names counts, one host of
 *     an unrelated domain does not). Regex entries are never tested against
 *     the domain: postgrey tests them against client names only, so
 *     /^outlook\.com$/ does not cover mail-x.outbound.protection.outlook.com;
 *   - a network group ("[192.0.2.0/24]") is covered when its whole network
 *     lies inside an address entry (then postgrey passes every client of the
 *     group); an entry for a single address or a smaller network inside the
 *     group covers only some clients and does not count. It is also covered
 *     when it has examples and every example name ("unknown" included, as
 *     postgrey tests it) matches a name or regex entry.
 *
 * greyscan's ignore file, read the same way, is in ignore.h.
 *
 * Loaded objects are read-only afterwards, but for the atomic count of
 * regex matches that gave up: matching is safe from any thread. */
#ifndef GS_WHITELIST_H
#define GS_WHITELIST_H

#include <stdbool.h>
#include <stddef.h>

#include "base/addr.h"
#include "base/listfile.h"
#include "summary/summary.h"

/* postgrey's defaults; a missing file whose name ends in ".local" is fine.
 * A line longer than GS_WHITELIST_MAX_LINE_BYTES is an error. */
#define GS_POSTGREY_WHITELIST	    "/etc/postgrey/whitelist_clients"
#define GS_POSTGREY_WHITELIST_LOCAL "/etc/postgrey/whitelist_clients.local"
#define GS_WHITELIST_MAX_LINE_BYTES GS_LISTFILE_MAX_LINE_BYTES
/* PCRE2 limits per regex test of one client name (names are at most a few
 * hundred bytes; an ordinary regex needs far less): backtracking steps
 * (pcre2_set_match_limit) and backtracking depth (pcre2_set_depth_limit). */
#define GS_WHITELIST_MATCH_LIMIT 100000
#define GS_WHITELIST_DEPTH_LIMIT 1000

/* Which entry matched, for verbose output; the ignore list (ignore.h) uses
 * it too. The strings belong to the whitelist or ignore object and live as
 * long as it does. */
struct gs_wl_hit {
	const char *file; /* path as given to the load function */
	unsigned line;	  /* 1-based line number in that file */
	const char
	    *entry; /* the entry as written, comment and blanks removed */
};

struct gs_whitelist;

/* An empty whitelist; NULL on no memory. Free with gs_whitelist_free(). */
struct gs_whitelist *gs_whitelist_new(void);
void gs_whitelist_free(struct gs_whitelist *wl);

/* Adds the entries of path. A missing file (ENOENT) whose name ends in
 * ".local" adds nothing and succeeds, as in postgrey; any other file that
 * cannot be opened or read, a line longer than GS_WHITELIST_MAX_LINE_BYTES,
 * or a regex PCRE2 cannot compile gives -1 with err naming path:line and
 * the errno text or PCRE2's message. Entries added before a failure stay. */
int gs_whitelist_load(struct gs_whitelist *wl, const char *path, char *err,
		      size_t errlen);

/* A whitelist from paths[0..n-1] in order, or, when paths is NULL or n is
 * 0, from postgrey's defaults GS_POSTGREY_WHITELIST and
 * GS_POSTGREY_WHITELIST_LOCAL. NULL with err on no memory or when
 * gs_whitelist_load fails for one of them. Free with gs_whitelist_free(). */
struct gs_whitelist *gs_whitelist_load_default(const char *const *paths,
					       size_t n, char *err,
					       size_t errlen);

/* Number of entries loaded, and of lines skipped as postgrey skips them.
 * The first skipped line is described in gs_whitelist_first_warning() (""
 * when there is none), "path:line: why". */
size_t gs_whitelist_count(const struct gs_whitelist *wl);
size_t gs_whitelist_warnings(const struct gs_whitelist *wl);
const char *gs_whitelist_first_warning(const struct gs_whitelist *wl);

/* True when postgrey would pass a client of this name by its name (name and
 * regex entries). hit (may be NULL) tells which entry matched. NULL wl or
 * name: false. */
bool gs_whitelist_match_name(const struct gs_whitelist *wl, const char *name,
			     struct gs_wl_hit *hit);

/* True when every address of net/prefix_len lies inside one address entry
 * (prefix_len 32 or 128: a single client address). */
bool gs_whitelist_match_net(const struct gs_whitelist *wl,
			    const struct gs_addr *net, unsigned prefix_len,
			    struct gs_wl_hit *hit);

/* Whether the whitelist covers a summary group, by the rules above. */
bool gs_whitelist_covers(const struct gs_whitelist *wl,
			 const struct gs_group_stats *g, struct gs_wl_hit *hit);

/* How many regex matches gave up at a PCRE2 limit (or for lack of memory)
 * and were taken as no match, since wl was created. first (may be NULL) is
 * set to the entry that gave up first when the count is not 0. Thread-safe;
 * the count may grow while other threads match. */
size_t gs_whitelist_match_failures(const struct gs_whitelist *wl,
				   struct gs_wl_hit *first);

/* Parses a network group name "[192.0.2.0/24]" or "[2001:db8::/64]" into
 * its network and prefix length. false when text is not one. */
bool gs_network_group_parse(const char *text, struct gs_addr *net,
			    unsigned *prefix_len);

#endif
