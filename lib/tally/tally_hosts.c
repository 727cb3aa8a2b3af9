/* The tally's reporting host names: one table per tally, a bounded set per
 * group (design in tally.h).
 *
 * Concurrency & locking: gs_tally_host_id() and gs_tally_group_host() read
 * and change t->hosts, t->n_hosts and t->host_index, and are called with
 * t->lock held (tally_int.h). gs_tally_host_name() and gs_tally_host_slot()
 * touch no shared state (the hash seed is read-only after gs_tally_new()). */
#include "gs_config.h"

#include <stdlib.h>
#include <string.h>

#include "base/sanitize.h"
#include "base/siphash.h"
#include "tally/tally_int.h"

size_t gs_tally_host_slot(const struct gs_tally *t, const char *name)
{
	return gs_siphash13(t->seed, name, strlen(name)) &
	       (HOST_INDEX_SIZE - 1);
}

/* Sanitises a reporting host's name (NULL is "") into name. */
void gs_tally_host_name(const char *host,
			char name[GS_TALLY_HOST_NAME_MAX_LEN + 1])
{
	gs_sanitize_text(name, GS_TALLY_HOST_NAME_MAX_LEN + 1,
			 host != NULL ? host : "",
			 host != NULL ? strlen(host) : 0);
}

/* The tally-wide id of a reporting host (a name from gs_tally_host_name), added
 * when there is room; when the table is full (or memory is short) the host
 * counts as "other". */
uint8_t gs_tally_host_id(struct gs_tally *t, const char *name)
{
	size_t i;
	uint16_t v;

	for (i = gs_tally_host_slot(t, name);;
	     i = (i + 1) & (HOST_INDEX_SIZE - 1)) {
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
uint8_t gs_tally_group_host(const struct group *g, uint8_t host)
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
