/* Host-name clues: what a group's client names and addresses say about
 * dynamic or access network space, which must not be whitelisted, and
 * whether a domain can be written as a postgrey name entry. The verdict
 * from the pair evidence (verdict.h) decides where there is enough of it;
 * these clues are then supporting detail, and the fallback for groups with
 * too few pairs or a summary without pair evidence (suggest.h).
 *
 * gs_suggest_is_dynamic checks, in this order (the first that holds is the
 * reason):
 *   1. it is a network group ("[192.0.2.0/24]"): clients without usable
 *      reverse DNS;
 *   2. an example host name embeds an IPv4 address: four numbers of 0..255
 *      joined by single '-', '.' or '_' (192-0-2-1, 1.2.0.192, 10_1_2_3),
 *      in either byte order;
 *   3. an example host name, left of the registrable domain, has a word
 *      (a run of letters) typical of access networks: dynamic, dyn, dynip,
 *      dip, dsl, adsl, vdsl, xdsl, sdsl, pool, ppp, pppoe, dhcp, cable,
 *      cust, customer, client, clients, broadband, dial, dialup, dialin,
 *      ftth, fttb, fttc, fttx, residential, resnet, cpe, or static followed
 *      by ip (static-ip, staticip);
 *   4. many distinct addresses that almost never retry: at least
 *      GS_DYN_MIN_GREYLISTED greylistings, distinct client addresses at
 *      least GS_DYN_ADDR_PCT % of the greylistings, and delayed passes
 *      below GS_DYN_RETRY_PCT % of them. Infected or dial-up hosts each
 *      send a little and give up; a server pool also spreads over many
 *      addresses but retries, so its mail passes with a delay. (The
 *      distinct-address count saturates at 64, so this clue cannot fire
 *      above about 85 greylistings; and a pool whose retries come from
 *      other servers looks the same: the pair evidence tells them apart.)
 * Pure functions on their arguments; safe from any thread. */
#ifndef GS_HOSTCLUES_H
#define GS_HOSTCLUES_H

#include <stdbool.h>
#include <stddef.h>

#include "summary/summary.h"

#define GS_DYN_MIN_GREYLISTED 10 /* clue 4 needs this many */
#define GS_DYN_ADDR_PCT	      75 /* distinct addresses, % of greylisted */
#define GS_DYN_RETRY_PCT      5	 /* delayed passes, % of greylisted */

/* Clues 1 to 4 on one group; registrable is the group's registrable domain
 * or NULL (then the group's domain is used to find the host part of the
 * examples). Writes the reason (cut to reasonlen) when true. */
bool gs_suggest_is_dynamic(const struct gs_group_stats *g,
			   const char *registrable, char *reason,
			   size_t reasonlen);

/* A name postgrey reads as a name entry: letters, digits, '-', '.', '_' or
 * UTF-8 bytes, not starting with '.' or '-', and at least one byte that is
 * not a digit or a dot (else it would be an address entry). */
bool gs_is_plain_host_name(const char *s);

#endif
