#!/bin/sh
# lifecycle.sh: greyscan's packages through their life in a clean Debian 12
# root, as an admin would use them. Run by scripts/test-packages.sh inside
# private mount, PID and network namespaces (unshare), so the root's daemons
# listen on a loopback of their own and die with the run; the packages and
# every dependency were downloaded into the root's apt cache beforehand, so
# apt installs here without a network.
#
#   lifecycle.sh ROOT V1DIR V2DIR TOP LOGDIR
#
# A chroot cannot run systemd, so ROOT is made a Debian 12 system booted
# with sysvinit: sysvinit-core (whose /sbin/init tells invoke-rc.d that an
# init system is there) and orphan-sysvinit-scripts (rsyslog's init script,
# which rsyslog itself no longer ships). rsyslog and postgrey then run from
# their init scripts through invoke-rc.d, and the maintainer scripts
# restart rsyslog that way too, as they do through systemd elsewhere. Each step prints
# PASS: NAME or FAIL: NAME and what went wrong; a failed step ends the run
# (the later ones depend on it). What decides each step is said above it.
set -u
root=$1 v1=$2 v2=$3 top=$4 logdir=$5
pg_port=10023
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

# The .deb files in a directory of the root, by their path in the root.
debs() { (cd "$root$1" && for f in *.deb; do echo "$1/$f"; done); }
step=
fail() {
	echo "FAIL: $step"
	printf '    %s\n' "$@"
	diagnose
	exit 1
}
# The processes of the namespace and the end of rsyslog's own log.
diagnose() {
	echo "    processes:"
	for d in "$root"/proc/[0-9]*; do
		printf '      %s %s %s\n' "${d##*/}" \
			"$(sed -n 's/^State:[[:space:]]*//p' "$d/status" 2>/dev/null)" \
			"$(tr '\0' ' ' <"$d/cmdline" 2>/dev/null)"
	done
	echo "    rsyslogd.pid: $(cat "$root/run/rsyslogd.pid" 2>/dev/null)"
	echo "    end of /var/log/syslog:"
	tail -n 8 "$root/var/log/syslog" 2>/dev/null | cut -c 1-300 | sed 's/^/      /'
}
pass() { echo "PASS: $step"; }
in_root() { chroot "$root" "$@"; }
apt_root() { # LOGNAME ARG...: apt-get in the root, output into LOGDIR
	name=$1
	shift
	in_root apt-get -y -o Dpkg::Use-Pty=0 "$@" \
		>"$logdir/apt-$name.log" 2>&1 ||
		fail "apt-get $* failed: $(tail -n 15 "$logdir/apt-$name.log")"
}
# The files of the root with their type, mode and owner, less what changes
# by itself: kernel and runtime file systems, apt's and dpkg's own
# bookkeeping and caches, logs, and postgrey's database (its Berkeley DB
# environment grows log files as requests arrive).
snapshot() {
	(cd "$root" && find . -xdev \( -path ./proc -o -path ./dev -o \
		-path ./run -o -path ./tmp -o -path ./var/tmp -o \
		-path ./var/cache -o -path ./var/lib/apt -o \
		-path ./var/lib/dpkg -o -path ./var/log -o \
		-path ./var/lib/postgrey \) -prune -o \
		-printf '%p %y %m %U %G\n' | LC_ALL=C sort)
}
json() { # FILE PERL_EXPR: prints the expression over the decoded file as $j
	perl -MJSON::PP -e 'local $/; open(my $f, "<", $ARGV[0]) or exit 2;
		my $j = JSON::PP->new->utf8->decode(<$f>); my $v = eval $ARGV[1];
		print defined $v ? "$v\n" : "undef\n"' "$root$1" "$2"
}
domain_field() { # DOMAIN FIELD: the field of that domain in the summary
	json /var/lib/greyscan/summary.json \
		"my (\$d) = grep { \$_->{domain} eq '$1' } @{\$j->{domains}};
		 \$d ? \$d->{$2} : 0"
}
rsyslog_pid() { cat "$root/run/rsyslogd.pid" 2>/dev/null; }
# Makes rsyslogd write the summary now (omgreyscan writes on SIGHUP), the
# way logrotate signals it on Debian, and waits until the file is newer.
write_summary() {
	sum=$root/var/lib/greyscan/summary.json
	before=$(stat -c %i.%.9Y "$sum" 2>/dev/null || echo none)
	in_root /usr/lib/rsyslog/rsyslog-rotate ||
		fail "rsyslog-rotate (SIGHUP to rsyslogd) failed"
	i=0
	while [ "$(stat -c %i.%.9Y "$sum" 2>/dev/null || echo none)" = "$before" ]; do
		i=$((i + 1))
		[ "$i" -le 100 ] || fail "no summary written within 10 s of SIGHUP"
		sleep 0.1
	done
	# The rename is atomic; let a HUP-triggered second write settle.
	sleep 0.5
}
# REQUESTS on stdin to postgrey; the answers go to LOGDIR/answers-NAME.
policy() { # NAME
	perl "$top/tests/package/policy-tcp.pl" 127.0.0.1 "$pg_port" \
		>"$logdir/answers-$1" 2>&1 ||
		fail "policy requests failed: $(cat "$logdir/answers-$1")"
}
wait_port() {
	i=0
	until perl -MIO::Socket::INET -e 'exit !IO::Socket::INET->new(
		PeerAddr => "127.0.0.1", PeerPort => $ARGV[0])' "$pg_port"; do
		i=$((i + 1))
		[ "$i" -le 100 ] || fail "postgrey does not listen on $pg_port"
		sleep 0.1
	done
}
bulk_requests() { # FIRST LAST: one new client of bulk.example each
	n=$1
	while [ "$n" -le "$2" ]; do
		echo "o$n.out.bulk.example 198.18.$n.10 news@bulk.example user$n@mx.example"
		n=$((n + 1))
	done
}

