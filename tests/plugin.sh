# --plugin: crashes, aborts and hangs in plugin code are isolated, recorded
# with the task that caused them, and accounted for exactly.
. tests/lib.sh
P=$PLUGINS

fl_run "segv every 100th, --respawn" 0 -q -n 2000 -c 4 --respawn \
    --allow-crashes 100 --plugin "$P/segv.so"
eq "segv: exactly 20 crashes" "$(jqr "$R" '.runs[0].crashes | length')" 20
eq "segv: each crash names its task" \
    "$(jq -c '[.runs[0].crashes[].task_seq] | sort' "$R")" \
    "$(seq 37 100 1937 | jq -sc .)"
eq "segv: each crash is SIGSEGV" \
    "$(jq -c '[.runs[0].crashes[].signal] | unique' "$R")" '["SIGSEGV"]'
eq "segv: ok 1980, lost 20, not_run 0" \
    "$(jq -c '.runs[0].requests | [.ok, .lost, .not_run]' "$R")" '[1980,20,0]'
eq "segv: accounting identity" "$(identity "$R")" true
eq "segv: workers[] has every worker, replacements too" \
    "$(jqr "$R" '.runs[0] | (.workers | length) == 4 + .respawns')" true
eq "segv: each worker has its rusage" \
    "$(jqr "$R" '[.runs[0].workers[] | .cpu_user_us >= 0 and .max_rss_kb > 0] | all')" true
check "segv: report matches the schema" schema_ok "$R"

fl_run "segv, 20 crashes over --allow-crashes 19" 3 -q -n 2000 -c 4 \
    --respawn --allow-crashes 19 --plugin "$P/segv.so"
eq "segv over --allow-crashes 19: 20 crashes, nothing left unrun" \
    "$(jq -c '[(.runs[0].crashes | length), .runs[0].requests.not_run]' "$R")" \
    '[20,0]'

# --max-respawns stops a crash loop: one worker, 3 replacements, then no more.
fl_run "--max-respawns 3" 3 -q -n 2000 -c 1 --respawn --max-respawns 3 \
    --plugin "$P/segv.so"
eq "--max-respawns 3: 3 replacements, 4 crashes" \
    "$(jq -c '.runs[0] | [.respawns, (.crashes | length)]' "$R")" '[3,4]'
eq "--max-respawns 3: the rest is not_run" \
    "$(jq -c '.runs[0].requests | [.ok, .lost, .not_run]' "$R")" '[334,4,1662]'

fl_run "segv without --respawn" 3 -q -n 2000 -c 4 --plugin "$P/segv.so"
eq "segv without --respawn: every worker died" "$(jqr "$R" '.runs[0].crashes | length')" 4
eq "segv without --respawn: the rest is not_run" \
    "$(jqr "$R" '.runs[0].requests | .not_run == 2000 - .ok - .lost and .not_run > 0')" true
eq "segv without --respawn: accounting identity" "$(identity "$R")" true
# --allow-crashes covers the crash, not the work that nobody was left to do.
fl_run "one worker dies, --allow-crashes 5" 3 -q -n 100 -c 1 --allow-crashes 5 \
    --plugin "$P/segv.so"
eq "one worker dies: ok 37, lost 1, not_run 62" \
    "$(jq -c '.runs[0].requests | [.ok, .lost, .not_run]' "$R")" '[37,1,62]'
eq "one worker dies: the verdict names the work not run" \
    "$(jqr "$R" '.verdict.reasons[0]')" \
    "62 of 100 requests not run: no worker was left to run them"

fl_run "abort" 3 -q -n 20 -c 2 --plugin "$P/abort.so"
eq "abort: SIGABRT in task 3" "$(jq -c '[.runs[0].crashes[] | [.signal, .task_seq]]' "$R")" '[["SIGABRT",3]]'

t0=$(ms)
fl_run "hang" 3 -q -n 20 -c 2 --timeout 1s --plugin "$P/sleep.so"
t=$(($(ms) - t0))
eq "hang: recorded as hung in task 5" \
    "$(jq -c '[.runs[0].crashes[] | [.reason, .task_seq, .signal]]' "$R")" '[["hung",5,"SIGKILL"]]'
check "hang: the run ended within 5 s" [ "$t" -lt 5000 ]
eq "hang: the other tasks ran" "$(jqr "$R" '.runs[0].requests.ok')" 19
check "hang: the warning names the task" \
    grep -q 'task 5 has run past --timeout' "$FLERR"
# With stdout and stderr closed, the warning about the hang must not be
# taken for a signal.
rm -f "$R"
"$FL" run -q -n 20 -c 2 --timeout 1s -o "$R" --plugin "$P/sleep.so" >&- 2>&-
RC=$?
fl_check "hang, stdout and stderr closed" 3
eq "hang, stdout and stderr closed: not interrupted" \
    "$(jqr "$R" '.interrupted')" false
# One worker: when it hangs, the rest of the work waits for a replacement.
fl_run "hang with --respawn and --allow-crashes 1" 0 -q -n 20 -c 1 \
    --timeout 500ms --respawn --allow-crashes 1 --plugin "$P/sleep.so"
eq "hang with --respawn: one replacement" "$(jqr "$R" '.runs[0].respawns')" 1
eq "hang with --respawn: the replacement ran the rest" \
    "$(jq -c '.runs[0].requests | [.ok, .lost, .not_run]' "$R")" '[19,1,0]'
