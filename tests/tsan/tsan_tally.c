/* tsan_tally: the tally and the omgreyscan module's threads under
 * ThreadSanitizer. Built with -fsanitize=thread, with the core's sources
 * compiled into this program (tests/tsan/Makefile.inc) so that the tally, the
 * state and summary writers and the parser glue are instrumented too.
 *
 * The threads do what the module's threads do (plugins/omgreyscan/message.c
 * and writer.c), on the same core calls and the same locking:
 *   - WORKERS action workers, each with its own ingests (lib/ingest: a
 *     group cache and a tally counter each), run postgrey message texts
 *     through gs_ingest_message with the shared rulebase (read lock of a
 *     writer-preferring rwlock held over one message) into two shared
 *     tallies (lines and ignored lines through the counters, decisions and
 *     unparsed lines under the tally's lock), take the parse result's JSON
 *     over as the annotation does, and bump module-like counters with
 *     atomic builtins; each frees its ingests when done, which moves the
 *     counters' numbers into the tallies while the writer reads them;
 *   - the writer thread, woken by its interval (a few ms) or by a HUP under
 *     its mutex and condition variable, does a write round on each tally:
 *     gs_tally_snapshot_top + gs_summary_write, gs_state_save, plus a full
 *     gs_tally_snapshot, gs_tally_totals and gs_tally_groups; the summary
 *     it wrote is read back (as check_greyscan would);
 *   - the HUP thread loads a fresh rulebase without a lock, swaps it under
 *     the write lock, frees the old one, and wakes the writer for an
 *     immediate write (doHUP).
 * Tally "small" has a short window (slots age out while counting; some
 * lines come too old), max_groups 64 for 600 sender domains (eviction
 * batches while the others export) and 64 open pairs with a retry window of
 * 5 minutes (pairs evicted and expired while the writer exports them);
 * tally "exact" has a week's window and room for every group and pair.
 * Each domain's mails go to 40 recipients from one sender, so the workers
 * greylist and pass the same pairs concurrently.
 *
 * Pass/fail: ThreadSanitizer stops the program at its first report
 * (halt_on_error=1) with exit status 66 (__tsan_default_options below; a
 * TSAN_OPTIONS from the environment may override). Afterwards, with the
 * threads joined and a last write round done: both tallies' totals must be
 * the generated ones (lines, actions, ignored, unparsed, each counter), the
 * small tally must have evicted groups and be within max_groups, the exact
 * tally's per-group counts must be exactly the generated ones, the pair
 * figures of both must keep their relations (greylisted >= passed +
 * pending + expired, returned >= other_network, pending in all = pairs
 * open for the exact tally, which evicts no pair, while the small one
 * must have evicted some and hold at most 64), the atomic
 * counters must add up to the lines, the writer and the HUP thread must
 * have run, no write round may have seen fewer lines than decisions,
 * ignored and unparsed lines together, and the last state file loaded
 * into a fresh tally must give the same totals and pair figures. Any
 * difference: exit 1. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json.h>

#include "base/atomicfile.h"
#include "base/error.h"
#include "ingest/ingest.h"
#include "input/group.h"
#include "input/parser.h"
#include "state/state.h"
#include "summary/summary_file.h"
#include "tally/tally.h"

#define WORKERS		   4
#define LINES_PER_WORKER   20000
#define DOMAINS		   600
#define SMALL_MAX_GROUPS   64
#define SMALL_WINDOW_S	   (GS_TALLY_SLOTS * 60) /* 28 minutes */
#define SMALL_MAX_PAIRS	   64
#define SMALL_RETRY_S	   300
#define RECIPIENTS	   40	/* per domain: the pairs followed */
#define TIME_SPAN_S	   3000 /* event times spread over */
#define HUPS		   12
#define WRITER_INTERVAL_MS 2
#define RULEBASE	   GS_TEST_SRCDIR "/rules/postgrey.rb"

const char *__tsan_default_options(void);
const char *__tsan_default_options(void)
{
	return "halt_on_error=1:exitcode=66:second_deadlock_stack=1";
}

