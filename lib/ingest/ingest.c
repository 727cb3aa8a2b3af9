/* The one ingest path (rules in ingest.h): framing a line, parsing,
 * classifying and grouping (judging), and counting into the tally.
 *
 * Concurrency & locking: a struct gs_ingest belongs to one thread: its
 * group cache, its logline cache and its tally counter are used without a
 * lock. The grouper and the rulebase are shared read-only. gs_ingest_count
 * calls the tally, which takes its own lock for a decision or an unparsed
 * line; lines and ignored lines go to the counter, which takes none. No
 * function here holds a lock while calling anything. */
#include "gs_config.h"

#include "ingest/ingest.h"

#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "input/logline.h"

struct gs_ingest {
	struct gs_group_cache *groups;
	struct gs_logline_cache clock; /* memo of the framing's time */
	struct gs_tally *tally;	       /* NULL: judging only */
	struct gs_tally_counter *counter;
};

struct gs_ingest *gs_ingest_new(const struct gs_grouper *g, struct gs_tally *t,
				size_t cache_slots, char *err, size_t errlen)
{
	struct gs_ingest *in = calloc(1, sizeof(*in));

	if (in == NULL) {
		gs_seterr(err, errlen, "ingest: out of memory");
		return NULL;
	}
	gs_logline_cache_init(&in->clock);
	in->groups = gs_group_cache_new(g, cache_slots, err, errlen);
	if (in->groups == NULL)
		goto fail;
	in->tally = t;
	if (t != NULL) {
		in->counter = gs_tally_counter_open(t, err, errlen);
		if (in->counter == NULL)
			goto fail;
	}
	return in;
fail:
	gs_ingest_free(in);
	return NULL;
}

void gs_ingest_free(struct gs_ingest *in)
{
	if (in == NULL)
		return;
	gs_tally_counter_close(in->counter);
	gs_group_cache_free(in->groups);
	free(in);
}

/* An empty result. The parse result is filled (and cleared first) by the
 * parser; until then only its json is set, and the buffers stay unset
 * until used: a scan judges every line, most of them foreign. */
static void result_init(struct gs_ingest_result *r)
{
	r->kind = GS_INGEST_FOREIGN;
	r->line = NULL;
	r->parsed.json = NULL;
	r->parsed.other = NULL;
	r->grouped = false;
	r->group[0] = '\0';
	r->group_kind = GS_KIND_NAME;
	r->counted = false;
	r->sample = NULL;
	r->sample_len = 0;
	r->host[0] = '\0';
}

void gs_ingest_result_release(struct gs_ingest_result *r)
{
	if (r->parsed.json != NULL)
		gs_parsed_release(&r->parsed);
	result_init(r);
}

/* Finds "postgrey" in a line whose framing is broken: only such lines are
 * counted as unparsed, other broken lines cannot be attributed. */
static bool mentions_postgrey(const char *line, size_t len)
{
	static const char word[] = "postgrey";
	const size_t wlen = sizeof(word) - 1;
	const char *p = line, *end = line + len;

	while ((size_t)(end - p) >= wlen) {
		p = memchr(p, 'p', (size_t)(end - p) - wlen + 1);
		if (p == NULL)
			return false;
		if (memcmp(p, word, wlen) == 0)
			return true;
		p++;
	}
	return false;
}

static void set_unparsed(struct gs_ingest_result *r, const char *sample,
			 size_t len)
{
	r->kind = GS_INGEST_UNPARSED;
	r->line = "unparsed";
	r->sample = sample;
	r->sample_len = len;
}

/* Parses text and classifies and groups the result into r, whose
 * parsed.ev gets time and host for a decision; sample is what an
 * unparsed one is sampled by. */
static void judge_text(struct gs_ingest *in, const struct gs_rulebase *rb,
		       const char *text, size_t len, time_t time,
		       const char *host, const char *sample, size_t sample_len,
		       struct gs_ingest_result *r)
{
	struct gs_event *ev = &r->parsed.ev;

