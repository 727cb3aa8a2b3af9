/* The sender and recipient keys postgrey 1.37 puts into its greylisting
 * triplet (/usr/sbin/postgrey, do_sender_substitutions and the lc of the
 * key), minus the client network, so that greyscan follows a mail the way
 * postgrey recognises its retries.
 *
 * Sender: split at the first '@' (no '@': the sender is kept whole); if the
 * local part starts with "prvs=" and splits at '=' into exactly three
 * fields (trailing empty fields dropped, as Perl's split does), the BATV tag
 * is dropped: the field that does not start with ten [0-9a-z] is kept, the
 * third when both or neither do; then everything from the first '+' up to
 * the next newline is removed; then every run of digits that has no word
 * character ([A-Za-z0-9_]) on either side becomes '#'. The domain (all after
 * the first '@') is kept as it is. Last, the key is lower-cased.
 * Recipient: lower-cased.
 *
 * Perl sees these values as byte strings: lower-casing folds A-Z only,
 * digits are 0-9 only, and bytes from 0x80 up are neither word characters
 * nor changed (UTF-8 is not decoded). tests/unit/sender-vs-postgrey.sh
 * compares these functions with the installed postgrey's own code.
 *
 * A key is never longer than its input, so a buffer of strlen(input) + 1
 * bytes always suffices. Pure functions, safe from any thread. */
#ifndef GS_SENDER_H
#define GS_SENDER_H

#include <stddef.h>

/* Writes the key of sender (NULL, as for a bounce, counts as "") into out,
 * NUL-terminated. Returns 0; or -1 when the key needs more than
 * outlen - 1 bytes: out then holds the key's first outlen - 1 bytes
 * (nothing when outlen is 0), so a truncated key is still the same for the
 * same sender. */
int gs_sender_key(const char *sender, char *out, size_t outlen);

/* The same for a recipient (NULL counts as ""): the recipient lower-cased. */
int gs_recipient_key(const char *recipient, char *out, size_t outlen);

#endif
