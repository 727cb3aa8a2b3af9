/* Following pairs: each greylisted mail through the open-pair table
 * (pairs.h), its outcomes counted in the pair slot entries of its group
 * (design in tally.h). The keys are worked out before the lock
 * (gs_tally_pair_prepare); everything else runs in gs_tally_add's one hold
 * of the lock, or in an import's.
 *
 * Where an outcome is counted: in the pair slot entry of the slot of the
 * pair's first greylisting, in the group the pair's group_id names
 * (gs_tally_group_id: the group's hash and incarnation). No entry there
 * (its slot left the window, or the group was dropped and maybe made
 * again since): the outcome is dropped, the pair leaves the table all the
 * same.
 *
 * Concurrency & locking: gs_tally_pair_prepare and gs_tally_net_id read
 * only what gs_tally_new set (t->pairs is set once there) and need no
 * lock; every other function here changes the pair table, the groups' pair
 * slot entries or the totals and runs with t->lock held (tally_int.h). */
#include "gs_config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "input/sender.h"
#include "tally/tally_int.h"

uint64_t gs_tally_net_id(const struct gs_addr *net)
{
	const uint8_t *b = net->bytes;
	uint64_t id = 0;
	unsigned i;

	if (net->family != AF_INET6)
		return (uint64_t)b[0] << 16 | (uint64_t)b[1] << 8 | b[2];
	/* A /64 under ::/40 (reserved, never a client) would meet an IPv4
	 * identity; nothing else can. */
	for (i = 0; i < 8; i++)
		id = id << 8 | b[i];
	return id;
}

void gs_tally_pair_prepare(const struct gs_tally *t, const struct gs_event *ev,
			   const char *group, const struct gs_addr *net,
			   int64_t time, struct pair_prep *pp)
{
	char skey[GS_PAIRS_ADDR_MAX + 1], rkey[GS_PAIRS_ADDR_MAX + 1];

	pp->follow = PAIR_NONE;
	if (t->pairs == NULL || time > (int64_t)UINT32_MAX)
		return;
	switch (ev->counter) {
	case GS_C_NEW:
	case GS_C_EARLY_RETRY:
		pp->follow = PAIR_GREYLIST;
		break;
	case GS_C_DELAYED:
	case GS_C_PASSED:
	case GS_C_AWL:
		pp->follow = PAIR_PASS;
		break;
	default: /* whitelisted clients and recipients: not a pair's pass */
		return;
	}
	/* A key cut at the buffer's size (-1) is still the same for the same
	 * address, and gs_pairs_key covers no more of it anyway. */
	(void)gs_sender_key(ev->sender, skey, sizeof(skey));
	(void)gs_recipient_key(ev->recipient, rkey, sizeof(rkey));
	pp->key = gs_pairs_key(group, skey, rkey);
	pp->net = net != NULL ? gs_tally_net_id(net) : GS_TALLY_NET_NONE;
}

static void dec(uint32_t *c)
{
	if (*c > 0)
		(*c)--;
}

static void inc(uint32_t *c)
{
	*c = sat_add32(*c, 1);
}

/* The pair slot entry a pair's outcomes go to, or NULL (see the top). */
static struct pentry *filed(const struct gs_tally *t, const struct group *g,
			    const struct gs_pair *pair)
{
	int64_t slot = slot_of(t, pair->first);

	if (g == NULL || slot < min_live_slot(t))
		return NULL;
	return gs_tally_pentry_find(g, slot);
}

static void on_expired(struct gs_tally *t, const struct gs_pair *pair)
{
	struct pentry *e =
	    filed(t, gs_tally_group_by_id(t, pair->group_id), pair);

	if (e == NULL)
		return;
	inc(&e->counts[GS_TP_EXPIRED]);
	if (!pair->returned)
		inc(&e->counts[GS_TP_NEVER_RETURNED]);
	dec(&e->counts[PC_OPEN]);
}

static void on_evicted(struct gs_tally *t, const struct gs_pair *pair)
{
	struct pentry *e =
	    filed(t, gs_tally_group_by_id(t, pair->group_id), pair);

	t->totals.pairs_evicted++;
	if (e != NULL)
		dec(&e->counts[PC_OPEN]);
}

static void expired_fn(void *arg, const struct gs_pair *pair)
{
	on_expired(arg, pair);
}

/* The pair's first greylisting moved to an earlier slot (a greylisting
 * logged out of order): its counts so far go with it. False when they
 * were nowhere to move (then the event is not counted either). */
static bool move_first(struct gs_tally *t, struct group *g,
		       const struct gs_pairs_update *u)
{
	struct gs_pair before = u->pair;
	struct pentry *from, *to;

	before.first = u->moved_from;
	from = filed(t, g, &before);
	to = filed(t, g, &u->pair);
	if (from == to)
		return from != NULL;
	if (from == NULL || to == NULL)
		return false;
	/* As the pair was before this event: its flags then. */
	before.returned = u->pair.returned && !u->first_return;
	before.other_network = u->pair.other_network && !u->first_other_network;
	dec(&from->counts[GS_TP_GREYLISTED]);
	inc(&to->counts[GS_TP_GREYLISTED]);
	dec(&from->counts[PC_OPEN]);
	inc(&to->counts[PC_OPEN]);
	if (before.returned) {
		dec(&from->counts[GS_TP_RETURNED]);
		inc(&to->counts[GS_TP_RETURNED]);
	}
	if (before.other_network) {
		dec(&from->counts[GS_TP_OTHER_NETWORK]);
		inc(&to->counts[GS_TP_OTHER_NETWORK]);
	}
	return true;
}

