/* The summary file's validating reader, versions GS_SUMMARY_VERSION_MIN
 * to GS_SUMMARY_VERSION_MAX: see summary_file.h and man/greyscan-summary.5.
 *
 * The file is read with a size bound and parsed member by member, the
 * domains one at a time (base/json_stream.h), since a tree of the whole
 * file costs libfastjson about 17 times the file's size (1.7 GB for a
 * 100 MB summary of 230000 domains); a truncated file and trailing garbage
 * are both noticed. Every field is checked for presence, type and range
 * (base/json.h) before it is copied out, a domain's in summary_domain.c.
 * Unknown fields are ignored so that a version can grow; fields added
 * within version 1 (totals.groups) are optional. Version 2 adds the pair
 * evidence (window.retry_window, totals.pairs_evicted and pairs_open, and
 * each domain's "pairs"), required there; a version 1 file reads with
 * has_pairs false and those figures 0. The per-slot series (the top-level
 * "series" and each domain's, summary_series.c) was added within version
 * 2: optional, and then required in every domain.
 *
 * Errors come in the order a whole-tree parse gave them: bad JSON anywhere
 * first, then the header, then the domains. */
#include "gs_config.h"

#include "summary/summary_file.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libfastjson/json.h>

#include "base/error.h"
#include "base/json.h"
#include "base/json_stream.h"
#include "summary/summary_domain.h"
#include "summary/summary_series.h"

#define SAMPLE_MAX_BYTES 4096 /* one unparsed sample line */
#define READ_CHUNK_BYTES 65536

typedef struct gs_json_where where_t;

/* The format and the version, which goes to *version. */
static int check_header(const where_t *w, struct json_object *root,
			int *version)
{
	struct json_object *v;
	int64_t n;

	if (!json_object_is_type(root, json_type_object))
		return gs_json_bad(w, NULL,
				   "expected a JSON object at the top level");
	if (gs_json_member(w, root, "", "format", json_type_string, &v) < 0)
		return -1;
	if (strcmp(json_object_get_string(v), GS_SUMMARY_FORMAT) != 0)
		return gs_json_bad(w, "format",
				   "not a greyscan summary (format is "
				   "\"%.60s\", expected \"" GS_SUMMARY_FORMAT
				   "\")",
				   json_object_get_string(v));
	if (gs_json_member(w, root, "", "version", json_type_int, &v) < 0)
		return -1;
	n = json_object_get_int64(v);
	if (n < GS_SUMMARY_VERSION_MIN || n > GS_SUMMARY_VERSION_MAX)
		return gs_json_bad(
		    w, NULL,
		    "unsupported version %" PRId64 " (expected %d to %d)", n,
		    GS_SUMMARY_VERSION_MIN, GS_SUMMARY_VERSION_MAX);
	*version = (int)n;
	return 0;
}

static int read_window(const where_t *w, struct json_object *root,
		       struct gs_summary *out)
{
	struct json_object *o;

	if (gs_json_member(w, root, "", "window", json_type_object, &o) < 0 ||
	    gs_json_get_time(w, o, "window", "start", 1, &out->window_start) <
		0 ||
	    gs_json_get_time(w, o, "window", "end", 1, &out->window_end) < 0 ||
	    gs_summary_get_u32(w, o, "window", "seconds", &out->window_s) < 0)
		return -1;
	if (out->version >= 2 &&
	    gs_summary_get_u32(w, o, "window", "retry_window",
			       &out->retry_window_s) < 0)
		return -1;
	return 0;
}

static int read_totals(const where_t *w, struct json_object *root, int version,
		       struct gs_totals *t, int *has_groups)
{
	struct json_object *o;
	int c;

	if (gs_json_member(w, root, "", "totals", json_type_object, &o) < 0 ||
	    gs_summary_get_u64(w, o, "totals", "lines", &t->lines) < 0 ||
	    gs_summary_get_u64(w, o, "totals", "actions", &t->actions) < 0 ||
	    gs_summary_get_u64(w, o, "totals", "unparsed", &t->unparsed) < 0 ||
	    gs_summary_get_u64(w, o, "totals", "ignored", &t->ignored) < 0 ||
	    gs_summary_get_u64(w, o, "totals", "evicted", &t->evicted) < 0 ||
	    gs_summary_get_u64(w, o, "totals", "too_old", &t->too_old) < 0)
		return -1;
	for (c = 0; c < GS_C_COUNT; c++)
		if (gs_summary_get_u64(w, o, "totals", gs_counter_name(c),
				       &t->per_counter[c]) < 0)
			return -1;
	/* Added within version 1: optional, see check_groups_total. */
	*has_groups = json_object_object_get_ex(o, "groups", NULL);
	if (*has_groups &&
	    gs_summary_get_u64(w, o, "totals", "groups", &t->groups) < 0)
		return -1;
	if (version >= 2 && (gs_summary_get_u64(w, o, "totals", "pairs_evicted",
						&t->pairs_evicted) < 0 ||
			     gs_summary_get_u64(w, o, "totals", "pairs_open",
						&t->pairs_open) < 0))
		return -1;
	return 0;
}

