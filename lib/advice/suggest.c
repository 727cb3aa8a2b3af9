#include "advice/suggest.h"

#include <errno.h>
#include <libpsl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/duration.h"
#include "base/error.h"
#include "base/sanitize.h"

#define TIME_TEXT_MAX 32 /* bytes of "2026-11-27 19:00 UTC" and more */

/* Words (runs of letters) in host names of access networks. */
static const char *const dynamic_words[] = {
    "dynamic",	 "dyn",	  "dynip",	 "dip",	     "dsl",    "adsl",
    "vdsl",	 "xdsl",  "sdsl",	 "pool",     "ppp",    "pppoe",
    "dhcp",	 "cable", "cust",	 "customer", "client", "clients",
    "broadband", "dial",  "dialup",	 "dialin",   "ftth",   "fttb",
    "fttc",	 "fttx",  "residential", "resnet",   "cpe",
};

void gs_suggest_opts_default(struct gs_suggest_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->threshold = GS_DEFAULT_THRESHOLD;
}

/* ---- dynamic space heuristics ---- */

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Reads a number of 1..3 digits not preceded (checked by the caller) nor
 * followed by another digit, of value 0..255. */
static bool octet_at(const char *s, size_t *len)
{
	size_t n = 0;
	unsigned v = 0;

	while (n < 4 && is_digit((unsigned char)s[n]))
		v = v * 10 + (unsigned)(s[n++] - '0');
	if (n == 0 || n > 3 || v > 255)
		return false;
	*len = n;
	return true;
}

/* Four octets joined by single '-', '.' or '_' somewhere in name. */
static bool embeds_ipv4(const char *name)
{
	const char *p, *q;
	size_t len;
	int k;

	for (p = name; *p != '\0'; p++) {
		if (!is_digit((unsigned char)*p) ||
		    (p > name && is_digit((unsigned char)p[-1])))
			continue;
		q = p;
		for (k = 0; k < 4; k++) {
			if (!octet_at(q, &len))
				break;
			q += len;
			if (k < 3) {
				if (*q != '-' && *q != '.' && *q != '_')
					break;
				q++;
			}
		}
		if (k == 4)
			return true;
	}
	return false;
}

static bool word_is_dynamic(const char *w, size_t len, const char *next)
{
	char lower[16];
	size_t i;

	if (len >= sizeof(lower))
		return false;
	for (i = 0; i < len; i++)
		lower[i] = (char)(w[i] | 0x20); /* letters only: ASCII lower */
	lower[len] = '\0';
	for (i = 0; i < sizeof(dynamic_words) / sizeof(dynamic_words[0]); i++)
		if (strcmp(lower, dynamic_words[i]) == 0)
			return true;
	/* static-ip, staticip, static.ip: "static" alone is also used for
	 * servers, so it needs the "ip" that follows */
	if (strcmp(lower, "staticip") == 0)
		return true;
	if (strcmp(lower, "static") == 0 && next != NULL &&
	    (next[0] | 0x20) == 'i' && (next[1] | 0x20) == 'p' &&
	    !is_alpha((unsigned char)next[2]))
		return true;
	return false;
}

/* The first access-network word in the first hostlen bytes of name, as
 * word/wordlen; false when there is none. */
static bool find_dynamic_word(const char *name, size_t hostlen,
			      const char **word, size_t *wordlen)
{
	size_t i = 0, start;
	const char *next;

	while (i < hostlen) {
		if (!is_alpha((unsigned char)name[i])) {
			i++;
			continue;
		}
		start = i;
		while (i < hostlen && is_alpha((unsigned char)name[i]))
			i++;
		/* the word after one separator, for static-ip */
		next = (i + 1 < hostlen && !is_alpha((unsigned char)name[i]))
			   ? name + i + 1
			   : NULL;
		if (next != NULL && (size_t)(next - name) + 2 > hostlen)
			next = NULL;
		if (word_is_dynamic(name + start, i - start, next)) {
			*word = name + start;
			*wordlen = i - start;
			return true;
		}
	}
	return false;
}

/* Length of the host part of name: without ".domain" at its end (compared
 * case-insensitively), or all of it. */
static size_t host_part_len(const char *name, const char *domain)
{
	size_t n = strlen(name), d = domain ? strlen(domain) : 0;

	if (d > 0 && n > d + 1 && name[n - d - 1] == '.' &&
	    strncasecmp(name + n - d, domain, d) == 0)
		return n - d - 1;
	if (d > 0 && n == d && strncasecmp(name, domain, d) == 0)
		return 0;
	return n;
}

