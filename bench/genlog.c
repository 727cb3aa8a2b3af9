/* genlog: writes a synthetic but realistic mail.log of a Postfix MX running
 * postgrey, for the benchmarks and the bundled demo log.
 *
 * The simulation follows mails, not lines. Each mail is sent by one kind of
 * client and produces the Postfix smtpd/cleanup/qmgr/smtp lines and the
 * postgrey decision lines a real MX logs for it:
 *   - big senders with server pools spread over many /24s (outlook.com,
 *     amazonses.com, sendgrid.net, mailchimp, mailgun, salesforce, ...)
 *     retry from another server each time, so postgrey, which keys on the
 *     /24, greylists them again and again until a retry happens to come from
 *     a /24 it saw at least --delay seconds before;
 *   - ordinary senders retry from the same address and pass with delay=,
 *     some after an early retry;
 *   - known correspondents pass (triplet found, or client AWL);
 *   - whitelisted clients and whitelisted recipients pass;
 *   - spam from dynamic address space tries once and never retries;
 *   - other rejects (DNSBL) and noise never reach postgrey.
 * postgrey's triplet database is simulated per mail (which /24 was first seen
 * when), so delay= and early-retry's "Ns missing" are consistent with the
 * lines' own timestamps.
 *
 * --diverse makes the client names repeat less, as big pools and botnets do
 * in real logs: about 40% of the postgrey lines' client names are distinct
 * in 2,000,000 lines, against about 20% by default. Pools rotate over more
 * networks and give every server its own name, and more of the mail is
 * spam from a botnet, sent over more connections, with fewer clients
 * without a reverse name. It only adds draws in its own branches, so the
 * default output stays the same for the same options.
 *
 * All addresses are from private, shared or documentation ranges and all
 * names under .example or are the big senders' public naming patterns: the
 * text is never contacted. Output is deterministic for a given seed and
 * options: a pseudo-random generator of its own, a heap ordered by time and
 * a sequence number. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/number.h"

#define GENLOG_VERSION "0.1.0"

#define DEFAULT_LINES	  10000
#define DEFAULT_SEED	  1
#define DEFAULT_START	  "2026-11-20T00:00:00"
#define DEFAULT_GAP_MS	  250  /* mean gap between lines */
#define GREYLIST_DELAY_S  300  /* postgrey's default --delay */
#define MAX_RCPT	  4    /* recipients of one mail */
#define MAX_NETS	  24   /* /24s one mail remembers (postgrey's DB) */
#define LINE_MAX_BYTES	  1024 /* one generated log line */
#define US_PER_S	  1000000LL
#define LINES_PER_ARRIVAL 14.5 /* observed mean, retries included */
#define FLOOD_GAP_US	  2000 /* flood mode: 500 lines a second */
#define OUT_BUFFER_BYTES  (1u << 20)
#define POOL_V6_NETS	  16 /* /64s of a pool's IPv6 servers */
#define DIVERSE_SPREAD	  8  /* --diverse: pools over 8x the networks */

#define PRI_MAIL_INFO	 22
#define PRI_MAIL_NOTICE	 21
#define PRI_MAIL_WARNING 20

enum format {
	FMT_TRADITIONAL, /* "Nov 27 18:43:14 mx1 prog[pid]: msg" */
	FMT_RFC3339,	 /* RSYSLOG_FileFormat */
	FMT_SYSLOG, /* "<PRI>" + traditional: an RFC 3164 message on the wire */
};

struct options {
	unsigned long lines;
	uint64_t seed;
	int64_t start_us;
	unsigned long gap_ms;
	char **hosts;
	size_t n_hosts;
	enum format format;
	bool flood;
	unsigned long flood_domains; /* 0: a new domain on every line */
	bool diverse; /* --diverse: about twice the distinct client names */
	const char *output;
};

/* ---- pseudo-random numbers (splitmix64) -------------------------------- */

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n); n > 0. The bias of the modulo is negligible here. */
static uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(rng_next(r) % n);
}

static uint32_t rng_range(struct rng *r, uint32_t lo, uint32_t hi)
{
	return lo + rng_below(r, hi - lo + 1);
}

/* Uniform in [0, 1). */
static double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static bool rng_chance(struct rng *r, double p)
{
	return rng_unit(r) < p;
}

/* Exponentially distributed with the given mean (Poisson arrivals). The
 * logarithm is computed here with a short series rather than libm's log(),
 * so that the output does not depend on the libm version. */
static double rng_exp(struct rng *r, double mean)
{
	double u = 1.0 - rng_unit(r); /* (0, 1] */
	double x = 0.0;

	/* -ln(u) via ln(u) = 2 atanh((u-1)/(u+1)), after scaling u into
	 * [0.5, 1] by powers of two. */
	while (u < 0.5) {
		u *= 2.0;
		x += 0.6931471805599453;
	}
	double t = (u - 1.0) / (u + 1.0), t2 = t * t, term = t, sum = 0.0;
	for (int k = 1; k < 40; k += 2) {
		sum += term / k;
		term *= t2;
	}
	return (x - 2.0 * sum) * mean;
}

/* Out of memory. The generator holds only bounded state (pending lines
 * and retries); when even that cannot be allocated there is nothing useful
 * to unwind to, so this is the one place outside main() that exits. */
static void nomem(const char *what)
{
	err(1, "out of memory (%s)", what);
}

/* ---- words for names -------------------------------------------------- */

static const char *const first_names[] = {
    "alice",  "bob",	"carol",  "dave",   "erin",  "frank",	"grace",
    "heidi",  "ivan",	"judy",	  "karl",   "laura", "mallory", "nina",
    "oscar",  "peggy",	"quinn",  "rupert", "sybil", "trent",	"ursula",
    "victor", "wendy",	"xavier", "yvonne", "zoe",   "anna",	"ben",
    "clara",  "daniel", "eva",	  "felix",
};
#define N_FIRST (sizeof(first_names) / sizeof(first_names[0]))

static const char *const words[] = {
    "acme",    "alpine", "amber",  "apex",   "atlas",  "beacon",  "birch",
    "bright",  "cedar",	 "cobalt", "coral",  "crest",  "delta",	  "ember",
    "falcon",  "fjord",	 "garnet", "harbor", "indigo", "juniper", "kestrel",
    "lumen",   "maple",	 "meadow", "nimbus", "north",  "onyx",	  "orchid",
    "pioneer", "quartz", "raven",  "river",  "sable",  "summit",  "tandem",
    "tidal",   "umber",	 "vertex", "willow", "zenith",
};
#define N_WORDS (sizeof(words) / sizeof(words[0]))

static const char *const trades[] = {
    "shop",   "bank",	"travel", "news",  "media", "labs",  "store", "health",
    "energy", "school", "club",	  "press", "hotel", "games", "tools", "farm",
};
#define N_TRADES (sizeof(trades) / sizeof(trades[0]))

/* The simulated site's own domains and mailboxes. */
static const char *const local_domains[] = {"example.net", "lists.example.net",
					    "example.org"};
#define N_LOCAL_DOMAINS (sizeof(local_domains) / sizeof(local_domains[0]))
#define N_LOCAL_USERS	400

/* ---- addresses -------------------------------------------------------- */

struct ip {
	bool v6;
	uint8_t b[16];
};

static void ip4(struct ip *ip, unsigned a, unsigned b, unsigned c, unsigned d)
{
	memset(ip, 0, sizeof(*ip));
	ip->b[0] = (uint8_t)a;
	ip->b[1] = (uint8_t)b;
	ip->b[2] = (uint8_t)c;
	ip->b[3] = (uint8_t)d;
}

