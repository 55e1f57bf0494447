# Shared helpers for the integration tests (sourced). All traffic goes to
# 127.0.0.1 only; every run is bounded in count and time.
set -u
B=${B:-build}
FL="$B/forkload"
FT="$B/forkload-target"
PY=/usr/bin/python3
TMP=$(mktemp -d)
TPID=""
PORT=""
NAME=$(basename "$0" .sh)

cleanup() {
	[ -n "$TPID" ] && kill "$TPID" 2>/dev/null && wait "$TPID" 2>/dev/null
	[ -f "$TMP/nginx.pid" ] && kill "$(cat "$TMP/nginx.pid")" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

ok() { echo "ok - $NAME: $1"; }
notok() { echo "not ok - $NAME: $1"; shift; for l in "$@"; do echo "# $l"; done; }

# check DESC COMMAND...: ok when the command succeeds.
check() {
	d=$1
	shift
	if "$@"; then ok "$d"; else notok "$d" "failed: $*"; fi
}

# eq DESC ACTUAL EXPECTED
eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else notok "$1" "got '$2', want '$3'"; fi
}

# Start forkload-target on a free loopback port; sets PORT and TPID.
start_target() {
	"$FT" --listen 127.0.0.1:0 > "$TMP/port" &
	TPID=$!
	i=0
	while [ ! -s "$TMP/port" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	PORT=$(cat "$TMP/port")
	[ -n "$PORT" ] || { echo "not ok - $NAME: forkload-target did not start"; exit 0; }
}

URL() { echo "http://127.0.0.1:$PORT$1"; }
stats_reset() { curl -sf -X DELETE "$(URL /stats)" > /dev/null; }
stats_total() { curl -sf "$(URL /stats)" | jq .requests; }

# A free TCP port on loopback, for servers that cannot pick one.
free_port() {
	$PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# jqe FILTER FILE: succeeds when the filter yields true.
jqe() { jq -e "$@" > /dev/null; }

# jqr FILE FILTER: one value from a report.
jqr() { jq -r "$2" "$1"; }

# The accounting identity of every run in a report: "true" when it holds.
identity() {
	jq '[.runs[].requests | .issued == .ok + .failed + .lost + .not_run] | all' "$1"
}

# Validate a report against doc/report.schema.json.
schema_ok() { $PY tests/schema.py doc/report.schema.json "$1"; }

# Wait until a process has gone (a zombie counts as gone), up to $2 tenths.
gone() {
	i=0
	while [ $i -lt "$2" ]; do
		st=$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)
		[ -z "$st" ] || [ "$st" = Z ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
