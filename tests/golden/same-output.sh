#!/bin/sh
# same-output.sh: every program's output on fixed inputs, compared byte for
# byte with the files the code before the core's restructuring wrote
# (tests/golden/data/, made at commit d271632). The restructuring must not
# change behaviour; this test is where a change shows.
#
# Inputs (NAME: where it comes from)
#   corpus-syslog  tests/data/postgrey/corpus-1.37.log (the real postgrey
#                  1.37, syslog path)
#   corpus-stderr  tests/data/postgrey/corpus-1.37-stderr.log (the same,
#                  standard error path)
#   sample         examples/sample-mail.log (the demo log: postfix and
#                  postgrey lines of two MX hosts)
#   genlog         `bench/genlog -n 200000 -s 1 -H mx1,mx2`, made again on
#                  every run and never committed: genlog's output depends
#                  on its options only (own PRNG, no libm, no clock), the
#                  same on every machine; NAME.input.sha256 pins it, so a
#                  change in genlog shows as such.
# together with tests/golden/whitelist_clients and tests/golden/ignore.
#
# Outputs, each compared with tests/golden/data/NAME.OUTPUT (genlog's
# JSON and state files gzipped, as .gz: they are several hundred KB):
#   input.sha256         sha256sum of the input
#   scan.summary.json    the summary file of `greyscan scan -o`
#   scan.stdout.txt      the report greyscan scan prints
#   scan.report.txt      `greyscan report` of that summary
#   scan.report.json     `greyscan report --json --limit 0`
#   scan.suggest.txt     `greyscan suggest` with the whitelist, the ignore
#                        file and a fixed threshold
#   scan.check.txt       `check_greyscan -v` with the same files and fixed
#                        thresholds
#   module.summary.json  the summary the rsyslog module wrote at shutdown:
#                        the real rsyslogd with the built omgreyscan
#                        (default parameters but interval="1", so that
#                        the test can see when all is counted), the
#                        input's lines sent over TCP, then SIGTERM
#   module.state         the module's state file (summaryFile.state)
#   module.report.txt, module.report.json, module.suggest.txt,
#   module.check.txt     as above, of the module's summary
#   status.txt           the exit status and standard error of every
#                        program run above, in order, and the permissions
#                        of the summary and state files
#
# What is made fixed rather than normalised: TZ=UTC (traditional
# timestamps are local time); each input's modification time (greyscan
# scan infers the year of traditional timestamps from it); the clock, by
# libfaketime (Debian package faketime): frozen at 2026-12-01T00:00:00Z for
# greyscan and check_greyscan (the summary's "generated", suggest's "on
# DATE", check_greyscan's age read the clock), and running on from a fixed
# start for rsyslogd, after the input's last line and less than the
# window (7 days) after its first (the module takes the reception time
# instead of a line's own time when that lies outside the window counted
# back from reception, which the real clock makes true of old inputs);
# relative paths in the outputs (everything runs in the work directory);
# one TCP connection and one main queue worker (the order of arrival).
#
# Normalised, because they are volatile even so, and nothing else:
#   module.summary.json  "generated": the wall clock of the module's last
#                        write, the fake start plus however long the run
#                        took. Replaced by 2026-12-01T00:00:00Z (the
#                        frozen clock), in place; every other byte stays.
#                        The module.* reports are made from this file.
#   module.state         the order of the group lines: the tally's hash
#                        table order, which a random per-process seed
#                        decides (lib/tally.c). Sorted by kind and name;
#                        each line's bytes, the pair lines after them, the
#                        header and the trailer stay as written.
#
# Pass (0): every output equals its fixture, and no fixture is left
# without an output. Fail (1): any difference, printed as a diff (JSON
# pretty-printed with sorted members for reading; equality itself is byte
# for byte). Error (99): rsyslogd, perl with JSON::PP, libfaketime or a
# built program is missing or cannot run (never a skip).
#
# Regenerating the fixtures, from a build directory (`make all` first):
#     make update-golden
# or  sh ../tests/golden/same-output.sh --update
# WARNING: only when a change of behaviour is intended, and say so in the
# commit: regenerating makes this test pass whatever the code now does.
# Never to make it pass during a refactoring. The list of fixtures is
# written out in tests/golden/Makefile.inc (EXTRA_DIST).
#
# Environment: top_srcdir, top_builddir, RSYSLOGD, PERL (set by make
# check; see tests/lib.sh), GS_LIBFAKETIME (libfaketimeMT.so.1 to
# preload; default: found under /usr/lib), GS_KEEP=1 keeps the work dir.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
# lib.sh sets top_builddir (default: the current directory).
: "${top_builddir:?}"

