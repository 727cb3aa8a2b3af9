/* The summary file's validating reader, version 1: see summary_file.h and
 * man/greyscan-summary.5.
 *
 * The file is read with a size bound and parsed member by member, the
 * domains one at a time (base/json_stream.h), since a tree of the whole
 * file costs libfastjson about 17 times the file's size (1.7 GB for a
 * 100 MB summary of 230000 domains); a truncated file and trailing garbage
 * are both noticed. Every field is checked for presence, type and range
 * (base/json.h) before it is copied out. Unknown fields are ignored so that
 * version 1 can grow; fields added within version 1 (totals.groups) are
 * optional.
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

#define NAME_MAX_BYTES	 1024 /* domain, example and host strings */
#define SAMPLE_MAX_BYTES 4096 /* one unparsed sample line */
#define READ_CHUNK_BYTES 65536

typedef struct gs_json_where where_t;

static int get_u32(const where_t *w, struct json_object *obj,
		   const char *parent, const char *key, uint32_t *out)
{
	uint64_t n;

	if (gs_json_get_count(w, obj, parent, key, UINT32_MAX, &n) < 0)
		return -1;
	*out = (uint32_t)n;
	return 0;
}

static int get_u64(const where_t *w, struct json_object *obj,
		   const char *parent, const char *key, uint64_t *out)
{
	return gs_json_get_count(w, obj, parent, key, GS_JSON_COUNT_MAX, out);
}

static int check_header(const where_t *w, struct json_object *root)
{
	struct json_object *v;
	int64_t version;

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
	version = json_object_get_int64(v);
	if (version != GS_SUMMARY_VERSION)
		return gs_json_bad(
		    w, NULL, "unsupported version %" PRId64 " (expected %d)",
		    version, GS_SUMMARY_VERSION);
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
	    get_u32(w, o, "window", "seconds", &out->window_s) < 0)
		return -1;
	return 0;
}

static int read_totals(const where_t *w, struct json_object *root,
		       struct gs_totals *t, int *has_groups)
{
	struct json_object *o;
	int c;

