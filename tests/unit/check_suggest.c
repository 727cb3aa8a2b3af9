/* Candidate selection, the dynamic space heuristics one by one, the entry
 * suggested (the registrable domain) and the text of `greyscan suggest`. */
#include "gs_config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/duration.h"
#include "base/error.h"
#include "base/sanitize.h"
#include "advice/suggest.h"
#include "advice/whitelist.h"
#include "suite.h"

#define MAX_TEST_GROUPS 8

static char errbuf[GS_ERRLEN];

/* A group that looks like a clean server pool unless changed: it retries
 * (delayed passes) from few addresses. */
static struct gs_group_stats group(const char *domain, uint64_t new_,
				   const char *example)
{
	struct gs_group_stats g;

	memset(&g, 0, sizeof(g));
	g.domain = (char *)domain;
	g.kind = domain[0] == '[' ? GS_KIND_NETWORK : GS_KIND_NAME;
	g.counts[GS_C_NEW] = new_;
	g.counts[GS_C_DELAYED] = new_ / 2;
	g.delay_count = new_ / 2;
	g.delay_median_s = 310;
	g.delay_max_s = 1500;
	g.client_addresses = (uint32_t)(new_ / 4);
	g.networks = 2;
	g.first_seen = 1700000000;
	g.last_seen = 1700500000;
	if (example != NULL)
		g.examples[g.n_examples++] = (char *)example;
	return g;
}

static struct gs_summary summary_of(struct gs_group_stats *groups, size_t n)
{
	struct gs_summary s;

	memset(&s, 0, sizeof(s));
	s.version = 1; /* no pair evidence: the host names decide */
	s.generated = 1700600000;
	s.window_start = 1700000000;
	s.window_end = 1700600000;
	s.window_s = 604800;
	s.groups = groups;
	s.n_groups = n;
	return s;
}

static bool dynamic(const struct gs_group_stats *g, char *reason)
{
	return gs_suggest_is_dynamic(g, NULL, reason, GS_SUGGEST_REASON_MAX);
}

/* ---- the entry ---- */

START_TEST(test_suggest_clean_big_sender_gets_registrable_domain)
{
	struct gs_group_stats gs[2];
	struct gs_summary s;
	struct gs_candidates c;

	gs[0] = group("outbound.protection.outlook.com", 300,
		      "mail-db3eur04on0123.outbound.protection.outlook.com");
	gs[1] = group("mail.example.co.uk", 40, "mta2.mail.example.co.uk");
	s = summary_of(gs, 2);
	ck_assert_int_eq(gs_candidates_select(&s, NULL, NULL, NULL, &c, errbuf,
					      sizeof(errbuf)),
			 0);
	ck_assert_uint_eq(c.n_items, 2);
	ck_assert_uint_eq(c.n_candidates, 2);
	ck_assert_int_eq(c.items[0].state, GS_CAND_CANDIDATE);
	ck_assert_int_eq(c.items[0].verdict, GS_VERDICT_WHITELIST);
	ck_assert(!c.items[0].by_pairs);
	ck_assert_str_eq(c.items[0].reason,
			 "no sign of dynamic address space in the host names");
	ck_assert_str_eq(c.items[0].detail,
			 "no pair evidence (version 1 summary)");
	ck_assert_str_eq(c.items[0].entry, "outlook.com");
	ck_assert_uint_eq(c.items[0].greylisted, 300);
	ck_assert_str_eq(c.items[1].entry, "example.co.uk");
	gs_candidates_free(&c);
}
END_TEST

START_TEST(test_suggest_entry_is_lower_case)
{
	struct gs_group_stats g = group("Mail.BigSender.Example", 40, NULL);
	struct gs_summary s = summary_of(&g, 1);
	struct gs_candidates c;

	ck_assert_int_eq(gs_candidates_select(&s, NULL, NULL, NULL, &c, errbuf,
					      sizeof(errbuf)),
			 0);
	ck_assert_str_eq(c.items[0].entry, "bigsender.example");
	gs_candidates_free(&c);
}
END_TEST

