# tests/lib.sh: shell helpers for tests that run a private rsyslogd.
#
# Source it from a test script (POSIX sh or bash):
#     . "$top_srcdir/tests/lib.sh"
#     gs_init                     # private work dir + cleanup trap
# `make check` exports top_srcdir, top_builddir, RSYSLOGD, PERL (absolute
# paths). Run by hand from the build directory, they default to the tree
# this file lives in and to the build directory "." .
#
# Exit codes, as the whole suite uses them: 0 pass, 1 fail, 99 hard error
# (the test could not run; never 77, a missing dependency is a failure).
#
# Setup and results
#   gs_init                 Creates the private work dir $GS_WORK (mktemp -d)
#                           and traps EXIT/INT/TERM to clean up: every daemon
#                           started with gs_rsyslog_start is stopped (by its
#                           own PID), commands added with gs_cleanup_add run,
#                           and $GS_WORK is removed (kept when GS_KEEP=1 or
#                           when the test failed, and its path printed).
#                           Sets $GS_SUMMARY_FILE to $GS_WORK/summary.json,
#                           the summary file gs_action names by default.
#   gs_cleanup_add CMD      Runs the shell command CMD at cleanup (LIFO).
#   gs_note MSG...          Progress message on stderr.
#   gs_fail MSG...          "FAIL: MSG" on stderr, prints the daemons' logs,
#                           exits 1.
#   gs_error MSG...         "ERROR: MSG" on stderr, exits 99.
#   gs_pass [MSG...]        "PASS: MSG" on stderr, exits 0.
#
# Scale of the stress tests (flood, kill9): GS_TEST_SCALE
#   full (default) or reduced. scripts/test.sh runs the sanitizer suite and
#   make distcheck reduced: the normal suite has run the full sizes on the
#   same code, and the reduced ones take every path of the full (a full
#   table, eviction, every kind of kill), at a fifth of the CPU (5 million
#   lines took 8 minutes under ASan).
#   gs_scale FULL REDUCED   Prints FULL, or REDUCED when GS_TEST_SCALE is
#                           reduced (any other value is a hard error as
#                           this file is sourced).
#
# Waiting (timeouts in seconds; GS_TIMEOUT_S, default 20, is the default)
#   gs_wait_for SECS WHAT CMD [ARG...]
#                           Runs CMD every 0.1 s until it succeeds; after
#                           SECS fails the test with "timeout waiting for
#                           WHAT".
#
# Private rsyslogd instances, each named by a short NAME (a word):
#   $GS_RSYSLOGD_WRAP       Words put before "$RSYSLOGD" when it is run (by
#                           gs_rsyslog_check and gs_rsyslog_start), e.g.
#                           "env LD_PRELOAD=..." for a sanitizer build or a
#                           valgrind command line; default empty.
#   $GS_GREYSCAN, $GS_CHECK The greyscan CLI and the check_greyscan plugin
#                           to run (default: the ones built in
#                           $top_builddir). Tests run them through these
#                           variables, so that a twin run can wrap them.
#   $GS_MODULE              The omgreyscan module to load (absolute .so path;
#                           default: the one built in $top_builddir).
#   $GS_RULEBASE            The rulebase to use (default: the source
#                           tree's rules/postgrey.rb).
#   gs_conf_head NAME       Prints the usual start of a config: work dir
#                           $GS_WORK/NAME.d, internal messages processed and
#                           written to $GS_WORK/NAME.internal, imtcp on
#                           127.0.0.1 with a port the kernel picks (read it
#                           with gs_port NAME), and module(load=$GS_MODULE).
#                           Options before NAME: --no-tcp (no imtcp input),
#                           --no-module (omgreyscan not loaded).
#   gs_action [NAME=VALUE | -NAME]...
#                           Prints the omgreyscan action of a test config, on
#                           one line: action(type="omgreyscan" ...) with the
#                           defaults summaryFile="$GS_SUMMARY_FILE",
#                           ruleBase="$GS_RULEBASE" and interval="1", then
#                           each other NAME=VALUE as NAME="VALUE", in the
#                           order given. NAME=VALUE for a default replaces
#                           it; -NAME leaves that default out (the module's
#                           own default applies: -interval is 60 s). A VALUE
#                           with '"' or '\' is an error. Made for the
#                           config's here-document:
#                               $(gs_action summaryFile="$sum" maxGroups=2)
#                           A config that must be wrong (a parameter test)
#                           writes its action itself.
#   gs_rsyslog_check CONF   Runs `rsyslogd -N1 -f CONF`; its output goes to
#                           $GS_WORK/check.out; returns rsyslogd's status.
#   gs_rsyslog_start NAME CONF [FILE...]
#                           Starts `rsyslogd -n -f CONF` in the background
#                           (pid file $GS_WORK/NAME.pid, stdout and stderr in
#                           $GS_WORK/NAME.out) and waits until it is ready:
#                           the pid file is written, the port file of
#                           gs_conf_head's input exists if CONF uses it, and
#                           every FILE given exists.
#   gs_port NAME            Prints the TCP port NAME's imtcp listens on.
#   gs_rsyslog_pid NAME     Prints NAME's PID.
#   gs_rsyslog_alive NAME   Succeeds while NAME runs.
#   gs_rsyslog_hup NAME     Sends SIGHUP.
#   gs_rsyslog_stop NAME    Sends SIGTERM, waits for the exit (fails the test
#                           after GS_TIMEOUT_S) and fails the test if
#                           rsyslogd exited with an error status.
#   gs_rsyslog_kill9 NAME   SIGKILL, for crash tests; waits for the exit.
#   gs_internal NAME        Prints NAME's internal messages so far.
#   gs_free_port            Prints a currently unused TCP port of 127.0.0.1
#                           (for inputs without a port file, e.g. imrelp).
#
# Sending syslog lines
#   gs_send_tcp PORT FILE   Sends FILE's lines (each a complete syslog line,
#                           LF-terminated) to 127.0.0.1:PORT over one TCP
#                           connection, plain LF framing.
#   gs_syslog_line HOST TAG TEXT [UNIXTIME]
#                           Prints one line as rsyslog's forwarding format
#                           writes it: "<22>RFC3339-UTC HOST TAG TEXT", with
#                           the current time by default. TAG is e.g.
#                           "postgrey[1234]:" (facility mail, notice).
#   $GS_PERL_PG             Perl code defining pgline(HOST, TEXT[, TIME]),
#                           which returns such a line (with "\n") for a
#                           postgrey message, tag "postgrey[4242]:". For
#                           generating many lines:
#                               "$PERL" -e "$GS_PERL_PG"' print pgline(...)'
#   gs_pg_action N ACTION REASON CLIENT_NAME CLIENT_ADDRESS
#                           Prints postgrey's message text of one decision
#                           (the part after the tag), N numbering the
#                           sender/recipient so lines differ.
#
# More conditions for gs_wait_for
#   gs_has_lines FILE N     Succeeds when FILE exists and has at least N
#                           lines (for gs_wait_for: e.g. an omfile action
#                           placed after omgreyscan shows which messages
#                           omgreyscan has already seen).
#   gs_port_open PORT       Succeeds when 127.0.0.1:PORT accepts a TCP
#                           connection (for gs_wait_for).
#
# A reproducible mix of postgrey lines with known expected counts
#   gs_pg_mix LINES EXPECT N [HOSTS] [START]
#                           Writes N syslog lines to LINES (decisions of all
#                           seven kinds for five sender domains and for
#                           "unknown" clients of 198.51.100.0/24, some with a
#                           queue id or without sender, plus whitelisted:
#                           lines, which are ignored, and lines that are not
#                           postgrey's, which are unparsed), reported by the
#                           hosts in HOSTS (a space separated list, default
#                           "mx1"), time stamps now. START (default 0) shifts
#                           the pattern so that two mixes differ. EXPECT gets
#                           the counts greyscan must report, as JSON:
#                           {"totals":{...}, "domains":{D:{counter:n,...,
#                           "hosts":{H:n}}}}.
#   gs_expect_add OUT A B   Writes the sum of expectation files A and B.
#   gs_check_summary SUMMARY EXPECT [quiet]
#                           Compares the summary file with an expectation:
#                           the totals named there, the set of domains, each
#                           domain's counters and per-host counts must be
#                           equal. Prints the differences (unless quiet) and
#                           fails when there are any.
#
# Reading the JSON summary (Perl's JSON::PP; no other tool needed)
#   gs_json FILE EXPR       Prints the Perl expression EXPR evaluated with $j
#                           bound to FILE's decoded JSON, e.g.
#                           gs_json sum.json '$j->{totals}{actions}'.
#                           Fails (status 1, no output) when FILE is
#                           missing or not valid JSON.
#   gs_domain_count FILE DOMAIN COUNTER
#                           Prints COUNTER ("new", "passed", ...) of DOMAIN in
#                           the summary FILE, 0 when the domain is absent.
#   gs_json_is FILE EXPR VALUE
#                           Succeeds when gs_json FILE EXPR prints VALUE:
#                           made for gs_wait_for.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
: "${RSYSLOGD:=/usr/sbin/rsyslogd}"
: "${PERL:=perl}"
# A sanitizer build restores large state files several times slower.
if [ -n "${GS_SANITIZER_LOGDIR:-}" ]; then
	: "${GS_TIMEOUT_S:=60}"