	if (gs_json_member(w, root, "", "totals", json_type_object, &o) < 0 ||
	    get_u64(w, o, "totals", "lines", &t->lines) < 0 ||
	    get_u64(w, o, "totals", "actions", &t->actions) < 0 ||
	    get_u64(w, o, "totals", "unparsed", &t->unparsed) < 0 ||
	    get_u64(w, o, "totals", "ignored", &t->ignored) < 0 ||
	    get_u64(w, o, "totals", "evicted", &t->evicted) < 0 ||
	    get_u64(w, o, "totals", "too_old", &t->too_old) < 0)
		return -1;
	for (c = 0; c < GS_C_COUNT; c++)
		if (get_u64(w, o, "totals", gs_counter_name(c),
			    &t->per_counter[c]) < 0)
			return -1;
	/* Added within version 1: optional, see check_groups_total. */
	*has_groups = json_object_object_get_ex(o, "groups", NULL);
	if (*has_groups && get_u64(w, o, "totals", "groups", &t->groups) < 0)
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

/* Any other value, of any type, is "expected \"name\" or \"network\"". */
static int read_kind(const where_t *w, struct json_object *o,
		     const char *parent, enum gs_group_kind *kind)
{
	char path[GS_JSON_PATH_LEN];
	struct json_object *v;
	const char *s;

	if (gs_json_find(w, o, parent, "kind", &v) < 0)
		return -1;
	s = json_object_is_type(v, json_type_string) ? json_object_get_string(v)
						     : "";
	if (strcmp(s, "name") == 0)
		*kind = GS_KIND_NAME;
	else if (strcmp(s, "network") == 0)
		*kind = GS_KIND_NETWORK;
	else
		return gs_json_bad(w, gs_json_path(path, parent, "kind"),
				   "expected \"name\" or \"network\"");
	return 0;
}

/* The first GS_MAX_EXAMPLES examples are kept; later ones are checked but
 * ignored, so a future writer may keep more within version 1. */
static int read_examples(const where_t *w, struct json_object *o,
			 const char *parent, struct gs_group_stats *g)
{
	char apath[GS_JSON_PATH_LEN], path[GS_JSON_PATH_LEN];
	struct json_object *a;
	size_t i, n;

	if (gs_json_member(w, o, parent, "examples", json_type_array, &a) < 0)
		return -1;
	gs_json_path(apath, parent, "examples");
	n = (size_t)json_object_array_length(a);
	for (i = 0; i < n; i++) {
		if (gs_json_string(
			w, json_object_array_get_idx(a, i),
			gs_json_path_idx(path, apath, i), NAME_MAX_BYTES, 1,
			i < GS_MAX_EXAMPLES ? &g->examples[g->n_examples]
					    : NULL) < 0)
			return -1;
		if (i < GS_MAX_EXAMPLES)
			g->n_examples++;
	}
	return 0;
}

static int read_hosts(const where_t *w, struct json_object *o,
		      const char *parent, struct gs_group_stats *g)
{
	char hpath[GS_JSON_PATH_LEN], path[GS_JSON_PATH_LEN];
	struct json_object_iterator it, end;
	struct json_object *h;
	const char *name;
	int n;

	if (gs_json_member(w, o, parent, "hosts", json_type_object, &h) < 0)
		return -1;
	gs_json_path(hpath, parent, "hosts");
	n = json_object_object_length(h);
	if (n <= 0)
		return 0;
	g->hosts = calloc((size_t)n, sizeof(*g->hosts));
	if (g->hosts == NULL)
		return gs_json_bad(w, hpath, "%s", strerror(ENOMEM));
	it = json_object_iter_begin(h);
	end = json_object_iter_end(h);
	while (!json_object_iter_equal(&it, &end) && g->n_hosts < (size_t)n) {
		name = json_object_iter_peek_name(&it);
		gs_json_path(path, hpath, name);
		if (strlen(name) > NAME_MAX_BYTES)
			return gs_json_bad(w, hpath, "host name too long");
		if (gs_json_count(w, json_object_iter_peek_value(&it), path,
				  GS_JSON_COUNT_MAX,
				  &g->hosts[g->n_hosts].count) < 0)
			return -1;
		g->hosts[g->n_hosts].host = strdup(name);
		if (g->hosts[g->n_hosts].host == NULL)
			return gs_json_bad(w, path, "%s", strerror(ENOMEM));
		g->n_hosts++;
		json_object_iter_next(&it);
	}
	return 0;
}

static int read_group(const where_t *w, struct json_object *o, const char *path,
		      struct gs_group_stats *g)
{
	char dpath[GS_JSON_PATH_LEN];
	struct json_object *v;
	int c;