/* 2001:db8:P:N::H, a documentation address: P picks the sender, N its /64. */
static void ip6(struct ip *ip, unsigned p, unsigned n, unsigned h)
{
	memset(ip, 0, sizeof(*ip));
	ip->v6 = true;
	ip->b[0] = 0x20;
	ip->b[1] = 0x01;
	ip->b[2] = 0x0d;
	ip->b[3] = 0xb8;
	ip->b[4] = (uint8_t)(p >> 8);
	ip->b[5] = (uint8_t)p;
	ip->b[6] = (uint8_t)(n >> 8);
	ip->b[7] = (uint8_t)n;
	ip->b[14] = (uint8_t)(h >> 8);
	ip->b[15] = (uint8_t)h;
}

/* postgrey's key: the /24 or the /64, as one number. */
static uint64_t ip_net(const struct ip *ip)
{
	uint64_t n = 0;

	if (!ip->v6)
		return ((uint64_t)ip->b[0] << 16) | ((uint64_t)ip->b[1] << 8) |
		       ip->b[2];
	for (int i = 0; i < 8; i++)
		n = (n << 8) | ip->b[i];
	return n | (1ULL << 63);
}

/* Text as Postfix prints it: dotted quad, or compressed lower-case IPv6
 * (the only zero run in these addresses is words 4-6). */
static void ip_text(const struct ip *ip, char *out, size_t outlen)
{
	if (!ip->v6) {
		snprintf(out, outlen, "%u.%u.%u.%u", ip->b[0], ip->b[1],
			 ip->b[2], ip->b[3]);
		return;
	}
	unsigned w[8];
	for (int i = 0; i < 8; i++)
		w[i] = ((unsigned)ip->b[2 * i] << 8) | ip->b[2 * i + 1];
	if (w[2] == 0 && w[3] == 0)
		snprintf(out, outlen, "%x:%x::%x", w[0], w[1], w[7]);
	else if (w[3] == 0)
		snprintf(out, outlen, "%x:%x:%x::%x", w[0], w[1], w[2], w[7]);
	else
		snprintf(out, outlen, "%x:%x:%x:%x::%x", w[0], w[1], w[2], w[3],
			 w[7]);
}

/* ---- big senders with pools ------------------------------------------- */

enum pool_kind {
	POOL_OUTLOOK,
	POOL_SES,
	POOL_SENDGRID,
	POOL_MAILCHIMP,
	POOL_MAILGUN,
	POOL_SALESFORCE,
	POOL_MIMECAST,
	POOL_SPARKPOST,
	POOL_GOOGLE, /* whitelisted at the simulated site */
	POOL_GITHUB, /* whitelisted at the simulated site */
};

struct pool {
	enum pool_kind kind;
	unsigned weight;   /* share of the pooled mails */
	unsigned a, b, c0; /* IPv4 networks a.b.c0 ... a.b.(c0+nets-1) */
	unsigned nets;
	unsigned v6_prefix; /* 2001:db8:P::/48 for IPv6 servers, 0: none */
	unsigned v6_percent;
	unsigned first_gap_s, max_gap_s; /* retry schedule */
	unsigned max_attempts;
	bool whitelisted;
};

static const struct pool pools[] = {
    {POOL_OUTLOOK, 30, 10, 107, 0, 96, 0xa00, 10, 60, 3600, 30, false},
    {POOL_SES, 16, 10, 54, 0, 64, 0, 0, 90, 3600, 30, false},
    {POOL_SENDGRID, 12, 172, 18, 0, 48, 0, 0, 120, 3600, 30, false},
    {POOL_MAILCHIMP, 10, 172, 19, 0, 40, 0, 0, 120, 3600, 30, false},
    {POOL_MAILGUN, 7, 172, 20, 0, 16, 0, 0, 180, 3600, 30, false},
    {POOL_SALESFORCE, 6, 172, 21, 0, 24, 0, 0, 300, 3600, 30, false},
    {POOL_MIMECAST, 5, 172, 22, 0, 12, 0, 0, 240, 3600, 30, false},
    {POOL_SPARKPOST, 4, 172, 23, 0, 20, 0, 0, 120, 3600, 30, false},
    {POOL_GOOGLE, 30, 172, 16, 0, 64, 0x4860, 30, 60, 3600, 30, true},
    {POOL_GITHUB, 3, 10, 30, 0, 8, 0, 0, 60, 3600, 30, true},
};
#define N_POOLS (sizeof(pools) / sizeof(pools[0]))

static const char *const outlook_sites[] = {
    "db8eur05", "am6eur05", "vi1eur04", "he1eur02", "eur01", "eur02",
    "bn8nam12", "co1nam11", "dm6nam10", "nam11",    "apc01", "ind01",
};
static const char *const ses_regions[] = {"", "eu-west-1.", "us-west-2.",
					  "eu-central-1.", "us-east-2."};
static const char *const google_prefixes[] = {"wr1", "wm1", "lf1", "ej1",
					      "pj1", "qt1", "ed1", "yb1"};
static const char *const chimp_sites[] = {"atl", "sea", "wdc", "dal"};
static const char *const chimp_domains[] = {"mcdlv.net", "mcsv.net",
					    "rsgsv.net"};
static const char *const mimecast_sites[] = {"eu", "us", "uk", "de"};

/* v modulo n; with diverse, v itself: the names of a pool's servers fold
 * onto a few thousand by default, and are all distinct with --diverse. */
static unsigned fold(unsigned v, unsigned n, bool diverse)
{
	return diverse ? v : v % n;
}

/* A pool server's reverse DNS name: a function of its address only, as a
 * real PTR is. */
static void pool_name(const struct pool *p, const struct ip *ip, bool diverse,
		      char *out, size_t outlen)
{
	unsigned c = ip->v6 ? ip->b[7] : ip->b[2];
	unsigned h = ip->v6 ? ip->b[15] : ip->b[3];
	unsigned mix = c * 251 + h;
	char sendgrid_tag[8];

	switch (p->kind) {
	case POOL_OUTLOOK:
		snprintf(
		    out, outlen, "mail-%son%u.outbound.protection.outlook.com",
		    outlook_sites[c % 12], 2000 + fold(mix, 8000, diverse));
		break;
	case POOL_SES:
		snprintf(out, outlen, "%c%u-%u.smtp-out.%samazonses.com",
			 "abe"[c % 3], c + 7, h, ses_regions[c % 5]);
		break;
	case POOL_SENDGRID:
		if (c % 3 == 0) {
			for (int i = 0; i < 7; i++)
				sendgrid_tag[i] =
				    (char)('a' + (mix * (i + 3) + i) % 26);
			sendgrid_tag[7] = '\0';
			snprintf(out, outlen, "%s.outbound-mail.sendgrid.net",
				 sendgrid_tag);
		} else {
			snprintf(out, outlen, "o%u.ptr%u.sendgrid.net",
				 1 + h % 30, 1000 + fold(mix, 9000, diverse));
		}
		break;
	case POOL_MAILCHIMP:
		snprintf(out, outlen, "mail%u.%s%u.%s", 1 + h % 250,
			 chimp_sites[c % 4], 10 + c, chimp_domains[c % 3]);
		break;
	case POOL_MAILGUN:
		if (c % 2)
			snprintf(out, outlen, "m%u-%u.mailgun.net", 40 + c, h);
		else
			snprintf(out, outlen, "so254-%u.mailgun.net", h);
		break;
	case POOL_SALESFORCE:
		snprintf(out, outlen, "smtp%02u-ia%u-sp%u.mta.salesforce.com",
			 fold(h, 20, diverse), 1 + c % 6, 1 + c % 3);
		break;
	case POOL_MIMECAST:
		snprintf(out, outlen, "%s-smtp-delivery-%u.mimecast.com",
			 mimecast_sites[c % 4], 100 + fold(mix, 200, diverse));
		break;
	case POOL_SPARKPOST:
		snprintf(out, outlen, "mta-%u-%u.sparkpostmail.com", c, h);
		break;
	case POOL_GOOGLE:
		if (ip->v6)
			snprintf(out, outlen, "mail-%s-x%x.google.com",
				 google_prefixes[c % 8], 0x20 + h % 0xd0);
		else
			snprintf(out, outlen, "mail-%s-f%u.google.com",
				 google_prefixes[c % 8], h % 200);
		break;
	case POOL_GITHUB:
		snprintf(out, outlen, "out-%u.smtp.github.com", 1 + mix % 30);
		break;
	}
}