fi
: "${GS_TIMEOUT_S:=20}"

: "${GS_MODULE:=$top_builddir/plugins/omgreyscan/.libs/omgreyscan.so}"
: "${GS_RSYSLOGD_WRAP:=}"
: "${GS_GREYSCAN:=$top_builddir/src/greyscan}"
: "${GS_CHECK:=$top_builddir/plugins/check_greyscan/check_greyscan}"
: "${GS_RULEBASE:=$top_srcdir/rules/postgrey.rb}"
GS_WORK=
GS_SUMMARY_FILE=
GS_DAEMONS=
GS_CLEANUP=
GS_FAILED=0

gs_note() {
	echo "$(basename "$0"): $*" >&2
}

gs_error() {
	echo "ERROR: $(basename "$0"): $*" >&2
	GS_FAILED=1
	exit 99
}

gs_dump_logs() {
	# GS_SANITIZER_LOGDIR: reports of a sanitizer build (tests/sanitizers)
	for _f in "$GS_WORK"/*.out "$GS_WORK"/*.internal \
		${GS_SANITIZER_LOGDIR:+"$GS_SANITIZER_LOGDIR"/*}; do
		[ -s "$_f" ] || continue
		echo "---- $_f" >&2
		case $_f in
		"$GS_WORK"/*) tail -n 30 "$_f" >&2 ;;
		*) head -n 40 "$_f" >&2 ;; # a report starts with what matters
		esac
	done
}

gs_fail() {
	echo "FAIL: $(basename "$0"): $*" >&2
	GS_FAILED=1
	[ -n "$GS_WORK" ] && gs_dump_logs
	exit 1
}

gs_pass() {
	echo "PASS: $(basename "$0")${1:+: $*}" >&2
	exit 0
}

gs_cleanup_add() {
	GS_CLEANUP="$1
$GS_CLEANUP"
}

gs_cleanup() {
	_rc=$?
	trap - EXIT INT TERM
	for _n in $GS_DAEMONS; do
		_p=$(cat "$GS_WORK/$_n.bgpid" 2>/dev/null) || continue
		kill -TERM "$_p" 2>/dev/null && gs_reap "$_p" 50
		kill -KILL "$_p" 2>/dev/null
	done
	if [ -n "$GS_CLEANUP" ]; then
		# An if, not "&&": the empty last line must not make the loop
		# fail, which would end a "set -e" script here with status 1.
		echo "$GS_CLEANUP" | while IFS= read -r _c; do
			if [ -n "$_c" ]; then eval "$_c"; fi
		done
	fi
	if [ -n "$GS_WORK" ] && [ -d "$GS_WORK" ]; then
		if [ "${GS_KEEP:-0}" = 1 ] || [ "$GS_FAILED" = 1 ] ||
			[ "$_rc" != 0 ]; then
			echo "$(basename "$0"): work dir kept: $GS_WORK" >&2
		else
			rm -rf "$GS_WORK"
		fi
	fi
	exit "$_rc"
}

gs_init() {
	[ -x "$RSYSLOGD" ] || gs_error "rsyslogd not found ($RSYSLOGD)"
	"$PERL" -MJSON::PP -MIO::Socket::INET -e 1 ||
		gs_error "perl with JSON::PP and IO::Socket::INET needed"
	GS_WORK=$(mktemp -d "${TMPDIR:-/tmp}/greyscan-test.XXXXXX") ||
		gs_error "mktemp failed"
	GS_SUMMARY_FILE=$GS_WORK/summary.json
	trap gs_cleanup EXIT
	trap 'exit 99' INT TERM
}

# Waits up to TENTHS tenths of a second for process PID to go away.
gs_reap() {
	_i=0
	while kill -0 "$1" 2>/dev/null; do
		_i=$((_i + 1))
		[ "$_i" -gt "$2" ] && return 1
		sleep 0.1
	done
	wait "$1" 2>/dev/null
	return 0
}

# Checked here, where a hard error ends the test: gs_scale runs in $(...).
case ${GS_TEST_SCALE:-full} in
full | reduced) ;;
*) gs_error "GS_TEST_SCALE=$GS_TEST_SCALE: expected full or reduced" ;;
esac

gs_scale() {
	if [ "${GS_TEST_SCALE:-full}" = reduced ]; then
		echo "$2"
	else
		echo "$1"
	fi
}

gs_wait_for() {
	_secs=$1
	_what=$2
	shift 2
	_end=$(($(date +%s) + _secs))
	while ! "$@"; do
		[ "$(date +%s)" -ge "$_end" ] &&
			gs_fail "timeout after ${_secs}s waiting for $_what"
		sleep 0.1
	done
}

gs_conf_head() {
	_tcp=1
	_mod=1
	while :; do
		case $1 in
		--no-tcp) _tcp=0 ;;
		--no-module) _mod=0 ;;
		*) break ;;
		esac
		shift
	done
	_n=$1
	mkdir -p "$GS_WORK/$_n.d"
	cat <<EOF
global(workDirectory="$GS_WORK/$_n.d" processInternalMessages="on"${GS_RSYSLOG_GLOBAL:+ $GS_RSYSLOG_GLOBAL})
# rsyslogd's own messages (also the module's errors) go to a file.
if \$programname startswith 'rsyslogd' then {
	action(type="omfile" file="$GS_WORK/$_n.internal")
	stop
}
EOF
	if [ "$_tcp" = 1 ]; then
		cat <<EOF
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="0"
	listenPortFileName="$GS_WORK/$_n.port")
EOF
	fi
	if [ "$_mod" = 1 ]; then
		echo "module(load=\"$GS_MODULE\")"
	fi
}

# The defaults of gs_action, NAME=VALUE a line, in the order printed.
gs_action_defaults() {
	echo "summaryFile=$GS_SUMMARY_FILE"
	echo "ruleBase=$GS_RULEBASE"
	echo "interval=1"
}

# Succeeds when NAME is one of gs_action's defaults.
gs_action_is_default() {
	gs_action_defaults | grep -q "^$1="
}

gs_action() {
	[ -n "$GS_SUMMARY_FILE" ] || gs_error "gs_action before gs_init"
	for _ga_a in "$@"; do
		case $_ga_a in
		*\"* | *\\*) gs_error "gs_action: quote or backslash in $_ga_a" ;;
		-*) gs_action_is_default "${_ga_a#-}" ||
			gs_error "gs_action: $_ga_a: no such default" ;;
		[A-Za-z]*=*) ;;
		*) gs_error "gs_action: $_ga_a: neither NAME=VALUE nor -NAME" ;;
		esac
	done
	_ga_line='action(type="omgreyscan"'
	# The defaults, each replaced or left out as the arguments say.
	for _ga_d in $(gs_action_defaults | sed 's/=.*//'); do
		_ga_v=$(gs_action_defaults | sed -n "s/^$_ga_d=//p")
		_ga_keep=1
		for _ga_a in "$@"; do
			case $_ga_a in
			"-$_ga_d") _ga_keep=0 ;;
			"$_ga_d="*) _ga_keep=1 _ga_v=${_ga_a#*=} ;;
			esac
		done
		if [ "$_ga_keep" = 1 ]; then
			_ga_line="$_ga_line $_ga_d=\"$_ga_v\""
		fi
	done
	for _ga_a in "$@"; do
		case $_ga_a in
		-*) continue ;;
		esac
		if ! gs_action_is_default "${_ga_a%%=*}"; then
			_ga_line="$_ga_line ${_ga_a%%=*}=\"${_ga_a#*=}\""
		fi
	done
	echo "$_ga_line)"
}

