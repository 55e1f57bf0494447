#!/bin/sh
# Install, build twice (plain, then ASan+UBSan), and run every test on both
# builds. The last line is "N passed, N failed".
set -eu
cd "$(dirname "$0")"
./deps.sh
./build.sh build
SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
./build.sh build-asan "$SAN"

out=$(mktemp)
trap 'rm -f "$out"' EXIT
pass=0 fail=0
for b in build build-asan; do
	echo "== $b" >&2
	tests/run.sh "$b" | tee "$out"
	p=$(grep -c '^ok ' "$out" || true)
	f=$(grep -c '^not ok ' "$out" || true)
	pass=$((pass + p))
	fail=$((fail + f))
done

# The source tarball builds and passes make check on its own.
if make -s -C build distcheck >/tmp/forkload-distcheck.log 2>&1; then
	echo "ok - make distcheck"
	pass=$((pass + 1))
else
	tail -30 /tmp/forkload-distcheck.log
	echo "not ok - make distcheck"
	fail=$((fail + 1))
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
