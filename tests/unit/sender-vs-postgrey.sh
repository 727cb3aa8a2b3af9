#!/bin/sh
# sender-vs-postgrey.sh: greyscan's sender and recipient keys
# (lib/input/sender.c) against postgrey's own code.
#
# The sub do_sender_substitutions is taken from the installed postgrey
# ($POSTGREY, /usr/sbin/postgrey) at run time and evaluated by Perl with
# postgrey's pragmas (tests/unit/sender-vs-postgrey.pl); nothing of it is
# copied into greyscan. A corpus of some 20,000 generated senders (BATV in
# both orders, tags of 9 and 10 characters and in upper case, '+'
# extensions, numbers beside letters, '_', '.', UTF-8 and other bytes from
# 0x80 up, control bytes and newlines, no or several '@', empty values)
# goes through postgrey's lc(do_sender_substitutions(sender)) and through
# tests/unit/sender_keys (gs_sender_key); the same values as recipients
# through Perl's lc and gs_recipient_key.
#
# Pass: every key is the same. Fail (1): any difference (the first ones are
# printed, value and both keys); or a deliberate change of one of postgrey's
# rules (each listed by `sender-vs-postgrey.pl mutations`) changes no key of
# the corpus, so that the corpus could not catch that mistake in greyscan.
# Error (99): postgrey, perl or the driver is missing, or postgrey's sub is
# not found or a mutation no longer applies to its text (never a skip).
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
: "${POSTGREY:=/usr/sbin/postgrey}"
: "${PERL:=perl}"
PL="$top_srcdir/tests/unit/sender-vs-postgrey.pl"
DRIVER="$top_builddir/tests/unit/sender_keys"

error()
{
	echo "ERROR: $*" >&2
	exit 99
}
fail()
{
	echo "FAIL: $*" >&2
	exit 1
}

[ -r "$POSTGREY" ] || error "postgrey not found at '$POSTGREY'"
[ -x "$DRIVER" ] || error "driver not built: $DRIVER"
command -v "$PERL" >/dev/null 2>&1 || error "perl not found: $PERL"
WORK=$(mktemp -d) || error "mktemp failed"
trap 'rm -rf "$WORK"' EXIT
trap 'exit 99' INT TERM

"$PERL" "$PL" corpus >"$WORK/in" || error "corpus generation failed"
n=$(wc -l <"$WORK/in")
[ "$n" -ge 20000 ] || error "corpus has only $n values"

"$PERL" "$PL" keys "$POSTGREY" <"$WORK/in" >"$WORK/postgrey" 2>/dev/null ||
	error "postgrey's sub failed (status $?)"
"$DRIVER" -x <"$WORK/in" >"$WORK/greyscan" || fail "sender_keys failed"
"$PERL" "$PL" diff "$WORK/in" "$WORK/postgrey" "$WORK/greyscan" >&2 ||
	fail "sender keys differ from postgrey's"

"$PERL" "$PL" lc <"$WORK/in" >"$WORK/lc" || error "perl lc failed"
"$DRIVER" -r -x <"$WORK/in" >"$WORK/rcpt" || fail "sender_keys -r failed"
"$PERL" "$PL" diff "$WORK/in" "$WORK/lc" "$WORK/rcpt" >&2 ||
	fail "recipient keys differ from Perl's lc"

# The corpus must tell each rule apart: a mutated postgrey differs on it.
mutations=$("$PERL" "$PL" mutations) || error "no mutation list"
for m in $mutations; do
	"$PERL" "$PL" keys "$POSTGREY" "$m" <"$WORK/in" >"$WORK/mutant" \
	    2>/dev/null
	rc=$?
	[ "$rc" -eq 0 ] || error "mutation $m: status $rc"
	if cmp -s "$WORK/postgrey" "$WORK/mutant"; then
		fail "the corpus does not tell postgrey from mutation $m"
	fi
done

echo "PASS: $n senders and recipients give postgrey's keys;" \
    "$(echo "$mutations" | wc -l) mutations of its rules are caught" >&2
exit 0