/* Samples are kept newest last, so surplus ones (from a future writer that
 * keeps more) are dropped from the front. */
static int read_samples(const where_t *w, struct json_object *root,
			struct gs_summary *out)
{
	char path[GS_JSON_PATH_LEN];
	struct json_object *a;
	size_t i, n, skip;

	if (gs_json_member(w, root, "", "unparsed_samples", json_type_array,
			   &a) < 0)
		return -1;
	n = (size_t)json_object_array_length(a);
	skip = n > GS_MAX_SAMPLES ? n - GS_MAX_SAMPLES : 0;
	for (i = 0; i < n; i++) {
		if (gs_json_string(
			w, json_object_array_get_idx(a, i),
			gs_json_path_idx(path, "unparsed_samples", i),
			SAMPLE_MAX_BYTES, 0,
			i < skip ? NULL : &out->samples[out->n_samples]) < 0)
			return -1;
		if (i >= skip)
			out->n_samples++;
	}
	return 0;
}

/* The domains of a tree, for gs_summary_from_json. */
static int read_groups(const where_t *w, struct json_object *root,
		       struct gs_summary *out)
{
	struct gs_domain_reader r;
	struct json_object *a;
	size_t i, n;

	gs_domain_reader_init(&r, out->version);
	gs_series_reader_frame(&r.series, out);
	if (gs_json_member(w, root, "", "domains", json_type_array, &a) < 0)
		return -1;
	n = (size_t)json_object_array_length(a);
	for (i = 0; i < n; i++)
		if (gs_summary_add_domain(w, json_object_array_get_idx(a, i),
					  out, &r) < 0)
			return -1;
	return gs_summary_check_domains(w, &r, out, false);
}

/* The groups tracked cannot be fewer than the domains listed. Files from
 * before the field listed every group: there it is the number of domains. */
static int check_groups_total(const where_t *w, int has_groups,
			      struct gs_summary *out)
{
	if (!has_groups) {
		out->totals.groups = out->n_groups;
		return 0;
	}
	if (out->totals.groups >= out->n_groups)
		return 0;
	return gs_json_bad(w, "totals.groups",
			   "%" PRIu64 " groups tracked but %zu domains listed",
			   out->totals.groups, out->n_groups);
}

/* Everything but the domains, in the order the checks have always run;
 * out->version is the file's from here on. */
static int read_head(const where_t *w, struct json_object *root,
		     struct gs_summary *out, int *has_groups)
{
	if (check_header(w, root, &out->version) < 0 ||
	    gs_json_get_time(w, root, "", "generated", 0, &out->generated) <
		0 ||
	    read_window(w, root, out) < 0 ||
	    read_totals(w, root, out->version, &out->totals, has_groups) < 0 ||
	    read_samples(w, root, out) < 0 ||
	    gs_series_read_frame(w, root, out) < 0)
		return -1;
	return 0;
}

int gs_summary_from_json(struct json_object *root, const char *what,
			 struct gs_summary *out, char *err, size_t errlen)
{
	const where_t w = {what != NULL ? what : "summary", 0, err, errlen};
	int has_groups = 0;

	memset(out, 0, sizeof(*out));
	if (read_head(&w, root, out, &has_groups) < 0 ||
	    read_groups(&w, root, out) < 0 ||
	    check_groups_total(&w, has_groups, out) < 0) {
		gs_summary_free(out);
		return -1;
	}
	gs_summary_sort(out);
	return 0;
}

/* Opens path, which must be a regular file of at most GS_SUMMARY_MAX_BYTES
 * (its size goes to *size). The descriptor, or -1 with err. */
static int open_file(const char *path, size_t *size, char *err, size_t errlen)
{
	struct stat st;
	int fd;

	/* O_NONBLOCK: a FIFO planted at the path must not hang the reader
	 * (it is refused below); regular files ignore the flag. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return gs_seterr(err, errlen, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0)
		gs_seterr(err, errlen, "%s: %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		gs_seterr(err, errlen, "%s: not a regular file", path);
	else if ((uintmax_t)st.st_size > GS_SUMMARY_MAX_BYTES)
		gs_seterr(err, errlen,
			  "%s: file too large (%jd bytes, limit %u)", path,
			  (intmax_t)st.st_size, GS_SUMMARY_MAX_BYTES);
	else {
		*size = (size_t)st.st_size;
		return fd;
	}
	(void)close(fd); /* read-only: nothing to lose */
	return -1;
}

/* Room for READ_CHUNK_BYTES more in *buf (and its NUL), as long as the
 * file may still be within the limit. */
