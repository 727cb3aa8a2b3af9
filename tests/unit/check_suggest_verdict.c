/* The verdict wired into the candidates (lib/advice/suggest.c) on
 * constructed summaries of each kind: a pool, a single server, a botnet,
 * too few pairs and a version 1 summary (the host names decide), entries
 * too broad to write; which of them check_greyscan counts; the pair
 * figures handed to the rule; and both outputs of `greyscan suggest`, the
 * text with its waits and the JSON Lines parsed back. */
#include "gs_config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfastjson/json.h>

#include "base/error.h"
#include "advice/suggest.h"
#include "advice/verdict.h"
#include "suite.h"

static char errbuf[GS_ERRLEN];

/* The figures of the Microsoft 365 week. */
static const struct gs_pair_stats POOL = {
    .greylisted = 383,
    .returned = 340,
    .other_network = 211,
    .passed = 311,
    .pending = 37,
    .expired = 35,
    .never_returned = 6,
    .has_wait = true,
    .wait_median_s = 4 * 3600 + 8 * 60,
    .wait_p90_s = 9 * 3600 + 30 * 60,
    .wait_max_s = 25 * 3600,
};
#define POOL_REASON                                                            \
	"62% came back from another network; median wait 4h08m (p90 9h30m), "  \
	"29 never passed"

static const struct gs_pair_stats BOTNET = {
    .greylisted = 390,
    .returned = 12,
    .passed = 0,
    .pending = 7,
    .expired = 383,
    .never_returned = 371,
};
#define BOTNET_REASON                                                          \
	"371 of 390 greylisted mails never came back (7 still within the "     \
	"retry window)"

static const struct gs_pair_stats SINGLE = {
    .greylisted = 100,
    .returned = 95,
    .other_network = 2,
    .passed = 95,
    .expired = 5,
    .never_returned = 5,
    .has_wait = true,
    .wait_median_s = 720,
    .wait_p90_s = 1080,
    .wait_max_s = 1500,
};
#define SINGLE_REASON                                                          \
	"mail comes back from the same network and passes after 12m00s; "      \
	"postgrey's auto-whitelist takes over"

static const struct gs_pair_stats FEW = {
    .greylisted = 5,
    .returned = 4,
    .passed = 4,
    .pending = 1,
    .has_wait = true,
    .wait_median_s = 400,
    .wait_p90_s = 500,
    .wait_max_s = 600,
};

static struct gs_group_stats group(const char *domain, uint64_t new_,
				   const char *example,
				   const struct gs_pair_stats *pairs)
{
	struct gs_group_stats g;

	memset(&g, 0, sizeof(g));
	g.domain = (char *)domain;
	g.kind = domain[0] == '[' ? GS_KIND_NETWORK : GS_KIND_NAME;
	g.counts[GS_C_NEW] = new_;
	g.client_addresses = 8;
	g.networks = 4;
	g.first_seen = 1700000000;
	g.last_seen = 1700500000;
	if (example != NULL)
		g.examples[g.n_examples++] = (char *)example;
	if (pairs != NULL) {
		g.has_pairs = true;
		g.pairs = *pairs;
	}
	return g;
}

static struct gs_summary summary_of(struct gs_group_stats *groups, size_t n,
				    int version)
{
	struct gs_summary s;

	memset(&s, 0, sizeof(s));
	s.version = version;
	s.generated = 1700600000;
	s.window_start = 1700000000;
	s.window_end = 1700600000;
	s.window_s = 604800;
	s.retry_window_s = version >= 2 ? 172800 : 0;
	s.groups = groups;
	s.n_groups = n;
	return s;
}

static void select_all(const struct gs_summary *s,
		       const struct gs_suggest_opts *o, struct gs_candidates *c)
{
	ck_assert_msg(gs_candidates_select(s, NULL, NULL, o, c, errbuf,
					   sizeof(errbuf)) == 0,
		      "%s", errbuf);
}

static const struct gs_candidate *find(const struct gs_candidates *c,
				       const char *domain)
{
	for (size_t i = 0; i < c->n_items; i++)
		if (strcmp(c->items[i].group->domain, domain) == 0)
			return &c->items[i];
	ck_abort_msg("%s is no candidate", domain);
	return NULL;
}

