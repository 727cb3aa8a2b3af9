/* The entries of the whitelist and the ignore list (see entries.h). */
#include "gs_config.h"

#include "advice/entries.h"

#include <stdlib.h>
#include <string.h>

#define FIRST_CAP 32 /* entries the array starts with */

void gs_entries_free(struct gs_entry_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->e[i].text);
		pcre2_code_free(l->e[i].re);
	}
	free(l->e);
	for (i = 0; i < l->n_files; i++)
		free(l->files[i]);
	free(l->files);
	memset(l, 0, sizeof(*l));
}

const char *gs_entries_add_file(struct gs_entry_list *l, const char *path)
{
	char **files;
	char *copy;

	copy = strdup(path);
	if (copy == NULL)
		return NULL;
	files = realloc(l->files, (l->n_files + 1) * sizeof(*files));
	if (files == NULL) {
		free(copy);
		return NULL;
	}
	l->files = files;
	l->files[l->n_files++] = copy;
	return copy;
}

int gs_entries_add(struct gs_entry_list *l, struct gs_entry *e)
{
	struct gs_entry *grown;
	size_t cap;

	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : FIRST_CAP;
		grown = realloc(l->e, cap * sizeof(*grown));
		if (grown == NULL) {
			free(e->text);
			pcre2_code_free(e->re);
			return -1;
		}
		l->e = grown;
		l->cap = cap;
	}
	l->e[l->n++] = *e;
	return 0;
}

void gs_entry_hit(const struct gs_entry *e, struct gs_wl_hit *hit)
{
	if (hit == NULL)
		return;
	hit->file = e->file;
	hit->line = e->line;
	hit->entry = e->text;
}

static bool ascii_eq_nocase(const char *a, const char *b, size_t n)
{
	size_t i;
	unsigned char ca, cb;

	for (i = 0; i < n; i++) {
		ca = (unsigned char)a[i];
		cb = (unsigned char)b[i];
		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb)
			return false;
	}
	return true;
}

bool gs_entry_name_matches(const char *entry, const char *name)
{
	size_t elen = strlen(entry), nlen = strlen(name);
	const char *tail;

	if (elen > nlen)
		return false;
	tail = name + (nlen - elen);
	if (!ascii_eq_nocase(tail, entry, elen))
		return false;
	return tail == name || tail[-1] == '.';
}
