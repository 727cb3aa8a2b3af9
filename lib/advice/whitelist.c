/* postgrey's whitelist files (see whitelist.h). The lines are read by
 * base/listfile.c, the address forms parsed by wl_addr.c, and the entries
 * kept as entries.h says.
 *
 * Concurrency & locking: a loaded list is read-only, so matching needs no
 * lock. The one thing matching writes is the record of regex matches that
 * gave up at a PCRE2 limit (struct match_failures): atomics, updated without
 * a lock, read by gs_whitelist_match_failures(). The PCRE2 match context is
 * only read by pcre2_match() and is shared; match data is per call. */
#include "gs_config.h"

#include "advice/whitelist.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "advice/entries.h"
#include "advice/wl_addr.h"
#include "base/error.h"
#include "base/listfile.h"

/* Regex matches that hit a PCRE2 limit. Separate from the list so that
 * matching, which takes a const whitelist, may count them. */
struct match_failures {
	atomic_size_t count;
	atomic_size_t first; /* index of the first failing entry + 1; 0: none */
};

struct gs_whitelist {
	struct gs_entry_list list;
	size_t warnings;
	char first_warning[GS_ERRLEN];
	pcre2_match_context *mctx; /* the limits below, for every regex */
	struct match_failures *failures;
};

/* 1: match, 0: no match, -1: PCRE2 gave up (a limit, no memory). */
static int regex_matches(pcre2_code *re, pcre2_match_context *mctx,
			 const char *name)
{
	pcre2_match_data *md;
	int rc;

	md = pcre2_match_data_create_from_pattern(re, NULL);
	if (md == NULL)
		return -1;
	rc = pcre2_match(re, (PCRE2_SPTR)name, strlen(name), 0, 0, md, mctx);
	pcre2_match_data_free(md);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	return rc >= 0 ? 1 : -1;
}

struct gs_whitelist *gs_whitelist_new(void)
{
	struct gs_whitelist *wl;

	wl = calloc(1, sizeof(*wl));
	if (wl == NULL)
		return NULL;
	wl->failures = calloc(1, sizeof(*wl->failures));
	wl->mctx = pcre2_match_context_create(NULL);
	if (wl->failures == NULL || wl->mctx == NULL ||
	    pcre2_set_match_limit(wl->mctx, GS_WHITELIST_MATCH_LIMIT) != 0 ||
	    pcre2_set_depth_limit(wl->mctx, GS_WHITELIST_DEPTH_LIMIT) != 0) {
		gs_whitelist_free(wl);
		return NULL;
	}
	atomic_init(&wl->failures->count, 0);
	atomic_init(&wl->failures->first, 0);
	return wl;
}

void gs_whitelist_free(struct gs_whitelist *wl)
{
	if (wl == NULL)
		return;
	gs_entries_free(&wl->list);
	pcre2_match_context_free(wl->mctx);
	free(wl->failures);
	free(wl);
}

static void warn_skipped(struct gs_whitelist *wl, const char *path,
			 unsigned lineno, const char *why)
{
	if (wl->warnings++ == 0)
		snprintf(wl->first_warning, sizeof(wl->first_warning),
			 "%s:%u: %s", path, lineno, why);
}

static int compile_regex(const char *text, size_t len, pcre2_code **out,
			 const char *path, unsigned lineno, char *err,
			 size_t errlen)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE offset;
	int code;

	*out = pcre2_compile((PCRE2_SPTR)text, len, PCRE2_CASELESS, &code,
			     &offset, NULL);
	if (*out != NULL)
		return 0;
	if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
		snprintf((char *)msg, sizeof(msg), "error %d", code);
	return gs_seterr(err, errlen,
			 "%s:%u: regex /%.*s/ does not compile at offset %zu: "
			 "%s",
			 path, lineno, (int)len, text, (size_t)offset,
			 (const char *)msg);
}

/* Classifies one stripped, non-empty line into e (e->text unset). 1: an
 * entry, 0: skipped (warning), -1: error (err filled). */
