#!/bin/sh
# install.sh: `make install` puts every piece where its user looks for it,
# and rsyslogd loads the installed module by its name.
#
# Pass/fail: after `make install DESTDIR=...`, the module is in the module
# directory without libtool's .la file, the plugin in the plugin directory,
# the rulebase in the data directory, the CLI and the four man pages in
# place; and `rsyslogd -N1` with the installed module directory first on
# its search path accepts module(load="omgreyscan") with an omgreyscan
# action (a config that names a parameter wrongly must still fail, so the
# module really was loaded).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
gs_init
# Under `make check` the parent make's flags would reach these inner makes
# (and make them print "Entering directory" lines into the values read).
unset MAKEFLAGS MFLAGS MAKELEVEL

dest=$GS_WORK/root
make -s -C "$top_builddir" install DESTDIR="$dest" >"$GS_WORK/install.out" 2>&1 ||
	gs_fail "make install failed: $(tail -n 5 "$GS_WORK/install.out")"

expand() {
	# moduledir = ${libdir}/rsyslog and the like: let make expand them.
	make -s -C "$top_builddir" --no-print-directory -f Makefile \
		-f - gs-print-var VAR="$1" <<'MK'
gs-print-var:
	@echo $($(VAR))
MK
}
moduledir=$(expand moduledir)
plugindir=$(expand plugindir)
pkgdatadir=$(expand pkgdatadir)
bindir=$(expand bindir)
mandir=$(expand mandir)

for f in "$moduledir/omgreyscan.so" "$plugindir/check_greyscan" \
	"$pkgdatadir/postgrey.rb" "$bindir/greyscan" \
	"$mandir/man1/greyscan.1" "$mandir/man1/check_greyscan.1" \
	"$mandir/man5/greyscan-summary.5" "$mandir/man8/omgreyscan.8"; do
	[ -f "$dest$f" ] || gs_fail "not installed: $f"
done
[ ! -e "$dest$moduledir/omgreyscan.la" ] ||
	gs_fail "libtool's omgreyscan.la was installed into the module directory"
[ -x "$dest$plugindir/check_greyscan" ] || gs_fail "plugin not executable"

conf=$GS_WORK/rs.conf
cat >"$conf" <<EOF2
module(load="omgreyscan")
if \$programname == 'postgrey' then
	$(gs_action summaryFile="$GS_WORK/s.json" \
		ruleBase="$dest$pkgdatadir/postgrey.rb" -interval)
EOF2
# shellcheck disable=SC2086 # GS_RSYSLOGD_WRAP is a word list (tests/lib.sh)
$GS_RSYSLOGD_WRAP "$RSYSLOGD" -N1 -M "$dest$moduledir:/usr/lib/x86_64-linux-gnu/rsyslog" \
	-f "$conf" >"$GS_WORK/n1.out" 2>&1 ||
	gs_fail "installed module not accepted: $(cat "$GS_WORK/n1.out")"
sed 's/summaryFile=/summaryFyle=/' "$conf" >"$GS_WORK/bad.conf"
# shellcheck disable=SC2086
if $GS_RSYSLOGD_WRAP "$RSYSLOGD" -N1 -M "$dest$moduledir:/usr/lib/x86_64-linux-gnu/rsyslog" \
	-f "$GS_WORK/bad.conf" >"$GS_WORK/bad.out" 2>&1; then
	gs_fail "a misspelt parameter passed: the module was not really loaded"
fi
gs_pass "installed layout and module loading by name"
