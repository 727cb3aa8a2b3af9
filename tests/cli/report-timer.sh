#!/bin/sh
# report-timer.sh: the shipped ways of keeping the HTML report current, the
# systemd units (conf/systemd/greyscan-report.{service,timer}) and the cron
# example (conf/cron/greyscan-report), do what they say.
#
# Pass/fail:
#  1. `systemd-analyze verify` accepts both units as shipped (with the
#     greyscan binary's path pointed at the build, since verify checks that
#     ExecStart's program exists; man pages are not looked up);
#  2. the service's ExecStart command (its continuation lines joined) and
#     the cron line's command, with the system paths mapped into a work
#     directory, write the page from a summary: a file of mode 0644 naming
#     the summary's domain, with the whitelist file's domain shown as
#     already whitelisted, the missing whitelist_clients.local accepted as
#     postgrey accepts it;
#  3. the timer fires every 5 minutes (OnUnitActiveSec=5min) and is not
#     enabled by the package (debian/rules: dh_installsystemd --no-enable).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
gs_init

GREYSCAN=$GS_GREYSCAN
[ -x "$GREYSCAN" ] || gs_error "greyscan not built: $GREYSCAN"
cd "$GS_WORK" || gs_error "cannot enter $GS_WORK"
service=$top_srcdir/conf/systemd/greyscan-report.service
timer=$top_srcdir/conf/systemd/greyscan-report.timer
cron=$top_srcdir/conf/cron/greyscan-report
gs_greyscan_abs=$(cd "$(dirname "$GREYSCAN")" && pwd)/$(basename "$GREYSCAN")

# 1.
mkdir units
sed "s|/usr/bin/greyscan|$gs_greyscan_abs|" "$service" >units/greyscan-report.service
cp "$timer" units/
systemd-analyze verify --man=no units/greyscan-report.service \
	units/greyscan-report.timer >verify.out 2>&1 ||
	gs_fail "systemd-analyze verify: $(cat verify.out)"

# 2. A summary with two domains, one of them whitelisted.
"$PERL" -e '
	for my $m (1 .. 20) {
		for my $d ("pool.example", "listed.example") {
			printf("2024-03-02T00:%02d:00Z mx1 postgrey[1]: action=greylist, " .
				"reason=new, client_name=o$m.$d, client_address=10.0.$m.1, " .
				"sender=a\@$d, recipient=r$m\@x.org\n", $m);
		}
	}' >mail.log
"$GREYSCAN" scan -n -r "$GS_RULEBASE" -o summary.json mail.log >scan.out 2>&1 ||
	gs_fail "scan: $(cat scan.out)"
mkdir -p root/etc/postgrey root/run/greyscan-report root/var/lib/greyscan \
	root/var/www/html/greyscan
printf 'listed.example\n' >root/etc/postgrey/whitelist_clients
cp summary.json root/var/lib/greyscan/summary.json
# Maps the units' system paths into root/.
map() {
	sed -e "s|/usr/bin/greyscan|$gs_greyscan_abs|" \
		-e "s| /etc/| $GS_WORK/root/etc/|g" \
		-e "s| /run/| $GS_WORK/root/run/|g" \
		-e "s| /var/| $GS_WORK/root/var/|g" \
		-e "s|\[ -r /var/|[ -r $GS_WORK/root/var/|"
}
exec_start=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$service" |
	sed 's/^ExecStart=//; s/\\$//' | tr '\n\t' '  ' | map)
[ -n "$exec_start" ] || gs_fail "no ExecStart in $service"
cron_cmd=$(grep -v '^#' "$cron" | grep . | cut -d' ' -f7- | map)
[ -n "$cron_cmd" ] || gs_fail "no command in $cron"
check_page() { # file, what
	[ -f "$1" ] || gs_fail "$2 wrote no page at $1"
	[ "$(stat -c %a "$1")" = 644 ] || gs_fail "$2: page mode $(stat -c %a "$1")"
	grep -q '<th scope="row">pool.example</th>' "$1" ||
		gs_fail "$2: pool.example not on the page"
	grep 'listed.example' "$1" | grep -q 'already whitelisted' ||
		gs_fail "$2: listed.example not shown as already whitelisted"
}
(umask 077 && eval "$exec_start") >exec.out 2>&1 ||
	gs_fail "the service's command failed: $exec_start: $(cat exec.out)"
check_page root/run/greyscan-report/report.html "the service"
(umask 077 && eval "$cron_cmd") >cron.out 2>&1 ||
	gs_fail "the cron command failed: $cron_cmd: $(cat cron.out)"
check_page root/var/www/html/greyscan/report.html "the cron line"

# 3.
grep -qx 'OnUnitActiveSec=5min' "$timer" || gs_fail "the timer is not every 5 minutes"
grep -q 'dh_installsystemd --no-enable --no-start' "$top_srcdir/debian/rules" ||
	gs_fail "debian/rules would enable the timer"
gs_pass "systemd units verified; the service's and cron's commands write the page"