static int grow(char **buf, size_t *cap, const char *path, char *err,
		size_t errlen)
{
	char *p;

	if (*cap > GS_SUMMARY_MAX_BYTES)
		return gs_seterr(err, errlen,
				 "%s: file too large (limit %u bytes)", path,
				 GS_SUMMARY_MAX_BYTES);
	p = realloc(*buf, *cap + READ_CHUNK_BYTES + 1);
	if (p == NULL)
		return gs_seterr(err, errlen, "%s: %s", path, strerror(ENOMEM));
	*buf = p;
	*cap += READ_CHUNK_BYTES;
	return 0;
}

/* Reads the whole file into a NUL-terminated buffer, at most
 * GS_SUMMARY_MAX_BYTES; the size is checked before and while reading since
 * the file may grow in between. */
static int read_file(const char *path, char **data, size_t *len, char *err,
		     size_t errlen)
{
	size_t cap = 0, n = 0;
	char *buf;
	ssize_t got;
	int fd, rc = -1;

	fd = open_file(path, &cap, err, errlen);
	if (fd < 0)
		return -1;
	cap += 1; /* one byte more than announced: growth shows at once */
	buf = malloc(cap + 1);
	if (buf == NULL) {
		gs_seterr(err, errlen, "%s: %s", path, strerror(ENOMEM));
		goto out;
	}
	for (;;) {
		if (n == cap && grow(&buf, &cap, path, err, errlen) < 0)
			goto out;
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			gs_seterr(err, errlen, "%s: read: %s", path,
				  strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	if (n > GS_SUMMARY_MAX_BYTES) {
		gs_seterr(err, errlen, "%s: file too large (limit %u bytes)",
			  path, GS_SUMMARY_MAX_BYTES);
		goto out;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	(void)close(fd); /* read-only: nothing to lose */
	return rc;
}

/* The domains of a file, one at a time as the stream parses them. */
struct domains {
	struct gs_summary *out;
	struct json_object *root; /* the members parsed so far */
	struct gs_domain_reader r;
};

/* The file's version if its member came before the domains and is one
 * this reader reads, else 0 (checked with the header later). */
static int version_so_far(struct json_object *root)
{
	struct json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(root, "version", &v) ||
	    !json_object_is_type(v, json_type_int))
		return 0;
	n = json_object_get_int64(v);
	return n >= GS_SUMMARY_VERSION_MIN && n <= GS_SUMMARY_VERSION_MAX
		   ? (int)n
		   : 0;
}

static int each_domain(void *ctx, struct json_object *o, const where_t *w)
{
	struct domains *d = ctx;

	if (d->out->n_groups == 0) {
		d->r.version = version_so_far(d->root);
		gs_series_reader_peek(&d->r.series, d->root);
	}
	return gs_summary_add_domain(w, o, d->out, &d->r);
}

/* After the header: the pairs and series of domains read before the
 * version and the series' frame were known, then an error held from the
 * domains. */
static int check_domains(const where_t *w, const struct domains *d,
			 const char *held)
{
	if (gs_summary_check_domains(w, &d->r, d->out, *held != '\0') < 0)
		return -1;
	if (*held != '\0')
		return gs_seterr(w->err, w->errlen, "%s", held);
	return 0;
}

/* Reads the text of path into out; out is left empty on failure. */
static int read_summary(const char *path, const char *data, size_t len,
			struct gs_summary *out, char *err, size_t errlen)
{
	const where_t w = {path, 0, err, errlen};
	struct domains d = {out, NULL, {0}};
	const struct gs_json_stream st = {"domains", each_domain, &d};
	struct json_object *root = json_object_new_object();
	char held[GS_ERRLEN];
	int has_groups = 0, rc = -1;

	if (root == NULL)
		return gs_json_bad(&w, NULL, "%s", strerror(ENOMEM));
	d.root = root;
	gs_domain_reader_init(&d.r, 0);
	if (gs_json_stream_read(&w, data, len, &st, root, held, sizeof(held)) <
		0 ||
	    read_head(&w, root, out, &has_groups) < 0 ||
	    check_domains(&w, &d, held) < 0)
		goto out;
	if (!json_object_object_get_ex(root, "domains", NULL)) {
		gs_json_bad(&w, "domains", "missing");
		goto out;
	}
	if (check_groups_total(&w, has_groups, out) < 0)
		goto out;
	gs_summary_sort(out);
	rc = 0;
out:
	if (rc < 0)
		gs_summary_free(out);
	json_object_put(root);
	return rc;
}

int gs_summary_read(const char *path, struct gs_summary *out, char *err,
		    size_t errlen)
{
	char *data = NULL;
	size_t len = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (read_file(path, &data, &len, err, errlen) < 0)
		return -1;
	rc = read_summary(path, data, len, out, err, errlen);
	free(data);
	return rc;
}