	if (!json_object_is_type(o, json_type_object))
		return gs_json_bad(w, path, "expected an object");
	if (gs_json_find(w, o, path, "domain", &v) < 0 ||
	    gs_json_string(w, v, gs_json_path(dpath, path, "domain"),
			   NAME_MAX_BYTES, 1, &g->domain) < 0 ||
	    read_kind(w, o, path, &g->kind) < 0)
		return -1;
	for (c = 0; c < GS_C_COUNT; c++)
		if (get_u64(w, o, path, gs_counter_name(c), &g->counts[c]) < 0)
			return -1;
	if (get_u64(w, o, path, "delay_count", &g->delay_count) < 0 ||
	    get_u32(w, o, path, "delay_median", &g->delay_median_s) < 0 ||
	    get_u32(w, o, path, "delay_max", &g->delay_max_s) < 0 ||
	    get_u32(w, o, path, "client_addresses", &g->client_addresses) < 0 ||
	    get_u32(w, o, path, "networks", &g->networks) < 0 ||
	    read_examples(w, o, path, g) < 0 ||
	    gs_json_get_time(w, o, path, "first_seen", 0, &g->first_seen) < 0 ||
	    gs_json_get_time(w, o, path, "last_seen", 0, &g->last_seen) < 0 ||
	    read_hosts(w, o, path, g) < 0)
		return -1;
	return 0;
}

/* Grows out->groups for one more group. The new room is not zeroed: its
 * pages stay untouched, and so out of memory, until groups fill them. */
static int more_groups(const where_t *w, struct gs_summary *out, size_t *cap)
{
	struct gs_group_stats *g;
	size_t n = *cap > 0 ? *cap * 2 : 64;

	if (out->n_groups < *cap)
		return 0;
	g = realloc(out->groups, n * sizeof(*g));
	if (g == NULL)
		return gs_json_bad(w, "domains", "%s", strerror(ENOMEM));
	out->groups = g;
	*cap = n;
	return 0;
}

/* Checks one domain o into out, growing out->groups as needed. */
static int add_group(const where_t *w, struct json_object *o,
		     struct gs_summary *out, size_t *cap)
{
	char path[GS_JSON_PATH_LEN];
	struct gs_group_stats *g;

	if (more_groups(w, out, cap) < 0)
		return -1;
	gs_json_path_idx(path, "domains", out->n_groups);
	g = memset(&out->groups[out->n_groups], 0, sizeof(*g));
	/* Counted before filling so that gs_summary_free releases a
	 * half-read group too. */
	out->n_groups++;
	return read_group(w, o, path, g);
}

/* The domains of a tree, for gs_summary_from_json. */
static int read_groups(const where_t *w, struct json_object *root,
		       struct gs_summary *out)
{
	struct json_object *a;
	size_t i, n, cap = 0;

	if (gs_json_member(w, root, "", "domains", json_type_array, &a) < 0)
		return -1;
	n = (size_t)json_object_array_length(a);
	for (i = 0; i < n; i++)
		if (add_group(w, json_object_array_get_idx(a, i), out, &cap) <
		    0)
			return -1;
	return 0;
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

/* Everything but the domains, in the order the checks have always run. */
static int read_head(const where_t *w, struct json_object *root,
		     struct gs_summary *out, int *has_groups)
{
	if (check_header(w, root) < 0 ||
	    gs_json_get_time(w, root, "", "generated", 0, &out->generated) <
		0 ||
	    read_window(w, root, out) < 0 ||
	    read_totals(w, root, &out->totals, has_groups) < 0 ||
	    read_samples(w, root, out) < 0)
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
	out->version = GS_SUMMARY_VERSION;
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
	size_t cap; /* of out->groups */
};

static int each_domain(void *ctx, struct json_object *o, const where_t *w)
{
	struct domains *d = ctx;

	return add_group(w, o, d->out, &d->cap);
}

/* Reads the text of path into out; out is left empty on failure. */
static int read_summary(const char *path, const char *data, size_t len,
			struct gs_summary *out, char *err, size_t errlen)
{
	const where_t w = {path, 0, err, errlen};
	struct domains d = {out, 0};
	const struct gs_json_stream st = {"domains", each_domain, &d};
	struct json_object *root = json_object_new_object();
	char held[GS_ERRLEN];
	int has_groups = 0, rc = -1;

	if (root == NULL)
		return gs_json_bad(&w, NULL, "%s", strerror(ENOMEM));
	if (gs_json_stream_read(&w, data, len, &st, root, held, sizeof(held)) <
		0 ||
	    read_head(&w, root, out, &has_groups) < 0)
		goto out;
	if (*held != '\0') {
		gs_seterr(err, errlen, "%s", held);
		goto out;
	}
	if (!json_object_object_get_ex(root, "domains", NULL)) {
		gs_json_bad(&w, "domains", "missing");
		goto out;
	}
	if (check_groups_total(&w, has_groups, out) < 0)
		goto out;
	out->version = GS_SUMMARY_VERSION;
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
