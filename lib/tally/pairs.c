/* The open-pair table (see pairs.h): slots in one array, found through a
 * chained hash index and kept in a doubly linked list in the order they
 * were opened. Links are slot numbers + 1 (0 is none) of 30 bits, so that
 * a slot is 40 bytes: the bucket link shares its word with the two flags.
 * Free slots are chained through their "newer" link.
 *
 * Concurrency: none (the caller's lock guards every call). */
#include "gs_config.h"

#include "tally/pairs.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "base/error.h"
#include "base/siphash.h"
#include "input/group.h"

#define NONE	    0u
#define LINK_MASK   ((1u << 30) - 1)
#define F_RETURNED  (1u << 30)
#define F_OTHER_NET (1u << 31)
#define MIN_BUCKETS 16u		       /* power of two */
#define GROUP_KEEP  (GS_GROUP_MAX - 1) /* bytes of a group the key covers */
#define TIME_MAX    ((int64_t)UINT32_MAX)

struct slot {
	uint64_t key, group_id, net;
	uint32_t first_s;      /* time of the first greylisting */
	uint32_t older, newer; /* opening order; free list: newer */
	uint32_t chain;	       /* bucket link, F_RETURNED, F_OTHER_NET */
};

_Static_assert(sizeof(struct slot) == GS_PAIRS_SLOT_BYTES,
	       "pairs.h states the slot size");

struct gs_pairs {
	struct slot *slots;
	uint32_t n_slots; /* allocated */
	uint32_t used;	  /* slots [0, used) have been handed out */
	uint32_t free;	  /* free list */
	uint32_t *buckets;
	uint32_t n_buckets; /* power of two */
	unsigned bucket_bits;
	uint32_t oldest, newest;
	size_t held, max;
	uint32_t window_s;
	uint64_t mix[2]; /* random; mix[1] odd */
	uint64_t passed, expired, evicted;
	/* The stepwise export: the next pair to copy (NONE: at the end), for
	 * the ticket `ticket` while `exporting`. */
	uint32_t cursor;
	bool exporting;
	uint64_t ticket;
};

/* The fixed key of gs_pairs_key: the pair keys in a state file must mean
 * the same pairs after a restart. */
static const uint64_t pair_key_sip[2] = {0x67726579736361ull,
					 0x6e2070616972730aull};

static void put_cut(char *buf, size_t *len, const char *s, size_t keep)
{
	size_t n = s != NULL ? strnlen(s, keep) : 0;

	if (n > 0)
		memcpy(buf + *len, s, n);
	*len += n;
	buf[(*len)++] = '\0';
}

uint64_t gs_pairs_key(const char *group, const char *sender_key,
		      const char *recipient_key)
{
	char buf[GROUP_KEEP + 2 * GS_PAIRS_ADDR_MAX + 3];
	size_t len = 0;

	put_cut(buf, &len, group, GROUP_KEEP);
	put_cut(buf, &len, sender_key, GS_PAIRS_ADDR_MAX);
	put_cut(buf, &len, recipient_key, GS_PAIRS_ADDR_MAX);
	/* The last NUL is no separator. */
	return gs_siphash13(pair_key_sip, buf, len - 1);
}

static void seed_mix(uint64_t mix[2], const void *salt)
{
	struct timespec ts;

	if (getrandom(mix, 2 * sizeof(mix[0]), GRND_NONBLOCK) !=
	    (ssize_t)(2 * sizeof(mix[0]))) {
		/* Early boot without entropy: weaker, still not guessable
		 * from the log. */
		clock_gettime(CLOCK_REALTIME, &ts);
		mix[0] = (uint64_t)ts.tv_nsec << 32 ^ (uint64_t)ts.tv_sec;
		mix[1] = (uint64_t)getpid() << 32 ^ (uint64_t)(uintptr_t)salt;
		mix[1] = gs_siphash13(mix, "pairs", 5);
	}
	mix[1] |= 1;
}