/* Microsoft's servers greet with their site's name, the others with their
 * own. */
static const char *pool_helo(const struct pool *p, const char *name)
{
	if (p->kind == POOL_OUTLOOK)
		return "EUR05-DB8-obe.outbound.protection.outlook.com";
	return name;
}

/* ---- clients that are not pools --------------------------------------- */

#define N_ORDINARY 3000 /* small senders with one fixed server each */
#define N_DYN_ISPS 8

static const char *const dyn_isps[N_DYN_ISPS] = {
    "isp-a.example",	   "telco-b.example",  "cable-c.example",
    "dsl-d.example",	   "mobile-e.example", "fiber-f.example",
    "broadband-g.example", "net-h.example",
};

/* Ordinary sender number i: its domain, server name and address are fixed
 * functions of i. */
static void ordinary_domain(unsigned i, char *out, size_t outlen)
{
	static const char *const tlds[] = {"example", "example.co.uk", "test",
					   "example.com.au"};

	snprintf(out, outlen, "%s-%s%u.%s", words[i % N_WORDS],
		 trades[(i / N_WORDS) % N_TRADES], i % 97, tlds[i % 4]);
}

static void ordinary_client(unsigned i, struct ip *ip, char *name,
			    size_t namelen)
{
	char dom[96];

	ordinary_domain(i, dom, sizeof(dom));
	if (i % 10 == 3)
		ip6(ip, 0x100 + i / 256, i % 256, 0x25);
	else
		ip4(ip, 10, 200 + i / 4000, (i / 16) % 250, 1 + (i * 7) % 250);
	if (i % 20 == 7)
		snprintf(name, namelen, "unknown");
	else if (i % 5 == 1)
		snprintf(name, namelen, "mx%u.%s", 1 + i % 3, dom);
	else
		snprintf(name, namelen, "mail.%s", dom);
}

/* A spammer on a dynamic address: 100.64.0.0/10, shared address space.
 * With diverse (a botnet), 1 in 11 lacks a reverse name (form 1; by default
 * 2 in 7) and more carry one made of their address (forms 7 to 11). The
 * default's draws are kept exactly as they were, so that its output does
 * not change. */
static void dynamic_client(struct rng *r, bool diverse, struct ip *ip,
			   char *name, size_t namelen)
{
	unsigned a = 100, b = rng_range(r, 64, 127), c = rng_below(r, 256),
		 d = rng_range(r, 1, 254);
	const char *isp = dyn_isps[rng_below(r, N_DYN_ISPS)];
	unsigned form = diverse ? 1 + rng_below(r, 11) : rng_below(r, 7);

	ip4(ip, a, b, c, d);
	switch (form) {
	case 0:
	case 1:
		snprintf(name, namelen, "unknown");
		break;
	case 2:
		snprintf(name, namelen, "%u-%u-%u-%u.dynamic.%s", a, b, c, d,
			 isp);
		break;
	case 3:
		snprintf(name, namelen, "dsl-%u-%u-%u-%u.pool.%s", d, c, b, a,
			 isp);
		break;
	case 4:
		snprintf(name, namelen, "ppp-%u-%u-%u-%u.dyn.%s", a, b, c, d,
			 isp);
		break;
	case 5:
		snprintf(name, namelen, "host%u-%u.static.%s", c, d, isp);
		break;
	case 7:
	case 8:
		snprintf(name, namelen, "cpe-%u-%u-%u-%u.res.%s", a, b, c, d,
			 isp);
		break;
	case 9:
	case 10:
		snprintf(name, namelen, "ip%02x%02x%02x%02x.cust.%s", a, b, c,
			 d, isp);
		break;
	case 11:
		snprintf(name, namelen, "%u-%u-%u-%u.bb.%s", d, c, b, a, isp);
		break;
	default:
		snprintf(name, namelen, "%u.%u.%u.%u.pool.%s", d, c, b, a, isp);
		break;
	}
}

/* ---- mails in flight -------------------------------------------------- */

enum sender_kind {
	S_POOL,	    /* big sender with a pool (maybe whitelisted) */
	S_ORDINARY, /* retries from its one address */
	S_KNOWN,    /* triplet already passed: "triplet found" */
	S_AWL,	    /* client auto-whitelisted */
	S_PARTNER,  /* client whitelist by name or address */
	S_RCPT_WL,  /* to postmaster@/abuse@: recipient whitelist */
	S_SPAM,	    /* dynamic range, never retries */
	S_REJECTED, /* rejected before postgrey (DNSBL), or lost */
};

struct mail {
	enum sender_kind kind;
	const struct pool *pool;
	unsigned ordinary; /* index of the ordinary sender */
	unsigned host;	   /* the MX */
	char sender[192];  /* "" for a bounce */
	char rcpt[MAX_RCPT][96];
	unsigned n_rcpt;
	struct ip ip; /* current attempt's client */
	char name[128];
	unsigned attempts;
	unsigned next_gap_s;
	uint64_t nets[MAX_NETS]; /* postgrey's memory of this mail's triplets */
	int64_t first_us[MAX_NETS];
	unsigned n_nets;
};

/* ---- the time-ordered heap -------------------------------------------- */

struct item {
	int64_t t_us;
	uint64_t seq;
	struct mail *mail; /* non-NULL: an SMTP attempt to run */
	char *text;	   /* else: a line to print ("prog[pid]: msg") */
	unsigned host;
	int pri;
};

struct heap {
	struct item *v;
	size_t n, cap;
	uint64_t seq;
};

static bool item_before(const struct item *a, const struct item *b)
{
	return a->t_us < b->t_us || (a->t_us == b->t_us && a->seq < b->seq);
}

static void heap_push(struct heap *h, struct item it)
{
	size_t i;

	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 1024;
		h->v = realloc(h->v, h->cap * sizeof(*h->v));
		if (h->v == NULL)
			nomem("heap");
	}
	it.seq = h->seq++;
	i = h->n++;
	while (i > 0 && item_before(&it, &h->v[(i - 1) / 2])) {
		h->v[i] = h->v[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->v[i] = it;
}

static struct item heap_pop(struct heap *h)
{
	struct item top = h->v[0], last = h->v[--h->n];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && item_before(&h->v[c + 1], &h->v[c]))
			c++;
		if (!item_before(&h->v[c], &last))
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n > 0)
		h->v[i] = last;
	return top;
}

/* ---- the generator state ---------------------------------------------- */

struct gen {
	const struct options *opt;
	struct rng rng;
	struct heap heap;
	FILE *out;
	unsigned long written;
	unsigned long postgrey_lines;
	unsigned pool_weight_total;
	unsigned *qmgr_pid, *cleanup_pid, *postgrey_pid;
};

