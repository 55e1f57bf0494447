# Chaos: an HTTP run against nginx at -c 100 while a random worker is killed
# with SIGKILL every 200 ms for 5 s. With --respawn the run goes on, the
# books stay exact, and nginx's own count lies between ok and
# ok + failed + lost.
. tests/lib.sh
start_nginx || exit 0

fl_start -q -d 7s -c 100 -w 2 --respawn --max-respawns 1000 \
    --allow-crashes 1000 "http://127.0.0.1:$NGPORT/"
f=$FPID
sleep 0.5
kills=0
end=$(($(ms) + 5000))
while [ "$(ms)" -lt "$end" ]; do
	# A zombie would take the kill without a new crash: skip them.
	w=$(ps -o pid=,stat= --ppid $f | awk '$2 !~ /^Z/ { print $1 }' |
	    shuf -n 1)
	if [ -n "$w" ]; then
		kill -9 "$w" 2>/dev/null && kills=$((kills + 1))
	fi
	sleep 0.2
done
fl_wait "the run under --allow-crashes 1000" 0
sleep 0.3
served=$(nginx_count)
check "workers were killed" [ "$kills" -ge 10 ]
eq "every kill is a recorded crash" \
    "$(jqr "$R" '.runs[0].crashes | length')" "$kills"
eq "a replacement for each crash" "$(jqr "$R" '.runs[0].respawns')" "$kills"
eq "accounting identity" "$(identity "$R")" true
check "nginx's count between ok and ok + failed + lost" \
    jqe --argjson s "$served" '.runs[0].requests |
    .ok <= $s and $s <= (.ok + .failed + .lost)' "$R"
eq "a healthy nginx gives no failures" "$(jqr "$R" '.runs[0].requests.failed')" 0
check "report matches the schema" schema_ok "$R"
