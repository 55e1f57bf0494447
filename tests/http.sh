# HTTP runs against forkload-target: exact accounting against the server's
# own count, statuses, errors, sweeps, bodies, redaction and output modes.
. tests/lib.sh
start_target

# 20,000 requests at -c 50: the server counted exactly what we report.
stats_reset
fl_run "20000 at -c 50" 0 -q -n 20000 -c 50 "$(URL /)"
eq "20000 at -c 50: ok + failed is the server's count" \
    "$(jqr "$R" '.runs[0].requests | .ok + .failed')" "$(stats_total)"
eq "20000 at -c 50: all 20000 ok" "$(jqr "$R" '.runs[0].requests.ok')" 20000
eq "20000 at -c 50: status_codes" "$(jq -c '.runs[0].status_codes' "$R")" '{"200":20000}'
eq "20000 at -c 50: accounting identity" "$(identity "$R")" true
eq "20000 at -c 50: histogram counts every request" \
    "$(jqr "$R" '[.runs[0].latency_us.histogram[][1]] | add')" 20000
eq "20000 at -c 50: workers' results add up" \
    "$(jqr "$R" '[.runs[0].workers[].results] | add')" 20000
check "20000 at -c 50: report matches the schema" schema_ok "$R"
eq "20000 at -c 50: percentiles are ordered" "$(jqr "$R" '.runs[0].latency_us |
    .min <= .p50 and .p50 <= .p90 and .p90 <= .p99 and .p99 <= .max')" true

# -n is met exactly, never overshot, with uneven shares.
stats_reset
fl_run "-n 1001 -c 7 -w 3" 0 -q -n 1001 -c 7 -w 3 "$(URL /)"
eq "-n 1001 -c 7 -w 3: server saw exactly 1001" "$(stats_total)" 1001
eq "-n 1001 -c 7 -w 3: three workers" "$(jqr "$R" '.runs[0].workers | length')" 3

# The seed: a sweep over 1, 5 and 10, 100 requests each.
fl_run "sweep" 0 -q -n 100 --sweep 1,5,10 --expect-status 200 "$(URL /)"
eq "sweep: one run per level" "$(jq -c '[.runs[].concurrency]' "$R")" '[1,5,10]'
eq "sweep: 100 ok in each run" "$(jq -c '[.runs[].requests.ok]' "$R")" '[100,100,100]'
check "sweep: report matches the schema" schema_ok "$R"

# A status outside --expect-status fails the run with exit 1.
fl_run "/status/500" 1 -q -n 30 -c 3 "$(URL /status/500)"
eq "/status/500: status_codes" "$(jq -c '.runs[0].status_codes' "$R")" '{"500":30}'
eq "/status/500: all failed" "$(jqr "$R" '.runs[0].requests.failed')" 30
eq "/status/500: verdict failed" "$(jqr "$R" '.verdict.passed')" false
fl_run "/status/500 with --expect-status 5xx" 0 -q -n 30 -c 3 \
    --expect-status 5xx "$(URL /status/500)"

# Round robin over two URLs, and --max-errors as a percentage.
fl_run "two URLs at --max-errors 50%" 0 -q -n 40 -c 4 --max-errors 50% \
    "$(URL /)" "$(URL /status/503)"
eq "two URLs: round robin" "$(jq -c '.runs[0].status_codes' "$R")" '{"200":20,"503":20}'
eq "two URLs: a failure by status is an error of its own" \
    "$(jq -c '.runs[0].errors' "$R")" '{"STATUS_503":20}'
eq "two URLs: the errors add up to the failures" \
    "$(jqr "$R" '.runs[0] | ([.errors[]] | add) == .requests.failed')" true
eq "two URLs: every response was HTTP/1.1" \
    "$(jq -c '.runs[0].http_versions' "$R")" '{"1.1":40}'