static bool few_retries_many_addresses(const struct gs_group_stats *g,
				       uint64_t greylisted)
{
	uint64_t delayed = g->counts[GS_C_DELAYED];

	return greylisted >= GS_DYN_MIN_GREYLISTED &&
	       (uint64_t)g->client_addresses * 100 >=
		   greylisted * GS_DYN_ADDR_PCT &&
	       delayed * 100 < greylisted * GS_DYN_RETRY_PCT;
}

bool gs_suggest_is_dynamic(const struct gs_group_stats *g,
			   const char *registrable, char *reason,
			   size_t reasonlen)
{
	char clean[GS_GROUP_MAX];
	const char *word;
	size_t i, n, wordlen;
	uint64_t greylisted;

	if (g->kind == GS_KIND_NETWORK) {
		snprintf(reason, reasonlen,
			 "clients without usable reverse DNS (a network "
			 "group)");
		return true;
	}
	n = g->n_examples < GS_MAX_EXAMPLES ? g->n_examples : GS_MAX_EXAMPLES;
	for (i = 0; i < n; i++) {
		if (g->examples[i] == NULL || !embeds_ipv4(g->examples[i]))
			continue;
		gs_text_clean(g->examples[i], clean, sizeof(clean));
		snprintf(reason, reasonlen,
			 "host names embed the client address (%s)", clean);
		return true;
	}
	for (i = 0; i < n; i++) {
		if (g->examples[i] == NULL ||
		    !find_dynamic_word(
			g->examples[i],
			host_part_len(g->examples[i],
				      registrable ? registrable : g->domain),
			&word, &wordlen))
			continue;
		gs_text_clean(g->examples[i], clean, sizeof(clean));
		snprintf(reason, reasonlen,
			 "host names look like access network space ('%.*s' in "
			 "%s)",
			 (int)wordlen, word, clean);
		return true;
	}
	greylisted = g->counts[GS_C_NEW] + g->counts[GS_C_EARLY_RETRY];
	if (few_retries_many_addresses(g, greylisted)) {
		snprintf(reason, reasonlen,
			 "%u distinct addresses for %llu greylistings and only "
			 "%llu delayed passes: many hosts that rarely retry",
			 g->client_addresses, (unsigned long long)greylisted,
			 (unsigned long long)g->counts[GS_C_DELAYED]);
		return true;
	}
	return false;
}

/* ---- the entry to add ---- */

/* A name postgrey reads as a name entry: letters, digits, '-', '.', '_' or
 * UTF-8 bytes, at least one that is not a digit or a dot (else it would be
 * an address entry). */
static bool is_plain_host_name(const char *s)
{
	bool other = false;
	unsigned char c;

	if (*s == '\0' || *s == '.' || *s == '-')
		return false;
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (!(is_alpha(c) || is_digit(c) || c == '-' || c == '.' ||
		      c == '_' || c >= 0x80))
			return false;
		if (!is_digit(c) && c != '.')
			other = true;
	}
	return other;
}

/* Fills c->entry, or flags c with the reason there is none (heuristics 5
 * and 6). */
static void find_entry(const psl_ctx_t *psl, struct gs_candidate *c)
{
	char lower[GS_GROUP_MAX], clean[GS_GROUP_MAX];
	const char *domain = c->group->domain, *reg;
	size_t i;

	gs_text_clean(domain, clean, sizeof(clean));
	if (strlen(domain) >= sizeof(lower) || !is_plain_host_name(domain)) {
		c->flagged = true;
		snprintf(c->reason, sizeof(c->reason),
			 "'%s' is not a plain host name", clean);
		return;
	}
	for (i = 0; domain[i] != '\0'; i++)
		lower[i] = (domain[i] >= 'A' && domain[i] <= 'Z')
			       ? (char)(domain[i] + ('a' - 'A'))
			       : domain[i];
	lower[i] = '\0';
	reg = psl_registrable_domain(psl, lower);
	if (reg == NULL) {
		c->flagged = true;
		snprintf(c->reason, sizeof(c->reason),
			 "'%s' is a public suffix: an entry would cover every "
			 "domain under it",
			 clean);
		return;
	}
	snprintf(c->entry, sizeof(c->entry), "%s", reg);
}

/* ---- selection ---- */