# --- the root as it runs: its own /proc, /dev, /run and loopback
mount -t proc proc "$root/proc" || exit 99
mount -t tmpfs -o mode=0755,nosuid tmpfs "$root/run" || exit 99
mkdir -m 1777 "$root/run/lock"
# Runlevel 2, as sysvinit's init records it in /run/utmp at boot (a
# RUN_LVL entry): invoke-rc.d starts a service only when the current
# runlevel's rc2.d link says so.
perl -e 'open(my $u, ">", $ARGV[0]) or die "$ARGV[0]: $!\n";
	print $u pack("s x2 l a32 a4 a32 a256 s s l l l a16 a20", 1,
		ord("2") + 256 * ord("N"), "~", "~~", "runlevel", "", 0, 0, 0,
		time, 0, "", "") or die; close($u) or die' "$root/run/utmp" || exit 99
mount -t tmpfs -o mode=0755,nosuid tmpfs "$root/dev" || exit 99
for n in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
	mknod -m 666 "$root/dev/${n%%:*}" c "$(echo "$n" | cut -d: -f2)" \
		"$(echo "$n" | cut -d: -f3)" || exit 99
done
ln -s /proc/self/fd "$root/dev/fd"
mkdir "$root/dev/pts" "$root/dev/shm"
ip link set lo up || exit 99

# --- 1. the mail server before greyscan: rsyslog and postgrey, started
# the Debian way. Its file list is what purging greyscan must give back.
step=mail-server
apt_root deps install rsyslog postgrey orphan-sysvinit-scripts sysvinit-core
[ -x "$root/etc/init.d/rsyslog" ] || fail "no /etc/init.d/rsyslog"
[ "$(in_root runlevel)" = "N 2" ] || fail "runlevel says '$(in_root runlevel)'"
in_root invoke-rc.d rsyslog start >"$logdir/rsyslog-start.log" 2>&1 ||
	fail "invoke-rc.d rsyslog start: $(cat "$logdir/rsyslog-start.log")"
in_root invoke-rc.d postgrey restart >"$logdir/postgrey-start.log" 2>&1 ||
	fail "invoke-rc.d postgrey restart: $(cat "$logdir/postgrey-start.log")"
wait_port
snapshot >"$logdir/files-before"
pass

# --- 2. install: apt resolves the dependencies. Pass: the four packages
# are installed; the shipped rsyslog snippet is in place unmodified and
# rsyslogd -N1 accepts the configuration; rsyslog was restarted by the
# postinst (another PID); without a monitoring group the summary's
# directory is root:adm, mode 2750; /etc/greyscan/ignore is there.
step=install
old_pid=$(rsyslog_pid)
apt_root install install $(debs "$v1")
for p in greyscan-common rsyslog-greyscan monitoring-plugins-greyscan greyscan; do
	st=$(in_root dpkg-query -W -f '${db:Status-Abbrev}' "$p")
	[ "$st" = "ii " ] || fail "$p is '$st', not installed"
