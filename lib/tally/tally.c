/* The tally: creating and freeing it, counting events (design in tally.h).
 * The other parts live in tally_count.c (line accounting and samples),
 * tally_group.c (the group table), tally_hosts.c (host names),
 * tally_evict.c (admission and eviction), tally_snapshot.c,
 * tally_export.c and tally_import.c; their shared internals are in
 * tally_int.h.
 *
 * Concurrency & locking: t->lock, created here, guards every field of
 * struct gs_tally that changes after gs_tally_new() and everything
 * reachable from it (the group table, groups, entries, histograms, host
 * names, totals, samples, the eviction scratch array); the rules for all
 * the tally's files are in tally_int.h. Here: gs_tally_add() parses and
 * sanitises the event and works out its group's hash and its pair's keys
 * (prepare()) before taking the lock, then counts it and follows its pair
 * (tally_pairs.c) with the lock held, once; gs_tally_groups() takes it once
 * around its read. */
#include "gs_config.h"

#include "tally/tally.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "tally/addrset.h"
#include "tally/delayhist.h"
#include "base/error.h"
#include "base/sanitize.h"
#include "base/siphash.h"
#include "tally/tally_int.h"

#define MIN_BUCKETS 64 /* power of two */

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
	seed[2] = seed[0] ^ gs_rotl64(seed[1], 17) ^ 0x9e3779b97f4a7c15ull;
}

static int64_t clamp_time(int64_t t)
{
	if (t < 0)
		return 0;
	return t > GS_TALLY_TIME_MAX ? GS_TALLY_TIME_MAX : t;
}

/* One event as gs_tally_add works it out before taking the lock: the
 * parsing and sanitising need no shared state, so the lock stays short. */
struct prepared {
	struct group_key group;
	enum gs_group_kind kind;
	enum gs_counter counter;
	int64_t time;
	bool has_delay, has_addr;
	uint32_t delay_s;
	uint8_t addr[16], net[16]; /* keys, when has_addr */
	char host[GS_TALLY_HOST_NAME_MAX_LEN + 1];
	const char *example; /* the event's, sanitised once it is kept */
	struct pair_prep pair;
};

/* -1 when the event cannot be counted at all. */
static int prepare(const struct gs_tally *t, const struct gs_event *ev,
		   const char *group, enum gs_group_kind kind,
		   struct prepared *p)
{
	const char *example;
	struct gs_addr a, net;

	if (ev == NULL || group == NULL || group[0] == '\0' ||
	    (unsigned)ev->counter >= GS_C_COUNT ||
	    (kind != GS_KIND_NAME && kind != GS_KIND_NETWORK))
		return -1;
	gs_tally_group_key(t, group, &p->group);
	p->kind = kind;
	p->counter = ev->counter;
	p->time = clamp_time(ev->time);
	p->has_delay = ev->counter == GS_C_DELAYED && ev->delay_s >= 0;
	p->delay_s = (unsigned long)ev->delay_s > UINT32_MAX
			 ? UINT32_MAX
			 : (uint32_t)ev->delay_s;
	p->has_addr = gs_addr_parse(ev->client_address, &a);
	if (p->has_addr) {
		gs_addrset_key(&a, p->addr);
		gs_addr_network(&a, &net);
		gs_addrset_key(&net, p->net);
	}
	gs_tally_pair_prepare(t, ev, p->group.name, p->has_addr ? &net : NULL,
			      p->time, &p->pair);
	gs_tally_host_name(ev->host, p->host);
	/* A network group's "unknown" clients differ by address only. */
	example = ev->client_name;
	if (kind == GS_KIND_NETWORK && (example == NULL || example[0] == '\0' ||
					strcasecmp(example, "unknown") == 0))
		example = ev->client_address;
	p->example = example;
	return 0;
}

/* Counts p into e, an entry of g. -1 when the histogram cannot be
 * allocated (then nothing is counted). */
static int entry_count(const struct gs_tally *t, struct group *g,
		       struct entry *e, const struct prepared *p)
{
	unsigned k;

