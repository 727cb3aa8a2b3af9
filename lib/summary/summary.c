#include "gs_config.h"

#include "summary/summary.h"

#include <stdlib.h>
#include <string.h>

static void group_free(struct gs_group_stats *g)
{
	size_t i;

	free(g->domain);
	for (i = 0; i < g->n_examples && i < GS_MAX_EXAMPLES; i++)
		free(g->examples[i]);
	for (i = 0; i < g->n_hosts; i++)
		free(g->hosts[i].host);
	free(g->hosts);
	free(g->series);
}

void gs_summary_free(struct gs_summary *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n_samples && i < GS_MAX_SAMPLES; i++)
		free(s->samples[i]);
	for (i = 0; i < s->n_groups; i++)
		group_free(&s->groups[i]);
	free(s->groups);
	memset(s, 0, sizeof(*s));
}

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a > b ? -1 : a < b ? 1 : 0;
}

static int group_cmp(const void *pa, const void *pb)
{
	const struct gs_group_stats *a = pa, *b = pb;
	int c;

	c = cmp_u64_desc(a->counts[GS_C_NEW], b->counts[GS_C_NEW]);
	if (c != 0)
		return c;
	c = cmp_u64_desc(a->counts[GS_C_EARLY_RETRY],
			 b->counts[GS_C_EARLY_RETRY]);
	if (c != 0)
		return c;
	/* NULL domains sort first so the order stays total. */
	if (a->domain == NULL || b->domain == NULL)
		return (a->domain != NULL) - (b->domain != NULL);
	c = strcmp(a->domain, b->domain);
	if (c != 0)
		return c;
	/* The same text as a name and as a network cannot both exist in
	 * practice, but keep the order total anyway. */
	return (int)a->kind - (int)b->kind;
}

void gs_summary_sort(struct gs_summary *s)
{
	if (s == NULL || s->groups == NULL || s->n_groups < 2)
		return;
	qsort(s->groups, s->n_groups, sizeof(s->groups[0]), group_cmp);
}
