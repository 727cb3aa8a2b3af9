#!/bin/sh
# symlink.sh: a symbolic link planted at the summary's, the state's
# or a temporary file's name is never followed: the file it points to is
# never written (nor read back as a state), and the summary and state
# become regular files again.
#
# Interval 1 s; impstats (every second) counts the summary writes. Each
# victim is a file outside the directory with known content and an old
# mtime; "unchanged" means same content (cmp), inode, size, mtime and
# ctime.
# Pass/fail:
#  1. the summary is replaced (rename) by a symlink to victim 1 while
#     rsyslogd runs and mix 2 is sent: the summary becomes a regular file
#     again holding mixes 1 and 2 exactly; victim 1 unchanged;
#  2. the same for the state file (victim 2): it becomes a regular file of
#     mode 0600 again; victim 2 unchanged;
#  3. 200 symlinks to victim 3 named like temporary files of the summary
#     and of the state (".NAME.XXXXXX"; the real names are random, so they
#     can only be guessed): after three more summary writes, and after a
#     restart (whose clean-up of stale temporary files must leave symlinks
#     alone), victim 3 is unchanged and all 200 symlinks are still there;
#  4. with rsyslogd stopped, the state is replaced by a symlink to victim
#     4, which holds a copy of the valid state: at start the link is not
#     followed (an error saying "symbolic link" is logged, the counts start
#     from zero, the link is moved to STATE.corrupt as it is), victim 4 is
#     unchanged; mix 3 is then counted from zero.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/fault/lib.sh"
gs_init

dir=$GS_WORK/out
mkdir "$dir"
sum=$dir/summary.json
state=$sum.state
log=$GS_WORK/rs.internal
stats=$GS_WORK/stats.json
conf=$GS_WORK/rs.conf
gs_fault_conf "$conf" "$stats" "$sum"

victim() { # n [content file]
	if [ -n "${2:-}" ]; then
		cp "$2" "$GS_WORK/victim$1"
	else
		echo "victim $1: must never be written" >"$GS_WORK/victim$1"
	fi
	touch -d '2001-02-03 04:05:06' "$GS_WORK/victim$1"
	cp -p "$GS_WORK/victim$1" "$GS_WORK/victim$1.orig"
	stat -c '%i %s %Y %Z' "$GS_WORK/victim$1" >"$GS_WORK/victim$1.id"
}
victim_unchanged() { # n
	cmp -s "$GS_WORK/victim$1" "$GS_WORK/victim$1.orig" &&
		[ "$(stat -c '%i %s %Y %Z' "$GS_WORK/victim$1")" = \
			"$(cat "$GS_WORK/victim$1.id")" ] ||
		gs_fail "victim $1 was written"
}
# Replaces FILE by a symlink to TARGET in one rename.
plant() { # file target
	ln -s "$2" "$1.planting" && mv -T "$1.planting" "$1" ||
		gs_error "cannot plant a symlink at $1"
}
regular() {
	[ -f "$1" ] && [ ! -L "$1" ]
}

gs_pg_mix "$GS_WORK/lines1" "$GS_WORK/expect1" 500 "mx1 mx2" 0
gs_pg_mix "$GS_WORK/lines2" "$GS_WORK/expect2" 500 "mx2 mx3" 500
gs_pg_mix "$GS_WORK/lines3" "$GS_WORK/expect3" 500 "mx1" 1000
gs_expect_add "$GS_WORK/want2" "$GS_WORK/expect1" "$GS_WORK/expect2"

gs_rsyslog_start rs "$conf" "$sum"
gs_send_tcp "$(gs_port rs)" "$GS_WORK/lines1"
gs_wait_for 60 "mix 1 counted" gs_check_summary "$sum" "$GS_WORK/expect1" quiet

# 1. The summary.
victim 1
plant "$sum" "$GS_WORK/victim1"
gs_send_tcp "$(gs_port rs)" "$GS_WORK/lines2"
gs_wait_for 60 "a regular summary with mixes 1 and 2" eval \
	'regular "$sum" && gs_check_summary "$sum" "$GS_WORK/want2" quiet'
victim_unchanged 1

# 2. The state.
victim 2
plant "$state" "$GS_WORK/victim2"
gs_wait_for 60 "a regular state file" regular "$state"
[ "$(stat -c %a "$state")" = 600 ] || gs_fail "state mode $(stat -c %a "$state")"
victim_unchanged 2

# 3. Guessed temporary file names.
victim 3
"$PERL" -e '
	my ($dir, $target) = @ARGV;
	my @c = ("A".."Z", "a".."z", 0..9);
	for my $i (1 .. 200) {
		my $n = join("", map { $c[rand @c] } 1 .. 6);
		my $base = $i % 2 ? "summary.json" : "summary.json.state";
		symlink($target, "$dir/.$base.$n") or die "symlink: $!\n";
	}' "$dir" "$GS_WORK/victim3" || gs_error "cannot plant the symlinks"
links() { find "$dir" -maxdepth 1 -type l -lname "$GS_WORK/victim3" | wc -l; }
[ "$(links)" = 200 ] || gs_error "$(links) symlinks planted, want 200"
w=$(gs_fault_stat "$stats" "$sum" summary_writes)
gs_wait_for 60 "three more summary writes" \
	gs_fault_stat_ge "$stats" "$sum" summary_writes $((w + 3))
gs_rsyslog_stop rs
gs_rsyslog_start rs "$conf"
w=$(gs_fault_stat "$stats" "$sum" summary_writes)
gs_wait_for 60 "a summary write after the restart" \
	gs_fault_stat_ge "$stats" "$sum" summary_writes $((w + 1))
victim_unchanged 3
[ "$(links)" = 200 ] || gs_fail "$(links) of the 200 planted symlinks left"
gs_check_summary "$sum" "$GS_WORK/want2" || gs_fail "counts after restart"
gs_rsyslog_stop rs

# 4. A symlinked state at start, pointing at a valid state.
regular "$state" || gs_fail "the state is not a regular file after stop"
victim 4 "$state"
plant "$state" "$GS_WORK/victim4"
rm -f "$sum"
gs_rsyslog_start rs "$conf" "$sum"
gs_json_is "$sum" '$j->{totals}{lines}' 0 ||
	gs_fail "counts were restored through a symlink"
gs_wait_for "$GS_TIMEOUT_S" "the error about the symlinked state" \
	grep -qs "cannot restore the counts.*symbolic link" "$log" \
	"$GS_WORK/rs.out"
[ -L "$state.corrupt" ] && [ "$(readlink "$state.corrupt")" = "$GS_WORK/victim4" ] ||
	gs_fail "the symlink was not moved to $state.corrupt as it is"
gs_send_tcp "$(gs_port rs)" "$GS_WORK/lines3"
gs_wait_for 60 "mix 3 counted from zero" \
	gs_check_summary "$sum" "$GS_WORK/expect3" quiet
gs_rsyslog_stop rs
regular "$state" && regular "$sum" || gs_fail "files not regular at the end"
victim_unchanged 4
victim_unchanged 1
victim_unchanged 2
victim_unchanged 3
gs_pass "symlinks at the summary, the state, 200 temporary names and the" \
	"state at start: no victim written"