/* The module's shared action instance, reduced to what the threads use. */
struct instance {
	struct gs_tally *small, *exact;
	struct gs_grouper *grouper;
	struct gs_rulebase *rb;
	pthread_rwlock_t rb_lock;
	pthread_mutex_t wr_mut;
	pthread_cond_t wr_cond;
	int wr_stop, wr_hup; /* under wr_mut */
	char dir[64];
	time_t base;
	/* atomic, as the module's impstats counters */
	uint64_t received, parsed, ignored, unparsed;
	uint64_t writes, write_failures, hups, reads_back;
	uint64_t bad_totals; /* rounds that saw fewer lines than kinds */
	int fatal;	     /* atomic: a thread could not do its work */
};

/* What line k is: the counter (or -1 other, -2 unparsed) and its domain. */
static int line_kind(unsigned k)
{
	if (k % 41 == 0)
		return -1;
	if (k % 47 == 0)
		return -2;
	return (int)((k / 3 + k % 7) % GS_C_COUNT);
}

static unsigned line_domain(unsigned k)
{
	return (k * 7919u) % DOMAINS;
}

static void line_text(unsigned k, char *buf, size_t len)
{
	static const char *const reason[GS_C_COUNT] = {
	    "greylist, reason=new",
	    "greylist, reason=early-retry (%us missing)",
	    "pass, reason=triplet found, delay=%u",
	    "pass, reason=triplet found",
	    "pass, reason=client whitelist",
	    "pass, reason=recipient whitelist",
	    "pass, reason=client AWL",
	};
	char what[64];
	int c = line_kind(k);
	unsigned d = line_domain(k);

	if (c == -1) {
		snprintf(buf, len, "whitelisted: mx%u.sender%u.com[192.0.2.%u]",
			 k % 9, d, k % 250);
		return;
	}
	if (c == -2) {
		snprintf(buf, len, "this is not postgrey's, line %u", k);
		return;
	}
	snprintf(what, sizeof(what), reason[c], 1 + k % 300);
	snprintf(buf, len,
		 "%saction=%s, client_name=mx%u.sender%u.com, "
		 "client_address=198.51.%u.%u, sender=news@sender%u.com, "
		 "recipient=r%u@example.net",
		 k % 5 == 0 ? "4A3B2C1D0E: " : "", what, k % 9, d, d % 200,
		 1 + k % 250, d, (k / 5) % RECIPIENTS);
}

static void note_fatal(struct instance *in, const char *what, const char *err)
{
	fprintf(stderr, "tsan_tally: %s: %s\n", what, err);
	__atomic_store_n(&in->fatal, 1, __ATOMIC_RELAXED);
}