/* ---- the pairs decide ---- */

/* A pool that suffers is whitelisted, whatever its host names say: Mailchimp
 * (many addresses that rarely pass, clue 4) and Tencent (the address in
 * the name, clue 2). The clues stay as detail. */
START_TEST(test_verdict_wiring_pool_is_whitelisted_against_the_names)
{
	struct gs_group_stats gs[2];
	struct gs_summary s;
	struct gs_candidates c;
	const struct gs_candidate *m, *q;

	gs[0] = group("mcdlv.net", 80, "mail180.atl221.mcdlv.net", &POOL);
	gs[0].client_addresses = 64; /* 64 >= 75% of 80, no delayed pass */
	gs[1] = group("mail.qq.com", 60, "out162-62-78-33.mail.qq.com", &POOL);
	s = summary_of(gs, 2, 2);
	select_all(&s, NULL, &c);
	ck_assert_uint_eq(c.n_candidates, 2);
	m = find(&c, "mcdlv.net");
	ck_assert_int_eq(m->verdict, GS_VERDICT_WHITELIST);
	ck_assert(m->by_pairs);
	ck_assert_int_eq(m->state, GS_CAND_CANDIDATE);
	ck_assert_str_eq(m->reason, POOL_REASON);
	ck_assert_str_eq(m->detail,
			 "the host names alone would say do not whitelist: 64 "
			 "distinct addresses for 80 greylistings and only 0 "
			 "delayed passes: many hosts that rarely retry");
	ck_assert_str_eq(m->entry, "mcdlv.net");
	ck_assert_uint_eq(m->never_passed, 29);
	q = find(&c, "mail.qq.com");
	ck_assert_int_eq(q->verdict, GS_VERDICT_WHITELIST);
	ck_assert_str_eq(q->entry, "qq.com");
	ck_assert(strstr(q->detail, "embed the client address "
				    "(out162-62-78-33.mail.qq.com)") != NULL);
	gs_candidates_free(&c);
}
END_TEST

/* Botnet sources whose names look clean, from the issue: the pairs say
 * no, and check_greyscan does not count them. */
START_TEST(test_verdict_wiring_botnet_is_not_whitelisted)
{
	static const char *const names[] = {
	    "softbank126102144126.bbtec.net",
	    "20.red-83-48-219.dynamicip.rima-tde.net",
	    "p4384570-ipngn9957marunouchi.tokyo.ocn.ne.jp",
	    "host46-10-static.2-79-b.business.telecomitalia.it",
	    "n112118187179.netvigator.com",
	    "static.vnpt.vn",
	};
	struct gs_group_stats gs[6];
	struct gs_summary s;
	struct gs_candidates c;
	size_t i;

	for (i = 0; i < 6; i++)
		gs[i] = group(strchr(names[i], '.') + 1, 100 - i, names[i],
			      &BOTNET);
	gs[5].domain = "vnpt.vn";
	s = summary_of(gs, 6, 2);
	select_all(&s, NULL, &c);
	ck_assert_uint_eq(c.n_items, 6);
	ck_assert_uint_eq(c.n_candidates, 0);
	for (i = 0; i < c.n_items; i++) {
		ck_assert_int_eq(c.items[i].verdict,
				 GS_VERDICT_DO_NOT_WHITELIST);
		ck_assert(c.items[i].by_pairs);
		ck_assert_int_eq(c.items[i].state, GS_CAND_EXCLUDED);
		ck_assert_str_eq(c.items[i].reason, BOTNET_REASON);
		ck_assert_str_eq(c.items[i].entry, "");
	}
	gs_candidates_free(&c);
}
END_TEST

/* A botnet whose names also look dynamic: the names agree. */
START_TEST(test_verdict_wiring_botnet_names_agree)
{
	struct gs_group_stats g =
	    group("isp.example", 100, "dsl-1.isp.example", &BOTNET);
	struct gs_summary s = summary_of(&g, 1, 2);
	struct gs_candidates c;

	select_all(&s, NULL, &c);
	ck_assert_int_eq(c.items[0].verdict, GS_VERDICT_DO_NOT_WHITELIST);
	ck_assert_str_eq(c.items[0].reason, BOTNET_REASON);
	ck_assert_str_eq(c.items[0].detail,
			 "the host names agree: host names look like access "
			 "network space ('dsl' in dsl-1.isp.example)");
	gs_candidates_free(&c);
}
END_TEST

