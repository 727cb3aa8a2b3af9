#!/bin/sh
# Sets up the machine (scripts/setup-debian.sh) and builds greyscan in
# build/ beside the sources. Used by demo.sh and test.sh.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/scripts/setup-debian.sh"
cd "$top"
autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
mkdir -p "$top/build"
cd "$top/build"
if [ ! -f Makefile ]; then
	../configure -q --prefix=/usr --sysconfdir=/etc --localstatedir=/var \
		--libdir=/usr/lib/x86_64-linux-gnu
fi
make -j"$(nproc)" >/dev/null
echo "build: ready in $top/build" >&2
