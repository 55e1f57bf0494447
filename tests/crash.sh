# Crash isolation: a worker killed mid-run is recorded, its results count,
# the survivors finish the work, and the books still balance.
. tests/lib.sh
start_target
R="$TMP/r.json"

# kill_one OUT ARGS...: run forkload, SIGKILL one worker after 0.5 s.
kill_one() {
	out=$1
	shift
	"$FL" run -q -o "$out" "$@" &
	f=$!
	sleep 0.5
	w=$(pgrep -P $f | head -1)
	[ -n "$w" ] && kill -9 "$w"
	wait $f
	return $?
}

stats_reset
kill_one "$R" -n 3000 -c 10 -w 2 "$(URL /delay/5)"
eq "kill -9 of a worker exits 3" $? 3
eq "kill -9: one crash recorded" "$(jqr "$R" '.runs[0].crashes | length')" 1
eq "kill -9: crash signal" "$(jqr "$R" '.runs[0].crashes[0].signal')" SIGKILL
eq "kill -9: worker exit" "$(jq -c '[.runs[0].workers[].exit | select(.status == "signaled") | .signal]' "$R")" '[9]'
eq "kill -9: accounting identity" "$(identity "$R")" true
eq "kill -9: issued is -n" "$(jqr "$R" '.runs[0].requests.issued')" 3000
eq "kill -9: survivors ran the rest" "$(jqr "$R" '.runs[0].requests.not_run')" 0
served=$(stats_total)
check "kill -9: server count between ok+failed and ok+failed+lost" \
    jqe --argjson s "$served" '.runs[0].requests |
    (.ok + .failed) <= $s and $s <= (.ok + .failed + .lost)' "$R"
eq "kill -9: delivered results count" \
    "$(jqr "$R" '[.runs[0].workers[].results] | add')" \
    "$(jqr "$R" '.runs[0].requests | .ok + .failed')"
check "kill -9: report matches the schema" schema_ok "$R"
eq "kill -9: verdict names the crash" \
    "$(jqr "$R" '[.verdict.reasons[] | select(test("SIGKILL"))] | length')" 1

kill_one "$R" -n 3000 -c 10 -w 2 --allow-crashes 1 "$(URL /delay/5)"
eq "kill -9 with --allow-crashes 1 exits 0" $? 0

# Every worker killed: what nobody ran is not_run, and exit 3.
"$FL" run -q -o "$R" -n 100000 -c 4 -w 2 "$(URL /delay/10)" &
f=$!
sleep 0.5
for w in $(pgrep -P $f); do kill -9 "$w"; done
wait $f
eq "all workers killed exits 3" $? 3
check "all workers killed: not_run is the rest" \
    jqe '.runs[0].requests.not_run > 0' "$R"
eq "all workers killed: accounting identity" "$(identity "$R")" true
eq "all workers killed: issued is -n" "$(jqr "$R" '.runs[0].requests.issued')" 100000

# A crash and a failed expectation together: 3 outranks 1.
kill_one "$R" -d 3s -c 4 -w 2 "$(URL /status/500)"
eq "crash and failed statuses together exit 3" $? 3
check "crash and failed statuses: both in the verdict" \
    jqe '[.verdict.reasons[] | select(test("status 500|SIGKILL"))] | length == 2' "$R"
