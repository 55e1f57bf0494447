# Slurm for real: a private single-node cluster (tests/slurm_cluster.sh:
# munged, slurmctld and slurmd from Debian on loopback) runs
# examples/slurm/forkload.sbatch through sbatch --wait, as a user would
# submit it, with 4 tasks overcommitted (-O) onto the node's CPUs. The 4
# shard reports must be those of one run, with each shard's share, and
# add up at the server. A cluster that does not start is a failure, never
# a skip: this test exists to run Slurm.
. tests/lib.sh
. tests/slurm_cluster.sh
trap 'slurm_cluster_stop; cleanup' EXIT
start_target
PATH="$(cd "$B" && pwd):$PATH"
export PATH
S=examples/slurm/forkload.sbatch
D="$TMP/reports"

t0=$(ms)
if ! slurm_cluster_start; then
	notok "the cluster did not start"
	slurm_cluster_logs 2>&1 | sed 's/^/# /'
	exit 1
fi
ok "the cluster started, its node idle"
echo "# the cluster took $(($(ms) - t0)) ms to start"

stats_reset
# sbatch copies the script, runs it on the node from the directory given
# by -D, with this environment (PATH to this build, the URL and the
# counts); --wait returns the job's exit code.
t0=$(ms)
FORKLOAD_REQUESTS=1001 FORKLOAD_CONNECTIONS=8 FORKLOAD_REPORTS="$D" \
    timeout -k 5 120 sbatch --wait -O -D "$TMP" -o "$TMP/job.out" \
    "$S" "$(URL /)" > "$TMP/sbatch.out" 2> "$TMP/sbatch.err"
rc=$?
job=$(sed -n 's/^Submitted batch job \([0-9]*\)$/\1/p' "$TMP/sbatch.out")
eq "sbatch --wait: the job ran and exited 0" "$rc" 0
echo "# the job took $(($(ms) - t0)) ms, from sbatch to its end"
if [ $rc -ne 0 ]; then
	notok "the job's output"
	cat "$TMP/sbatch.err" "$TMP/job.out" 2>&1 | tail -5 | sed 's/^/# /'
fi
check "sbatch gave the job id" [ -n "$job" ]
eq "the job wrote 4 shard reports" \
    "$(ls "$D" 2>/dev/null | tr '\n' ' ')" \
    "shard-0.json shard-1.json shard-2.json shard-3.json "
eq "each shard: its index, the count 4, the job's run id, its share" \
    "$(for i in 0 1 2 3; do jq -c '[.shard.index, .shard.count, .run_id,
    .runs[0].requests.issued]' "$D/shard-$i.json" 2>&1; done | tr '\n' ' ')" \
    "[0,4,\"slurm-$job\",251] [1,4,\"slurm-$job\",250] \
[2,4,\"slurm-$job\",250] [3,4,\"slurm-$job\",250] "
eq "every shard ran on this node" \
    "$(cat "$D"/shard-*.json 2>/dev/null | jq -r .shard.host | sort -u)" \
    "$(hostname)"
eq "every shard's requests came back ok" \
    "$(cat "$D"/shard-*.json 2>/dev/null |
    jq -s '[.[].runs[0].requests.ok] | add')" 1001
eq "the server counted the sum of the shards, 1001" "$(stats_total)" 1001

# A run that fails its verdict fails the job: srun, then the script, exit
# non-zero, and sbatch --wait gives the job's exit code. Nothing listens
# on the port.
t0=$(ms)
FORKLOAD_REQUESTS=8 FORKLOAD_CONNECTIONS=4 FORKLOAD_REPORTS="$TMP/down" \
    timeout -k 5 120 sbatch --wait -O -D "$TMP" -o "$TMP/job2.out" \
    "$S" "http://127.0.0.1:$(free_port)/" > /dev/null 2>&1
rc=$?
eq "a job whose shards fail their verdict exits 1" "$rc" 1
echo "# the failing job took $(($(ms) - t0)) ms"
eq "each failed shard's report gives exit code 1" \
    "$(cat "$TMP"/down/shard-*.json 2>/dev/null |
    jq -r .verdict.exit_code | tr '\n' ' ')" "1 1 1 1 "
