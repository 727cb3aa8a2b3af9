/* greyscan's ignore file (see ignore.h). The lines are read by
 * base/listfile.c and kept as entries.h says.
 *
 * Concurrency & locking: a loaded list is read-only, so matching needs no
 * lock. */
#include "gs_config.h"

#include "advice/ignore.h"

#include <stdlib.h>
#include <string.h>

#include "advice/entries.h"
#include "base/error.h"
#include "base/listfile.h"

struct gs_ignore {
	struct gs_entry_list list;
};

struct gs_ignore *gs_ignore_new(void)
{
	return calloc(1, sizeof(struct gs_ignore));
}

void gs_ignore_free(struct gs_ignore *ig)
{
	if (ig == NULL)
		return;
	gs_entries_free(&ig->list);
	free(ig);
}

/* What gs_ignore_load passes to add_line for each line. */
struct load_ctx {
	struct gs_ignore *ig;
	const char *path; /* as given, for messages */
	const char *file; /* the list's copy, for the entries */
};

/* One stripped line of the ignore file: one domain, a leading '.'
 * dropped. */
static int add_line(void *arg, char *s, unsigned lineno, char *err,
		    size_t errlen)
{
	struct load_ctx *ctx = arg;
	struct gs_entry e;

	if (*s == '.')
		s++;
	if (*s == '\0')
		return 0;
	if (gs_listfile_has_space(s))
		return gs_seterr(err, errlen,
				 "%s:%u: '%s' is not one domain (white space)",
				 ctx->path, lineno, s);
	memset(&e, 0, sizeof(e));
	e.kind = GS_ENTRY_NAME;
	e.file = ctx->file;
	e.line = lineno;
	e.text = strdup(s);
	if (e.text == NULL || gs_entries_add(&ctx->ig->list, &e) < 0)
		return gs_seterr(err, errlen, "%s:%u: out of memory", ctx->path,
				 lineno);
	return 0;
}

int gs_ignore_load(struct gs_ignore *ig, const char *path, bool missing_ok,
		   char *err, size_t errlen)
{
	struct load_ctx ctx = {ig, path, NULL};

	if (ig == NULL || path == NULL)
		return gs_seterr(err, errlen, "no ignore list or no path");
	ctx.file = gs_entries_add_file(&ig->list, path);
	if (ctx.file == NULL)
		return gs_seterr(err, errlen, "%s: out of memory", path);
	return gs_listfile_read(path, missing_ok, add_line, &ctx, err, errlen);
}

struct gs_ignore *gs_ignore_load_default(const char *path, char *err,
					 size_t errlen)
{
	struct gs_ignore *ig;

	ig = gs_ignore_new();
	if (ig == NULL) {
		gs_seterr(err, errlen, "out of memory for the ignore list");
		return NULL;
	}
	if (gs_ignore_load(ig, path ? path : GS_DEFAULT_IGNORE_FILE,
			   path == NULL, err, errlen) < 0) {
		gs_ignore_free(ig);
		return NULL;
	}
	return ig;
}

size_t gs_ignore_count(const struct gs_ignore *ig)
{
	return ig ? ig->list.n : 0;
}

bool gs_ignore_match(const struct gs_ignore *ig, const char *domain,
		     struct gs_wl_hit *hit)
{
	size_t i;

	if (ig == NULL || domain == NULL)
		return false;
	for (i = 0; i < ig->list.n; i++) {
		if (gs_entry_name_matches(ig->list.e[i].text, domain)) {
			gs_entry_hit(&ig->list.e[i], hit);
			return true;
		}
	}
	return false;
}
