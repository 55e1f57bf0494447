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
PLUGINS="$B/tests/plugins"
# A sanitized build cannot run under an address-space limit.
SANITIZED=0
grep -q fsanitize "$B/.flags" 2>/dev/null && SANITIZED=1
# Let a crashing task or plugin die by its signal, as it would unsanitized.
export ASAN_OPTIONS="handle_segv=0:handle_abort=0:handle_sigbus=0:handle_sigfpe=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"

# ms: wall-clock milliseconds, for bounds the issue sets on run time.
ms() { echo $(($(date +%s%N) / 1000000)); }

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

# Start a real nginx from Debian on its own config and a free loopback port,
# with an access log of every request; sets NGPORT. Fails when absent.
start_nginx() {
	NGINX=/usr/sbin/nginx
	if [ ! -x "$NGINX" ]; then
		notok "nginx is installed" "run ./deps.sh"
		return 1
	fi
	NGPORT=$(free_port)
	mkdir -p "$TMP/nginx"
	user=""
	[ "$(id -u)" -eq 0 ] && user="user root;"
	cat > "$TMP/nginx/nginx.conf" <<CONF
$user
worker_processes 1;
pid $TMP/nginx.pid;
error_log $TMP/nginx/error.log;
events { worker_connections 4096; }
http {
	access_log $TMP/nginx/access.log;
	client_body_temp_path $TMP/nginx/body;
	proxy_temp_path $TMP/nginx/proxy;
	fastcgi_temp_path $TMP/nginx/fastcgi;
	uwsgi_temp_path $TMP/nginx/uwsgi;
	scgi_temp_path $TMP/nginx/scgi;
	keepalive_requests 1000000;
	server {
		listen 127.0.0.1:$NGPORT;
		location = /ready { access_log off; return 204; }
		location / { return 200 "ok\\n"; }
		location /missing { return 404; }
	}
}
CONF
	"$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log"
	i=0
	# The probe's path is not logged: nginx writes a log line after the
	# response, so a logged probe could land after the truncation below.
	while ! curl -sf "http://127.0.0.1:$NGPORT/ready" > /dev/null &&
	    [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	: > "$TMP/nginx/access.log"
}

# Requests nginx has logged so far.
nginx_count() { wc -l < "$TMP/nginx/access.log" | tr -d ' '; }

# kill_parent LABEL WORKERS TASKS ARGS...: start "forkload run ARGS", kill
# it with SIGKILL after 0.5 s, and check that its WORKERS workers and their
# TASKS task children are all gone within a second.
kill_parent() {
	label=$1
	nw=$2
	nk=$3
	shift 3
	"$FL" run -q "$@" &
	f=$!
	sleep 0.5
	ws=$(pgrep -P $f)
	kids=""
	for w in $ws; do kids="$kids $(pgrep -P "$w")"; done
	kill -9 $f
	wait $f 2>/dev/null
	left=""
	for p in $ws $kids; do gone "$p" 10 || left="$left $p"; done
	eq "$label: $nw workers were running" "$(echo $ws | wc -w)" "$nw"
	eq "$label: $nk tasks were running" "$(echo $kids | wc -w)" "$nk"
	eq "$label: nothing left after 1 s" "$left" ""
}
