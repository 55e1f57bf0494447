# The verdict: --threshold against forkload-target, each metric and each
# operator once met and once not, by the exit code and verdict.reasons;
# malformed thresholds refused as bad input; runs[].targets[] adding up to
# the run; and --junit, well-formed and saying what the verdict says.
# No bound depends on speed: latencies are judged against /delay's floor
# or the 30 s timeout's ceiling, and rps against what /delay allows.
. tests/lib.sh
start_target
J="$TMP/junit.xml"
XMLLINT=/usr/bin/xmllint

# A run of 20 requests of 20 ms or more, 2 at a time: the latencies are
# all 20 ms or more, at most the 30 s timeout, and rps at most 100
# (judged against 200).
SLOW="-q -n 20 -c 2 -w 1 $(URL /delay/20)"
# 20 requests round robin over / and a 500, which --max-errors lets
# pass: ok 10, failed 10, error_rate 50%; target 1 fails all it gets.
HALF="-q -n 20 -c 2 -w 1 --max-errors 100% $(URL /) $(URL /status/500)"

# th WANT EXPR ARGS...: run ARGS with --threshold EXPR and check the exit
# code, thresholds[] and, when it fails, the reason that names it.
th() {
	tw=$1
	te=$2
	shift 2
	fl_run "'$te'" "$tw" --threshold "$te" "$@"
	ok_want=true
	[ "$tw" = 1 ] && ok_want=false
	eq "'$te': thresholds[] has it, ok $ok_want" "$(jqr "$R" \
	    '[.thresholds[] | "\(.expression) \(.ok)"] | join(",")')" \
	    "$te $ok_want"
	nr=$(jqr "$R" "[.verdict.reasons[] |
	    select(startswith(\"threshold $te: observed \"))] | length")
	if [ "$tw" = 1 ]; then
		eq "'$te': verdict.reasons names it" "$nr" 1
	else
		eq "'$te': verdict.reasons is empty" \
		    "$(jqr "$R" '.verdict.reasons | length')" 0
	fi
}

# Latencies: each met and not, under each operator in turn.
th 0 'min>=20ms' $SLOW
th 1 'min<20ms' $SLOW
th 0 'mean>19999us' $SLOW
th 1 'mean<=19999us' $SLOW
th 0 'stdev<30s' $SLOW
th 1 'stdev>=30s' $SLOW
th 0 'p50>=0.02s' $SLOW
th 1 'p50<20ms' $SLOW
th 0 'p90 >= 20ms' $SLOW
th 1 'p90 < 20ms' $SLOW
th 0 'p95<=30s' $SLOW
th 1 'p95>30s' $SLOW
th 0 'p99>=20ms' $SLOW
th 1 'p99<=19ms' $SLOW
th 0 'p999<=30s' $SLOW
th 1 'p999<20ms' $SLOW
th 0 'max>19ms' $SLOW
th 1 'max<20000us' $SLOW
# Counts and rates.
th 0 'rps<=200' $SLOW
th 1 'rps>200' $SLOW
th 0 'ok==20' $SLOW
th 1 'ok<20' $SLOW
th 0 'failed==10' $HALF
th 1 'failed==0' $HALF
th 0 'error_rate==50%' $HALF
th 1 'error_rate<0.1%' $HALF
th 0 'lost==0' $SLOW
th 1 'lost>0' $SLOW
# One target: / is target 0, the 500 target 1.
th 0 'error_rate==100%@1' $HALF
th 1 'error_rate>0%@0' $HALF
th 0 'ok==10@0' $HALF
th 1 'ok>=1@1' $HALF
th 0 'p50>=20ms@1' -q -n 20 -c 2 -w 1 "$(URL /)" "$(URL /delay/20)"
th 1 'p50<20ms@1' -q -n 20 -c 2 -w 1 "$(URL /)" "$(URL /delay/20)"
# A latency threshold with nothing to judge fails, observed null.
fl_run "no latency" 1 -q -n 4 -c 1 --max-errors 100% \
    --threshold 'p99<30s' "http://127.0.0.1:$(free_port)/"
eq "no latency: observed null, not ok" \
    "$(jqr "$R" '.thresholds[0] | "\(.observed) \(.ok)"')" "null false"
check "no latency: the reason says so" jqe '.verdict.reasons |
    any(.[]; . == "threshold p99<30s: no latency recorded")' "$R"
# Crashes and lost tasks: the 38th task of 100 crashes its worker, whose
# replacement runs the rest, and --allow-crashes lets the crash pass.
P="$PLUGINS/segv.so"
th 0 'crashes==1' -q -n 100 -c 1 --respawn --allow-crashes 1 --plugin "$P"
th 1 'crashes==0' -q -n 100 -c 1 --respawn --allow-crashes 1 --plugin "$P"
th 0 'lost<=1' -q -n 100 -c 1 --respawn --allow-crashes 1 --plugin "$P"
th 1 'lost<1' -q -n 100 -c 1 --respawn --allow-crashes 1 --plugin "$P"

# Several thresholds in a sweep: one entry per threshold per run, and the
# reasons prefixed with the level.
fl_run "sweep with thresholds" 1 -q -n 20 --sweep 1,2 -w 1 \
    --threshold 'p50>=20ms' --threshold 'ok<20' "$(URL /delay/20)"
eq "sweep: thresholds[] per run, in order" "$(jqr "$R" \
    '[.thresholds[] | "\(.concurrency) \(.expression) \(.ok)"] | join(",")')" \
    "1 p50>=20ms true,1 ok<20 false,2 p50>=20ms true,2 ok<20 false"
eq "sweep: a reason per level" "$(jqr "$R" '.verdict.reasons | join(",")')" \
    "c=1: threshold ok<20: observed 20,c=2: threshold ok<20: observed 20"
check "sweep: the report fits the schema" schema_ok "$R"

# Malformed: exit 2, one line naming the value and the column, nothing on
# stdout, no report, no JUnit file, and not one request.
stats_reset
badth() {
	rm -f "$R" "$J"
	"$FL" run -o "$R" --junit "$J" --threshold "$1" "$(URL /)" \
	    "$(URL /a)" > "$TMP/stdout" 2> "$TMP/stderr"
	rc=$?
	want="--threshold '$1': column $2: "
	if [ $rc -eq 2 ] && [ "$(wc -l < "$TMP/stderr")" -eq 1 ] &&
	    grep -qF -- "$want" "$TMP/stderr" && [ ! -s "$TMP/stdout" ] &&
	    [ ! -e "$R" ] && [ ! -e "$J" ]; then
		ok "rejects '$1' at column $2"
	else
		notok "rejects '$1' at column $2" "exit $rc, want 2" \
		    "stderr: $(head -3 "$TMP/stderr")" "want: $want"
	fi
}
badth 'p99<250' 8
badth 'p99=250ms' 4
badth 'latency<1s' 1
badth 'error_rate<0.1' 15
badth 'ok>1.5' 4
badth 'rps>=1k' 7
badth 'p99<1s@2' 8
badth 'crashes==0@0' 11
badth 'p99<1s extra' 8
eq "malformed thresholds: no request reached the server" "$(stats_total)" 0

# Per target: three URLs, in a sweep; each run's targets add up to it.
fl_run "three targets" 0 -q -n 30 --sweep 1,3 -w 1 --max-errors 100% \
    "$(URL /)" "$(URL /status/500)" "$(URL /status/404)"
eq "three targets: each run has 3, in order, with method and URL" \
    "$(jqr "$R" '[.runs[].targets[] | "\(.index) \(.method) \(.url)"] |
    unique | length')" 3
eq "three targets: the URLs" "$(jqr "$R" \
    '[.runs[0].targets[].url] == .config.urls')" true
eq "three targets: ok, failed, statuses and errors add up" "$(jqr "$R" '
    def sum(f): [.targets[] | f | to_entries[]] | group_by(.key) |
	map({key: .[0].key, value: (map(.value) | add)}) | from_entries;
    [.runs[] | (.requests.ok == ([.targets[].requests.ok] | add)) and
	(.requests.failed == ([.targets[].requests.failed] | add)) and
	(.status_codes == sum(.status_codes)) and
	(.errors == sum(.errors))] | all')" true
eq "three targets: 10 requests each, the 404 and 500 all failed" \
    "$(jqr "$R" '[.runs[].targets[] | "\(.requests.ok)/\(.requests.failed)"]
    | join(" ")')" "10/0 0/10 0/10 10/0 0/10 0/10"
eq "three targets: the latency histograms add up" "$(jqr "$R" '
    [.runs[] | ([.targets[].latency_us.histogram[]] | group_by(.[0]) |
	map([.[0][0], (map(.[1]) | add)])) == .latency_us.histogram] | all')" \
    true
check "three targets: the report fits the schema" schema_ok "$R"

# --targets: each target its own method, in targets[]; a threshold can
# name one of the file's targets, and no more than it has.
cat > "$TMP/t.txt" <<EOT
GET $(URL /)

POST $(URL /echo)
@$TMP/t.txt

DELETE $(URL /status/500)
EOT
fl_run "--targets" 0 -q -n 30 -c 3 -w 1 --max-errors 100% \
    --threshold 'failed==10@2' --threshold 'ok==10@1' --targets "$TMP/t.txt"
eq "--targets: each target's method and its counts" "$(jqr "$R" '
    [.runs[0].targets[] | "\(.method) \(.requests.ok)/\(.requests.failed)"] |
    join(",")')" "GET 10/0,POST 10/0,DELETE 0/10"
eq "--targets: the thresholds on targets 1 and 2 held" \
    "$(jqr "$R" '[.thresholds[] | .ok] | all')" true
check "--targets: the report fits the schema" schema_ok "$R"
rm -f "$R"
"$FL" run -q -o "$R" --threshold 'ok>0@3' --targets "$TMP/t.txt" \
    > "$TMP/stdout" 2> "$TMP/stderr"
eq "--targets: a threshold on target 3 of 3 is bad input" \
    "$? $(cat "$TMP/stderr")" "2 forkload: --threshold 'ok>0@3': column 6: \
no target 3: the run has 3, 0 to 2 (see forkload --help)"

# Under -R, the latency that thresholds and targets see is the corrected
# one, latency_us: from when each request was due.
fl_run "-R with two targets" 0 -q -R 200 -n 20 -c 2 -w 1 \
    --threshold 'p99>=1us' --threshold 'max>=1us@1' "$(URL /)" \
    "$(URL /delay/1)"
eq "-R: the thresholds observe latency_us" "$(jqr "$R" '
    [.thresholds[].observed] == [.runs[0].latency_us.p99,
    .runs[0].targets[1].latency_us.max]')" true
eq "-R: the targets' histograms add up to latency_us's" "$(jqr "$R" '
    .runs[0] | ([.targets[].latency_us.histogram[]] | group_by(.[0]) |
    map([.[0][0], (map(.[1]) | add)])) == .latency_us.histogram')" true

# JUnit: well-formed, and what the verdict says, passing, failing and in
# a sweep.
junit() {
	if [ ! -x "$XMLLINT" ]; then
		skip "$1: xmllint" "no $XMLLINT: run ./deps.sh"
	elif "$XMLLINT" --noout "$J" 2> "$TMP/xmllint"; then
		ok "$1: the JUnit file is well-formed"
	else
		notok "$1: the JUnit file is well-formed" \
		    "$(head -3 "$TMP/xmllint")"
	fi
	if $PY tests/junit.py "$R" "$J" > "$TMP/junit.out" 2>&1; then
		ok "$1: the JUnit file says what the verdict says"
	else
		notok "$1: the JUnit file says what the verdict says" \
		    "$(head -5 "$TMP/junit.out")"
	fi
}
rm -f "$J"
fl_run "junit, passing" 0 --junit "$J" --threshold 'p50>=20ms' $SLOW
junit "junit, passing"
eq "junit, passing: 1 suite of 6 tests, 0 failures" "$($PY -c '
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
print(len(r), r.get("tests"), r.get("failures"))' "$J")" "1 6 0"
rm -f "$J"
fl_run "junit, failing" 1 --junit "$J" --threshold 'max>=20ms' \
    --threshold 'ok==20' -q -n 20 -c 2 -w 1 "$(URL /delay/20)" \
    "$(URL /status/503)"
junit "junit, failing"
eq "junit, failing: 3 failures of 7" "$($PY -c '
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
print(r.get("tests"), r.get("failures"),
      ",".join(c.get("name") for c in r.iter("testcase")
               if c.find("failure") is not None))' "$J")" \
    "7 3 --expect-status 2xx,--max-errors 0,--threshold ok==20"
rm -f "$J"
fl_run "junit, sweep" 1 --junit "$J" --threshold 'ok>=20' --max-errors 5 \
    -q -n 20 --sweep 1,2,4 -w 1 "$(URL /)" "$(URL /status/500)"
junit "junit, sweep"
eq "junit, sweep: 3 suites, each failing its threshold" "$($PY -c '
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
print(" ".join("%s:%s/%s" % (s.get("name"), s.get("failures"), s.get("tests"))
               for s in r))' "$J")" \
    "forkload c=1:3/6 forkload c=2:3/6 forkload c=4:3/6"
# --junit is written as -o is: a device in place, and a failed write is
# exit 4, with the report still written.
if [ -c /dev/full ]; then
	fl_run "--junit /dev/full" 4 --junit /dev/full $SLOW
	check "--junit /dev/full: still a device" [ -c /dev/full ]
	check "--junit /dev/full: one line says why" \
	    grep -q "cannot write JUnit XML to /dev/full" "$FLERR"
	check "--junit /dev/full: the -o report is written" [ -s "$R" ]
else
	skip "--junit /dev/full" "no /dev/full on this machine"
fi
