/* One element of a summary file's "domains", checked and copied out, with
 * the pair evidence of version 2; and the checked numbers both halves of
 * the reader share. Private to lib/summary: summary_read.c reads the file
 * and calls these for each domain. See man/greyscan-summary.5. */
#ifndef GS_SUMMARY_DOMAIN_H
#define GS_SUMMARY_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/json.h"
#include "summary/summary.h"
#include "summary/summary_series.h"

/* What the reader knows while it reads the domains. The stream reader may
 * meet the domains before "version" and "series" (members may come in any
 * order), so a domain without "pairs" is then only noted, and its series
 * read ahead (summary_series.h), to be judged once the header is known
 * (gs_summary_check_domains). */
struct gs_domain_reader {
	int version;	       /* the file's, or 0 while not known yet */
	size_t cap;	       /* room in out->groups */
	size_t first_unpaired; /* first domain without "pairs" read while
				  version was 0; SIZE_MAX: none */
	struct gs_series_reader series;
};

/* version as given (0: not known yet), the series' frame not known yet,
 * nothing read. */
void gs_domain_reader_init(struct gs_domain_reader *r, int version);

/* Checks the domain o (an element of "domains") and appends it to out,
 * growing out->groups; "pairs" is checked whenever present, and required
 * when r->version is 2; "series" as r->series says. The group is counted
 * in out->n_groups before it is filled, so that gs_summary_free releases a
 * half-read one. -1 with the error in w, naming the member
 * ("domains[3].pairs.passed"). */
int gs_summary_add_domain(const struct gs_json_where *w, struct fjson_object *o,
			  struct gs_summary *out, struct gs_domain_reader *r);

/* Once the header of out is known to be valid: in version 1 the domains'
 * pair evidence is dropped (has_pairs false), and without a series their
 * series. The first domain noted against the header is then an error (in
 * version 2 one without "pairs", with a series one whose series is wrong;
 * the pairs first within a domain, as they are read first), unless
 * held_error says that an earlier error (in the last domain read, or
 * before) comes first. */
int gs_summary_check_domains(const struct gs_json_where *w,
			     const struct gs_domain_reader *r,
			     struct gs_summary *out, bool held_error);

/* Counts of the summary's two sizes: a small count (0..UINT32_MAX, also
 * seconds) and a count (0..GS_JSON_COUNT_MAX), as base/json.h checks them;
 * parent and key name the member. */
int gs_summary_get_u32(const struct gs_json_where *w, struct fjson_object *obj,
		       const char *parent, const char *key, uint32_t *out);
int gs_summary_get_u64(const struct gs_json_where *w, struct fjson_object *obj,
		       const char *parent, const char *key, uint64_t *out);

#endif
