#!/bin/sh
# Install, build twice (plain, then ASan+UBSan), and run every test on both
# builds, then make distcheck. The last line is "N passed, N failed,
# N skipped" (tests/tally.sh), and the exit status is 1 when anything failed.
set -eu
cd "$(dirname "$0")"
./deps.sh
./build.sh build
SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
./build.sh build-asan "$SAN"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
for b in build build-asan; do
	echo "== $b" >&2
	tests/run.sh "$b" | tee -a "$log"
done

# The source tarball builds and passes make check on its own.
if make -s -C build distcheck >/tmp/forkload-distcheck.log 2>&1; then
	echo "ok - make distcheck"
else
	tail -30 /tmp/forkload-distcheck.log | sed 's/^/# /'
	echo "not ok - make distcheck"
fi | tee -a "$log"

sh tests/tally.sh < "$log"