done
cmp -s "$root/etc/rsyslog.d/50-greyscan.conf" "$top/conf/rsyslog/50-greyscan.conf" ||
	fail "/etc/rsyslog.d/50-greyscan.conf differs from conf/rsyslog/50-greyscan.conf"
in_root rsyslogd -N1 >"$logdir/n1-install.log" 2>&1 ||
	fail "rsyslogd -N1: $(cat "$logdir/n1-install.log")"
new_pid=$(rsyslog_pid)
[ -n "$new_pid" ] && [ "$new_pid" != "$old_pid" ] && kill -0 "$new_pid" ||
	fail "rsyslog was not restarted (pid $old_pid, now '$new_pid')"
perm=$(in_root stat -c '%a %U %G' "/var/lib/greyscan")
[ "$perm" = "2750 root adm" ] || fail "/var/lib/greyscan is '$perm', not '2750 root adm'"
[ -f "$root/etc/greyscan/ignore" ] || fail "no /etc/greyscan/ignore"
pass

# --- 3. counting at once. postgrey is restarted the Debian way (its
# Net::Server start-up lines, "Resolved [localhost]:10023 ..." among
# them, must not count as unparsed), 20 clients of bulk.example and one of
# other.example ask it. Pass: after rsyslogd's SIGHUP the summary counts
# 20 new for bulk.example and 1 for other.example, nothing unparsed and the
# start-up lines as ignored; it is mode 0640 root:adm, the state file 0600.
step=count
in_root invoke-rc.d postgrey restart >"$logdir/postgrey-restart.log" 2>&1 ||
	fail "invoke-rc.d postgrey restart: $(cat "$logdir/postgrey-restart.log")"
wait_port
{
	bulk_requests 1 20
	echo "mx.other.example 198.51.100.9 a@other.example b@mx.example"
} | policy first
grep -c '^DEFER_IF_PERMIT' "$logdir/answers-first" | grep -qx 21 ||
	fail "postgrey did not greylist the 21 requests: $(sort "$logdir/answers-first" | uniq -c)"
write_summary
[ "$(domain_field bulk.example new)" = 20 ] ||
	fail "bulk.example new is $(domain_field bulk.example new), not 20"
[ "$(domain_field other.example new)" = 1 ] || fail "other.example new is not 1"
unparsed=$(json /var/lib/greyscan/summary.json '$j->{totals}{unparsed}')
[ "$unparsed" = 0 ] || fail "$unparsed lines unparsed:" \
	"$(json /var/lib/greyscan/summary.json 'join("\n    ", @{$j->{unparsed_samples}})')"
grep -q 'postgrey\[[0-9]*\]: Resolved \[localhost\]:10023 to' "$root/var/log/mail.log" ||
	fail "postgrey logged no 'Resolved [localhost]:10023' line (mail.log)"
ignored=$(json /var/lib/greyscan/summary.json '$j->{totals}{ignored}')
[ "$ignored" -ge 4 ] || fail "only $ignored start-up lines counted as ignored"
perm=$(in_root stat -c '%a %U %G' "/var/lib/greyscan/summary.json")
[ "$perm" = "640 root adm" ] || fail "summary is '$perm', not '640 root adm'"
perm=$(in_root stat -c '%a %U' "/var/lib/greyscan/summary.json.state")
[ "$perm" = "600 root" ] || fail "state file is '$perm', not '600 root'"
pass

# --- 4. a monitoring system arrives (icinga2-common creates the nagios
# user and group), then greyscan is upgraded to a rebuilt newer version.
# Pass: the four packages have the new version; the postinst hands
# /var/lib/greyscan and the files in it to group nagios; after rsyslog's
# restart the counts are kept (20 and 1) and the summary, written anew, is
# 0640 root:nagios.
step=upgrade
snapshot >"$logdir/files-monitoring-before"
apt_root monitoring install icinga2-common
snapshot >"$logdir/files-monitoring-after"
new_version=$(dpkg-deb -f "$(ls "$root$v2"/greyscan-common_*.deb)" Version)
apt_root upgrade install $(debs "$v2")
for p in greyscan-common rsyslog-greyscan monitoring-plugins-greyscan greyscan; do
	v=$(in_root dpkg-query -W -f '${Version}' "$p")
	[ "$v" = "$new_version" ] || fail "$p is $v, not $new_version"
