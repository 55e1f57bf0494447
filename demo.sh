#!/bin/sh
# The seed scenario: 100 GETs at concurrency 1, 5 and 10 against the bundled
# target server, expecting 200 every time, as one sweep run.
set -eu
cd "$(dirname "$0")"
./deps.sh
./build.sh build

tmp=$(mktemp -d)
./build/forkload-target --listen 127.0.0.1:0 > "$tmp/port" &
tpid=$!
trap 'kill $tpid 2>/dev/null; wait $tpid 2>/dev/null; rm -rf "$tmp"' EXIT
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$tmp/port")
[ -n "$port" ] || { echo "demo.sh: forkload-target did not start" >&2; exit 4; }

set +e
./build/forkload run -n 100 --sweep 1,5,10 --expect-status 200 \
    -o demo-report.json "http://127.0.0.1:$port/"
rc=$?
set -e
echo "JSON report: demo-report.json (exit status $rc)"
exit $rc