fl_run "hang without --respawn" 3 -q -n 20 -c 1 --timeout 500ms \
    --plugin "$P/sleep.so"
eq "hang without --respawn: the rest is not_run" \
    "$(jq -c '.runs[0].requests | [.ok, .lost, .not_run]' "$R")" '[5,1,14]'

fl_run "plugin error codes" 1 -q -n 100 -c 3 --plugin "$P/ok.so:7"
eq "plugin error codes: PLUGIN_7 for every tenth" "$(jq -c '.runs[0].errors' "$R")" '{"PLUGIN_7":10}'
fl_run "negative plugin code" 1 -q -n 100 -c 3 --plugin "$P/ok.so:-1"
eq "negative plugin code: PLUGIN_NEG1" "$(jq -c '.runs[0].errors' "$R")" '{"PLUGIN_NEG1":10}'
fl_run "ok plugin" 0 -q -n 100 -c 3 --plugin "$P/ok.so"
eq "ok plugin: -w equals -c" "$(jqr "$R" '.runs[0].workers | length')" 3

fl_run "init failure" 3 -q -n 10 -c 2 --respawn --plugin "$P/initfail.so"
eq "init failure: nothing ran" "$(jqr "$R" '.runs[0].requests.not_run')" 10
eq "init failure: not respawned, it would fail again" "$(jqr "$R" '.runs[0].respawns')" 0

for bad in nosym badapi missing; do
	fl_run "bad plugin $bad" 2 -q -n 5 --plugin "$P/$bad.so"
	if [ "$(wc -l < "$FLERR")" -eq 1 ] && grep -qF "$bad.so" "$FLERR" &&
	    [ ! -s "$FLOUT" ]; then
		ok "bad plugin $bad: one line that names it"
	else
		notok "bad plugin $bad: one line that names it" \
		    "stderr: $(cat "$FLERR")"
	fi
done
fl_run "-w with --plugin" 2 -q -n 5 -w 2 --plugin "$P/ok.so"
fl_run "URL with --plugin" 2 -q -n 5 --plugin "$P/ok.so" http://127.0.0.1:1/

if [ "$SANITIZED" -eq 0 ]; then
	fl_run "--worker-rlimit-as: a leaking plugin crashes its worker" 3 -q \
	    -n 200 -c 2 --worker-rlimit-as 256M --plugin "$P/leak.so"
	check "--worker-rlimit-as: crashes recorded" \
	    jqe '.runs[0].crashes | length >= 1' "$R"
	eq "--worker-rlimit-as: config" "$(jqr "$R" '.config.worker_rlimit_as')" 268435456
	eq "--worker-rlimit-as: accounting identity" "$(identity "$R")" true
else
	skip "--worker-rlimit-as" \
	    "sanitized build cannot run under an address-space limit"
fi
fl_run "--worker-rlimit-as 1K" 2 -q -n 5 --worker-rlimit-as 1K --plugin "$P/ok.so"

fl_run "-c 1500 with --plugin (a worker per task)" 2 -q -n 5 -c 1500 \
    --plugin "$P/ok.so"
check "-c 1500 with --plugin: the message names -c 1500" \
    grep -qF -- "-c 1500" "$FLERR"

# --timeout covers a plugin's init and fini as it covers its tasks.
for hook in init fini; do
	t0=$(ms)
	fl_run "$hook hangs" 3 -q -n 4 -c 1 --timeout 500ms \
	    --plugin "$P/hookhang.so:$hook"
	t=$(($(ms) - t0))
	eq "$hook hangs: recorded as hung, with no task" \
	    "$(jq -c '[.runs[0].crashes[] | [.reason, .task_seq]]' "$R")" \
	    '[["hung",null]]'
	check "$hook hangs: the run ended within 5 s" [ "$t" -lt 5000 ]
done

# A plugin's own child holds the worker's pipe open after the worker has
# gone: the run still ends once the worker is reaped.
t0=$(ms)
fl_run "a plugin's child holds the pipe" 0 -q -n 4 -c 1 \
    --plugin "$P/forker.so:$TMP/child.pid"
t=$(($(ms) - t0))
[ -s "$TMP/child.pid" ] && kill "$(cat "$TMP/child.pid")" 2> /dev/null
check "a plugin's child holds the pipe: the run ends within 5 s" \
    [ "$t" -lt 5000 ]
eq "a plugin's child holds the pipe: all 4 ok" \
    "$(jqr "$R" '.runs[0].requests.ok')" 4

# SIGINT lets the plugin tasks in flight run to their end: no EINTR.
fl_start -q -n 8 -c 2 --plugin "$P/slow.so:1000"
sleep 0.7
kill -INT $FPID
fl_wait "SIGINT in a plugin run" 130
eq "SIGINT in a plugin run: the tasks in flight finished, none lost" \
    "$(jq -c '.runs[0].requests | [.ok >= 1, .ok <= 2, .lost]' "$R")" \
    '[true,true,0]'
check "SIGINT in a plugin run: each took its full second" \
    jqe '.runs[0].latency_us.min >= 1000000' "$R"

# The parent dies during a plugin run: its workers go within a second.
kill_parent "parent killed in a plugin run" 3 0 -n 100 -c 3 --plugin "$P/slow.so:200"