gs_rsyslog_check() {
	# shellcheck disable=SC2086 # GS_RSYSLOGD_WRAP is a word list
	$GS_RSYSLOGD_WRAP "$RSYSLOGD" -N1 -f "$1" >"$GS_WORK/check.out" 2>&1
}

gs_rsyslog_start() {
	_n=$1
	_conf=$2
	shift 2
	[ -f "$GS_MODULE" ] || gs_error "module not built: $GS_MODULE"
	rm -f "$GS_WORK/$_n.pid" "$GS_WORK/$_n.port"
	# shellcheck disable=SC2086 # GS_RSYSLOGD_WRAP is a word list
	$GS_RSYSLOGD_WRAP "$RSYSLOGD" -n -f "$_conf" -i "$GS_WORK/$_n.pid" \
		>>"$GS_WORK/$_n.out" 2>&1 &
	echo $! >"$GS_WORK/$_n.bgpid"
	GS_DAEMONS="$GS_DAEMONS $_n"
	gs_wait_for "$GS_TIMEOUT_S" "rsyslogd $_n to start" \
		gs_ready "$_n" "$_conf" "$@"
}

gs_ready() {
	_n=$1
	_conf=$2
	shift 2
	gs_rsyslog_alive "$_n" || gs_fail "rsyslogd $_n exited at start"
	[ -s "$GS_WORK/$_n.pid" ] || return 1
	if grep -q "$GS_WORK/$_n.port" "$_conf"; then
		[ -s "$GS_WORK/$_n.port" ] || return 1
	fi
	for _f in "$@"; do
		[ -e "$_f" ] || return 1
	done
	return 0
}

