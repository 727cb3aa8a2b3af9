/* The entries read from postgrey-style list files, as the whitelist
 * (whitelist.c) and the ignore list (ignore.c) keep them: a growing array
 * of entries, each pointing at the copy of the file name it came from.
 * Private to lib/advice. A list is built by one thread and read-only
 * afterwards. */
#ifndef GS_ADVICE_ENTRIES_H
#define GS_ADVICE_ENTRIES_H

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/addr.h"
#include "advice/whitelist.h"

enum gs_entry_kind {
	GS_ENTRY_NAME,	/* name or any subdomain */
	GS_ENTRY_REGEX, /* /RE/ */
	GS_ENTRY_NET,	/* address or network */
};

struct gs_entry {
	enum gs_entry_kind kind;
	char *text;	  /* as written */
	const char *file; /* owned by the list's files */
	unsigned line;
	pcre2_code *re;	    /* GS_ENTRY_REGEX */
	struct gs_addr net; /* GS_ENTRY_NET: AF_INET6, host bits cleared */
	unsigned prefix;    /* GS_ENTRY_NET: 0..128 */
};

struct gs_entry_list {
	struct gs_entry *e;
	size_t n, cap;
	char **files;
	size_t n_files;
};

/* Releases the entries, their regexes and the file names; l is then
 * empty. */
void gs_entries_free(struct gs_entry_list *l);

/* Remembers a copy of path for the entries to point at. NULL on no
 * memory. */
const char *gs_entries_add_file(struct gs_entry_list *l, const char *path);

/* Appends e, taking ownership of e->text and e->re (released on failure
 * too). -1 on no memory. */
int gs_entries_add(struct gs_entry_list *l, struct gs_entry *e);

/* Fills hit (may be NULL) with e's file, line and text. */
void gs_entry_hit(const struct gs_entry *e, struct gs_wl_hit *hit);

/* postgrey's name entry, (?:^|\.)\QENTRY\E$ with /i: name is entry or a
 * subdomain of it, ASCII letters compared case-insensitively. */
bool gs_entry_name_matches(const char *entry, const char *name);

#endif