# --engine auto: the native engine, unless the run needs libcurl's.
fl_run "--engine auto, http://" 0 -q -n 5 --engine auto "$(URL /)"
eq "--engine auto, http://: native" "$(jqr "$R" .config.engine)" native
fl_run "--engine auto, https://" 1 -q -n 2 --engine auto \
    "https://127.0.0.1:$PORT/"
eq "--engine auto, https://: curl" "$(jqr "$R" .config.engine)" curl
eq "--engine auto, https:// to a plain server: SSL_CONNECT_ERROR" \
    "$(jq -c '.runs[0].errors' "$R")" '{"SSL_CONNECT_ERROR":2}'
# A proxy that libcurl would use: refused here, so it shows.
(
	http_proxy="http://127.0.0.1:$(free_port)/"
	export http_proxy
	fl_run "--engine auto with http_proxy" 1 -q -n 2 --engine auto \
	    "$(URL /)"
	eq "--engine auto with http_proxy: curl, through the proxy" \
	    "$(jq -c '[.config.engine, .runs[0].errors]' "$R")" \
	    '["curl",{"COULDNT_CONNECT":2}]'
	no_proxy="localhost,127.0.0.1"
	export no_proxy
	fl_run "--engine auto, no_proxy exempts" 0 -q -n 2 --engine auto \
	    "$(URL /)"
	eq "--engine auto, no_proxy exempts: native" \
	    "$(jqr "$R" .config.engine)" native
)

# Phases happen where they happen: two connections, kept alive, make two
# connects for 100 requests, and every request has its first byte.
# The curl engine looks a name up per connection, the native engine once
# before the run.
fl_run "keep-alive phases" 0 -q -n 100 -c 2 -w 1 "$(URL /)"
ndns=2
[ "$(jqr "$R" .config.engine)" = native ] && ndns=1
eq "keep-alive phases: dns and connect counted where they happened" \
    "$(jq -c '.runs[0].phases_us | [.dns.count, .connect.count, .tls.count]' \
    "$R")" "[$ndns,2,0]"
eq "keep-alive phases: ttfb for every request" \
    "$(jqr "$R" '.runs[0].phases_us.ttfb.count')" 100
fl_run "--no-keepalive phases" 0 -q -n 20 -c 2 -w 1 --no-keepalive "$(URL /)"
eq "--no-keepalive phases: a connect per request" \
    "$(jqr "$R" '.runs[0].phases_us.connect.count')" 20
fl_run "two URLs at --max-errors 49%" 1 -q -n 40 -c 4 --max-errors 49% \
    "$(URL /)" "$(URL /status/503)"
fl_run "two URLs at --max-errors 20" 0 -q -n 40 -c 4 --max-errors 20 \
    "$(URL /)" "$(URL /status/503)"

# An HTTP latency is libcurl's total time for the request: never less than
# the server's own delay.
fl_run "/delay/30" 0 -q -n 20 -c 5 "$(URL /delay/30)"
check "/delay/30: every latency is at least 30 ms" \
    [ "$(jqr "$R" '.runs[0].latency_us.min')" -ge 30000 ]

# Transport errors are named after curl's codes.
port=$(free_port)
fl_run "refused port" 1 -q -n 10 -c 2 "http://127.0.0.1:$port/"
eq "refused port: errors.COULDNT_CONNECT" "$(jqr "$R" '.runs[0].errors.COULDNT_CONNECT')" 10
check "refused port: report matches the schema" schema_ok "$R"
fl_run "/drop" 1 -q -n 4 -c 2 "$(URL /drop)"
eq "/drop: errors.GOT_NOTHING" "$(jqr "$R" '.runs[0].errors.GOT_NOTHING')" 4
fl_run "--timeout 200ms" 1 -q -n 2 -c 2 --timeout 200ms "$(URL /delay/3000)"
eq "--timeout 200ms: errors.OPERATION_TIMEDOUT" \
    "$(jqr "$R" '.runs[0].errors.OPERATION_TIMEDOUT')" 2

