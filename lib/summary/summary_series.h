/* The summary file's per-slot series, read back: the top-level "series"
 * (the slots' frame) and each domain's "series" (the counts per slot).
 * Private to lib/summary: summary_read.c reads the frame, summary_domain.c
 * each domain's counts. See man/greyscan-summary.5, SERIES.
 *
 * With the frame, every domain must carry both arrays of exactly "slots"
 * counts; without it, a domain's "series" is ignored. The stream reader
 * may meet the domains before the frame (members come in any order), and
 * even before it is known whether there is one: a domain's series is then
 * read as far as it goes without the frame, and the first domain that
 * would be wrong with any frame is noted, to be judged once the frame is
 * known (gs_series_pending). Nothing after that domain needs reading: the
 * file is refused there, or its series are dropped. */
#ifndef GS_SUMMARY_SERIES_H
#define GS_SUMMARY_SERIES_H

#include <stddef.h>

#include "base/error.h"
#include "base/json.h"
#include "summary/summary.h"

enum gs_series_frame {
	GS_SERIES_UNKNOWN, /* not met yet: the domains are read ahead */
	GS_SERIES_ABSENT,  /* the file has none: domains' series ignored */
	GS_SERIES_PRESENT  /* slots known: domains' series checked at once */
};

/* What a domain read ahead of the frame has against it. */
enum gs_series_defect {
	GS_SERIES_OK,	   /* nothing (yet) */
	GS_SERIES_MISSING, /* no "series" */
	GS_SERIES_BAD,	   /* wrong with any frame: message in bad */
	GS_SERIES_LENGTH   /* arrays of lengths unlike the others' */
};

struct gs_series_reader {
	enum gs_series_frame frame;
	size_t slots; /* the frame's, when GS_SERIES_PRESENT */
	/* Read ahead: the one length of all domains so far (SIZE_MAX: no
	 * domain yet), and the first domain with a defect. */
	size_t len;
	size_t at; /* that domain's index; SIZE_MAX: none */
	enum gs_series_defect defect;
	size_t lens[2];	     /* its arrays' lengths (GS_SERIES_LENGTH) */
	char bad[GS_ERRLEN]; /* the message (GS_SERIES_BAD) */
};

/* Frame GS_SERIES_UNKNOWN, nothing read. */
void gs_series_reader_init(struct gs_series_reader *r);

/* The frame of s once its header is read: present or absent. */
void gs_series_reader_frame(struct gs_series_reader *r,
			    const struct gs_summary *s);

/* The frame from the members root holds so far, for the stream reader at
 * its first domain: present when root has a valid "series", else unknown
 * (one that is there but wrong is refused with the header later). */
void gs_series_reader_peek(struct gs_series_reader *r,
			   struct fjson_object *root);

/* The top-level "series" of root, when present, into out (has_series,
 * series_start, series_slot_s, series_slots): slot_seconds at least 1,
 * slots at most GS_SERIES_MAX_SLOTS, start a time or, with no slot, null.
 * -1 with the error in w ("series.slots: ..."). */
int gs_series_read_frame(const struct gs_json_where *w,
			 struct fjson_object *root, struct gs_summary *out);

/* The "series" of the domain o (named path, at index) into g->series as
 * r's frame requires: with the frame at once (-1 with the error in w,
 * "domains[3].series.passed: expected 29 counts, found 28"), ahead of it
 * noted in r. Also -1 when out of memory. */
int gs_series_read_domain(const struct gs_json_where *w, struct fjson_object *o,
			  const char *path, struct gs_group_stats *g,
			  struct gs_series_reader *r, size_t index);

/* Once the header of out is read: without a series, drops the domains'
 * (g->series of all out->groups freed). Returns the index of the first
 * domain read ahead whose series is wrong for out's frame, or SIZE_MAX. */
size_t gs_series_pending(const struct gs_series_reader *r,
			 struct gs_summary *out);

/* The error of that domain (gs_series_pending's index) into w; -1. */
int gs_series_report(const struct gs_json_where *w,
		     const struct gs_series_reader *r, size_t slots);

#endif
