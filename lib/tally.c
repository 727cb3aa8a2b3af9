/* The tally: per-group counts over a sliding window (design in tally.h).
 *
 * Concurrency & locking: t->lock guards every field of struct gs_tally that
 * changes after gs_tally_new() and everything reachable from it (the group
 * table, groups, entries, histograms, host names, totals, samples, the
 * eviction scratch array). Each public function on a struct gs_tally takes
 * the lock once and calls only functions of this file, libc (memory,
 * strings, mmap) and gs_seterr() while holding it, so no other lock is ever
 * taken inside it. gs_tally_add() parses and sanitises the event before
 * taking the lock; gs_tally_snapshot() sorts its copy after releasing it.
 * An export takes the lock once per chunk and never holds it between calls;
 * its copy (struct gs_tally_copy) belongs to its caller alone and is read
 * without the lock. The configuration (window_s, slot_s,
 * max_groups), the hash seed and the histogram bin bounds are set by
 * gs_tally_new() and only read afterwards. */
#include "gs_config.h"

#include "tally.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "group.h"

#define OTHER_HOST_ID	0
#define HOST_INDEX_SIZE 512 /* power of two, twice GS_TALLY_MAX_HOST_NAMES */
#define MIN_BUCKETS	64  /* power of two */
#define EVICT_DIVISOR	16  /* a batch evicts max_groups / this */

/* Delays of one slot entry, allocated on its first delayed event. */
struct hist {
	uint32_t max_s;
	uint32_t bins[GS_TALLY_HIST_BINS];
};

/* Counts of one (slot, host) pair of a group. */
struct entry {
	int64_t slot;
	uint32_t counts[GS_C_COUNT];
	uint8_t host; /* index into gs_tally.hosts */
	struct hist *hist;
};

/* An address or network of a group: IPv4 as ::ffff:a.b.c.d. */
struct seen {
	uint8_t key[16];
	int64_t slot; /* newest slot seen in */
};

struct group {
	struct group *next; /* hash chain */
	struct entry *entries;
	struct seen *addrs;
	struct seen *nets;
	char *examples; /* n_examples NUL-terminated names, back to back */
	int64_t first_seen, last_seen;
	uint32_t hash;
	uint16_t n_entries, cap_entries;
	uint8_t n_addrs, cap_addrs, n_nets, cap_nets;
	uint8_t n_examples, examples_len;
	uint8_t kind;
	char name[]; /* NUL-terminated */
};

/* A group's rank for eviction: lower goes first. */
struct rank {
	uint64_t score; /* new + early_retry in the window */
	int64_t last_seen;
	struct group *g;
};

struct gs_tally {
	pthread_mutex_t lock;
	/* Set at creation, read-only afterwards. */
	uint32_t window_s, slot_s;
	size_t max_groups;
	uint64_t seed[2];
	uint32_t hist_lower[GS_TALLY_HIST_BINS]; /* lowest delay of each bin */
	/* Guarded by lock. */
	bool has_end;
	int64_t end; /* newest event time seen */
	struct group **buckets;
	size_t n_buckets, n_groups;
	char *hosts[GS_TALLY_MAX_HOST_NAMES]; /* hosts[0] is "other" */
	size_t n_hosts;
	uint16_t host_index[HOST_INDEX_SIZE]; /* host id + 1, 0 when free */
	struct gs_totals totals;
	char samples[GS_MAX_SAMPLES][GS_SAMPLE_MAX_LEN + 1]; /* a ring */
	size_t n_samples, next_sample;
	struct rank *scratch;
	size_t scratch_cap;
	uint64_t rng; /* pivots of the eviction's selection */
};

/* ---- Small helpers ---- */

static void lock(struct gs_tally *t)
{
	/* Fails only for an invalid or deadlocked mutex: a bug, not a
	 * condition to handle. */
	if (pthread_mutex_lock(&t->lock) != 0)
		abort();
}

static void unlock(struct gs_tally *t)
{
	if (pthread_mutex_unlock(&t->lock) != 0)
		abort();
}

static uint64_t rotl64(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

static void sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = rotl64(v[1], 13) ^ v[0];
	v[0] = rotl64(v[0], 32);
	v[2] += v[3];
	v[3] = rotl64(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = rotl64(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = rotl64(v[1], 17) ^ v[2];
	v[2] = rotl64(v[2], 32);
}

/* SipHash-1-3 with the tally's random key: group names come from the
 * network, so the table must not degrade on names chosen to collide. */
static uint64_t sip_hash(const uint64_t key[2], const char *data, size_t len)
{
	const unsigned char *p = (const unsigned char *)data;
	uint64_t v[4], m;
	size_t i, j;

	v[0] = key[0] ^ 0x736f6d6570736575ull;
	v[1] = key[1] ^ 0x646f72616e646f6dull;
	v[2] = key[0] ^ 0x6c7967656e657261ull;
	v[3] = key[1] ^ 0x7465646279746573ull;
	for (i = 0; i + 8 <= len; i += 8) {
		m = 0;
		for (j = 0; j < 8; j++)
			m |= (uint64_t)p[i + j] << (8 * j);
		v[3] ^= m;
		sip_round(v);
		v[0] ^= m;
	}
	m = (uint64_t)len << 56;
	for (j = 0; i + j < len; j++)
		m |= (uint64_t)p[i + j] << (8 * j);
	v[3] ^= m;
	sip_round(v);
	v[0] ^= m;
	v[2] ^= 0xff;
	sip_round(v);
	sip_round(v);
	sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/* xorshift64*: pivots for the selection, seeded at random. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dull;
}

static void seed_random(uint64_t seed[3], const void *salt)
{
	struct timespec ts;

	if (getrandom(seed, 3 * sizeof(seed[0]), GRND_NONBLOCK) ==
	    (ssize_t)(3 * sizeof(seed[0])))
		return;
	/* Early boot without entropy: weaker, still not guessable offline. */
	clock_gettime(CLOCK_REALTIME, &ts);
	seed[0] = (uint64_t)ts.tv_nsec << 32 ^ (uint64_t)ts.tv_sec;
	seed[1] = (uint64_t)getpid() << 32 ^ (uint64_t)(uintptr_t)salt;
	seed[2] = seed[0] ^ rotl64(seed[1], 17) ^ 0x9e3779b97f4a7c15ull;
}

static uint32_t add32(uint32_t a, uint32_t b)
{
	return a > UINT32_MAX - b ? UINT32_MAX : a + b;
}

static int64_t clamp_time(int64_t t)
{
	if (t < 0)
		return 0;
	return t > GS_TALLY_TIME_MAX ? GS_TALLY_TIME_MAX : t;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && a < 0) ? q - 1 : q;
}

static int64_t slot_of(const struct gs_tally *t, int64_t time)
{
	return floor_div(time, t->slot_s);
}

/* The oldest slot still in the window. */
static int64_t min_live_slot(const struct gs_tally *t)
{
	if (!t->has_end)
		return INT64_MIN;
	return slot_of(t, t->end - (int64_t)t->window_s);
}

/* Length of the well-formed UTF-8 sequence at s (n bytes left), 0 if none. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* Copies in[0..len) into out (outsize >= 1 bytes, NUL-terminated): at most
 * outsize - 1 bytes, never part of a character; control bytes and bytes that
 * are not well-formed UTF-8 become '?', so the text is safe in JSON and on
 * a terminal. Returns the length written. */
static size_t sanitize(char *out, size_t outsize, const char *in, size_t len)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0, o = 0, seq;

	while (i < len) {
		seq = utf8_seq_len(s + i, len - i);
		if (o + (seq > 0 ? seq : 1) > outsize - 1)
			break;
		if (seq == 0 || s[i] < 0x20 || s[i] == 0x7f) {
			out[o++] = '?';
			i += seq > 0 ? seq : 1;
			continue;
		}
		memcpy(out + o, s + i, seq);
		o += seq;
		i += seq;
	}
	out[o] = '\0';
	return o;
}

/* ---- Delay histogram ---- */

/* Bin k holds [lower[k], lower[k + 1] - 1]: one second wide at first, then
 * hi = lo + lo / 4 <= 1.25 * lo, so that the bins are at most 25% wide. */
static void hist_init_bounds(uint32_t lower[GS_TALLY_HIST_BINS])
{
	unsigned k;

	lower[0] = 0;
	for (k = 1; k < GS_TALLY_HIST_BINS; k++)
		lower[k] = lower[k - 1] + lower[k - 1] / 4 + 1;
}

