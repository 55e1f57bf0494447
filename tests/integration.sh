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
# The scripts that run HTTP run once per engine, FORKLOAD_ENGINE choosing
# it (their lines then read "http[curl]: ..."); the others run once, and
# hostile and conformance go through ENGINES (tests/lib.sh) themselves.
ENGINES="native curl"
HTTP_SCRIPTS="badinput http crash signals nginx chaos summary openloop targets series"
OTHER_SCRIPTS="exec plugin hostile conformance fuzz verdict shard k8s slurm install report"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# one SCRIPT [ENGINE]: run a script, and say so when it stops early, on a
# shell error say: it must not pass for the checks it never reached.
one() {
	out="$tmp/$1${2:+.$2}"
	FORKLOAD_ENGINE=${2:-} sh "tests/$1.sh" > "$out"
	rc=$?
	cat "$out"
	if [ $rc -ne 0 ]; then
		echo "not ok - $1${2:+[$2]}: the script exited with status $rc"
	elif ! grep -q '^ok ' "$out"; then
		echo "not ok - $1${2:+[$2]}: no check passed or was skipped"
	fi
}
{
	for e in $ENGINES; do
		for s in $HTTP_SCRIPTS; do
			one "$s" "$e"
		done
	done
	for s in $OTHER_SCRIPTS; do
		one "$s"
	done
} | tee "$tmp/all"
sh tests/tally.sh "# integration: " < "$tmp/all"
