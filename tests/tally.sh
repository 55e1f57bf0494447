#!/bin/sh
# Count the TAP lines on stdin: "ok" lines are passes, except those with a
# "# SKIP" directive, which are skips; "not ok" lines are failures, whatever
# their directive. Prints "N passed, N failed, N skipped", after PREFIX when
# one is given, and exits 1 when anything failed.
ok=0 skipped=0 failed=0
while IFS= read -r line; do
	case $line in
	"not ok"*)
		failed=$((failed + 1)) ;;
	"ok "*"# SKIP"*|"ok "*"# skip"*)
		skipped=$((skipped + 1)) ;;
	"ok "*|ok)
		ok=$((ok + 1)) ;;
	esac
done
echo "${1:-}$ok passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