START_TEST(test_verdict_wiring_single_server_needs_none)
{
	struct gs_group_stats g =
	    group("smallorg.example", 100, "mail.smallorg.example", &SINGLE);
	struct gs_summary s = summary_of(&g, 1, 2);
	struct gs_suggest_opts o;
	struct gs_candidates c;

	select_all(&s, NULL, &c);
	ck_assert_int_eq(c.items[0].verdict, GS_VERDICT_NOT_NEEDED);
	ck_assert(c.items[0].by_pairs);
	ck_assert_str_eq(c.items[0].reason, SINGLE_REASON);
	ck_assert_str_eq(c.items[0].detail, "");
	ck_assert_str_eq(c.items[0].entry, "");
	ck_assert_int_eq(c.items[0].state, GS_CAND_EXCLUDED);
	ck_assert_uint_eq(c.n_candidates, 0);
	gs_candidates_free(&c);
	/* -x changes nothing where the pairs decide */
	gs_suggest_opts_default(&o);
	o.exclude_dynamic = true;
	select_all(&s, &o, &c);
	ck_assert_int_eq(c.items[0].state, GS_CAND_EXCLUDED);
	gs_candidates_free(&c);
}
END_TEST

/* No entry can be written: the pairs' whitelist becomes do-not-whitelist
 * with their reason as detail. */
START_TEST(test_verdict_wiring_too_broad_entry_is_still_refused)
{
	struct gs_group_stats gs[3];
	struct gs_summary s;
	struct gs_candidates c;
	const struct gs_candidate *x;

	gs[0] = group("co.uk", 90, "mail.co.uk", &POOL);
	gs[1] = group("[192.0.2.0/24]", 80, "unknown", &POOL);
	gs[2] = group("a#b.example", 70, NULL, &POOL);
	s = summary_of(gs, 3, 2);
	select_all(&s, NULL, &c);
	ck_assert_uint_eq(c.n_candidates, 0);
	x = find(&c, "co.uk");
	ck_assert_int_eq(x->verdict, GS_VERDICT_DO_NOT_WHITELIST);
	ck_assert_str_eq(x->reason, "'co.uk' is a public suffix: an entry "
				    "would cover every domain under it");
	ck_assert_str_eq(x->detail,
			 "the pairs alone would say whitelist: " POOL_REASON);
	ck_assert_str_eq(x->entry, "");
	x = find(&c, "[192.0.2.0/24]");
	ck_assert_int_eq(x->verdict, GS_VERDICT_DO_NOT_WHITELIST);
	ck_assert_str_eq(x->reason, "clients without usable reverse DNS (a "
				    "network group)");
	x = find(&c, "a#b.example");
	ck_assert_str_eq(x->reason, "'a#b.example' is not a plain host name");
	gs_candidates_free(&c);
}
END_TEST

/* ---- the host names decide ---- */

START_TEST(test_verdict_wiring_too_few_pairs_fall_back_to_the_names)
{
	struct gs_group_stats gs[2];
	struct gs_summary s;
	struct gs_candidates c;
	const struct gs_candidate *x;

	gs[0] = group("fresh.example", 40, "mx.fresh.example", &FEW);
	gs[1] = group("isp.example", 30, "ppp-7.isp.example", &FEW);
	s = summary_of(gs, 2, 2);
	select_all(&s, NULL, &c);
	x = find(&c, "fresh.example");
	ck_assert_int_eq(x->verdict, GS_VERDICT_WHITELIST);
	ck_assert(!x->by_pairs);
	ck_assert_str_eq(x->reason,
			 "no sign of dynamic address space in the host names");
	ck_assert_str_eq(x->detail,
			 "only 5 greylisted mails followed (20 needed)");
	ck_assert_str_eq(x->entry, "fresh.example");
	ck_assert_int_eq(x->state, GS_CAND_CANDIDATE);
	/* the pair figures are there all the same */
	ck_assert_uint_eq(x->figures.returned, 4);
	x = find(&c, "isp.example");
	ck_assert_int_eq(x->verdict, GS_VERDICT_DO_NOT_WHITELIST);
	ck_assert(!x->by_pairs);
	ck_assert(strstr(x->reason, "'ppp'") != NULL);
	/* a summary with pair evidence: only whitelist verdicts count */
	ck_assert_int_eq(x->state, GS_CAND_EXCLUDED);
	ck_assert_uint_eq(c.n_candidates, 1);
	gs_candidates_free(&c);
}
END_TEST

