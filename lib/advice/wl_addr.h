/* The address entries of postgrey's whitelists (the a.b.c.d[/n], a.b.c,
 * a.b and IPv6 forms of whitelist.h), read as NetAddr::IP reads them, in
 * the IPv6 space where IPv4 lives at ::a.b.c.d. Private to lib/advice
 * (whitelist.c); gs_network_group_parse (whitelist.h) is here too. Pure
 * functions. */
#ifndef GS_ADVICE_WL_ADDR_H
#define GS_ADVICE_WL_ADDR_H

#include <stdbool.h>

#include "base/addr.h"
#include "advice/whitelist.h"

/* How many dot-separated groups of 1..3 digits make up the whole of s (2
 * to 4; with four, "/" and 1..2 digits may follow: *has_prefix), or 0 when
 * s has another shape. The shape alone decides that a line is an IPv4
 * entry, as postgrey's regexes do. */
unsigned gs_wl_ipv4_shape(const char *s, bool *has_prefix);

/* The network of an IPv4 entry of that shape (a.b.c and a.b are /24),
 * moved into the IPv6 space. false when NetAddr::IP would refuse it
 * (postgrey then skips the line). */
bool gs_wl_parse_ipv4(const char *s, unsigned groups, bool has_prefix,
		      struct gs_addr *net, unsigned *prefix);

/* Whether s has two colons: postgrey then takes it for an IPv6 entry. */
bool gs_wl_ipv6_shape(const char *s);

/* The network of an IPv6 entry: addr, addr/len, [addr] or [addr]/len (the
 * length after brackets is ignored: /128). false when it does not parse. */
bool gs_wl_parse_ipv6(const char *s, struct gs_addr *net, unsigned *prefix);

/* a/prefix in the IPv6 space (IPv4 at ::a.b.c.d, prefix + 96) with the
 * host bits cleared; the prefix is capped at 128. */
void gs_wl_to_v6_net(const struct gs_addr *a, unsigned prefix,
		     struct gs_addr *net, unsigned *prefix6);

#endif