# A server may close an idle keep-alive connection at any time (RFC 9112,
# 9.6): this one answers 3 requests on each connection, then closes it
# without "Connection: close". libcurl retries a request that finds its
# reused connection dead, so no request may fail. It leaves by itself
# after 60 s, should this script stop before it kills it.
cat > "$TMP/close_after.py" <<'PY'
import signal, socket, sys, threading
signal.alarm(60)
def serve(c):
    buf = b""
    with c:
        for _ in range(3):
            while b"\r\n\r\n" not in buf:
                d = c.recv(65536)
                if not d:
                    return
                buf += d
            buf = buf.split(b"\r\n\r\n", 1)[1]
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n")
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(128)
print(s.getsockname()[1], flush=True)
while True:
    threading.Thread(target=serve, args=(s.accept()[0],), daemon=True).start()
PY
$PY "$TMP/close_after.py" > "$TMP/close_port" &
cpid=$!
i=0
while [ ! -s "$TMP/close_port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
cport=$(cat "$TMP/close_port")
fl_run "closed after 3: 600 in sequence" 0 -q -n 600 -c 1 \
    "http://127.0.0.1:$cport/"
eq "closed after 3: 600 in sequence, all ok" \
    "$(jq -c '.runs[0] | [.requests.ok, .errors]' "$R")" '[600,{}]'
fl_run "closed after 3: 2000 at -c 20" 0 -q -n 2000 -c 20 \
    "http://127.0.0.1:$cport/"
eq "closed after 3: 2000 at -c 20, all ok" \
    "$(jq -c '.runs[0] | [.requests.ok, .errors]' "$R")" '[2000,{}]'
kill "$cpid"
wait "$cpid" 2> /dev/null

# Redirects: not followed by default, so the 302 is the answer; --follow N
# follows up to N and counts the final answer, once per request; a chain
# longer than N fails as TOO_MANY_REDIRECTS.
stats_reset
fl_run "/redirect/3" 1 -q -n 10 -c 2 "$(URL /redirect/3)"
eq "/redirect/3: the 302 is the answer" \
    "$(jq -c '[.runs[0].status_codes, .runs[0].errors, .config.follow]' \
    "$R")" '[{"302":10},{"STATUS_302":10},0]'
eq "/redirect/3: one request each reached the server" "$(stats_total)" 10
stats_reset
fl_run "--follow 3" 0 -q -n 10 -c 2 --follow 3 --engine auto \
    "$(URL /redirect/3)"
eq "--follow 3: the final answer counts, once per request" \
    "$(jq -c '[.runs[0].status_codes, .runs[0].requests.ok, .config.follow]' \
    "$R")" '[{"200":10},10,3]'
eq "--follow 3: the server saw every hop" "$(stats_total)" 40
check "--follow 3: report matches the schema" schema_ok "$R"
fl_run "--follow 2 of 3" 1 -q -n 10 -c 2 --follow 2 --engine auto "$(URL /redirect/3)"
eq "--follow 2 of 3: TOO_MANY_REDIRECTS" \
    "$(jq -c '.runs[0].errors' "$R")" '{"TOO_MANY_REDIRECTS":10}'

# Bodies, methods and headers reach the server; secrets stay out of the report.
stats_reset
fl_run "--data" 0 -q -n 5 -c 1 --data hello-forkload \
    -H 'Authorization: Bearer s3cr3t' -H 'Cookie: id=c00k1e' \
    -H 'X-Trace: visible' "$(URL /echo)"
eq "--data: method becomes POST" "$(jqr "$R" '.config.method')" POST
eq "--data: the server echoed 5 bodies" \
    "$(curl -sf "$(URL /stats)" | jq '.by_route["/echo"]')" 5
check "--data: bytes in count the echoed bodies" \
    [ "$(jqr "$R" '.runs[0].bytes.in')" -ge $((5 * 14)) ]
eq "headers: Authorization redacted" \
    "$(jq -c '.config.headers' "$R")" '["Authorization: REDACTED","Cookie: REDACTED","X-Trace: visible"]'
check "headers: no secret anywhere in the report" \
    sh -c "! grep -qE 's3cr3t|c00k1e' '$R'"
printf 'from-a-file' > "$TMP/body"
fl_run "--data-file with -m PUT" 0 -q -n 2 -c 1 -m PUT --data-file "$TMP/body" \
    "$(URL /echo)"
eq "--data-file with -m PUT: method kept" "$(jqr "$R" '.config.method')" PUT
eq "--data-file: body_bytes" "$(jqr "$R" '.config.body_bytes')" 11

# --json: stdout is the report alone, the summary goes to stderr. The
# redirections truncate both files, so nothing of an earlier run is read.
"$FL" run -n 10 -c 2 --json "$(URL /)" > "$TMP/stdout" 2> "$TMP/stderr"
eq "--json exits 0" $? 0
eq "--json: stdout parses as the report" "$(jqr "$TMP/stdout" '.schema')" forkload-report/1
check "--json: summary on stderr" grep -q '^Verdict: PASSED' "$TMP/stderr"
eq "--json: the summary names the engine that ran" \
    "$(head -1 "$TMP/stderr" | sed -n 's/^forkload [^,]*, \([a-z]*\) engine:.*/\1/p')" \
    "$(jqr "$TMP/stdout" .config.engine)"
eq "--json: tool.libcurl only when the curl engine ran" \
    "$(jqr "$TMP/stdout" '(.config.engine == "curl") == (.tool.libcurl != null)')" true
"$FL" run -n 10 -c 2 -q "$(URL /)" > "$TMP/stdout" 2> "$TMP/stderr"
eq "-q exits 0" $? 0
check "-q: prints nothing" sh -c "[ ! -s '$TMP/stdout' ] && [ ! -s '$TMP/stderr' ]"

# A duration run: it stops by itself and keeps the books exact.
stats_reset
fl_run "-d 1s" 0 -q -d 1s -c 4 "$(URL /delay/20)"
check "-d 1s: ran at least a second" [ "$(jqr "$R" '.runs[0].duration_us')" -ge 1000000 ]
eq "-d 1s: nothing lost" "$(jqr "$R" '.runs[0].requests | .lost + .not_run')" 0
eq "-d 1s: ok is the server's count" "$(jqr "$R" '.runs[0].requests.ok')" "$(stats_total)"
eq "-d 1s: config.requests is null" "$(jqr "$R" '.config.requests')" null
fl_run "-n 3 -d 30s" 0 -q -n 3 -d 30s -c 1 "$(URL /)"
eq "-n 3 -d 30s: the count comes first" "$(jqr "$R" '.runs[0].requests.issued')" 3

# Concurrency above the soft descriptor limit: raised, and the report says so.
stats_reset
(ulimit -Sn 256 && fl_run "-c 500 over a soft limit of 256" 0 \
    -q -n 1000 -c 500 -w 1 "$(URL /)")
eq "-c 500 over a soft limit of 256: limit raised and reported" \
    "$(jq -c '.limits.nofile | [.raised_from, .soft >= 500]' "$R")" '[256,true]'
eq "-c 500: the server saw every request" "$(stats_total)" 1000

# Default workers: one per CPU; with the curl engine, at most 128
# connections in each.
fl_run "-c 300" 0 -q -n 600 -c 300 "$(URL /)"
ncpu=$(nproc)
want=$(( ncpu < 300 ? ncpu : 300 ))
[ "$(jqr "$R" .config.engine)" = curl ] && [ $want -lt 3 ] && want=3
eq "-c 300: workers = min(c, CPUs), for curl at least ceil(c / 128)" \
    "$(jqr "$R" '.runs[0].workers | length')" "$want"

# Workers short of memory: curl fails with OUT_OF_MEMORY, or a worker
# dies. Which one a limit gives depends on the machine, but every run ends,
# every request is accounted for, and the exit code is the one that the
# report's own books call for.
if [ "$SANITIZED" -eq 0 ]; then
	for lim in 20M 21M 22M 23M; do
		fl_run_verdict "--worker-rlimit-as $lim" -q \
		    -n 2000 -c 100 -w 2 --worker-rlimit-as "$lim" \
		    --allow-crashes 2 "$(URL /)"
		eq "--worker-rlimit-as $lim: accounting identity" \
		    "$(identity "$R")" true
	done
else
	skip "--worker-rlimit-as" \
	    "sanitized build cannot run under an address-space limit"
fi

# -o into something that is not a regular file: written in place, never
# replaced by a rename.
mkfifo "$TMP/fifo"
cat "$TMP/fifo" > "$TMP/fifo.out" &
c=$!
"$FL" run -q -n 5 -o "$TMP/fifo" "$(URL /)"
eq "-o FIFO exits 0" $? 0
wait $c
eq "-o FIFO: the report came through it" "$(jqr "$TMP/fifo.out" .schema)" \
    forkload-report/1
check "-o FIFO: still a FIFO" [ -p "$TMP/fifo" ]
# Through a pipe, as /dev/stdout is most often used.
{ "$FL" run -q -n 5 -o /dev/stdout "$(URL /)"; echo $? > "$TMP/rc"; } |
    cat > "$TMP/stdout"
eq "-o /dev/stdout exits 0" "$(cat "$TMP/rc")" 0
eq "-o /dev/stdout: the report on stdout" "$(jqr "$TMP/stdout" .schema)" \
    forkload-report/1
# A link to a regular file, as /dev/stdout is with stdout on a file: the
# file gets the report, atomically, and the link stays a link. (A link of
# our own: a regression would replace the link, and /dev/stdout is not
# ours to risk.) A link to a FIFO is written through in place.
echo old > "$TMP/target.json"
ln -s "$TMP/target.json" "$TMP/link.json"
"$FL" run -q -n 5 -o "$TMP/link.json" "$(URL /)"
eq "-o a link to a file exits 0" $? 0
check "-o a link to a file: still a link" [ -L "$TMP/link.json" ]
eq "-o a link to a file: the file has the report" \
    "$(jqr "$TMP/target.json" .schema)" forkload-report/1
ln -s "$TMP/fifo" "$TMP/fifolink"
cat "$TMP/fifo" > "$TMP/fifo.out" &
c=$!
"$FL" run -q -n 5 -o "$TMP/fifolink" "$(URL /)"
eq "-o a link to a FIFO exits 0" $? 0
wait $c
eq "-o a link to a FIFO: the report came through it" \
    "$(jqr "$TMP/fifo.out" .schema)" forkload-report/1
check "-o a link to a FIFO: still a link" [ -L "$TMP/fifolink" ]
if [ -c /dev/full ]; then
	"$FL" run -q -n 5 -o /dev/full "$(URL /)" 2> "$TMP/err"
	eq "-o /dev/full: the report cannot be written: exit 4" $? 4
	check "-o /dev/full: still a device" [ -c /dev/full ]
	"$FL" run -q -d 20s -c 2 -o /dev/full "$(URL /delay/20)" 2> /dev/null &
	f=$!
	sleep 0.5
	kill -INT $f
	wait $f
	eq "-o /dev/full, interrupted: 130 outranks 4" $? 130
	# --json fails as -o does: stdout full is a report not written.
	"$FL" run -q -n 5 --json "$(URL /)" > /dev/full 2> "$TMP/err"
	eq "--json into /dev/full: exit 4" $? 4
	check "--json into /dev/full: one line says why" \
	    grep -q 'cannot write report to stdout' "$TMP/err"
else
	skip "-o /dev/full" "no /dev/full on this machine"
fi