/* Version 1: the host names decide as before; flagged groups count unless
 * -x, as before. */
START_TEST(test_verdict_wiring_version_1_falls_back_to_the_names)
{
	struct gs_group_stats gs[2];
	struct gs_summary s;
	struct gs_suggest_opts o;
	struct gs_candidates c;
	const struct gs_candidate *x;

	gs[0] = group("mcdlv.net", 80, "mail180.atl221.mcdlv.net", NULL);
	gs[0].client_addresses = 64;
	gs[1] = group("clean.example", 40, "mx.clean.example", NULL);
	s = summary_of(gs, 2, 1);
	select_all(&s, NULL, &c);
	ck_assert_uint_eq(c.n_candidates, 2);
	x = find(&c, "mcdlv.net");
	ck_assert_int_eq(x->verdict, GS_VERDICT_DO_NOT_WHITELIST);
	ck_assert(!x->by_pairs);
	ck_assert_str_eq(x->detail, "no pair evidence (version 1 summary)");
	ck_assert_int_eq(x->state, GS_CAND_CANDIDATE);
	x = find(&c, "clean.example");
	ck_assert_int_eq(x->verdict, GS_VERDICT_WHITELIST);
	ck_assert_str_eq(x->detail, "no pair evidence (version 1 summary)");
	gs_candidates_free(&c);
	gs_suggest_opts_default(&o);
	o.exclude_dynamic = true;
	select_all(&s, &o, &c);
	ck_assert_uint_eq(c.n_candidates, 1);
	ck_assert_int_eq(find(&c, "mcdlv.net")->state, GS_CAND_EXCLUDED);
	gs_candidates_free(&c);
}
END_TEST

/* ---- the figures handed to the rule ---- */

START_TEST(test_verdict_figures_from_pair_stats)
{
	struct gs_pair_stats st = POOL;
	struct gs_pair_figures f;

	gs_verdict_figures(&st, &f);
	ck_assert_uint_eq(f.returned, 340);
	ck_assert_uint_eq(f.other_network, 211);
	ck_assert_uint_eq(f.passed, 311);
	ck_assert_uint_eq(f.expired, 35);
	ck_assert_uint_eq(f.never_returned, 6);
	/* open pairs not seen again: 383 - 340 - 6 */
	ck_assert_uint_eq(f.pending, 37);
	ck_assert(f.has_wait);
	ck_assert_uint_eq(f.wait_p90_s, 34200);
	ck_assert_uint_eq(gs_verdict_never_passed(&f), 29);
	/* exactly all accounted for, then one more than greylisted */
	st.returned = 377;
	gs_verdict_figures(&st, &f);
	ck_assert_uint_eq(f.pending, 0);
	st.returned = 378;
	gs_verdict_figures(&st, &f);
	ck_assert_uint_eq(f.pending, 0);
	/* huge figures do not wrap */
	st.returned = UINT64_MAX;
	st.never_returned = UINT64_MAX;
	st.greylisted = UINT64_MAX;
	gs_verdict_figures(&st, &f);
	ck_assert_uint_eq(f.pending, 0);
}
END_TEST

/* ---- the outputs ---- */

