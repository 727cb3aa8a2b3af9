/* Client addresses as postgrey sees them: parsing IPv4/IPv6 text, and the
 * network postgrey keys on (IPv4 /24, IPv6 /64). Pure functions. */
#ifndef GS_ADDR_H
#define GS_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gs_addr {
	int family;	   /* AF_INET or AF_INET6 */
	uint8_t bytes[16]; /* network order; IPv4 uses the first 4 */
};

/* Parses IPv4 or IPv6 text (an IPv6 address may be upper-case or written
 * uncompressed, as in postgrey's "whitelisted:" lines). false on anything
 * else. */
bool gs_addr_parse(const char *text, struct gs_addr *out);

/* Clears host bits: IPv4 keeps 24 bits, IPv6 keeps 64. */
void gs_addr_network(const struct gs_addr *a, struct gs_addr *net);

/* True when a lies inside net/prefix_len (same family). */
bool gs_addr_in(const struct gs_addr *a, const struct gs_addr *net,
		unsigned prefix_len);

/* Writes the network group name "[192.0.2.0/24]" or "[2001:db8:1:2::/64]".
 * Returns false if outlen is too small. */
bool gs_addr_network_name(const struct gs_addr *a, char *out, size_t outlen);

#endif
