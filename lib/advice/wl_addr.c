/* The address entries of postgrey's whitelists, read as NetAddr::IP reads
 * them (see whitelist.h for the forms and wl_addr.h for the functions). */
#include "gs_config.h"

#include "advice/wl_addr.h"

#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

/* IPv4 lives at ::a.b.c.d in the IPv6 space, as in NetAddr::IP. */
#define V4_IN_V6_PREFIX 96

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static void v4_to_v6(const uint8_t v4[4], struct gs_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = AF_INET6;
	memcpy(out->bytes + 12, v4, 4);
}

/* Puts a into the IPv6 space and clears the host bits. */
void gs_wl_to_v6_net(const struct gs_addr *a, unsigned prefix,
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
unsigned gs_wl_ipv4_shape(const char *s, bool *has_prefix)
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
bool gs_wl_parse_ipv4(const char *s, unsigned groups, bool has_prefix,
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
	gs_wl_to_v6_net(&a, len, net, prefix);
	return true;
}

/* An IPv6 entry: addr, addr/len (len 1..3 digits), [addr] or [addr]/len
 * (NetAddr::IP ignores the length after a bracketed address: /128). */
bool gs_wl_parse_ipv6(const char *s, struct gs_addr *net, unsigned *prefix)
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
	gs_wl_to_v6_net(&a, len, net, prefix);
	return true;
}

/* Anything with two colons, postgrey's /^.*\:.*\:.*(?:\/\d{1,3})?$/. */
bool gs_wl_ipv6_shape(const char *s)
{
	const char *c = strchr(s, ':');

	return c != NULL && strchr(c + 1, ':') != NULL;
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
