# The human summary, whole, against golden files: tests/golden/summary-*.txt.
# What varies from one run to the next is masked first: durations and
# latencies, req/s rates, the target's port, pids, forkload's version and
# the HTTP engine (the suite runs under each; http.sh checks the name).
# The rest is made fixed: the workers pinned with -w (a plugin run has one
# worker per -c), a single worker in the crash cases so that the same
# worker crashes with the same results every time, no core dumps, and
# fixed request headers so that the bytes out depend on neither the port's
# digits nor the version's length. forkload-target's answers are of fixed
# length: a status line, a fixed-length Date, and a fixed body.
# FORKLOAD_UPDATE_GOLDEN=1 rewrites the golden files from the build under
# test, as it does for test_report; read them before committing them.
. tests/lib.sh
start_target
# Absolute: the plugin cases run from the plugins' directory.
GOLDEN="$(pwd)/tests/golden"
# "(core dumped)" in a worker line would depend on the machine's settings.
ulimit -c 0
# A plugin named without a slash is ./LIB.so: run from the plugins, so
# that the summary names "./abort.so" and not the build directory.
FL="$(cd "$B" && pwd)/forkload"

# mask: the summary on stdin with what varies replaced by words in
# capitals. A duration is any number with a unit, as units.c prints it:
# 61us, 9.25ms, 1.50s, 2m03s, 1h02m03s.
mask() {
	sed -E \
	    -e 's/^forkload [^ ,:]+/forkload VERSION/' \
	    -e 's/^(forkload VERSION), (native|curl) engine:/\1, ENGINE engine:/' \
	    -e 's#(://(127\.0\.0\.1|\[::1\])):[0-9]+#\1:PORT#g' \
	    -e 's#[0-9]+\.[0-9]+ req/s#RATE req/s#g' \
	    -e 's/\(pid [0-9]+\)/(pid PID)/g' \
	    -e 's/\b([0-9]+h[0-9]{2}m[0-9]{2}s|[0-9]+m[0-9]{2}s|[0-9]+(\.[0-9]+)?(us|ms|s))\b/TIME/g'
}

# golden NAME WANT ARGS...: run forkload with ARGS, check its exit code as
# fl_run does, and compare its summary, masked, with
# tests/golden/summary-NAME.txt; a difference is shown as a unified diff.
# Nothing may go to stderr.
golden() {
	gn=$1
	gw=$2
	shift 2
	fl_run "$gn" "$gw" "$@"
	mask < "$FLOUT" > "$TMP/$gn.txt"
	gf="$GOLDEN/summary-$gn.txt"
	gd="the summary is tests/golden/summary-$gn.txt"
	if [ "${FORKLOAD_UPDATE_GOLDEN:-}" = 1 ]; then
		if cp "$TMP/$gn.txt" "$gf"; then
			skip "$gn: $gd" "FORKLOAD_UPDATE_GOLDEN=1 rewrote it"
		else
			notok "$gn: $gd" "cannot write $gf"
		fi
	elif diff -u "$gf" "$TMP/$gn.txt" > "$TMP/$gn.diff" 2>&1; then
		ok "$gn: $gd"
	else
		notok "$gn: $gd" \
		    "the masked summary differs; unmasked, it was:"
		sed 's/^/#   /' "$FLOUT"
		sed 's/^/# /' "$TMP/$gn.diff"
	fi
	if [ -s "$FLERR" ]; then
		notok "$gn: nothing on stderr" "$(head -5 "$FLERR")"
	else
		ok "$gn: nothing on stderr"
	fi
}

# The seed scenario, with its workers pinned.
golden sweep 0 -n 100 --sweep 1,5,10 --expect-status 200 -w 2 \
    -H 'Host: forkload-target' -H 'User-Agent: forkload-golden' "$(URL /)"

# Unexpected statuses and a transport error: round robin over a good URL,
# a 500 and a port where nothing listens; the verdict gives each reason,
# and a threshold's.
golden fail 1 -n 30 -c 3 -w 1 --threshold 'failed==0' --threshold 'ok==10' \
    -H 'Host: forkload-target' -H 'User-Agent: forkload-golden' \
    "$(URL /)" "$(URL /status/500)" "http://127.0.0.1:$(free_port)/"

# A plugin that aborts in task 3: one worker, so it dies with tasks 0-2
# delivered, and nobody is left for the rest.
cd "$PLUGINS" || exit 1
golden crash 3 -n 20 -c 1 --plugin abort.so

# A plugin that segfaults in tasks 37 and 137: two replacements, and a
# worker line for each crash.
golden respawn 3 -n 200 -c 1 --respawn --plugin segv.so
cd - > /dev/null || exit 1

# A program per task, every tenth failing.
golden exec 1 -n 20 -c 2 -w 1 --exec -- /bin/sh -c \
    'exit $((FORKLOAD_SEQ % 10 == 3))'
