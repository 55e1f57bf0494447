#!/bin/sh
# The time series and the live view: a run's timeseries[] and the lines
# of --stream add up to its totals (a plain run, a sweep, an interrupted
# run), a run of -d 3s has 3 or 4 seconds, --stages makes the starts
# rise second by second (open and closed loop), and the progress line
# shows on a terminal (a pty, through script(1)) and never in a
# redirected stderr.
. tests/lib.sh
start_target
S="$TMP/s.ndjson"

# sums_ok REPORT STREAM: for every run of REPORT, its timeseries[] and the
# lines of STREAM with its "run" index each add up to its totals, and the
# seconds of both are 0, 1, ... with nothing missing; prints "true" or what
# differs.
sums_ok() {
	jq -n -r --slurpfile rep "$1" --slurpfile lines "$2" '
	def sums: {started: (map(.started) | add // 0),
	    ok: (map(.ok) | add // 0), failed: (map(.failed) | add // 0),
	    bytes_in: (map(.bytes_in) | add // 0),
	    bytes_out: (map(.bytes_out) | add // 0),
	    seconds: (map(.second) == [range(length)])};
	[$rep[0].runs | to_entries[] | .key as $i | .value as $r |
	    {started: ($r.requests.ok + $r.requests.failed),
	     ok: $r.requests.ok, failed: $r.requests.failed,
	     bytes_in: $r.bytes.in, bytes_out: $r.bytes.out, seconds: true} as
	    $want |
	    ($r.timeseries | sums) as $ts |
	    ([$lines[] | select(.run == $i)] | sums) as $st |
	    if $ts != $want then "run \($i) timeseries \($ts) != \($want)"
	    elif $st != $want then "run \($i) stream \($st) != \($want)"
	    else empty end] | if length == 0 then "true" else join("; ") end'
}

# lines_ok FILE: every line of FILE is one JSON object; prints the count
# of lines that are not, 0 when all are (an empty file has none).
lines_ok() {
	bad=0
	while IFS= read -r l; do
		printf '%s' "$l" | jq -e 'type == "object"' > /dev/null 2>&1 ||
		    bad=$((bad + 1))
	done < "$1"
	echo "$bad"
}

# A plain run by count, with failures among the results: a 500 for one
# request in three.
fl_run "plain" 1 -q -n 600 -c 4 --stream "$S" "$(URL /delay/2)" \
    "$(URL /delay/2)" "$(URL /status/500)"
check "plain: the report matches the schema" schema_ok "$R"
eq "plain: every stream line is JSON" "$(lines_ok "$S")" 0
check "plain: some lines" [ -s "$S" ]
eq "plain: series and stream add up to the totals" "$(sums_ok "$R" "$S")" \
    true
# A line is its second as it became final: only a start that came later
# can make the report's started and in_flight differ.
eq "plain: the lines are the report's seconds" \
    "$(jq -s -c 'map(del(.run, .concurrency, .started, .in_flight))' "$S")" \
    "$(jq -c '.runs[0].timeseries | map(del(.started, .in_flight))' "$R")"
check "plain: failures counted by second" \
    jqe '[.runs[0].timeseries[].failed] | add == 200' "$R"

# -d 3s: 3 whole seconds, and at most a sliver of a fourth.
fl_run "3s" 0 -q -d 3s -c 2 --stream "$S" "$(URL /delay/10)"
n=$(jqr "$R" '.runs[0].timeseries | length')
check "3s: 3 or 4 seconds (got $n)" [ "$n" -eq 3 -o "$n" -eq 4 ]
eq "3s: series and stream add up to the totals" "$(sums_ok "$R" "$S")" true
check "3s: every whole second has requests and a p99" jqe \
    '[.runs[0].timeseries[:3][] | .ok > 0 and .p99 != null] | all' "$R"
check "3s: the last second ends with nothing in flight" \
    jqe '.runs[0].timeseries[-1].in_flight == 0' "$R"

# A sweep: each level's lines say which run they belong to.
fl_run "sweep" 0 -q -n 300 --sweep 1,3 --stream "$S" "$(URL /delay/1)"
eq "sweep: every stream line is JSON" "$(lines_ok "$S")" 0
eq "sweep: each level's series and lines add up to its totals" \
    "$(sums_ok "$R" "$S")" true
eq "sweep: the lines' concurrency" \
    "$(jq -s -c '[group_by(.run)[] | .[0].concurrency]' "$S")" "[1,3]"

# SIGINT after 1.6 s: the partial second is kept, in both.
fl_start -q -d 20s -c 4 --stream "$S" "$(URL /delay/5)"
sleep 1.6
kill -INT "$FPID"
fl_wait "interrupted" 130
eq "interrupted: every stream line is JSON" "$(lines_ok "$S")" 0
eq "interrupted: series and stream add up to the totals" \
    "$(sums_ok "$R" "$S")" true
check "interrupted: the partial last second is kept" jqe \
    '.runs[0] | (.timeseries | length) == (.duration_us / 1e6 | floor) + 1
    and .timeseries[-1].ok > 0' "$R"

# Open loop, the rate ramped by --stages: 100/s for 2 s, then from 100 to
# 500/s over 2 s, 800 requests on a schedule. Each second starts what
# fell due in it (about 100, 100, 200, 400), so the starts rise.
fl_run "stages -R" 0 -q --stages 2s:100,2s:500 -R 100 --stream "$S" "$(URL /)"
check "stages -R: the report matches the schema" schema_ok "$R"
eq "stages -R: series and stream add up to the totals" \
    "$(sums_ok "$R" "$S")" true
eq "stages -R: 800 started" \
    "$(jqr "$R" '[.runs[0].timeseries[].started] | add')" 800
check "stages -R: started rises second by second after the first stage" \
    jqe '[.runs[0].timeseries[].started] | .[1] < .[2] and .[2] < .[3]
    and .[0] + .[1] < .[3]' "$R"
# Closed loop, the concurrency ramped from 1 to 6 in the second second:
# each request takes at least 20 ms, so more in flight is more started.
fl_run "stages -c" 0 -q -c 1 --stages 1s:1,1s:6 --stream "$S" \
    "$(URL /delay/20)"
eq "stages -c: series and stream add up to the totals" \
    "$(sums_ok "$R" "$S")" true
check "stages -c: more started in the second second" \
    jqe '.runs[0].timeseries | .[0].started < .[1].started and
    .[0].in_flight <= 1' "$R"

# --stream - is stdout, and the summary then goes to stderr.
fl_run "stdout" 0 -n 200 -c 2 --stream - "$(URL /)"
eq "stdout: every line of stdout is JSON" "$(lines_ok "$FLOUT")" 0
check "stdout: the summary on stderr" grep -q 'Requests: ' "$FLERR"
cp "$FLOUT" "$S"
eq "stdout: the lines add up to the totals" "$(sums_ok "$R" "$S")" true
fl_run "stdout with --json" 2 --json --stream - "$(URL /)"

# The progress line on a terminal: script(1) gives forkload a pty for
# stdout and stderr alike. Text, then \r and the erase to the line's end.
P="$TMP/pty.out"
FLA=$(cd "$B" && pwd)/forkload
script -qec "$FLA run -n 400 -c 2 -w 1 -o $TMP/p.json $(URL /delay/5)" \
    /dev/null > "$P" 2>&1
check "pty -n: a bar, percent done and ETA" \
    grep -Eq 'c=2 \[[= ]{12}\] +[0-9]+% ETA [-0-9.smh]+ ' "$P"
check "pty -n: drawn in place" grep -q "$(printf '\r\033\\[K')c=2" "$P"
check "pty -n: the rate now, p99, errors and workers" \
    grep -Eq '[-0-9]+/s  p99 [^ ]+  0 errors  1 worker' "$P"
script -qec "$FLA run -d 1.6s -c 2 -o $TMP/p.json $(URL /delay/5)" \
    /dev/null > "$P" 2>&1
check "pty -d: elapsed against the whole" \
    grep -Eq 'c=2 [0-9]\.[0-9]s/1\.6s  [0-9]+/s  p99 [0-9.]+(us|ms)  ' "$P"
script -qec "$FLA run -q -d 0.6s -c 2 -o $TMP/p.json $(URL /delay/5)" \
    /dev/null > "$P" 2>&1
check "pty -q: no progress line" [ ! -s "$P" ]

# stderr to a file: the summary there (--json), and no control character
# but the newline, no escape.
"$FL" run --json -d 1.2s -c 2 "$(URL /delay/5)" > "$TMP/j.json" \
    2> "$FLERR"
check "file: stderr has the summary" grep -q 'Requests: ' "$FLERR"
eq "file: no control characters in stderr" \
    "$(tr -d '\n' < "$FLERR" | tr -d -c '\000-\037\177' | wc -c)" 0