struct gs_pairs *gs_pairs_new(const struct gs_pairs_config *cfg, char *err,
			      size_t errlen)
{
	struct gs_pairs *p;

	if (cfg == NULL) {
		gs_seterr(err, errlen, "pairs: no configuration");
		return NULL;
	}
	if (cfg->max_pairs > GS_PAIRS_MAX) {
		gs_seterr(err, errlen, "max_pairs %zu: more than %u",
			  cfg->max_pairs, (unsigned)GS_PAIRS_MAX);
		return NULL;
	}
	if (cfg->retry_window_s < 1 ||
	    cfg->retry_window_s > GS_PAIRS_MAX_RETRY_WINDOW_S) {
		gs_seterr(err, errlen, "retry_window %u s: not in 1..%u",
			  (unsigned)cfg->retry_window_s,
			  (unsigned)GS_PAIRS_MAX_RETRY_WINDOW_S);
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		gs_seterr(err, errlen, "pairs: no memory");
		return NULL;
	}
	p->max = cfg->max_pairs;
	p->window_s = cfg->retry_window_s;
	seed_mix(p->mix, p);
	return p;
}

void gs_pairs_free(struct gs_pairs *p)
{
	if (p == NULL)
		return;
	free(p->slots);
	free(p->buckets);
	free(p);
}

/* ---- slots, links, index ---- */

static struct slot *at(const struct gs_pairs *p, uint32_t link)
{
	return &p->slots[link - 1];
}

static uint32_t bucket_of(const struct gs_pairs *p, uint64_t key)
{
	/* Multiply-shift over a random xor: a universal hash of the key. */
	return (uint32_t)(((key ^ p->mix[0]) * p->mix[1]) >>
			  (64 - p->bucket_bits));
}

static uint32_t chain_next(const struct slot *s)
{
	return s->chain & LINK_MASK;
}

static void set_chain_next(struct slot *s, uint32_t link)
{
	s->chain = (s->chain & ~LINK_MASK) | link;
}

static uint32_t find(const struct gs_pairs *p, uint64_t key)
{
	uint32_t link;

	if (p->n_buckets == 0)
		return NONE;
	for (link = p->buckets[bucket_of(p, key)]; link != NONE;
	     link = chain_next(at(p, link)))
		if (at(p, link)->key == key)
			return link;
	return NONE;
}

static void index_add(struct gs_pairs *p, uint32_t link)
{
	uint32_t *head = &p->buckets[bucket_of(p, at(p, link)->key)];

	set_chain_next(at(p, link), *head);
	*head = link;
}

static void index_remove(struct gs_pairs *p, uint32_t link)
{
	uint32_t *prev = &p->buckets[bucket_of(p, at(p, link)->key)];

	/* A bucket head holds a link only; a slot's chain word also holds
	 * that slot's flags, which stay. */
	while ((*prev & LINK_MASK) != link)
		prev = &at(p, *prev & LINK_MASK)->chain;
	*prev = (*prev & ~LINK_MASK) | chain_next(at(p, link));
}

/* A fresh index of n buckets holding every open pair; -1 on no memory
 * (the old index stays). */
static int reindex(struct gs_pairs *p, uint32_t n)
{
	uint32_t *b = calloc(n, sizeof(*b)), link;
	unsigned bits = 0;

	if (b == NULL)
		return -1;
	while ((1u << bits) < n)
		bits++;
	free(p->buckets);
	p->buckets = b;
	p->n_buckets = n;
	p->bucket_bits = bits;
	for (link = p->oldest; link != NONE; link = at(p, link)->newer)
		index_add(p, link);
	return 0;
}

/* Doubles the slots (up to max) and keeps the index at least half as many
 * buckets as slots. -1 when there is no room or no memory: then no slot was
 * added. Without memory for a larger index the old one serves on (longer
 * chains, tried again at the next growth). */
static int grow(struct gs_pairs *p)
{
	size_t n =
	    p->n_slots == 0 ? GS_PAIRS_FIRST_SLOTS : 2 * (size_t)p->n_slots;
	uint32_t nb = p->n_buckets != 0 ? p->n_buckets : MIN_BUCKETS;
	struct slot *s;

	if (n > p->max)
		n = p->max;
	if (n <= p->n_slots)
		return -1;
	while ((size_t)nb < n / 2)
		nb *= 2;
	s = realloc(p->slots, n * sizeof(*s));
	if (s == NULL)
		return -1;
	p->slots = s;
	if (nb != p->n_buckets && reindex(p, nb) != 0 && p->n_buckets == 0)
		return -1; /* no index at all: the slots stay unused */
	p->n_slots = (uint32_t)n;
	return 0;
}