static int parse_entry(struct gs_whitelist *wl, const char *s,
		       struct gs_entry *e, const char *path, unsigned lineno,
		       char *err, size_t errlen)
{
	size_t len = strlen(s);
	unsigned groups;
	bool has_prefix;

	if (len >= 3 && s[0] == '/' && s[len - 1] == '/' &&
	    !gs_listfile_has_space(s)) {
		e->kind = GS_ENTRY_REGEX;
		if (compile_regex(s + 1, len - 2, &e->re, path, lineno, err,
				  errlen) < 0)
			return -1;
		return 1;
	}
	groups = gs_wl_ipv4_shape(s, &has_prefix);
	if (groups != 0) {
		e->kind = GS_ENTRY_NET;
		if (gs_wl_parse_ipv4(s, groups, has_prefix, &e->net,
				     &e->prefix))
			return 1;
		warn_skipped(wl, path, lineno, "not a valid IPv4 address");
		return 0;
	}
	if (gs_wl_ipv6_shape(s)) {
		e->kind = GS_ENTRY_NET;
		if (gs_wl_parse_ipv6(s, &e->net, &e->prefix))
			return 1;
		warn_skipped(wl, path, lineno, "not a valid IPv6 address");
		return 0;
	}
	if (gs_listfile_has_space(s)) {
		warn_skipped(wl, path, lineno, "doesn't look like a hostname");
		return 0;
	}
	e->kind = GS_ENTRY_NAME;
	return 1;
}

/* What gs_whitelist_load passes to add_line for each line. */
struct load_ctx {
	struct gs_whitelist *wl;
	const char *path; /* as given, for messages */
	const char *file; /* the list's copy, for the entries */
};

/* One stripped line of a whitelist file: an entry, or a skipped line. */
static int add_line(void *arg, char *s, unsigned lineno, char *err,
		    size_t errlen)
{
	struct load_ctx *ctx = arg;
	struct gs_entry e;
	int got;

	memset(&e, 0, sizeof(e));
	got = parse_entry(ctx->wl, s, &e, ctx->path, lineno, err, errlen);
	if (got <= 0)
		return got;
	e.file = ctx->file;
	e.line = lineno;
	e.text = strdup(s);
	if (e.text == NULL || gs_entries_add(&ctx->wl->list, &e) < 0) {
		if (e.text == NULL)
			pcre2_code_free(e.re);
		return gs_seterr(err, errlen, "%s:%u: out of memory", ctx->path,
				 lineno);
	}
	return 0;
}

/* postgrey's rule: a missing whitelist_clients.local is fine. */
static bool missing_ok(const char *path)
{
	size_t len = strlen(path);

	return len >= 6 && strcmp(path + len - 6, ".local") == 0;
}

int gs_whitelist_load(struct gs_whitelist *wl, const char *path, char *err,
		      size_t errlen)
{
	struct load_ctx ctx = {wl, path, NULL};

	if (wl == NULL || path == NULL)
		return gs_seterr(err, errlen, "no whitelist or no path");
	ctx.file = gs_entries_add_file(&wl->list, path);
	if (ctx.file == NULL)
		return gs_seterr(err, errlen, "%s: out of memory", path);
	return gs_listfile_read(path, missing_ok(path), add_line, &ctx, err,
				errlen);
}

struct gs_whitelist *gs_whitelist_load_default(const char *const *paths,
					       size_t n, char *err,
					       size_t errlen)
{
	static const char *const defaults[] = {GS_POSTGREY_WHITELIST,
					       GS_POSTGREY_WHITELIST_LOCAL};
	struct gs_whitelist *wl;
	size_t i;

	if (paths == NULL || n == 0) {
		paths = defaults;
		n = sizeof(defaults) / sizeof(defaults[0]);
	}
	wl = gs_whitelist_new();
	if (wl == NULL) {
		gs_seterr(err, errlen, "out of memory for the whitelist");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (gs_whitelist_load(wl, paths[i], err, errlen) < 0) {
			gs_whitelist_free(wl);
			return NULL;
		}
	}
	return wl;
}

size_t gs_whitelist_count(const struct gs_whitelist *wl)
{
	return wl ? wl->list.n : 0;
}