static void emit(struct gen *g, int64_t t_us, unsigned host, int pri,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Queues one line for time t_us on host. */
static void emit(struct gen *g, int64_t t_us, unsigned host, int pri,
		 const char *fmt, ...)
{
	char buf[LINE_MAX_BYTES];
	va_list ap;
	struct item it = {.t_us = t_us, .host = host, .pri = pri};

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	it.text = strdup(buf);
	if (it.text == NULL)
		nomem("line");
	heap_push(&g->heap, it);
}

static void queue_id(struct gen *g, char out[11])
{
	static const char hex[] = "0123456789ABCDEF";

	for (int i = 0; i < 10; i++)
		out[i] = hex[rng_below(&g->rng, 16)];
	out[10] = '\0';
}

static void local_rcpt(struct gen *g, char *out, size_t outlen)
{
	unsigned u = rng_below(&g->rng, N_LOCAL_USERS);
	const char *dom = local_domains[u % 7 == 0 ? 1 : (u % 5 == 0 ? 2 : 0)];

	if (u < N_FIRST * 4)
		snprintf(out, outlen, "%s%s%s@%s", first_names[u % N_FIRST],
			 u >= N_FIRST ? "." : "",
			 u >= N_FIRST ? words[u % N_WORDS] : "", dom);
	else
		snprintf(out, outlen, "u%04u@%s", u, dom);
}

/* A sender address for a mail from pool p to rcpt. */
static void pool_sender(struct gen *g, const struct pool *p, const char *rcpt,
			char *out, size_t outlen)
{
	struct rng *r = &g->rng;
	char local[64], cust[80];
	const char *at = strchr(rcpt, '@');
	size_t ll = at ? (size_t)(at - rcpt) : strlen(rcpt);

	snprintf(local, sizeof(local), "%.*s", (int)ll, rcpt);
	ordinary_domain(rng_below(r, 9000) + N_ORDINARY, cust, sizeof(cust));
	switch (p->kind) {
	case POOL_OUTLOOK:
		if (rng_chance(r, 0.05))
			out[0] = '\0';
		else
			snprintf(out, outlen, "%s.%s@%s",
				 first_names[rng_below(r, N_FIRST)],
				 words[rng_below(r, N_WORDS)], cust);
		break;
	case POOL_SES:
		snprintf(out, outlen,
			 "0102018c%08" PRIx32 "-%08" PRIx32 "-%04x-%04x-%04x-"
			 "%08" PRIx32 "%04x-000000@%samazonses.com",
			 (uint32_t)rng_next(r), (uint32_t)rng_next(r),
			 rng_below(r, 65536), rng_below(r, 65536),
			 rng_below(r, 65536), (uint32_t)rng_next(r),
			 rng_below(r, 65536), ses_regions[rng_below(r, 5)]);
		break;
	case POOL_SENDGRID:
		snprintf(out, outlen, "bounces+%u-%04x-%s=%s@em%u.%s",
			 rng_range(r, 100000, 9999999), rng_below(r, 65536),
			 local, at ? at + 1 : "example.net",
			 rng_range(r, 100, 9999), cust);
		break;
	case POOL_MAILCHIMP:
		snprintf(out, outlen,
			 "bounce-mc.us%u_%u.%u-%s=%s@mail%u.atl%u.mcsv.net",
			 rng_range(r, 1, 21), rng_range(r, 10000000, 99999999),
			 rng_range(r, 100000, 999999), local,
			 at ? at + 1 : "example.net", rng_range(r, 1, 250),
			 rng_range(r, 11, 61));
		break;
	case POOL_MAILGUN:
		snprintf(out, outlen, "bounce+%06x.%u-%s=%s@mg.%s",
			 rng_below(r, 0xffffff), rng_range(r, 1000, 99999),
			 local, at ? at + 1 : "example.net", cust);
		break;
	case POOL_SALESFORCE:
		snprintf(out, outlen,
			 "bounce-%u_HTML-%u-%u-%u-%u@bounce.s%u."
			 "exacttarget.com",
			 rng_range(r, 1, 99), rng_range(r, 1000000, 9999999),
			 rng_range(r, 10000, 99999),
			 rng_range(r, 1000000, 9999999), rng_range(r, 1, 99),
			 rng_range(r, 4, 12));
		break;
	case POOL_MIMECAST:
	case POOL_SPARKPOST:
		snprintf(out, outlen, "%s@%s",
			 rng_chance(r, 0.5) ? "noreply" : "info", cust);
		break;
	case POOL_GOOGLE:
		snprintf(out, outlen, "%s.%s%u@gmail.com",
			 first_names[rng_below(r, N_FIRST)],
			 words[rng_below(r, N_WORDS)], rng_below(r, 100));
		break;
	case POOL_GITHUB:
		snprintf(out, outlen, "notifications@github.com");
		break;
	}
}

/* An ordinary sender's address; rarely one of the forms postgrey logs
 * unescaped (quoted local part with ", ", a % that it doubles, UTF-8). */
static void ordinary_sender(struct gen *g, unsigned i, char *out, size_t outlen)
{
	struct rng *r = &g->rng;
	char dom[96];
	double u = rng_unit(r);

	ordinary_domain(i, dom, sizeof(dom));
	if (u < 0.03)
		out[0] = '\0'; /* a bounce */
	else if (u < 0.032)
		snprintf(out, outlen, "\"%s, %s\"@%s",
			 words[rng_below(r, N_WORDS)],
			 first_names[rng_below(r, N_FIRST)], dom);
	else if (u < 0.033)
		snprintf(out, outlen, "%s%%%%relay.example@%s",
			 first_names[rng_below(r, N_FIRST)], dom);
	else if (u < 0.036)
		snprintf(out, outlen, "j\xc3\xbcrgen.m\xc3\xbcller@%s", dom);
	else if (u < 0.10)
		snprintf(out, outlen, "prvs=%04u%06x=%s@%s",
			 rng_below(r, 10000), rng_below(r, 0xffffff),
			 first_names[rng_below(r, N_FIRST)], dom);
	else
		snprintf(out, outlen, "%s@%s",
			 first_names[rng_below(r, N_FIRST)], dom);
}

static void spam_sender(struct gen *g, char *out, size_t outlen)
{
	struct rng *r = &g->rng;

	if (rng_chance(r, 0.08))
		out[0] = '\0';
	else
		snprintf(out, outlen, "%c%c%c%u@%s%u.example",
			 'a' + rng_below(r, 26), 'a' + rng_below(r, 26),
			 'a' + rng_below(r, 26), rng_below(r, 10000),
			 words[rng_below(r, N_WORDS)], rng_below(r, 100000));
}

/* ---- one SMTP attempt -------------------------------------------------- */

/* The ", key=value" tail postgrey logs after reason (empty values left out). */
static void pg_tail(const struct mail *m, const char *addr, unsigned rcpt,
		    char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "client_name=%s, client_address=%s",
			 m->name, addr);

	if (m->sender[0] != '\0' && n > 0 && (size_t)n < outlen)
		n += snprintf(out + n, outlen - (size_t)n, ", sender=%s",
			      m->sender);
	if (n > 0 && (size_t)n < outlen)
		snprintf(out + n, outlen - (size_t)n, ", recipient=%s",
			 m->rcpt[rcpt]);
}

enum verdict {
	V_NEW,
	V_EARLY,
	V_DELAYED,
	V_FOUND,
	V_CLIENT_WL,
	V_RCPT_WL,
	V_AWL,
};

/* What postgrey decides for this attempt of m; updates m's memory. */
static enum verdict decide(struct mail *m, int64_t now_us, long *n)
{
	uint64_t net = ip_net(&m->ip);

