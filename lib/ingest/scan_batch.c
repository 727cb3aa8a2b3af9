/* A batch: one block of a log file, its lines, and what judging them gave.
 *
 * The reading thread cuts the block into lines (spans into the buffer).
 * A judging thread runs each through the ingest's first half
 * (gs_ingest_judge_line) and keeps what the counting needs: decisions and
 * unparsed lines as records, in line order, the strings of a decision
 * copied into the batch's arena (so the parse result is released at once
 * by the thread that made it), ignored lines only as a number. Counting
 * (gs_ingest_count, the other half) then needs nothing but the batch.
 *
 * Concurrency & locking: a batch belongs to one thread at a time (the
 * pipe hands it over under its mutex, scan_pipe.c); nothing here locks. */
#include "gs_config.h"

#include <stdlib.h>
#include <string.h>

#include "ingest/scan_int.h"

#define GS_SPANS_FIRST	     4096 /* lines a batch starts with */
#define GS_RECORDS_FIRST     1024 /* records a batch starts with */
#define GS_ARENA_FIRST_BYTES (64 * 1024)

void gs_scan_batch_free(struct batch *b)
{
	if (b == NULL)
		return;
	free(b->buf);
	free(b->spans);
	free(b->recs);
	free(b->arena);
	free(b);
}

struct batch *gs_scan_batch_new(size_t bufsize)
{
	struct batch *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return NULL;
	if ((b->buf = malloc(bufsize)) == NULL) {
		gs_scan_batch_free(b);
		return NULL;
	}
	return b;
}

void gs_scan_batch_clear(struct batch *b)
{
	b->have = 0;
	b->n_spans = 0;
	b->n_recs = 0;
	b->arena_len = 0;
	b->ignored = 0;
	b->n_judged = 0;
	b->failed = false;
	b->judged = false;
	b->next = NULL;
}

/* Makes room for one more element of size bytes in *arr (n used, *cap
 * allocated, first as the first size). false on no memory. */
static bool grow(void **arr, size_t n, size_t *cap, size_t size, size_t first)
{
	size_t c;
	void *p;

	if (n < *cap)
		return true;
	c = *cap > 0 ? 2 * *cap : first;
	p = realloc(*arr, c * size);
	if (p == NULL)
		return false;
	*arr = p;
	*cap = c;
	return true;
}

bool gs_scan_batch_add_line(struct batch *b, const char *line, size_t len,
			    bool overlong)
{
	struct span *s;

	if (!grow((void **)&b->spans, b->n_spans, &b->cap_spans,
		  sizeof(*b->spans), GS_SPANS_FIRST))
		return false;
	s = &b->spans[b->n_spans++];
	/* The buffer is far below 4 GiB (a block plus one line). */
	s->off = (uint32_t)(line - b->buf);
	s->len = (uint32_t)len;
	s->overlong = overlong;
	return true;
}

/* Copies s (NULL: absent) into b's arena and stores where into *at. */
static bool arena_put(struct batch *b, const char *s, uint32_t *at)
{
	size_t len, cap;
	char *p;

	if (s == NULL) {
		*at = NO_STR;
		return true;
	}
	len = strlen(s) + 1;
	if (len > b->arena_cap - b->arena_len) {
		cap = b->arena_cap > 0 ? b->arena_cap : GS_ARENA_FIRST_BYTES;
		while (cap - b->arena_len < len)
			cap *= 2;
		if (cap >= NO_STR || (p = realloc(b->arena, cap)) == NULL)
			return false;
		b->arena = p;
		b->arena_cap = cap;
	}
	memcpy(b->arena + b->arena_len, s, len);
	*at = (uint32_t)b->arena_len;
	b->arena_len += len;
	return true;
}

static const char *arena_get(const struct batch *b, uint32_t at)
{
	return at == NO_STR ? NULL : b->arena + at;
}

/* Keeps what counting r of line i needs. false on no memory. */
static bool keep(struct batch *b, uint32_t i, const struct gs_ingest_result *r)
{
	const struct gs_event *ev = &r->parsed.ev;
	const char *strs[STRS] = {
	    ev->client_name, ev->client_address, ev->sender, ev->recipient,
	    ev->queue_id,    ev->host,		 r->group};
	struct record *rec;
	size_t k;

	if (!grow((void **)&b->recs, b->n_recs, &b->cap_recs, sizeof(*b->recs),
		  GS_RECORDS_FIRST))
		return false;
	rec = &b->recs[b->n_recs];
	rec->kind = r->kind;
	rec->span = i;
	if (r->kind == GS_INGEST_ACTION) {
		rec->ev = *ev;
		rec->group_kind = r->group_kind;
		for (k = 0; k < STRS; k++)
			if (!arena_put(b, strs[k], &rec->str[k]))
				return false;
	}
	b->n_recs++;
	return true;
}

void gs_scan_batch_judge(struct batch *b, struct gs_ingest *in,
			 const struct gs_rulebase *rb)
{
	struct gs_ingest_result r;
	const struct span *s;
	bool ok = true;
	size_t i;

	for (i = 0; ok && i < b->n_spans; i++) {
		s = &b->spans[i];
		if (s->overlong)
			gs_ingest_judge_overlong(in, b->buf + s->off, s->len,
						 b->ref, &r);
		else
			gs_ingest_judge_line(in, rb, b->buf + s->off, s->len,
					     b->ref, &r);
		if (r.kind == GS_INGEST_IGNORED)
			b->ignored++;
		else if (r.kind != GS_INGEST_FOREIGN)
			ok = keep(b, (uint32_t)i, &r);
		gs_ingest_result_release(&r);
	}
	/* On no memory, the line that found none still counts as a line. */
	b->n_judged = i;
	b->failed = !ok;
}

/* Counts one record through the ingest's second half. */
static void count_record(const struct batch *b, const struct record *rec,
			 struct gs_ingest *in)
{
	const struct span *s = &b->spans[rec->span];
	const char *group;
	struct gs_ingest_result r;

	r.kind = rec->kind;
	r.sample = b->buf + s->off;
	r.sample_len = s->len;
	if (rec->kind == GS_INGEST_ACTION) {
		r.parsed.ev = rec->ev;
		r.parsed.ev.client_name = arena_get(b, rec->str[STR_NAME]);
		r.parsed.ev.client_address =
		    arena_get(b, rec->str[STR_ADDRESS]);
		r.parsed.ev.sender = arena_get(b, rec->str[STR_SENDER]);
		r.parsed.ev.recipient = arena_get(b, rec->str[STR_RECIPIENT]);
		r.parsed.ev.queue_id = arena_get(b, rec->str[STR_QUEUE_ID]);
		r.parsed.ev.host = arena_get(b, rec->str[STR_HOST]);
		group = arena_get(b, rec->str[STR_GROUP]);
		memcpy(r.group, group, strlen(group) + 1);
		r.group_kind = rec->group_kind;
	}
	gs_ingest_count(in, &r);
}

void gs_scan_batch_count(const struct batch *b, struct gs_ingest *in)
{
	size_t i;

	gs_ingest_count_lines(in, b->n_judged, b->ignored);
	for (i = 0; i < b->n_recs; i++)
		count_record(b, &b->recs[i], in);
}
