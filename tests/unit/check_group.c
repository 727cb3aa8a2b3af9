/* Unit tests of lib/group.c: registrable domains from libpsl (co.uk, com.au,
 * github.io, amazonses.com, outlook.com), case, trailing dot, single labels,
 * public suffixes, IDN in UTF-8 and punycode, the fall-back to postgrey's
 * networks for unknown, IP-literal and malformed names, the 253-byte limit,
 * strip mode and the parsing of the mode setting. */
#include "gs_config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "input/group.h"
#include "suite.h"

static struct gs_grouper *grouper;

static void setup_registrable(void)
{
	char err[GS_ERRLEN];

	grouper = gs_grouper_new(GS_GROUP_REGISTRABLE, 0, err, sizeof(err));
	ck_assert_msg(grouper != NULL, "%s", err);
}

static void teardown(void)
{
	gs_grouper_free(grouper);
	grouper = NULL;
}

/* The group of name (with a fixed address), asserting its kind. */
static const char *group_of(const struct gs_grouper *g, const char *name,
			    enum gs_group_kind want_kind)
{
	static char out[GS_GROUP_MAX];
	enum gs_group_kind kind;

	ck_assert_msg(gs_group_of(g, name, "192.0.2.77", out, &kind) == 0,
		      "no group for %s", name);
	ck_assert_msg(kind == want_kind, "%s: kind %d", name, (int)kind);
	return out;
}

static const char *by_name(const char *name)
{
	return group_of(grouper, name, GS_KIND_NAME);
}

START_TEST(test_group_registrable_domain_of_big_senders)
{
	ck_assert_str_eq(
	    by_name("mail-eopbgr80098.outbound.protection.outlook.com"),
	    "outlook.com");
	ck_assert_str_eq(by_name("a27-12.smtp-out.us-west-2.amazonses.com"),
			 "amazonses.com");
	ck_assert_str_eq(by_name("mail-wr1-f54.google.com"), "google.com");
	ck_assert_str_eq(by_name("example.com"), "example.com");
}
END_TEST

START_TEST(test_group_registrable_domain_under_multi_label_suffixes)
{
	ck_assert_str_eq(by_name("mail.example.co.uk"), "example.co.uk");
	ck_assert_str_eq(by_name("mx1.mail.foo.com.au"), "foo.com.au");
	ck_assert_str_eq(by_name("foo.com.au"), "foo.com.au");
	ck_assert_str_eq(by_name("x.y.github.io"), "y.github.io");
}
END_TEST

START_TEST(test_group_lower_cases_and_strips_one_trailing_dot)
{
	ck_assert_str_eq(by_name("MAIL.Example.CO.UK"), "example.co.uk");
	ck_assert_str_eq(by_name("mail.example.com."), "example.com");
	ck_assert_str_eq(by_name("Mail.Example.Com."), "example.com");
}
END_TEST

START_TEST(test_group_public_suffix_and_single_label_group_as_themselves)
{
	ck_assert_str_eq(by_name("co.uk"), "co.uk");
	ck_assert_str_eq(by_name("github.io"), "github.io");
	ck_assert_str_eq(by_name("localhost"), "localhost");
	ck_assert_str_eq(by_name("LocalHost."), "localhost");
}
END_TEST

START_TEST(test_group_idn_stays_as_written_lower_cased)
{
	/* Punycode stays punycode, UTF-8 stays UTF-8: no conversion. */
	ck_assert_str_eq(by_name("mx.XN--BCHER-KVA.de"), "xn--bcher-kva.de");
	ck_assert_str_eq(by_name("mx.b\xc3\xbc"
				 "cher.de"),
			 "b\xc3\xbc"
			 "cher.de");
	ck_assert_str_eq(by_name("MX.B\xc3\x9c"
				 "CHER.DE"),
			 "b\xc3\xbc"
			 "cher.de");
	/* A UTF-8 and a punycode public suffix (.рф = xn--p1ai). */
	ck_assert_str_eq(by_name("mail.\xd0\xbf\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5"
				 "\xd1\x80.\xd1\x80\xd1\x84"),
			 "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80."
			 "\xd1\x80\xd1\x84");
	ck_assert_str_eq(by_name("mail.xn--e1afmkfd.xn--p1ai"),
			 "xn--e1afmkfd.xn--p1ai");
}
END_TEST