	switch (gs_parse_message(rb, text, len, &r->parsed)) {
	case GS_PARSE_ACTION:
		ev->time = time;
		ev->host = host;
		if (gs_group_cache_of(in->groups, ev->client_name,
				      ev->client_address, r->group,
				      &r->group_kind) != 0) {
			set_unparsed(r, sample, sample_len);
			return;
		}
		r->kind = GS_INGEST_ACTION;
		r->line = "action";
		r->grouped = true;
		return;
	case GS_PARSE_OTHER:
		r->kind = GS_INGEST_IGNORED;
		r->line = r->parsed.other != NULL ? r->parsed.other : "other";
		return;
	case GS_PARSE_UNPARSED:
		break;
	}
	set_unparsed(r, sample, sample_len);
}

void gs_ingest_judge_line(struct gs_ingest *in, const struct gs_rulebase *rb,
			  const char *line, size_t len, time_t ref,
			  struct gs_ingest_result *out)
{
	struct gs_logline ll;

	result_init(out);
	if (line == NULL)
		return;
	switch (gs_logline_split_cached(line, len, ref, &in->clock, &ll)) {
	case GS_LINE_OTHER:
		return;
	case GS_LINE_MALFORMED:
		if (mentions_postgrey(line, len))
			set_unparsed(out, line, len);
		return;
	case GS_LINE_POSTGREY:
		break;
	}
	if (ll.host_len >= sizeof(out->host)) {
		set_unparsed(out, line, len);
		return;
	}
	memcpy(out->host, ll.host, ll.host_len);
	out->host[ll.host_len] = '\0';
	judge_text(in, rb, ll.msg, ll.msg_len, ll.time, out->host, line, len,
		   out);
}

void gs_ingest_judge_overlong(struct gs_ingest *in, const char *head,
			      size_t len, time_t ref,
			      struct gs_ingest_result *out)
{
	struct gs_logline ll;

	result_init(out);
	if (head == NULL)
		return;
	/* Framed as postgrey's, or broken but naming it: unparsed. */
	if (gs_logline_split_cached(head, len, ref, &in->clock, &ll) !=
		GS_LINE_OTHER &&
	    mentions_postgrey(head, len))
		set_unparsed(out, head, len);
}

/* The part of counting that takes the tally's lock. */
static void count_locked(struct gs_ingest *in, struct gs_ingest_result *r)
{
	if (r->kind == GS_INGEST_ACTION)
		/* A failed add is counted inside the tally (tally.h). */
		r->counted = gs_tally_add(in->tally, &r->parsed.ev, r->group,
					  r->group_kind) == 0;
	else if (r->kind == GS_INGEST_UNPARSED)
		gs_tally_count_unparsed(in->tally, r->sample, r->sample_len);
}

void gs_ingest_count(struct gs_ingest *in, struct gs_ingest_result *r)
{
	if (r->kind == GS_INGEST_IGNORED)
		gs_tally_counter_add(in->counter, 0, 1);
	else
		count_locked(in, r);
}

void gs_ingest_count_lines(struct gs_ingest *in, uint64_t lines,
			   uint64_t ignored)
{
	gs_tally_counter_add(in->counter, lines, ignored);
}

/* Counts the line of r and what it is: one store into the counter, and the
 * tally's lock only for a decision or an unparsed line. */
static void count_with_line(struct gs_ingest *in, struct gs_ingest_result *r)
{
	gs_tally_counter_add(in->counter, 1, r->kind == GS_INGEST_IGNORED);
	count_locked(in, r);
}

void gs_ingest_line(struct gs_ingest *in, const struct gs_rulebase *rb,
		    const char *line, size_t len, time_t ref,
		    struct gs_ingest_result *out)
{
	gs_ingest_judge_line(in, rb, line, len, ref, out);
	count_with_line(in, out);
}

void gs_ingest_message(struct gs_ingest *in, const struct gs_rulebase *rb,
		       const struct gs_ingest_msg *msg,
		       struct gs_ingest_result *out)
{
	const char *text = msg->text != NULL ? msg->text : "";
	size_t len = msg->text != NULL ? msg->len : 0;

	result_init(out);
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	judge_text(in, rb, text, len, msg->time,
		   msg->host != NULL ? msg->host : "", text, len, out);
	count_with_line(in, out);
}
