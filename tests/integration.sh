#!/bin/sh
# Run the integration scripts against one build directory, given as the
# argument or in $B (default build/), from the source tree that holds this
# script. Used by tests/run.sh and by make check-integration, so the list
# of scripts lives here only. Prints each check's "ok" or "not ok" line,
# then "# integration: N passed, N failed, N skipped"; exits 1 when a check
# failed.
set -u
cd "$(dirname "$0")/.."
B=${1:-${B:-build}}
export B
SCRIPTS="badinput http crash signals nginx exec plugin chaos summary hostile
    conformance"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for s in $SCRIPTS; do
	sh "tests/$s.sh" > "$tmp/$s"
	rc=$?
	cat "$tmp/$s"
	# A script that stops early, on a shell error say, must not pass
	# for the checks that it never reached.
	if [ $rc -ne 0 ]; then
		echo "not ok - $s: the script exited with status $rc"
	elif ! grep -q '^ok ' "$tmp/$s"; then
		echo "not ok - $s: no check passed or was skipped"
	fi
done | tee "$tmp/all"
sh tests/tally.sh "# integration: " < "$tmp/all"
