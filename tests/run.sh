#!/bin/sh
# Run the whole suite against one build directory: the cmocka unit tests
# (TAP output), the style check and the integration scripts
# (tests/integration.sh). Every check prints one "ok - ..." or
# "not ok - ..." line, a skipped one "ok - ... # SKIP why"; the last line
# counts them all, and the exit status is 1 when anything failed.
set -u
cd "$(dirname "$0")/.."
B=${1:-build}
export B
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out="$tmp/out"
# Every line printed, for the count at the end.
all="$tmp/all"

unit() {
	t=$1
	CMOCKA_MESSAGE_OUTPUT=TAP "$B/tests/$t" > "$out" 2>&1
	rc=$?
	{
		grep -E '^(not )?ok ' "$out" |
		    sed "s/^\(\(not \)\?ok\) [0-9]* */\1 - $t: /"
		if [ $rc -ne 0 ] && ! grep -q '^not ok ' "$out"; then
			sed 's/^/# /' "$out" | tail -20
			echo "not ok - $t exited with status $rc"
		elif grep -q '^not ok ' "$out"; then
			grep -v -E '^(not )?ok ' "$out" | sed 's/^/# /' | tail -40
		fi
	} | tee -a "$all"
}

for t in test_config test_frame test_h1_plan test_h1_resp test_hist test_parent test_pertarget test_shm test_timer test_units test_sched test_status test_report test_series test_progress test_threshold; do
	unit "$t"
done
if top_srcdir=. tests/style.sh > "$out" 2>&1; then
	echo "ok - style: KNF mechanical rules"
else
	sed 's/^/# /' "$out" | head -20
	echo "not ok - style: KNF mechanical rules"
fi | tee -a "$all"
sh tests/integration.sh "$B" | tee -a "$all"
sh tests/tally.sh "# $B: " < "$all"
