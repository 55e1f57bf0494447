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
NAME=$(basename "$0" .sh)${FORKLOAD_ENGINE:+[$FORKLOAD_ENGINE]}
PLUGINS="$B/tests/plugins"
# fl_run and fl_start write the report to $R, and forkload's stdout and
# stderr to $FLOUT and $FLERR.
R="$TMP/r.json"
FLOUT="$TMP/fl.out"
FLERR="$TMP/fl.err"
# A run of fl_run that takes longer than this many seconds is ended by
# timeout(1), and its exit code reads 124.
FL_TIMEOUT=${FL_TIMEOUT:-60}
# A sanitized build cannot run under an address-space limit. build.sh
# records its flags in .flags; a build configured by hand has them in its
# Makefile.
SANITIZED=0
if grep -q fsanitize "$B/.flags" 2>/dev/null ||
    grep -Eq '^(C|LD)FLAGS = .*-fsanitize' "$B/Makefile" 2>/dev/null; then
	SANITIZED=1
fi
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
# skip DESC REASON: a block this pass cannot run, as a TAP skip; run.sh
# and test.sh count it apart from the passes.
skip() { echo "ok - $NAME: $1 # SKIP $2"; }

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

# read_port FILE: the port a server that is starting prints to FILE,
# once it is there; waits up to 5 s, and prints nothing if it never comes.
read_port() {
	i=0
	while [ ! -s "$1" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	cat "$1"
}

# Start forkload-target on a free loopback port; sets PORT and TPID.
start_target() {
	"$FT" --listen 127.0.0.1:0 > "$TMP/port" &
	TPID=$!
	PORT=$(read_port "$TMP/port")
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

# books_rc FILE: the exit code that forkload(1) gives for a report's own
# books: interrupted is 130; work not run, or more crashes over all runs
# than --allow-crashes, is 3; more failed requests in some run than
# --max-errors allows (a count, or a percentage of that run's issued
# requests, rounded down), or a --threshold that failed, is 1; else 0.
books_rc() {
	jq -r '
	def allowed($r): (.config.max_errors | tostring) as $m |
	    if ($m | endswith("%")) then
		($m | rtrimstr("%") | tonumber) / 100 * $r.requests.issued +
		    1e-9 | floor
	    else $m | tonumber end;
	if .interrupted then 130
	elif ([.runs[].requests.not_run > 0] | any) or
	    ([.runs[].crashes | length] | add // 0) > .config.allow_crashes
	then 3
	elif ([.runs[] as $r | $r.requests.failed > allowed($r)] | any) or
	    ([.thresholds[]? | .ok | not] | any)
	then 1
	else 0 end' "$1"
}

# fl_verdict DESC: the report $R has the exit code $RC as its
# verdict.exit_code, and that code follows from its books.
fl_verdict() {
	eq "$1: the report's verdict and books give its exit code" \
	    "$(jqr "$R" .verdict.exit_code 2>&1) $(books_rc "$R" 2>&1)" \
	    "$RC $RC"
}

# fl_check DESC WANT: check the exit code $RC of a run against WANT. A run
# that writes a report (0, 1, 3, 130) must have one that agrees; a run
# refused as bad input (2) must have left none.
fl_check() {
	if [ "$RC" = "$2" ]; then
		ok "$1 exits $2"
	else
		notok "$1 exits $2" "exit $RC" \
		    "stderr: $(head -c 300 "$FLERR" 2>/dev/null)"
	fi
	case $2 in
	0|1|3|130)
		fl_verdict "$1" ;;
	2)
		check "$1: no report" [ ! -e "$R" ] ;;
	esac
}

# fl_exec ARGS...: the run of fl_run and fl_run_verdict; sets RC.
fl_exec() {
	rm -f "$R"
	timeout -k 5 "$FL_TIMEOUT" "$FL" run -o "$R" "$@" \
	    > "$FLOUT" 2> "$FLERR"
	RC=$?
}

# fl_run DESC WANT ARGS...: run "$FL" run -o "$R" ARGS... in the
# foreground, after removing $R so that nothing can read the report of an
# earlier step, and check that it exits with WANT exactly (see fl_check).
# Sets RC.
fl_run() {
	fl_d=$1
	fl_want=$2
	shift 2
	fl_exec "$@"
	fl_check "$fl_d" "$fl_want"
}

# fl_run_verdict DESC ARGS...: as fl_run, for a run whose outcome the test
# cannot know in advance: its exit code must be the report's
# verdict.exit_code, and that must follow from the report's books.
fl_run_verdict() {
	fl_d=$1
	shift
	fl_exec "$@"
	fl_verdict "$fl_d"
}

# fl_start ARGS...: start "$FL" run -o "$R" ARGS... in the background,
# after removing $R; sets FPID. fl_wait DESC WANT then waits for it and
# checks its exit code as fl_run does.
fl_start() {
	rm -f "$R"
	"$FL" run -o "$R" "$@" > "$FLOUT" 2> "$FLERR" &
	FPID=$!
}
fl_wait() {
	wait "$FPID"
	RC=$?
	fl_check "$1" "$2"
}

# The HTTP engines that hostile.sh and conformance.sh run in turn, each
# against the same expectations. ENGINES in the environment overrides it.
ENGINES=${ENGINES:-curl native}

# engine_args E: the options that select engine E.
engine_args() {
	echo "--engine $1"
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
# with an access log of every request; sets NGPORT. Fails when nginx is
# absent, with a TAP skip line for the whole script, and when it does not
# start, with a "not ok".
start_nginx() {
	NGINX=/usr/sbin/nginx
	if [ ! -x "$NGINX" ]; then
		skip "every check" "no $NGINX: run ./deps.sh"
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
		# gzip drops the length: the answer comes chunked.
		location /chunked {
			gzip on;
			gzip_min_length 0;
			gzip_types text/plain;
			default_type text/plain;
			return 200 "chunked and gzipped\\n";
		}
	}
}
CONF
	"$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log"
	i=0
	# The probe's path is not logged: nginx writes a log line after the
	# response, so a logged probe could land after the truncation below.
	until curl -sf "http://127.0.0.1:$NGPORT/ready" > /dev/null; do
		i=$((i + 1))
		if [ $i -ge 50 ]; then
			notok "nginx answers within 5 s" \
			    "$(tail -3 "$TMP/nginx/error.log")"
			return 1
		fi
		sleep 0.1
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
	eq "$label: forkload died by SIGKILL" $? 137
	left=""
	for p in $ws $kids; do gone "$p" 10 || left="$left $p"; done
	eq "$label: $nw workers were running" "$(echo $ws | wc -w)" "$nw"
	eq "$label: $nk tasks were running" "$(echo $kids | wc -w)" "$nk"
	eq "$label: nothing left after 1 s" "$left" ""
}
