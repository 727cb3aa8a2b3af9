/* Unit tests of the tally's eviction rank as it is kept (lib/tally/
 * tally_group.c, gs_tally_count_into): the greylistings still in the
 * window, after older slots aged out, and after a state's counts were
 * imported. (tests/check_tally covers eviction itself.) */
#include "gs_config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "tally/tally.h"
#include "suite.h"

#define T0	 1700000000 /* a slot boundary for the window below */
#define WINDOW_S 2800	    /* 28 slots of 100 s */

static struct gs_tally *new_tally(size_t max_groups)
{
	struct gs_tally_config cfg = {WINDOW_S, max_groups};
	char err[GS_ERRLEN];
	struct gs_tally *t = gs_tally_new(&cfg, err, sizeof(err));

	ck_assert_msg(t != NULL, "%s", err);
	return t;
}

static void add(struct gs_tally *t, time_t time, const char *group, unsigned n)
{
	struct gs_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.time = time;
	ev.host = "mx1";
	ev.counter = GS_C_NEW;
	ev.delay_s = -1;
	ev.missing_s = -1;
	ev.client_name = "mx.example.net";
	ev.client_address = "192.0.2.1";
	while (n-- > 0)
		ck_assert_int_eq(gs_tally_add(t, &ev, group, GS_KIND_NAME), 0);
}

/* Whether the tally holds group. */
static int holds(struct gs_tally *t, const char *group)
{
	struct gs_summary s;
	char err[GS_ERRLEN];
	size_t i;
	int found = 0;

	ck_assert_int_eq(gs_tally_snapshot(t, T0, &s, err, sizeof(err)), 0);
	for (i = 0; i < s.n_groups; i++)
		found |= strcmp(s.groups[i].domain, group) == 0;
	gs_summary_free(&s);
	return found;
}

/* a's ten greylistings of slot 0 age out: its rank is the one of slot 29,
 * lower than b's two, so a goes first although it was seen last. */
START_TEST(test_rank_forgets_slots_that_left_the_window)
{
	struct gs_tally *t = new_tally(2);

	add(t, T0, "a.example", 10);
	add(t, T0 + 2000, "b.example", 2);
	add(t, T0 + 2900, "a.example", 1); /* slot 0 leaves the window */
	add(t, T0 + 2900, "c.example", 1); /* full: one is evicted */
	ck_assert(!holds(t, "a.example"));
	ck_assert(holds(t, "b.example"));
	ck_assert(holds(t, "c.example"));
	gs_tally_free(t);
}
END_TEST

/* Imported counts rank as counted ones: b (3) goes before a (5), though
 * a was seen earlier (the tie-break would take a). */
START_TEST(test_rank_of_imported_counts)
{
	struct gs_tally *from = new_tally(10), *t = new_tally(2);
	struct gs_tally_export x;
	struct gs_tally_xgroup view, *groups;
	char err[GS_ERRLEN];
	size_t n = 0, i;
	int r;

	add(from, T0, "a.example", 5);
	add(from, T0 + 100, "b.example", 3);
	/* The export's groups, copied into the form an import takes. */
	memset(&x, 0, sizeof(x));
	ck_assert_int_eq(gs_tally_export_begin(from, &x, err, sizeof(err)), 0);
	groups = calloc(2, sizeof(*groups));
	ck_assert_ptr_nonnull(groups);
	while ((r = gs_tally_export_next(from, &x, err, sizeof(err))) > 0) {
		for (i = 0; i < x.n_groups; i++) {
			ck_assert_uint_lt(n, 2);
			ck_assert_int_eq(gs_tally_export_group(&x, i, &view),
					 0);
			groups[n] = view;
			groups[n].name = strdup(view.name);
			groups[n].entries =
			    malloc(view.n_entries * sizeof(*view.entries));
			ck_assert_ptr_nonnull(groups[n].entries);
			memcpy(groups[n].entries, view.entries,
			       view.n_entries * sizeof(*view.entries));
			groups[n].addrs = NULL;
			groups[n].n_addrs = 0;
			groups[n].nets = NULL;
			groups[n].n_nets = 0;
			groups[n].n_examples = 0;
			groups[n].pslots = NULL; /* the view's: not ours */
			groups[n].n_pslots = 0;
			n++;
		}
	}
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(gs_tally_export_finish(from, &x, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 2);
	x.groups = groups;
	x.n_groups = n;
	ck_assert_msg(gs_tally_import(t, &x, err, sizeof(err)) == 0, "%s", err);
	add(t, T0 + 200, "c.example", 1);
	ck_assert(holds(t, "a.example"));
	ck_assert(!holds(t, "b.example"));
	gs_tally_export_free(&x);
	gs_tally_free(from);
	gs_tally_free(t);
}
END_TEST

static Suite *tally_evict_suite(void)
{
	Suite *s = suite_create("tally_evict");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_rank_forgets_slots_that_left_the_window);
	tcase_add_test(tc, test_rank_of_imported_counts);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(tally_evict_suite)