gs_port() {
	cat "$GS_WORK/$1.port"
}

gs_rsyslog_pid() {
	cat "$GS_WORK/$1.bgpid"
}

gs_rsyslog_alive() {
	kill -0 "$(gs_rsyslog_pid "$1")" 2>/dev/null
}

gs_rsyslog_hup() {
	kill -HUP "$(gs_rsyslog_pid "$1")" || gs_fail "cannot HUP $1"
}

gs_forget_daemon() {
	_keep=
	for _d in $GS_DAEMONS; do
		[ "$_d" = "$1" ] || _keep="$_keep $_d"
	done
	GS_DAEMONS=$_keep
}

gs_rsyslog_stop() {
	_p=$(gs_rsyslog_pid "$1")
	kill -TERM "$_p" 2>/dev/null || gs_fail "rsyslogd $1 was not running"
	_i=0
	while kill -0 "$_p" 2>/dev/null; do
		_i=$((_i + 1))
		[ "$_i" -gt $((GS_TIMEOUT_S * 10)) ] &&
			gs_fail "rsyslogd $1 did not stop within ${GS_TIMEOUT_S}s"
		sleep 0.1
	done
	wait "$_p"
	_st=$?
	gs_forget_daemon "$1"
	[ "$_st" = 0 ] || gs_fail "rsyslogd $1 exited with status $_st"
}