/* A free slot, or NONE when memory runs out. */
static uint32_t take_slot(struct gs_pairs *p)
{
	uint32_t link = p->free;

	if (link != NONE) {
		p->free = at(p, link)->newer;
		return link;
	}
	if (p->used == p->n_slots && grow(p) != 0)
		return NONE;
	return ++p->used;
}

static void to_pair(const struct slot *s, struct gs_pair *out)
{
	out->key = s->key;
	out->group_id = s->group_id;
	out->net = s->net;
	out->first = s->first_s;
	out->returned = (s->chain & F_RETURNED) != 0;
	out->other_network = (s->chain & F_OTHER_NET) != 0;
}

/* Takes the pair out of the index and the order and frees its slot. */
static void drop(struct gs_pairs *p, uint32_t link)
{
	struct slot *s = at(p, link);

	if (p->exporting && p->cursor == link)
		p->cursor = s->newer; /* the export steps over it */
	index_remove(p, link);
	if (s->older != NONE)
		at(p, s->older)->newer = s->newer;
	else
		p->oldest = s->newer;
	if (s->newer != NONE)
		at(p, s->newer)->older = s->older;
	else
		p->newest = s->older;
	s->newer = p->free;
	p->free = link;
	p->held--;
}

/* Opens a pair in a free slot as the newest. */
static void open_pair(struct gs_pairs *p, uint32_t link,
		      const struct gs_pair *pair)
{
	struct slot *s = at(p, link);

	s->key = pair->key;
	s->group_id = pair->group_id;
	s->net = pair->net;
	s->first_s = (uint32_t)pair->first;
	s->chain = (pair->returned ? F_RETURNED : 0) |
		   (pair->other_network ? F_OTHER_NET : 0);
	s->older = p->newest;
	s->newer = NONE;
	if (p->newest != NONE)
		at(p, p->newest)->newer = link;
	else
		p->oldest = link;
	p->newest = link;
	index_add(p, link);
	p->held++;
}

/* ---- events ---- */

static uint32_t clamp_time(int64_t t)
{
	if (t < 0)
		return 0;
	return t > TIME_MAX ? UINT32_MAX : (uint32_t)t;
}

static bool has_expired(const struct gs_pairs *p, const struct slot *s,
			uint32_t t)
{
	return (int64_t)t - (int64_t)s->first_s > (int64_t)p->window_s;
}

/* The open pair of key at time t, after removing it if it had expired. */
static uint32_t find_open(struct gs_pairs *p, uint64_t key, uint32_t t,
			  struct gs_pairs_update *upd)
{
	uint32_t link = find(p, key);

	if (link == NONE || !has_expired(p, at(p, link), t))
		return link;
	upd->expired = true;
	to_pair(at(p, link), &upd->expired_pair);
	drop(p, link);
	p->expired++;
	return NONE;
}

/* A slot for a new pair: evicts the oldest pair when the table is full. */
static uint32_t make_room(struct gs_pairs *p, struct gs_pairs_update *upd)
{
	if (p->held == p->max) {
		upd->evicted = true;
		to_pair(at(p, p->oldest), &upd->evicted_pair);
		drop(p, p->oldest);
		p->evicted++;
	}
	return take_slot(p);
}

static void again(struct slot *s, uint64_t net, uint32_t t,
		  struct gs_pairs_update *upd)
{
	upd->event = GS_PAIR_AGAIN;
	if (!(s->chain & F_RETURNED)) {
		s->chain |= F_RETURNED;
		upd->first_return = true;
	}
	if (net != s->net && !(s->chain & F_OTHER_NET)) {
		s->chain |= F_OTHER_NET;
		upd->first_other_network = true;
	}
	if (t < s->first_s) {
		/* Out of order: the earlier greylisting was the first. */
		upd->first_moved = true;
		upd->moved_from = s->first_s;
		s->first_s = t;
		s->net = net;
	}
	to_pair(s, &upd->pair);
}

