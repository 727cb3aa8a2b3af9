/* The limits and defaults the front ends share: `greyscan scan`
 * (src/greyscan.c), the rsyslog module (plugins/omgreyscan/params.c) and
 * the check plugin (plugins/check_greyscan). One definition each, so that
 * the CLI and the module accept the same values and start from the same
 * defaults. Units are in the names; a limit is inclusive.
 *
 * The shortest window is GS_TALLY_SLOTS seconds (tally/tally.h), one second
 * per slot: that is the tally's own rule. The highest user and group ids
 * are GS_UID_MAX and GS_GID_MAX (base/owner.h). Options of the check plugin
 * alone (max age, timeout) stay in the plugin. */
#ifndef GS_LIMITS_H
#define GS_LIMITS_H

/* The sliding window: `--window`, window="" (seconds). */
#define GS_DEFAULT_WINDOW_S (7 * 86400)
#define GS_WINDOW_MAX_S	    (366 * 86400) /* a leap year */

/* Sender groups kept in the tally: `--max-groups`, maxGroups="". */
#define GS_DEFAULT_MAX_GROUPS 100000
#define GS_MAX_GROUPS_MIN     1
#define GS_MAX_GROUPS_MAX     10000000

/* The busiest groups listed in the summary, 0 for all of them:
 * `--summary-domains`, summaryDomains="". */
#define GS_DEFAULT_SUMMARY_DOMAINS 1000
#define GS_SUMMARY_DOMAINS_MAX	   10000000

/* Seconds between two summary writes of the module: interval="". */
#define GS_DEFAULT_INTERVAL_S 60
#define GS_INTERVAL_MIN_S     1
#define GS_INTERVAL_MAX_S     86400

/* The summary file's permission bits: `--mode`, fileCreateMode="". */
#define GS_DEFAULT_FILE_MODE 0640

/* Open pairs followed (tally/pairs.h), 0 turning that off:
 * `--max-pairs`, maxPairs="". The default suits a busy site greylisting
 * 100,000 mails a day, most of whose senders never return: about 200,000
 * pairs open over postgrey's 2-day retry window. A pair takes at most
 * GS_PAIRS_ENTRY_BYTES (44) bytes: 262,144 pairs at most 11.5 MB, the
 * maximum 16,777,216 at most 738 MB. */
#define GS_PAIRS_DEFAULT_MAX 262144
#define GS_MAX_PAIRS_MAX     16777216

/* How long after its first greylisting a pair may still pass: postgrey's
 * own --retry-window default (2 days). `--retry-window`, retryWindow="". */
#define GS_PAIRS_DEFAULT_RETRY_WINDOW_S (2 * 86400)
#define GS_RETRY_WINDOW_MIN_S		1
#define GS_RETRY_WINDOW_MAX_S		(366 * 86400) /* a leap year */

/* new + early_retry that make a group a whitelist candidate:
 * `greyscan suggest --threshold`, `check_greyscan --min-greylisted`. */
#define GS_DEFAULT_THRESHOLD 15

#endif