gs_rsyslog_kill9() {
	_p=$(gs_rsyslog_pid "$1")
	kill -KILL "$_p" || gs_fail "rsyslogd $1 was not running"
	wait "$_p" 2>/dev/null
	gs_forget_daemon "$1"
}

gs_internal() {
	cat "$GS_WORK/$1.internal" 2>/dev/null
}

gs_free_port() {
	"$PERL" -MIO::Socket::INET -e '
		my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1",
			LocalPort => 0, Proto => "tcp", Listen => 1)
			or die "bind: $!\n";
		print $s->sockport, "\n";'
}

gs_send_tcp() {
	"$PERL" -MIO::Socket::INET -e '
		my ($port, $file) = @ARGV;
		my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1",
			PeerPort => $port, Proto => "tcp")
			or die "connect to port $port: $!\n";
		open(my $f, "<", $file) or die "$file: $!\n";
		while (<$f>) { print $s $_ or die "send: $!\n"; }
		close($s) or die "close: $!\n";' "$1" "$2" ||
		gs_fail "sending $2 to port $1 failed"
}

GS_PERL_PG='
use POSIX qw(strftime);
sub pgline {
	my ($host, $text, $t) = @_;
	$t = time() unless defined $t;
	return "<22>" . strftime("%Y-%m-%dT%H:%M:%S+00:00", gmtime($t)) .
		" $host postgrey[4242]: $text\n";
}
'