START_TEST(test_suggest_public_suffix_is_flagged)
{
	struct gs_group_stats gs[2];
	struct gs_summary s;
	struct gs_candidates c;

	gs[0] = group("co.uk", 40, NULL);
	gs[1] = group("github.io", 30, NULL);
	s = summary_of(gs, 2);
	ck_assert_int_eq(gs_candidates_select(&s, NULL, NULL, NULL, &c, errbuf,
					      sizeof(errbuf)),
			 0);
	ck_assert_int_eq(c.items[0].verdict, GS_VERDICT_DO_NOT_WHITELIST);
	ck_assert_str_eq(c.items[0].entry, "");
	ck_assert(strstr(c.items[0].reason, "public suffix") != NULL);
	ck_assert_int_eq(c.items[1].verdict, GS_VERDICT_DO_NOT_WHITELIST);
	gs_candidates_free(&c);
}
END_TEST

START_TEST(test_suggest_non_host_names_are_flagged)
{
	struct gs_group_stats gs[4];
	struct gs_summary s;
	struct gs_candidates c;
	size_t i;

	gs[0] = group("192.0.2.1", 40, NULL); /* would be an address entry */
	gs[1] = group("/evil/", 39, NULL);    /* would be a regex */
	gs[2] = group("a#b.example", 38, NULL);
	gs[3] = group("a\nb.example", 37, NULL);
	s = summary_of(gs, 4);
	ck_assert_int_eq(gs_candidates_select(&s, NULL, NULL, NULL, &c, errbuf,
					      sizeof(errbuf)),
			 0);
	for (i = 0; i < 4; i++) {
		ck_assert_msg(c.items[i].verdict == GS_VERDICT_DO_NOT_WHITELIST,
			      "%s not flagged", c.items[i].group->domain);
		ck_assert_str_eq(c.items[i].entry, "");
		ck_assert(strchr(c.items[i].reason, '\n') == NULL);
	}
	gs_candidates_free(&c);
}
END_TEST

/* ---- selection ---- */

START_TEST(test_suggest_threshold_boundary)
{
	struct gs_group_stats gs[3];
	struct gs_summary s;
	struct gs_candidates c;

	gs[0] = group("at.example", 10, NULL);
	gs[0].counts[GS_C_EARLY_RETRY] = 5; /* 15: counted with new */
	gs[1] = group("below.example", 14, NULL);
	gs[2] = group("above.example", 16, NULL);
	s = summary_of(gs, 3);
	ck_assert_int_eq(gs_candidates_select(&s, NULL, NULL, NULL, &c, errbuf,
					      sizeof(errbuf)),
			 0);
	ck_assert_uint_eq(c.n_items, 2);
	ck_assert_str_eq(c.items[0].group->domain, "above.example");
	ck_assert_str_eq(c.items[1].group->domain, "at.example");
	ck_assert_uint_eq(c.items[1].greylisted, 15);
	gs_candidates_free(&c);
}
END_TEST

START_TEST(test_suggest_threshold_option_is_used)
{
	struct gs_group_stats g = group("small.example", 5, NULL);
	struct gs_summary s = summary_of(&g, 1);
	struct gs_suggest_opts o;
	struct gs_candidates c;

	gs_suggest_opts_default(&o);
	ck_assert_uint_eq(o.threshold, GS_DEFAULT_THRESHOLD);
	o.threshold = 5;
	ck_assert_int_eq(gs_candidates_select(&s, NULL, NULL, &o, &c, errbuf,
					      sizeof(errbuf)),
			 0);
	ck_assert_uint_eq(c.n_candidates, 1);
	gs_candidates_free(&c);
	o.threshold = 6;
	ck_assert_int_eq(gs_candidates_select(&s, NULL, NULL, &o, &c, errbuf,
					      sizeof(errbuf)),
			 0);
	ck_assert_uint_eq(c.n_items, 0);
	gs_candidates_free(&c);
}
END_TEST

