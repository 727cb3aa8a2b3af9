/* Client addresses: text to binary (IPv6 through inet_pton()), postgrey's
 * networks (IPv4 /24, IPv6 /64) and their names. No state, no
 * allocation. */
#include "gs_config.h"

#include "base/addr.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#define GS_ADDR_V4_NET_BITS 24
#define GS_ADDR_V6_NET_BITS 64

static unsigned addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

/* IPv4 dotted-quad text as inet_pton(AF_INET) takes it: exactly four
 * decimal octets of at most 255, without leading zeros (which some
 * parsers would read as octal), one dot between them, nothing else. By
 * hand because every decision parses its client address, and inet_pton
 * measures the string first. */
static bool parse_ipv4(const char *text, uint8_t bytes[4])
{
	const char *p = text;
	unsigned octet, value, digits;

	for (octet = 0; octet < 4; octet++) {
		if (octet > 0 && *p++ != '.')
			return false;
		value = 0;
		for (digits = 0; p[digits] >= '0' && p[digits] <= '9';
		     digits++) {
			if (digits == 3)
				return false;
			value = value * 10 + (unsigned)(p[digits] - '0');
		}
		if (digits == 0 || value > 255 || (digits > 1 && p[0] == '0'))
			return false;
		bytes[octet] = (uint8_t)value;
		p += digits;
	}
	return *p == '\0';
}

bool gs_addr_parse(const char *text, struct gs_addr *out)
{
	struct gs_addr a;

	if (text == NULL || out == NULL)
		return false;
	memset(&a, 0, sizeof(a));
	/* inet_pton accepts upper-case hex digits and uncompressed IPv6 (as
	 * in postgrey's "whitelisted:" lines). IPv6 text has a colon ("::"
	 * at the least): a client name does not pay for inet_pton. */
	if (parse_ipv4(text, a.bytes))
		a.family = AF_INET;
	else if (strchr(text, ':') != NULL &&
		 inet_pton(AF_INET6, text, a.bytes) == 1)
		a.family = AF_INET6;
	else
		return false;
	*out = a;
	return true;
}

/* Keeps the first bits of src and zeroes the rest of dst's bytes. */
static void keep_prefix(const uint8_t *src, uint8_t *dst, unsigned bits,
			unsigned len)
{
	unsigned i;

	for (i = 0; i < len; i++) {
		if (bits >= 8) {
			dst[i] = src[i];
			bits -= 8;
		} else {
			dst[i] = src[i] & (uint8_t)(0xff00u >> bits);
			bits = 0;
		}
	}
}

void gs_addr_network(const struct gs_addr *a, struct gs_addr *net)
{
	struct gs_addr n;
	unsigned bits;

	memset(&n, 0, sizeof(n));
	n.family = a->family;
	bits = a->family == AF_INET ? GS_ADDR_V4_NET_BITS : GS_ADDR_V6_NET_BITS;
	keep_prefix(a->bytes, n.bytes, bits, addr_len(a->family));
	*net = n;
}

bool gs_addr_in(const struct gs_addr *a, const struct gs_addr *net,
		unsigned prefix_len)
{
	uint8_t x[16], y[16];
	unsigned len;

	if (a->family != net->family)
		return false;
	if (a->family != AF_INET && a->family != AF_INET6)
		return false;
	len = addr_len(a->family);
	if (prefix_len > len * 8)
		return false;
	keep_prefix(a->bytes, x, prefix_len, len);
	keep_prefix(net->bytes, y, prefix_len, len);
	return memcmp(x, y, len) == 0;
}

/* Writes v in decimal at out; returns the digits written (1 to 3). */
static size_t put_octet(char *out, unsigned v)
{
	size_t n = 0;

	if (v >= 100)
		out[n++] = (char)('0' + v / 100);
	if (v >= 10)
		out[n++] = (char)('0' + v / 10 % 10);
	out[n++] = (char)('0' + v % 10);
	return n;
}

/* The text of an IPv4 address, as inet_ntop writes it, by hand: glibc's
 * inet_ntop formats IPv4 with sprintf, and every decision of an
 * "unknown" client names its network. text has INET_ADDRSTRLEN bytes. */
static void ipv4_text(const uint8_t bytes[4], char *text)
{
	size_t n = 0;
	unsigned i;

	for (i = 0; i < 4; i++) {
		if (i > 0)
			text[n++] = '.';
		n += put_octet(text + n, bytes[i]);
	}
	text[n] = '\0';
}

bool gs_addr_network_name(const struct gs_addr *a, char *out, size_t outlen)
{
	struct gs_addr net;
	char text[INET6_ADDRSTRLEN];
	const char *suffix;
	size_t tlen, slen;

	if (a->family != AF_INET && a->family != AF_INET6)
		return false;
	gs_addr_network(a, &net);
	if (a->family == AF_INET) {
		ipv4_text(net.bytes, text);
		suffix = "/24]";
	} else {
		if (inet_ntop(AF_INET6, net.bytes, text, sizeof(text)) == NULL)
			return false;
		suffix = "/64]";
	}
	_Static_assert(GS_ADDR_V4_NET_BITS == 24 && GS_ADDR_V6_NET_BITS == 64,
		       "the suffixes spell the networks' bits");
	tlen = strlen(text);
	slen = strlen(suffix);
	if (outlen < 1 + tlen + slen + 1)
		return false;
	out[0] = '[';
	memcpy(out + 1, text, tlen);
	memcpy(out + 1 + tlen, suffix, slen + 1);
	return true;
}