gs_syslog_line() {
	"$PERL" -e "$GS_PERL_PG"'
		my ($host, $tag, $text, $t) = @ARGV;
		my $l = pgline($host, $text, $t);
		$l =~ s/ postgrey\[4242\]: / $tag /;
		print $l;' "$@"
}

gs_pg_action() {
	printf 'action=%s, reason=%s, client_name=%s, client_address=%s, sender=s%s@%s, recipient=r%s@example.net\n' \
		"$2" "$3" "$4" "$5" "$1" "$4" "$1"
}

gs_json() {
	"$PERL" -MJSON::PP -e '
		my ($file, $expr) = @ARGV;
		open(my $f, "<", $file) or exit 1;
		local $/;
		my $j = eval { JSON::PP->new->decode(<$f>) } or exit 1;
		my $v = eval $expr;
		die "bad expression $expr: $@" if $@;
		print defined $v ? "$v\n" : "\n";' "$1" "$2" 2>/dev/null
}

gs_domain_count() {
	gs_json "$1" '
		my ($d) = grep { $_->{domain} eq "'"$2"'" } @{$j->{domains}};
		$d ? $d->{"'"$3"'"} : 0'
}

gs_json_is() {
	[ "$(gs_json "$1" "$2")" = "$3" ]
}

gs_has_lines() {
	[ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ]
}

gs_port_open() {
	"$PERL" -MIO::Socket::INET -e '
		IO::Socket::INET->new(PeerAddr => "127.0.0.1",
			PeerPort => $ARGV[0], Proto => "tcp") or exit 1;' "$1"
}

gs_pg_mix() {
	"$PERL" -MJSON::PP -e "$GS_PERL_PG"'
	my ($lines, $expect, $n, $hosts, $start) = @ARGV;
	my @hosts = split(" ", $hosts || "mx1");
	$start ||= 0;
	# group, client name pattern, address pattern
	my @dom = (
		["outlook.com", "mail-%d.outbound.protection.outlook.com",
		 "40.107.%d.%d"],
		["google.com", "mail-yw1-f%d.google.com", "209.85.%d.%d"],
		["example.co.uk", "mx%d.eu.example.co.uk", "203.0.113.%2\$d"],
		["sendgrid.net", "o%d.ptr.sendgrid.net", "167.89.%d.%d"],
		["amazonses.com", "a%d-7.smtp-out.amazonses.com",
		 "54.240.%d.%d"],
		["[198.51.100.0/24]", "unknown", "198.51.100.%2\$d"],
	);
	my @ctr = (
		["new", "action=greylist, reason=new"],
		["early_retry", "action=greylist, reason=early-retry (%ds missing)"],
		["delayed", "action=pass, reason=triplet found, delay=%d"],
		["passed", "action=pass, reason=triplet found"],
		["whitelisted", "action=pass, reason=client whitelist"],
		["recipient_whitelisted", "action=pass, reason=recipient whitelist"],
		["awl", "action=pass, reason=client AWL"],
	);
	my %e = (totals => {lines => 0, actions => 0, unparsed => 0,
		ignored => 0, map { ($_->[0] => 0) } @ctr}, domains => {});
	open(my $out, ">", $lines) or die "$lines: $!\n";
	for my $k ($start .. $start + $n - 1) {
		my $host = $hosts[int($k / 3) % @hosts];
		my $d = $dom[($k * 7 + int($k / 8)) % @dom];
		my $name = sprintf($d->[1], $k % 500);
		my $addr = sprintf($d->[2], $k % 200, 1 + $k % 250);
		my $text;
		$e{totals}{lines}++;
		if ($k % 53 == 0) {
			$text = "whitelisted: $name\[$addr]";
			$e{totals}{ignored}++;
		} elsif ($k % 61 == 0) {
			$text = "not a line postgrey writes, number $k";
			$e{totals}{unparsed}++;
		} else {
			my $c = $ctr[(int($k / 6) + $k % 5) % @ctr];
			$text = sprintf($c->[1], 1 + $k % 400);
			$text .= ", client_name=$name, client_address=$addr";
			$text .= ", sender=user$k\@sender.example" if $k % 11;
			$text .= ", recipient=rcpt$k\@example.net";
			$text = sprintf("%X: ", 0x4373477A3B + $k) . $text
				if $k % 5 == 0;
			$e{totals}{actions}++;
			$e{totals}{$c->[0]}++;
			my $g = ($e{domains}{$d->[0]} ||=
				{hosts => {}, map { ($_->[0] => 0) } @ctr});
			$g->{$c->[0]}++;
			$g->{hosts}{$host}++;
		}
		my $l = pgline($host, $text);
		print $out $l or die "$lines: $!\n";
	}
	close($out) or die "$lines: $!\n";
	open(my $x, ">", $expect) or die "$expect: $!\n";
	print $x JSON::PP->new->canonical->encode(\%e);
	close($x) or die "$expect: $!\n";' "$@" || gs_error "gs_pg_mix failed"
}