static void bump(uint64_t *c)
{
	__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

/* The annotation's use of the result (message.c, annotate): the parse
 * result's JSON is taken over and extended, then released. */
static void annotate(struct gs_ingest_result *r)
{
	struct json_object *j = r->parsed.json;

	r->parsed.json = NULL;
	if (j == NULL && (j = json_object_new_object()) == NULL)
		return;
	if (json_object_is_type(j, json_type_object) && r->grouped)
		json_object_object_add(j, "domain",
				       json_object_new_string(r->group));
	json_object_put(j);
}

struct worker {
	struct instance *in;
	unsigned id;
	pthread_t thread;
	struct gs_ingest *small, *exact; /* its own, one per tally */
};

/* One message, as omgs_count_message counts it, into both tallies. */
static void count_message(struct worker *w, unsigned k)
{
	struct instance *in = w->in;
	char text[512];
	struct gs_ingest_msg m;
	struct gs_ingest_result rs, rx;

	line_text(k, text, sizeof(text));
	m.text = text;
	m.len = strlen(text);
	m.host = k % 3 == 0 ? "mx1" : k % 3 == 1 ? "mx2" : "mx3";
	bump(&in->received);

	pthread_rwlock_rdlock(&in->rb_lock);
	m.time = in->base + (time_t)((k * 7u) % TIME_SPAN_S);
	gs_ingest_message(w->small, in->rb, &m, &rs);
	/* The exact tally's events are all in its week. */
	m.time = in->base + TIME_SPAN_S;
	gs_ingest_message(w->exact, in->rb, &m, &rx);
	if (rs.kind == GS_INGEST_ACTION) {
		if (rs.counted && rx.counted)
			bump(&in->parsed);
	} else if (rs.kind == GS_INGEST_IGNORED) {
		bump(&in->ignored);
	} else {
		bump(&in->unparsed);
	}
	if (k % 2 == 0)
		annotate(&rs);
	gs_ingest_result_release(&rs);
	gs_ingest_result_release(&rx);
	pthread_rwlock_unlock(&in->rb_lock);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	char err[GS_ERRLEN];
	unsigned i;

	/* Small caches, so that their replacement runs too. */
	w->small =
	    gs_ingest_new(w->in->grouper, w->in->small, 256, err, sizeof(err));
	w->exact = w->small == NULL
		       ? NULL
		       : gs_ingest_new(w->in->grouper, w->in->exact, 256, err,
				       sizeof(err));
	if (w->exact == NULL) {
		note_fatal(w->in, "ingest", err);
		gs_ingest_free(w->small);
		return NULL;
	}
	for (i = 0; i < LINES_PER_WORKER; i++)
		count_message(w, i * WORKERS + w->id);
	/* freeWrkrInstance: the counters' numbers move into the tallies. */
	gs_ingest_free(w->small);
	gs_ingest_free(w->exact);
	return NULL;
}

/* One tally's write round, as writer.c's write_files. */
static void write_tally(struct instance *in, struct gs_tally *t,
			const char *name)
{
	struct gs_summary s, back, all;
	struct gs_totals totals;
	struct gs_file_opts opts;
	char path[128], state[128], err[GS_ERRLEN];
	int ok;

	snprintf(path, sizeof(path), "%s/%s.json", in->dir, name);
	snprintf(state, sizeof(state), "%s/%s.state", in->dir, name);
	gs_file_opts_default(&opts);
	memset(&s, 0, sizeof(s));
	memset(&back, 0, sizeof(back));
	memset(&all, 0, sizeof(all));
	ok = gs_tally_snapshot_top(t, time(NULL), 10, &s, err, sizeof(err)) ==
		 0 &&
	     gs_summary_write(&s, path, &opts, err, sizeof(err)) == 0;
	if (ok) {
		bump(&in->writes);
		if (gs_summary_read(path, &back, err, sizeof(err)) == 0)
			bump(&in->reads_back);
		else
			note_fatal(in, "reading back the summary", err);
	} else {
		bump(&in->write_failures);
		note_fatal(in, "summary write", err);
	}
	opts.mode = 0600;
	if (gs_state_save(t, state, &opts, err, sizeof(err)) != 0) {
		bump(&in->write_failures);
		note_fatal(in, "state save", err);
	}
	if (gs_tally_snapshot(t, time(NULL), &all, err, sizeof(err)) != 0)
		note_fatal(in, "full snapshot", err);
	gs_tally_totals(t, &totals);
	/* Counted: a line before its kind, whatever the counter's state. */
	if (totals.lines < totals.actions + totals.ignored + totals.unparsed)
		bump(&in->bad_totals);
	(void)gs_tally_groups(t);
	gs_summary_free(&s);
	gs_summary_free(&back);
	gs_summary_free(&all);
}

static void timed_wait_ms(struct instance *in, int ms)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += (long)ms * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&in->wr_cond, &in->wr_mut, &until);
}

/* writer.c's writer_main: every interval, on HUP, once more on stop. */
static void *writer_main(void *arg)
{
	struct instance *in = arg;
	int stop = 0;

	while (!stop) {
		pthread_mutex_lock(&in->wr_mut);
		if (!in->wr_stop && !in->wr_hup)
			timed_wait_ms(in, WRITER_INTERVAL_MS);
		stop = in->wr_stop;
		in->wr_hup = 0;
		pthread_mutex_unlock(&in->wr_mut);
		write_tally(in, in->small, "small");
		write_tally(in, in->exact, "exact");
	}
	return NULL;
}

static void writer_wake(struct instance *in, int stop)
{
	pthread_mutex_lock(&in->wr_mut);
	if (stop)
		in->wr_stop = 1;
	else
		in->wr_hup = 1;
	pthread_cond_signal(&in->wr_cond);
	pthread_mutex_unlock(&in->wr_mut);
}

/* doHUP: omgs_rulebase_reload, then omgs_writer_hup. */
static void *hup_main(void *arg)
{
	struct instance *in = arg;
	struct gs_rulebase *fresh, *old;
	char err[GS_ERRLEN];
	int i;

	for (i = 0; i < HUPS; i++) {
		fresh = gs_rulebase_load(RULEBASE, err, sizeof(err));
		if (fresh == NULL) {
			note_fatal(in, "rulebase reload", err);
			return NULL;
		}
		pthread_rwlock_wrlock(&in->rb_lock);
		old = in->rb;
		in->rb = fresh;
		pthread_rwlock_unlock(&in->rb_lock);
		gs_rulebase_free(old);
		writer_wake(in, 0);
		bump(&in->hups);
		usleep(2000);
	}
	return NULL;
}