size_t gs_whitelist_warnings(const struct gs_whitelist *wl)
{
	return wl ? wl->warnings : 0;
}

const char *gs_whitelist_first_warning(const struct gs_whitelist *wl)
{
	return wl ? wl->first_warning : "";
}

size_t gs_whitelist_match_failures(const struct gs_whitelist *wl,
				   struct gs_wl_hit *first)
{
	size_t n, at;

	if (wl == NULL)
		return 0;
	n = atomic_load(&wl->failures->count);
	at = atomic_load(&wl->failures->first);
	if (n > 0 && at > 0 && first != NULL)
		gs_entry_hit(&wl->list.e[at - 1], first);
	return n;
}

/* A regex that gave up counts as no match (the client would not be taken
 * for whitelisted) and is remembered for gs_whitelist_match_failures(). */
static bool regex_entry_matches(const struct gs_whitelist *wl, size_t i,
				const char *name)
{
	size_t none = 0;
	int rc;

	rc = regex_matches(wl->list.e[i].re, wl->mctx, name);
	if (rc >= 0)
		return rc == 1;
	atomic_fetch_add(&wl->failures->count, 1);
	atomic_compare_exchange_strong(&wl->failures->first, &none, i + 1);
	return false;
}

/* Matches name against the name entries, and the regex entries too when
 * with_regex. */
static bool match_name(const struct gs_whitelist *wl, const char *name,
		       bool with_regex, struct gs_wl_hit *hit)
{
	const struct gs_entry *e;
	size_t i;
	bool m;

	if (wl == NULL || name == NULL)
		return false;
	for (i = 0; i < wl->list.n; i++) {
		e = &wl->list.e[i];
		if (e->kind == GS_ENTRY_NAME)
			m = gs_entry_name_matches(e->text, name);
		else if (e->kind == GS_ENTRY_REGEX && with_regex)
			m = regex_entry_matches(wl, i, name);
		else
			continue;
		if (m) {
			gs_entry_hit(e, hit);
			return true;
		}
	}
	return false;
}

bool gs_whitelist_match_name(const struct gs_whitelist *wl, const char *name,
			     struct gs_wl_hit *hit)
{
	return match_name(wl, name, true, hit);
}

bool gs_whitelist_match_net(const struct gs_whitelist *wl,
			    const struct gs_addr *net, unsigned prefix_len,
			    struct gs_wl_hit *hit)
{
	const struct gs_entry *e;
	struct gs_addr n6;
	unsigned p6;
	size_t i;

	if (wl == NULL || net == NULL)
		return false;
	if ((net->family != AF_INET || prefix_len > 32) &&
	    (net->family != AF_INET6 || prefix_len > 128))
		return false;
	gs_wl_to_v6_net(net, prefix_len, &n6, &p6);
	for (i = 0; i < wl->list.n; i++) {
		e = &wl->list.e[i];
		if (e->kind != GS_ENTRY_NET || e->prefix > p6)
			continue;
		if (gs_addr_in(&n6, &e->net, e->prefix)) {
			gs_entry_hit(e, hit);
			return true;
		}
	}
	return false;
}

bool gs_whitelist_covers(const struct gs_whitelist *wl,
			 const struct gs_group_stats *g, struct gs_wl_hit *hit)
{
	struct gs_addr net;
	unsigned plen;
	size_t i, n;

	if (wl == NULL || g == NULL || g->domain == NULL)
		return false;
	if (g->kind == GS_KIND_NETWORK) {
		if (gs_network_group_parse(g->domain, &net, &plen) &&
		    gs_whitelist_match_net(wl, &net, plen, hit))
			return true;
	} else if (match_name(wl, g->domain, false, hit)) {
		/* A name entry covers the domain's clients; a regex is
		 * tested against client names only, as postgrey does. */
		return true;
	}
	n = g->n_examples < GS_MAX_EXAMPLES ? g->n_examples : GS_MAX_EXAMPLES;
	if (n == 0)
		return false;
	for (i = 0; i < n; i++)
		if (!gs_whitelist_match_name(wl, g->examples[i],
					     i == 0 ? hit : NULL))
			return false;
	return true;
}
