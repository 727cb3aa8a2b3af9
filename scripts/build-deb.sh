#!/bin/sh
# Builds greyscan's Debian packages from this checkout (the committed and
# uncommitted tracked files, plus new files git does not ignore) into
# build/deb/: rsyslog-greyscan, monitoring-plugins-greyscan, greyscan and
# greyscan-common, with their .changes and .buildinfo.
#
# Needs scripts/setup-debian.sh to have run (as root): it installs the build
# dependencies and fetches and configures rsyslog's source in deps/rsyslog,
# whose headers the module is built against (GREYSCAN_RSYSLOG_SRC=DIR names
# another tree). The build runs in a copy, so the checkout is not touched.
#
# usage: scripts/build-deb.sh [-o OUTDIR] [-V VERSION]
#   -o OUTDIR   where the packages go (default build/deb)
#   -V VERSION  build as this Debian version (a changelog entry is added in
#               the copy), e.g. to test an upgrade
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/deb
version=
while getopts o:V: opt; do
	case $opt in
	o) out=$OPTARG ;;
	V) version=$OPTARG ;;
	*)
		echo "usage: $0 [-o OUTDIR] [-V VERSION]" >&2
		exit 2
		;;
	esac
done
rsyslog_src=${GREYSCAN_RSYSLOG_SRC:-$top/deps/rsyslog}
log() { printf 'build-deb: %s\n' "$*" >&2; }

if [ ! -f "$rsyslog_src/config.h" ] || [ ! -f "$rsyslog_src/debian/changelog" ]; then
	log "no configured rsyslog source in $rsyslog_src: run scripts/setup-debian.sh first"
	exit 1
fi
rsyslog_src=$(cd "$rsyslog_src" && pwd)

mkdir -p "$out"
out=$(cd "$out" && pwd)
src=$out/greyscan
rm -rf "$src"
mkdir -p "$src"
# The files of the checkout, not its build trees or deps/.
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\n" "$f"; done' sh |
		tar -cf - -T -) | tar -xf - -C "$src"
else
	(cd "$top" && tar -cf - --exclude='./build*' --exclude=./deps .) |
		tar -xf - -C "$src"
fi

if [ -n "$version" ]; then
	{
		printf 'greyscan (%s) bookworm; urgency=medium\n\n' "$version"
		printf '  * Rebuild as %s (scripts/build-deb.sh -V).\n\n' "$version"
		printf ' -- greyscan <greyscan@localhost>  %s\n\n' "$(date -R)"
		cat "$src/debian/changelog"
	} >"$src/debian/changelog.new"
	mv "$src/debian/changelog.new" "$src/debian/changelog"
fi
version=$(cd "$src" && dpkg-parsechangelog -SVersion)
arch=$(dpkg --print-architecture)

(cd "$src" && dpkg-checkbuilddeps) || {
	log "build dependencies missing: run scripts/setup-debian.sh"
	exit 1
}
rm -f "$out"/*_"$version"_*.deb "$out/greyscan_${version}_$arch.changes" \
	"$out/greyscan_${version}_$arch.buildinfo"
log "building $version in $src (log: $out/build.log)"
if ! (cd "$src" && GREYSCAN_RSYSLOG_SRC=$rsyslog_src \
	DEB_BUILD_OPTIONS="parallel=$(nproc) ${DEB_BUILD_OPTIONS:-}" \
	dpkg-buildpackage -b -us -uc) >"$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log" >&2
	# A failed test's own log says why; build.log is long.
	if [ -f "$src/test-suite.log" ]; then
		log "the failed tests' logs ($src/test-suite.log):"
		head -n 300 "$src/test-suite.log" >&2
	fi
	log "dpkg-buildpackage failed, see $out/build.log"
	exit 1
fi
rm -rf "$src"
log "packages in $out:"
ls "$out"/*_"$version"_*.deb >&2