static char *capture(int (*run)(FILE *, const struct gs_summary *),
		     const struct gs_summary *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(run(f, s), 0);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

static int run_text(FILE *f, const struct gs_summary *s)
{
	return gs_suggest_write(f, s, NULL, NULL, NULL, 1700600000, errbuf,
				sizeof(errbuf));
}

static int run_json(FILE *f, const struct gs_summary *s)
{
	return gs_suggest_json(f, s, NULL, NULL, NULL, errbuf, sizeof(errbuf));
}

static void fill_three(struct gs_group_stats gs[3])
{
	gs[0] = group("pool.example", 500, "out-1.pool.example", &POOL);
	gs[1] = group("bot.example", 390, "h1.bot.example", &BOTNET);
	gs[2] =
	    group("smallorg.example", 100, "mail.smallorg.example", &SINGLE);
}

START_TEST(test_suggest_text_carries_verdicts_and_waits)
{
	struct gs_group_stats gs[3];
	struct gs_summary s;
	char *text;

	fill_three(gs);
	s = summary_of(gs, 3, 2);
	text = capture(run_text, &s);
	ck_assert_msg(strstr(text,
			     "neither whitelisted nor ignored: 1 to "
			     "whitelist, 1 not to, 1 needing none.") != NULL,
		      "%s", text);
	ck_assert(strstr(text, "# Verdicts from what became of each "
			       "greylisted mail") != NULL);
	ck_assert(strstr(text, "#   systemctl kill -s HUP postgrey") != NULL);
	ck_assert(strstr(text, "#   kill -HUP \"$(cat /run/postgrey.pid)\"") !=
		  NULL);
	ck_assert(strstr(text, "reload postgrey") == NULL);
	ck_assert(strstr(text, "# whitelist pool.example: " POOL_REASON "\n") !=
		  NULL);
	ck_assert(strstr(text, "#   383 greylisted mails followed: 340 came "
			       "back (211 from another network), 6 never "
			       "did, 37 still open\n") != NULL);
	ck_assert(strstr(text,
			 "#   311 passed after waiting 4h08m (median; "
			 "p90 9h30m, max 1d01h), 29 never passed\n") != NULL);
	ck_assert(strstr(text, "#   suggested by greyscan on 2023-11-21\n"
			       "pool.example\n") != NULL);
	ck_assert(strstr(text, "# do not whitelist bot.example: " BOTNET_REASON
			       "\n") != NULL);
	ck_assert(strstr(text, "#   0 passed, 12 never passed\n") != NULL);
	ck_assert(strstr(text, "# no need to whitelist smallorg.example: "
			       "" SINGLE_REASON "\n") != NULL);
	/* not counted by check_greyscan: nothing to silence */
	ck_assert(strstr(text, "to silence") == NULL);
	free(text);
	/* version 1: the header says the host names decide */
	for (size_t i = 0; i < 3; i++)
		gs[i].has_pairs = false;
	s = summary_of(gs, 3, 1);
	text = capture(run_text, &s);
	ck_assert(strstr(text, "# No pair evidence (version 1 summary): the "
			       "host names decide.\n") != NULL);
	/* said once, not for every group */
	ck_assert(strstr(text, "(judged by the host names") == NULL);
	ck_assert(strstr(text, "greylisted mails followed") == NULL);
	free(text);
}
END_TEST

static struct json_object *member(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	ck_assert_msg(json_object_object_get_ex(o, key, &v), "no %s", key);
	return v;
}

static const char *str_of(struct json_object *o, const char *key)
{
	return json_object_get_string(member(o, key));
}

static int64_t int_of(struct json_object *o, const char *key)
{
	struct json_object *v = member(o, key);

	ck_assert(json_object_is_type(v, json_type_int));
	return json_object_get_int64(v);
}

/* One parsed line of text (the n-th, from 0). */
static struct json_object *json_line(const char *text, int n)
{
	const char *p = text, *nl;
	char *line;
	struct json_object *o;

	for (; n > 0; n--) {
		p = strchr(p, '\n');
		ck_assert_ptr_nonnull(p);
		p++;
	}
	nl = strchr(p, '\n');
	ck_assert_ptr_nonnull(nl);
	line = strndup(p, (size_t)(nl - p));
	ck_assert_ptr_nonnull(line);
	o = json_tokener_parse(line);
	ck_assert_msg(o != NULL, "not JSON: %s", line);
	free(line);
	return o;
}

START_TEST(test_suggest_json_one_object_a_line)
{
	struct gs_group_stats gs[3];
	struct gs_summary s;
	struct json_object *o, *p;
	char *text;
	size_t lines = 0;

	fill_three(gs);
	s = summary_of(gs, 3, 2);
	text = capture(run_json, &s);
	for (const char *c = text; *c != '\0'; c++)
		lines += *c == '\n';
	ck_assert_uint_eq(lines, 3);
	o = json_line(text, 0);
	ck_assert_str_eq(str_of(o, "domain"), "pool.example");
	ck_assert_str_eq(str_of(o, "kind"), "name");
	ck_assert_str_eq(str_of(o, "verdict"), "whitelist");
	ck_assert_str_eq(str_of(o, "decided_by"), "pairs");
	ck_assert_str_eq(str_of(o, "reason"), POOL_REASON);
	ck_assert_ptr_null(member(o, "detail"));
	ck_assert_str_eq(str_of(o, "entry"), "pool.example");
	ck_assert_int_eq(int_of(o, "greylisted"), 500);
	ck_assert_int_eq(int_of(o, "new"), 500);
	ck_assert_int_eq(int_of(o, "early_retry"), 0);
	p = member(o, "pairs");
	ck_assert_int_eq(int_of(p, "greylisted"), 383);
	ck_assert_int_eq(int_of(p, "returned"), 340);
	ck_assert_int_eq(int_of(p, "other_network"), 211);
	ck_assert_int_eq(int_of(p, "passed"), 311);
	ck_assert_int_eq(int_of(p, "pending"), 37);
	ck_assert_int_eq(int_of(p, "expired"), 35);
	ck_assert_int_eq(int_of(p, "never_returned"), 6);
	ck_assert_int_eq(int_of(p, "never_passed"), 29);
	ck_assert_int_eq(int_of(p, "wait_median"), 14880);
	ck_assert_int_eq(int_of(p, "wait_p90"), 34200);
	ck_assert_int_eq(int_of(p, "wait_max"), 90000);
	json_object_put(o);
	o = json_line(text, 1);
	ck_assert_str_eq(str_of(o, "verdict"), "do-not-whitelist");
	ck_assert_ptr_null(member(o, "entry"));
	ck_assert_ptr_null(member(member(o, "pairs"), "wait_median"));
	json_object_put(o);
	o = json_line(text, 2);
	ck_assert_str_eq(str_of(o, "verdict"), "not-needed");
	json_object_put(o);
	free(text);
	/* version 1: pairs null, the host names decided */
	for (size_t i = 0; i < 3; i++)
		gs[i].has_pairs = false;
	s = summary_of(gs, 3, 1);
	text = capture(run_json, &s);
	o = json_line(text, 0);
	ck_assert_str_eq(str_of(o, "decided_by"), "host-names");
	ck_assert_str_eq(str_of(o, "detail"),
			 "no pair evidence (version 1 summary)");
	ck_assert_ptr_null(member(o, "pairs"));
	json_object_put(o);
	free(text);
}
END_TEST

START_TEST(test_suggest_json_nothing_and_write_error)
{
	struct gs_summary s = summary_of(NULL, 0, 2);
	struct gs_group_stats g =
	    group("pool.example", 500, "out-1.pool.example", &POOL);
	char *text;
	FILE *f;

	text = capture(run_json, &s);
	ck_assert_str_eq(text, "");
	free(text);
	s = summary_of(&g, 1, 2);
	f = fopen("/dev/full", "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(run_json(f, &s), -1);
	ck_assert(strstr(errbuf, "No space") != NULL);
	fclose(f);
}
END_TEST

static Suite *suggest_verdict_suite(void)
{
	Suite *s = suite_create("suggest_verdict");
	TCase *tc = tcase_create("core");

	tcase_add_test(
	    tc, test_verdict_wiring_pool_is_whitelisted_against_the_names);
	tcase_add_test(tc, test_verdict_wiring_botnet_is_not_whitelisted);
	tcase_add_test(tc, test_verdict_wiring_botnet_names_agree);
	tcase_add_test(tc, test_verdict_wiring_single_server_needs_none);
	tcase_add_test(tc,
		       test_verdict_wiring_too_broad_entry_is_still_refused);
	tcase_add_test(
	    tc, test_verdict_wiring_too_few_pairs_fall_back_to_the_names);
	tcase_add_test(tc,
		       test_verdict_wiring_version_1_falls_back_to_the_names);
	tcase_add_test(tc, test_verdict_figures_from_pair_stats);
	tcase_add_test(tc, test_suggest_text_carries_verdicts_and_waits);
	tcase_add_test(tc, test_suggest_json_one_object_a_line);
	tcase_add_test(tc, test_suggest_json_nothing_and_write_error);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(suggest_verdict_suite)
