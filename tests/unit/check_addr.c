/* Unit tests of lib/addr.c: parsing (upper-case and uncompressed IPv6
 * included), postgrey's /24 and /64 networks, membership at the prefix
 * boundaries and the network names. */
#include "gs_config.h"

#include <arpa/inet.h>
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/addr.h"
#include "suite.h"

static struct gs_addr parsed(const char *text)
{
	struct gs_addr a;

	ck_assert_msg(gs_addr_parse(text, &a), "cannot parse %s", text);
	return a;
}

static const char *network_name(const char *text)
{
	static char out[64];
	struct gs_addr a = parsed(text);

	ck_assert(gs_addr_network_name(&a, out, sizeof(out)));
	return out;
}

START_TEST(test_addr_parses_ipv4)
{
	struct gs_addr a = parsed("192.0.2.33");
	static const uint8_t want[4] = {192, 0, 2, 33};

	ck_assert_int_eq(a.family, AF_INET);
	ck_assert_mem_eq(a.bytes, want, 4);
}
END_TEST

START_TEST(test_addr_parses_ipv6_compressed_upper_and_uncompressed)
{
	struct gs_addr a = parsed("2001:db8::1");
	struct gs_addr b = parsed("2001:DB8::1");
	struct gs_addr c = parsed("2001:0DB8:0000:0000:0000:0000:0000:0001");

	ck_assert_int_eq(a.family, AF_INET6);
	ck_assert_int_eq(b.family, AF_INET6);
	ck_assert_int_eq(c.family, AF_INET6);
	ck_assert_mem_eq(a.bytes, b.bytes, 16);
	ck_assert_mem_eq(a.bytes, c.bytes, 16);
	ck_assert_int_eq(a.bytes[15], 1);
	ck_assert_int_eq(a.bytes[0], 0x20);
}
END_TEST

START_TEST(test_addr_rejects_malformed_text)
{
	static const char *const bad[] = {
	    "",		  "192.0.2",	      "192.0.2.256", "192.0.2.1 ",
	    " 192.0.2.1", "[192.0.2.1]",      "::1%eth0",    "2001:db8:::1",
	    "unknown",	  "mail.example.com", "1.2.3.4.5",   "2001:db8::g",
	};
	struct gs_addr a;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!gs_addr_parse(bad[i], &a), "accepted \"%s\"",
			      bad[i]);
	ck_assert(!gs_addr_parse(NULL, &a));
}
END_TEST

/* text is IPv4 for gs_addr_parse exactly when it is for inet_pton, with
 * the same bytes. */
static void assert_ipv4_like_inet_pton(const char *text)
{
	uint8_t want[4];
	struct gs_addr a;
	bool got = gs_addr_parse(text, &a) && a.family == AF_INET;

	ck_assert_msg(got == (inet_pton(AF_INET, text, want) == 1),
		      "\"%s\": IPv4 %d", text, got);
	if (got)
		ck_assert_mem_eq(a.bytes, want, 4);
}

/* Every text of up to five characters of digits and dots, and four octets
 * of every awkward spelling (leading zeros, 255 and 256, four digits). */
START_TEST(test_addr_ipv4_agrees_with_inet_pton)
{
	static const char alphabet[] = "0123456789.";
	/* 4294967296 is 2^32: 0 if the digits were not bounded */
	static const char *const octets[] = {
	    "0",    "00",   "000", "01",	 "007", "1",   "9",
	    "10",   "25",   "99",  "100",	 "199", "200", "249",
	    "250",  "255",  "256", "260",	 "299", "300", "999",
	    "1000", "0255", "",	   "4294967296",
	};
	const size_t na = sizeof(alphabet) - 1;
	const size_t no = sizeof(octets) / sizeof(octets[0]);
	char text[64]; /* four of the longest octets, ".1" and NUL */
	size_t len, i, n, k;

	for (len = 0; len <= 5; len++) {
		for (n = 1, i = 0; i < len; i++)
			n *= na;
		for (k = 0; k < n; k++) {
			size_t v = k;

			for (i = 0; i < len; i++, v /= na)
				text[i] = alphabet[v % na];
			text[len] = '\0';
			assert_ipv4_like_inet_pton(text);
		}
	}
	for (k = 0; k < no * no * no * no; k++) {
		snprintf(text, sizeof(text), "%s.%s.%s.%s", octets[k % no],
			 octets[k / no % no], octets[k / no / no % no],
			 octets[k / no / no / no]);
		assert_ipv4_like_inet_pton(text);
		/* one octet too many or a character after the last */
		strcat(text, k % 2 == 0 ? ".1" : "x");
		assert_ipv4_like_inet_pton(text);
	}
}
END_TEST

START_TEST(test_addr_network_keeps_24_bits_of_ipv4)
{
	struct gs_addr a = parsed("192.0.2.255"), net;
	struct gs_addr want = parsed("192.0.2.0");

	gs_addr_network(&a, &net);
	ck_assert_int_eq(net.family, AF_INET);
	ck_assert_mem_eq(net.bytes, want.bytes, 16);
}
END_TEST

START_TEST(test_addr_network_keeps_64_bits_of_ipv6)
{
	struct gs_addr a = parsed("2001:db8:1:2:ffff:ffff:ffff:ffff"), net;
	struct gs_addr want = parsed("2001:db8:1:2::");

	gs_addr_network(&a, &net);
	ck_assert_int_eq(net.family, AF_INET6);
	ck_assert_mem_eq(net.bytes, want.bytes, 16);
}
END_TEST

