/* The host-name clues of dynamic or access network space, and what makes
 * a name one postgrey reads as a name entry: see hostclues.h. */
#include "gs_config.h"

#include "advice/hostclues.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/sanitize.h"

/* Words (runs of letters) in host names of access networks. */
static const char *const dynamic_words[] = {
    "dynamic",	 "dyn",	  "dynip",	 "dip",	     "dsl",    "adsl",
    "vdsl",	 "xdsl",  "sdsl",	 "pool",     "ppp",    "pppoe",
    "dhcp",	 "cable", "cust",	 "customer", "client", "clients",
    "broadband", "dial",  "dialup",	 "dialin",   "ftth",   "fttb",
    "fttc",	 "fttx",  "residential", "resnet",   "cpe",
};

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

/* A name postgrey reads as a name entry: letters, digits, '-', '.', '_' or
 * UTF-8 bytes, at least one that is not a digit or a dot (else it would be
 * an address entry). */
bool gs_is_plain_host_name(const char *s)
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
