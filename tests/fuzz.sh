#!/bin/sh
# The fuzz corpus, tests/fuzz/corpus/, replayed through the h1_resp.c
# harness built as a plain program: every invariant the fuzzer checks must
# hold on every input kept (tests/fuzz/README says how it was made).
. tests/lib.sh

n=$(find tests/fuzz/corpus -type f ! -name '.*' | wc -l)
out=$("$B/tests/fuzz/replay_h1_resp" tests/fuzz/corpus 2> "$TMP/err")
rc=$?
if [ $rc -eq 0 ] && [ "$n" -gt 0 ] && [ "$out" = "replayed $n inputs" ]; then
	ok "replays $n inputs"
else
	notok "replays $n inputs" "exit status $rc, said '$out'" \
	    "$(tail -5 "$TMP/err")"
fi
