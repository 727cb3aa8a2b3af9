#!/bin/sh
# layers.sh: lib/ keeps its layers (lib/README.md holds the table of which
# layer may include which; tests/lint/layers.pl does the checking).
#
# (a) Every #include in lib/LAYER/*.c and *.h of a "layer/file.h" header
#     names LAYER itself or a layer its row of the table allows; an include
#     without a folder names a header of LAYER's own folder or gs_config.h.
#     A folder under lib/ without a row is a finding too.
# (b) No circle of calls between files: from the built libtool objects of
#     lib/*/*.c (nm -P -g), a file "uses" another when it has an undefined
#     symbol the other defines; every strongly connected group of two or
#     more files is printed with one circle through it and the symbols of
#     each step.
# Pass: no finding. Fail (1): each finding printed. 99: the table is
# missing, a lib/ source file has no object in the build tree (build first:
# `make check` does), or nm fails.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

command -v "${NM:-nm}" >/dev/null 2>&1 || gs_error "nm not found (binutils)"
"$PERL" "$top_srcdir/tests/lint/layers.pl" "$top_srcdir" "$top_builddir"
st=$?
case $st in
0) gs_pass "lib/ layers" ;;
1) gs_fail "lib/ breaks its layers (findings above)" ;;
*) gs_error "layers.pl could not check (status $st)" ;;
esac