int gs_pairs_greylist(struct gs_pairs *p, uint64_t key, uint64_t group_id,
		      uint64_t net, int64_t time, struct gs_pairs_update *upd)
{
	struct gs_pair pair = {key, group_id, net, 0, false, false};
	uint32_t t = clamp_time(time), link;

	memset(upd, 0, sizeof(*upd));
	if (p->max == 0)
		return 0;
	link = find_open(p, key, t, upd);
	if (link != NONE) {
		again(at(p, link), net, t, upd);
		return 0;
	}
	link = make_room(p, upd);
	if (link == NONE)
		return -1; /* no slot was free, so nothing was evicted */
	pair.first = t;
	open_pair(p, link, &pair);
	upd->event = GS_PAIR_NEW;
	upd->pair = pair;
	return 0;
}

void gs_pairs_pass(struct gs_pairs *p, uint64_t key, int64_t time,
		   struct gs_pairs_update *upd)
{
	uint32_t t = clamp_time(time), link;
	struct slot *s;

	memset(upd, 0, sizeof(*upd));
	if (p->max == 0)
		return;
	link = find_open(p, key, t, upd);
	if (link == NONE)
		return;
	s = at(p, link);
	upd->event = GS_PAIR_PASSED;
	upd->first_return = !(s->chain & F_RETURNED);
	s->chain |= F_RETURNED;
	upd->wait_s = t > s->first_s ? t - s->first_s : 0;
	to_pair(s, &upd->pair);
	drop(p, link);
	p->passed++;
}

size_t gs_pairs_expire(struct gs_pairs *p, int64_t now, gs_pairs_expired_fn fn,
		       void *arg)
{
	uint32_t t = clamp_time(now);
	struct gs_pair pair;
	size_t n = 0;

	while (p->oldest != NONE && has_expired(p, at(p, p->oldest), t)) {
		to_pair(at(p, p->oldest), &pair);
		drop(p, p->oldest);
		p->expired++;
		n++;
		if (fn != NULL)
			fn(arg, &pair);
	}
	return n;
}

/* ---- export, import, counts ---- */

int gs_pairs_export(const struct gs_pairs *p, gs_pairs_export_fn fn, void *arg)
{
	struct gs_pair pair;
	uint32_t link;
	int rc;

	for (link = p->oldest; link != NONE; link = at(p, link)->newer) {
		to_pair(at(p, link), &pair);
		rc = fn(arg, &pair);
		if (rc != 0)
			return rc;
	}
	return 0;
}

uint64_t gs_pairs_cursor_begin(struct gs_pairs *p)
{
	p->exporting = true;
	p->cursor = p->oldest;
	return ++p->ticket;
}

long gs_pairs_cursor_next(struct gs_pairs *p, uint64_t ticket,
			  struct gs_pair *out, size_t max)
{
	size_t n = 0;

	if (!p->exporting || ticket != p->ticket)
		return -1;
	for (; n < max && p->cursor != NONE; n++) {
		to_pair(at(p, p->cursor), &out[n]);
		p->cursor = at(p, p->cursor)->newer;
	}
	if (n == 0)
		p->exporting = false;
	return (long)n;
}

bool gs_pairs_is_open(const struct gs_pairs *p, uint64_t key)
{
	return find(p, key) != NONE;
}

int gs_pairs_import(struct gs_pairs *p, const struct gs_pair *pair,
		    struct gs_pairs_update *upd, char *err, size_t errlen)
{
	uint32_t link;

	memset(upd, 0, sizeof(*upd));
	if (pair->first < 0 || pair->first > TIME_MAX)
		return gs_seterr(err, errlen,
				 "pair %016llx: first time %lld "
				 "out of range",
				 (unsigned long long)pair->key,
				 (long long)pair->first);
	if (p->max == 0)
		return 0;
	if (find(p, pair->key) != NONE)
		return gs_seterr(err, errlen, "pair %016llx: already open",
				 (unsigned long long)pair->key);
	link = make_room(p, upd);
	if (link == NONE)
		return gs_seterr(err, errlen, "pairs: no memory for %zu pairs",
				 p->held + 1);
	open_pair(p, link, pair);
	upd->event = GS_PAIR_NEW;
	upd->pair = *pair;
	return 0;
}

void gs_pairs_counts(const struct gs_pairs *p, struct gs_pairs_counts *out)
{
	out->held = p->held;
	out->max_pairs = p->max;
	out->slots = p->n_slots;
	out->bytes = (size_t)p->n_slots * sizeof(struct slot) +
		     (size_t)p->n_buckets * sizeof(uint32_t);
	out->passed = p->passed;
	out->expired = p->expired;
	out->evicted = p->evicted;
}