	switch (m->kind) {
	case S_KNOWN:
		return V_FOUND;
	case S_AWL:
		return V_AWL;
	case S_PARTNER:
		return V_CLIENT_WL;
	case S_RCPT_WL:
		return V_RCPT_WL;
	default:
		break;
	}
	if (m->kind == S_POOL && m->pool->whitelisted)
		return V_CLIENT_WL;
	for (unsigned i = 0; i < m->n_nets; i++) {
		if (m->nets[i] != net)
			continue;
		long waited = (long)((now_us - m->first_us[i]) / US_PER_S);
		if (waited >= GREYLIST_DELAY_S) {
			*n = waited;
			return V_DELAYED;
		}
		*n = GREYLIST_DELAY_S - waited;
		return waited == 0 ? V_NEW : V_EARLY;
	}
	if (m->n_nets < MAX_NETS) {
		m->nets[m->n_nets] = net;
		m->first_us[m->n_nets++] = now_us;
	}
	return V_NEW;
}

static const char *verdict_text(enum verdict v, long n, char *buf,
				size_t buflen)
{
	switch (v) {
	case V_NEW:
		return "action=greylist, reason=new";
	case V_EARLY:
		snprintf(buf, buflen,
			 "action=greylist, reason=early-retry (%lds missing)",
			 n);
		return buf;
	case V_DELAYED:
		snprintf(buf, buflen,
			 "action=pass, reason=triplet found, delay=%ld", n);
		return buf;
	case V_FOUND:
		return "action=pass, reason=triplet found";
	case V_CLIENT_WL:
		return "action=pass, reason=client whitelist";
	case V_RCPT_WL:
		return "action=pass, reason=recipient whitelist";
	case V_AWL:
		return "action=pass, reason=client AWL";
	}
	return "";
}

static const char *helo_of(const struct mail *m)
{
	if (m->kind == S_POOL)
		return pool_helo(m->pool, m->name);
	if (strcmp(m->name, "unknown") == 0)
		return "localhost";
	return m->name;
}

/* Delivery after acceptance: cleanup, qmgr, relay to the mailbox server. */
static void deliver(struct gen *g, struct mail *m, int64_t t, unsigned smtpd,
		    const char *qid, const char *peer)
{
	struct rng *r = &g->rng;
	unsigned h = m->host;
	unsigned size = rng_range(r, 2000, 90000);
	unsigned smtp_pid = rng_range(r, 20000, 65000);

	emit(g, t, h, PRI_MAIL_INFO, "postfix/smtpd[%u]: %s: client=%s", smtpd,
	     qid, peer);
	t += rng_range(r, 20000, 400000);
	emit(g, t, h, PRI_MAIL_INFO,
	     "postfix/cleanup[%u]: %s: message-id=<%08x.%04x@%s>",
	     g->cleanup_pid[h], qid, (unsigned)rng_next(r), rng_below(r, 65536),
	     m->sender[0] ? strchr(m->sender, '@') + 1
			  : "mailer-daemon.example");
	t += rng_range(r, 5000, 50000);
	emit(
	    g, t, h, PRI_MAIL_INFO,
	    "postfix/qmgr[%u]: %s: from=<%s>, size=%u, nrcpt=%u (queue active)",
	    g->qmgr_pid[h], qid, m->sender, size, m->n_rcpt);
	for (unsigned i = 0; i < m->n_rcpt; i++) {
		int64_t d = rng_range(r, 100000, 2500000);
		char qid2[11];

		queue_id(g, qid2);
		emit(g, t + d, h, PRI_MAIL_INFO,
		     "postfix/smtp[%u]: %s: to=<%s>, relay=store.example.net"
		     "[10.0.0.25]:25, delay=%.2f, delays=0.%02u/0/0.01/0.%02u, "
		     "dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as %s)",
		     smtp_pid, qid, m->rcpt[i], (double)d / 1e6 + 0.3,
		     rng_below(r, 100), rng_below(r, 100), qid2);
		t += d;
	}
	emit(g, t + rng_range(r, 1000, 20000), h, PRI_MAIL_INFO,
	     "postfix/qmgr[%u]: %s: removed", g->qmgr_pid[h], qid);
}

/* Runs one SMTP attempt of m at time t: connect, one postgrey decision per
 * recipient, delivery of the accepted ones or the rejects, disconnect. The
 * recipients still greylisted stay in m for the retry; returns their
 * number. */
static unsigned attempt(struct gen *g, struct mail *m, int64_t t)
{
	struct rng *r = &g->rng;
	unsigned h = m->host, smtpd = rng_range(r, 1000, 65000);
	char addr[64], peer[200], tail[600], vbuf[96], qid[11];
	char deferred[MAX_RCPT][96];
	unsigned accepted = 0, n_deferred = 0, n_rcpt = m->n_rcpt;
	bool any_delay = false;

	m->attempts++;
	ip_text(&m->ip, addr, sizeof(addr));
	snprintf(peer, sizeof(peer), "%s[%s]", m->name, addr);
	queue_id(g, qid);
	emit(g, t, h, PRI_MAIL_INFO, "postfix/smtpd[%u]: connect from %s",
	     smtpd, peer);
	if (strcmp(m->name, "unknown") == 0 && rng_chance(r, 0.3))
		emit(
		    g, t + 1000, h, PRI_MAIL_WARNING,
		    "postfix/smtpd[%u]: warning: hostname %s.in-addr.example "
		    "does not resolve to address %s: Name or service not known",
		    smtpd, addr, addr);
	t += rng_range(r, 50000, 900000);
	for (unsigned i = 0; i < n_rcpt; i++) {
		long n = 0;
		enum verdict v = decide(m, t, &n);

		pg_tail(m, addr, i, tail, sizeof(tail));
		/* Postfix sends its queue id once the queue file exists: after
		 * the first accepted recipient. */
		emit(g, t, h, PRI_MAIL_NOTICE, "postgrey[%u]: %s%s%s, %s",
		     g->postgrey_pid[h], accepted > 0 ? qid : "",
		     accepted > 0 ? ": " : "",
		     verdict_text(v, n, vbuf, sizeof(vbuf)), tail);
		if (v == V_NEW || v == V_EARLY) {
			emit(
			    g, t + 500, h, PRI_MAIL_INFO,
			    "postfix/smtpd[%u]: NOQUEUE: reject: RCPT from %s: "
			    "450 4.2.0 <%s>: Recipient address rejected: "
			    "Greylisted, see "
			    "http://postgrey.schweikert.ch/help/"
			    "%s.html; from=<%s> to=<%s> proto=ESMTP helo=<%s>",
			    smtpd, peer, m->rcpt[i],
			    strchr(m->rcpt[i], '@') + 1, m->sender, m->rcpt[i],
			    helo_of(m));
			memcpy(deferred[n_deferred++], m->rcpt[i],
			       sizeof(deferred[0]));
		} else {
			if (v == V_DELAYED)
				any_delay = true;
			memmove(m->rcpt[accepted], m->rcpt[i],
				sizeof(m->rcpt[0]));
			accepted++;
		}
		t += rng_range(r, 2000, 200000);
	}
	if (any_delay && m->kind == S_ORDINARY && rng_chance(r, 0.08))
		emit(g, t, h, PRI_MAIL_WARNING, "postgrey[%u]: whitelisted: %s",
		     g->postgrey_pid[h], peer);
	if (accepted > 0) {
		m->n_rcpt = accepted;
		deliver(g, m, t + rng_range(r, 100000, 3000000), smtpd, qid,
			peer);
	}
	t += rng_range(r, 200000, 4000000);
	emit(g, t, h, PRI_MAIL_INFO,
	     "postfix/smtpd[%u]: disconnect from %s ehlo=1 mail=1 rcpt=%u/%u "
	     "data=%u quit=1 commands=%u/%u",
	     smtpd, peer, accepted, n_rcpt, accepted > 0 ? 1 : 0,
	     3 + accepted + (accepted > 0), 4 + n_rcpt);
	memcpy(m->rcpt, deferred, sizeof(deferred[0]) * n_deferred);
	m->n_rcpt = n_deferred;
	return n_deferred;
}