START_TEST(test_addr_in_checks_prefix_boundaries)
{
	struct gs_addr net = parsed("192.0.2.0");
	struct gs_addr in = parsed("192.0.2.200");
	struct gs_addr out = parsed("192.0.3.1");
	struct gs_addr net6 = parsed("2001:db8:1:2::");
	struct gs_addr in6 = parsed("2001:db8:1:2:a::1");
	struct gs_addr out6 = parsed("2001:db8:1:3::1");

	ck_assert(gs_addr_in(&in, &net, 24));
	ck_assert(!gs_addr_in(&out, &net, 24));
	ck_assert(gs_addr_in(&out, &net, 23)); /* 192.0.2.0/23 */
	ck_assert(!gs_addr_in(&in, &net, 25)); /* .200 is past .127 */
	ck_assert(gs_addr_in(&in, &in, 32));
	ck_assert(!gs_addr_in(&in, &net, 32));
	ck_assert(!gs_addr_in(&in, &in, 33));
	ck_assert(gs_addr_in(&out, &net, 0));
	ck_assert(gs_addr_in(&in6, &net6, 64));
	ck_assert(!gs_addr_in(&out6, &net6, 64));
	ck_assert(gs_addr_in(&in6, &in6, 128));
	ck_assert(!gs_addr_in(&in6, &in6, 129));
	/* No mixing of families, not even with /0. */
	ck_assert(!gs_addr_in(&in, &net6, 0));
	ck_assert(!gs_addr_in(&in6, &net, 0));
}
END_TEST

START_TEST(test_addr_network_name_formats_like_postgrey_keys)
{
	ck_assert_str_eq(network_name("192.0.2.1"), "[192.0.2.0/24]");
	ck_assert_str_eq(network_name("2001:db8:1:2:3:4:5:6"),
			 "[2001:db8:1:2::/64]");
	ck_assert_str_eq(
	    network_name("2001:0DB8:0000:0000:0000:0000:0000:0001"),
	    "[2001:db8::/64]");
	ck_assert_str_eq(network_name("::1"), "[::/64]");
}
END_TEST

/* The name as inet_ntop and snprintf write it, for the network of a. */
static void assert_network_name_like_inet_ntop(const struct gs_addr *a)
{
	struct gs_addr net;
	char text[INET6_ADDRSTRLEN], want[64], got[64];

	gs_addr_network(a, &net);
	ck_assert_ptr_nonnull(
	    inet_ntop(net.family, net.bytes, text, sizeof(text)));
	snprintf(want, sizeof(want), "[%s/%d]", text,
		 a->family == AF_INET ? 24 : 64);
	ck_assert(gs_addr_network_name(a, got, sizeof(got)));
	ck_assert_str_eq(got, want);
}

/* IPv4 networks with octets of one, two and three digits, and IPv6 ones
 * with runs of zero groups of every length and place. */
START_TEST(test_addr_network_name_agrees_with_inet_ntop)
{
	static const uint8_t some[] = {0, 1, 9, 10, 42, 99, 100, 199, 255};
	const size_t ns = sizeof(some);
	struct gs_addr a;
	size_t i, j, k, g;

	memset(&a, 0, sizeof(a));
	a.family = AF_INET;
	for (i = 0; i < ns * 256 * ns; i++) {
		a.bytes[0] = some[i % ns];
		a.bytes[1] = (uint8_t)(i / ns % 256);
		a.bytes[2] = some[i / ns / 256];
		a.bytes[3] = (uint8_t)i;
		assert_network_name_like_inet_ntop(&a);
	}
	a.family = AF_INET6;
	for (i = 0; i < 256; i++) {
		/* bit g of i: group g of the network half is not zero */
		for (g = 0; g < 4; g++) {
			for (k = 0; k < 2; k++)
				a.bytes[2 * g + k] =
				    (i >> g & 1) ? some[(i + g + k) % ns] : 0;
		}
		for (j = 8; j < 16; j++)
			a.bytes[j] = (uint8_t)(i * j);
		assert_network_name_like_inet_ntop(&a);
	}
}
END_TEST

START_TEST(test_addr_network_name_fails_when_buffer_too_small)
{
	struct gs_addr a = parsed("192.0.2.1");
	char out[sizeof("[192.0.2.0/24]")];

	/* Exactly enough, then one byte short. */
	ck_assert(gs_addr_network_name(&a, out, sizeof(out)));
	ck_assert_str_eq(out, "[192.0.2.0/24]");
	ck_assert(!gs_addr_network_name(&a, out, sizeof(out) - 1));
	ck_assert(!gs_addr_network_name(&a, out, 0));
}
END_TEST

static Suite *addr_suite(void)
{
	Suite *s = suite_create("addr");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_addr_parses_ipv4);
	tcase_add_test(tc,
		       test_addr_parses_ipv6_compressed_upper_and_uncompressed);
	tcase_add_test(tc, test_addr_rejects_malformed_text);
	tcase_add_test(tc, test_addr_ipv4_agrees_with_inet_pton);
	tcase_add_test(tc, test_addr_network_keeps_24_bits_of_ipv4);
	tcase_add_test(tc, test_addr_network_keeps_64_bits_of_ipv6);
	tcase_add_test(tc, test_addr_in_checks_prefix_boundaries);
	tcase_add_test(tc, test_addr_network_name_formats_like_postgrey_keys);
	tcase_add_test(tc, test_addr_network_name_agrees_with_inet_ntop);
	tcase_add_test(tc, test_addr_network_name_fails_when_buffer_too_small);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(addr_suite)