gs_expect_add() {
	"$PERL" -MJSON::PP -e '
	my ($out, @in) = @ARGV;
	my %s = (totals => {}, domains => {});
	for my $f (@in) {
		open(my $h, "<", $f) or die "$f: $!\n";
		local $/;
		my $e = decode_json(<$h>);
		$s{totals}{$_} += $e->{totals}{$_} for keys %{$e->{totals}};
		for my $d (keys %{$e->{domains}}) {
			my $g = $e->{domains}{$d};
			for (keys %$g) {
				if ($_ eq "hosts") {
					$s{domains}{$d}{hosts}{$_} += $g->{hosts}{$_}
						for keys %{$g->{hosts}};
				} else {
					$s{domains}{$d}{$_} += $g->{$_};
				}
			}
		}
	}
	open(my $o, ">", $out) or die "$out: $!\n";
	print $o JSON::PP->new->canonical->encode(\%s);
	close($o) or die "$out: $!\n";' "$@" || gs_error "gs_expect_add failed"
}

gs_check_summary() {
	"$PERL" -MJSON::PP -e '
	my ($sfile, $efile, $quiet) = @ARGV;
	sub slurp { open(my $h, "<", $_[0]) or return undef; local $/;
		return eval { decode_json(<$h>) }; }
	my $s = slurp($sfile) or do {
		print "summary $sfile missing or not JSON\n" unless $quiet;
		exit 1 };
	my $e = slurp($efile) or die "expectation $efile unreadable\n";
	my @bad;
	for my $k (sort keys %{$e->{totals}}) {
		my $got = $s->{totals}{$k} // "missing";
		push @bad, "totals.$k: got $got, want $e->{totals}{$k}"
			if $got ne $e->{totals}{$k};
	}
	my %got = map { ($_->{domain} => $_) } @{$s->{domains} || []};
	for my $d (sort keys %{$e->{domains}}) {
		my $g = $got{$d} or do {
			push @bad, "domain $d missing"; next };
		my $w = $e->{domains}{$d};
		for my $k (sort grep { $_ ne "hosts" } keys %$w) {
			push @bad, "$d.$k: got $g->{$k}, want $w->{$k}"
				if ($g->{$k} // -1) != $w->{$k};
		}
		my %h = (%{$w->{hosts} || {}}, %{$g->{hosts} || {}});
		for my $h (sort keys %h) {
			my ($a, $b) = ($g->{hosts}{$h} // 0,
				$w->{hosts}{$h} // 0);
			push @bad, "$d.hosts.$h: got $a, want $b" if $a != $b;
		}
	}
	for my $d (sort keys %got) {
		push @bad, "unexpected domain $d"
			unless exists $e->{domains}{$d};
	}
	exit 0 unless @bad;
	print map { "  $_\n" } @bad unless $quiet;
	exit 1;' "$@"
}