	if (p->has_delay) {
		if (e->hist == NULL) {
			e->hist = calloc(1, sizeof(*e->hist));
			if (e->hist == NULL)
				return -1;
		}
		k = gs_delayhist_bin(t->hist_lower, p->delay_s);
		e->hist->bins[k] = sat_add32(e->hist->bins[k], 1);
		if (p->delay_s > e->hist->max_s)
			e->hist->max_s = p->delay_s;
	}
	gs_tally_count_into(g, e, p->counter, 1);
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
		gs_tally_pairs_expire(t);
	}
	if (p->time < t->end - (int64_t)t->window_s) {
		t->totals.too_old++;
		return 0;
	}
	slot = slot_of(t, p->time);
	g = gs_tally_group_get(t, &p->group, p->kind);
	if (g == NULL)
		goto nomem;
	gs_tally_group_prune(g, min_live_slot(t));
	e = gs_tally_entry_get(
	    g, slot, gs_tally_group_host(g, gs_tally_host_id(t, p->host)));
	if (e == NULL || entry_count(t, g, e, p) < 0)
		goto nomem;
	if (p->has_addr) {
		gs_addrset_note(&g->addrs, &g->n_addrs, &g->cap_addrs,
				GS_TALLY_MAX_ADDRS, p->addr, slot);
		gs_addrset_note(&g->nets, &g->n_nets, &g->cap_nets,
				GS_TALLY_MAX_ADDRS, p->net, slot);
	}
	gs_tally_note_example(g, p->example);
	gs_tally_note_times(g, p->time, p->time);
	gs_tally_pair_count(t, g, &p->pair, p->time);
	return 0;
nomem:
	/* A group that holds nothing would only confuse eviction. */
	if (g != NULL && g->n_entries == 0)
		gs_tally_group_remove(t, g);
	t->totals.evicted++;
	return -1;
}

static int check_pairs_config(const struct gs_tally_config *cfg, char *err,
			      size_t errlen)
{
	if (cfg->max_pairs > GS_MAX_PAIRS_MAX)
		return gs_seterr(err, errlen,
				 "tally: max_pairs %zu, expected at most %d",
				 cfg->max_pairs, GS_MAX_PAIRS_MAX);
	if (cfg->retry_window_s > GS_RETRY_WINDOW_MAX_S ||
	    (cfg->max_pairs > 0 && cfg->retry_window_s < GS_RETRY_WINDOW_MIN_S))
		return gs_seterr(err, errlen,
				 "tally: retry window of %lu s, expected "
				 "%d..%d s",
				 (unsigned long)cfg->retry_window_s,
				 GS_RETRY_WINDOW_MIN_S, GS_RETRY_WINDOW_MAX_S);
	return 0;
}

static struct gs_pairs *new_pairs(const struct gs_tally_config *cfg, char *err,
				  size_t errlen)
{
	struct gs_pairs_config pc = {cfg->max_pairs, cfg->retry_window_s};
	char why[GS_ERRLEN];
	struct gs_pairs *p = gs_pairs_new(&pc, why, sizeof(why));

	if (p == NULL)
		gs_seterr(err, errlen, "tally: %s", why);
	return p;
}

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
	if (check_pairs_config(cfg, err, errlen) < 0)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		goto nomem;
	if (cfg->max_pairs > 0 &&
	    (t->pairs = new_pairs(cfg, err, errlen)) == NULL)
		goto fail;
	t->retry_window_s = cfg->retry_window_s;
	t->next_gen = 1;
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
	t->host_index[gs_tally_host_slot(t, GS_TALLY_OTHER_HOST)] =
	    OTHER_HOST_ID + 1;
	gs_delayhist_init_bounds(t->hist_lower);
	if (pthread_mutex_init(&t->lock, NULL) != 0) {
		gs_seterr(err, errlen, "tally: cannot create its mutex");
		goto fail;
	}
	return t;
nomem:
	gs_seterr(err, errlen, "tally: %s", strerror(ENOMEM));
fail:
	if (t != NULL) {
		gs_pairs_free(t->pairs);
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
	/* Counters left open would otherwise point at freed memory. */
	gs_tally_detach_counters(t);
	for (b = 0; b < t->n_buckets; b++) {
		for (g = t->buckets[b]; g != NULL; g = next) {
			next = g->next;
			gs_tally_group_destroy(g);
		}
	}
	for (b = 0; b < t->n_hosts; b++)
		free(t->hosts[b]);
	free(t->buckets);
	free(t->scratch);
	gs_pairs_free(t->pairs);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

int gs_tally_add(struct gs_tally *t, const struct gs_event *ev,
		 const char *group, enum gs_group_kind kind)
{
	struct prepared p;
	int rc;

	if (prepare(t, ev, group, kind, &p) < 0) {
		tally_lock(t);
		t->totals.unparsed++;
		tally_unlock(t);
		return -1;
	}
	tally_lock(t);
	rc = add_locked(t, &p);
	tally_unlock(t);
	return rc;
}

size_t gs_tally_groups(struct gs_tally *t)
{
	size_t n;

	tally_lock(t);
	n = t->n_groups;
	tally_unlock(t);
	return n;
}