static unsigned hist_bin(const uint32_t lower[GS_TALLY_HIST_BINS], uint32_t d)
{
	unsigned lo = 0, hi = GS_TALLY_HIST_BINS - 1, mid;

	/* The last k with lower[k] <= d. */
	while (lo < hi) {
		mid = (lo + hi + 1) / 2;
		if (lower[mid] <= d)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* Highest delay of bin k, given the exact maximum of all delays. */
static uint32_t hist_bin_high(const uint32_t lower[GS_TALLY_HIST_BINS],
			      unsigned k, uint32_t max_s)
{
	uint32_t hi =
	    k + 1 < GS_TALLY_HIST_BINS ? lower[k + 1] - 1 : UINT32_MAX;

	return hi < max_s ? hi : max_s;
}

/* The lower median as the geometric middle of its bin (see tally.h). */
static uint32_t hist_median(const uint32_t lower[GS_TALLY_HIST_BINS],
			    const uint64_t bins[GS_TALLY_HIST_BINS],
			    uint32_t max_s)
{
	uint64_t total = 0, seen = 0;
	double lo, hi;
	unsigned k;

	for (k = 0; k < GS_TALLY_HIST_BINS; k++)
		total += bins[k];
	if (total == 0)
		return 0;
	for (k = 0; k < GS_TALLY_HIST_BINS; k++) {
		seen += bins[k];
		if (seen >= (total + 1) / 2)
			break;
	}
	lo = lower[k];
	hi = hist_bin_high(lower, k, max_s);
	if (hi < lo)
		hi = lo;
	return (uint32_t)llround(sqrt(lo * hi));
}

/* ---- Host names ---- */

static size_t host_slot(const struct gs_tally *t, const char *name)
{
	return sip_hash(t->seed, name, strlen(name)) & (HOST_INDEX_SIZE - 1);
}

/* Sanitises a reporting host's name (NULL is "") into name. */
static void host_name(const char *host,
		      char name[GS_TALLY_HOST_NAME_MAX_LEN + 1])
{
	sanitize(name, GS_TALLY_HOST_NAME_MAX_LEN + 1, host != NULL ? host : "",
		 host != NULL ? strlen(host) : 0);
}

/* The tally-wide id of a reporting host (a name from host_name), added when
 * there is room; when the table is full (or memory is short) the host
 * counts as "other". */
static uint8_t host_id(struct gs_tally *t, const char *name)
{
	size_t i;
	uint16_t v;

	for (i = host_slot(t, name);; i = (i + 1) & (HOST_INDEX_SIZE - 1)) {
		v = t->host_index[i];
		if (v == 0)
			break;
		if (strcmp(t->hosts[v - 1], name) == 0)
			return (uint8_t)(v - 1);
	}
	if (t->n_hosts == GS_TALLY_MAX_HOST_NAMES)
		return OTHER_HOST_ID;
	t->hosts[t->n_hosts] = strdup(name);
	if (t->hosts[t->n_hosts] == NULL)
		return OTHER_HOST_ID;
	t->host_index[i] = (uint16_t)(t->n_hosts + 1);
	return (uint8_t)t->n_hosts++;
}

/* The host id to count under in g: host itself, unless g already has
 * GS_TALLY_MAX_HOSTS other hosts, then "other". */
static uint8_t group_host(const struct group *g, uint8_t host)
{
	uint64_t seen[GS_TALLY_MAX_HOST_NAMES / 64] = {0};
	unsigned n = 0;
	size_t i;
	uint8_t h;

	if (host == OTHER_HOST_ID)
		return host;
	for (i = 0; i < g->n_entries; i++) {
		h = g->entries[i].host;
		if (h == host)
			return host;
		if (h == OTHER_HOST_ID || (seen[h / 64] >> (h % 64) & 1))
			continue;
		seen[h / 64] |= (uint64_t)1 << (h % 64);
		n++;
	}
	return n >= GS_TALLY_MAX_HOSTS ? OTHER_HOST_ID : host;
}

/* ---- Groups and the hash table ---- */

static void group_destroy(struct group *g)
{
	size_t i;

	for (i = 0; i < g->n_entries; i++)
		free(g->entries[i].hist);
	free(g->entries);
	free(g->addrs);
	free(g->nets);
	free(g->examples);
	free(g);
}

static struct group *group_find(const struct gs_tally *t, const char *name,
				uint32_t hash)
{
	struct group *g;

	for (g = t->buckets[hash & (t->n_buckets - 1)]; g != NULL; g = g->next)
		if (g->hash == hash && strcmp(g->name, name) == 0)
			return g;
	return NULL;
}

/* Doubles the bucket array; on no memory the chains just get longer. */
static void table_grow(struct gs_tally *t)
{
	size_t n = t->n_buckets * 2, i;
	struct group **b, *g, *next;

	b = calloc(n, sizeof(*b));
	if (b == NULL)
		return;
	for (i = 0; i < t->n_buckets; i++) {
		for (g = t->buckets[i]; g != NULL; g = next) {
			next = g->next;
			g->next = b[g->hash & (n - 1)];
			b[g->hash & (n - 1)] = g;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->n_buckets = n;
}

static struct group *group_create(struct gs_tally *t, const char *name,
				  size_t len, uint32_t hash,
				  enum gs_group_kind kind)
{
	struct group *g;
	size_t b;

	g = calloc(1, sizeof(*g) + len + 1);
	if (g == NULL)
		return NULL;
	memcpy(g->name, name, len);
	g->hash = hash;
	g->kind = (uint8_t)kind;
	g->first_seen = INT64_MAX;
	g->last_seen = INT64_MIN;
	if (t->n_groups >= t->n_buckets)
		table_grow(t);
	b = hash & (t->n_buckets - 1);
	g->next = t->buckets[b];
	t->buckets[b] = g;
	t->n_groups++;
	return g;
}

static void group_remove(struct gs_tally *t, struct group *g)
{
	struct group **pp = &t->buckets[g->hash & (t->n_buckets - 1)];

	while (*pp != g)
		pp = &(*pp)->next;
	*pp = g->next;
	t->n_groups--;
	group_destroy(g);
}

static void seen_prune(struct seen *s, uint8_t *n, int64_t min_live)
{
	uint8_t i, kept = 0;

	for (i = 0; i < *n; i++)
		if (s[i].slot >= min_live)
			s[kept++] = s[i];
	*n = kept;
}

/* Drops what left the window. Returns false when g has no entries left. */
static bool group_prune(struct group *g, int64_t min_live)
{
	uint16_t i, kept = 0;

	for (i = 0; i < g->n_entries; i++) {
		if (g->entries[i].slot >= min_live)
			g->entries[kept++] = g->entries[i];
		else
			free(g->entries[i].hist);
	}
	g->n_entries = kept;
	seen_prune(g->addrs, &g->n_addrs, min_live);
	seen_prune(g->nets, &g->n_nets, min_live);
	return kept > 0;
}

/* Prunes every group and drops the empty ones. */
static void sweep(struct gs_tally *t)
{
	int64_t min_live = min_live_slot(t);
	struct group **pp, *g;
	size_t b;

	for (b = 0; b < t->n_buckets; b++) {
		pp = &t->buckets[b];
		while ((g = *pp) != NULL) {
			if (group_prune(g, min_live)) {
				pp = &g->next;
				continue;
			}
			*pp = g->next;
			t->n_groups--;
			group_destroy(g);
		}
	}
}

/* ---- Eviction ---- */

static uint64_t group_score(const struct group *g)
{
	uint64_t s = 0;
	uint16_t i;

	for (i = 0; i < g->n_entries; i++)
		s += (uint64_t)g->entries[i].counts[GS_C_NEW] +
		     g->entries[i].counts[GS_C_EARLY_RETRY];
	return s;
}

static int rank_cmp(const struct rank *a, const struct rank *b)
{
	if (a->score != b->score)
		return a->score < b->score ? -1 : 1;
	if (a->last_seen != b->last_seen)
		return a->last_seen < b->last_seen ? -1 : 1;
	return 0;
}

static void rank_swap(struct rank *r, size_t i, size_t j)
{
	struct rank x = r[i];

	r[i] = r[j];
	r[j] = x;
}

/* Moves the k lowest ranks to r[0..k): quickselect with random pivots and a
 * three-way partition, so equal ranks (common: many groups seen once) stay
 * linear. Expected O(n). */
static void select_lowest(struct rank *r, size_t n, size_t k, uint64_t *rng)
{
	size_t lo = 0, hi = n, lt, gt, i;
	struct rank pivot;
	int c;

	while (hi - lo > 1 && k > lo && k < hi) {
		pivot = r[lo + next_random(rng) % (hi - lo)];
		/* [lo, lt) < pivot, [lt, i) == pivot, [gt, hi) > pivot */
		lt = lo;
		i = lo;
		gt = hi;
		while (i < gt) {
			c = rank_cmp(&r[i], &pivot);
			if (c < 0)
				rank_swap(r, lt++, i++);
			else if (c > 0)
				rank_swap(r, i, --gt);
			else
				i++;
		}
		if (k <= lt)
			hi = lt;
		else if (k >= gt)
			lo = gt;
		else
			return;
	}
}

/* Evicts the least significant max_groups/16 groups (at least one). The
 * groups were pruned by the sweep just before. */
static int evict_batch(struct gs_tally *t)
{
	size_t n = 0, k, b, i;
	struct group *g;
	struct rank *r;

	if (t->scratch_cap < t->n_groups) {
		r = realloc(t->scratch, t->n_groups * sizeof(*r));
		if (r == NULL)
			return -1;
		t->scratch = r;
		t->scratch_cap = t->n_groups;
	}
	for (b = 0; b < t->n_buckets; b++) {
		for (g = t->buckets[b]; g != NULL; g = g->next) {
			t->scratch[n].score = group_score(g);
			t->scratch[n].last_seen = g->last_seen;
			t->scratch[n].g = g;
			n++;
		}
	}
	k = t->max_groups / EVICT_DIVISOR;
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	select_lowest(t->scratch, n, k, &t->rng);
	for (i = 0; i < k; i++)
		group_remove(t, t->scratch[i].g);
	t->totals.evicted += k;
	return 0;
}

/* Makes room for one more group in a full tally. */
static int make_room(struct gs_tally *t)
{
	sweep(t);
	if (t->n_groups < t->max_groups)
		return 0;
	return evict_batch(t);
}

/* The group called name, created (making room first) when missing. */
static struct group *group_get(struct gs_tally *t, const char *name,
			       enum gs_group_kind kind)
{
	size_t len = strnlen(name, GS_GROUP_MAX - 1);
	char key[GS_GROUP_MAX];
	struct group *g;
	uint32_t hash;

	memcpy(key, name, len);
	key[len] = '\0';
	hash = (uint32_t)sip_hash(t->seed, key, len);
	g = group_find(t, key, hash);
	if (g != NULL)
		return g;
	if (t->n_groups >= t->max_groups && make_room(t) < 0)
		return NULL;
	return group_create(t, key, len, hash, kind);
}

/* ---- Per-group content ---- */

static struct entry *entry_get(struct group *g, int64_t slot, uint8_t host)
{
	struct entry *e;
	uint16_t i, cap;

	for (i = 0; i < g->n_entries; i++)
		if (g->entries[i].slot == slot && g->entries[i].host == host)
			return &g->entries[i];
	if (g->n_entries == UINT16_MAX)
		return NULL;
	if (g->n_entries == g->cap_entries) {
		if (g->cap_entries == 0)
			cap = 1;
		else if (g->cap_entries > UINT16_MAX / 2)
			cap = UINT16_MAX;
		else
			cap = g->cap_entries * 2;
		e = realloc(g->entries, cap * sizeof(*e));
		if (e == NULL)
			return NULL;
		g->entries = e;
		g->cap_entries = cap;
	}
	e = &g->entries[g->n_entries++];
	memset(e, 0, sizeof(*e));
	e->slot = slot;
	e->host = host;
	return e;
}

static void addr_key(const struct gs_addr *a, uint8_t key[16])
{
	if (a->family == AF_INET) {
		memset(key, 0, 10);
		key[10] = key[11] = 0xff;
		memcpy(key + 12, a->bytes, 4);
	} else {
		memcpy(key, a->bytes, 16);
	}
}

static void key_addr(const uint8_t key[16], struct gs_addr *a)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0,    0,
					   0, 0, 0, 0, 0xff, 0xff};

	memset(a, 0, sizeof(*a));
	if (memcmp(key, mapped, sizeof(mapped)) == 0) {
		a->family = AF_INET;
		memcpy(a->bytes, key + 12, 4);
	} else {
		a->family = AF_INET6;
		memcpy(a->bytes, key, 16);
	}
}

/* Remembers key as seen in slot, unless the set is full (it saturates) or
 * memory is short (the distinct count then stays low). */
static void seen_note(struct seen **set, uint8_t *n, uint8_t *cap,
		      const uint8_t key[16], int64_t slot)
{
	struct seen *s;
	uint8_t i, newcap;

	for (i = 0; i < *n; i++) {
		if (memcmp((*set)[i].key, key, 16) == 0) {
			if ((*set)[i].slot < slot)
				(*set)[i].slot = slot;
			return;
		}
	}
	if (*n >= GS_TALLY_MAX_ADDRS)
		return;
	if (*n == *cap) {
		newcap = *cap == 0 ? 1 : *cap * 2;
		if (newcap > GS_TALLY_MAX_ADDRS)
			newcap = GS_TALLY_MAX_ADDRS;
		s = realloc(*set, newcap * sizeof(*s));
		if (s == NULL)
			return;
		*set = s;
		*cap = newcap;
	}
	memcpy((*set)[*n].key, key, 16);
	(*set)[*n].slot = slot;
	(*n)++;
}

/* Sanitises an example name (NULL is "") into buf. */
static void example_name(const char *name,
			 char buf[GS_TALLY_EXAMPLE_MAX_LEN + 1])
{
	sanitize(buf, GS_TALLY_EXAMPLE_MAX_LEN + 1, name != NULL ? name : "",
		 name != NULL ? strlen(name) : 0);
}

/* Adds buf (from example_name) to the examples unless it is empty, there
 * are enough or it is there. */
static void note_example(struct group *g, const char *buf)
{
	size_t len = strlen(buf), off;
	char *p;
	uint8_t i;

	if (g->n_examples >= GS_MAX_EXAMPLES || len == 0)
		return;
	for (i = 0, off = 0; i < g->n_examples; i++) {
		if (strcmp(g->examples + off, buf) == 0)
			return;
		off += strlen(g->examples + off) + 1;
	}
	p = realloc(g->examples, g->examples_len + len + 1);
	if (p == NULL)
		return;
	memcpy(p + g->examples_len, buf, len + 1);
	g->examples = p;
	g->examples_len = (uint8_t)(g->examples_len + len + 1);
	g->n_examples++;
}

static void note_times(struct group *g, int64_t first, int64_t last)
{
	if (first < g->first_seen)
		g->first_seen = first;
	if (last > g->last_seen)
		g->last_seen = last;
}

/* One event as gs_tally_add works it out before taking the lock: the
 * parsing and sanitising need no shared state, so the lock stays short. */
struct prepared {
	const char *group;
	enum gs_group_kind kind;
	enum gs_counter counter;
	int64_t time;
	bool has_delay, has_addr;
	uint32_t delay_s;
	uint8_t addr[16], net[16]; /* keys, when has_addr */
	char host[GS_TALLY_HOST_NAME_MAX_LEN + 1];
	char example[GS_TALLY_EXAMPLE_MAX_LEN + 1];
};

/* -1 when the event cannot be counted at all. */
static int prepare(const struct gs_event *ev, const char *group,
		   enum gs_group_kind kind, struct prepared *p)
{
	const char *example;
	struct gs_addr a, net;

	if (ev == NULL || group == NULL || group[0] == '\0' ||
	    (unsigned)ev->counter >= GS_C_COUNT ||
	    (kind != GS_KIND_NAME && kind != GS_KIND_NETWORK))
		return -1;
	p->group = group;
	p->kind = kind;
	p->counter = ev->counter;
	p->time = clamp_time(ev->time);
	p->has_delay = ev->counter == GS_C_DELAYED && ev->delay_s >= 0;
	p->delay_s = (unsigned long)ev->delay_s > UINT32_MAX
			 ? UINT32_MAX
			 : (uint32_t)ev->delay_s;
	p->has_addr = gs_addr_parse(ev->client_address, &a);
	if (p->has_addr) {
		addr_key(&a, p->addr);
		gs_addr_network(&a, &net);
		addr_key(&net, p->net);
	}
	host_name(ev->host, p->host);
	/* A network group's "unknown" clients differ by address only. */
	example = ev->client_name;
	if (kind == GS_KIND_NETWORK && (example == NULL || example[0] == '\0' ||
					strcasecmp(example, "unknown") == 0))
		example = ev->client_address;
	example_name(example, p->example);
	return 0;
}

/* Counts p into e. -1 when the histogram cannot be allocated (then nothing
 * is counted). */
static int entry_count(const struct gs_tally *t, struct entry *e,
		       const struct prepared *p)
{
	unsigned k;

	if (p->has_delay) {
		if (e->hist == NULL) {
			e->hist = calloc(1, sizeof(*e->hist));
			if (e->hist == NULL)
				return -1;
		}
		k = hist_bin(t->hist_lower, p->delay_s);
		e->hist->bins[k] = add32(e->hist->bins[k], 1);
		if (p->delay_s > e->hist->max_s)
			e->hist->max_s = p->delay_s;
	}
	e->counts[p->counter] = add32(e->counts[p->counter], 1);
	return 0;
}

/* gs_tally_add with the lock held. */
static int add_locked(struct gs_tally *t, const struct prepared *p)
{
	struct group *g;
	struct entry *e;
	int64_t slot;

	t->totals.actions++;
	t->totals.per_counter[p->counter]++;
	if (!t->has_end || p->time > t->end) {
		t->has_end = true;
		t->end = p->time;
	}
	if (p->time < t->end - (int64_t)t->window_s) {
		t->totals.too_old++;
		return 0;
	}
	slot = slot_of(t, p->time);
	g = group_get(t, p->group, p->kind);
	if (g == NULL)
		goto nomem;
	group_prune(g, min_live_slot(t));
	e = entry_get(g, slot, group_host(g, host_id(t, p->host)));
	if (e == NULL || entry_count(t, e, p) < 0)
		goto nomem;
	if (p->has_addr) {
		seen_note(&g->addrs, &g->n_addrs, &g->cap_addrs, p->addr, slot);
		seen_note(&g->nets, &g->n_nets, &g->cap_nets, p->net, slot);
	}
	note_example(g, p->example);
	note_times(g, p->time, p->time);
	return 0;
nomem:
	/* A group that holds nothing would only confuse eviction. */
	if (g != NULL && g->n_entries == 0)
		group_remove(t, g);
	t->totals.evicted++;
	return -1;
}

/* ---- Public functions ---- */

struct gs_tally *gs_tally_new(const struct gs_tally_config *cfg, char *err,
			      size_t errlen)
{
	struct gs_tally *t = NULL;
	uint64_t seed[3];

	if (cfg == NULL || cfg->window_s < GS_TALLY_SLOTS) {
		gs_seterr(err, errlen,
			  "tally: window of %lu s, expected at "
			  "least %d s",
			  cfg != NULL ? (unsigned long)cfg->window_s : 0ul,
			  GS_TALLY_SLOTS);
		return NULL;
	}
	if (cfg->max_groups < 1) {
		gs_seterr(err, errlen,
			  "tally: max_groups is 0, expected 1 "
			  "or more");
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		goto nomem;
	t->buckets = calloc(MIN_BUCKETS, sizeof(*t->buckets));
	t->hosts[OTHER_HOST_ID] = strdup(GS_TALLY_OTHER_HOST);
	if (t->buckets == NULL || t->hosts[OTHER_HOST_ID] == NULL)
		goto nomem;
	t->n_buckets = MIN_BUCKETS;
	t->window_s = cfg->window_s;
	t->slot_s = cfg->window_s / GS_TALLY_SLOTS;
	t->max_groups = cfg->max_groups;
	seed_random(seed, t);
	t->seed[0] = seed[0];
	t->seed[1] = seed[1];
	t->rng = seed[2] | 1; /* xorshift needs a non-zero state */
	t->n_hosts = 1;
	t->host_index[host_slot(t, GS_TALLY_OTHER_HOST)] = OTHER_HOST_ID + 1;
	hist_init_bounds(t->hist_lower);
	if (pthread_mutex_init(&t->lock, NULL) != 0) {
		gs_seterr(err, errlen, "tally: cannot create its mutex");
		goto fail;
	}
	return t;
nomem:
	gs_seterr(err, errlen, "tally: %s", strerror(ENOMEM));
fail:
	if (t != NULL) {
		free(t->buckets);
		free(t->hosts[OTHER_HOST_ID]);
		free(t);
	}
	return NULL;
}

void gs_tally_free(struct gs_tally *t)
{
	struct group *g, *next;
	size_t b;

	if (t == NULL)
		return;
	for (b = 0; b < t->n_buckets; b++) {
		for (g = t->buckets[b]; g != NULL; g = next) {
			next = g->next;
			group_destroy(g);
		}
	}
	for (b = 0; b < t->n_hosts; b++)
		free(t->hosts[b]);
	free(t->buckets);
	free(t->scratch);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

int gs_tally_add(struct gs_tally *t, const struct gs_event *ev,
		 const char *group, enum gs_group_kind kind)
{
	struct prepared p;
	int rc;

	if (prepare(ev, group, kind, &p) < 0) {
		lock(t);
		t->totals.unparsed++;
		unlock(t);
		return -1;
	}
	lock(t);
	rc = add_locked(t, &p);
	unlock(t);
	return rc;
}

void gs_tally_count_line(struct gs_tally *t)
{
	lock(t);
	t->totals.lines++;
	unlock(t);
}

void gs_tally_count_ignored(struct gs_tally *t)
{
	lock(t);
	t->totals.ignored++;
	unlock(t);
}

/* Keeps line as the newest sample, dropping the oldest when full. */
static void push_sample(struct gs_tally *t, const char *line, size_t len)
{
	sanitize(t->samples[t->next_sample], sizeof(t->samples[0]), line, len);
	t->next_sample = (t->next_sample + 1) % GS_MAX_SAMPLES;
	if (t->n_samples < GS_MAX_SAMPLES)
		t->n_samples++;
}

/* The i-th sample, oldest first. */
static const char *sample_at(const struct gs_tally *t, size_t i)
{
	size_t first =
	    (t->next_sample + GS_MAX_SAMPLES - t->n_samples) % GS_MAX_SAMPLES;

	return t->samples[(first + i) % GS_MAX_SAMPLES];
}

void gs_tally_count_unparsed(struct gs_tally *t, const char *line, size_t len)
{
	lock(t);
	t->totals.unparsed++;
	if (line != NULL)
		push_sample(t, line, len);
	unlock(t);
}

size_t gs_tally_groups(struct gs_tally *t)
{
	size_t n;

	lock(t);
	n = t->n_groups;
	unlock(t);
	return n;
}

/* ---- Snapshot ---- */

static int host_count_cmp(const void *a, const void *b)
{
	const struct gs_host_count *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->host, y->host);
}

/* Fills s->hosts: each host of g's entries with the sum of its counts. */
static int fill_hosts(const struct gs_tally *t, const struct group *g,
		      struct gs_group_stats *s)
{
	uint8_t ids[GS_TALLY_MAX_HOSTS + 1];
	uint64_t sums[GS_TALLY_MAX_HOSTS + 1];
	size_t n = 0, i, j;
	uint64_t sum;
	unsigned c;

	for (i = 0; i < g->n_entries; i++) {
		for (j = 0; j < n && ids[j] != g->entries[i].host; j++)
			;
		if (j == n) {
			/* group_host() keeps the distinct ids within bounds;
			 * a merge of states cannot exceed them either. */
			if (n == GS_TALLY_MAX_HOSTS + 1)
				continue;
			ids[n] = g->entries[i].host;
			sums[n++] = 0;
		}
		for (sum = 0, c = 0; c < GS_C_COUNT; c++)
			sum += g->entries[i].counts[c];
		sums[j] += sum;
	}
	s->hosts = calloc(n > 0 ? n : 1, sizeof(*s->hosts));
	if (s->hosts == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		s->hosts[i].host = strdup(t->hosts[ids[i]]);
		if (s->hosts[i].host == NULL)
			return -1;
		s->hosts[i].count = sums[i];
		s->n_hosts++;
	}
	qsort(s->hosts, s->n_hosts, sizeof(*s->hosts), host_count_cmp);
	return 0;
}

static int fill_examples(const struct group *g, struct gs_group_stats *s)
{
	size_t off = 0;
	uint8_t i;

	for (i = 0; i < g->n_examples; i++) {
		s->examples[i] = strdup(g->examples + off);
		if (s->examples[i] == NULL)
			return -1;
		s->n_examples++;
		off += strlen(g->examples + off) + 1;
	}
	return 0;
}

static void fill_counts(const struct gs_tally *t, const struct group *g,
			struct gs_group_stats *s)
{
	uint64_t bins[GS_TALLY_HIST_BINS] = {0};
	const struct entry *e;
	uint32_t max_s = 0;
	uint16_t i;
	unsigned k;

	for (i = 0; i < g->n_entries; i++) {
		e = &g->entries[i];
		for (k = 0; k < GS_C_COUNT; k++)
			s->counts[k] += e->counts[k];
		if (e->hist == NULL)
			continue;
		for (k = 0; k < GS_TALLY_HIST_BINS; k++)
			bins[k] += e->hist->bins[k];
		if (e->hist->max_s > max_s)
			max_s = e->hist->max_s;
	}
	s->delay_count = s->counts[GS_C_DELAYED];
	s->delay_max_s = max_s;
	s->delay_median_s = hist_median(t->hist_lower, bins, max_s);
}

static int fill_group(const struct gs_tally *t, const struct group *g,
		      struct gs_group_stats *s)
{
	s->domain = strdup(g->name);
	if (s->domain == NULL)
		return -1;
	s->kind = (enum gs_group_kind)g->kind;
	fill_counts(t, g, s);
	s->client_addresses = g->n_addrs;
	s->networks = g->n_nets;
	s->first_seen = (time_t)g->first_seen;
	s->last_seen = (time_t)g->last_seen;
	if (fill_examples(g, s) < 0)
		return -1;
	return fill_hosts(t, g, s);
}

/* A group's place in the summary's order, for choosing the busiest. */
struct pick {
	uint64_t new_, early;
	const struct group *g;
};

static void group_key(const struct group *g, struct pick *p)
{
	uint16_t i;

	p->new_ = 0;
	p->early = 0;
	p->g = g;
	for (i = 0; i < g->n_entries; i++) {
		p->new_ += g->entries[i].counts[GS_C_NEW];
		p->early += g->entries[i].counts[GS_C_EARLY_RETRY];
	}
}

/* < 0 when a comes before b in the summary: the order of gs_summary_sort
 * (new, then early_retry descending, then the name; names are unique in
 * the tally, so the kind never decides). */
static int pick_cmp(const struct pick *a, const struct pick *b)
{
	if (a->new_ != b->new_)
		return a->new_ > b->new_ ? -1 : 1;
	if (a->early != b->early)
		return a->early > b->early ? -1 : 1;
	return strcmp(a->g->name, b->g->name);
}

static void pick_swap(struct pick *h, size_t i, size_t j)
{
	struct pick x = h[i];

	h[i] = h[j];
	h[j] = x;
}

/* h[0..n) is a heap with the last in summary order at the root; restores
 * that after h[i] got an earlier (better) value. */
static void heap_down(struct pick *h, size_t n, size_t i)
{
	size_t worst, c;

	for (;;) {
		worst = i;
		for (c = 2 * i + 1; c <= 2 * i + 2 && c < n; c++)
			if (pick_cmp(&h[c], &h[worst]) > 0)
				worst = c;
		if (worst == i)
			return;
		pick_swap(h, i, worst);
		i = worst;
	}
}

static void heap_up(struct pick *h, size_t i)
{
	size_t parent;

	while (i > 0) {
		parent = (i - 1) / 2;
		if (pick_cmp(&h[i], &h[parent]) <= 0)
			return;
		pick_swap(h, i, parent);
		i = parent;
	}
}

/* The max busiest groups (max < n_groups) into h, in no order: one pass
 * over the table with a heap of the max best so far, whose root is the one
 * to drop next. O(n log max) time, max picks of memory. */
static size_t pick_busiest(const struct gs_tally *t, struct pick *h, size_t max)
{
	const struct group *g;
	struct pick p;
	size_t n = 0, b;

	for (b = 0; b < t->n_buckets; b++) {
		for (g = t->buckets[b]; g != NULL; g = g->next) {
			group_key(g, &p);
			if (n < max) {
				h[n] = p;
				heap_up(h, n++);
			} else if (pick_cmp(&p, &h[0]) < 0) {
				h[0] = p;
				heap_down(h, n, 0);
			}
		}
	}
	return n;
}

/* The header fields of a snapshot: everything but the groups. */
static int snapshot_head(const struct gs_tally *t, time_t now,
			 struct gs_summary *out)
{
	size_t i;

	out->version = GS_SUMMARY_VERSION;
	out->generated = now;
	out->window_s = t->window_s;
	/* Both stay 0 (the summary's "no event yet") until the first event;
	 * event times are never negative (clamp_time), nor is the start. */
	if (t->has_end) {
		out->window_end = (time_t)t->end;
		out->window_start = (time_t)(min_live_slot(t) * t->slot_s);
		if (out->window_start < 0)
			out->window_start = 0;
	}
	out->totals = t->totals;
	out->totals.groups = t->n_groups;
	for (i = 0; i < t->n_samples; i++) {
		out->samples[i] = strdup(sample_at(t, i));
		if (out->samples[i] == NULL)
			return -1;
		out->n_samples++;
	}
	return 0;
}

/* Copies the header and at most max groups (0: all) into out; the lock is
 * held and t swept. */
static int snapshot_locked(const struct gs_tally *t, time_t now, size_t max,
			   struct gs_summary *out)
{
	const struct group *g;
	struct pick *h = NULL;
	size_t b, i, n = t->n_groups;
	int rc = -1;

	if (snapshot_head(t, now, out) < 0)
		return -1;
	if (max != 0 && max < n) {
		h = malloc(max * sizeof(*h));
		if (h == NULL)
			return -1;
		n = pick_busiest(t, h, max);
	}
	out->groups = calloc(n > 0 ? n : 1, sizeof(*out->groups));
	if (out->groups == NULL)
		goto out;
	/* Counted before filling so that gs_summary_free releases a partly
	 * filled group too. */
	if (h != NULL) {
		for (i = 0; i < n; i++)
			if (fill_group(t, h[i].g,
				       &out->groups[out->n_groups++]) < 0)
				goto out;
	} else {
		for (b = 0; b < t->n_buckets; b++)
			for (g = t->buckets[b]; g != NULL; g = g->next)
				if (fill_group(t, g,
					       &out->groups[out->n_groups++]) <
				    0)
					goto out;
	}
	rc = 0;
out:
	free(h);
	return rc;
}

int gs_tally_snapshot_top(struct gs_tally *t, time_t now, size_t max_groups,
			  struct gs_summary *out, char *err, size_t errlen)
{
	int rc;

	memset(out, 0, sizeof(*out));
	lock(t);
	sweep(t);
	rc = snapshot_locked(t, now, max_groups, out);
	unlock(t);
	if (rc < 0) {
		gs_summary_free(out);
		return gs_seterr(err, errlen, "tally snapshot: %s",
				 strerror(ENOMEM));
	}
	gs_summary_sort(out);
	return 0;
}

int gs_tally_snapshot(struct gs_tally *t, time_t now, struct gs_summary *out,
		      char *err, size_t errlen)
{
	return gs_tally_snapshot_top(t, now, 0, out, err, errlen);
}

/* ---- Export ----
 *
 * The state writer reads the tally a chunk at a time: each call of
 * gs_tally_export_next() takes the lock, copies the groups of some buckets
 * as they are held (the internal structs, packed one after the other into a
 * buffer that is reused from chunk to chunk) and releases it; they are then
 * converted and written without the lock. So a save holds the lock for
 * short spans only and needs memory for one chunk, not for the tally.
 *
 * The buckets are visited in the order of their bit-reversed index, and the
 * progress is kept as a position in the bit-reversed 32-bit hash: groups
 * whose reversed hash lies below it are done. With 2^k buckets, bucket b
 * holds the groups whose low k hash bits are b, that is whose reversed hash
 * has rev_k(b) as its top k bits: visiting r = 0, 1, ... in reversed order
 * sweeps the reversed hash upwards. The table only ever doubles, which
 * splits each bucket into two whose reversed ranges are the halves of its
 * range, so the position stays valid across a resize between chunks: no
 * group is copied twice and none that stays in the tally is skipped. */

#define EXPORT_CHUNK_GROUPS  512  /* groups copied per lock hold, about */
#define EXPORT_CHUNK_BUCKETS 4096 /* most buckets visited per lock hold */
#define EXPORT_POS_END	     ((uint64_t)1 << 32)

struct gs_tally_copy {
	uint64_t pos; /* in the bit-reversed hash; EXPORT_POS_END when done */
	struct group **index; /* the copied groups, in buf */
	size_t n, cap_index;
	char *buf;
	size_t used, cap_buf;
	/* What gs_tally_export_group() hands out points here. */
	struct gs_tally_xentry *entries;
	size_t cap_entries;
	struct gs_tally_xaddr addrs[GS_TALLY_MAX_ADDRS];
	struct gs_tally_xaddr nets[GS_TALLY_MAX_ADDRS];
};

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static size_t copy_size(const struct group *g)
{
	size_t n = align8(sizeof(*g) + strlen(g->name) + 1);
	uint16_t i;

	n += align8(g->n_entries * sizeof(struct entry));
	for (i = 0; i < g->n_entries; i++)
		if (g->entries[i].hist != NULL)
			n += align8(sizeof(struct hist));
	n += align8(g->n_addrs * sizeof(struct seen));
	n += align8(g->n_nets * sizeof(struct seen));
	return n + align8(g->examples_len);
}

/* Appends a copy of g to c->buf (which has room), its pointers aimed into
 * the copy. */
static void copy_group(struct gs_tally_copy *c, const struct group *g)
{
	size_t len = strlen(g->name) + 1;
	char *p = c->buf + c->used;
	struct group *d;
	uint16_t i;

	c->used += copy_size(g);
	d = (struct group *)p;
	memcpy(d, g, sizeof(*g) + len);
	d->next = NULL;
	p += align8(sizeof(*g) + len);
	d->entries = (struct entry *)p;
	memcpy(p, g->entries, g->n_entries * sizeof(struct entry));
	p += align8(g->n_entries * sizeof(struct entry));
	for (i = 0; i < g->n_entries; i++) {
		if (g->entries[i].hist == NULL)
			continue;
		d->entries[i].hist = (struct hist *)p;
		memcpy(p, g->entries[i].hist, sizeof(struct hist));
		p += align8(sizeof(struct hist));
	}
	d->addrs = (struct seen *)p;
	memcpy(p, g->addrs, g->n_addrs * sizeof(struct seen));
	p += align8(g->n_addrs * sizeof(struct seen));
	d->nets = (struct seen *)p;
	memcpy(p, g->nets, g->n_nets * sizeof(struct seen));
	p += align8(g->n_nets * sizeof(struct seen));
	d->examples = p;
	memcpy(p, g->examples, g->examples_len);
	c->index[c->n++] = d;
}

/* The low bits bits of x in reverse order. */
static uint64_t reverse_bits(uint64_t x, unsigned bits)
{
	uint64_t r = 0;
	unsigned i;

	for (i = 0; i < bits; i++, x >>= 1)
		r = r << 1 | (x & 1);
	return r;
}

static unsigned log2_size(size_t n)
{
	unsigned k = 0;

	while (((size_t)1 << k) < n)
		k++;
	return k;
}

/* Drops what left the window from the groups of bucket b, and the groups
 * left empty; adds the copy sizes of the others to *size and *count. */
static void prune_bucket(struct gs_tally *t, size_t b, int64_t min_live,
			 size_t *size, size_t *count)
{
	struct group **pp = &t->buckets[b], *g;

	while ((g = *pp) != NULL) {
		if (!group_prune(g, min_live)) {
			*pp = g->next;
			t->n_groups--;
			group_destroy(g);
			continue;
		}
		*size += copy_size(g);
		(*count)++;
		pp = &g->next;
	}
}

/* One chunk under the lock: prunes and measures the buckets from c->pos on
 * until the chunk is big enough, makes room, copies them. -1 on no memory
 * (c->pos unchanged). */
static int export_chunk_locked(struct gs_tally *t, struct gs_tally_copy *c)
{
	/* At most 2^32 buckets (k <= 32): more would take 2^32 groups. */
	unsigned k = log2_size(t->n_buckets);
	uint64_t first = c->pos >> (32 - k), r, end = (uint64_t)1 << k;
	int64_t min_live = min_live_slot(t);
	size_t size = 0, count = 0;
	struct group **index;
	const struct group *g;
	char *buf;

	for (r = first; r < end && r - first < EXPORT_CHUNK_BUCKETS &&
			count < EXPORT_CHUNK_GROUPS;
	     r++)
		prune_bucket(t, reverse_bits(r, k), min_live, &size, &count);
	if (size > c->cap_buf) {
		buf = realloc(c->buf, size);
		if (buf == NULL)
			return -1;
		c->buf = buf;
		c->cap_buf = size;
	}
	if (count > c->cap_index) {
		index = realloc(c->index, count * sizeof(*index));
		if (index == NULL)
			return -1;
		c->index = index;
		c->cap_index = count;
	}
	for (end = r, r = first; r < end; r++)
		for (g = t->buckets[reverse_bits(r, k)]; g != NULL; g = g->next)
			copy_group(c, g);
	c->pos = end << (32 - k);
	return 0;
}

int gs_tally_export_begin(struct gs_tally *t, struct gs_tally_export *out,
			  char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	/* Configuration: read-only, no lock needed. */
	out->window_s = t->window_s;
	out->slot_s = t->slot_s;
	out->copy = calloc(1, sizeof(*out->copy));
	if (out->copy == NULL)
		return gs_seterr(err, errlen, "tally export: %s",
				 strerror(ENOMEM));
	return 0;
}

int gs_tally_export_next(struct gs_tally *t, struct gs_tally_export *x,
			 char *err, size_t errlen)
{
	struct gs_tally_copy *c = x->copy;
	int rc;

	if (c == NULL)
		return gs_seterr(err, errlen, "tally export: not begun");
	x->n_groups = 0;
	c->n = 0;
	c->used = 0;
	if (c->pos >= EXPORT_POS_END)
		return 0;
	lock(t);
	rc = export_chunk_locked(t, c);
	unlock(t);
	if (rc < 0)
		return gs_seterr(err, errlen, "tally export: %s",
				 strerror(ENOMEM));
	x->n_groups = c->n;
	return 1;
}

static int export_tail_locked(const struct gs_tally *t,
			      struct gs_tally_export *x)
{
	size_t i;

	x->has_end = t->has_end;
	x->end = t->has_end ? (time_t)t->end : 0;
	x->totals = t->totals;
	for (i = 0; i < t->n_samples; i++) {
		x->samples[i] = strdup(sample_at(t, i));
		if (x->samples[i] == NULL)
			return -1;
		x->n_samples++;
	}
	x->hosts = calloc(t->n_hosts, sizeof(*x->hosts));
	if (x->hosts == NULL)
		return -1;
	for (i = 0; i < t->n_hosts; i++) {
		x->hosts[i] = strdup(t->hosts[i]);
		if (x->hosts[i] == NULL)
			return -1;
		x->n_hosts++;
	}
	return 0;
}

int gs_tally_export_finish(struct gs_tally *t, struct gs_tally_export *x,
			   char *err, size_t errlen)
{
	int rc;

	if (x->hosts != NULL || x->n_samples > 0)
		return gs_seterr(err, errlen, "tally export: finished twice");
	lock(t);
	rc = export_tail_locked(t, x);
	unlock(t);
	if (rc < 0)
		return gs_seterr(err, errlen, "tally export: %s",
				 strerror(ENOMEM));
	return 0;
}

static void copy_free(struct gs_tally_copy *c)
{
	if (c == NULL)
		return;
	free(c->buf);
	free(c->index);
	free(c->entries);
	free(c);
}

void gs_tally_export_free(struct gs_tally_export *x)
{
	struct gs_tally_xgroup *xg;
	size_t i, j;

	if (x == NULL)
		return;
	for (i = 0; i < x->n_samples; i++)
		free(x->samples[i]);
	for (i = 0; i < x->n_hosts; i++)
		free(x->hosts[i]);
	free(x->hosts);
	for (i = 0; x->groups != NULL && i < x->n_groups; i++) {
		xg = &x->groups[i];
		free(xg->name);
		for (j = 0; j < xg->n_entries; j++)
			free(xg->entries[j].hist);
		free(xg->entries);
		free(xg->addrs);
		free(xg->nets);
		for (j = 0; j < xg->n_examples; j++)
			free(xg->examples[j]);
	}
	free(x->groups);
	copy_free(x->copy);
	memset(x, 0, sizeof(*x));
}

static void view_seen(const struct seen *s, uint8_t n,
		      struct gs_tally_xaddr *out)
{
	uint8_t i;

	for (i = 0; i < n; i++) {
		key_addr(s[i].key, &out[i].addr);
		out[i].slot = s[i].slot;
	}
}

int gs_tally_export_group(struct gs_tally_export *x, size_t i,
			  struct gs_tally_xgroup *view)
{
	struct gs_tally_copy *c = x->copy;
	struct gs_tally_xentry *xe;
	const struct group *g;
	const struct entry *e;
	size_t off = 0, k;

	memset(view, 0, sizeof(*view));
	if (c == NULL || i >= c->n)
		return -1;
	g = c->index[i];
	if (g->n_entries > c->cap_entries) {
		xe = realloc(c->entries, g->n_entries * sizeof(*xe));
		if (xe == NULL)
			return -1;
		c->entries = xe;
		c->cap_entries = g->n_entries;
	}
	for (k = 0; k < g->n_entries; k++) {
		e = &g->entries[k];
		xe = &c->entries[k];
		memset(xe, 0, sizeof(*xe));
		xe->slot = e->slot;
		xe->host = e->host;
		memcpy(xe->counts, e->counts, sizeof(xe->counts));
		if (e->hist != NULL) {
			xe->hist = e->hist->bins;
			xe->delay_max_s = e->hist->max_s;
		}
	}
	view_seen(g->addrs, g->n_addrs, c->addrs);
	view_seen(g->nets, g->n_nets, c->nets);
	view->name = (char *)g->name;
	view->kind = (enum gs_group_kind)g->kind;
	view->first_seen = (time_t)g->first_seen;
	view->last_seen = (time_t)g->last_seen;
	view->entries = c->entries;
	view->n_entries = g->n_entries;
	view->addrs = c->addrs;
	view->n_addrs = g->n_addrs;
	view->nets = c->nets;
	view->n_nets = g->n_nets;
	for (k = 0; k < g->n_examples; k++) {
		view->examples[k] = g->examples + off;
		off += strlen(g->examples + off) + 1;
	}
	view->n_examples = g->n_examples;
	return 0;
}

/* ---- Import ---- */

static int check_time(int64_t v, const char *group, const char *field,
		      char *err, size_t errlen)
{
	if (v < 0 || v > GS_TALLY_TIME_MAX)
		return gs_seterr(
		    err, errlen, "group \"%s\": %s %lld out of range 0..%lld",
		    group, field, (long long)v, (long long)GS_TALLY_TIME_MAX);
	return 0;
}

static int check_seen(const struct gs_tally_export *in,
		      const struct gs_tally_xaddr *a, size_t n,
		      const char *group, const char *field, char *err,
		      size_t errlen)
{
	size_t i;

	if (n > GS_TALLY_MAX_ADDRS)
		return gs_seterr(err, errlen,
				 "group \"%s\": %zu %s, at most %d allowed",
				 group, n, field, GS_TALLY_MAX_ADDRS);
	for (i = 0; i < n; i++) {
		if (a[i].addr.family != AF_INET && a[i].addr.family != AF_INET6)
			return gs_seterr(err, errlen,
					 "group \"%s\": %s[%zu]: not an IPv4 "
					 "or IPv6 address",
					 group, field, i);
		if (a[i].slot < 0 ||
		    a[i].slot > GS_TALLY_TIME_MAX / (int64_t)in->slot_s)
			return gs_seterr(err, errlen,
					 "group \"%s\": %s[%zu]: slot %lld out "
					 "of range",
					 group, field, i, (long long)a[i].slot);
	}
	return 0;
}

/* A histogram must hold at most the delayed count, and its maximum must lie
 * in its highest non-empty bin. */
static int check_hist(const uint32_t lower[GS_TALLY_HIST_BINS],
		      const struct gs_tally_xentry *e, const char *group,
		      size_t idx, char *err, size_t errlen)
{
	uint64_t sum = 0;
	unsigned k, top = 0;

	if (e->hist == NULL) {
		if (e->delay_max_s != 0)
			return gs_seterr(err, errlen,
					 "group \"%s\": entries[%zu]: "
					 "delay_max_s without a histogram",
					 group, idx);
		return 0;
	}
	for (k = 0; k < GS_TALLY_HIST_BINS; k++) {
		sum += e->hist[k];
		if (e->hist[k] > 0)
			top = k;
	}
	if (sum == 0 || sum > e->counts[GS_C_DELAYED])
		return gs_seterr(err, errlen,
				 "group \"%s\": entries[%zu]: histogram holds "
				 "%llu delays for %lu delayed events",
				 group, idx, (unsigned long long)sum,
				 (unsigned long)e->counts[GS_C_DELAYED]);
	if (e->delay_max_s < lower[top] ||
	    e->delay_max_s > hist_bin_high(lower, top, UINT32_MAX))
		return gs_seterr(err, errlen,
				 "group \"%s\": entries[%zu]: delay_max_s %lu "
				 "does not match the histogram",
				 group, idx, (unsigned long)e->delay_max_s);
	return 0;
}

static int check_group(const uint32_t lower[GS_TALLY_HIST_BINS],
		       const struct gs_tally_export *in,
		       const struct gs_tally_xgroup *xg, char *err,
		       size_t errlen)
{
	const struct gs_tally_xentry *e;
	const char *name = xg->name != NULL ? xg->name : "";
	size_t i;

	if (xg->name == NULL || xg->name[0] == '\0' ||
	    strlen(xg->name) >= GS_GROUP_MAX)
		return gs_seterr(err, errlen,
				 "group \"%s\": name empty or longer than %d "
				 "bytes",
				 name, GS_GROUP_MAX - 1);
	if (xg->kind != GS_KIND_NAME && xg->kind != GS_KIND_NETWORK)
		return gs_seterr(err, errlen, "group \"%s\": invalid kind",
				 name);
	if (check_time(xg->first_seen, name, "first_seen", err, errlen) < 0 ||
	    check_time(xg->last_seen, name, "last_seen", err, errlen) < 0)
		return -1;
	if (xg->first_seen > xg->last_seen)
		return gs_seterr(err, errlen,
				 "group \"%s\": first_seen after last_seen",
				 name);
	for (i = 0; i < xg->n_entries; i++) {
		e = &xg->entries[i];
		if (e->slot < 0 ||
		    e->slot > GS_TALLY_TIME_MAX / (int64_t)in->slot_s)
			return gs_seterr(err, errlen,
					 "group \"%s\": entries[%zu]: slot "
					 "%lld out of range",
					 name, i, (long long)e->slot);
		if (e->host >= in->n_hosts)
			return gs_seterr(err, errlen,
					 "group \"%s\": entries[%zu]: host %lu "
					 "not in the %zu hosts",
					 name, i, (unsigned long)e->host,
					 in->n_hosts);
		if (check_hist(lower, e, name, i, err, errlen) < 0)
			return -1;
	}
	if (check_seen(in, xg->addrs, xg->n_addrs, name, "addresses", err,
		       errlen) < 0 ||
	    check_seen(in, xg->nets, xg->n_nets, name, "networks", err,
		       errlen) < 0)
		return -1;
	if (xg->n_examples > GS_MAX_EXAMPLES)
		return gs_seterr(err, errlen,
				 "group \"%s\": %zu examples, at most %d", name,
				 xg->n_examples, GS_MAX_EXAMPLES);
	for (i = 0; i < xg->n_examples; i++)
		if (xg->examples[i] == NULL ||
		    strlen(xg->examples[i]) > GS_TALLY_EXAMPLE_MAX_LEN)
			return gs_seterr(err, errlen,
					 "group \"%s\": examples[%zu] missing "
					 "or longer than %d bytes",
					 name, i, GS_TALLY_EXAMPLE_MAX_LEN);
	return 0;
}

int gs_tally_check_group(const struct gs_tally_export *in,
			 const struct gs_tally_xgroup *g, char *err,
			 size_t errlen)
{
	uint32_t lower[GS_TALLY_HIST_BINS];

	if (in->slot_s < 1)
		return gs_seterr(err, errlen, "slot_s is 0");
	hist_init_bounds(lower);
	return check_group(lower, in, g, err, errlen);
}

static int check_export(const struct gs_tally *t,
			const struct gs_tally_export *in, char *err,
			size_t errlen)
{
	size_t i;

	if (in->window_s < GS_TALLY_SLOTS || in->slot_s < 1 ||
	    in->slot_s > in->window_s)
		return gs_seterr(err, errlen,
				 "window_s %lu and slot_s %lu: expected a "
				 "window of at least %d s and slots within it",
				 (unsigned long)in->window_s,
				 (unsigned long)in->slot_s, GS_TALLY_SLOTS);
	if (in->has_end && (in->end < 0 || in->end > GS_TALLY_TIME_MAX))
		return gs_seterr(err, errlen, "end %lld out of range",
				 (long long)in->end);
	if (in->n_samples > GS_MAX_SAMPLES)
		return gs_seterr(err, errlen, "%zu samples, at most %d",
				 in->n_samples, GS_MAX_SAMPLES);
	for (i = 0; i < in->n_samples; i++)
		if (in->samples[i] == NULL ||
		    strlen(in->samples[i]) > GS_SAMPLE_MAX_LEN)
			return gs_seterr(err, errlen,
					 "samples[%zu] missing or longer than "
					 "%d bytes",
					 i, GS_SAMPLE_MAX_LEN);
	if (in->n_hosts > GS_TALLY_MAX_HOST_NAMES)
		return gs_seterr(err, errlen, "%zu hosts, at most %d",
				 in->n_hosts, GS_TALLY_MAX_HOST_NAMES);
	for (i = 0; i < in->n_hosts; i++)
		if (in->hosts[i] == NULL ||
		    strlen(in->hosts[i]) > GS_TALLY_HOST_NAME_MAX_LEN)
			return gs_seterr(err, errlen,
					 "hosts[%zu] missing or longer than %d "
					 "bytes",
					 i, GS_TALLY_HOST_NAME_MAX_LEN);
	if (in->n_groups > 0 && in->groups == NULL)
		return gs_seterr(err, errlen, "no groups[] to import");
	for (i = 0; i < in->n_groups; i++)
		if (check_group(t->hist_lower, in, &in->groups[i], err,
				errlen) < 0)
			return -1;
	return 0;
}

static void merge_totals(struct gs_totals *to, const struct gs_totals *from)
{
	unsigned c;

	to->lines += from->lines;
	to->actions += from->actions;
	to->unparsed += from->unparsed;
	to->ignored += from->ignored;
	to->evicted += from->evicted;
	to->too_old += from->too_old;
	for (c = 0; c < GS_C_COUNT; c++)
		to->per_counter[c] += from->per_counter[c];
}

/* The imported samples go before the tally's own (they are older). */
static void merge_samples(struct gs_tally *t, const struct gs_tally_export *in)
{
	char own[GS_MAX_SAMPLES][GS_SAMPLE_MAX_LEN + 1];
	size_t n_own = t->n_samples, i;

	for (i = 0; i < n_own; i++)
		memcpy(own[i], sample_at(t, i), sizeof(own[i]));
	t->n_samples = 0;
	t->next_sample = 0;
	for (i = 0; i < in->n_samples; i++)
		push_sample(t, in->samples[i], strlen(in->samples[i]));
	for (i = 0; i < n_own; i++)
		push_sample(t, own[i], strlen(own[i]));
}

/* in's slot number converted to t's slots. */
static int64_t import_slot(const struct gs_tally *t,
			   const struct gs_tally_export *in, int64_t slot)
{
	if (in->slot_s == t->slot_s)
		return slot;
	return slot_of(t, slot * (int64_t)in->slot_s);
}

static int merge_entry(struct gs_tally *t, struct group *g,
		       const struct gs_tally_xentry *x, int64_t slot,
		       uint8_t host)
{
	struct entry *e;
	unsigned k;

	e = entry_get(g, slot, group_host(g, host));
	if (e == NULL)
		return -1;
	if (x->hist != NULL && e->hist == NULL) {
		e->hist = calloc(1, sizeof(*e->hist));
		if (e->hist == NULL)
			return -1;
	}
	for (k = 0; k < GS_C_COUNT; k++)
		e->counts[k] = add32(e->counts[k], x->counts[k]);
	if (x->hist == NULL)
		return 0;
	for (k = 0; k < GS_TALLY_HIST_BINS; k++)
		e->hist->bins[k] = add32(e->hist->bins[k], x->hist[k]);
	if (x->delay_max_s > e->hist->max_s)
		e->hist->max_s = x->delay_max_s;
	return 0;
}

static void merge_seen(const struct gs_tally *t,
		       const struct gs_tally_export *in, struct seen **set,
		       uint8_t *n, uint8_t *cap, const struct gs_tally_xaddr *a,
		       size_t n_a, int64_t min_live)
{
	uint8_t key[16];
	int64_t slot;
	size_t i;

	for (i = 0; i < n_a; i++) {
		slot = import_slot(t, in, a[i].slot);
		if (slot < min_live)
			continue;
		addr_key(&a[i].addr, key);
		seen_note(set, n, cap, key, slot);
	}
}

static int merge_group(struct gs_tally *t, const struct gs_tally_export *in,
		       const struct gs_tally_xgroup *xg,
		       const uint8_t *host_map)
{
	char example[GS_TALLY_EXAMPLE_MAX_LEN + 1];
	int64_t min_live = min_live_slot(t), slot;
	struct group *g;
	bool any = false;
	size_t i;

	for (i = 0; i < xg->n_entries && !any; i++)
		any = import_slot(t, in, xg->entries[i].slot) >= min_live;
	if (!any)
		return 0;
	g = group_get(t, xg->name, xg->kind);
	if (g == NULL)
		return -1;
	group_prune(g, min_live);
	for (i = 0; i < xg->n_entries; i++) {
		slot = import_slot(t, in, xg->entries[i].slot);
		if (slot < min_live)
			continue;
		if (merge_entry(t, g, &xg->entries[i], slot,
				host_map[xg->entries[i].host]) < 0)
			goto fail;
	}
	merge_seen(t, in, &g->addrs, &g->n_addrs, &g->cap_addrs, xg->addrs,
		   xg->n_addrs, min_live);
	merge_seen(t, in, &g->nets, &g->n_nets, &g->cap_nets, xg->nets,
		   xg->n_nets, min_live);
	for (i = 0; i < xg->n_examples; i++) {
		example_name(xg->examples[i], example);
		note_example(g, example);
	}
	note_times(g, xg->first_seen, xg->last_seen);
	return 0;
fail:
	if (g->n_entries == 0)
		group_remove(t, g);
	return -1;
}

static int import_locked(struct gs_tally *t, const struct gs_tally_export *in,
			 char *err, size_t errlen)
{
	char name[GS_TALLY_HOST_NAME_MAX_LEN + 1];
	uint8_t host_map[GS_TALLY_MAX_HOST_NAMES];
	size_t i;

	if (check_export(t, in, err, errlen) < 0)
		return -1;
	for (i = 0; i < in->n_hosts; i++) {
		host_name(in->hosts[i], name);
		host_map[i] = host_id(t, name);
	}
	merge_totals(&t->totals, &in->totals);
	merge_samples(t, in);
	if (in->has_end && (!t->has_end || in->end > t->end)) {
		t->has_end = true;
		t->end = in->end;
	}
	for (i = 0; i < in->n_groups; i++)
		if (merge_group(t, in, &in->groups[i], host_map) < 0)
			return gs_seterr(err, errlen,
					 "group \"%s\": %s (the tally holds "
					 "part of the state)",
					 in->groups[i].name, strerror(ENOMEM));
	return 0;
}

int gs_tally_import(struct gs_tally *t, const struct gs_tally_export *in,
		    char *err, size_t errlen)
{
	int rc;

	lock(t);
	rc = import_locked(t, in, err, errlen);
	unlock(t);
	return rc;
}