START_TEST(test_suggest_most_significant_first)
{
	struct gs_group_stats gs[4];
	struct gs_summary s;
	struct gs_candidates c;

	gs[0] = group("b.example", 20, NULL);
	gs[1] = group("a.example", 20, NULL);
	gs[2] = group("c.example", 20, NULL);
	gs[2].counts[GS_C_DELAYED] = 15; /* more delayed passes: first */
	gs[3] = group("d.example", 10, NULL);
	gs[3].counts[GS_C_EARLY_RETRY] = 50;
	s = summary_of(gs, 4);
	ck_assert_int_eq(gs_candidates_select(&s, NULL, NULL, NULL, &c, errbuf,
					      sizeof(errbuf)),
			 0);
	ck_assert_str_eq(c.items[0].group->domain, "d.example");
	ck_assert_str_eq(c.items[1].group->domain, "c.example");
	ck_assert_str_eq(c.items[2].group->domain, "a.example");
	ck_assert_str_eq(c.items[3].group->domain, "b.example");
	gs_candidates_free(&c);
}
END_TEST

START_TEST(test_suggest_whitelisted_and_ignored_are_not_candidates)
{
	struct gs_group_stats gs[3];
	struct gs_summary s;
	struct gs_candidates c;
	struct gs_whitelist *wl = gs_whitelist_new();
	struct gs_ignore *ig = gs_ignore_new();
	char dir[] = "/tmp/check_suggest.XXXXXX", wlp[64], igp[64];
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(wlp, sizeof(wlp), "%s/wl", dir);
	snprintf(igp, sizeof(igp), "%s/ig", dir);
	f = fopen(wlp, "w");
	ck_assert_int_eq(fputs("# big ones\noutlook.com\n", f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
	f = fopen(igp, "w");
	ck_assert_int_eq(fputs("noise.example\n", f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(gs_whitelist_load(wl, wlp, errbuf, sizeof(errbuf)), 0);
	ck_assert_int_eq(gs_ignore_load(ig, igp, false, errbuf, sizeof(errbuf)),
			 0);
	gs[0] = group("outlook.com", 300, "a.outlook.com");
	gs[1] = group("lists.noise.example", 200, NULL);
	gs[2] = group("evil-outlook.com", 100, "mx.evil-outlook.com");
	s = summary_of(gs, 3);
	ck_assert_int_eq(
	    gs_candidates_select(&s, wl, ig, NULL, &c, errbuf, sizeof(errbuf)),
	    0);
	ck_assert_uint_eq(c.n_items, 3);
	ck_assert_uint_eq(c.n_candidates, 1);
	ck_assert_int_eq(c.items[0].state, GS_CAND_COVERED);
	ck_assert_uint_eq(c.items[0].hit.line, 2);
	ck_assert_str_eq(c.items[0].hit.file, wlp);
	ck_assert_int_eq(c.items[1].state, GS_CAND_IGNORED);
	ck_assert_str_eq(c.items[1].hit.entry, "noise.example");
	ck_assert_int_eq(c.items[2].state, GS_CAND_CANDIDATE);
	ck_assert_str_eq(c.items[2].entry, "evil-outlook.com");
	gs_candidates_free(&c);
	gs_whitelist_free(wl);
	gs_ignore_free(ig);
	ck_assert_int_eq(remove(wlp), 0);
	ck_assert_int_eq(remove(igp), 0);
	ck_assert_int_eq(remove(dir), 0);
}
END_TEST

START_TEST(test_suggest_exclude_dynamic_drops_flagged_groups)
{
	struct gs_group_stats gs[2];
	struct gs_summary s;
	struct gs_suggest_opts o;
	struct gs_candidates c;

	gs[0] = group("[192.0.2.0/24]", 40, "unknown");
	gs[1] = group("clean.example", 20, "mx.clean.example");
	s = summary_of(gs, 2);
	gs_suggest_opts_default(&o);
	ck_assert_int_eq(gs_candidates_select(&s, NULL, NULL, &o, &c, errbuf,
					      sizeof(errbuf)),
			 0);
	ck_assert_uint_eq(c.n_candidates, 2);
	ck_assert_int_eq(c.items[0].verdict, GS_VERDICT_DO_NOT_WHITELIST);
	gs_candidates_free(&c);
	o.exclude_dynamic = true;
	ck_assert_int_eq(gs_candidates_select(&s, NULL, NULL, &o, &c, errbuf,
					      sizeof(errbuf)),
			 0);
	ck_assert_uint_eq(c.n_candidates, 1);
	ck_assert_int_eq(c.items[0].state, GS_CAND_EXCLUDED);
	ck_assert_int_eq(c.items[1].state, GS_CAND_CANDIDATE);
	gs_candidates_free(&c);
}
END_TEST

START_TEST(test_suggest_empty_and_null_summary)
{
	struct gs_summary s = summary_of(NULL, 0);
	struct gs_candidates c;

	ck_assert_int_eq(gs_candidates_select(&s, NULL, NULL, NULL, &c, errbuf,
					      sizeof(errbuf)),
			 0);
	ck_assert_uint_eq(c.n_items, 0);
	ck_assert_ptr_null(c.items);
	gs_candidates_free(&c);
	ck_assert_int_eq(gs_candidates_select(NULL, NULL, NULL, NULL, &c,
					      errbuf, sizeof(errbuf)),
			 0);
	ck_assert_uint_eq(c.n_candidates, 0);
	gs_candidates_free(NULL);
}
END_TEST

/* ---- dynamic heuristics ---- */

START_TEST(test_dynamic_network_group)
{
	struct gs_group_stats g = group("[192.0.2.0/24]", 40, "unknown");
	char reason[GS_SUGGEST_REASON_MAX];

	ck_assert(dynamic(&g, reason));
	ck_assert(strstr(reason, "reverse DNS") != NULL);
}
END_TEST

START_TEST(test_dynamic_host_name_embeds_address)
{
	static const char *const yes[] = {
	    "192-0-2-1.isp.example",
	    "host-10-1-2-3.isp.example",
	    "c-73-12-34-56.hsd1.ma.comcast.example",
	    "1.2.0.192.rev.isp.example",
	    "mail.10_1_2_3.isp.example",
	    "0-0-0-0.isp.example",
	    "x255.255.255.255y.isp.example",
	};
	static const char *const no[] = {
	    "mail-pl1-f170.google.com",
	    "a8-1.smtp-out.amazonses.com",
	    "mail-db3eur04on0123.outbound.protection.outlook.com",
	    "out-17-3.smtp.bigsender.example",
	    "256-1-2-3.isp.example",
	    "1-2-3-1234.isp.example",
	    "1--2-3-4.isp.example",
	    "11-2-3.isp.example",
	};
	struct gs_group_stats g;
	char reason[GS_SUGGEST_REASON_MAX];
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		g = group("isp.example", 40, yes[i]);
		ck_assert_msg(dynamic(&g, reason), "%s not flagged", yes[i]);
		ck_assert_msg(strstr(reason, "embed the client address") !=
				  NULL,
			      "%s: %s", yes[i], reason);
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		g = group("isp.example", 40, no[i]);
		ck_assert_msg(!dynamic(&g, reason), "%s flagged: %s", no[i],
			      reason);
	}
}
END_TEST

START_TEST(test_dynamic_host_name_access_network_words)
{
	static const char *const yes[] = {
	    "dsl-pool.isp.example",  "adsl77.isp.example",
	    "dynamic.x.isp.example", "dyn-abc.isp.example",
	    "pool-abc.isp.example",  "ppp12.isp.example",
	    "dhcp.west.isp.example", "cable-a.isp.example",
	    "cust-a.isp.example",    "client-b.isp.example",
	    "broadband.isp.example", "a.static-ip.isp.example",
	    "STATICIP.isp.example",  "static.ip.isp.example",
	    "DIALUP-9.isp.example",  "ftth.isp.example",
	    "cpe-x.isp.example",     "pppoe.isp.example",
	};
	static const char *const no[] = {
	    "static.isp.example", /* servers use "static" too */
	    "staticmail.isp.example", "dynamics.isp.example",
	    "pooling.isp.example",    "mx.isp.example",
	    "smtp-out.isp.example",   "static-ipx.isp.example",
	};
	struct gs_group_stats g;
	char reason[GS_SUGGEST_REASON_MAX];
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		g = group("isp.example", 40, yes[i]);
		ck_assert_msg(dynamic(&g, reason), "%s not flagged", yes[i]);
		ck_assert_msg(strstr(reason, "access network") != NULL,
			      "%s: %s", yes[i], reason);
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		g = group("isp.example", 40, no[i]);
		ck_assert_msg(!dynamic(&g, reason), "%s flagged: %s", no[i],
			      reason);
	}
}
END_TEST

START_TEST(test_dynamic_words_only_left_of_registrable_domain)
{
	/* the company's own domain may contain such a word */
	struct gs_group_stats g = group("dyn.com", 40, "mx1.dyn.com");
	struct gs_group_stats h =
	    group("pool.example", 40, "mail.pool.example");
	char reason[GS_SUGGEST_REASON_MAX];

	ck_assert(
	    !gs_suggest_is_dynamic(&g, "dyn.com", reason, sizeof(reason)));
	ck_assert(!dynamic(&h, reason)); /* NULL: the group's domain */
	g.examples[0] = "dyn.com";
	ck_assert(
	    !gs_suggest_is_dynamic(&g, "dyn.com", reason, sizeof(reason)));
	/* a word left of it counts */
	g.examples[0] = "dsl.dyn.com";
	ck_assert(gs_suggest_is_dynamic(&g, "dyn.com", reason, sizeof(reason)));
}
END_TEST

START_TEST(test_dynamic_many_addresses_that_rarely_retry)
{
	struct gs_group_stats g = group("isp.example", 100, "mx.isp.example");
	char reason[GS_SUGGEST_REASON_MAX];

	g.counts[GS_C_DELAYED] = 4; /* 4 % < 5 % */
	g.client_addresses = 75;    /* exactly 75 % */
	ck_assert(dynamic(&g, reason));
	ck_assert(strstr(reason, "75 distinct addresses for 100") != NULL);
	g.client_addresses = 74; /* one below */
	ck_assert(!dynamic(&g, reason));
	g.client_addresses = 100;
	g.counts[GS_C_DELAYED] = 5; /* exactly 5 %: retries enough */
	ck_assert(!dynamic(&g, reason));
	g.counts[GS_C_DELAYED] = 0;
	g.counts[GS_C_NEW] = GS_DYN_MIN_GREYLISTED - 1; /* too few to judge */
	g.client_addresses = GS_DYN_MIN_GREYLISTED;
	ck_assert(!dynamic(&g, reason));
	g.counts[GS_C_NEW] = GS_DYN_MIN_GREYLISTED;
	ck_assert(dynamic(&g, reason));
}
END_TEST

START_TEST(test_dynamic_flagged_candidate_has_no_entry)
{
	struct gs_group_stats g = group("isp.example", 40, "dsl-1.isp.example");
	struct gs_summary s = summary_of(&g, 1);
	struct gs_candidates c;

	ck_assert_int_eq(gs_candidates_select(&s, NULL, NULL, NULL, &c, errbuf,
					      sizeof(errbuf)),
			 0);
	ck_assert_int_eq(c.items[0].verdict, GS_VERDICT_DO_NOT_WHITELIST);
	ck_assert_str_eq(c.items[0].entry, "");
	ck_assert(strstr(c.items[0].reason, "'dsl'") != NULL);
	gs_candidates_free(&c);
}
END_TEST

/* ---- gs_suggest_write ---- */

static char *write_to_string(const struct gs_summary *s,
			     const struct gs_whitelist *wl,
			     const struct gs_ignore *ig,
			     const struct gs_suggest_opts *o, int *written)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	*written = gs_suggest_write(f, s, wl, ig, o, 1700600000, errbuf,
				    sizeof(errbuf));
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

/* The lines postgrey would read: neither comments nor blank. */
static void entries_of(const char *text, char *out, size_t outlen)
{
	const char *line = text, *nl;

	out[0] = '\0';
	for (; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		ck_assert_ptr_nonnull(nl); /* every line is terminated */
		if (line[0] != '#' && line != nl)
			strncat(out, line,
				(size_t)(nl - line + 1) < outlen - strlen(out)
				    ? (size_t)(nl - line + 1)
				    : 0);
	}
}

START_TEST(test_suggest_write_prints_entries_and_flagged_comments)
{
	struct gs_group_stats gs[5];
	struct gs_summary s;
	struct gs_suggest_opts o;
	char entries[1024], *text;
	int written;

	gs[0] = group("outbound.protection.outlook.com", 300,
		      "mail-a.outbound.protection.outlook.com");
	gs[1] = group("eur.protection.outlook.com", 200,
		      "mail-b.eur.protection.outlook.com");
	gs[2] = group("[192.0.2.0/24]", 100, "unknown");
	gs[3] = group("isp.example", 50, "1-2-3-4.isp.example");
	gs[4] =
	    group("bigsender.example", 40, "evil\n/.*/\nx.bigsender.example");
	s = summary_of(gs, 5);
	gs_suggest_opts_default(&o);
	o.ignore_file = "/etc/greyscan/my-ignore";
	text = write_to_string(&s, NULL, NULL, &o, &written);
	ck_assert_int_eq(written, 2);
	entries_of(text, entries, sizeof(entries));
	/* the same registrable domain once; flagged groups never */
	ck_assert_str_eq(entries, "outlook.com\nbigsender.example\n");
	ck_assert(strstr(text, "# do not whitelist [192.0.2.0/24]: clients "
			       "without usable reverse DNS") != NULL);
	ck_assert(strstr(text, "add [192.0.2.0/24] to "
			       "/etc/greyscan/my-ignore") != NULL);
	ck_assert(strstr(text,
			 "# do not whitelist isp.example: host names "
			 "embed the client address (1-2-3-4.isp.example)") !=
		  NULL);
	ck_assert(strstr(text,
			 "300 greylisted (300 new, 0 early retries), "
			 "150 delayed passes (median 5m10s, max 25m00s)") !=
		  NULL);
	ck_assert(strstr(text, "suggested by greyscan on 2023-11-21") != NULL);
	ck_assert(
	    strstr(text, "2023-11-14 22:13 UTC .. 2023-11-20 17:06 UTC") !=
	    NULL);
	ck_assert(strstr(text, "(covered by outlook.com above)") != NULL);
	ck_assert(strstr(text, "e.g. evil?/.*/?x.bigsender.example") != NULL);
	ck_assert(strstr(text, GS_POSTGREY_WHITELIST_LOCAL) != NULL);
	free(text);
}
END_TEST

START_TEST(test_suggest_write_skips_whitelisted_and_ignored)
{
	struct gs_group_stats gs[2];
	struct gs_summary s;
	struct gs_ignore *ig = gs_ignore_new();
	char dir[] = "/tmp/check_suggest.XXXXXX", igp[64], entries[256];
	char *text;
	FILE *f;
	int written;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(igp, sizeof(igp), "%s/ig", dir);
	f = fopen(igp, "w");
	ck_assert_int_eq(fputs("quiet.example\n", f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(gs_ignore_load(ig, igp, false, errbuf, sizeof(errbuf)),
			 0);
	gs[0] = group("quiet.example", 300, NULL);
	gs[1] = group("loud.example", 30, NULL);
	s = summary_of(gs, 2);
	text = write_to_string(&s, NULL, ig, NULL, &written);
	ck_assert_int_eq(written, 1);
	entries_of(text, entries, sizeof(entries));
	ck_assert_str_eq(entries, "loud.example\n");
	ck_assert(strstr(text, "quiet") == NULL);
	free(text);
	gs_ignore_free(ig);
	ck_assert_int_eq(remove(igp), 0);
	ck_assert_int_eq(remove(dir), 0);
}
END_TEST

START_TEST(test_suggest_write_nothing_to_suggest)
{
	struct gs_summary s = summary_of(NULL, 0);
	char entries[64], *text;
	int written;

	text = write_to_string(&s, NULL, NULL, NULL, &written);
	ck_assert_int_eq(written, 0);
	entries_of(text, entries, sizeof(entries));
	ck_assert_str_eq(entries, "");
	ck_assert(strstr(text, "0 group(s)") != NULL);
	free(text);
}
END_TEST

START_TEST(test_suggest_write_reports_write_error)
{
	struct gs_group_stats g = group("loud.example", 30, NULL);
	struct gs_summary s = summary_of(&g, 1);
	FILE *f = fopen("/dev/full", "w");

	ck_assert_ptr_nonnull(f);
	errbuf[0] = '\0';
	ck_assert_int_eq(gs_suggest_write(f, &s, NULL, NULL, NULL, 0, errbuf,
					  sizeof(errbuf)),
			 -1);
	ck_assert(strstr(errbuf, "No space") != NULL);
	fclose(f);
}
END_TEST

/* ---- helpers ---- */

START_TEST(test_format_duration_units)
{
	char b[32];

	gs_format_duration(0, b, sizeof(b));
	ck_assert_str_eq(b, "0s");
	gs_format_duration(59, b, sizeof(b));
	ck_assert_str_eq(b, "59s");
	gs_format_duration(60, b, sizeof(b));
	ck_assert_str_eq(b, "1m00s");
	gs_format_duration(3599, b, sizeof(b));
	ck_assert_str_eq(b, "59m59s");
	gs_format_duration(3600, b, sizeof(b));
	ck_assert_str_eq(b, "1h00m");
	gs_format_duration(86399, b, sizeof(b));
	ck_assert_str_eq(b, "23h59m");
	gs_format_duration(86400 * 3 + 7200, b, sizeof(b));
	ck_assert_str_eq(b, "3d02h");
}
END_TEST

START_TEST(test_text_clean_replaces_control_and_pipe)
{
	char b[8];

	gs_text_clean("a|b\nc\x7f", b, sizeof(b));
	ck_assert_str_eq(b, "a?b?c?");
	gs_text_clean("0123456789", b, sizeof(b));
	ck_assert_str_eq(b, "0123456");
	gs_text_clean(NULL, b, sizeof(b));
	ck_assert_str_eq(b, "");
}
END_TEST

static Suite *suggest_suite(void)
{
	Suite *s = suite_create("suggest");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc,
		       test_suggest_clean_big_sender_gets_registrable_domain);
	tcase_add_test(tc, test_suggest_entry_is_lower_case);
	tcase_add_test(tc, test_suggest_public_suffix_is_flagged);
	tcase_add_test(tc, test_suggest_non_host_names_are_flagged);
	tcase_add_test(tc, test_suggest_threshold_boundary);
	tcase_add_test(tc, test_suggest_threshold_option_is_used);
	tcase_add_test(tc, test_suggest_most_significant_first);
	tcase_add_test(tc,
		       test_suggest_whitelisted_and_ignored_are_not_candidates);
	tcase_add_test(tc, test_suggest_exclude_dynamic_drops_flagged_groups);
	tcase_add_test(tc, test_suggest_empty_and_null_summary);
	tcase_add_test(tc, test_dynamic_network_group);
	tcase_add_test(tc, test_dynamic_host_name_embeds_address);
	tcase_add_test(tc, test_dynamic_host_name_access_network_words);
	tcase_add_test(tc, test_dynamic_words_only_left_of_registrable_domain);
	tcase_add_test(tc, test_dynamic_many_addresses_that_rarely_retry);
	tcase_add_test(tc, test_dynamic_flagged_candidate_has_no_entry);
	tcase_add_test(tc,
		       test_suggest_write_prints_entries_and_flagged_comments);
	tcase_add_test(tc, test_suggest_write_skips_whitelisted_and_ignored);
	tcase_add_test(tc, test_suggest_write_nothing_to_suggest);
	tcase_add_test(tc, test_suggest_write_reports_write_error);
	tcase_add_test(tc, test_format_duration_units);
	tcase_add_test(tc, test_text_clean_replaces_control_and_pipe);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(suggest_suite)