START_TEST(test_group_unknown_and_empty_names_group_by_network)
{
	ck_assert_str_eq(group_of(grouper, "unknown", GS_KIND_NETWORK),
			 "[192.0.2.0/24]");
	ck_assert_str_eq(group_of(grouper, "UNKNOWN", GS_KIND_NETWORK),
			 "[192.0.2.0/24]");
	ck_assert_str_eq(group_of(grouper, "", GS_KIND_NETWORK),
			 "[192.0.2.0/24]");
	ck_assert_str_eq(group_of(grouper, ".", GS_KIND_NETWORK),
			 "[192.0.2.0/24]");
	ck_assert_str_eq(group_of(grouper, NULL, GS_KIND_NETWORK),
			 "[192.0.2.0/24]");
}
END_TEST

START_TEST(test_group_ip_literal_names_group_by_network)
{
	static const char *const literals[] = {
	    "192.0.2.1",	  "192.0.2.1.", "[192.0.2.1]", "2001:db8::1",
	    "[IPv6:2001:db8::1]", "10.1.2",	"host.123",
	};
	size_t i;

	for (i = 0; i < sizeof(literals) / sizeof(literals[0]); i++)
		ck_assert_str_eq(
		    group_of(grouper, literals[i], GS_KIND_NETWORK),
		    "[192.0.2.0/24]");
}
END_TEST

