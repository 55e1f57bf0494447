# --shard I/N: shards run side by side on this machine, each its exact
# share of -n and -c (total / N, one more for the first total mod N), and
# under -R one ticket in N of a schedule whose union is even; --shard auto
# reads Slurm's and a Kubernetes Indexed Job's environment. Merging the
# reports is for `forkload merge`.
. tests/lib.sh
start_target
U=$(URL /)
N=4

# shards ARGS...: run shards 0-3 of one run at once; reports in $TMP/sI.json.
shards() {
	pids=
	for i in 0 1 2 3; do
		"$FL" run --shard "$i/$N" -o "$TMP/s$i.json" "$@" \
		    > "$TMP/s$i.out" 2> "$TMP/s$i.err" &
		pids="$pids $!"
	done
	rc=0
	for p in $pids; do wait "$p" || rc=$?; done
	eq "$1 $2 ...: all 4 shards exit 0" "$rc" 0
}

stats_reset
shards -n 1001 -c 10 --run-id side-by-side "$U"
eq "-n 1001 over 4 shards: the server counted 1001" "$(stats_total)" 1001
eq "-n 1001 -c 10: each shard ran its share of -n and -c" \
    "$(for i in 0 1 2 3; do jq -c '[.shard.index, .runs[0].requests.issued,
    .runs[0].concurrency]' "$TMP/s$i.json"; done | tr '\n' ' ')" \
    "[0,251,3] [1,250,3] [2,250,2] [3,250,2] "
check "-n 1001: every shard names the run id, the count, a host" jqe -s \
    'all(.[]; .shard.run_id == "side-by-side" and .run_id == "side-by-side"
    and .shard.count == 4 and (.shard.host | length) > 0)' \
    "$TMP/s0.json" "$TMP/s1.json" "$TMP/s2.json" "$TMP/s3.json"
check "-n 1001: a shard's report matches the schema" schema_ok "$TMP/s3.json"

check "-n 1001: a shard's summary names it" \
    grep -q '^forkload .*, shard 2/4 of run side-by-side: GET ' "$TMP/s2.out"

# Under -R the shards take every fourth ticket of one schedule: each runs
# a quarter of the rate, and their union holds it second by second.
stats_reset
shards -R 2000 -d 2s -c 20 --run-id paced --start-at +1s "$U"
n=$(stats_total)
check "-R 2000 -d 2s over 4 shards: 4000 ± 1% at the server ($n)" \
    [ "$n" -ge 3960 -a "$n" -le 4040 ]
check "-R 2000 over 4 shards: each shard asked 500/s" jqe -s \
    'all(.[]; .runs[0].schedule.target_rps == 500)' \
    "$TMP/s0.json" "$TMP/s1.json" "$TMP/s2.json" "$TMP/s3.json"
check "-R 2000 over 4 shards: the union starts 2000 ± 5% in each second" \
    jqe -s '[.[].runs[0].timeseries[] | select(.second < 2)] |
    group_by(.second) | map(map(.started) | add) | length == 2 and
    all(. >= 1900 and . <= 2100)' \
    "$TMP/s0.json" "$TMP/s1.json" "$TMP/s2.json" "$TMP/s3.json"
eq "--start-at: the shards report it" \
    "$(jqr "$TMP/s2.json" .config.start_at)" "+1s"

# --shard auto, from the environment of Slurm and of a Kubernetes pod.
(SLURM_PROCID=1 SLURM_NTASKS=3 SLURM_JOB_ID=77 && \
    export SLURM_PROCID SLURM_NTASKS SLURM_JOB_ID && \
    fl_exec --shard auto -n 9 -c 3 -q "$U")
eq "--shard auto (Slurm): shard 1 of 3 of job slurm-77, 3 requests" \
    "$(jq -c '[.shard.index, .shard.count, .run_id,
    .runs[0].requests.issued]' "$R")" '[1,3,"slurm-77",3]'
(JOB_COMPLETION_INDEX=2 HOSTNAME=load-2-x7k2q && \
    export JOB_COMPLETION_INDEX HOSTNAME && \
    fl_exec --shard auto --shards 4 -n 10 -c 4 -q "$U")
eq "--shard auto (Kubernetes): shard 2 of 4 of job k8s-load" \
    "$(jq -c '[.shard.index, .shard.count, .run_id,
    .runs[0].requests.issued]' "$R")" '[2,4,"k8s-load",2]'
# An Indexed Job's pod has the host name JOB-INDEX.
(JOB_COMPLETION_INDEX=3 FORKLOAD_SHARDS=4 HOSTNAME=big-job-3 && \
    export JOB_COMPLETION_INDEX FORKLOAD_SHARDS HOSTNAME && \
    fl_exec --shard auto -n 10 -c 4 -q "$U")
eq "--shard auto (Kubernetes, FORKLOAD_SHARDS): shard 3 of job k8s-big-job" \
    "$(jq -c '[.shard.index, .shard.count, .run_id]' "$R")" \
    '[3,4,"k8s-big-job"]'

# Bad shard input: exit 2, one line naming it, nothing sent.
stats_reset
badsh() {
	d=$1
	shift
	fl_exec -n 8 -c 4 -q "$@" "$U"
	if [ "$RC" -eq 2 ] && [ "$(wc -l < "$FLERR")" -eq 1 ] &&
	    grep -qF -- "$d" "$FLERR" && [ ! -e "$R" ]; then
		ok "rejects $d"
	else
		notok "rejects $d" "exit $RC: $(cat "$FLERR")"
	fi
}
badsh "--shard '4/4'" --shard 4/4 --run-id x
badsh "--shard '1/0'" --shard 1/0 --run-id x
badsh "--shard 'x'" --shard x --run-id x
badsh "a sharded run needs --run-id" --shard 1/2
badsh "-n 3 cannot be split over 4 shards" --shard 0/4 --run-id x -n 3
badsh "-c 2 cannot be split over 4 shards" --shard 0/4 --run-id x -c 2
badsh "--run-id 'a b'" --run-id "a b"
badsh "--shards is for --shard auto" --shards 4
badsh "--start-at '2001-01-01T00:00:00Z': the time has passed" \
    --start-at 2001-01-01T00:00:00Z
badsh "--start-at 'tomorrow'" --start-at tomorrow
badsh "--start-at '+25h': the time is over a day ahead" --start-at +25h
(unset SLURM_PROCID JOB_COMPLETION_INDEX; badsh \
    "neither SLURM_PROCID nor JOB_COMPLETION_INDEX" --shard auto)
(JOB_COMPLETION_INDEX=1 && export JOB_COMPLETION_INDEX && unset \
    FORKLOAD_SHARDS SLURM_PROCID && badsh "give --shards N" --shard auto)
(SLURM_PROCID=5 SLURM_NTASKS=3 && export SLURM_PROCID SLURM_NTASKS && \
    badsh "'5/3' from the environment" --shard auto)
eq "bad shard input: no request reached the server" "$(stats_total)" 0
