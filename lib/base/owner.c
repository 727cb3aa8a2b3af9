/* Owner, group and mode from text (see owner.h). The reentrant lookups
 * need a buffer for the entry's strings; a group entry lists its members
 * and may be long, so the buffer grows on ERANGE up to ID_BUF_MAX_BYTES. */
#include "gs_config.h"

#include "base/owner.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/number.h"

#define ID_BUF_FIRST_BYTES 4096
#define ID_BUF_MAX_BYTES   (1024 * 1024)
#define MODE_MAX_DIGITS	   4 /* "7777" */

/* One lookup of name with buf: 0 or the errno value of the lookup; *found
 * says whether there is an entry, whose id goes to *id. */
typedef int (*lookup_fn)(const char *name, char *buf, size_t size,
			 unsigned long *id, bool *found);

static int lookup_user(const char *name, char *buf, size_t size,
		       unsigned long *id, bool *found)
{
	struct passwd pw, *res = NULL;
	int e;

	e = getpwnam_r(name, &pw, buf, size, &res);
	*found = res != NULL;
	if (res != NULL)
		*id = pw.pw_uid;
	return e;
}

static int lookup_group(const char *name, char *buf, size_t size,
			unsigned long *id, bool *found)
{
	struct group gr, *res = NULL;
	int e;

	e = getgrnam_r(name, &gr, buf, size, &res);
	*found = res != NULL;
	if (res != NULL)
		*id = gr.gr_gid;
	return e;
}

/* Runs fn with a buffer that grows while the entry does not fit. what is
 * "user" or "group", for the message. */
static int lookup(lookup_fn fn, const char *what, const char *name,
		  unsigned long *id, char *err, size_t errlen)
{
	size_t size = ID_BUF_FIRST_BYTES;
	char *buf = NULL, *grown;
	bool found = false;
	int e, rc = -1;

	if (name == NULL)
		return gs_seterr(err, errlen, "no %s name", what);
	for (;;) {
		grown = realloc(buf, size);
		if (grown == NULL) {
			e = ENOMEM;
			break;
		}
		buf = grown;
		e = fn(name, buf, size, id, &found);
		if (found || e != ERANGE || size >= ID_BUF_MAX_BYTES)
			break;
		size *= 2;
	}
	if (!found) {
		gs_seterr(err, errlen, "%s '%s' not found%s%s", what, name,
			  e != 0 ? ": " : "", e != 0 ? strerror(e) : "");
		goto out;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

int gs_uid_lookup(const char *name, uid_t *uid, char *err, size_t errlen)
{
	unsigned long id;

	if (lookup(lookup_user, "user", name, &id, err, errlen) < 0)
		return -1;
	*uid = (uid_t)id;
	return 0;
}

int gs_gid_lookup(const char *name, gid_t *gid, char *err, size_t errlen)
{
	unsigned long id;

	if (lookup(lookup_group, "group", name, &id, err, errlen) < 0)
		return -1;
	*gid = (gid_t)id;
	return 0;
}

int gs_uid_parse(const char *text, uid_t *uid, char *err, size_t errlen)
{
	unsigned long v;

	if (gs_uid_lookup(text, uid, err, errlen) == 0)
		return 0;
	if (!gs_parse_ulong(text, 0, GS_UID_MAX, &v))
		return -1; /* err says the name was not found */
	*uid = (uid_t)v;
	return 0;
}

int gs_gid_parse(const char *text, gid_t *gid, char *err, size_t errlen)
{
	unsigned long v;

	if (gs_gid_lookup(text, gid, err, errlen) == 0)
		return 0;
	if (!gs_parse_ulong(text, 0, GS_GID_MAX, &v))
		return -1;
	*gid = (gid_t)v;
	return 0;
}

int gs_mode_parse(const char *text, mode_t *mode, char *err, size_t errlen)
{
	size_t len = text != NULL ? strlen(text) : 0;

	if (len == 0 || len > MODE_MAX_DIGITS ||
	    strspn(text, "01234567") != len)
		return gs_seterr(err, errlen,
				 "mode '%s' is not 1 to %d octal digits",
				 text != NULL ? text : "", MODE_MAX_DIGITS);
	*mode = (mode_t)strtoul(text, NULL, 8);
	return 0;
}