static int cand_cmp(const void *pa, const void *pb)
{
	const struct gs_candidate *a = pa, *b = pb;
	uint64_t da, db;
	int c;

	if (a->greylisted != b->greylisted)
		return a->greylisted > b->greylisted ? -1 : 1;
	da = a->group->counts[GS_C_DELAYED];
	db = b->group->counts[GS_C_DELAYED];
	if (da != db)
		return da > db ? -1 : 1;
	c = strcmp(a->group->domain, b->group->domain);
	if (c != 0)
		return c;
	return (int)a->group->kind - (int)b->group->kind;
}

static void classify(const psl_ctx_t *psl, const struct gs_whitelist *wl,
		     const struct gs_ignore *ig,
		     const struct gs_suggest_opts *o, struct gs_candidate *c)
{
	const struct gs_group_stats *g = c->group;

	if (g->kind == GS_KIND_NAME)
		find_entry(psl, c);
	if (!c->flagged &&
	    gs_suggest_is_dynamic(g, c->entry[0] ? c->entry : NULL, c->reason,
				  sizeof(c->reason)))
		c->flagged = true;
	if (c->flagged) {
		c->entry[0] = '\0';
	} else {
		c->reason[0] = '\0';
	}
	if (gs_whitelist_covers(wl, g, &c->hit))
		c->state = GS_CAND_COVERED;
	else if (gs_ignore_match(ig, g->domain, &c->hit))
		c->state = GS_CAND_IGNORED;
	else if (c->flagged && o->exclude_dynamic)
		c->state = GS_CAND_EXCLUDED;
	else
		c->state = GS_CAND_CANDIDATE;
}

int gs_candidates_select(const struct gs_summary *s,
			 const struct gs_whitelist *wl,
			 const struct gs_ignore *ig,
			 const struct gs_suggest_opts *o,
			 struct gs_candidates *out, char *err, size_t errlen)
{
	struct gs_suggest_opts defaults;
	const struct gs_group_stats *g;
	struct gs_candidate *c;
	psl_ctx_t *psl = NULL;
	uint64_t greylisted;
	size_t i;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (o == NULL) {
		gs_suggest_opts_default(&defaults);
		o = &defaults;
	}
	if (s == NULL || s->n_groups == 0)
		return 0;
	psl = psl_latest(NULL);
	if (psl == NULL)
		return gs_seterr(err, errlen,
				 "libpsl has no public suffix list");
	out->items = calloc(s->n_groups, sizeof(*out->items));
	if (out->items == NULL) {
		gs_seterr(err, errlen, "out of memory for %zu groups",
			  s->n_groups);
		goto out;
	}
	for (i = 0; i < s->n_groups; i++) {
		g = &s->groups[i];
		greylisted = g->counts[GS_C_NEW] + g->counts[GS_C_EARLY_RETRY];
		if (g->domain == NULL || greylisted < o->threshold)
			continue;
		c = &out->items[out->n_items++];
		c->group = g;
		c->greylisted = greylisted;
		classify(psl, wl, ig, o, c);
		if (c->state == GS_CAND_CANDIDATE)
			out->n_candidates++;
	}
	qsort(out->items, out->n_items, sizeof(*out->items), cand_cmp);
	rc = 0;
out:
	psl_free(psl);
	if (rc < 0)
		gs_candidates_free(out);
	return rc;
}

void gs_candidates_free(struct gs_candidates *c)
{
	if (c == NULL)
		return;
	free(c->items);
	memset(c, 0, sizeof(*c));
}

/* ---- gs_suggest_write ---- */

