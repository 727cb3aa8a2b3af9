#!/bin/sh
# Prepare a Debian 12 machine to build and test greyscan:
#  1. install every package the build, the tests and the benchmarks use;
#  2. fetch the rsyslog source package matching the installed rsyslogd
#     (Debian ships no rsyslog headers) into deps/rsyslog;
#  3. run rsyslog's own configure there, so config.h carries the same
#     feature macros (NDEBUG, atomics, FEATURE_REGEXP) as the packaged
#     binary: those macros change struct layouts.
# Idempotent: a second run only checks what is already there.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
deps="$top/deps"

packages="build-essential autoconf automake libtool pkg-config dpkg-dev
  liblognorm-dev liblognorm-utils libestr-dev libfastjson-dev libpsl-dev
  libpcre2-dev zlib1g-dev check
  rsyslog rsyslog-relp postgrey util-linux bsdutils procps psmisc perl time
  faketime
  libnet-server-perl libberkeleydb-perl
  icinga2-bin nagios4-core monitoring-plugins-basic
  clang libclang-rt-14-dev valgrind linux-perf
  debhelper fakeroot lintian mmdebstrap
  libjs-chart.js chromium chromium-driver"

log() { printf 'setup: %s\n' "$*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
	log "must run as root (apt-get install)"
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive

# Enable source packages by deriving deb-src entries from the existing list,
# unless some list already has them.
if ! grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
			>/etc/apt/sources.list.d/greyscan-src.sources
	elif [ -f /etc/apt/sources.list ]; then
		sed -n 's/^deb /deb-src /p' /etc/apt/sources.list \
			>/etc/apt/sources.list.d/greyscan-src.list
	fi
fi

log "apt-get update"
apt-get update -qq

# Packages such as postgrey and rsyslog would start their system services on
# install; the tests run private instances, so keep the system ones down.
policy=/usr/sbin/policy-rc.d
own_policy=no
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	own_policy=yes
fi
log "apt-get install"
# shellcheck disable=SC2086
if ! apt-get install -y -qq --no-install-recommends $packages >/dev/null; then
	[ "$own_policy" = yes ] && rm -f "$policy"
	log "apt-get install failed"
	exit 1
fi
[ "$own_policy" = yes ] && rm -f "$policy"

# The rsyslog source matching the installed binary's upstream version.
want=$(dpkg-query -W -f='${Version}' rsyslog | sed 's/-[^-]*$//; s/^[0-9]*://')
mkdir -p "$deps"
if [ ! -f "$deps/rsyslog/runtime/rsyslog.h" ] || [ ! -f "$deps/rsyslog/config.h" ]; then
	log "fetching rsyslog $want source"
	rm -rf "$deps/src" "$deps/rsyslog"
	mkdir -p "$deps/src"
	# Not every mirror serves every revision's source (security updates
	# often lack it): try each revision of the same upstream version.
	for v in $(apt-cache showsrc rsyslog | sed -n 's/^Version: //p' | sort -ru); do
		case "$v" in "$want"-*) ;; *) continue ;; esac
		if (cd "$deps/src" && apt-get source -qq --download-only \
			-o APT::Sandbox::User=root "rsyslog=$v" >/dev/null 2>&1); then
			break
		fi
	done
	dsc=$(ls "$deps"/src/rsyslog_*.dsc 2>/dev/null | head -n 1)
	if [ -z "$dsc" ]; then
		log "no source package of rsyslog $want could be downloaded"
		exit 1
	fi
	(cd "$deps/src" && dpkg-source -x --skip-patches "$dsc" rsyslog >/dev/null)
	mv "$deps/src/rsyslog" "$deps/rsyslog"
	got=$(sed -n 's/^AC_INIT(\[rsyslog\],\[\([^]]*\)\].*/\1/p' "$deps/rsyslog/configure.ac")
	case "$want" in
	"$got"*) ;;
	*)
		log "rsyslog source $got does not match installed $want"
		exit 1
		;;
	esac
	log "configuring rsyslog $got for its config.h"
	(cd "$deps/rsyslog" && ./configure -q --disable-uuid --disable-fmhttp \
		--disable-libgcrypt --disable-libsystemd --enable-regexp \
		>"$deps/rsyslog-configure.log" 2>&1) || {
		log "rsyslog configure failed, see $deps/rsyslog-configure.log"
		exit 1
	}
fi
log "ready: rsyslog headers in $deps/rsyslog"
