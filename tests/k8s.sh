# Kubernetes, simulated faithfully: examples/kubernetes/forkload-job.yaml
# is parsed (tests/k8s_sim.py), and its container's command, args and env
# run once per index with JOB_COMPLETION_INDEX and the host name the Job
# controller gives, as the control plane would; only the target URL and
# the request count are set here. The shards must add up at the server.
. tests/lib.sh
start_target
PATH="$(cd "$B" && pwd):$PATH"
export PATH
D="$TMP/reports"
mkdir -p "$D"
J=examples/kubernetes/forkload-job.yaml

stats_reset
$PY tests/k8s_sim.py "$J" "$D" TARGET_URL="$(URL /)" REQUESTS=1001 \
    > "$TMP/pods" 2> "$TMP/sim.err"
eq "the Job's 4 pods ran and exited 0" "$(tr '\n' ' ' < "$TMP/pods")" \
    "0 0 1 0 2 0 3 0 "
eq "the server counted the Job's 1001 requests" "$(stats_total)" 1001
eq "each pod wrote its shard's report, with its share" \
    "$(for i in 0 1 2 3; do jq -c '[.shard.index, .shard.count, .run_id,
    .runs[0].requests.issued]' "$D/shard-$i.json"; done | tr '\n' ' ')" \
    '[0,4,"k8s-forkload",251] [1,4,"k8s-forkload",250] [2,4,"k8s-forkload",250] [3,4,"k8s-forkload",250] '

# A manifest that is not an Indexed Job is refused by the simulation.
sed 's/completionMode: Indexed/completionMode: NonIndexed/' "$J" > "$TMP/bad.yaml"
$PY tests/k8s_sim.py "$TMP/bad.yaml" "$D" > /dev/null 2>&1
eq "a Job that is not Indexed is refused" "$?" 1