/* A client rejected before postgrey is asked: DNSBL, or a lost session. */
static void rejected_session(struct gen *g, unsigned host, int64_t t)
{
	struct rng *r = &g->rng;
	unsigned smtpd = rng_range(r, 1000, 65000);
	char name[128], addr[64], from[128], rcpt[96];
	struct ip ip;

	dynamic_client(r, g->opt->diverse, &ip, name, sizeof(name));
	ip_text(&ip, addr, sizeof(addr));
	emit(g, t, host, PRI_MAIL_INFO,
	     "postfix/smtpd[%u]: connect from %s[%s]", smtpd, name, addr);
	t += rng_range(r, 100000, 2000000);
	if (rng_chance(r, 0.6)) {
		spam_sender(g, from, sizeof(from));
		local_rcpt(g, rcpt, sizeof(rcpt));
		emit(
		    g, t, host, PRI_MAIL_INFO,
		    "postfix/smtpd[%u]: NOQUEUE: reject: RCPT from %s[%s]: 554 "
		    "5.7.1 Service unavailable; Client host [%s] blocked using "
		    "zen.spamhaus.org; from=<%s> to=<%s> proto=ESMTP "
		    "helo=<%s>",
		    smtpd, name, addr, addr, from, rcpt,
		    strcmp(name, "unknown") ? name : "localhost");
		emit(g, t + rng_range(r, 1000, 500000), host, PRI_MAIL_INFO,
		     "postfix/smtpd[%u]: disconnect from %s[%s] ehlo=1 mail=1 "
		     "rcpt=0/1 quit=1 commands=3/4",
		     smtpd, name, addr);
	} else {
		emit(g, t, host, PRI_MAIL_INFO,
		     "postfix/smtpd[%u]: lost connection after %s from %s[%s]",
		     smtpd, rng_chance(r, 0.5) ? "EHLO" : "CONNECT", name,
		     addr);
		emit(g, t + 200, host, PRI_MAIL_INFO,
		     "postfix/smtpd[%u]: disconnect from %s[%s] ehlo=0/1 "
		     "commands=0/1",
		     smtpd, name, addr);
	}
}

/* The /24s (or /64s) pool p sends from: with --diverse a pool rotates over
 * DIVERSE_SPREAD times as many, as the largest senders' pools do. */
static unsigned pool_nets(const struct gen *g, const struct pool *p, bool v6)
{
	unsigned nets = v6 ? POOL_V6_NETS : p->nets;

	if (!g->opt->diverse)
		return nets;
	nets *= DIVERSE_SPREAD;
	if (!v6 && nets > 256 - p->c0)
		nets = 256 - p->c0;
	return nets;
}

static void pool_client(struct gen *g, struct mail *m)
{
	const struct pool *p = m->pool;
	struct rng *r = &g->rng;

	if (p->v6_prefix != 0 && rng_below(r, 100) < p->v6_percent)
		ip6(&m->ip, p->v6_prefix, rng_below(r, pool_nets(g, p, true)),
		    rng_range(r, 0x10, 0xfff));
	else
		ip4(&m->ip, p->a, p->b,
		    p->c0 + rng_below(r, pool_nets(g, p, false)),
		    rng_range(r, 2, 253));
	pool_name(p, &m->ip, g->opt->diverse, m->name, sizeof(m->name));
}

static const struct pool *pick_pool(struct gen *g)
{
	unsigned w = rng_below(&g->rng, g->pool_weight_total);

	for (size_t i = 0; i < N_POOLS; i++) {
		if (w < pools[i].weight)
			return &pools[i];
		w -= pools[i].weight;
	}
	return &pools[0];
}

/* Shares of the mails arriving, in percent, by kind of client: by default
 * and with --diverse (more pooled mail and more botnet spam, whose client
 * names repeat least). */
static const struct {
	enum sender_kind kind;
	unsigned percent, diverse_percent;
} arrival_mix[] = {
    {S_POOL, 24, 26}, {S_ORDINARY, 14, 8}, {S_KNOWN, 6, 4},
    {S_AWL, 9, 4},    {S_PARTNER, 2, 1},   {S_RCPT_WL, 2, 1},
    {S_SPAM, 41, 54}, {S_REJECTED, 2, 2},
};
#define N_ARRIVAL_KINDS (sizeof(arrival_mix) / sizeof(arrival_mix[0]))

/* The kind of client of a new mail. */
static enum sender_kind arrival_kind(struct gen *g)
{
	unsigned pct = rng_below(&g->rng, 100);

	for (size_t i = 0; i < N_ARRIVAL_KINDS; i++) {
		unsigned share = g->opt->diverse
				     ? arrival_mix[i].diverse_percent
				     : arrival_mix[i].percent;

		if (pct < share)
			return arrival_mix[i].kind;
		pct -= share;
	}
	return S_SPAM;
}

static struct mail *new_mail(struct gen *g, enum sender_kind kind,
			     unsigned host)
{
	struct rng *r = &g->rng;
	struct mail *m = calloc(1, sizeof(*m));
	unsigned i;

	if (m == NULL)
		nomem("mail");
	m->kind = kind;
	m->host = host;
	m->n_rcpt = 1;
	switch (kind) {
	case S_POOL:
		m->pool = pick_pool(g);
		if (rng_chance(r, 0.35))
			m->n_rcpt = 2;
		for (i = 0; i < m->n_rcpt; i++)
			local_rcpt(g, m->rcpt[i], sizeof(m->rcpt[i]));
		pool_sender(g, m->pool, m->rcpt[0], m->sender,
			    sizeof(m->sender));
		pool_client(g, m);
		m->next_gap_s = m->pool->first_gap_s;
		break;
	case S_ORDINARY:
	case S_KNOWN:
	case S_AWL:
	case S_RCPT_WL:
		m->ordinary = rng_below(r, N_ORDINARY);
		ordinary_client(m->ordinary, &m->ip, m->name, sizeof(m->name));
		ordinary_sender(g, m->ordinary, m->sender, sizeof(m->sender));
		m->n_rcpt = rng_chance(r, 0.3) ? rng_range(r, 2, 3) : 1;
		if (kind == S_RCPT_WL)
			m->n_rcpt = 1;
		for (i = 0; i < m->n_rcpt; i++)
			local_rcpt(g, m->rcpt[i], sizeof(m->rcpt[i]));
		if (kind == S_RCPT_WL)
			snprintf(m->rcpt[0], sizeof(m->rcpt[0]), "%s@%s",
				 rng_chance(r, 0.7) ? "postmaster" : "abuse",
				 local_domains[rng_below(r, N_LOCAL_DOMAINS)]);
		m->next_gap_s = rng_chance(r, 0.15) ? rng_range(r, 30, 280)
						    : rng_range(r, 300, 1200);
		break;
	case S_PARTNER:
		i = rng_below(r, 4);
		ip4(&m->ip, 192, 0, 2, 10 + i);
		snprintf(m->name, sizeof(m->name), "%s.partner-bank.example",
			 i < 2 ? "mx1" : "mx2");
		snprintf(m->sender, sizeof(m->sender),
			 "statements@partner-bank."
			 "example");
		local_rcpt(g, m->rcpt[0], sizeof(m->rcpt[0]));
		break;
	case S_SPAM:
		dynamic_client(r, g->opt->diverse, &m->ip, m->name,
			       sizeof(m->name));
		spam_sender(g, m->sender, sizeof(m->sender));
		/* A botnet spreads its mails over more connections. */
		m->n_rcpt = rng_chance(r, g->opt->diverse ? 0.25 : 0.6)
				? rng_range(r, 2, MAX_RCPT)
				: 1;
		for (i = 0; i < m->n_rcpt; i++)
			local_rcpt(g, m->rcpt[i], sizeof(m->rcpt[i]));
		break;
	case S_REJECTED:
		break;
	}
	return m;
}

