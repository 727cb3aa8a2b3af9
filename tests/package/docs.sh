#!/bin/sh
# docs.sh: the admin steps the documentation shows are the ones the code
# does (issue 11).
# Pass when:
#   - the README's rsyslog block and omgreyscan(8)'s single-server example
#     are exactly conf/rsyslog/50-greyscan.conf without its comments;
#   - the README's monitoring example is what its two commands print on the
#     bundled sample log (greyscan scan, then check_greyscan with Debian's
#     postgrey whitelist), the summary's age aside;
#   - no page says "systemctl reload postgrey" (Debian 12's postgrey.service
#     has no reload), and the README, check_greyscan(1) and greyscan(1) give
#     the SIGHUP commands (the package suite runs the sysvinit one);
#   - Net::Server 2.013's start-up and shut-down lines
#     (tests/data/postgrey/net-server-2.013.log) are all known lines: none
#     unparsed, all ignored; one of them misspelt is unparsed;
#   - make install + make uninstall into a DESTDIR leave no file and none of
#     greyscan's directories, and install an unchanged ignore file.
# Fail: 1 with the difference; 99 when a tool or file is missing.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
unset MAKEFLAGS MFLAGS MAKELEVEL
greyscan=$top_builddir/src/greyscan
check=$top_builddir/plugins/check_greyscan/check_greyscan
rb=$top_srcdir/rules/postgrey.rb
work=$(mktemp -d "${TMPDIR:-/tmp}/greyscan-docs.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
fail() {
	echo "FAIL: $*"
	exit 1
}
for f in "$greyscan" "$check" /etc/postgrey/whitelist_clients; do
	[ -e "$f" ] || { echo "ERROR: $f missing"; exit 99; }
done

# --- the rsyslog snippet, three times the same
grep -v '^[[:space:]]*#' "$top_srcdir/conf/rsyslog/50-greyscan.conf" |
	grep -v '^[[:space:]]*$' | sed 's/\t/    /g' >"$work/conf" || exit 99
sed -n '/^### rsyslog (`conf\/rsyslog\/50-greyscan.conf`)/,/^The summary gets/p' \
	"$top_srcdir/README.md" | sed -n 's/^    //p' >"$work/readme-conf"
diff -u "$work/conf" "$work/readme-conf" >"$work/d" ||
	fail "README's rsyslog block differs from conf/rsyslog/50-greyscan.conf: $(cat "$work/d")"
sed -n '/^A single mail server (shipped as/,/^\.RE/p' "$top_srcdir/man/omgreyscan.8" |
	sed -n '/^\.RS/,/^\.RE/p' | sed '1d;$d' | sed 's/\\e/\\/g' >"$work/man-conf"
diff -u "$work/conf" "$work/man-conf" >"$work/d" ||
	fail "omgreyscan(8)'s example differs from conf/rsyslog/50-greyscan.conf: $(cat "$work/d")"

# --- the monitoring example, generated from the sample
"$greyscan" scan -n -r "$rb" -o "$work/summary.json" \
	"$top_srcdir/examples/sample-mail.log" || fail "greyscan scan failed"
"$check" -s "$work/summary.json" >"$work/check.out"
sed -n '/^### Monitoring/,/^A sender domain is a candidate/p' "$top_srcdir/README.md" |
	sed -n 's/^    //p' >"$work/readme-mon"
sed -n '1p' "$work/readme-mon" | grep -qx 'greyscan scan -n -o /tmp/summary.json /usr/share/doc/greyscan/examples/sample-mail.log' ||
	fail "README's monitoring example does not start with the scan of the sample"
sed -n '2p' "$work/readme-mon" | grep -qx 'check_greyscan -s /tmp/summary.json' ||
	fail "README's monitoring example does not run check_greyscan second"
sed '1,2d' "$work/readme-mon" | sed "s/'age'=[0-9]*s/'age'=AGE/" >"$work/want"
sed "s/'age'=[0-9]*s/'age'=AGE/" "$work/check.out" >"$work/got"
diff -u "$work/want" "$work/got" >"$work/d" ||
	fail "README's monitoring output is not what the commands print: $(cat "$work/d")"

# --- the postgrey reload
if grep -n 'systemctl reload postgrey\|init.d/postgrey reload$' \
	"$top_srcdir/README.md" "$top_srcdir"/man/*; then
	fail "a page still tells to reload postgrey in a way that does not work"
fi
for f in README.md man/check_greyscan.1 man/greyscan.1; do
	grep -q 'systemctl kill .*-s HUP postgrey' "$top_srcdir/$f" ||
		fail "$f does not give 'systemctl kill -s HUP postgrey'"
	grep -q 'kill .*-HUP .*cat /run/postgrey.pid' "$top_srcdir/$f" ||
		fail "$f does not give 'kill -HUP \"\$(cat /run/postgrey.pid)\"'"
done

# --- Net::Server's lines are known
corpus=$top_srcdir/tests/data/postgrey/net-server-2.013.log
lines=$(wc -l <"$corpus")
totals() { # SUMMARY
	perl -MJSON::PP -e 'local $/; open(my $f, "<", $ARGV[0]) or exit 99;
		my $t = decode_json(<$f>)->{totals};
		print "$t->{unparsed} $t->{ignored} $t->{actions}\n"' "$1"
}
"$greyscan" scan -n -r "$rb" -o "$work/ns.json" "$corpus" || fail "scan of $corpus failed"
[ "$(totals "$work/ns.json")" = "0 $lines 0" ] ||
	fail "$corpus: unparsed, ignored, actions are $(totals "$work/ns.json"), not 0 $lines 0"
sed '1s/Resolved/Resolvd/' "$corpus" >"$work/bad.log"
"$greyscan" scan -n -r "$rb" -o "$work/bad.json" "$work/bad.log" || fail "scan of bad.log failed"
[ "$(totals "$work/bad.json")" = "1 $((lines - 1)) 0" ] ||
	fail "a misspelt Net::Server line was not unparsed: $(totals "$work/bad.json")"

# --- make install / uninstall
dest=$work/root
make -s -C "$top_builddir" install DESTDIR="$dest" >"$work/install.out" 2>&1 ||
	fail "make install: $(tail -n 5 "$work/install.out")"
ign=$(find "$dest" -path '*/etc/greyscan/ignore')
[ -n "$ign" ] && cmp -s "$ign" "$top_srcdir/conf/greyscan/ignore" ||
	fail "make install did not install the ignore file"
[ -n "$(find "$dest" -type d -path '*/var/lib/greyscan')" ] ||
	fail "make install did not make /var/lib/greyscan"
# rsyslog.d in the build's sysconfdir (/etc, or $prefix/etc under make
# distcheck), where the installed ignore file's directory is.
rsyslogd_dir=$(dirname "$(dirname "$ign")")/rsyslog.d
mkdir -p "$rsyslogd_dir"
cp "$top_srcdir/conf/rsyslog/50-greyscan.conf" "$rsyslogd_dir/" || exit 99
make -s -C "$top_builddir" uninstall DESTDIR="$dest" >"$work/uninstall.out" 2>&1 ||
	fail "make uninstall: $(tail -n 5 "$work/uninstall.out")"
grep -q 'WARNING: .*rsyslog.d still loads omgreyscan' "$work/uninstall.out" ||
	fail "make uninstall did not warn about the snippet left in rsyslog.d"
rm -r "$rsyslogd_dir"
left=$(find "$dest" -type f)
[ -z "$left" ] || fail "make uninstall left files: $left"
# greyscan's directories, not those of the prefix's own path (under make
# distcheck the prefix lies inside the build tree, whose path may well have a
# directory named greyscan, the checkout's).
prefix=$(sed -n 's/^prefix = //p' "$top_builddir/Makefile")
left=$(find "$dest" -type d \( -name greyscan -o -path '*/doc/greyscan*' \) |
	while IFS= read -r d; do
		case "$dest$prefix/" in
		"$d"/*) ;;
		*) echo "$d" ;;
		esac
	done)
[ -z "$left" ] || fail "make uninstall left directories: $left"
echo "PASS: the documented steps match the code"
