/* The state file's loader (format in state.h; the fields of each line in
 * state_parse.c).
 *
 * Loading reads the file twice, line by line with a length bound. The first
 * pass checks everything (each field's presence, type and range, each
 * group's consistency with gs_tally_check_group, the number of groups) and
 * keeps nothing but the header and trailer fields; only when the whole file
 * is good does the second pass read the groups again and hand them to
 * gs_tally_import in batches, and then the pairs. So a bad file leaves the
 * tally unchanged, and memory is one batch of groups or pairs, not the
 * whole file.
 *
 * No shared state here: the tally does its own locking. */
#include "gs_config.h"

#include "state/state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libfastjson/json.h>

#include "base/error.h"
#include "base/json.h"
#include "state/state_parse.h"

#define IMPORT_BATCH_GROUPS 512 /* groups read per gs_tally_import */

typedef struct gs_json_where where_t;

/* A growing buffer: one line of the file. */
struct buf {
	char *data;
	size_t len, cap;
};

static int buf_put(struct buf *b, const char *s, size_t n)
{
	size_t cap;
	char *p;

	if (n > b->cap - b->len) {
		cap = b->cap == 0 ? 65536 : b->cap;
		while (n > cap - b->len)
			cap *= 2;
		p = realloc(b->data, cap);
		if (p == NULL)
			return -1;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	return 0;
}

/* Reads one line without its '\n' into b. Returns 1 for a line, 0 at the
 * end of the file, -1 with err filled on a read error, an overlong line or
 * a last line without '\n' (a truncated file). */
static int read_line(FILE *fp, const where_t *w, struct buf *b)
{
	int c;

	b->len = 0;
	while ((c = getc_unlocked(fp)) != EOF && c != '\n') {
		if (b->len >= GS_STATE_MAX_LINE_BYTES)
			return gs_json_bad(w, NULL, "longer than %u bytes",
					   GS_STATE_MAX_LINE_BYTES);
		if (b->len < b->cap)
			b->data[b->len++] = (char)c;
		else if (buf_put(b, &(char){(char)c}, 1) < 0)
			return gs_json_bad(w, NULL, "%s", strerror(ENOMEM));
	}
	if (ferror(fp))
		return gs_json_bad(w, NULL, "read error: %s", strerror(errno));
	if (c == EOF && b->len == 0)
		return 0;
	if (c == EOF)
		return gs_json_bad(w, NULL,
				   "no newline at the end (truncated file)");
	return 1;
}

/* Parses b as exactly one JSON value. NULL with err filled otherwise. */
static struct json_object *parse_line(struct json_tokener *tok,
				      const where_t *w, const struct buf *b)
{
	struct json_object *o;
	enum json_tokener_error e;

	if (b->len == 0) {
		gs_json_bad(w, NULL, "empty line");
		return NULL;
	}
	json_tokener_reset(tok);
	o = json_tokener_parse_ex(tok, b->data != NULL ? b->data : "",
				  (int)b->len);
	e = fjson_tokener_get_error(tok);
	if (e == fjson_tokener_continue)
		gs_json_bad(w, NULL, "incomplete JSON (truncated file?)");
	else if (e != fjson_tokener_success)
		gs_json_bad(w, NULL, "invalid JSON: %s",
			    json_tokener_error_desc(e));
	else if ((size_t)tok->char_offset != b->len || o == NULL)
		gs_json_bad(w, NULL, "invalid JSON: not one value");
	else
		return o;
	json_object_put(o);
	return NULL;
}

/* A load in progress. */
struct loader {
	FILE *fp;
	where_t w; /* the file and the line reached */
	struct json_tokener *tok;
	struct buf line;
	int version;
	/* The header and trailer fields; groups[] is the batch of pass 2. */
	struct gs_tally_export x;
	size_t n_groups; /* announced by the v1 header or the trailer */
	size_t n_pairs;	 /* announced by the v3 trailer */
	/* Version 2 names its hosts at the end: the largest host index of the
	 * groups, and where it was first seen, is checked there. */
	size_t max_host, max_host_line, max_host_entry;
};

/* Reads and parses the next line into *o (NULL at the end of the file).
 * -1 with err filled. */
static int next_object(struct loader *l, struct json_object **o)
{
	int got;

	*o = NULL;
	l->w.line++;
	got = read_line(l->fp, &l->w, &l->line);
	if (got <= 0)
		return got;
	*o = parse_line(l->tok, &l->w, &l->line);
	return *o != NULL ? 0 : -1;
}

/* Pass 1 on a group line: every field and the group's consistency. */
static int check_group_line(struct loader *l, struct json_object *o)
{
	struct gs_tally_export probe;
	struct gs_tally_xgroup g;
	char why[GS_ERRLEN];
	size_t i;
	int rc = -1;

	/* Version 2's hosts are known only at the end: any index will do
	 * here, the largest is checked against them there. */
	memset(&probe, 0, sizeof(probe));
	probe.window_s = l->x.window_s;
	probe.slot_s = l->x.slot_s;
	probe.n_hosts = l->version == GS_STATE_VERSION_1
			    ? l->x.n_hosts
			    : GS_TALLY_MAX_HOST_NAMES;
	memset(&g, 0, sizeof(g));
	if (gs_state_read_group(&l->w, o, l->version, &probe, &g) < 0)
		goto out;
	if (gs_tally_check_group(&probe, &g, why, sizeof(why)) < 0) {
		gs_json_bad(&l->w, NULL, "%s", why);
		goto out;
	}
	for (i = 0; i < g.n_entries; i++) {
		if (g.entries[i].host <= l->max_host && l->max_host_line > 0)
			continue;
		l->max_host = g.entries[i].host;
		l->max_host_line = l->w.line;
		l->max_host_entry = i;
	}
	rc = 0;
out:
	gs_state_xgroup_free(&g);
	return rc;
}

/* Pass 1 on a pair line (version 3). */
static int check_pair_line(struct loader *l, struct json_object *o)
{
	struct gs_tally_xpair p;
	char why[GS_ERRLEN];

	memset(&p, 0, sizeof(p));
	if (gs_state_read_pair(&l->w, o, &p) < 0)
		return -1;
	if (gs_tally_check_pair(&p, why, sizeof(why)) < 0)
		return gs_json_bad(&l->w, NULL, "%s", why);
	return 0;
}

/* Pass 1 at the trailer (versions 2 and 3): its fields, the number of
 * groups and pairs, the host indexes, and nothing after it. */
static int check_trailer(struct loader *l, struct json_object *o, size_t seen,
			 size_t seen_pairs)
{
	struct json_object *rest = NULL;
	char f[GS_JSON_PATH_LEN];
	int rc;

	if (gs_state_read_dynamic(&l->w, o, l->version, &l->x, &l->n_groups,
				  &l->n_pairs) < 0)
		return -1;
	if (l->n_groups != seen)
		return gs_json_bad(&l->w, "groups",
				   "%zu groups announced, but %zu written "
				   "before",
				   l->n_groups, seen);
	if (l->n_pairs != seen_pairs)
		return gs_json_bad(&l->w, "pairs",
				   "%zu pairs announced, but %zu written "
				   "before",
				   l->n_pairs, seen_pairs);
	if (l->max_host_line > 0 && l->max_host >= l->x.n_hosts) {
		l->w.line = l->max_host_line;
		return gs_json_bad(
		    &l->w, gs_json_path_idx(f, "entries", l->max_host_entry),
		    "host %zu is not among the %zu hosts of the trailer",
		    l->max_host, l->x.n_hosts);
	}
	rc = next_object(l, &rest);
	if (rc == 0 && rest != NULL) {
		json_object_put(rest);
		return gs_json_bad(&l->w, NULL, "a line after the trailer");
	}
	return rc;
}

static bool has_member(struct json_object *o, const char *key)
{
	return json_object_is_type(o, json_type_object) &&
	       json_object_object_get_ex(o, key, NULL);
}

/* Pass 1 on a line after the groups: a pair line (then *pairs counts it)
 * or, returned as 1, a group line out of place. */
static int check_after_groups(struct loader *l, struct json_object *o,
			      size_t *pairs)
{
	if (l->version != GS_STATE_VERSION || !has_member(o, "pair"))
		return 1;
	if (check_pair_line(l, o) < 0)
		return -1;
	(*pairs)++;
	return 0;
}

/* Pass 1 after the header: the group lines, then version 3's pair lines,
 * up to the trailer or the end of the file. */
static int check_groups(struct loader *l)
{
	struct json_object *o = NULL;
	size_t seen = 0, pairs = 0;
	int rc = -1, r;

	for (;;) {
		json_object_put(o);
		if (next_object(l, &o) < 0)
			goto out;
		if (o == NULL)
			break;
		if (l->version != GS_STATE_VERSION_1 &&
		    has_member(o, "groups")) {
			rc = check_trailer(l, o, seen, pairs);
			goto out;
		}
		r = check_after_groups(l, o, &pairs);
		if (r < 0)
			goto out;
		if (r == 0)
			continue;
		if (pairs > 0) {
			gs_json_bad(&l->w, NULL,
				    "a group line after the pair lines");
			goto out;
		}
		if (l->version == GS_STATE_VERSION_1 && seen == l->n_groups) {
			gs_json_bad(&l->w, NULL,
				    "more groups than the %zu the header "
				    "announces",
				    l->n_groups);
			goto out;
		}
		if (check_group_line(l, o) < 0)
			goto out;
		seen++;
	}
	if (l->version != GS_STATE_VERSION_1)
		gs_json_bad(&l->w, NULL,
			    "truncated file: no trailer after %zu groups",
			    seen);
	else if (seen != l->n_groups)
		gs_json_bad(&l->w, NULL,
			    "truncated file: %zu of the %zu groups the header "
			    "announces",
			    seen, l->n_groups);
	else
		rc = 0;
out:
	json_object_put(o);
	return rc;
}

/* Pass 1: reads the whole file, checking everything, keeping only the
 * header and trailer fields in l->x. */
static int check_file(struct loader *l)
{
	struct json_object *o = NULL;
	int rc = -1, got;

	got = next_object(l, &o);
	if (got == 0 && o == NULL)
		gs_json_bad(&l->w, NULL,
			    "empty file, expected the state header");
	if (o == NULL || gs_state_read_header(&l->w, o, &l->x, &l->version) < 0)
		goto out;
	if (l->version == GS_STATE_VERSION_1 &&
	    gs_state_read_dynamic(&l->w, o, l->version, &l->x, &l->n_groups,
				  &l->n_pairs) < 0)
		goto out;
	json_object_put(o);
	o = NULL;
	rc = check_groups(l);
out:
	json_object_put(o);
	return rc;
}

/* Hands the batch in l->x.groups or l->x.pairs to the tally. The header
 * and trailer fields (totals, samples, end) go with the first batch only. */
static int import_batch(struct loader *l, struct gs_tally *t, int first)
{
	char why[GS_ERRLEN];
	size_t i;
	int rc;

	if (!first) {
		memset(&l->x.totals, 0, sizeof(l->x.totals));
		for (i = 0; i < l->x.n_samples; i++)
			free(l->x.samples[i]);
		l->x.n_samples = 0;
	}
	rc = gs_tally_import(t, &l->x, why, sizeof(why));
	for (i = 0; i < l->x.n_groups; i++)
		gs_state_xgroup_free(&l->x.groups[i]);
	l->x.n_groups = 0;
	l->x.n_pairs = 0;
	if (rc < 0)
		return gs_seterr(l->w.err, l->w.errlen, "%s: %s", l->w.file,
				 why);
	return 0;
}

/* The next line of pass 2 into *o; the file was good in pass 1, so a
 * failure means it changed in place since, or memory ran out. */
static int next_again(struct loader *l, struct json_object **o)
{
	if (next_object(l, o) < 0)
		return -1;
	if (*o == NULL)
		return gs_json_bad(&l->w, NULL,
				   "the file changed while being read");
	return 0;
}

/* Pass 2 after the groups: the pair lines in batches, after every group
 * is in the tally. */
static int import_pairs(struct loader *l, struct gs_tally *t)
{
	struct json_object *o = NULL;
	size_t i;
	int rc = -1;

	if (l->n_pairs == 0)
		return 0;
	l->x.pairs = calloc(GS_TALLY_PAIR_CHUNK, sizeof(*l->x.pairs));
	if (l->x.pairs == NULL)
		return gs_seterr(l->w.err, l->w.errlen, "%s: %s", l->w.file,
				 strerror(ENOMEM));
	for (i = 0; i < l->n_pairs; i++) {
		if (next_again(l, &o) < 0 ||
		    gs_state_read_pair(&l->w, o, &l->x.pairs[l->x.n_pairs++]) <
			0)
			goto out;
		json_object_put(o);
		o = NULL;
		if ((l->x.n_pairs == GS_TALLY_PAIR_CHUNK ||
		     i + 1 == l->n_pairs) &&
		    import_batch(l, t, 0) < 0)
			goto out;
	}
	rc = 0;
out:
	json_object_put(o);
	return rc;
}

/* Pass 2: reads the groups again, now into batches for the tally, then the
 * pairs. */
static int import_file(struct loader *l, struct gs_tally *t)
{
	struct json_object *o = NULL;
	size_t i;
	int first = 1, rc = -1, got;

	l->x.groups = calloc(IMPORT_BATCH_GROUPS, sizeof(*l->x.groups));
	if (l->x.groups == NULL)
		return gs_seterr(l->w.err, l->w.errlen, "%s: %s", l->w.file,
				 strerror(ENOMEM));
	if (fseek(l->fp, 0, SEEK_SET) < 0)
		return gs_seterr(l->w.err, l->w.errlen, "%s: rewind: %s",
				 l->w.file, strerror(errno));
	l->w.line = 1;
	got = read_line(l->fp, &l->w, &l->line);
	if (got == 0)
		gs_json_bad(&l->w, NULL, "the file changed while being read");
	if (got <= 0)
		return -1;
	for (i = 0; i < l->n_groups; i++) {
		if (next_again(l, &o) < 0 ||
		    gs_state_read_group(&l->w, o, l->version, &l->x,
					&l->x.groups[l->x.n_groups++]) < 0)
			goto out;
		json_object_put(o);
		o = NULL;
		if (l->x.n_groups == IMPORT_BATCH_GROUPS) {
			if (import_batch(l, t, first) < 0)
				goto out;
			first = 0;
		}
	}
	if ((first || l->x.n_groups > 0) && import_batch(l, t, first) < 0)
		goto out;
	rc = import_pairs(l, t);
out:
	json_object_put(o);
	return rc;
}

/* Opens the state file for both passes (pass 2 rewinds the same stream).
 * It is opened inside rsyslogd at start, as root: a FIFO must not block,
 * a symbolic link is not followed, and only a regular file is read. Its
 * size is not capped: whatever gs_state_save wrote must load again, and
 * the memory a load needs is bounded by GS_STATE_MAX_LINE_BYTES and one
 * chunk of groups, not by the file. *exists is 0 when there is nothing at
 * path (then NULL, no error), else 1; NULL with err on any failure. */
static FILE *open_state(const char *path, int *exists, char *err, size_t errlen)
{
	struct stat st;
	FILE *fp = NULL;
	int fd, flags;

	*exists = 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return NULL;
	*exists = 1;
	if (fd < 0 && errno == ELOOP) {
		gs_seterr(err, errlen,
			  "%s: cannot open: is a symbolic link (%s)", path,
			  strerror(ELOOP));
		return NULL;
	}
	if (fd < 0) {
		gs_seterr(err, errlen, "%s: cannot open: %s", path,
			  strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		gs_seterr(err, errlen, "%s: cannot stat: %s", path,
			  strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		gs_seterr(err, errlen, "%s: cannot open: not a regular file",
			  path);
		goto fail;
	}
	/* A regular file never blocks; clear the flag all the same. */
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		gs_seterr(err, errlen, "%s: fcntl: %s", path, strerror(errno));
		goto fail;
	}
	fp = fdopen(fd, "r");
	if (fp == NULL) {
		gs_seterr(err, errlen, "%s: fdopen: %s", path, strerror(errno));
		goto fail;
	}
	return fp;
fail:
	(void)close(fd);
	return NULL;
}

int gs_state_load(struct gs_tally *t, const char *path, int *found, char *err,
		  size_t errlen)
{
	struct loader l;
	size_t i;
	int rc = -1, exists;

	memset(&l, 0, sizeof(l));
	l.w.file = path;
	l.w.err = err;
	l.w.errlen = errlen;
	l.fp = open_state(path, &exists, err, errlen);
	if (found != NULL)
		*found = exists;
	if (l.fp == NULL)
		return exists ? -1 : 0;
	l.tok = json_tokener_new();
	if (l.tok == NULL) {
		gs_seterr(err, errlen, "%s: %s", path, strerror(ENOMEM));
		goto out;
	}
	if (check_file(&l) < 0 || import_file(&l, t) < 0)
		goto out;
	rc = 0;
out:
	/* Read-only: a failing fclose loses nothing. */
	(void)fclose(l.fp);
	if (l.tok != NULL)
		json_tokener_free(l.tok);
	free(l.line.data);
	for (i = 0; l.x.groups != NULL && i < l.x.n_groups; i++)
		gs_state_xgroup_free(&l.x.groups[i]);
	free(l.x.groups);
	l.x.groups = NULL;
	l.x.n_groups = 0;
	gs_tally_export_free(&l.x);
	return rc;
}
