/* postgrey whitelist files and the ignore file: every entry kind as postgrey
 * 1.37 reads it, coverage of summary groups, and the errors. */
#include "gs_config.h"

#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/addr.h"
#include "base/error.h"
#include "advice/ignore.h"
#include "advice/whitelist.h"
#include "suite.h"

static char tmpdir[256];
static char errbuf[GS_ERRLEN];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_whitelist.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void teardown(void)
{
	ck_assert_int_eq(nftw(tmpdir, remove_one, 8, FTW_DEPTH | FTW_PHYS), 0);
}

/* Writes text to tmpdir/name and returns the path (one of four rotating
 * buffers: a test uses few files at a time). */
static const char *write_file(const char *name, const char *text)
{
	static char paths[4][512];
	static int next;
	char *path = paths[next++ % 4];
	FILE *f;

	snprintf(path, 512, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

static struct gs_whitelist *wl_from(const char *text)
{
	struct gs_whitelist *wl = gs_whitelist_new();

	ck_assert_ptr_nonnull(wl);
	errbuf[0] = '\0';
	ck_assert_msg(gs_whitelist_load(wl, write_file("wl", text), errbuf,
					sizeof(errbuf)) == 0,
		      "load failed: %s", errbuf);
	return wl;
}

static bool name_ok(const struct gs_whitelist *wl, const char *name)
{
	return gs_whitelist_match_name(wl, name, NULL);
}

static bool group_covered(const struct gs_whitelist *wl, const char *group)
{
	struct gs_addr net;
	unsigned plen;

	ck_assert_msg(gs_network_group_parse(group, &net, &plen),
		      "bad group %s", group);
	return gs_whitelist_match_net(wl, &net, plen, NULL);
}

static bool addr_ok(const struct gs_whitelist *wl, const char *text)
{
	struct gs_addr a;

	ck_assert_msg(gs_addr_parse(text, &a), "bad address %s", text);
	return gs_whitelist_match_net(wl, &a, a.family == AF_INET ? 32 : 128,
				      NULL);
}

/* ---- name entries ---- */

START_TEST(test_whitelist_name_matches_itself_and_subdomains)
{
	struct gs_whitelist *wl = wl_from("outlook.com\n");
	struct gs_wl_hit hit;

	ck_assert(name_ok(wl, "outlook.com"));
	ck_assert(name_ok(wl, "mail-x.outbound.protection.outlook.com"));
	ck_assert(gs_whitelist_match_name(wl, "a.outlook.com", &hit));
	ck_assert_uint_eq(hit.line, 1);
	ck_assert_str_eq(hit.entry, "outlook.com");
	ck_assert(strstr(hit.file, "/wl") != NULL);
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_name_is_case_insensitive)
{
	struct gs_whitelist *wl = wl_from("OutLook.COM\n");

	ck_assert(name_ok(wl, "MAIL.outlook.com"));
	ck_assert(name_ok(wl, "outlook.com"));
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_name_needs_label_boundary)
{
	struct gs_whitelist *wl = wl_from("outlook.com\n");

	ck_assert(!name_ok(wl, "evil-outlook.com"));
	ck_assert(!name_ok(wl, "eviloutlook.com"));
	ck_assert(!name_ok(wl, "outlook.com.evil.example"));
	ck_assert(!name_ok(wl, "com"));
	ck_assert(!name_ok(wl, "utlook.com"));
	ck_assert(!name_ok(wl, ""));
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_name_is_quoted_not_a_regex)
{
	/* '.' in a name entry is a literal dot (postgrey's \Q...\E) */
	struct gs_whitelist *wl = wl_from("a.b\n");

	ck_assert(name_ok(wl, "x.a.b"));
	ck_assert(!name_ok(wl, "x.axb"));
	gs_whitelist_free(wl);
}
END_TEST

/* ---- regex entries ---- */

START_TEST(test_whitelist_regex_is_unanchored_and_case_insensitive)
{
	struct gs_whitelist *wl = wl_from("/bulkmailer/\n");

	ck_assert(name_ok(wl, "smtp.notbulkmailer.example"));
	ck_assert(name_ok(wl, "BULKMAILER"));
	ck_assert(name_ok(wl, "a.BulkMailer.b"));
	ck_assert(!name_ok(wl, "bulk-mailer.example"));
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_regex_anchors_inside_work)
{
	struct gs_whitelist *wl = wl_from(
	    "/^mail-[a-z0-9]+\\.outbound\\.protection\\.outlook\\.com$/\n");

	ck_assert(
	    name_ok(wl, "mail-db3eur04on0123.outbound.protection.outlook.com"));
	ck_assert(!name_ok(wl, "x.mail-a.outbound.protection.outlook.com"));
	ck_assert(!name_ok(wl, "outlook.com"));
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_regex_may_contain_slashes)
{
	struct gs_whitelist *wl = wl_from("/a\\/b/\n/x/y/\n");

	ck_assert(name_ok(wl, "za/bz"));
	ck_assert(name_ok(wl, "x/y"));
	ck_assert_uint_eq(gs_whitelist_count(wl), 2);
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_bad_regex_names_file_line_and_pcre2_message)
{
	struct gs_whitelist *wl = gs_whitelist_new();
	const char *path = write_file("bad", "# ok\nfine.example\n/mail(/\n");
	char want[600];

	errbuf[0] = '\0';
	ck_assert_int_eq(gs_whitelist_load(wl, path, errbuf, sizeof(errbuf)),
			 -1);
	snprintf(want, sizeof(want), "%s:3:", path);
	ck_assert_msg(strstr(errbuf, want) != NULL, "got: %s", errbuf);
	ck_assert_msg(strstr(errbuf, "missing closing parenthesis") != NULL,
		      "got: %s", errbuf);
	gs_whitelist_free(wl);
}
END_TEST

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	ck_assert_int_eq(clock_gettime(CLOCK_MONOTONIC, &t1), 0);
	return (double)(t1.tv_sec - t0->tv_sec) +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

START_TEST(test_whitelist_catastrophic_regex_gives_up_as_no_match)
{
	struct gs_whitelist *wl =
	    wl_from("# catastrophic backtracking\n/^(a+)+$/\nb.example\n");
	/* 2^36 ways to split the a's: without a limit hours, with PCRE2's
	 * default limit (10 million) about 0.1 s a test. */
	const char *evil = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab";
	struct gs_wl_hit hit;
	struct timespec t0;
	int i;

	ck_assert_uint_eq(gs_whitelist_match_failures(wl, &hit), 0);
	ck_assert_int_eq(clock_gettime(CLOCK_MONOTONIC, &t0), 0);
	for (i = 0; i < 20; i++)
		ck_assert(!name_ok(wl, evil));
	/* ~1 ms a test with the limit: 20 take well under a second, where
	 * the default limit would need some 2.5 s. */
	ck_assert_msg(seconds_since(&t0) < 1.0, "20 matches took %.2f s",
		      seconds_since(&t0));
	ck_assert_uint_eq(gs_whitelist_match_failures(wl, &hit), 20);
	ck_assert_uint_eq(hit.line, 2);
	ck_assert_str_eq(hit.entry, "/^(a+)+$/");
	/* the regex still works where it is cheap, and later entries too */
	ck_assert(name_ok(wl, "aaaa"));
	ck_assert(name_ok(wl, "mx.b.example"));
	ck_assert_uint_eq(gs_whitelist_match_failures(wl, NULL), 20);
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_regex_limit_is_below_pcre2_default)
{
	/* 2^19 splits: more than GS_WHITELIST_MATCH_LIMIT steps, far fewer
	 * than PCRE2's default 10 million, so only our limit stops it. */
	struct gs_whitelist *wl = wl_from("/^(a+)+$/\n");

	ck_assert(!name_ok(wl, "aaaaaaaaaaaaaaaaaaaab"));
	ck_assert_uint_eq(gs_whitelist_match_failures(wl, NULL), 1);
	ck_assert_uint_eq(gs_whitelist_match_failures(NULL, NULL), 0);
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_regex_on_longest_dns_name_stays_within_limits)
{
	/* an ordinary pool regex on a 253-byte name must not give up */
	struct gs_whitelist *wl =
	    wl_from("/^(?:[a-z0-9-]+\\.)+example\\.com$/\n"
		    "/^(?:[a-z0-9]\\.?)+$/\n");
	char name[254];
	size_t i;

	for (i = 0; i + 12 < sizeof(name) - 1; i += 2) {
		name[i] = 'a';
		name[i + 1] = '.';
	}
	strcpy(name + i, "example.com");
	ck_assert_uint_eq(strlen(name), 253);
	ck_assert(name_ok(wl, name));
	name[252] = '-'; /* "example.co-": only the second regex is left */
	ck_assert(!name_ok(wl, name));
	ck_assert_uint_eq(gs_whitelist_match_failures(wl, NULL), 0);
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_regex_with_space_is_not_a_regex)
{
	/* postgrey's /^\/(\S+)\/$/ does not take it; nor does any other
	 * kind: the line is skipped with a warning */
	struct gs_whitelist *wl = wl_from("/a b/\n");

	ck_assert_uint_eq(gs_whitelist_count(wl), 0);
	ck_assert_uint_eq(gs_whitelist_warnings(wl), 1);
	ck_assert(strstr(gs_whitelist_first_warning(wl), "/wl:1:") != NULL);
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_empty_slashes_are_a_name)
{
	struct gs_whitelist *wl = wl_from("//\n");

	ck_assert_uint_eq(gs_whitelist_count(wl), 1);
	ck_assert(name_ok(wl, "x.//"));
	ck_assert(!name_ok(wl, "anything.example"));
	gs_whitelist_free(wl);
}
END_TEST

/* ---- comments and white space ---- */

START_TEST(test_whitelist_comments_and_blank_lines_are_skipped)
{
	struct gs_whitelist *wl =
	    wl_from("# a comment\n\n   \n\t# indented comment\n"
		    "  spaced.example  \n"
		    "commented.example # why\n"
		    "/reg#ex/\n"
		    "last.example");
	struct gs_wl_hit hit;

	ck_assert_uint_eq(gs_whitelist_count(wl), 4);
	ck_assert(gs_whitelist_match_name(wl, "a.spaced.example", &hit));
	ck_assert_uint_eq(hit.line, 5);
	ck_assert_str_eq(hit.entry, "spaced.example");
	ck_assert(gs_whitelist_match_name(wl, "commented.example", &hit));
	ck_assert_str_eq(hit.entry, "commented.example");
	/* "#ex/" is a comment: "/reg" is left, a name entry */
	ck_assert(!name_ok(wl, "xregx"));
	ck_assert(name_ok(wl, "a./reg"));
	/* the last line has no newline */
	ck_assert(name_ok(wl, "last.example"));
	ck_assert_uint_eq(gs_whitelist_warnings(wl), 0);
	ck_assert_str_eq(gs_whitelist_first_warning(wl), "");
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_inner_space_line_is_skipped_with_warning)
{
	struct gs_whitelist *wl =
	    wl_from("ok.example\nnot a host\nx.example\n");

	ck_assert_uint_eq(gs_whitelist_count(wl), 2);
	ck_assert_uint_eq(gs_whitelist_warnings(wl), 1);
	ck_assert(strstr(gs_whitelist_first_warning(wl), "/wl:2:") != NULL);
	ck_assert(!name_ok(wl, "not"));
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_line_too_long_is_an_error)
{
	struct gs_whitelist *wl = gs_whitelist_new();
	char *text = malloc(GS_WHITELIST_MAX_LINE_BYTES + 16);
	const char *path;

	memset(text, 'a', GS_WHITELIST_MAX_LINE_BYTES + 1);
	strcpy(text + GS_WHITELIST_MAX_LINE_BYTES + 1, "\n");
	path = write_file("long", text);
	ck_assert_int_eq(gs_whitelist_load(wl, path, errbuf, sizeof(errbuf)),
			 -1);
	ck_assert_msg(strstr(errbuf, ":1: line longer") != NULL, "got %s",
		      errbuf);
	/* exactly the limit is fine */
	text[GS_WHITELIST_MAX_LINE_BYTES] = '\n';
	text[GS_WHITELIST_MAX_LINE_BYTES + 1] = '\0';
	path = write_file("limit", text);
	ck_assert_int_eq(gs_whitelist_load(wl, path, errbuf, sizeof(errbuf)),
			 0);
	free(text);
	gs_whitelist_free(wl);
}
END_TEST

/* ---- IPv4 entries ---- */

START_TEST(test_whitelist_cidr_covers_groups_inside_it)
{
	struct gs_whitelist *wl = wl_from("192.0.2.0/24\n198.51.0.0/16\n");

	ck_assert(group_covered(wl, "[192.0.2.0/24]"));
	ck_assert(!group_covered(wl, "[192.0.3.0/24]"));
	ck_assert(group_covered(wl, "[198.51.100.0/24]"));
	ck_assert(group_covered(wl, "[198.51.255.0/24]"));
	ck_assert(!group_covered(wl, "[198.52.0.0/24]"));
	ck_assert(addr_ok(wl, "192.0.2.255"));
	ck_assert(!addr_ok(wl, "192.0.1.255"));
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_smaller_network_does_not_cover_group)
{
	struct gs_whitelist *wl = wl_from("192.0.2.0/25\n203.0.113.7\n");

	ck_assert(!group_covered(wl, "[192.0.2.0/24]"));
	ck_assert(!group_covered(wl, "[203.0.113.0/24]"));
	ck_assert(addr_ok(wl, "192.0.2.127"));
	ck_assert(!addr_ok(wl, "192.0.2.128"));
	ck_assert(addr_ok(wl, "203.0.113.7"));
	ck_assert(!addr_ok(wl, "203.0.113.8"));
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_cidr_host_bits_are_ignored)
{
	struct gs_whitelist *wl = wl_from("192.0.2.77/24\n");

	ck_assert(group_covered(wl, "[192.0.2.0/24]"));
	ck_assert(addr_ok(wl, "192.0.2.1"));
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_three_octets_are_a_slash_24)
{
	struct gs_whitelist *wl = wl_from("198.51.100\n");

	ck_assert(group_covered(wl, "[198.51.100.0/24]"));
	ck_assert(!group_covered(wl, "[198.51.101.0/24]"));
	ck_assert(addr_ok(wl, "198.51.100.200"));
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_two_octets_are_postgreys_slash_24_quirk)
{
	struct gs_whitelist *wl = wl_from("10.20\n");

	ck_assert(group_covered(wl, "[10.20.0.0/24]"));
	ck_assert(addr_ok(wl, "10.20.0.9"));
	ck_assert(!group_covered(wl, "[10.20.1.0/24]"));
	ck_assert(!addr_ok(wl, "10.20.1.9"));
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_leading_zero_octet_is_octal)
{
	struct gs_whitelist *wl = wl_from("010.1.1.1\n");

	ck_assert(addr_ok(wl, "8.1.1.1"));
	ck_assert(!addr_ok(wl, "10.1.1.1"));
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_invalid_ipv4_is_skipped_with_warning)
{
	struct gs_whitelist *wl =
	    wl_from("999.1.1.1\n1.2.3.4/33\n08.1.1.1\n300.1.1\n");

	ck_assert_uint_eq(gs_whitelist_count(wl), 0);
	ck_assert_uint_eq(gs_whitelist_warnings(wl), 4);
	ck_assert(strstr(gs_whitelist_first_warning(wl), "/wl:1:") != NULL);
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_ipv4_lookalikes_are_names)
{
	/* no postgrey address regex takes these: they are name entries */
	struct gs_whitelist *wl =
	    wl_from("1.2.3.4.5\n10.20.30/24\n1234.1.1.1\n");

	ck_assert_uint_eq(gs_whitelist_count(wl), 3);
	ck_assert_uint_eq(gs_whitelist_warnings(wl), 0);
	ck_assert(name_ok(wl, "x.1.2.3.4.5"));
	ck_assert(!group_covered(wl, "[10.20.30.0/24]"));
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_ipv4_zero_slash_zero_covers_no_ipv6)
{
	struct gs_whitelist *wl = wl_from("0.0.0.0/0\n");

	ck_assert(group_covered(wl, "[203.0.113.0/24]"));
	ck_assert(!group_covered(wl, "[2001:db8:1:2::/64]"));
	gs_whitelist_free(wl);
}
END_TEST

/* ---- IPv6 entries ---- */

START_TEST(test_whitelist_ipv6_prefix_covers_groups_inside_it)
{
	struct gs_whitelist *wl = wl_from("2001:DB8::/32\n");

	ck_assert(group_covered(wl, "[2001:db8:1:2::/64]"));
	ck_assert(!group_covered(wl, "[2001:db9::/64]"));
	ck_assert(addr_ok(wl, "2001:db8::25"));
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_ipv6_address_is_slash_128)
{
	struct gs_whitelist *wl = wl_from("2001:db8:1:2::25\n");

	ck_assert(!group_covered(wl, "[2001:db8:1:2::/64]"));
	ck_assert(addr_ok(wl, "2001:db8:1:2::25"));
	ck_assert(!addr_ok(wl, "2001:db8:1:2::26"));
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_ipv6_bracketed_prefix_is_ignored_like_netaddr)
{
	struct gs_whitelist *wl = wl_from("[2001:db8::]/32\n[2001:db8:5::1]\n");

	ck_assert_uint_eq(gs_whitelist_count(wl), 2);
	ck_assert(!group_covered(wl, "[2001:db8:1:2::/64]"));
	ck_assert(addr_ok(wl, "2001:db8::"));
	ck_assert(addr_ok(wl, "2001:db8:5::1"));
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_ipv6_everything_covers_ipv4_too)
{
	/* NetAddr::IP keeps IPv4 at ::a.b.c.d, so ::/0 covers IPv4 */
	struct gs_whitelist *wl = wl_from("::/0\n");

	ck_assert(group_covered(wl, "[192.0.2.0/24]"));
	ck_assert(group_covered(wl, "[2001:db8::/64]"));
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_invalid_ipv6_is_skipped_with_warning)
{
	struct gs_whitelist *wl =
	    wl_from("foo:bar:baz\n2001:db8::/129\n2001:db8::/0128\n");

	ck_assert_uint_eq(gs_whitelist_count(wl), 0);
	ck_assert_uint_eq(gs_whitelist_warnings(wl), 3);
	gs_whitelist_free(wl);
}
END_TEST

/* ---- groups ---- */

static struct gs_group_stats make_group(const char *domain,
					enum gs_group_kind kind,
					const char *ex1, const char *ex2)
{
	struct gs_group_stats g;

	memset(&g, 0, sizeof(g));
	g.domain = (char *)domain;
	g.kind = kind;
	if (ex1 != NULL)
		g.examples[g.n_examples++] = (char *)ex1;
	if (ex2 != NULL)
		g.examples[g.n_examples++] = (char *)ex2;
	return g;
}

START_TEST(test_whitelist_covers_name_group_by_domain)
{
	struct gs_whitelist *wl = wl_from("outlook.com\n");
	struct gs_group_stats g =
	    make_group("outlook.com", GS_KIND_NAME,
		       "mail-a.outbound.protection.outlook.com", NULL);
	struct gs_group_stats evil = make_group(
	    "evil-outlook.com", GS_KIND_NAME, "mx.evil-outlook.com", NULL);
	struct gs_wl_hit hit;

	ck_assert(gs_whitelist_covers(wl, &g, &hit));
	ck_assert_str_eq(hit.entry, "outlook.com");
	ck_assert(!gs_whitelist_covers(wl, &evil, NULL));
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_covers_name_group_when_all_examples_match)
{
	struct gs_whitelist *wl = wl_from("/^out-[0-9]+\\.smtp\\./\n");
	struct gs_group_stats all = make_group(
	    "bigsender.example", GS_KIND_NAME, "out-17.smtp.bigsender.example",
	    "out-3.smtp.bigsender.example");
	struct gs_group_stats some =
	    make_group("bigsender.example", GS_KIND_NAME,
		       "out-17.smtp.bigsender.example", "mx.bigsender.example");
	struct gs_group_stats none =
	    make_group("bigsender.example", GS_KIND_NAME, NULL, NULL);

	ck_assert(gs_whitelist_covers(wl, &all, NULL));
	ck_assert(!gs_whitelist_covers(wl, &some, NULL));
	ck_assert(!gs_whitelist_covers(wl, &none, NULL));
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_regex_is_not_tested_against_the_group_domain)
{
	/* postgrey tests a regex against the client name only: this one
	 * passes a client named "outlook.com", not the pool's hosts. */
	struct gs_whitelist *wl = wl_from("/^outlook\\.com$/\n");
	struct gs_group_stats pool =
	    make_group("outlook.com", GS_KIND_NAME,
		       "mail-a.outbound.protection.outlook.com",
		       "mail-b.outbound.protection.outlook.com");
	struct gs_group_stats bare =
	    make_group("outlook.com", GS_KIND_NAME, "outlook.com", NULL);
	struct gs_group_stats no_examples =
	    make_group("outlook.com", GS_KIND_NAME, NULL, NULL);

	ck_assert(!gs_whitelist_covers(wl, &pool, NULL));
	ck_assert(!gs_whitelist_covers(wl, &no_examples, NULL));
	ck_assert(gs_whitelist_covers(wl, &bare, NULL));
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_name_entry_covers_group_without_examples)
{
	struct gs_whitelist *wl = wl_from("outlook.com\n");
	struct gs_group_stats g =
	    make_group("outlook.com", GS_KIND_NAME, NULL, NULL);

	ck_assert(gs_whitelist_covers(wl, &g, NULL));
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_covers_network_group_by_address_or_unknown_name)
{
	struct gs_whitelist *net = wl_from("192.0.2.0/23\n");
	struct gs_whitelist *unk;
	struct gs_group_stats g =
	    make_group("[192.0.2.0/24]", GS_KIND_NETWORK, "unknown", NULL);
	struct gs_group_stats other =
	    make_group("[192.0.4.0/24]", GS_KIND_NETWORK, "unknown", NULL);

	ck_assert(gs_whitelist_covers(net, &g, NULL));
	ck_assert(!gs_whitelist_covers(net, &other, NULL));
	/* postgrey tests the name "unknown" against names and regexes too */
	unk = wl_from("/^unknown$/\n");
	ck_assert(gs_whitelist_covers(unk, &other, NULL));
	gs_whitelist_free(net);
	gs_whitelist_free(unk);
}
END_TEST

START_TEST(test_whitelist_null_and_empty_never_match)
{
	struct gs_whitelist *wl = gs_whitelist_new();
	struct gs_group_stats g =
	    make_group("outlook.com", GS_KIND_NAME, "a.outlook.com", NULL);

	ck_assert(!gs_whitelist_match_name(NULL, "x", NULL));
	ck_assert(!gs_whitelist_match_name(wl, NULL, NULL));
	ck_assert(!gs_whitelist_match_name(wl, "x", NULL));
	ck_assert(!gs_whitelist_covers(NULL, &g, NULL));
	ck_assert(!gs_whitelist_covers(wl, &g, NULL));
	ck_assert(!gs_whitelist_covers(wl, NULL, NULL));
	ck_assert_uint_eq(gs_whitelist_count(NULL), 0);
	gs_whitelist_free(wl);
	gs_whitelist_free(NULL);
}
END_TEST

START_TEST(test_network_group_parse_accepts_only_group_names)
{
	struct gs_addr a;
	unsigned p;

	ck_assert(gs_network_group_parse("[192.0.2.0/24]", &a, &p));
	ck_assert_int_eq(a.family, AF_INET);
	ck_assert_uint_eq(p, 24);
	ck_assert(gs_network_group_parse("[2001:db8::/64]", &a, &p));
	ck_assert_int_eq(a.family, AF_INET6);
	ck_assert_uint_eq(p, 64);
	ck_assert(!gs_network_group_parse("192.0.2.0/24", &a, &p));
	ck_assert(!gs_network_group_parse("[192.0.2.0]", &a, &p));
	ck_assert(!gs_network_group_parse("[192.0.2.0/33]", &a, &p));
	ck_assert(!gs_network_group_parse("[192.0.2.0/24", &a, &p));
	ck_assert(!gs_network_group_parse("[192.0.2.0/24]x", &a, &p));
	ck_assert(!gs_network_group_parse("[outlook.com/24]", &a, &p));
	ck_assert(!gs_network_group_parse("[/24]", &a, &p));
	ck_assert(!gs_network_group_parse(NULL, &a, &p));
}
END_TEST

/* ---- files ---- */

START_TEST(test_whitelist_missing_local_file_is_fine)
{
	struct gs_whitelist *wl = gs_whitelist_new();
	char path[512];

	snprintf(path, sizeof(path), "%s/whitelist_clients.local", tmpdir);
	ck_assert_int_eq(gs_whitelist_load(wl, path, errbuf, sizeof(errbuf)),
			 0);
	ck_assert_uint_eq(gs_whitelist_count(wl), 0);
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_missing_other_file_is_an_error)
{
	struct gs_whitelist *wl = gs_whitelist_new();
	char path[512];

	snprintf(path, sizeof(path), "%s/whitelist_clients", tmpdir);
	ck_assert_int_eq(gs_whitelist_load(wl, path, errbuf, sizeof(errbuf)),
			 -1);
	ck_assert(strstr(errbuf, path) != NULL);
	ck_assert(strstr(errbuf, "No such file") != NULL);
	/* ".local" must be the end of the name */
	snprintf(path, sizeof(path), "%s/whitelist.local.bak", tmpdir);
	ck_assert_int_eq(gs_whitelist_load(wl, path, errbuf, sizeof(errbuf)),
			 -1);
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_unreadable_local_file_is_an_error)
{
	/* a directory opens but cannot be read: only a missing .local file
	 * is skipped */
	struct gs_whitelist *wl = gs_whitelist_new();
	char path[512];

	snprintf(path, sizeof(path), "%s/dir.local", tmpdir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_eq(gs_whitelist_load(wl, path, errbuf, sizeof(errbuf)),
			 -1);
	ck_assert(strstr(errbuf, path) != NULL);
	gs_whitelist_free(wl);
}
END_TEST

START_TEST(test_whitelist_load_default_reads_all_given_files)
{
	const char *paths[2];
	struct gs_whitelist *wl;

	paths[0] = write_file("one", "one.example\n");
	paths[1] = write_file("two", "/two/\n");
	wl = gs_whitelist_load_default(paths, 2, errbuf, sizeof(errbuf));
	ck_assert_ptr_nonnull(wl);
	ck_assert_uint_eq(gs_whitelist_count(wl), 2);
	ck_assert(name_ok(wl, "x.one.example"));
	ck_assert(name_ok(wl, "xtwox"));
	gs_whitelist_free(wl);
	paths[1] = "/nonexistent/whitelist";
	ck_assert_ptr_null(
	    gs_whitelist_load_default(paths, 2, errbuf, sizeof(errbuf)));
	ck_assert(strstr(errbuf, "/nonexistent/whitelist") != NULL);
}
END_TEST

START_TEST(test_whitelist_reads_debian_shipped_file)
{
	/* postgrey is installed for the test suite: its file must load
	 * without errors and cover the big senders it lists */
	struct gs_whitelist *wl = gs_whitelist_new();

	ck_assert_int_eq(gs_whitelist_load(wl, GS_POSTGREY_WHITELIST, errbuf,
					   sizeof(errbuf)),
			 0);
	ck_assert_uint_gt(gs_whitelist_count(wl), 50);
	ck_assert(name_ok(wl, "mail-x.outbound.protection.outlook.com"));
	gs_whitelist_free(wl);
}
END_TEST

/* ---- ignore file ---- */

START_TEST(test_ignore_matches_domain_and_subdomains)
{
	struct gs_ignore *ig = gs_ignore_new();
	struct gs_wl_hit hit;
	const char *path =
	    write_file("ig", "# not these\n\nExample.org  # no\n"
			     ".dotted.example\n[192.0.2.0/24]\n");

	ck_assert_int_eq(
	    gs_ignore_load(ig, path, false, errbuf, sizeof(errbuf)), 0);
	ck_assert_uint_eq(gs_ignore_count(ig), 3);
	ck_assert(gs_ignore_match(ig, "example.org", &hit));
	ck_assert_uint_eq(hit.line, 3);
	ck_assert_str_eq(hit.entry, "Example.org");
	ck_assert(gs_ignore_match(ig, "lists.EXAMPLE.org", NULL));
	ck_assert(!gs_ignore_match(ig, "badexample.org", NULL));
	ck_assert(gs_ignore_match(ig, "dotted.example", NULL));
	ck_assert(gs_ignore_match(ig, "a.dotted.example", NULL));
	ck_assert(gs_ignore_match(ig, "[192.0.2.0/24]", NULL));
	ck_assert(!gs_ignore_match(ig, "[192.0.3.0/24]", NULL));
	ck_assert(!gs_ignore_match(ig, NULL, NULL));
	ck_assert(!gs_ignore_match(NULL, "example.org", NULL));
	gs_ignore_free(ig);
}
END_TEST

START_TEST(test_ignore_inner_space_is_an_error_with_line)
{
	struct gs_ignore *ig = gs_ignore_new();
	const char *path = write_file("ig", "ok.example\nnot one\n");

	ck_assert_int_eq(
	    gs_ignore_load(ig, path, false, errbuf, sizeof(errbuf)), -1);
	ck_assert_msg(strstr(errbuf, ":2:") != NULL, "got %s", errbuf);
	gs_ignore_free(ig);
}
END_TEST

START_TEST(test_ignore_missing_file_fails_unless_missing_ok)
{
	struct gs_ignore *ig = gs_ignore_new();
	char path[512];

	snprintf(path, sizeof(path), "%s/ignore", tmpdir);
	ck_assert_int_eq(gs_ignore_load(ig, path, true, errbuf, sizeof(errbuf)),
			 0);
	ck_assert_int_eq(
	    gs_ignore_load(ig, path, false, errbuf, sizeof(errbuf)), -1);
	ck_assert(strstr(errbuf, path) != NULL);
	ck_assert_ptr_null(
	    gs_ignore_load_default(path, errbuf, sizeof(errbuf)));
	gs_ignore_free(ig);
}
END_TEST

static Suite *whitelist_suite(void)
{
	Suite *s = suite_create("whitelist");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_whitelist_name_matches_itself_and_subdomains);
	tcase_add_test(tc, test_whitelist_name_is_case_insensitive);
	tcase_add_test(tc, test_whitelist_name_needs_label_boundary);
	tcase_add_test(tc, test_whitelist_name_is_quoted_not_a_regex);
	tcase_add_test(tc,
		       test_whitelist_regex_is_unanchored_and_case_insensitive);
	tcase_add_test(tc, test_whitelist_regex_anchors_inside_work);
	tcase_add_test(tc, test_whitelist_regex_may_contain_slashes);
	tcase_add_test(
	    tc, test_whitelist_bad_regex_names_file_line_and_pcre2_message);
	tcase_add_test(tc,
		       test_whitelist_catastrophic_regex_gives_up_as_no_match);
	tcase_add_test(tc, test_whitelist_regex_limit_is_below_pcre2_default);
	tcase_add_test(
	    tc, test_whitelist_regex_on_longest_dns_name_stays_within_limits);
	tcase_add_test(tc, test_whitelist_regex_with_space_is_not_a_regex);
	tcase_add_test(tc, test_whitelist_empty_slashes_are_a_name);
	tcase_add_test(tc, test_whitelist_comments_and_blank_lines_are_skipped);
	tcase_add_test(tc,
		       test_whitelist_inner_space_line_is_skipped_with_warning);
	tcase_add_test(tc, test_whitelist_line_too_long_is_an_error);
	tcase_add_test(tc, test_whitelist_cidr_covers_groups_inside_it);
	tcase_add_test(tc, test_whitelist_smaller_network_does_not_cover_group);
	tcase_add_test(tc, test_whitelist_cidr_host_bits_are_ignored);
	tcase_add_test(tc, test_whitelist_three_octets_are_a_slash_24);
	tcase_add_test(tc,
		       test_whitelist_two_octets_are_postgreys_slash_24_quirk);
	tcase_add_test(tc, test_whitelist_leading_zero_octet_is_octal);
	tcase_add_test(tc, test_whitelist_invalid_ipv4_is_skipped_with_warning);
	tcase_add_test(tc, test_whitelist_ipv4_lookalikes_are_names);
	tcase_add_test(tc, test_whitelist_ipv4_zero_slash_zero_covers_no_ipv6);
	tcase_add_test(tc, test_whitelist_ipv6_prefix_covers_groups_inside_it);
	tcase_add_test(tc, test_whitelist_ipv6_address_is_slash_128);
	tcase_add_test(
	    tc, test_whitelist_ipv6_bracketed_prefix_is_ignored_like_netaddr);
	tcase_add_test(tc, test_whitelist_ipv6_everything_covers_ipv4_too);
	tcase_add_test(tc, test_whitelist_invalid_ipv6_is_skipped_with_warning);
	tcase_add_test(tc, test_whitelist_covers_name_group_by_domain);
	tcase_add_test(
	    tc, test_whitelist_covers_name_group_when_all_examples_match);
	tcase_add_test(
	    tc, test_whitelist_regex_is_not_tested_against_the_group_domain);
	tcase_add_test(tc,
		       test_whitelist_name_entry_covers_group_without_examples);
	tcase_add_test(
	    tc, test_whitelist_covers_network_group_by_address_or_unknown_name);
	tcase_add_test(tc, test_whitelist_null_and_empty_never_match);
	tcase_add_test(tc, test_network_group_parse_accepts_only_group_names);
	tcase_add_test(tc, test_whitelist_missing_local_file_is_fine);
	tcase_add_test(tc, test_whitelist_missing_other_file_is_an_error);
	tcase_add_test(tc, test_whitelist_unreadable_local_file_is_an_error);
	tcase_add_test(tc, test_whitelist_load_default_reads_all_given_files);
	tcase_add_test(tc, test_whitelist_reads_debian_shipped_file);
	tcase_add_test(tc, test_ignore_matches_domain_and_subdomains);
	tcase_add_test(tc, test_ignore_inner_space_is_an_error_with_line);
	tcase_add_test(tc, test_ignore_missing_file_fails_unless_missing_ok);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(whitelist_suite)
