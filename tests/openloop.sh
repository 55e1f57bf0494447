# Open loop (-R, --stages): the schedule holds, the server sees the rate
# asked, and a stall of the server shows in the corrected latency and not
# in the uncorrected one (coordinated omission, as wrk2 shows it).
. tests/lib.sh
start_target

# within N LO HI: LO <= N <= HI, for integers.
within() { [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }

# Rate accuracy: -R 2000 for 3 s is 6000 requests, ± 1%, at the server.
stats_reset
fl_run "-R 2000 -d 3s" 0 -R 2000 -d 3s -c 50 -q "$(URL /)"
n=$(stats_total)
check "-R 2000 -d 3s: the server counted 6000 ± 1% ($n)" within "$n" 5940 6060
eq "-R 2000 -d 3s: the report's requests are the server's" \
    "$(jqr "$R" '.runs[0].requests.issued')" "$n"
eq "-R 2000 -d 3s: the report gives the rate asked" \
    "$(jqr "$R" '.config.rate, .runs[0].schedule.target_rps' | tr '\n' ' ')" \
    "2000 2000 "
check "-R 2000 -d 3s: the rate achieved is 2000 ± 1%" jqe \
    '.runs[0].schedule.achieved_rps | . >= 1980 and . <= 2020' "$R"
# Each request's corrected latency is its uncorrected one plus its lag,
# so every percentile is at least as high.
check "-R 2000 -d 3s: corrected latency >= uncorrected, field by field" jqe \
    '.runs[0] | [.latency_us, .latency_uncorrected_us] as [$c, $u] |
    [("min","p50","p90","p99","max") as $k | $c[$k] >= $u[$k]] | all' "$R"
check "-R 2000 -d 3s: report matches the schema" schema_ok "$R"

# -n with -R: the 100th of 100 requests at 200/s is due at 0.495 s, so
# the run cannot end before; all 100 are sent.
stats_reset
fl_run "-R 200 -n 100" 0 -R 200 -n 100 -q "$(URL /)"
eq "-R 200 -n 100: the server counted 100" "$(stats_total)" 100
check "-R 200 -n 100: the run kept to the schedule (>= 495 ms)" jqe \
    '.runs[0].duration_us >= 495000' "$R"

# -n and -d with -R: whichever ends first. At 100/s, 1 s holds 100.
stats_reset
fl_run "-R 100 -n 1000 -d 1s" 0 -R 100 -n 1000 -d 1s -q "$(URL /)"
n=$(stats_total)
check "-R 100 -n 1000 -d 1s: the duration ends it at 100 ± 1 ($n)" \
    within "$n" 99 101

# --stages with -R: from 100/s, hold 100/s for 1 s then ramp to 300/s over
# 1 s: 100 + 200 requests.
stats_reset
fl_run "-R 100 --stages 1s:100,1s:300" 0 -R 100 --stages 1s:100,1s:300 \
    -q "$(URL /)"
n=$(stats_total)
check "-R 100 --stages 1s:100,1s:300: 300 ± 3 requests ($n)" within "$n" 297 303
eq "--stages: the report gives them and their duration" \
    "$(jqr "$R" '.config.stages, .config.duration_us' | tr '\n' ' ')" \
    "1s:100,1s:300 2000000 "
check "--stages: the rate asked is the stages' average, 150/s" jqe \
    '.runs[0].schedule.target_rps == 150' "$R"

# Coordinated omission: at 500/s with 10 connections, the server stalls
# every answer for 1 s in the middle of a 6 s run. The 500 requests due
# during the stall wait for it, so the corrected p99 is at least 500 ms;
# the uncorrected latency sees only the 10 requests in flight then.
stats_reset
fl_start -R 500 -c 10 -d 6s -q "$(URL /)"
sleep 2.5
curl -sf "$(URL /pause/1000)" > /dev/null
fl_wait "coordinated omission: -R 500 -c 10 -d 6s with a 1 s stall" 0
check "coordinated omission: corrected p99 >= 500 ms" jqe \
    '.runs[0].latency_us.p99 >= 500000' "$R"
check "coordinated omission: uncorrected p99 < 100 ms" jqe \
    '.runs[0].latency_uncorrected_us.p99 < 100000' "$R"
check "coordinated omission: hundreds of requests started late" jqe \
    '.runs[0].schedule | .late >= 300 and .max_lag_us >= 500000' "$R"

# A rate that 1 connection cannot keep at 10 ms a request: the summary
# says so.
fl_run "-R 1000 -c 1 -n 100 of /delay/10" 0 -R 1000 -c 1 -n 100 \
    "$(URL /delay/10)"
check "a rate not reached: the summary warns" \
    grep -q '^  Warning:   the target rate was not reached' "$FLOUT"
fl_run "-R 100 -n 50" 0 -R 100 -n 50 "$(URL /)"
check "a rate reached: no warning" \
    eval '! grep -q Warning "$FLOUT"'
check "-R: the summary has the uncorrected latency and the schedule" \
    grep -q '^  Uncorrected: min .*' "$FLOUT"

# --exec and --plugin pace task starts; they run under one engine only.
if [ "${FORKLOAD_ENGINE:-native}" = native ]; then
	fl_run "--exec -R 50 -n 20" 0 -R 50 -n 20 -c 4 -q --exec -- /bin/true
	check "--exec -R 50 -n 20: 20 tasks over >= 380 ms at 50/s ± 10%" jqe \
	    '.runs[0] | .requests.ok == 20 and .duration_us >= 380000 and
	    (.schedule.achieved_rps | . >= 45 and . <= 55)' "$R"
	fl_run "--plugin -R 50 -n 20" 0 -R 50 -n 20 -c 2 -q \
	    --plugin "$PLUGINS/ok.so"
	check "--plugin -R 50 -n 20: 20 tasks over >= 380 ms at 50/s ± 10%" \
	    jqe '.runs[0] | .requests.ok == 20 and .duration_us >= 380000 and
	    (.schedule.achieved_rps | . >= 45 and . <= 55)' "$R"
fi