/* -1 when the wait histogram cannot be allocated (the wait is then not
 * recorded, the pass still is). */
static int note_wait(const struct gs_tally *t, struct pentry *e,
		     uint32_t wait_s)
{
	unsigned k;

	if (e->wait == NULL) {
		e->wait = calloc(1, sizeof(*e->wait));
		if (e->wait == NULL)
			return -1;
	}
	k = gs_delayhist_bin(t->hist_lower, wait_s);
	e->wait->bins[k] = sat_add32(e->wait->bins[k], 1);
	if (wait_s > e->wait->max_s)
		e->wait->max_s = wait_s;
	return 0;
}

/* Counts what the event did to its own pair, a pair of g. */
static void count_event(struct gs_tally *t, struct group *g,
			const struct gs_pairs_update *u)
{
	struct pentry *e;

	if (u->event == GS_PAIR_NONE ||
	    u->pair.group_id != gs_tally_group_id(g))
		return; /* opened by a group of this name dropped since */
	if (u->event == GS_PAIR_AGAIN && u->first_moved && !move_first(t, g, u))
		return;
	e = filed(t, g, &u->pair);
	if (e == NULL)
		return;
	if (u->event == GS_PAIR_NEW) {
		inc(&e->counts[GS_TP_GREYLISTED]);
		inc(&e->counts[PC_OPEN]);
	} else if (u->event == GS_PAIR_PASSED) {
		inc(&e->counts[GS_TP_PASSED]);
		dec(&e->counts[PC_OPEN]);
		if (note_wait(t, e, u->wait_s) < 0) /* keeps sum <= passed */
			dec(&e->counts[GS_TP_PASSED]);
	}
	if (u->first_return)
		inc(&e->counts[GS_TP_RETURNED]);
	if (u->first_other_network)
		inc(&e->counts[GS_TP_OTHER_NETWORK]);
}

/* The pairs an update removed besides its own event. */
static void count_removed(struct gs_tally *t, const struct gs_pairs_update *u)
{
	if (u->expired)
		on_expired(t, &u->expired_pair);
	if (u->evicted)
		on_evicted(t, &u->evicted_pair);
}

void gs_tally_pair_count(struct gs_tally *t, struct group *g,
			 const struct pair_prep *pp, int64_t time)
{
	struct gs_pairs_update u;

	if (pp->follow == PAIR_NONE)
		return;
	if (pp->follow == PAIR_PASS) {
		gs_pairs_pass(t->pairs, pp->key, time, &u);
	} else if (gs_tally_pentry_get(g, slot_of(t, time)) == NULL ||
		   gs_pairs_greylist(t->pairs, pp->key, gs_tally_group_id(g),
				     pp->net, time, &u) < 0) {
		/* The entry first, so that no pair is open without its
		 * count; without memory for either the mail is not
		 * followed, counted as a pair evicted. */
		t->totals.pairs_evicted++;
		return;
	}
	count_removed(t, &u);
	count_event(t, g, &u);
	/* A pass or an eviction may have uncovered expired pairs at the
	 * oldest end: they go now, not at the next move of the end, so that
	 * a state saved and loaded again holds the same open pairs. */
	gs_tally_pairs_expire(t);
}

void gs_tally_pairs_expire(struct gs_tally *t)
{
	if (t->pairs != NULL && t->has_end)
		gs_pairs_expire(t->pairs, t->end, expired_fn, t);
}

/* The group id a pair of the export gets: its group's when that holds the
 * pair's first slot, else 0. */
static uint64_t import_group(struct gs_tally *t, const struct gs_tally_xpair *x,
			     struct pentry **e)
{
	struct gs_pair probe = {.first = x->first};
	struct group_key k;
	struct group *g;

	*e = NULL;
	if (!x->has_group)
		return 0;
	gs_tally_group_key(t, x->group, &k);
	g = gs_tally_group_find(t, &k);
	*e = filed(t, g, &probe);
	return *e != NULL ? gs_tally_group_id(g) : 0;
}

int gs_tally_pair_import(struct gs_tally *t, const struct gs_tally_xpair *x,
			 char *err, size_t errlen)
{
	struct gs_pairs_update u;
	struct gs_pair pair;
	struct pentry *e;

	if (t->pairs == NULL || gs_pairs_is_open(t->pairs, x->key))
		return 0;
	pair.key = x->key;
	pair.net = x->net;
	pair.first = x->first;
	pair.returned = x->returned;
	pair.other_network = x->other_network;
	pair.group_id = import_group(t, x, &e);
	if (gs_pairs_import(t->pairs, &pair, &u, err, errlen) < 0)
		return -1;
	/* An eviction may have been of a pair counted in e: count it first
	 * out, then this one in. */
	count_removed(t, &u);
	if (e != NULL)
		inc(&e->counts[PC_OPEN]);
	return 0;
}