update=0
case $# in
0) ;;
1) [ "$1" = --update ] || gs_error "usage: same-output.sh [--update]"
	update=1 ;;
*) gs_error "usage: same-output.sh [--update]" ;;
esac

golden=$top_srcdir/tests/golden
data=$golden/data
GENLOG=$top_builddir/bench/genlog
GENLOG_ARGS="-n 200000 -s 1 -H mx1,mx2"
# 2026-12-01T00:00:00Z: the frozen clock of greyscan and check_greyscan.
CLI_CLOCK=1796083200
CLI_CLOCK_ISO=2026-12-01T00:00:00Z
# Per input NAME:START:THRESHOLD. START (2026-11-28T00:00:00Z,
# 2026-11-21T00:00:00Z) is the input's modification time and rsyslogd's
# clock at start: after the input's last line, and within the window
# (7 days) after its first. THRESHOLD: greylistings that make a candidate
# (suggest -t, check_greyscan -n); 15, the default, for genlog, whose
# hundreds of small groups would otherwise fill the fixtures.
INPUTS="corpus-syslog:1795824000:3 corpus-stderr:1795824000:3
	sample:1795219200:3 genlog:1795219200:15"
# check_greyscan's thresholds: WARNING from 2 candidates, CRITICAL from 6.
CHECK_ARGS="-w 1 -c 5"

gs_init

# ---- The clock ----