done
perm=$(in_root stat -c '%a %U %G' "/var/lib/greyscan")
[ "$perm" = "2750 root nagios" ] || fail "/var/lib/greyscan is '$perm' after the upgrade"
write_summary
[ "$(domain_field bulk.example new)" = 20 ] ||
	fail "bulk.example new is $(domain_field bulk.example new) after the upgrade, not 20"
[ "$(domain_field other.example new)" = 1 ] || fail "other.example lost after the upgrade"
perm=$(in_root stat -c '%a %U %G' "/var/lib/greyscan/summary.json")
[ "$perm" = "640 root nagios" ] || fail "summary is '$perm', not '640 root nagios'"
pass

# --- 5. the monitoring user reads it. Pass: check_greyscan -v run as
# nagios with its defaults exits 0: bulk.example's 20 mails, each from its
# own address and none come back, are judged "do not whitelist" from the
# pair evidence and the host names (the verbose line says why), so nothing
# needs whitelisting; with bulk.example appended to /etc/greyscan/ignore
# (which the package made) the verbose line names that entry instead.
step=check-as-nagios
in_root runuser -u nagios -- /usr/lib/nagios/plugins/check_greyscan -v \
	>"$logdir/check-1" 2>&1
st=$?
[ "$st" = 0 ] || fail "check_greyscan exited $st, not 0: $(cat "$logdir/check-1")"
grep -q '^GREYSCAN OK - no sender greylisted 15+ times needs whitelisting (2 domains tracked)' \
	"$logdir/check-1" || fail "unexpected output: $(cat "$logdir/check-1")"
grep -q '^bulk.example: 20 greylisted .*; do not whitelist: 20 distinct addresses for 20 greylistings' \
	"$logdir/check-1" || fail "no do-not-whitelist verdict for bulk.example: $(cat "$logdir/check-1")"
echo bulk.example >>"$root/etc/greyscan/ignore"
in_root runuser -u nagios -- /usr/lib/nagios/plugins/check_greyscan -v \
	>"$logdir/check-2" 2>&1
st=$?
[ "$st" = 0 ] || fail "with bulk.example ignored, check_greyscan exited $st: $(cat "$logdir/check-2")"
grep -q '^bulk.example: .*; ignored by /etc/greyscan/ignore:[0-9]* (bulk.example)$' \
	"$logdir/check-2" || fail "bulk.example not shown as ignored: $(cat "$logdir/check-2")"
sed -i '/^bulk\.example$/d' "$root/etc/greyscan/ignore"
pass

# --- 6. the documented whitelisting: a domain's entry goes to
# postgrey's whitelist_clients.local, then postgrey is reloaded with the
# documented command for a system without systemd,
# kill -HUP "$(cat /run/postgrey.pid)". Pass: postgrey logs the reload and
# passes a new bulk.example client as whitelisted (DUNNO), which the
# summary counts; check_greyscan -v as nagios then exits 0 and names the
# new entry (file and line) as what covers bulk.example.
step=whitelist-and-reload
echo bulk.example >>"$root/etc/postgrey/whitelist_clients.local"
in_root sh -c 'kill -HUP "$(cat /run/postgrey.pid)"' ||
	fail "kill -HUP \"\$(cat /run/postgrey.pid)\" failed"
i=0
until grep -q 'postgrey\[[0-9]*\]: HUP received: reloading whitelists' "$root/var/log/mail.log"; do
	i=$((i + 1))
	[ "$i" -le 100 ] || fail "postgrey logged no reload within 10 s"
	sleep 0.1
done
bulk_requests 21 21 | policy reload
grep -qx DUNNO "$logdir/answers-reload" ||
	fail "after the reload postgrey answered '$(cat "$logdir/answers-reload")', not DUNNO"
write_summary
[ "$(domain_field bulk.example whitelisted)" = 1 ] || fail "the whitelisted pass was not counted"
in_root runuser -u nagios -- /usr/lib/nagios/plugins/check_greyscan -v \
	>"$logdir/check-3" 2>&1
