#!/bin/sh
# abi-config.sh: do the rsyslog headers and config.h this build compiles
# against describe the installed rsyslogd?
#
# Pass/fail:
#  1. $RSYSLOG_SRC/config.h must set the macros that change rsyslog's struct
#     layouts the way the installed binary was built, as `rsyslogd -v`
#     reports it: FEATURE_REGEXP <-> "FEATURE_REGEXP: Yes", NDEBUG set and
#     DEBUG unset <-> "FEATURE_DEBUG ...: No", HAVE_ATOMIC_BUILTINS(64) <->
#     "32/64bit Atomic operations supported: Yes"; ENABLE_LIBLOGGING_STDLOG
#     must be unset (Debian builds without it).
#  2. The probe module tests/rsyslog/abiprobe.so, compiled with the same
#     RSYSLOG_CFLAGS as omgreyscan, is loaded into the real rsyslogd; for
#     each of a set of differently shaped messages (short and long message,
#     hostname and tag, RFC 3164, RFC 3339 and RFC 5424 headers) it compares
#     smsg_t fields read through its compiled layout with rsyslogd's
#     accessors. Every message must give an OK line (none MISMATCH), and the
#     feature macros the probe reports having been compiled with must match
#     `rsyslogd -v` as in 1.
# To see it fail, build the probe with a wrong config (e.g. -UNDEBUG) and
# point GS_ABIPROBE at that .so (the report describes how it was done).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
gs_init

: "${RSYSLOG_SRC:=$top_srcdir/deps/rsyslog}"
PROBE=${GS_ABIPROBE:-$top_builddir/tests/rsyslog/.libs/abiprobe.so}
[ -f "$PROBE" ] || gs_error "probe module not built: $PROBE"
[ -f "$RSYSLOG_SRC/config.h" ] || gs_error "no $RSYSLOG_SRC/config.h"

# ---- 1. config.h against rsyslogd -v
"$RSYSLOGD" -v >"$GS_WORK/version" 2>&1 || gs_error "rsyslogd -v failed"

# Prints 1 if rsyslogd -v says "Yes" for the feature line matching $1.
binary_has() {
	_v=$(grep -i "^[[:space:]]*$1" "$GS_WORK/version" | head -n 1)
	case $_v in
	*Yes*) echo 1 ;;
	*No*) echo 0 ;;
	*) gs_error "rsyslogd -v does not report '$1'" ;;
	esac
}

# Prints 1 if config.h defines macro $1.
header_has() {
	if grep -Eq "^[[:space:]]*#[[:space:]]*define[[:space:]]+$1([[:space:]]|\$)" \
		"$RSYSLOG_SRC/config.h"; then
		echo 1
	else
		echo 0
	fi
}

want_regexp=$(binary_has "FEATURE_REGEXP:")
want_debug=$(binary_has "FEATURE_DEBUG")
want_atomic=$(binary_has "32bit Atomic")
want_atomic64=$(binary_has "64bit Atomic")
want_ndebug=$((1 - want_debug))

bad=
check_macro() { # name, value in config.h, wanted
	if [ "$2" != "$3" ]; then
		bad="$bad $1(config.h=$2,rsyslogd=$3)"
	fi
}
check_macro FEATURE_REGEXP "$(header_has FEATURE_REGEXP)" "$want_regexp"
check_macro NDEBUG "$(header_has NDEBUG)" "$want_ndebug"
check_macro DEBUG "$(header_has DEBUG)" "$want_debug"
check_macro HAVE_ATOMIC_BUILTINS "$(header_has HAVE_ATOMIC_BUILTINS)" \
	"$want_atomic"
check_macro HAVE_ATOMIC_BUILTINS64 "$(header_has HAVE_ATOMIC_BUILTINS64)" \
	"$want_atomic64"
check_macro ENABLE_LIBLOGGING_STDLOG \
	"$(header_has ENABLE_LIBLOGGING_STDLOG)" 0
[ -z "$bad" ] ||
	gs_fail "$RSYSLOG_SRC/config.h does not match rsyslogd -v:$bad"

# ---- 2. the probe inside the real rsyslogd
out=$GS_WORK/probe.out
conf=$GS_WORK/probe.conf
{
	gs_conf_head --no-module probe
	cat <<EOF
module(load="$PROBE")
if \$programname != 'rsyslogd' then action(type="abiprobe" file="$out")
EOF
} >"$conf"
gs_rsyslog_start probe "$conf"

long=$(printf 'x%.0s' $(seq 1 300))
longhost=host-$(printf 'h%.0s' $(seq 1 60)).example.org
now=$(date +%s)
lines=$GS_WORK/lines
{
	# RFC 3339 time stamp, as rsyslog forwards (postgrey shaped).
	gs_syslog_line mx1 'postgrey[4242]:' \
		"$(gs_pg_action 1 greylist new mail.example.com 192.0.2.1)"
	# An hour-old time stamp, so reported and received time differ.
	gs_syslog_line mx2 'postgrey[4242]:' "short" $((now - 3600))
	# Long message, long host name and tag: heap buffers, not the
	# inline ones.
	gs_syslog_line "$longhost" "postfix-${long}[1]:" "$long"
	# RFC 3164 time stamp.
	echo "<13>$(LC_ALL=C date '+%b %e %H:%M:%S') mx3 postgrey[7]: three"
	# RFC 5424.
	echo "<165>1 2024-03-01T10:11:12.345+01:00 mx4 postgrey 99 ID7 - five"
	# No time stamp nor host at all.
	echo "<14>bare message"
} >"$lines"
n=$(wc -l <"$lines")
gs_send_tcp "$(gs_port probe)" "$lines"

probe_done() {
	[ "$(grep -c '^OK\|^MISMATCH' "$out" 2>/dev/null)" -ge "$n" ]
}
gs_wait_for "$GS_TIMEOUT_S" "$n probe results" probe_done
gs_rsyslog_stop probe

if grep -q '^MISMATCH' "$out"; then
	grep '^MISMATCH' "$out" >&2
	gs_fail "smsg_t as compiled here differs from rsyslogd's"
fi
features=$(grep '^FEATURES' "$out")
expect="NDEBUG=$want_ndebug DEBUG=$want_debug"
expect="$expect HAVE_ATOMIC_BUILTINS=$want_atomic"
expect="$expect HAVE_ATOMIC_BUILTINS64=$want_atomic64"
expect="$expect FEATURE_REGEXP=$want_regexp ENABLE_LIBLOGGING_STDLOG=0"
case $features in
"FEATURES $expect "*) ;;
*) gs_fail "probe compiled with '$features', rsyslogd has '$expect'" ;;
esac
gs_pass "$n messages agree; $features"
