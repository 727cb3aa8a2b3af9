/* Unit tests of lib/addrset.c: address keys (IPv4 mapped, IPv6 as is, and
 * back), distinct keys with their newest slot, saturation at the maximum
 * (exactly at it and one past), growth from an empty set, and pruning at
 * the window's boundary. */
#include "gs_config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/addr.h"
#include "tally/addrset.h"
#include "suite.h"

static void key_of(const char *text, uint8_t key[GS_ADDRSET_KEY_BYTES])
{
	struct gs_addr a;

	ck_assert_msg(gs_addr_parse(text, &a), "%s", text);
	gs_addrset_key(&a, key);
}

START_TEST(test_addrset_ipv4_key_is_mapped_and_back)
{
	static const uint8_t want[GS_ADDRSET_KEY_BYTES] = {
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 7};
	uint8_t key[GS_ADDRSET_KEY_BYTES];
	struct gs_addr a, b;

	key_of("192.0.2.7", key);
	ck_assert_mem_eq(key, want, sizeof(want));
	gs_addrset_addr(key, &b);
	ck_assert(gs_addr_parse("192.0.2.7", &a));
	ck_assert_int_eq(b.family, AF_INET);
	ck_assert_mem_eq(b.bytes, a.bytes, 4);
}
END_TEST

START_TEST(test_addrset_ipv6_key_is_the_address_and_back)
{
	uint8_t key[GS_ADDRSET_KEY_BYTES];
	struct gs_addr a, b;

	ck_assert(gs_addr_parse("2001:db8::1", &a));
	gs_addrset_key(&a, key);
	ck_assert_mem_eq(key, a.bytes, 16);
	gs_addrset_addr(key, &b);
	ck_assert_int_eq(b.family, AF_INET6);
	ck_assert_mem_eq(b.bytes, a.bytes, 16);
}
END_TEST

START_TEST(test_addrset_keeps_each_key_once_with_its_newest_slot)
{
	struct gs_addrset_item *set = NULL;
	uint8_t n = 0, cap = 0, key[GS_ADDRSET_KEY_BYTES];

	key_of("192.0.2.1", key);
	gs_addrset_note(&set, &n, &cap, 8, key, 5);
	gs_addrset_note(&set, &n, &cap, 8, key, 9);
	gs_addrset_note(&set, &n, &cap, 8, key, 3); /* older: no change */
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(set[0].slot, 9);
	key_of("192.0.2.2", key);
	gs_addrset_note(&set, &n, &cap, 8, key, 4);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_ge(cap, n);
	free(set);
}
END_TEST

START_TEST(test_addrset_saturates_at_max)
{
	struct gs_addrset_item *set = NULL;
	uint8_t n = 0, cap = 0, key[GS_ADDRSET_KEY_BYTES];
	char text[32];
	unsigned i;

	for (i = 0; i < 5; i++) {
		snprintf(text, sizeof(text), "198.51.100.%u", i);
		key_of(text, key);
		gs_addrset_note(&set, &n, &cap, 5, key, 1);
	}
	ck_assert_uint_eq(n, 5); /* exactly at the maximum */
	ck_assert_uint_eq(cap, 5);
	key_of("198.51.100.200", key);
	gs_addrset_note(&set, &n, &cap, 5, key, 1); /* one past */
	ck_assert_uint_eq(n, 5);
	ck_assert_uint_eq(cap, 5);
	/* A known key still gets its newer slot when saturated. */
	key_of("198.51.100.0", key);
	gs_addrset_note(&set, &n, &cap, 5, key, 7);
	ck_assert_int_eq(set[0].slot, 7);
	free(set);
}
END_TEST

START_TEST(test_addrset_prune_drops_only_keys_before_min_live)
{
	struct gs_addrset_item *set = NULL;
	uint8_t n = 0, cap = 0, key[GS_ADDRSET_KEY_BYTES];
	static const int64_t slots[] = {10, 9, 11, 8, 10};
	char text[32];
	unsigned i;

	for (i = 0; i < 5; i++) {
		snprintf(text, sizeof(text), "203.0.113.%u", i);
		key_of(text, key);
		gs_addrset_note(&set, &n, &cap, 64, key, slots[i]);
	}
	gs_addrset_prune(set, &n, 10); /* 10 is the boundary: kept */
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(set[0].slot, 10);
	ck_assert_int_eq(set[1].slot, 11);
	ck_assert_int_eq(set[2].slot, 10);
	key_of("203.0.113.2", key);
	ck_assert_mem_eq(set[1].key, key, GS_ADDRSET_KEY_BYTES);
	gs_addrset_prune(set, &n, 12);
	ck_assert_uint_eq(n, 0);
	gs_addrset_prune(NULL, &n, 12); /* an empty set */
	ck_assert_uint_eq(n, 0);
	free(set);
}
END_TEST

static Suite *addrset_suite(void)
{
	Suite *s = suite_create("addrset");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_addrset_ipv4_key_is_mapped_and_back);
	tcase_add_test(tc, test_addrset_ipv6_key_is_the_address_and_back);
	tcase_add_test(tc,
		       test_addrset_keeps_each_key_once_with_its_newest_slot);
	tcase_add_test(tc, test_addrset_saturates_at_max);
	tcase_add_test(tc, test_addrset_prune_drops_only_keys_before_min_live);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(addrset_suite)