st=$?
[ "$st" = 0 ] || fail "after whitelisting, check_greyscan exited $st: $(cat "$logdir/check-3")"
wl_line=$(grep -n -x bulk.example "$root/etc/postgrey/whitelist_clients.local" | cut -d: -f1)
grep -q "^bulk\.example: .*; whitelisted by /etc/postgrey/whitelist_clients\.local:$wl_line (bulk\.example)\$" \
	"$logdir/check-3" || fail "bulk.example not shown as whitelisted by line $wl_line: $(cat "$logdir/check-3")"
# The admin's file again as it was (purge compares the file list).
rm -f "$root/etc/postgrey/whitelist_clients.local"
pass

# --- 7. remove. Pass: rsyslogd -N1 accepts what is left, the running
# rsyslogd (restarted) no longer has omgreyscan loaded, the counts stay in
# /var/lib/greyscan; reinstalling brings the snippet back enabled and the
# counts with it.
step=remove
apt_root remove remove greyscan-common rsyslog-greyscan monitoring-plugins-greyscan greyscan
in_root rsyslogd -N1 >"$logdir/n1-remove.log" 2>&1 ||
	fail "rsyslogd -N1 after remove: $(cat "$logdir/n1-remove.log")"
pid=$(rsyslog_pid)
[ -r "$root/proc/$pid/maps" ] || fail "rsyslogd is not running after the remove"
! grep -q omgreyscan "$root/proc/$pid/maps" || fail "rsyslogd still has omgreyscan loaded"
[ -f "$root/var/lib/greyscan/summary.json.state" ] || fail "remove deleted the state"
apt_root reinstall install $(debs "$v2")
cmp -s "$root/etc/rsyslog.d/50-greyscan.conf" "$top/conf/rsyslog/50-greyscan.conf" ||
	fail "the reinstall did not bring /etc/rsyslog.d/50-greyscan.conf back"
write_summary
[ "$(domain_field bulk.example new)" = 20 ] || fail "counts lost across remove and reinstall"
pass

# --- 8. purge. Pass: after purging the four packages and apt's autoremove
# of what they pulled in, rsyslogd -N1 still passes, /var/lib/greyscan
# and /etc/greyscan are gone, and the root's file list (types, modes,
# owners) is the one before greyscan was installed, but for what installing
# icinga2-common added in step 4 and the directories that an installed
# package owns as well (icinga2-common's plugins-contrib.d, which
# monitoring-plugins-greyscan had made first).
step=purge
apt_root purge purge greyscan-common rsyslog-greyscan monitoring-plugins-greyscan greyscan
apt_root autoremove autoremove --purge
in_root rsyslogd -N1 >"$logdir/n1-purge.log" 2>&1 ||
	fail "rsyslogd -N1 after purge: $(cat "$logdir/n1-purge.log")"
for d in /var/lib/greyscan /etc/greyscan; do
	[ ! -e "$root$d" ] || fail "$d is still there after purge"
done
snapshot >"$logdir/files-after"
comm -13 "$logdir/files-monitoring-before" "$logdir/files-monitoring-after" \
	>"$logdir/files-monitoring-added"
comm -23 "$logdir/files-before" "$logdir/files-after" >"$logdir/files-missing"
comm -13 "$logdir/files-before" "$logdir/files-after" |
	comm -23 - "$logdir/files-monitoring-added" >"$logdir/files-extra-all"
: >"$logdir/files-extra"
while read -r path type rest; do
	p=${path#.}
	owners=$(in_root dpkg-query -S "$p" 2>/dev/null | sed -n "s|^\(.*\): $p\$|\1|p")
	if [ "$type" = d ] && [ -n "$owners" ]; then
		continue
	fi
	echo "$path $type $rest ${owners:+(owned by $owners)}" >>"$logdir/files-extra"
done <"$logdir/files-extra-all"
if [ -s "$logdir/files-missing" ] || [ -s "$logdir/files-extra" ]; then
	fail "the file list after purge differs from the one before install:" \
		"$(sed 's/^/missing: /' "$logdir/files-missing" | head -n 15)" \
		"$(sed 's/^/left: /' "$logdir/files-extra" | head -n 15)"
fi
pass
