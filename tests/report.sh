# forkload report: a saved report read back. The text is the summary the
# run printed, byte for byte; --format json is the report itself, byte for
# byte; --format hgrm is HdrHistogram's percentile distribution, checked
# for its shape and against the report's figures; -o writes atomically.
# A missing, truncated, corrupt or wrong-schema report is one line on
# stderr naming the file and the field, exit 2, and nothing else.
. tests/lib.sh
start_target
ulimit -c 0
FLA="$(cd "$B" && pwd)/forkload"
S="$TMP/sum.txt"
O="$TMP/out"

# same DESC ARGS...: run forkload with -o $R and ARGS; the summary it
# printed must be what `report` prints, and `report --format json` the
# report. Run in $DIR (default .), which a plugin's name is relative to.
same() {
	sd=$1
	shift
	rm -f "$R"
	(cd "${DIR:-.}" && "$FLA" run -o "$R" "$@") > "$S" 2> "$FLERR"
	if [ ! -s "$R" ]; then
		notok "$sd: the run wrote a report" "$(head -3 "$FLERR")"
		return
	fi
	"$FL" report "$R" > "$O" 2> "$FLERR"
	rc=$?
	if [ $rc -eq 0 ] && cmp -s "$S" "$O" && [ ! -s "$FLERR" ]; then
		ok "$sd: report prints the run's summary"
	else
		notok "$sd: report prints the run's summary" "exit $rc" \
		    "$(diff "$S" "$O" | head -10)" "$(head -2 "$FLERR")"
	fi
	"$FL" report --format json "$R" > "$O" 2> "$FLERR"
	if cmp -s "$R" "$O"; then
		ok "$sd: --format json is the report byte for byte"
	else
		notok "$sd: --format json is the report byte for byte" \
		    "$(diff "$R" "$O" | head -10)"
	fi
}

same "plain" -n 200 -c 4 "$(URL /)"
same "--sweep" -n 60 --sweep 1,2,4 "$(URL /)"
same "-R" -R 400 -d 1s -c 4 "$(URL /)"
same "--stages" -R 100 --stages 500ms:300 -c 4 "$(URL /)"
same "thresholds" -n 50 --threshold 'p99<1us' --threshold \
    'rps>=1' --sweep 1,2 "$(URL /)"
same "targets and failures" -n 60 -c 2 "$(URL /)" "$(URL /status/500)" \
    "$(URL /delay/1)"
same "connection errors" -n 10 -c 2 http://127.0.0.1:1/
same "exec" -n 10 -c 2 --exec -- /bin/sh -c 'exit 3'
DIR="$PLUGINS" same "segv plugin crash" -n 50 -c 2 --plugin ./segv.so
DIR="$PLUGINS" same "segv plugin, --respawn" -n 50 -c 2 --respawn \
    --allow-crashes 5 --plugin ./segv.so

# hgrm: the last report above has one run; make one with a sweep.
"$FL" run -q -o "$R" -n 300 --sweep 1,3 "$(URL /)"
"$FL" report --format hgrm "$R" > "$O" 2> "$FLERR"
eq "hgrm: exit 0, nothing on stderr" "$?:$(cat "$FLERR")" "0:"
# Each block against its run: percentiles and counts never go down; the
# last row is 1.000000 with the whole count; p50 is the row at 50%, and
# p99 lies between the rows either side of 99%, within their bucket
# (1/1024 of the value).
msg=$("$PY" - "$R" "$O" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
blocks, cur = [], None
for line in open(sys.argv[2]):
    if line.startswith("# run "):
        cur = {"head": line, "rows": [], "foot": []}
        blocks.append(cur)
    elif line.startswith("#["):
        cur["foot"].append(line)
    elif line.strip() and not line.strip().startswith("Value"):
        v, p, c = line.split()[:3]
        cur["rows"].append((float(v), float(p), int(c)))
    elif line.strip():
        assert line == "       Value   Percentile   TotalCount " \
            "1/(1-Percentile)\n", repr(line)
assert len(blocks) == len(rep["runs"]), "one block per run"
for i, (b, run) in enumerate(zip(blocks, rep["runs"])):
    lat = run["latency_us"]
    n = sum(c for _, c in lat["histogram"])
    assert b["head"] == "# run %d, concurrency %d\n" % (
        i, run["concurrency"]), b["head"]
    rows = b["rows"]
    for a, z in zip(rows, rows[1:]):
        assert a[0] <= z[0] and a[1] <= z[1] and a[2] <= z[2], (a, z)
    assert rows[-1][1] == 1.0 and rows[-1][2] == n, rows[-1]
    for p, key in ((0.5, "p50"), (0.99, "p99")):
        want = lat[key]
        tol = max(1, want / 1024.0)
        hi = [r for r in rows if r[1] >= p][0]
        lo = [r for r in rows if r[1] <= p][-1]
        assert lo[0] * 1000 <= want + tol, (key, lo, want)
        assert hi[0] * 1000 >= want - tol, (key, hi, want)
        if hi[1] == p:
            assert abs(hi[0] * 1000 - want) <= tol, (key, hi, want)
    assert len(b["foot"]) == 3 and "Total count" in b["foot"][1]
    assert int(b["foot"][1].split("=")[2].strip(" ]\n")) == n
print("ok")
PY
)
eq "hgrm: one block per run, monotone, 100% at the count, p50/p99" \
    "$msg" ok

