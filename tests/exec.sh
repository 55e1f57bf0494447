# --exec: a program per task, by execve and never through a shell, with the
# task's index in its environment, exit statuses and signals counted by name,
# and tasks over --timeout killed with their whole process group.
. tests/lib.sh

fl_run "500 tasks, every tenth fails" 1 -q -n 500 -c 4 \
    --exec -- /bin/sh -c 'exit $((FORKLOAD_SEQ % 10 == 3))'
eq "500 tasks: exactly 50 EXIT_1" "$(jq -c '.runs[0].errors' "$R")" '{"EXIT_1":50}'
eq "500 tasks: 450 ok" "$(jqr "$R" '.runs[0].requests.ok')" 450
eq "500 tasks: accounting identity" "$(identity "$R")" true
eq "500 tasks: config.engine" "$(jqr "$R" '.config.engine')" exec
check "500 tasks: report matches the schema" schema_ok "$R"

fl_run "missing program (a failed task, not a crash)" 1 -q -n 6 -c 2 \
    --exec -- "$TMP/no/such/program"
eq "missing program: EXEC_ENOENT per task" "$(jq -c '.runs[0].errors' "$R")" '{"EXEC_ENOENT":6}'
eq "missing program: no worker crashed" "$(jqr "$R" '.runs[0].crashes | length')" 0

# No shell: a script without #! is not run through /bin/sh.
printf 'exit 0\n' > "$TMP/noshebang"
chmod +x "$TMP/noshebang"
fl_run "no shell" 1 -q -n 2 -c 1 --exec -- "$TMP/noshebang"
eq "no shell: a script without #! fails with EXEC_ENOEXEC" \
    "$(jq -c '.runs[0].errors' "$R")" '{"EXEC_ENOEXEC":2}'

# The environment of each task.
fl_run "environment" 0 -q -n 20 -c 3 --exec -- /bin/sh -c \
    'echo "$FORKLOAD_SEQ $FORKLOAD_WORKER $FORKLOAD_RUN_ID" >> "$0"' "$TMP/env.log"
eq "environment: FORKLOAD_SEQ covers 0..19 once each" \
    "$(cut -d' ' -f1 "$TMP/env.log" | sort -n | tr '\n' ' ')" \
    "$(seq 0 19 | tr '\n' ' ')"
eq "environment: FORKLOAD_RUN_ID is the report's run_id" \
    "$(cut -d' ' -f3 "$TMP/env.log" | sort -u)" "$(jqr "$R" .run_id)"
eq "environment: FORKLOAD_WORKER names report workers" \
    "$(cut -d' ' -f2 "$TMP/env.log" | sort -u | tr '\n' ' ')" \
    "$(jq -r '[.runs[0].workers[].id | tostring] | join(" ")' "$R") "

# A signal that ends a task is counted by name.
fl_run "task killed by SIGSEGV" 1 -q -n 3 -c 1 --exec -- /bin/sh -c 'kill -SEGV $$'
eq "task killed by SIGSEGV: SIGNAL_SEGV" "$(jq -c '.runs[0].errors' "$R")" '{"SIGNAL_SEGV":3}'

# --timeout kills the task's whole process group.
mark="31.$$"
t0=$(ms)
fl_run "--timeout" 1 -q -n 3 -c 3 --timeout 300ms \
    --exec -- /bin/sh -c "sleep $mark & sleep $mark"
eq "--timeout: TIMEOUT per task" "$(jq -c '.runs[0].errors' "$R")" '{"TIMEOUT":3}'
check "--timeout: the run did not wait for the tasks" [ $(($(ms) - t0)) -lt 10000 ]
sleep 0.2
eq "--timeout: no grandchild left" "$(pgrep -f "sleep $mark" | wc -l)" 0

# --task-output keeps the output of failed tasks only.
mkdir "$TMP/out"
fl_run "--task-output" 1 -q -n 6 -c 2 --task-output "$TMP/out" --exec -- /bin/sh -c \
    'echo "out-$FORKLOAD_SEQ"; echo "err-$FORKLOAD_SEQ" >&2; exit $((FORKLOAD_SEQ % 2))'
eq "--task-output: files of failed tasks only" "$(ls "$TMP/out" | sort | tr '\n' ' ')" \
    "task-1.log task-3.log task-5.log "
eq "--task-output: stdout and stderr kept" "$(cat "$TMP/out/task-3.log" | tr '\n' ' ')" "out-3 err-3 "

mkdir "$TMP/sweep"
fl_run "--task-output with --sweep" 1 -q -n 2 --sweep 1,2 \
    --task-output "$TMP/sweep" --exec -- /bin/sh -c 'exit 1'
eq "--task-output with --sweep: one file per level and task" \
    "$(ls "$TMP/sweep" | sort | tr '\n' ' ')" \
    "c1-task-0.log c1-task-1.log c2-task-0.log c2-task-1.log "
eq "exec run: no timeout unless given" "$(jqr "$R" '.config.timeout_us')" null
eq "exec run: tool.libcurl is null" "$(jqr "$R" '.tool.libcurl')" null

# Bad input around --exec: exit 2, and no report.
fl_run "a word before -- with --exec" 2 -q -n 2 http://127.0.0.1:1/ \
    --exec -- /bin/true
fl_run "--exec without --" 2 -q -n 2 --exec /bin/true
fl_run "--exec with no command" 2 -q -n 2 --exec --
fl_run "--task-output into a missing directory" 2 -q -n 2 \
    --task-output "$TMP/nodir" --exec -- /bin/true
fl_run "--task-output without --exec" 2 -q -n 2 --task-output "$TMP/out" \
    http://127.0.0.1:1/

# The parent dies: workers and their task children go within a second.
kill_parent "parent killed in an exec run" 2 4 -n 100 -c 4 -w 2 --exec -- sleep "$mark"

# A task's background child goes when the task ends.
mkdir -p "$TMP/bg"
fl_run "background children" 0 -q -n 4 -c 2 --exec -- /bin/sh -c \
    'sleep 30 & echo $! > "$0/$FORKLOAD_SEQ"' "$TMP/bg"
left=""
for f in "$TMP"/bg/*; do
	p=$(cat "$f")
	gone "$p" 10 || { left="$left $p"; kill "$p" 2> /dev/null; }
done
eq "background children: killed when their task ended" "$left" ""
eq "background children: one pid file per task" "$(ls "$TMP/bg" | wc -l)" 4