/* Schedules m's next attempt after a greylisting, or drops it: spam never
 * retries, and nobody retries forever. */
static void schedule_retry(struct gen *g, struct mail *m, int64_t t)
{
	struct rng *r = &g->rng;
	unsigned max_attempts = m->kind == S_POOL ? m->pool->max_attempts : 12;
	unsigned max_gap = m->kind == S_POOL ? m->pool->max_gap_s : 4000;
	unsigned gap;

	if (m->kind == S_SPAM || m->attempts >= max_attempts) {
		free(m);
		return;
	}
	gap = m->next_gap_s + rng_below(r, m->next_gap_s / 4 + 1);
	m->next_gap_s = m->next_gap_s * 3 / 2;
	if (m->next_gap_s > max_gap)
		m->next_gap_s = max_gap;
	if (m->next_gap_s < GREYLIST_DELAY_S && m->kind != S_POOL)
		m->next_gap_s = GREYLIST_DELAY_S + rng_below(r, 300);
	if (m->kind == S_POOL)
		pool_client(g, m);
	heap_push(&g->heap, (struct item){.t_us = t + (int64_t)gap * US_PER_S,
					  .mail = m});
}

static void run_mail(struct gen *g, struct mail *m, int64_t t)
{
	if (m->kind == S_REJECTED) {
		rejected_session(g, m->host, t);
		free(m);
		return;
	}
	if (attempt(g, m, t) > 0)
		schedule_retry(g, m, t);
	else
		free(m);
}

/* ---- output ------------------------------------------------------------ */

static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static void write_line(struct gen *g, int64_t t_us, unsigned host, int pri,
		       const char *text)
{
	time_t secs = (time_t)(t_us / US_PER_S);
	struct tm tm;

	gmtime_r(&secs, &tm);
	switch (g->opt->format) {
	case FMT_SYSLOG:
		fprintf(g->out, "<%d>", pri);
		/* fall through */
	case FMT_TRADITIONAL:
		fprintf(g->out, "%s %2d %02d:%02d:%02d %s %s\n",
			months[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min,
			tm.tm_sec, g->opt->hosts[host], text);
		break;
	case FMT_RFC3339:
		fprintf(g->out,
			"%04d-%02d-%02dT%02d:%02d:%02d.%06d+00:00 %s %s\n",
			tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			tm.tm_hour, tm.tm_min, tm.tm_sec,
			(int)(t_us % US_PER_S), g->opt->hosts[host], text);
		break;
	}
	g->written++;
	if (strncmp(text, "postgrey[", 9) == 0)
		g->postgrey_lines++;
}

/* The lines postgrey writes when it starts, as Debian's postgrey 1.37 does
 * under -d. */
static void startup_lines(struct gen *g, int64_t t)
{
	for (unsigned h = 0; h < g->opt->n_hosts; h++) {
		time_t secs = (time_t)(t / US_PER_S);
		struct tm tm;

		gmtime_r(&secs, &tm);
		emit(g, t, h, PRI_MAIL_INFO,
		     "postgrey[%u]: Process Backgrounded", g->postgrey_pid[h]);
		emit(g, t + 1000, h, PRI_MAIL_INFO,
		     "postgrey[%u]: %04d/%02d/%02d-%02d:%02d:%02d postgrey "
		     "(type "
		     "Net::Server::Multiplex) starting! pid(%u)",
		     g->postgrey_pid[h], tm.tm_year + 1900, tm.tm_mon + 1,
		     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		     g->postgrey_pid[h]);
		emit(
		    g, t + 2000, h, PRI_MAIL_INFO,
		    "postgrey[%u]: Binding to TCP port 10023 on host 127.0.0.1 "
		    "with IPv4",
		    g->postgrey_pid[h]);
		emit(g, t + 3000, h, PRI_MAIL_INFO,
		     "postgrey[%u]: Setting gid to \"107 107\"",
		     g->postgrey_pid[h]);
		emit(g, t + 4000, h, PRI_MAIL_INFO,
		     "postgrey[%u]: Setting uid to \"104\"",
		     g->postgrey_pid[h]);
	}
}

/* The normal simulation: mails arrive as a Poisson process; their attempts
 * and lines are merged in time order. */
static void generate_mail_log(struct gen *g)
{
	struct rng *r = &g->rng;
	double mean_arrival_us =
	    (double)g->opt->gap_ms * 1000.0 * LINES_PER_ARRIVAL;
	int64_t t = g->opt->start_us;

	startup_lines(g, t);
	heap_push(&g->heap,
		  (struct item){.t_us = t + 5000, .mail = NULL, .text = NULL});
	while (g->written < g->opt->lines && g->heap.n > 0) {
		struct item it = heap_pop(&g->heap);

		if (it.text != NULL) {
			write_line(g, it.t_us, it.host, it.pri, it.text);
			free(it.text);
		} else if (it.mail != NULL) {
			run_mail(g, it.mail, it.t_us);
		} else {
			/* An arrival: a new mail now, the next one later. */
			enum sender_kind kind = arrival_kind(g);
			unsigned host = rng_below(r, (uint32_t)g->opt->n_hosts);

			run_mail(g, new_mail(g, kind, host), it.t_us);
			it.t_us += 1 + (int64_t)rng_exp(r, mean_arrival_us);
			heap_push(&g->heap, (struct item){.t_us = it.t_us});
		}
	}
	while (g->heap.n > 0) {
		struct item it = heap_pop(&g->heap);

		free(it.text);
		free(it.mail);
	}
}

/* Flood mode: nothing but postgrey greylistings, with client names from
 * `domains` distinct sender domains (0: a new domain on every line). */
static void generate_flood(struct gen *g)
{
	struct rng *r = &g->rng;
	int64_t t = g->opt->start_us;
	char text[512], name[96], rcpt[96];

	while (g->written < g->opt->lines) {
		unsigned long id;
		unsigned host = rng_below(r, (uint32_t)g->opt->n_hosts);

		if (g->opt->flood_domains == 0)
			snprintf(name, sizeof(name),
				 "mx%u.d%012" PRIx64 ".example",
				 rng_below(r, 4),
				 (uint64_t)(rng_next(r) & 0xffffffffffffULL));
		else {
			id = rng_below(r, (uint32_t)g->opt->flood_domains);
			snprintf(name, sizeof(name), "mx%u.d%012lx.example",
				 (unsigned)(id % 4), id);
		}
		local_rcpt(g, rcpt, sizeof(rcpt));
		snprintf(text, sizeof(text),
			 "postgrey[%u]: action=greylist, reason=new, "
			 "client_name=%s, client_address=%u.%u.%u.%u, "
			 "sender=%s@%s, recipient=%s",
			 g->postgrey_pid[host], name, 10, rng_below(r, 256),
			 rng_below(r, 256), rng_range(r, 1, 254),
			 first_names[rng_below(r, N_FIRST)],
			 strchr(name, '.') + 1, rcpt);
		write_line(g, t, host, PRI_MAIL_NOTICE, text);
		t += FLOOD_GAP_US;
	}
}

/* ---- command line ------------------------------------------------------ */

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "Usage: genlog [OPTIONS]\n"
	    "Writes a synthetic Postfix/postgrey mail.log, deterministic for a "
	    "seed.\n\n"
	    "  -n, --lines N        lines to write (default %d)\n"
	    "  -s, --seed N         pseudo-random seed (default %d)\n"
	    "  -t, --start TIME     first timestamp, UTC: YYYY-MM-DDTHH:MM:SS "
	    "or @EPOCH\n"
	    "                       (default %s)\n"
	    "  -g, --gap MS         mean gap between lines in milliseconds "
	    "(default %d)\n"
	    "  -H, --hosts LIST     reporting hosts, comma-separated "
	    "(default mx1)\n"
	    "  -f, --format FMT     traditional (default), rfc3339 "
	    "(RSYSLOG_FileFormat)\n"
	    "                       or syslog (\"<PRI>\" + traditional, to "
	    "send to a syslog\n"
	    "                       server)\n"
	    "  -F, --flood DOMAINS  only postgrey greylistings, client names "
	    "from DOMAINS\n"
	    "                       distinct domains (0: a new one on every "
	    "line)\n"
	    "  -D, --diverse        about twice the share of distinct client "
	    "names (pools\n"
	    "                       over more networks, a botnet with "
	    "unique names)\n"
	    "  -o, --output FILE    write to FILE instead of standard output\n"
	    "  -h, --help           this help\n"
	    "  -V, --version        the version\n",
	    DEFAULT_LINES, DEFAULT_SEED, DEFAULT_START, DEFAULT_GAP_MS);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (no time zone). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool parse_start(const char *text, int64_t *out_us)
{
	unsigned long epoch;
	int y, mo, d, h, mi, s, used = 0;

	if (text[0] == '@') {
		if (!gs_parse_ulong(text + 1, 0, 253402300799UL, &epoch))
			return false;
		*out_us = (int64_t)epoch * US_PER_S;
		return true;
	}
	if (sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s,
		   &used) != 6 ||
	    text[used] != '\0' || y < 1970 || mo < 1 || mo > 12 || d < 1 ||
	    d > 31 || h > 23 || mi > 59 || s > 60 || h < 0 || mi < 0 || s < 0)
		return false;
	*out_us = ((days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400) +
		   h * 3600 + mi * 60 + s) *
		  US_PER_S;
	return true;
}