START_TEST(test_group_malformed_names_group_by_network)
{
	static const char *const bad[] = {
	    "mail example.com",
	    "mail.example.com/24",
	    "mail\x01.example.com",
	    "mail\t.example.com",
	    "a..example.com",
	    ".example.com",
	    "example.com..",
	    "mail.ex\xff"
	    "ample.com",
	    "mail.ex\xc3"
	    "ample.com", /* a cut UTF-8 sequence */
	    "mail.ex\xc0\xaf"
	    "ample.com", /* an overlong '/' */
	    "\"quoted\".example.com",
	    "mail@example.com",
	    "mail:25",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_str_eq(group_of(grouper, bad[i], GS_KIND_NETWORK),
				 "[192.0.2.0/24]");
}
END_TEST

START_TEST(test_group_name_limit_is_253_bytes)
{
	char name[300] = "bb";
	size_t i;

	/* "bba.a.a. ... .a.com": 2 + 124 * 2 + 3 = 253 bytes. */
	for (i = 0; i < 124; i++)
		strcat(name, "a.");
	strcat(name, "com");
	ck_assert_uint_eq(strlen(name), 253);
	ck_assert_str_eq(by_name(name), "a.com");
	strcat(name, "."); /* the trailing dot does not count */
	ck_assert_str_eq(by_name(name), "a.com");
	name[253] = '\0';
	memmove(name + 1, name, strlen(name) + 1);
	name[0] = 'c'; /* 254 bytes */
	ck_assert_uint_eq(strlen(name), 254);
	ck_assert_str_eq(group_of(grouper, name, GS_KIND_NETWORK),
			 "[192.0.2.0/24]");
}
END_TEST

START_TEST(test_group_ipv6_client_groups_by_64)
{
	char out[GS_GROUP_MAX];
	enum gs_group_kind kind;

	ck_assert_int_eq(gs_group_of(grouper, "unknown",
				     "2001:DB8:1:2:0:0:0:99", out, &kind),
			 0);
	ck_assert_int_eq(kind, GS_KIND_NETWORK);
	ck_assert_str_eq(out, "[2001:db8:1:2::/64]");
}
END_TEST

START_TEST(test_group_fails_without_name_or_address)
{
	char out[GS_GROUP_MAX];
	enum gs_group_kind kind;

	ck_assert_int_eq(gs_group_of(grouper, "unknown", "garbage", out, &kind),
			 -1);
	ck_assert_int_eq(gs_group_of(grouper, "", NULL, out, &kind), -1);
	ck_assert_int_eq(gs_group_of(grouper, "bad name", "", out, &kind), -1);
	/* A good name needs no address. */
	ck_assert_int_eq(
	    gs_group_of(grouper, "mx.example.org", NULL, out, &kind), 0);
	ck_assert_str_eq(out, "example.org");
}
END_TEST

static const char *strip(unsigned n, const char *name)
{
	static char out[GS_GROUP_MAX];
	struct gs_grouper *g;
	enum gs_group_kind kind;
	char err[GS_ERRLEN];

	g = gs_grouper_new(GS_GROUP_STRIP, n, err, sizeof(err));
	ck_assert_msg(g != NULL, "%s", err);
	ck_assert_int_eq(gs_group_of(g, name, "192.0.2.1", out, &kind), 0);
	ck_assert_int_eq(kind, GS_KIND_NAME);
	gs_grouper_free(g);
	return out;
}

START_TEST(test_group_strip_drops_labels_keeping_two)
{
	ck_assert_str_eq(strip(1, "a.b.example.com"), "b.example.com");
	ck_assert_str_eq(strip(1, "mail.example.com"), "example.com");
	ck_assert_str_eq(strip(1, "example.com"), "example.com");
	ck_assert_str_eq(strip(1, "localhost"), "localhost");
	ck_assert_str_eq(strip(2, "a.b.c.example.com"), "c.example.com");
	ck_assert_str_eq(strip(2, "a.b.example.com"), "example.com");
	ck_assert_str_eq(strip(3, "a.b.example.com"), "example.com");
	/* Unlike registrable mode, strip knows nothing of co.uk. */
	ck_assert_str_eq(strip(1, "MAIL.Example.CO.UK."), "example.co.uk");
	ck_assert_str_eq(strip(2, "mail.example.co.uk"), "co.uk");
}
END_TEST

START_TEST(test_group_strip_still_groups_unknown_by_network)
{
	struct gs_grouper *g;
	char out[GS_GROUP_MAX], err[GS_ERRLEN];
	enum gs_group_kind kind;

	g = gs_grouper_new(GS_GROUP_STRIP, 1, err, sizeof(err));
	ck_assert_ptr_nonnull(g);
	ck_assert_int_eq(gs_group_of(g, "unknown", "198.51.100.9", out, &kind),
			 0);
	ck_assert_str_eq(out, "[198.51.100.0/24]");
	ck_assert_int_eq(kind, GS_KIND_NETWORK);
	gs_grouper_free(g);
}
END_TEST

START_TEST(test_group_new_rejects_bad_strip_count)
{
	char err[GS_ERRLEN] = "";

	ck_assert_ptr_null(gs_grouper_new(GS_GROUP_STRIP, 0, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "strip"));
	ck_assert_ptr_null(
	    gs_grouper_new(GS_GROUP_STRIP, 11, err, sizeof(err)));
	ck_assert_ptr_null(
	    gs_grouper_new((enum gs_group_mode)7, 1, err, sizeof(err)));
	gs_grouper_free(NULL);
}
END_TEST

START_TEST(test_group_mode_parse_accepts_the_three_forms)
{
	enum gs_group_mode mode;
	unsigned n = 99;
	char err[GS_ERRLEN];

	ck_assert_int_eq(
	    gs_group_mode_parse("registrable", &mode, &n, err, sizeof(err)), 0);
	ck_assert_int_eq(mode, GS_GROUP_REGISTRABLE);
	ck_assert_int_eq(
	    gs_group_mode_parse("strip", &mode, &n, err, sizeof(err)), 0);
	ck_assert_int_eq(mode, GS_GROUP_STRIP);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(
	    gs_group_mode_parse("strip:1", &mode, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(
	    gs_group_mode_parse("strip:10", &mode, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 10);
}
END_TEST

START_TEST(test_group_mode_parse_names_bad_value)
{
	static const char *const bad[] = {
	    "strip:0",	"strip:11", "strip:",	"strip:x",
	    "strip:+3", "strip:-1", "strip: 2", "strip:2x",
	    "Strip",	"",	    "psl",	"strip:99999999999999999999",
	};
	enum gs_group_mode mode = GS_GROUP_REGISTRABLE;
	unsigned n = 5;
	char err[GS_ERRLEN];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ck_assert_int_eq(
		    gs_group_mode_parse(bad[i], &mode, &n, err, sizeof(err)),
		    -1);
		ck_assert_msg(strstr(err, bad[i]) != NULL,
			      "error \"%s\" does not name \"%s\"", err, bad[i]);
		/* Outputs untouched on error. */
		ck_assert_int_eq(mode, GS_GROUP_REGISTRABLE);
		ck_assert_uint_eq(n, 5);
	}
	ck_assert_int_eq(gs_group_mode_parse(NULL, &mode, &n, err, sizeof(err)),
			 -1);
}
END_TEST

/* The rules whose answer a name's parent does not give alone: wildcards
 * (*.ck, *.kawasaki.jp), their exceptions (!www.ck, !city.kawasaki.jp), a
 * public suffix whose parent is none (forgot.his.name) and libpsl's limit
 * of the last nine labels. */
START_TEST(test_group_wildcard_exception_and_deep_rules)
{
	ck_assert_str_eq(by_name("foo.ck"), "foo.ck");
	ck_assert_str_eq(by_name("a.b.foo.ck"), "b.foo.ck");
	ck_assert_str_eq(by_name("a.b.www.ck"), "www.ck");
	ck_assert_str_eq(by_name("a.b.foo.kawasaki.jp"), "b.foo.kawasaki.jp");
	ck_assert_str_eq(by_name("a.b.city.kawasaki.jp"), "city.kawasaki.jp");
	ck_assert_str_eq(by_name("a.his.name"), "his.name");
	ck_assert_str_eq(by_name("forgot.his.name"), "forgot.his.name");
	ck_assert_str_eq(by_name("a.forgot.his.name"), "a.forgot.his.name");
	ck_assert_str_eq(by_name("1.2.3.4.5.6.7.8.9.10.example.co.uk"),
			 "example.co.uk");
}
END_TEST

/* --- the group cache --- */

static struct gs_group_cache *new_cache(const struct gs_grouper *g,
					size_t slots)
{
	char err[GS_ERRLEN] = "";
	struct gs_group_cache *c =
	    gs_group_cache_new(g, slots, err, sizeof(err));

	ck_assert_msg(c != NULL, "%s", err);
	return c;
}

static uint64_t cache_hits(const struct gs_group_cache *c)
{
	uint64_t lookups, hits;
	size_t held;

	gs_group_cache_counts(c, &lookups, &hits, &held);
	return hits;
}

static size_t cache_held(const struct gs_group_cache *c)
{
	uint64_t lookups, hits;
	size_t held;

	gs_group_cache_counts(c, &lookups, &hits, &held);
	return held;
}

/* Looks name up through c and asserts the answer is gs_group_of()'s, and
 * whether it came from the cache (want_hit 1 or 0; -1: either). */
static void assert_cached_like_group_of(struct gs_group_cache *c,
					const struct gs_grouper *g,
					const char *name, const char *address,
					int want_hit)
{
	char want[GS_GROUP_MAX], got[GS_GROUP_MAX];
	enum gs_group_kind want_kind, got_kind = GS_KIND_NAME;
	int want_rc, got_rc;
	uint64_t before = cache_hits(c);

	want_rc = gs_group_of(g, name, address, want, &want_kind);
	got_rc = gs_group_cache_of(c, name, address, got, &got_kind);
	ck_assert_int_eq(got_rc, want_rc);
	if (want_rc == 0) {
		ck_assert_msg(strcmp(got, want) == 0, "%s: '%s', want '%s'",
			      name, got, want);
		ck_assert_int_eq(got_kind, want_kind);
	}
	if (want_hit >= 0)
		ck_assert_msg((cache_hits(c) > before) == (want_hit != 0),
			      "%s: hit %d, want %d", name,
			      cache_hits(c) > before, want_hit);
}

/* The second lookup of a name comes from the cache with the same answer,
 * for every shape of name the grouper knows. */
START_TEST(test_group_cache_hit_gives_the_same_as_group_of)
{
	static const char *const names[] = {
	    "mail-eopbgr80098.outbound.protection.outlook.com",
	    "a27-12.smtp-out.us-west-2.amazonses.com",
	    "mail.example.co.uk",
	    "x.y.github.io",
	    "co.uk",
	    "localhost",
	    "mail.example.com.",
	    "mx.XN--BCHER-KVA.de",
	    "mx.b\xc3\xbc"
	    "cher.de",
	};
	struct gs_group_cache *c = new_cache(grouper, 64);
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_cached_like_group_of(c, grouper, names[i], "192.0.2.1",
					    0);
		assert_cached_like_group_of(c, grouper, names[i], "192.0.2.1",
					    1);
	}
	ck_assert_uint_eq(cache_held(c), sizeof(names) / sizeof(names[0]));
	gs_group_cache_free(c);
}
END_TEST

/* A missing name is grouped through the memo of its suffixes' registrable
 * domains: the same answers as libpsl's whole walk, for names under the
 * tricky rules met with a warm memo, a cold one, and one too small to keep
 * them, in both orders (a parent first or its hosts first). */
START_TEST(test_group_cache_memo_of_suffixes_gives_the_same_as_group_of)
{
	static const char *const suffixes[] = {
	    "ck",
	    "foo.ck",
	    "www.ck",
	    "kawasaki.jp",
	    "foo.kawasaki.jp",
	    "city.kawasaki.jp",
	    "his.name",
	    "forgot.his.name",
	    "co.uk",
	    "example.co.uk",
	    "github.io",
	    "s3.dualstack.us-east-1.amazonaws.com",
	    "outbound.protection.outlook.com",
	};
	static const char *const prefixes[] = {
	    "",
	    "a.",
	    "b.a.",
	    "www.",
	    "city.",
	    "forgot.",
	    "c.b.a.",
	    "1.2.3.4.5.6.7.8.",
	    "1.2.3.4.5.6.7.8.9.",
	    "x.1.2.3.4.5.6.7.8.9.",
	};
	const size_t ns = sizeof(suffixes) / sizeof(suffixes[0]);
	const size_t np = sizeof(prefixes) / sizeof(prefixes[0]);
	static const size_t slots[] = {2, 8, 1024};
	char name[GS_GROUP_MAX];
	struct gs_group_cache *c;
	size_t i, j, k, round;

	for (k = 0; k < sizeof(slots) / sizeof(slots[0]); k++) {
		c = new_cache(grouper, slots[k]);
		for (round = 0; round < 4; round++) {
			for (i = 0; i < ns * np; i++) {
				/* rounds 1 and 3 walk backwards */
				j = round % 2 == 0 ? i : ns * np - 1 - i;
				snprintf(name, sizeof(name), "%s%s",
					 prefixes[j % np], suffixes[j / np]);
				assert_cached_like_group_of(c, grouper, name,
							    "192.0.2.1", -1);
			}
		}
		gs_group_cache_free(c);
	}
}
END_TEST

/* ASCII case does not change a group: the variants share one entry. */
START_TEST(test_group_cache_case_variants_share_an_entry)
{
	struct gs_group_cache *c = new_cache(grouper, 64);

	assert_cached_like_group_of(c, grouper, "Mail.Example.CO.UK",
				    "192.0.2.1", 0);
	assert_cached_like_group_of(c, grouper, "mail.example.co.uk",
				    "192.0.2.1", 1);
	assert_cached_like_group_of(c, grouper, "MAIL.EXAMPLE.CO.UK",
				    "192.0.2.1", 1);
	/* A trailing dot makes another key with the same group. */
	assert_cached_like_group_of(c, grouper, "MAIL.EXAMPLE.CO.UK.",
				    "192.0.2.1", 0);
	assert_cached_like_group_of(c, grouper, "mail.example.co.uk.",
				    "192.0.2.1", 1);
	ck_assert_uint_eq(cache_held(c), 2);
	gs_group_cache_free(c);
}
END_TEST

/* The key folds 'A'..'Z' and nothing else: every byte value in every
 * place of a name's first words gets gs_group_of's answer, and each letter
 * in each place shares the key of its small form. */
START_TEST(test_group_cache_key_folds_only_ascii_letters)
{
	static const char base[] = "abcdefghijklmnopq.Example.com";
	struct gs_group_cache *c = new_cache(grouper, 1 << 14);
	char name[64];
	int pos, b, round;

	for (round = 0; round < 2; round++) {
		for (pos = 0; pos < 17; pos++) {
			for (b = 1; b < 256; b++) {
				memcpy(name, base, sizeof(base));
				name[pos] = (char)b;
				assert_cached_like_group_of(c, grouper, name,
							    "192.0.2.1", -1);
			}
		}
	}
	gs_group_cache_free(c);
	for (pos = 0; pos < 17; pos++) {
		for (b = 'a'; b <= 'z'; b++) {
			c = new_cache(grouper, 2);
			memcpy(name, base, sizeof(base));
			name[pos] = (char)b;
			assert_cached_like_group_of(c, grouper, name, NULL, 0);
			name[pos] = (char)(b - 'a' + 'A');
			assert_cached_like_group_of(c, grouper, name, NULL, 1);
			gs_group_cache_free(c);
		}
	}
}
END_TEST

/* Non-ASCII names are lower-cased by libpsl's Unicode rules: such a name
 * is a key only as written, and one whose group is not part of it (here
 * upper-case) is not kept at all, yet always answered right. */
START_TEST(test_group_cache_unicode_names_are_keyed_as_written)
{
	struct gs_group_cache *c = new_cache(grouper, 64);

	assert_cached_like_group_of(c, grouper,
				    "MX.B\xc3\x9c"
				    "CHER.DE",
				    "192.0.2.1", 0);
	assert_cached_like_group_of(c, grouper,
				    "MX.B\xc3\x9c"
				    "CHER.DE",
				    "192.0.2.1", 0);
	assert_cached_like_group_of(c, grouper,
				    "mx.b\xc3\xbc"
				    "cher.de",
				    "192.0.2.1", 0);
	assert_cached_like_group_of(c, grouper,
				    "Mx.b\xc3\xbc"
				    "cher.de",
				    "192.0.2.1", 0);
	assert_cached_like_group_of(c, grouper,
				    "mx.b\xc3\xbc"
				    "cher.de",
				    "192.0.2.1", 1);
	ck_assert_uint_eq(cache_held(c), 2);
	gs_group_cache_free(c);
}
END_TEST

/* A network group depends on the address: never taken from the cache, so
 * the same name with another address gets that address's network. */
START_TEST(test_group_cache_network_groups_are_not_cached)
{
	struct gs_group_cache *c = new_cache(grouper, 64);
	char out[GS_GROUP_MAX];
	enum gs_group_kind kind;
	int round;

	for (round = 0; round < 2; round++) {
		ck_assert_int_eq(
		    gs_group_cache_of(c, "unknown", "192.0.2.1", out, &kind),
		    0);
		ck_assert_str_eq(out, "[192.0.2.0/24]");
		ck_assert_int_eq(kind, GS_KIND_NETWORK);
		ck_assert_int_eq(
		    gs_group_cache_of(c, "unknown", "198.51.100.1", out, &kind),
		    0);
		ck_assert_str_eq(out, "[198.51.100.0/24]");
		ck_assert_int_eq(gs_group_cache_of(c, "192.0.2.1",
						   "203.0.113.5", out, &kind),
				 0);
		ck_assert_str_eq(out, "[203.0.113.0/24]");
		ck_assert_int_eq(kind, GS_KIND_NETWORK);
		/* A name that spells its own network group. */
		ck_assert_int_eq(gs_group_cache_of(c, "[192.0.2.0/24]",
						   "192.0.2.5", out, &kind),
				 0);
		ck_assert_str_eq(out, "[192.0.2.0/24]");
		ck_assert_int_eq(kind, GS_KIND_NETWORK);
		ck_assert_int_eq(gs_group_cache_of(c, "[192.0.2.0/24]",
						   "198.51.100.1", out, &kind),
				 0);
		ck_assert_str_eq(out, "[198.51.100.0/24]");
	}
	ck_assert_int_eq(gs_group_cache_of(c, NULL, "2001:db8::1", out, &kind),
			 0);
	ck_assert_str_eq(out, "[2001:db8::/64]");
	ck_assert_int_eq(gs_group_cache_of(c, "", "garbage", out, &kind), -1);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(gs_group_cache_of(c, NULL, NULL, out, &kind), -1);
	ck_assert_uint_eq(cache_hits(c), 0);
	ck_assert_uint_eq(cache_held(c), 0);
	gs_group_cache_free(c);
}
END_TEST

/* Many more names than slots: the cache stays at its size and every
 * answer stays right, over the names' second round too. */
START_TEST(test_group_cache_is_bounded)
{
	struct gs_group_cache *c = new_cache(grouper, 5); /* rounded to 8 */
	char name[64];
	uint64_t lookups, hits;
	size_t held;
	int i, round;

	for (round = 0; round < 2; round++) {
		for (i = 0; i < 2000; i++) {
			snprintf(name, sizeof(name), "h%d.d%d.example.co.uk", i,
				 i % 37);
			assert_cached_like_group_of(c, grouper, name,
						    "192.0.2.1", -1);
		}
	}
	gs_group_cache_counts(c, &lookups, &hits, &held);
	ck_assert_uint_eq(lookups, 4000);
	ck_assert_uint_eq(held, 8);
	ck_assert_uint_lt(hits, 4000);
	gs_group_cache_free(c);
}
END_TEST

/* Two slots form one set of two: a third name replaces the one used
 * least recently. */
START_TEST(test_group_cache_evicts_the_least_recently_used)
{
	struct gs_group_cache *c = new_cache(grouper, 2);

	assert_cached_like_group_of(c, grouper, "a.one.example", NULL, 0);
	assert_cached_like_group_of(c, grouper, "b.two.example", NULL, 0);
	assert_cached_like_group_of(c, grouper, "a.one.example", NULL, 1);
	assert_cached_like_group_of(c, grouper, "c.three.example", NULL, 0);
	ck_assert_uint_eq(cache_held(c), 2);
	assert_cached_like_group_of(c, grouper, "a.one.example", NULL, 1);
	assert_cached_like_group_of(c, grouper, "c.three.example", NULL, 1);
	assert_cached_like_group_of(c, grouper, "b.two.example", NULL, 0);
	/* b replaced a, the older of the two. */
	assert_cached_like_group_of(c, grouper, "c.three.example", NULL, 1);
	assert_cached_like_group_of(c, grouper, "a.one.example", NULL, 0);
	gs_group_cache_free(c);
}
END_TEST

/* Names up to GS_GROUP_CACHE_NAME_MAX bytes are kept; longer ones are
 * answered by the grouper each time. */
START_TEST(test_group_cache_name_length_limit)
{
	struct gs_group_cache *c = new_cache(grouper, 64);
	char name[GS_GROUP_CACHE_NAME_MAX + 2];

	memset(name, 'a', sizeof(name));
	memcpy(name + GS_GROUP_CACHE_NAME_MAX - 12, ".example.com", 12);
	name[GS_GROUP_CACHE_NAME_MAX] = '\0';
	assert_cached_like_group_of(c, grouper, name, NULL, 0);
	assert_cached_like_group_of(c, grouper, name, NULL, 1);
	memmove(name + 1, name, GS_GROUP_CACHE_NAME_MAX + 1);
	ck_assert_uint_eq(strlen(name), GS_GROUP_CACHE_NAME_MAX + 1);
	assert_cached_like_group_of(c, grouper, name, NULL, 0);
	assert_cached_like_group_of(c, grouper, name, NULL, 0);
	ck_assert_uint_eq(cache_held(c), 1);
	gs_group_cache_free(c);
}
END_TEST

START_TEST(test_group_cache_new_rejects_bad_arguments)
{
	char err[GS_ERRLEN] = "";

	ck_assert_ptr_null(gs_group_cache_new(NULL, 64, err, sizeof(err)));
	ck_assert_str_ne(err, "");
	err[0] = '\0';
	ck_assert_ptr_null(gs_group_cache_new(
	    grouper, (size_t)GS_GROUP_CACHE_MAX_SLOTS + 1, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "slots"));
	gs_group_cache_free(NULL);
}
END_TEST

/* A cache answers for its own grouper: strip mode's groups. */
START_TEST(test_group_cache_follows_its_grouper)
{
	char err[GS_ERRLEN];
	struct gs_grouper *g =
	    gs_grouper_new(GS_GROUP_STRIP, 2, err, sizeof(err));
	struct gs_group_cache *c;

	ck_assert_msg(g != NULL, "%s", err);
	c = new_cache(g, 16);
	assert_cached_like_group_of(c, g, "A.b.c.Example.com", NULL, 0);
	assert_cached_like_group_of(c, g, "a.B.c.example.com.", NULL, 0);
	assert_cached_like_group_of(c, g, "a.b.c.example.com", NULL, 1);
	gs_group_cache_free(c);
	gs_grouper_free(g);
}
END_TEST

static Suite *group_suite(void)
{
	Suite *s = suite_create("group");
	TCase *tc = tcase_create("registrable");
	TCase *other = tcase_create("strip and mode");
	TCase *cache = tcase_create("cache");

	tcase_add_checked_fixture(tc, setup_registrable, teardown);
	tcase_add_test(tc, test_group_registrable_domain_of_big_senders);
	tcase_add_test(
	    tc, test_group_registrable_domain_under_multi_label_suffixes);
	tcase_add_test(tc, test_group_lower_cases_and_strips_one_trailing_dot);
	tcase_add_test(
	    tc, test_group_public_suffix_and_single_label_group_as_themselves);
	tcase_add_test(tc, test_group_idn_stays_as_written_lower_cased);
	tcase_add_test(tc, test_group_wildcard_exception_and_deep_rules);
	tcase_add_test(tc, test_group_unknown_and_empty_names_group_by_network);
	tcase_add_test(tc, test_group_ip_literal_names_group_by_network);
	tcase_add_test(tc, test_group_malformed_names_group_by_network);
	tcase_add_test(tc, test_group_name_limit_is_253_bytes);
	tcase_add_test(tc, test_group_ipv6_client_groups_by_64);
	tcase_add_test(tc, test_group_fails_without_name_or_address);
	suite_add_tcase(s, tc);
	tcase_add_test(other, test_group_strip_drops_labels_keeping_two);
	tcase_add_test(other, test_group_strip_still_groups_unknown_by_network);
	tcase_add_test(other, test_group_new_rejects_bad_strip_count);
	tcase_add_test(other, test_group_mode_parse_accepts_the_three_forms);
	tcase_add_test(other, test_group_mode_parse_names_bad_value);
	suite_add_tcase(s, other);
	tcase_add_checked_fixture(cache, setup_registrable, teardown);
	tcase_add_test(cache, test_group_cache_hit_gives_the_same_as_group_of);
	tcase_add_test(
	    cache,
	    test_group_cache_memo_of_suffixes_gives_the_same_as_group_of);
	tcase_add_test(cache, test_group_cache_case_variants_share_an_entry);
	tcase_add_test(cache, test_group_cache_key_folds_only_ascii_letters);
	tcase_add_test(cache,
		       test_group_cache_unicode_names_are_keyed_as_written);
	tcase_add_test(cache, test_group_cache_network_groups_are_not_cached);
	tcase_add_test(cache, test_group_cache_is_bounded);
	tcase_add_test(cache, test_group_cache_evicts_the_least_recently_used);
	tcase_add_test(cache, test_group_cache_name_length_limit);
	tcase_add_test(cache, test_group_cache_new_rejects_bad_arguments);
	tcase_add_test(cache, test_group_cache_follows_its_grouper);
	suite_add_tcase(s, cache);
	return s;
}

GS_TEST_MAIN(group_suite)
