#!/bin/sh
# Build forkload out of tree: ./build.sh DIR [extra CFLAGS]. Reuses DIR when
# it is already configured with the same flags.
set -eu
cd "$(dirname "$0")"
dir=${1:-build}
flags=${2:-}

[ -x configure ] && [ configure -nt configure.ac ] || autoreconf -fi >&2
mkdir -p "$dir"
if [ ! -f "$dir/Makefile" ] || [ "$(cat "$dir/.flags" 2>/dev/null)" != "$flags" ]; then
	(cd "$dir" && ../configure -q CFLAGS="-O2 -g $flags" \
	    LDFLAGS="$flags" >&2)
	printf '%s' "$flags" > "$dir/.flags"
fi
make -s -C "$dir" -j2 all >&2
# Build the unit tests and test plugins without running anything.
make -s -C "$dir" -j2 check TESTS= >&2
