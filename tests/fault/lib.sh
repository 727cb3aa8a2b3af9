# tests/fault/lib.sh: what the fault tests (tests/fault/*.sh) share, on top
# of tests/lib.sh (source that first, and call gs_init).
#
#   gs_fault_tmpfs DIR SIZE     Mounts a private tmpfs of SIZE (e.g. 1m) on
#                               DIR (created) and unmounts it at cleanup.
#   gs_fault_summary_ok FILE [MAXLINES [exact]]
#                               Succeeds when FILE is a complete summary:
#                               greyscan's own reader accepts it, its format
#                               and version (2) are right, every domain has
#                               its pairs with greylisted >= passed +
#                               pending + expired, and its totals are
#                               consistent: actions = the sum of the seven
#                               counters, the domains listed = totals.groups,
#                               actions + unparsed + ignored <= lines <= that
#                               + 8 (a line is counted before its kind, by up
#                               to one line per worker), and each counter
#                               summed over the listed domains <= its total
#                               (for summaryDomains="0", nothing evicted or
#                               too old); "=" with "exact" (a state saved
#                               while counting may miss groups created
#                               during the save, see omgreyscan(8)). With
#                               MAXLINES, lines <= MAXLINES too. Prints why
#                               not on stderr. Reads big files without a
#                               JSON tree.
#   gs_fault_conf CONF STATS SUMMARY [PARAM...]
#                               Writes the config of the rsyslogd "rs" most
#                               fault tests run: impstats every second, as
#                               JSON, into STATS; postgrey's lines into an
#                               omgreyscan action writing SUMMARY every
#                               second, with the extra action PARAMs as
#                               gs_action takes them (e.g. summaryDomains=0).
#   gs_fault_lines FILE SUMMARY Prints totals.lines of SUMMARY (gs_json is
#                               too slow for megabytes).
#   gs_fault_temps DIR BASE     Prints the names in DIR that look like the
#                               temporary files of BASE (".BASE.XXXXXX").
#   gs_fault_distinct OUT N START
#                               Writes N postgrey decision lines (reason
#                               new) to OUT, each for its own domain
#                               dSTART.example ... (so N groups).

gs_fault_tmpfs() {
	mkdir -p "$1" || gs_error "mkdir $1"
	mount -t tmpfs -o "size=$2,mode=0755" greyscan-test "$1" ||
		gs_error "cannot mount a tmpfs on $1 (tests run as root)"
	gs_cleanup_add "umount '$1' 2>/dev/null || umount -l '$1'"
}

gs_fault_conf() {
	_fc_conf=$1 _fc_stats=$2 _fc_sum=$3
	shift 3
	{
		gs_conf_head rs
		cat <<EOF
module(load="impstats" interval="1" format="json" log.file="$_fc_stats"
	log.syslog="off")
if \$programname == 'postgrey' then
	$(gs_action summaryFile="$_fc_sum" "$@")
EOF
	} >"$_fc_conf"
}

# The counters in the order of the summary's totals.
GS_FAULT_COUNTERS="new early_retry delayed passed whitelisted recipient_whitelisted awl"

