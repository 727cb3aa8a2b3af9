/* A file's owner, group and permission bits from text, for the summary's
 * `--owner`, `--group` and `--mode` (src/greyscan.c) and fileOwner and
 * fileGroup (plugins/omgreyscan/params.c). Each returns 0, or -1 with err
 * saying what is wrong with the text (without the option's name, which the
 * caller adds); the output is then unchanged. */
#ifndef GS_OWNER_H
#define GS_OWNER_H

#include <stddef.h>
#include <sys/types.h>

/* The highest ids a number may give: (uid_t)-1 and (gid_t)-1 mean "leave
 * the owner or group as created" (struct gs_file_opts). */
#define GS_UID_MAX ((uid_t)-1 - 1)
#define GS_GID_MAX ((gid_t)-1 - 1)

/* The id of the user or group name (getpwnam_r, getgrnam_r: the name only,
 * never a number). err: "user 'NAME' not found", followed by ": " and the
 * errno text when the lookup itself failed. */
int gs_uid_lookup(const char *name, uid_t *uid, char *err, size_t errlen);
int gs_gid_lookup(const char *name, gid_t *gid, char *err, size_t errlen);

/* A user or group name, or else a number from 0 to GS_UID_MAX (GS_GID_MAX)
 * for an id without a name. err as for the lookups. */
int gs_uid_parse(const char *text, uid_t *uid, char *err, size_t errlen);
int gs_gid_parse(const char *text, gid_t *gid, char *err, size_t errlen);

/* Octal permission bits of 1 to 4 digits, "0640" or "644" (so at most
 * 07777). err: "mode 'TEXT' is not 1 to 4 octal digits". */
int gs_mode_parse(const char *text, mode_t *mode, char *err, size_t errlen);

#endif