find_faketime() {
	if [ -n "${GS_LIBFAKETIME:-}" ]; then
		echo "$GS_LIBFAKETIME"
		return
	fi
	for _f in /usr/lib/*/faketime/libfaketimeMT.so.1 \
		/usr/lib/faketime/libfaketimeMT.so.1; do
		[ -f "$_f" ] && echo "$_f" && return
	done
}

FAKETIME_LIB=$(find_faketime)
if [ -z "$FAKETIME_LIB" ] || [ ! -f "$FAKETIME_LIB" ]; then
	gs_error "libfaketime not found (apt-get install faketime, or set GS_LIBFAKETIME)"
fi
case $FAKETIME_LIB in
*[!A-Za-z0-9_./+-]*) gs_error "unsafe characters in $FAKETIME_LIB" ;;
esac
FAKE_ENV="TZ=UTC FAKETIME_FMT=%s FAKETIME_DONT_FAKE_MONOTONIC=1 NO_FAKE_STAT=1"
[ "$(env FAKETIME_FMT=%s FAKETIME="$CLI_CLOCK" LD_PRELOAD="$FAKETIME_LIB" \
	date +%s)" = "$CLI_CLOCK" ] ||
	gs_error "libfaketime ($FAKETIME_LIB) does not set the clock"

# A sanitizer build (tests/sanitizers/run-test.sh) preloads its runtimes:
# they must stay first. ASan's allocator reads the clock, under its lock,
# for releasing memory to the system: with libfaketime, whose first
# clock_gettime allocates, that deadlocks. Turned off for these processes
# (ignored by programs without ASan).
# shellcheck disable=SC2086 # unquoted: squeezes the blanks
_san=$(echo ${GS_SANITIZER_PRELOAD:-} | tr ' ' ':')
PRELOAD=${_san:+$_san:}$FAKETIME_LIB
ASAN_FIX=allocator_release_to_os_interval_ms=-1

# Runs a command with the frozen clock.
frozen() {
	# shellcheck disable=SC2086 # FAKE_ENV is a word list
	env $FAKE_ENV FAKETIME="$CLI_CLOCK" LD_PRELOAD="$PRELOAD" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}$ASAN_FIX" "$@"
}

# rsyslogd's wrapper: the fake clock starting at $1. The LD_PRELOAD and
# ASAN_OPTIONS of a wrapper (a sanitizer build's) get libfaketime and
# ASAN_FIX appended; without them they are set before the wrapper.
rsyslogd_wrap() {
	_w=$GS_RSYSLOGD_WRAP
	_pre=LD_PRELOAD=$FAKETIME_LIB
	_asan=ASAN_OPTIONS=$ASAN_FIX
	case $_w in
	*LD_PRELOAD=*)
		_w=$(printf '%s\n' "$_w" |
			sed "s|LD_PRELOAD=\([^[:space:]]*\)|LD_PRELOAD=\1:$FAKETIME_LIB|")
		_pre= ;;
	esac
	case $_w in
	*ASAN_OPTIONS=*)
		_w=$(printf '%s\n' "$_w" |
			sed "s|ASAN_OPTIONS=\([^[:space:]]*\)|ASAN_OPTIONS=\1:$ASAN_FIX|")
		_asan= ;;
	esac
	echo "env $FAKE_ENV FAKETIME=@$1 $_asan $_pre $_w"
}

# ---- Running the programs ----

# pin NAME LABEL OUTPUT COMMAND...: runs COMMAND with the frozen clock in
# the work dir, standard output to out/NAME.OUTPUT; its exit status and
# standard error go to out/NAME.status.txt under LABEL.
pin() {
	_name=$1
	_label=$2
	_out=out/$_name.$3
	shift 3
	_st=0
	frozen "$@" >"$_out" 2>"$GS_WORK/stderr" || _st=$?
	{
		echo "$_label: exit status $_st"
		sed 's/^/  stderr: /' "$GS_WORK/stderr"
	} >>"out/$_name.status.txt"
}

# modes NAME LABEL FILE: FILE's permissions, into out/NAME.status.txt.
modes() {
	_m=$(stat -c %a "$3") || gs_fail "$2 of $1 missing: $3"
	echo "$2: mode $_m" >>"out/$1.status.txt"
}

# derived NAME SIDE THRESHOLD: report, JSON report, suggestions and check
# of out/NAME.SIDE.summary.json.
derived() {
	_s=out/$1.$2.summary.json
	pin "$1" "$2 report" "$2.report.txt" "$GS_GREYSCAN" report "$_s"
	pin "$1" "$2 report --json" "$2.report.json" \
		"$GS_GREYSCAN" report --json --limit 0 "$_s"
	pin "$1" "$2 suggest" "$2.suggest.txt" "$GS_GREYSCAN" suggest \
		-W whitelist_clients -i ignore -t "$3" "$_s"
	# shellcheck disable=SC2086 # CHECK_ARGS is a word list
	pin "$1" "$2 check_greyscan" "$2.check.txt" "$GS_CHECK" -s "$_s" \
		-W whitelist_clients -i ignore -n "$3" $CHECK_ARGS -v
}

# make_input NAME START: in/NAME.log with modification time START.
make_input() {
	_in=in/$1.log
	case $1 in
	corpus-syslog) cp "$top_srcdir/tests/data/postgrey/corpus-1.37.log" "$_in" ;;
	corpus-stderr) cp "$top_srcdir/tests/data/postgrey/corpus-1.37-stderr.log" "$_in" ;;
	sample) cp "$top_srcdir/examples/sample-mail.log" "$_in" ;;
	genlog)
		[ -x "$GENLOG" ] || gs_error "not built: $GENLOG"
		# shellcheck disable=SC2086 # GENLOG_ARGS is a word list
		"$GENLOG" $GENLOG_ARGS -o "$_in" 2>"$GS_WORK/stderr" ||
			gs_error "genlog failed: $(cat "$GS_WORK/stderr")" ;;
	esac || gs_error "cannot copy input $1"
	touch -d "@$2" "$_in" || gs_error "touch $_in"
	sha256sum "$_in" >"out/$1.input.sha256" || gs_error "sha256sum $_in"
}

scan_side() {
	_s=out/$1.scan.summary.json
	pin "$1" "scan" scan.stdout.txt "$GS_GREYSCAN" scan -r "$GS_RULEBASE" \
		-o "$_s" "in/$1.log"
	[ -s "$_s" ] || gs_fail "greyscan scan wrote no summary for $1"
	modes "$1" "scan summary" "$_s"
	derived "$1" scan "$2"
}

# ---- The module ----

# One worker on the main queue (rsyslog's default is two): the messages
# reach the action in the order sent, which decides the order of the
# examples and of a group's entries in the state file.
module_conf() {
	gs_conf_head "rs-$1"
	cat <<EOF
main_queue(queue.workerThreads="1")
if \$programname == 'postgrey' then
	action(type="omgreyscan" summaryFile="$GS_WORK/mod-$1/summary.json"
		ruleBase="$GS_RULEBASE" interval="1")
EOF
}

# module_run NAME START: the module counts in/NAME.log with rsyslogd's
# clock starting at START; the summary and state written at shutdown are
# left in mod-NAME/.
module_run() {
	_conf=$GS_WORK/$1.conf
	_sum=$GS_WORK/mod-$1/summary.json
	mkdir -p "$GS_WORK/mod-$1"
	module_conf "$1" >"$_conf"
	gs_rsyslog_check "$_conf" ||
		gs_error "rsyslogd rejects $_conf: $(cat "$GS_WORK/check.out")"
	# Each line becomes a syslog message (facility mail, notice) of one
	# TCP connection, as the demo sends them.
	"$PERL" -pe 's/^/<22>/' "in/$1.log" >"$GS_WORK/$1.feed" ||
		gs_error "cannot write $1.feed"
	_want=$(grep -c ' postgrey\[' "in/$1.log")
	_wrap=$GS_RSYSLOGD_WRAP
	GS_RSYSLOGD_WRAP=$(rsyslogd_wrap "$2")
	gs_rsyslog_start "rs-$1" "$_conf" "$_sum"
	GS_RSYSLOGD_WRAP=$_wrap
	gs_send_tcp "$(gs_port "rs-$1")" "$GS_WORK/$1.feed"
	# shellcheck disable=SC2016 # a Perl expression
	gs_wait_for $((GS_TIMEOUT_S * 3)) "the module to count $_want lines of $1" \
		gs_json_is "$_sum" '$j->{totals}{lines}' "$_want"
	gs_rsyslog_stop "rs-$1"
}

# Replaces the summary's "generated" time (exactly one) by the frozen
# clock's, leaving every other byte as it is.
normalise_summary() {
	# shellcheck disable=SC2016 # Perl code
	"$PERL" -e '
		my ($in, $out, $iso) = @ARGV;
		open(my $f, "<", $in) or die "$in: $!\n";
		binmode $f;
		local $/;
		my $s = <$f>;
		my $re = qr/"generated":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"/;
		my $n = () = $s =~ /$re/g;
		die "$in: $n \"generated\" times, expected 1\n" unless $n == 1;
		$s =~ s/$re/"generated":"$iso"/;
		open(my $o, ">", $out) or die "$out: $!\n";
		binmode $o;
		print $o $s or die "$out: $!\n";
		close($o) or die "$out: $!\n";' "$1" "$2" "$CLI_CLOCK_ISO"
}

# Sorts the group lines of a state file (all but the first and the last
# line, and the pair lines of version 3 after them) by kind and name; the
# lines themselves are kept byte for byte, the pair lines in their order
# (the order the pairs were opened in: the input's).
normalise_state() {
	# shellcheck disable=SC2016 # Perl code
	"$PERL" -MJSON::PP -e '
		my ($in, $out) = @ARGV;
		open(my $f, "<", $in) or die "$in: $!\n";
		binmode $f;
		my @l = <$f>;
		die "$in: ", scalar(@l), " lines, expected a header and a trailer\n"
			if @l < 2;
		my ($head, $tail) = (shift @l, pop @l);
		my $t = decode_json($tail);
		my $pairs = $t->{pairs} // 0;
		my @p = splice(@l, @l - $pairs);
		die "$in: the last line is no trailer for ", scalar(@l), " groups\n"
			unless defined $t->{groups} && $t->{groups} == @l;
		my @g = map { my $g = decode_json($_); [$g->{kind}, $g->{name}, $_] } @l;
		@g = sort { $a->[0] cmp $b->[0] || $a->[1] cmp $b->[1] } @g;
		open(my $o, ">", $out) or die "$out: $!\n";
		binmode $o;
		print $o $head, (map { $_->[2] } @g), @p, $tail or die "$out: $!\n";
		close($o) or die "$out: $!\n";' "$1" "$2"
}

module_side() {
	module_run "$1" "$2"
	modes "$1" "module summary" "$GS_WORK/mod-$1/summary.json"
	modes "$1" "module state" "$GS_WORK/mod-$1/summary.json.state"
	normalise_summary "$GS_WORK/mod-$1/summary.json" "out/$1.module.summary.json" ||
		gs_fail "cannot normalise the module's summary of $1"
	normalise_state "$GS_WORK/mod-$1/summary.json.state" "out/$1.module.state" ||
		gs_fail "cannot normalise the module's state file of $1"
	derived "$1" module "$3"
}

# ---- Comparing ----

# The fixture of an output: genlog's JSON and state files are gzipped.
fixture() {
	case $1 in
	genlog.*.json | genlog.*.state) echo "$data/$1.gz" ;;
	*) echo "$data/$1" ;;
	esac
}

# Prints a file for reading a diff: JSON (one document, or one per line)
# pretty-printed with sorted members, each line of a state file under a
# "# line N" heading naming its group, anything else as it is.
readable() {
	case $1 in
	*.json | *.state)
		# shellcheck disable=SC2016 # Perl code
		"$PERL" -MJSON::PP -e '
			my ($name, $file) = @ARGV;
			my $js = JSON::PP->new->pretty->canonical;
			binmode STDOUT;
			local $/ = $name =~ /\.state$/ ? "\n" : undef;
			open(my $f, "<", $file) or die "$file: $!\n";
			binmode $f;
			while (my $doc = <$f>) {
				my $v = eval { JSON::PP->new->decode($doc) };
				if ($name =~ /\.state$/) {
					my $g = ref $v eq "HASH" && defined $v->{name}
						? ": $v->{kind} $v->{name}" : "";
					print "# line $.$g\n";
				}
				print defined $v ? $js->encode($v) : "(not JSON) $doc";
			}' "$1" "$2" ;;
	*) cat "$2" ;;
	esac
}

show_diff() {
	readable "$3" "$1" >"$GS_WORK/expected.txt"
	readable "$3" "$2" >"$GS_WORK/got.txt"
	if cmp -s "$GS_WORK/expected.txt" "$GS_WORK/got.txt"; then
		# Same content, other bytes (member order, escapes, layout).
		cmp "$1" "$2" >&2
		_at=$(cmp "$1" "$2" | sed -n 's/.* differ: [a-z]* \([0-9]*\),.*/\1/p')
		_from=$((${_at:-1} > 60 ? ${_at:-1} - 60 : 1))
		echo "  fixture: $(tail -c +"$_from" "$1" | head -c 160)" >&2
		echo "  output:  $(tail -c +"$_from" "$2" | head -c 160)" >&2
		return
	fi
	diff -u -F '^# line' --label "fixture $3" --label "output $3" \
		"$GS_WORK/expected.txt" "$GS_WORK/got.txt" | head -n 80 >&2
}