# -o: the same text, written atomically; a directory that is not there is
# a system failure, exit 4.
"$FL" report "$R" > "$S"
"$FL" report -o "$TMP/o.txt" "$R" > "$O" 2> "$FLERR"
eq "-o: exit 0, nothing on stdout" "$?:$(cat "$O")" "0:"
check "-o: the file holds the summary" cmp -s "$S" "$TMP/o.txt"
"$FL" report --format json -o "$TMP/o.json" "$R"
check "-o: --format json to a file" cmp -s "$R" "$TMP/o.json"
"$FL" report -o "$TMP/nodir/o.txt" "$R" 2> "$FLERR"
eq "-o into a missing directory: exit 4" "$?" 4

# bad DESC PATTERN ARGS...: report ARGS must exit 2 with one line on
# stderr matching PATTERN, nothing on stdout, and no -o file.
bad() {
	bd=$1
	bp=$2
	shift 2
	rm -f "$TMP/bad.out"
	"$FL" report "$@" > "$O" 2> "$FLERR"
	rc=$?
	if [ $rc -eq 2 ] && [ ! -s "$O" ] && [ ! -e "$TMP/bad.out" ] &&
	    [ "$(wc -l < "$FLERR")" -eq 1 ] && grep -q -- "$bp" "$FLERR"; then
		ok "bad input: $bd"
	else
		notok "bad input: $bd" "exit $rc, want 2" "$(head -3 "$FLERR")"
	fi
}
cp "$R" "$TMP/good.json"
bad "no report" "give a REPORT"
bad "missing file" "$TMP/none.json" "$TMP/none.json"
bad "unknown format" "'svgz'" --format svgz "$TMP/good.json"
bad "two reports" "not also '$TMP/good.json'" "$TMP/good.json" \
    "$TMP/good.json"
bad "unknown option" "'--bogus'" --bogus "$TMP/good.json"
head -c 3000 "$R" > "$TMP/trunc.json"
bad "truncated" "trunc.json: line" -o "$TMP/bad.out" "$TMP/trunc.json"
: > "$TMP/empty.json"
bad "empty file" "empty.json" "$TMP/empty.json"
echo '[1, 2]' > "$TMP/array.json"
bad "not an object" "array.json: (top): expected an object" \
    "$TMP/array.json"

# broken DESC PATTERN PYTHON: the good report changed by PYTHON (on r,
# the parsed report) must be refused with the path in PATTERN.
broken() {
	"$PY" -c "import json; r = json.load(open('$TMP/good.json')); $3
json.dump(r, open('$TMP/broken.json', 'w'))"
	bad "$1" "broken.json: $2" -o "$TMP/bad.out" "$TMP/broken.json"
}
broken "wrong schema" "schema: 'forkload-report/9'" \
    "r['schema'] = 'forkload-report/9'"
broken "no runs" "runs: no runs" "r['runs'] = []"
broken "a string for a count" "runs\[1\].requests.ok: expected an integer" \
    "r['runs'][1]['requests']['ok'] = '5'"
broken "books that do not add up" "runs\[0\].requests: issued" \
    "r['runs'][0]['requests']['issued'] += 1"
broken "a histogram pair cut short" \
    "runs\[0\].latency_us.histogram\[0\]: expected \[value, count\]" \
    "r['runs'][0]['latency_us']['histogram'][0] = [5]"
broken "a negative count" "runs\[1\].latency_us.histogram\[0\]" \
    "r['runs'][1]['latency_us']['histogram'][0][1] = -1"
broken "histogram out of order" \
    "runs\[0\].latency_us.histogram\[1\]: value" \
    "h = r['runs'][0]['latency_us']['histogram']; h.reverse()"
broken "a max the histogram does not hold" \
    "runs\[0\].latency_us: min .* or max" \
    "r['runs'][0]['latency_us']['max'] *= 4"
broken "a missing field" "runs\[0\].latency_uncorrected_us: missing" \
    "del r['runs'][0]['latency_uncorrected_us']"
broken "an unknown engine" "config.engine: unknown engine 'warp'" \
    "r['config']['engine'] = 'warp'"
broken "a crash of no worker" "runs\[0\].crashes\[0\]: worker 99" \
    "r['runs'][0]['crashes'] = [{'worker': 99, 'pid': 1, 'reason': 'hung', 'task_seq': None, 'at_us': 0}]"
broken "thresholds that do not fit the runs" "thresholds: 1 entries" \
    "r['thresholds'] = [{'ok': True}]"
broken "a status that is not one" "runs\[0\].status_codes.abc" \
    "r['runs'][0]['status_codes']['abc'] = 1"
broken "a reason that is not a string" "verdict.reasons\[0\]" \
    "r['verdict']['reasons'] = [7]"
# A report cut anywhere is refused, or read whole: never a crash.
sz=$(wc -c < "$TMP/good.json")
cuts=0
for i in 1 2 3 5 8 13 21 34 55 89 144 233 377 610 987; do
	head -c $((sz * i / 1000)) "$TMP/good.json" > "$TMP/cut.json"
	"$FL" report --format hgrm "$TMP/cut.json" > "$O" 2> "$FLERR"
	[ $? -eq 2 ] && [ ! -s "$O" ] && [ "$(wc -l < "$FLERR")" -eq 1 ] &&
	    cuts=$((cuts + 1))
done
eq "bad input: 15 cuts of a report, each one line and exit 2" "$cuts" 15
printf '{"schema": "forkload-report/1", "schema": "x"}' > "$TMP/dup.json"
bad "a duplicate key" "dup.json: line 1" "$TMP/dup.json"
