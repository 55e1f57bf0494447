# Crash isolation: a worker killed mid-run is recorded, its results count,
# the survivors finish the work, and the books still balance.
. tests/lib.sh
start_target

# kill_one DESC WANT ARGS...: run forkload with a report in $R, SIGKILL one
# worker after 0.5 s, and check that the run exits with WANT.
kill_one() {
	kd=$1
	kw=$2
	shift 2
	fl_start -q "$@"
	sleep 0.5
	w=$(pgrep -P $FPID | head -1)
	[ -n "$w" ] && kill -9 "$w"
	fl_wait "$kd" "$kw"
}

stats_reset
kill_one "kill -9 of a worker" 3 -n 3000 -c 10 -w 2 "$(URL /delay/5)"
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

kill_one "kill -9 with --allow-crashes 1" 0 \
    -n 3000 -c 10 -w 2 --allow-crashes 1 "$(URL /delay/5)"
eq "kill -9 with --allow-crashes 1: the crash is recorded" \
    "$(jqr "$R" '.runs[0].crashes | length')" 1

# Every worker killed: what nobody ran is not_run, and exit 3.
fl_start -q -n 100000 -c 4 -w 2 "$(URL /delay/10)"
sleep 0.5
for w in $(pgrep -P $FPID); do kill -9 "$w"; done
fl_wait "all workers killed" 3
check "all workers killed: not_run is the rest" \
    jqe '.runs[0].requests.not_run > 0' "$R"
eq "all workers killed: accounting identity" "$(identity "$R")" true
eq "all workers killed: issued is -n" "$(jqr "$R" '.runs[0].requests.issued')" 100000

# A crash and a failed expectation together: 3 outranks 1.
kill_one "crash and failed statuses together" 3 -d 3s -c 4 -w 2 \
    "$(URL /status/500)"
check "crash and failed statuses: both in the verdict" \
    jqe '[.verdict.reasons[] | select(test("status 500|SIGKILL"))] | length == 2' "$R"