failures=0

# compare OUTPUT: out/OUTPUT against its fixture.
compare() {
	_fx=$(fixture "$1")
	if [ ! -f "$_fx" ]; then
		echo "MISSING fixture $_fx for output $1" >&2
		failures=$((failures + 1))
		return
	fi
	case $_fx in
	*.gz) gzip -dc "$_fx" >"$GS_WORK/expected" ||
		gs_error "cannot decompress $_fx" ;;
	*) cp "$_fx" "$GS_WORK/expected" ;;
	esac
	cmp -s "$GS_WORK/expected" "out/$1" && return
	echo "DIFFERS: $1 (fixture $_fx)" >&2
	show_diff "$GS_WORK/expected" "out/$1" "$1"
	failures=$((failures + 1))
}

# Fixtures that no output of this run corresponds to.
stale_fixtures() {
	for _fx in "$data"/*; do
		[ -e "$_fx" ] || continue
		_o=$(basename "$_fx" .gz)
		[ -f "out/$_o" ] && [ "$(fixture "$_o")" = "$_fx" ] && continue
		echo "$_fx"
	done
}

# Writes the fixtures from this run's outputs (--update).
update_fixtures() {
	for _fx in $(stale_fixtures); do
		rm -f "$_fx" && gs_note "removed stale fixture $_fx"
	done
	for _p in out/*; do
		_o=${_p#out/}
		_fx=$(fixture "$_o")
		rm -f "$data/$_o" "$data/$_o.gz"
		case $_fx in
		*.gz) gzip -9n <"out/$_o" >"$_fx" ;;
		*) cat "out/$_o" >"$_fx" ;;
		esac || gs_error "cannot write $_fx"
	done
	gs_note "WARNING: fixtures regenerated in $data; commit them only" \
		"for an intended change of behaviour, and check the file list" \
		"in tests/golden/Makefile.inc"
}

# ---- Main ----

cd "$GS_WORK" || gs_error "cd $GS_WORK"
mkdir in out || gs_error "mkdir"
cp "$golden/whitelist_clients" "$golden/ignore" . || gs_error "cp whitelist"
for input in $INPUTS; do
	name=${input%%:*}
	threshold=${input##*:}
	start=${input#*:}
	start=${start%:*}
	make_input "$name" "$start"
	scan_side "$name" "$threshold"
	module_side "$name" "$start" "$threshold"
done

if [ "$update" = 1 ]; then
	mkdir -p "$data" || gs_error "mkdir $data"
	update_fixtures
	set -- "$data"/*
	gs_pass "$# fixtures written"
fi
for o in out/*; do
	compare "${o#out/}"
done
for fx in $(stale_fixtures); do
	echo "STALE fixture without an output: $fx" >&2
	failures=$((failures + 1))
done
[ "$failures" = 0 ] || gs_fail "$failures output(s) differ from tests/golden/data"
set -- out/*
gs_pass "$# outputs equal their fixtures"