/* ---- Checks after the run ---- */

static int failures;

static void expect_u64(const char *what, uint64_t got, uint64_t want)
{
	if (got == want)
		return;
	fprintf(stderr, "FAIL: %s is %llu, expected %llu\n", what,
		(unsigned long long)got, (unsigned long long)want);
	failures++;
}

struct expected {
	uint64_t lines, actions, ignored, unparsed;
	uint64_t per_counter[GS_C_COUNT];
	uint64_t (*per_domain)[GS_C_COUNT]; /* [DOMAINS] */
};

static int expected_counts(struct expected *e)
{
	unsigned k;
	int c;

	memset(e, 0, sizeof(*e));
	e->per_domain = calloc(DOMAINS, sizeof(*e->per_domain));
	if (e->per_domain == NULL)
		return -1;
	for (k = 0; k < WORKERS * LINES_PER_WORKER; k++) {
		e->lines++;
		c = line_kind(k);
		if (c == -1) {
			e->ignored++;
		} else if (c == -2) {
			e->unparsed++;
		} else {
			e->actions++;
			e->per_counter[c]++;
			e->per_domain[line_domain(k)][c]++;
		}
	}
	return 0;
}

static void check_totals(const char *name, const struct gs_totals *t,
			 const struct expected *e)
{
	char what[64];
	int c;

	snprintf(what, sizeof(what), "%s: totals.lines", name);
	expect_u64(what, t->lines, e->lines);
	snprintf(what, sizeof(what), "%s: totals.actions", name);
	expect_u64(what, t->actions, e->actions);
	snprintf(what, sizeof(what), "%s: totals.ignored", name);
	expect_u64(what, t->ignored, e->ignored);
	snprintf(what, sizeof(what), "%s: totals.unparsed", name);
	expect_u64(what, t->unparsed, e->unparsed);
	for (c = 0; c < GS_C_COUNT; c++) {
		snprintf(what, sizeof(what), "%s: totals.%s", name,
			 gs_counter_name((enum gs_counter)c));
		expect_u64(what, t->per_counter[c], e->per_counter[c]);
	}
}

static void check_exact_groups(const struct gs_summary *s,
			       const struct expected *e)
{
	char want[GS_GROUP_MAX], what[GS_GROUP_MAX + 32];
	size_t i;
	unsigned d;
	int c;

	expect_u64("exact: groups", s->n_groups, DOMAINS);
	for (i = 0; i < s->n_groups; i++) {
		const struct gs_group_stats *g = &s->groups[i];

		if (sscanf(g->domain, "sender%u.com", &d) != 1 ||
		    d >= DOMAINS) {
			fprintf(stderr, "FAIL: unexpected group %s\n",
				g->domain);
			failures++;
			continue;
		}
		snprintf(want, sizeof(want), "sender%u.com", d);
		for (c = 0; c < GS_C_COUNT; c++) {
			snprintf(what, sizeof(what), "exact: %s.%s", want,
				 gs_counter_name((enum gs_counter)c));
			expect_u64(what, g->counts[c], e->per_domain[d][c]);
		}
	}
}

/* The pair figures' relations in every group, and with need_pass that some
 * pair was followed to its pass; the sum of pending. */
static uint64_t check_pairs(const char *name, const struct gs_summary *s,
			    int need_pass)
{
	uint64_t pending = 0, greylisted = 0, passed = 0;
	size_t i;

	for (i = 0; i < s->n_groups; i++) {
		const struct gs_pair_stats *p = &s->groups[i].pairs;

		if (!s->groups[i].has_pairs ||
		    p->greylisted < p->passed + p->pending + p->expired ||
		    p->returned < p->other_network ||
		    p->greylisted < p->returned + p->never_returned ||
		    p->has_wait != (p->passed > 0)) {
			fprintf(stderr, "FAIL: %s: %s's pair figures\n", name,
				s->groups[i].domain);
			failures++;
		}
		pending += p->pending;
		greylisted += p->greylisted;
		passed += p->passed;
	}
	if (greylisted == 0 || (need_pass && passed == 0)) {
		fprintf(stderr, "FAIL: %s: no pair followed to its pass\n",
			name);
		failures++;
	}
	return pending;
}

