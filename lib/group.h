/* Grouping client names into sender domains.
 *   registrable (default): libpsl's registrable domain, lower-cased, trailing
 *     dot removed: mail-x.outbound.protection.outlook.com -> outlook.com,
 *     mail.example.co.uk -> example.co.uk, a.b.github.io -> b.github.io.
 *   strip: the old script's behaviour, drop the first N labels but keep at
 *     least two.
 * "unknown" clients, names that are IP literals and names that are not host
 * names at all are grouped by the client's network like postgrey keys them
 * (IPv4 /24, IPv6 /64): "[192.0.2.0/24]". IDN names in UTF-8 and in punycode
 * stay as logged (lower-cased); they are not converted into one another.
 * Read-only after creation: safe from any thread. */
#ifndef GS_GROUP_H
#define GS_GROUP_H

#include <stddef.h>

#include "stats.h"

#define GS_GROUP_MAX 256 /* bytes of a group name, NUL included */

enum gs_group_mode {
	GS_GROUP_REGISTRABLE,
	GS_GROUP_STRIP,
};

struct gs_grouper;

/* strip_labels is used only in GS_GROUP_STRIP mode (1 or more). Returns NULL
 * with err filled when libpsl has no list. Free with gs_grouper_free(). */
struct gs_grouper *gs_grouper_new(enum gs_group_mode mode, unsigned strip_labels,
				  char *err, size_t errlen);
void gs_grouper_free(struct gs_grouper *g);

/* Parses "registrable" or "strip" or "strip:N" (a configuration value).
 * Returns -1 with err naming the bad value. */
int gs_group_mode_parse(const char *text, enum gs_group_mode *mode,
			unsigned *strip_labels, char *err, size_t errlen);

/* Writes the group of a client into out (GS_GROUP_MAX bytes) and its kind.
 * Returns -1 when neither the name nor the address gives a group (then the
 * event is counted as unparsed by the caller). */
int gs_group_of(const struct gs_grouper *g, const char *client_name,
		const char *client_address, char out[GS_GROUP_MAX],
		enum gs_group_kind *kind);

#endif