gs_fault_summary_ok() {
	$GS_GREYSCAN report -j -l 1 "$1" >/dev/null 2>"$GS_WORK/reader.err" || {
		echo "greyscan cannot read $1: $(cat "$GS_WORK/reader.err")" >&2
		return 1
	}
	"$PERL" -MJSON::PP -e '
	my ($file, $max, $exact, @ctr) = @ARGV;
	open(my $f, "<", $file) or die "$file: $!\n";
	local $/;
	my $s = <$f>;
	# The domains are split off by their "domain" member; the part before
	# the first holds the header and the totals, small enough to decode.
	my ($head, @doms) = split(/"domain":/, $s);
	if (@doms) {
		$head =~ s/,"domains":\[\{$// or die "no domains array\n";
		$head .= "}";
	}
	my $h = eval { decode_json($head) } or die "bad head: $@\n";
	$h->{format} eq "greyscan-summary" or die "format $h->{format}\n";
	$h->{version} == 2 or die "version $h->{version}\n";
	my $t = $h->{totals};
	my $sum = 0;
	$sum += $t->{$_} for @ctr;
	$sum == $t->{actions} or die "actions $t->{actions} != sum $sum\n";
	my $aui = $t->{actions} + $t->{unparsed} + $t->{ignored};
	$t->{lines} >= $aui && $t->{lines} <= $aui + 8 or
		die "lines $t->{lines} vs actions+unparsed+ignored $aui\n";
	die "lines $t->{lines} > $max\n" if $max ne "" && $t->{lines} > $max;
	$t->{evicted} == 0 && $t->{too_old} == 0 or die "evicted/too old\n";
	@doms == $t->{groups} or
		die scalar(@doms) . " domains listed, groups $t->{groups}\n";
	my %d;
	for my $x (@doms) {
		for (@ctr) {
			$x =~ /"$_":(\d+)/ or die "domain without $_\n";
			$d{$_} += $1;
		}
		$x =~ /"pairs":\{"greylisted":(\d+),"returned":\d+,
			"other_network":\d+,"passed":(\d+),"pending":(\d+),
			"expired":(\d+),/x or die "domain without pairs\n";
		$1 >= $2 + $3 + $4 or die "pairs: $1 greylisted < $2 + $3 + $4\n";
	}
	for (@ctr) {
		$d{$_} <= $t->{$_} && ($exact eq "" || $d{$_} == $t->{$_}) or
			die "$_: domains sum to $d{$_}, total $t->{$_}\n";
	}' "$1" "${2:-}" "${3:-}" $GS_FAULT_COUNTERS
}

gs_fault_lines() {
	"$PERL" -ne 'if (/"totals":\{[^}]*"lines":(\d+)/) { print "$1\n"; exit }' \
		"$1"
}

gs_fault_temps() {
	ls -A "$1" | grep -E "^\\.$(echo "$2" | sed 's/\./\\./g')\\.[A-Za-z0-9]{6}\$"
}

gs_fault_distinct() {
	"$PERL" -e "$GS_PERL_PG"'
	my ($out, $n, $start) = @ARGV;
	open(my $o, ">", $out) or die "$out: $!\n";
	for my $i ($start .. $start + $n - 1) {
		print $o pgline("mx1", sprintf("action=greylist, reason=new, " .
			"client_name=mail.d%d.example, " .
			"client_address=10.%d.%d.%d, sender=s%d\@sender.example, " .
			"recipient=r\@example.net", $i, ($i >> 16) & 255,
			($i >> 8) & 255, $i & 255, $i)) or die "$out: $!\n";
	}
	close($o) or die "$out: $!\n";' "$@" || gs_error "gs_fault_distinct failed"
}

# impstats: the fault tests that wait for failed write rounds load
#     module(load="impstats" interval="1" format="json" log.file=FILE
#            log.syslog="off")
# and read omgreyscan's counters from FILE.
#   gs_fault_stat FILE SUMMARY KEY
#                               Prints KEY of the newest impstats record of
#                               the action writing SUMMARY (0 if none yet).
#   gs_fault_stat_ge FILE SUMMARY KEY N
#                               Succeeds when that value is at least N.
#   gs_fault_no_temps DIR       Succeeds when DIR holds no temporary file of
#                               the writer (".NAME.XXXXXX"): for gs_wait_for,
#                               as one may exist for a moment while a write
#                               is attempted, but a left-over one stays.
gs_fault_stat() {
	"$PERL" -MJSON::PP -e '
		my ($file, $name, $key) = @ARGV;
		my $v = 0;
		if (open(my $f, "<", $file)) {
			while (<$f>) {
				s/^[^{]*//;
				my $r = eval { decode_json($_) } or next;
				$v = $r->{$key} if ($r->{name} // "") eq $name;
			}
		}
		print "$v\n";' "$1" "omgreyscan($2)" "$3"
}

gs_fault_stat_ge() {
	[ "$(gs_fault_stat "$1" "$2" "$3")" -ge "$4" ]
}

gs_fault_no_temps() {
	! ls -A "$1" 2>/dev/null | grep -qE '^\..*\.[A-Za-z0-9]{6}$'
}

#   gs_fault_sender PORT FILE PAUSE_MS
#                               Sends FILE's lines to 127.0.0.1:PORT over one
#                               TCP connection, 100 lines at a time with a
#                               pause of PAUSE_MS between, so that the
#                               sending lasts; fails on any error.
gs_fault_sender() {
	"$PERL" -MIO::Socket::INET -MTime::HiRes=sleep -e '
		my ($port, $file, $pause) = @ARGV;
		my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1",
			PeerPort => $port, Proto => "tcp")
			or die "connect to port $port: $!\n";
		$s->autoflush(1);
		open(my $f, "<", $file) or die "$file: $!\n";
		my $n = 0;
		while (<$f>) {
			print $s $_ or die "send: $!\n";
			sleep($pause / 1000) if ++$n % 100 == 0;
		}
		close($s) or die "close: $!\n";' "$@"
}