static int run_threads(struct instance *in)
{
	struct worker w[WORKERS];
	pthread_t writer, hup;
	unsigned i;

	if (pthread_create(&writer, NULL, writer_main, in) != 0)
		return -1;
	if (pthread_create(&hup, NULL, hup_main, in) != 0) {
		writer_wake(in, 1);
		pthread_join(writer, NULL);
		return -1;
	}
	for (i = 0; i < WORKERS; i++) {
		w[i].in = in;
		w[i].id = i;
		if (pthread_create(&w[i].thread, NULL, worker_main, &w[i]) !=
		    0) {
			note_fatal(in, "pthread_create", strerror(errno));
			break;
		}
	}
	while (i > 0)
		pthread_join(w[--i].thread, NULL);
	pthread_join(hup, NULL);
	writer_wake(in, 1); /* the shutdown write */
	pthread_join(writer, NULL);
	return 0;
}

static int setup(struct instance *in, char *err, size_t errlen)
{
	struct gs_tally_config small = {SMALL_WINDOW_S, SMALL_MAX_GROUPS,
					SMALL_MAX_PAIRS, SMALL_RETRY_S};
	struct gs_tally_config exact = {GS_DEFAULT_WINDOW_S, 2 * DOMAINS,
					2 * DOMAINS * RECIPIENTS,
					GS_PAIRS_DEFAULT_RETRY_WINDOW_S};
	pthread_rwlockattr_t ra;

	memset(in, 0, sizeof(*in));
	snprintf(in->dir, sizeof(in->dir), "%s/tsan_tally.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(in->dir) == NULL)
		return gs_seterr(err, errlen, "mkdtemp %s: %s", in->dir,
				 strerror(errno));
	in->base = time(NULL) - TIME_SPAN_S;
	if ((in->small = gs_tally_new(&small, err, errlen)) == NULL ||
	    (in->exact = gs_tally_new(&exact, err, errlen)) == NULL ||
	    (in->grouper = gs_grouper_new(GS_GROUP_REGISTRABLE, 0, err,
					  errlen)) == NULL ||
	    (in->rb = gs_rulebase_load(RULEBASE, err, errlen)) == NULL)
		return -1;
	pthread_rwlockattr_init(&ra);
	pthread_rwlockattr_setkind_np(
	    &ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&in->rb_lock, &ra);
	pthread_rwlockattr_destroy(&ra);
	pthread_mutex_init(&in->wr_mut, NULL);
	pthread_cond_init(&in->wr_cond, NULL);
	return 0;
}

static void teardown(struct instance *in)
{
	const char *names[] = {"small.json", "small.state", "exact.json",
			       "exact.state"};
	char path[128];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", in->dir, names[i]);
		unlink(path);
	}
	rmdir(in->dir);
	pthread_rwlock_destroy(&in->rb_lock);
	pthread_mutex_destroy(&in->wr_mut);
	pthread_cond_destroy(&in->wr_cond);
	gs_rulebase_free(in->rb);
	gs_grouper_free(in->grouper);
	gs_tally_free(in->small);
	gs_tally_free(in->exact);
}

/* The last state written, loaded into a fresh tally: the same totals. */
static void check_state_reload(struct instance *in,
			       const struct gs_summary *small)
{
	struct gs_tally_config cfg = {SMALL_WINDOW_S, SMALL_MAX_GROUPS,
				      SMALL_MAX_PAIRS, SMALL_RETRY_S};
	struct gs_summary s;
	struct gs_tally *t;
	char path[128], err[GS_ERRLEN];
	int found = 0;
	size_t i;

	snprintf(path, sizeof(path), "%s/small.state", in->dir);
	memset(&s, 0, sizeof(s));
	if ((t = gs_tally_new(&cfg, err, sizeof(err))) == NULL ||
	    gs_state_load(t, path, &found, err, sizeof(err)) != 0 || !found ||
	    gs_tally_snapshot(t, time(NULL), &s, err, sizeof(err)) != 0) {
		fprintf(stderr, "FAIL: reloading %s: %s\n", path,
			found ? err : "not found");
		failures++;
	} else {
		expect_u64("reloaded: totals.lines", s.totals.lines,
			   small->totals.lines);
		expect_u64("reloaded: totals.actions", s.totals.actions,
			   small->totals.actions);
		expect_u64("reloaded: totals.evicted", s.totals.evicted,
			   small->totals.evicted);
		expect_u64("reloaded: totals.too_old", s.totals.too_old,
			   small->totals.too_old);
		expect_u64("reloaded: totals.pairs_open", s.totals.pairs_open,
			   small->totals.pairs_open);
		expect_u64("reloaded: totals.pairs_evicted",
			   s.totals.pairs_evicted, small->totals.pairs_evicted);
		expect_u64("reloaded: groups", s.n_groups, small->n_groups);
		for (i = 0; i < s.n_groups && i < small->n_groups; i++)
			if (memcmp(&s.groups[i].pairs, &small->groups[i].pairs,
				   sizeof(s.groups[i].pairs)) != 0) {
				fprintf(stderr,
					"FAIL: reloaded: %s's pairs differ\n",
					s.groups[i].domain);
				failures++;
			}
	}
	gs_summary_free(&s);
	gs_tally_free(t);
}

