#!/bin/sh
# Every reason check_greyscan exits UNKNOWN (3): a missing, unreadable,
# corrupt, wrong-format or wrong-version summary; a missing or unreadable
# whitelist; a regex PCRE2 cannot compile; a missing or bad ignore file given
# on the command line; the timeout; bad arguments; and --help/--version.
# Also that what must not be UNKNOWN is not: a missing *.local whitelist.
# Pass: each run exits 3 (or as stated) with a first line
# "GREYSCAN UNKNOWN - " naming the reason and the file (path and line where
# there is one), and nothing but that on a data error (no perfdata). Fail
# (1) on the first mismatch; 99 when the plugin is not built.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/data/check/lib.sh"

WL=$DATA/whitelist_clients
IG=$DATA/ignore
MIXED=$(fixture mixed)

unknown() { # RE WHAT: exit 3, first line matches, no perfdata
	expect_rc 3 "$2"
	expect_first "^GREYSCAN UNKNOWN - $1" "$2"
	expect_no_out '\|' "$2 (perfdata on an UNKNOWN)"
}

# the summary
run -s "$WORK/nonexistent.json" -W "$WL" -i "$IG"
unknown "cannot use the summary: $WORK/nonexistent\.json: No such file or directory\$" "missing summary"
run -s "$WORK" -W "$WL" -i "$IG"
unknown "cannot use the summary: $WORK: not a regular file" "summary is a directory"
run -s "$DATA/corrupt.json" -W "$WL" -i "$IG"
unknown "cannot use the summary: .*corrupt\.json" "corrupt summary"
run -s "$(fixture wrong-version)" -W "$WL" -i "$IG"
unknown "cannot use the summary: .*wrong-version-0\.json.*version" "wrong version"
run -s "$(fixture wrong-format)" -W "$WL" -i "$IG"
unknown "cannot use the summary: .*wrong-format-0\.json.*format" "wrong format"
: >"$WORK/empty.json"
run -s "$WORK/empty.json" -W "$WL" -i "$IG"
unknown "cannot use the summary: $WORK/empty\.json" "empty summary"
# the default path is documented as /var/lib/greyscan/summary.json
if [ ! -e /var/lib/greyscan/summary.json ]; then
	run -W "$WL" -i "$IG"
	unknown "cannot use the summary: /var/lib/greyscan/summary\.json: No such file" "default summary path"
fi

# whitelists
run -s "$MIXED" -W "$WORK/whitelist_clients" -i "$IG"
unknown "cannot use the whitelist: $WORK/whitelist_clients: No such file or directory\$" "missing whitelist"
run -s "$MIXED" -W "$WL" -W "$WORK/whitelist_clients.local" -i "$IG"
expect_rc 1 "a missing .local whitelist is fine"
mkdir "$WORK/dir.local"
run -s "$MIXED" -W "$WL" -W "$WORK/dir.local" -i "$IG"
unknown "cannot use the whitelist: $WORK/dir\.local:1: read error: Is a directory" "unreadable .local whitelist"
run -s "$MIXED" -W "$WL" -W "$DATA/whitelist-bad-regex" -i "$IG"
unknown "cannot use the whitelist: .*/whitelist-bad-regex:3: regex /\^mail\(-\[0-9\]\+\\\\\.example\\\$/ does not compile at offset [0-9]+: missing closing parenthesis\$" "bad regex"

# the ignore file
run -s "$MIXED" -W "$WL" -i "$WORK/ignore"
unknown "cannot use the ignore file: $WORK/ignore: No such file or directory\$" "missing ignore file"
run -s "$MIXED" -W "$WL" -i "$DATA/ignore-bad"
unknown "cannot use the ignore file: .*/ignore-bad:2: 'two words' is not one domain" "bad ignore file"

# a FIFO at the summary path is refused at once, never waited on
mkfifo "$WORK/fifo" || exit 99
run -s "$WORK/fifo" -W "$WL" -i "$IG" -t 5
unknown "cannot use the summary: $WORK/fifo: not a regular file\$" "FIFO summary"

# the timeout: a FIFO nobody writes, given as a whitelist (the admin's own
# file, read like postgrey reads it), blocks until -t ends the check
run -s "$MIXED" -W "$WORK/fifo" -i "$IG" -t 1
unknown "timed out after 1 s\$" "timeout"

# bad arguments: UNKNOWN, the reason, then the usage
bad_arg() { # RE WHAT ARG...
	_re=$1
	_what=$2
	shift 2
	run "$@"
	unknown "$_re" "$_what"
	expect_out '^Usage: check_greyscan ' "$_what (usage)"
}
bad_arg "unknown option '--bogus'" "unknown option" -s "$MIXED" --bogus
bad_arg "unknown option '-z'" "unknown short option" -z
bad_arg "option -w needs a value" "missing value" -s "$MIXED" -w
bad_arg "threshold range 'x' is not" "bad -w" -w x
bad_arg "threshold range '20:10': start is greater" "bad -c" -c 20:10
bad_arg "--min-greylisted '0' is not" "-n 0" -n 0
bad_arg "--min-greylisted 'abc' is not" "-n abc" -n abc
bad_arg "--min-greylisted '-5' is not" "-n -5" -n -5
bad_arg "--timeout '0' is not" "-t 0" -t 0
bad_arg "--timeout '3601' is not" "-t 3601" -t 3601
bad_arg "--max-age '1h' is not" "-a 1h" -a 1h
bad_arg "unexpected argument 'extra'" "extra argument" -s "$MIXED" extra

# --help and --version exit 3 like Monitoring Plugins' own plugins
run --help
expect_rc 3 "--help"
expect_out '^Usage: check_greyscan ' "--help"
expect_out '--max-age SECONDS' "--help lists --max-age"
run -h
expect_rc 3 "-h"
run --version
expect_rc 3 "--version"
expect_first '^check_greyscan \(greyscan [0-9.]+\)$' "--version"
run -V
expect_rc 3 "-V"

echo "PASS: check_greyscan UNKNOWN states"
exit 0
