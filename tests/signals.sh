# Signals: SIGINT and SIGTERM stop the run with a valid partial report and
# exit 130; a parent killed outright takes every worker with it.
. tests/lib.sh
start_target

for sig in INT TERM; do
	fl_start -q -d 20s -c 8 "$(URL /delay/20)"
	sleep 0.7
	ws=$(pgrep -P $FPID)
	kill -$sig $FPID
	fl_wait "SIG$sig" 130
	eq "SIG$sig: report says interrupted" "$(jqr "$R" '.interrupted')" true
	check "SIG$sig: partial report matches the schema" schema_ok "$R"
	eq "SIG$sig: accounting identity" "$(identity "$R")" true
	check "SIG$sig: some requests done" jqe '.runs[0].requests.ok > 0' "$R"
	left=""
	for w in $ws; do gone "$w" 10 || left="$left $w"; done
	eq "SIG$sig: no worker left" "$left" ""
done

# SIGINT during a sweep stops the sweep too.
fl_start -q -n 100000 --sweep 2,4 "$(URL /delay/20)"
sleep 0.5
kill -INT $FPID
fl_wait "SIGINT in a sweep" 130
eq "SIGINT in a sweep: later levels not run" "$(jqr "$R" '.runs | length')" 1

# The parent dies without a word: its workers follow within a second.
kill_parent "parent killed" 4 0 -d 20s -c 8 -w 4 "$(URL /delay/20)"