int main(void)
{
	struct instance in;
	struct expected e;
	struct gs_summary small, exact;
	char err[GS_ERRLEN];

	memset(&small, 0, sizeof(small));
	memset(&exact, 0, sizeof(exact));
	if (expected_counts(&e) != 0 || setup(&in, err, sizeof(err)) != 0) {
		fprintf(stderr, "ERROR: tsan_tally: setup: %s\n", err);
		return 99;
	}
	if (run_threads(&in) != 0 || in.fatal) {
		fprintf(stderr, "ERROR: tsan_tally: threads could not run\n");
		return 99;
	}
	if (gs_tally_snapshot(in.small, time(NULL), &small, err, sizeof(err)) !=
		0 ||
	    gs_tally_snapshot(in.exact, time(NULL), &exact, err, sizeof(err)) !=
		0) {
		fprintf(stderr, "ERROR: tsan_tally: snapshot: %s\n", err);
		return 99;
	}
	check_totals("small", &small.totals, &e);
	check_totals("exact", &exact.totals, &e);
	check_exact_groups(&exact, &e);
	expect_u64("exact: evicted", exact.totals.evicted, 0);
	if (small.totals.evicted == 0 || small.n_groups > SMALL_MAX_GROUPS) {
		fprintf(stderr, "FAIL: small: %llu evicted, %zu groups held\n",
			(unsigned long long)small.totals.evicted,
			small.n_groups);
		failures++;
	}
	expect_u64("exact: pending = pairs open",
		   check_pairs("exact", &exact, 1), exact.totals.pairs_open);
	expect_u64("exact: pairs evicted", exact.totals.pairs_evicted, 0);
	if (check_pairs("small", &small, 0) > small.totals.pairs_open ||
	    small.totals.pairs_open > SMALL_MAX_PAIRS ||
	    small.totals.pairs_evicted == 0) {
		fprintf(stderr, "FAIL: small: %llu pairs open, %llu evicted\n",
			(unsigned long long)small.totals.pairs_open,
			(unsigned long long)small.totals.pairs_evicted);
		failures++;
	}
	expect_u64("counters: received", in.received, e.lines);
	expect_u64("counters: parsed + ignored + unparsed",
		   in.parsed + in.ignored + in.unparsed, in.received);
	expect_u64("counters: parsed", in.parsed, e.actions);
	expect_u64("HUPs done", in.hups, HUPS);
	expect_u64("write rounds with fewer lines than kinds of line",
		   in.bad_totals, 0);
	expect_u64("write failures", in.write_failures, 0);
	/* HUPs that come while a round runs share the next one. */
	if (in.writes < 4 || in.reads_back != in.writes) {
		fprintf(stderr, "FAIL: %llu summary writes, %llu read back\n",
			(unsigned long long)in.writes,
			(unsigned long long)in.reads_back);
		failures++;
	}
	check_state_reload(&in, &small);
	fprintf(stderr,
		"tsan_tally: %u workers, %llu lines, %llu writes, %d HUPs, "
		"small tally: %llu evicted, %llu too old, %llu pairs evicted; "
		"exact tally: %llu pairs open: %s\n",
		WORKERS, (unsigned long long)e.lines,
		(unsigned long long)in.writes, HUPS,
		(unsigned long long)small.totals.evicted,
		(unsigned long long)small.totals.too_old,
		(unsigned long long)small.totals.pairs_evicted,
		(unsigned long long)exact.totals.pairs_open,
		failures ? "FAIL" : "PASS");
	gs_summary_free(&small);
	gs_summary_free(&exact);
	free(e.per_domain);
	teardown(&in);
	return failures ? 1 : 0;
}
