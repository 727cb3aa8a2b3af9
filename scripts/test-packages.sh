#!/bin/sh
# The package suite: builds greyscan's Debian packages twice (the version
# of debian/changelog and a rebuilt newer one), runs lintian on them, checks
# their rsyslog dependency, then takes them through install, counting,
# upgrade, remove and purge in a clean Debian 12 root made with mmdebstrap
# from this machine's own apt sources (tests/package/lifecycle.sh).
# Prints automake-style "PASS: name" / "FAIL: name" lines and ends with
# "N passed, M failed"; exits 1 when anything failed. Runs alone, as root,
# after scripts/setup-debian.sh:
#
#   sh scripts/test-packages.sh
#
# Everything goes under build/pkgtest/; the base root's tarball
# (build/pkgtest/base-bookworm.tar) is kept and reused by later runs.
# GREYSCAN_PKGTEST_REBUILD=no reuses the packages of the previous run.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
work=$top/build/pkgtest
base=$work/base-bookworm.tar
root=$work/root
logs=$work/logs
upgrade_suffix=+pkgtest1
pass=0
fail=0
start=$(date +%s)

result() { # STATUS NAME [DETAIL...]
	r_status=$1 r_name=$2
	shift 2
	echo "$r_status: $r_name"
	[ $# -eq 0 ] || printf '    %s\n' "$@"
	if [ "$r_status" = PASS ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
}
finish() {
	echo "package suite: $(($(date +%s) - start)) s" >&2
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}
# Unmounts whatever a run left mounted inside the root (a killed run).
release_root() {
	[ -d "$root" ] || return 0
	for m in $(awk -v r="$root/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r); do
		umount -l "$m" || return 1
	done
}

if [ "$(id -u)" -ne 0 ]; then
	result FAIL package-suite "must run as root (chroot, mount, apt-get)"
	finish
fi
for tool in dpkg-buildpackage lintian mmdebstrap unshare; do
	command -v "$tool" >/dev/null ||
		{ result FAIL package-suite "$tool missing: run scripts/setup-debian.sh"; finish; }
done
release_root || { result FAIL package-suite "cannot unmount $root"; finish; }
rm -rf "$root" "$logs"
mkdir -p "$logs"

# --- build, twice
version=$(dpkg-parsechangelog -l "$top/debian/changelog" -SVersion)
v2version=$version$upgrade_suffix
# The second build skips the package build's tests: the first ran them on
# the same code.
if [ "${GREYSCAN_PKGTEST_REBUILD:-yes}" = no ] &&
	ls "$work"/v2/*_"$v2version"_*.deb >/dev/null 2>&1; then
	result PASS packages-build "reused from the previous run"
elif rm -rf "$work/v1" "$work/v2" &&
	sh "$top/scripts/build-deb.sh" -o "$work/v1" 2>"$logs/build-v1.log" &&
	DEB_BUILD_OPTIONS=nocheck sh "$top/scripts/build-deb.sh" -o "$work/v2" \
		-V "$v2version" 2>"$logs/build-v2.log"; then
	result PASS packages-build
else
	result FAIL packages-build "$(tail -n 20 "$logs"/build-v*.log)"
	finish
fi
debs=$(ls "$work"/v1/*_"$version"_*.deb)

# --- lintian: no error and no warning (overrides carry their reason in
# debian/*.lintian-overrides); the full output is kept and shown.
# shellcheck disable=SC2086 # a list of files
lintian --pedantic --info --fail-on error,warning $debs >"$logs/lintian.out" 2>&1
st=$?
sed 's/^/    lintian: /' "$logs/lintian.out"
if [ "$st" -eq 0 ] && ! grep -q '^[EW]:' "$logs/lintian.out"; then
	result PASS packages-lintian
else
	result FAIL packages-lintian "lintian exited $st"
fi

# --- the module's dependency on the rsyslog it was built against: any
# Debian revision of that upstream version, no other; Built-Using names
# the source package whose headers were used.
rsyslog_src=${GREYSCAN_RSYSLOG_SRC:-$top/deps/rsyslog}
src_version=$(dpkg-parsechangelog -l "$rsyslog_src/debian/changelog" -SVersion)
upstream=$(echo "$src_version" | sed 's/^[0-9]*://; s/-[^-]*$//')
module_deb=$(ls "$work"/v1/rsyslog-greyscan_*.deb)
depends=$(dpkg-deb -f "$module_deb" Depends)
built_using=$(dpkg-deb -f "$module_deb" Built-Using)
case ", $depends," in
*", rsyslog (>= $upstream), rsyslog (<< $upstream.~),"*)
	if [ "$built_using" = "rsyslog (= $src_version)" ]; then
		result PASS packages-rsyslog-depends
	else
		result FAIL packages-rsyslog-depends "Built-Using: $built_using, want rsyslog (= $src_version)"
	fi
	;;
*) result FAIL packages-rsyslog-depends "Depends: $depends" ;;
esac

# --- the base root: mmdebstrap from the sources this machine uses (read
# now, never written into the project), cached for later runs.
if [ ! -s "$base" ]; then
	sources=$work/host.sources
	: >"$sources"
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		# Binary entries only: a deb-src stanza has no use in the root.
		awk 'BEGIN { RS = ""; ORS = "\n\n" } /(^|\n)Types:[^\n]*deb([ \t\n]|$)/' "$f" |
			sed 's/^Types:.*/Types: deb/' >>"$sources"
	done
	[ -s "$sources" ] || grep -h '^deb ' /etc/apt/sources.list \
		/etc/apt/sources.list.d/*.list 2>/dev/null >"$sources"
	if ! [ -s "$sources" ]; then
		result FAIL packages-base-root "no apt sources found on this machine"
		finish
	fi
	if mmdebstrap --quiet --variant=apt bookworm "$work/base.tmp.tar" "$sources" \
		>"$logs/mmdebstrap.log" 2>&1; then
		mv "$work/base.tmp.tar" "$base"
	else
		result FAIL packages-base-root "$(tail -n 20 "$logs/mmdebstrap.log")"
		finish
	fi
fi
mkdir -p "$root"
tar -xf "$base" -C "$root" || { result FAIL packages-base-root "cannot unpack $base"; finish; }
result PASS packages-base-root

# --- every package the lifecycle installs, fetched into the root's apt
# cache while there is a network; the lifecycle runs without one.
mkdir -p "$root/tmp/v1" "$root/tmp/v2"
cp "$work"/v1/*_"$version"_*.deb "$root/tmp/v1/"
cp "$work"/v2/*_"$v2version"_*.deb "$root/tmp/v2/"
if chroot "$root" apt-get update -qq >"$logs/apt-update.log" 2>&1 &&
	chroot "$root" sh -c 'apt-get install -y -qq --download-only \
		rsyslog postgrey orphan-sysvinit-scripts sysvinit-core icinga2-common \
		/tmp/v1/*.deb && apt-get install -y -qq --download-only \
		rsyslog postgrey orphan-sysvinit-scripts sysvinit-core icinga2-common /tmp/v2/*.deb' \
		>"$logs/apt-download.log" 2>&1; then
	result PASS packages-download
else
	result FAIL packages-download "$(tail -n 20 "$logs"/apt-update.log "$logs/apt-download.log")"
	finish
fi

# --- the lifecycle, in namespaces of its own
unshare --mount --pid --net --fork --kill-child \
	sh "$top/tests/package/lifecycle.sh" "$root" /tmp/v1 /tmp/v2 "$top" "$logs" \
	>"$logs/lifecycle.out" 2>&1
st=$?
while read -r line; do
	case $line in
	PASS:*) result PASS "root-${line#PASS: }" ;;
	FAIL:*) result FAIL "root-${line#FAIL: }" ;;
	*) echo "    $line" ;;
	esac
done <"$logs/lifecycle.out"
if ! grep -q '^FAIL:' "$logs/lifecycle.out"; then
	if [ "$st" -ne 0 ] || ! grep -q '^PASS: purge$' "$logs/lifecycle.out"; then
		result FAIL root-lifecycle "tests/package/lifecycle.sh exited $st before its end"
	fi
fi
release_root || result FAIL root-cleanup "mounts left under $root"
finish