static void format_time(time_t t, char *out, size_t outlen)
{
	struct tm tm;

	if (t <= 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(out, outlen, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(out, outlen, "unknown");
}

static void format_date(time_t t, char *out, size_t outlen)
{
	struct tm tm;

	if (t <= 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(out, outlen, "%Y-%m-%d", &tm) == 0)
		snprintf(out, outlen, "unknown");
}

static void write_header(FILE *out, const struct gs_summary *s,
			 const struct gs_candidates *cs,
			 const struct gs_suggest_opts *o)
{
	char gen[TIME_TEXT_MAX], ws[TIME_TEXT_MAX], we[TIME_TEXT_MAX];

	format_time(s->generated, gen, sizeof(gen));
	format_time(s->window_start, ws, sizeof(ws));
	format_time(s->window_end, we, sizeof(we));
	fprintf(out,
		"# greyscan suggest: %zu group(s) greylisted at least %llu "
		"times,\n"
		"# neither whitelisted nor ignored.\n"
		"# Summary generated %s, window %s .. %s.\n"
		"# Append the entries to %s, then reload postgrey.\n",
		cs->n_candidates, (unsigned long long)o->threshold, gen, ws, we,
		GS_POSTGREY_WHITELIST_LOCAL);
}

static const char *pl(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* The statistics comment lines of one group. */
static void write_stats(FILE *out, const struct gs_candidate *c)
{
	const struct gs_group_stats *g = c->group;
	uint64_t delayed = g->counts[GS_C_DELAYED];
	char med[32], max[32], first[TIME_TEXT_MAX], last[TIME_TEXT_MAX];
	char ex[GS_GROUP_MAX];

	fprintf(out, "#   %llu greylisted (%llu new, %llu early %s), ",
		(unsigned long long)c->greylisted,
		(unsigned long long)g->counts[GS_C_NEW],
		(unsigned long long)g->counts[GS_C_EARLY_RETRY],
		pl(g->counts[GS_C_EARLY_RETRY], "retry", "retries"));
	if (delayed == 0) {
		fprintf(out, "no delayed pass\n");
	} else {
		gs_format_duration(g->delay_median_s, med, sizeof(med));
		gs_format_duration(g->delay_max_s, max, sizeof(max));
		fprintf(out, "%llu delayed %s (median %s, max %s)\n",
			(unsigned long long)delayed,
			pl(delayed, "pass", "passes"), med, max);
	}
	format_time(g->first_seen, first, sizeof(first));
	format_time(g->last_seen, last, sizeof(last));
	fprintf(out, "#   %u %s in %u %s, seen %s .. %s", g->client_addresses,
		pl(g->client_addresses, "address", "addresses"), g->networks,
		pl(g->networks, "network", "networks"), first, last);
	if (g->n_examples > 0 && g->examples[0] != NULL) {
		gs_text_clean(g->examples[0], ex, sizeof(ex));
		fprintf(out, ", e.g. %s", ex);
	}
	fputc('\n', out);
}

static bool entry_written_before(const struct gs_candidates *cs, size_t upto)
{
	size_t i;

	for (i = 0; i < upto; i++)
		if (cs->items[i].state == GS_CAND_CANDIDATE &&
		    !cs->items[i].flagged &&
		    strcmp(cs->items[i].entry, cs->items[upto].entry) == 0)
			return true;
	return false;
}

int gs_suggest_write(FILE *out, const struct gs_summary *s,
		     const struct gs_whitelist *wl, const struct gs_ignore *ig,
		     const struct gs_suggest_opts *o, time_t now, char *err,
		     size_t errlen)
{
	struct gs_suggest_opts defaults;
	struct gs_candidates cs;
	const struct gs_candidate *c;
	char today[TIME_TEXT_MAX], name[GS_GROUP_MAX];
	const char *ignore_file;
	size_t i;
	int written = 0;

	if (o == NULL) {
		gs_suggest_opts_default(&defaults);
		o = &defaults;
	}
	ignore_file = o->ignore_file ? o->ignore_file : GS_DEFAULT_IGNORE_FILE;
	if (gs_candidates_select(s, wl, ig, o, &cs, err, errlen) < 0)
		return -1;
	format_date(now, today, sizeof(today));
	write_header(out, s, &cs, o);
	for (i = 0; i < cs.n_items; i++) {
		c = &cs.items[i];
		if (c->state != GS_CAND_CANDIDATE &&
		    c->state != GS_CAND_EXCLUDED)
			continue;
		gs_text_clean(c->group->domain, name, sizeof(name));
		fputc('\n', out);
		if (c->flagged) {
			fprintf(out, "# do not whitelist %s: %s\n", name,
				c->reason);
			write_stats(out, c);
			fprintf(out,
				"#   to silence check_greyscan, add %s to %s\n",
				name, ignore_file);
			continue;
		}
		fprintf(out, "# %s, suggested by greyscan on %s:\n", name,
			today);
		write_stats(out, c);
		if (entry_written_before(&cs, i)) {
			fprintf(out, "#   (covered by %s above)\n", c->entry);
			continue;
		}
		fprintf(out, "%s\n", c->entry);
		written++;
	}
	gs_candidates_free(&cs);
	if (fflush(out) != 0 || ferror(out))
		return gs_seterr(err, errlen, "writing suggestions: %s",
				 strerror(errno));
	return written;
}
