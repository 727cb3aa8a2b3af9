/* The verdict on a group from the evidence of its greylisted mails (the
 * pair figures of lib/tally/pairs.h): whitelist it, do not whitelist it,
 * or no whitelisting needed; or too few pairs to judge, when the caller
 * falls back to the host-name clues.
 *
 * The rule, in order (n = returned + never_returned + pending, the pairs
 * whose return is known or still possible; decided = passed +
 * returned-then-expired, the returning pairs whose fate is known):
 *  1. n < GS_VERDICT_MIN_PAIRS: TOO_FEW.
 *  2. More than half of n never came back (expired without a return):
 *     DO_NOT_WHITELIST. Bots send once and never return.
 *  3. Less than half of n came back (so pending pairs could still tip
 *     it): TOO_FEW. A fresh group whose mail is still within the retry
 *     window is not condemned for mail that may yet return.
 *  4. decided < GS_VERDICT_MIN_PAIRS: TOO_FEW (the returns' fate is open).
 *  5. At least half of the returned pairs were greylisted again from
 *     another network (a pool: postgrey keys on the /24 or /64, so each
 *     new network starts over):
 *     - WHITELIST if the mail suffers: the p90 wait is at least
 *       GS_VERDICT_SUFFER_P90_S, or at least GS_VERDICT_NEVER_PASSED_PERMILLE
 *       of the decided pairs never passed;
 *     - NOT_NEEDED otherwise (it comes back from other networks but
 *       passes quickly).
 *  6. Otherwise (returns from the same network, a single server):
 *     - DO_NOT_WHITELIST if less than half of the decided pairs passed:
 *       a real mail server retrying from the same network passes once
 *       postgrey's delay is over; what retries only too early is no MTA;
 *     - NOT_NEEDED otherwise: postgrey's auto-whitelist takes the server
 *       over after a few deliveries.
 * "Half" at the boundary: exactly half came back, exactly half came from
 * another network, exactly half passed, all count as the "at least half"
 * side; exactly the thresholds count as suffering.
 *
 * The numbers:
 *  GS_VERDICT_MIN_PAIRS 20. The simulation saw at least 94% of a real
 *  server's mails come back and at most 15% of a bot's. With n independent
 *  pairs and the cut at half, a bot passes for a returner with probability
 *  P(Bin(n, 0.15) >= n/2) and a server for a bot with P(Bin(n, 0.06) >
 *  n/2): both are below 1% from n = 9 on (n = 10: 0.99% and 8e-6; n = 8:
 *  2.1%). Pairs are not independent, though: one mail to several
 *  recipients is several pairs with one fate. Twice that, 20, allows two
 *  recipients a mail on average; for independent pairs it gives 2.5e-4 and
 *  4e-9. The same minimum holds for the decided returns of step 4 (a
 *  pool's pass share, like a server's return share, is far from half).
 *  GS_VERDICT_SUFFER_P90_S 30 min. A single server passes at its first
 *  retry after postgrey's 5-minute delay: Postfix retries after 5 to 10
 *  minutes (then 10 to 20), Exim every 15. A p90 of half an hour is more
 *  than such a server waits, so the retries met greylisting again.
 *  GS_VERDICT_NEVER_PASSED_PERMILLE 50. A returning mail that did not pass
 *  within the retry window (2 days) waited longer than most senders keep
 *  trying; one in twenty is mail lost, not a delay.
 *
 * Inconsistent figures are clamped: other_network and passed to returned,
 * never_returned to expired. Pure functions, safe from any thread. */
#ifndef GS_VERDICT_H
#define GS_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "summary/summary.h"

#define GS_VERDICT_MIN_PAIRS		 20
#define GS_VERDICT_SUFFER_P90_S		 1800 /* seconds */
#define GS_VERDICT_NEVER_PASSED_PERMILLE 50
#define GS_VERDICT_REASON_MAX		 192 /* bytes with the NUL */

enum gs_verdict {
	GS_VERDICT_TOO_FEW, /* not enough evidence: use the host-name clues */
	GS_VERDICT_WHITELIST,
	GS_VERDICT_DO_NOT_WHITELIST,
	GS_VERDICT_NOT_NEEDED,
};

/* A group's pair figures over the summary's window, all about the same
 * pairs (best: the pairs first greylisted in the window).
 *   returned: pairs seen again after their first greylisting (greylisted
 *     again, or passed);
 *   other_network: of those, greylisted again from another network than
 *     the first;
 *   passed: pairs that passed after being greylisted;
 *   expired: pairs that left at the end of the retry window unpassed;
 *   never_returned: of those, the ones never seen again;
 *   pending: open pairs not seen again yet;
 *   has_wait, wait_median_s, wait_p90_s: the waits from the first
 *     greylisting to the pass, if known (the maximum is not needed). */
struct gs_pair_figures {
	uint64_t returned;
	uint64_t other_network;
	uint64_t passed;
	uint64_t expired;
	uint64_t never_returned;
	uint64_t pending;
	bool has_wait;
	uint32_t wait_median_s;
	uint32_t wait_p90_s;
};

/* The verdict on f, with the evidence it rests on written into reason
 * (cut to reasonlen - 1 bytes; GS_VERDICT_REASON_MAX always suffices), in
 * words such as "371 of 383 greylisted mails never came back". */
enum gs_verdict gs_verdict_judge(const struct gs_pair_figures *f, char *reason,
				 size_t reasonlen);

/* The figures of a summary's pair stats (summary.h): pending is the open
 * pairs not seen again yet, greylisted - returned - never_returned (0 if
 * inconsistent figures give less). Pairs dropped from a full pair table
 * count there too: their fate is as unknown as an open pair's, so they
 * weigh towards too few, never towards a verdict. */
void gs_verdict_figures(const struct gs_pair_stats *st,
			struct gs_pair_figures *f);

/* The pairs that came back but expired without passing, as the rule counts
 * them ("never passed"): expired - never_returned, at most returned -
 * passed. Mail a real sender tried to deliver and that never got through. */
uint64_t gs_verdict_never_passed(const struct gs_pair_figures *f);

/* "too-few", "whitelist", "do-not-whitelist", "not-needed". */
const char *gs_verdict_name(enum gs_verdict v);

#endif