static bool parse_hosts(char *list, struct options *o)
{
	char *save = NULL;

	o->n_hosts = 0;
	for (char *h = strtok_r(list, ",", &save); h != NULL;
	     h = strtok_r(NULL, ",", &save)) {
		if (h[0] == '\0' || strpbrk(h, " \t\n") != NULL)
			return false;
		o->hosts = realloc(o->hosts, (o->n_hosts + 1) * sizeof(char *));
		if (o->hosts == NULL)
			nomem("hosts");
		o->hosts[o->n_hosts++] = h;
	}
	return o->n_hosts > 0 && o->n_hosts <= 64;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"lines", required_argument, NULL, 'n'},
	    {"seed", required_argument, NULL, 's'},
	    {"start", required_argument, NULL, 't'},
	    {"gap", required_argument, NULL, 'g'},
	    {"hosts", required_argument, NULL, 'H'},
	    {"format", required_argument, NULL, 'f'},
	    {"flood", required_argument, NULL, 'F'},
	    {"diverse", no_argument, NULL, 'D'},
	    {"output", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	static char default_host[] = "mx1";
	struct options o = {.lines = DEFAULT_LINES,
			    .seed = DEFAULT_SEED,
			    .gap_ms = DEFAULT_GAP_MS,
			    .format = FMT_TRADITIONAL};
	struct gen g = {.opt = &o};
	unsigned long v;
	int c;

	if (!parse_start(DEFAULT_START, &o.start_us))
		errx(1, "bad built-in start time");
	while ((c = getopt_long(argc, argv, "n:s:t:g:H:f:F:Do:hV", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'n':
			if (!gs_parse_ulong(optarg, 1, 1000000000UL, &o.lines))
				errx(2, "--lines: want 1..1000000000, got '%s'",
				     optarg);
			break;
		case 's':
			if (!gs_parse_ulong(optarg, 0, ULONG_MAX, &v))
				errx(2, "--seed: not a number: '%s'", optarg);
			o.seed = v;
			break;
		case 't':
			if (!parse_start(optarg, &o.start_us))
				errx(2,
				     "--start: want YYYY-MM-DDTHH:MM:SS or "
				     "@EPOCH, got '%s'",
				     optarg);
			break;
		case 'g':
			if (!gs_parse_ulong(optarg, 1, 3600000UL, &o.gap_ms))
				errx(2, "--gap: want 1..3600000 ms, got '%s'",
				     optarg);
			break;
		case 'H':
			if (!parse_hosts(optarg, &o))
				errx(2, "--hosts: want 1..64 names, got '%s'",
				     optarg);
			break;
		case 'f':
			if (strcmp(optarg, "traditional") == 0)
				o.format = FMT_TRADITIONAL;
			else if (strcmp(optarg, "rfc3339") == 0)
				o.format = FMT_RFC3339;
			else if (strcmp(optarg, "syslog") == 0)
				o.format = FMT_SYSLOG;
			else
				errx(2,
				     "--format: want traditional, rfc3339 "
				     "or syslog, got '%s'",
				     optarg);
			break;
		case 'F':
			if (!gs_parse_ulong(optarg, 0, 0xffffffffUL,
					    &o.flood_domains))
				errx(2,
				     "--flood: want a number of domains, "
				     "got '%s'",
				     optarg);
			o.flood = true;
			break;
		case 'D':
			o.diverse = true;
			break;
		case 'o':
			o.output = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("genlog %s\n", GENLOG_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (o.flood && o.diverse)
		errx(2, "--diverse: not with --flood (which sets the names "
			"itself)");
	if (o.n_hosts == 0) {
		o.hosts = calloc(1, sizeof(char *));
		if (o.hosts == NULL)
			err(1, "hosts");
		o.hosts[0] = default_host;
		o.n_hosts = 1;
	}

	g.rng.s = o.seed;
	for (size_t i = 0; i < N_POOLS; i++)
		g.pool_weight_total += pools[i].weight;
	g.qmgr_pid = calloc(o.n_hosts, sizeof(unsigned));
	g.cleanup_pid = calloc(o.n_hosts, sizeof(unsigned));
	g.postgrey_pid = calloc(o.n_hosts, sizeof(unsigned));
	if (g.qmgr_pid == NULL || g.cleanup_pid == NULL ||
	    g.postgrey_pid == NULL)
		err(1, "pids");
	for (size_t h = 0; h < o.n_hosts; h++) {
		g.qmgr_pid[h] = rng_range(&g.rng, 900, 2000);
		g.cleanup_pid[h] = rng_range(&g.rng, 2000, 9000);
		g.postgrey_pid[h] = rng_range(&g.rng, 900, 2000);
	}

	g.out = o.output ? fopen(o.output, "w") : stdout;
	if (g.out == NULL)
		err(1, "%s", o.output);
	if (setvbuf(g.out, NULL, _IOFBF, OUT_BUFFER_BYTES) != 0)
		err(1, "setvbuf");
	if (o.flood)
		generate_flood(&g);
	else
		generate_mail_log(&g);
	if (fflush(g.out) != 0 || ferror(g.out))
		err(1, "%s", o.output ? o.output : "standard output");
	if (o.output != NULL && fclose(g.out) != 0)
		err(1, "%s", o.output);
	fprintf(stderr, "genlog: %lu lines, %lu from postgrey (%.1f%%)\n",
		g.written, g.postgrey_lines,
		g.written ? 100.0 * (double)g.postgrey_lines / (double)g.written
			  : 0.0);
	free(g.heap.v);
	free(g.qmgr_pid);
	free(g.cleanup_pid);
	free(g.postgrey_pid);
	free(o.hosts);
	return 0;
}
