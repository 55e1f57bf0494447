# Bad input: exit 2, one line on stderr naming the value, nothing on stdout,
# no -o file, and not one request sent.
. tests/lib.sh
start_target
stats_reset
U=$(URL /)
OUT="$TMP/out.json"

bad() {
	d=$1
	shift
	rm -f "$OUT"
	"$FL" run -o "$OUT" "$@" > "$TMP/stdout" 2> "$TMP/stderr"
	rc=$?
	lines=$(wc -l < "$TMP/stderr")
	if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && [ ! -s "$TMP/stdout" ] &&
	    [ ! -e "$OUT" ] && grep -qF -- "$d" "$TMP/stderr"; then
		ok "rejects $*"
	else
		notok "rejects $*" "exit $rc, $lines stderr lines, want 2 and 1" \
		    "stderr: $(head -3 "$TMP/stderr")" "want it to name: $d"
	fi
}

bad "'0'" -n 0 "$U"
bad "'-5'" -n -5 "$U"
bad "'abc'" -n abc "$U"
bad "99999999999999999999" -n 99999999999999999999 "$U"
bad "-c '0'" -c 0 "$U"
bad "-w '0'" -w 0 "$U"
bad "-w '100000'" -w 100000 "$U"
bad "'5x'" -d 5x "$U"
bad "'-1s'" --timeout -1s "$U"
bad "no URL" -n 5
bad "ftp://host/" ftp://host/
bad "'http://'" http://
bad "'not a url'" "not a url"

# URLs that pass our own check but not libcurl's parser: refused before
# any fork, named with libcurl's reason. Of the CURLUcode values in
# curl/urlapi.h (7.88), an http(s) URL given as an argument can only get
# these four (3 million random URLs made no other): MALFORMED_INPUT needs
# a URL over 8,000,000 bytes, and an argument holds at most 128 KiB;
# UNSUPPORTED_SCHEME, BAD_SCHEME and BAD_SLASHES are refused by our own
# check first (ftp:// above, "http:/x" is not a URL), as are the control
# characters and white space that BAD_PATH, BAD_QUERY and BAD_FRAGMENT
# need; the others come from parts or flags the engine does not use.
# The native engine's own parser refuses each of them too, before any
# fork, as --engine native says.
cu="libcurl cannot parse it:"
nu="the native engine cannot parse this URL"
urlbad() {
	bad "URL '$1': $cu $2" --engine curl "$1"
	bad "--engine native: URL '$1': $nu" --engine native "$1"
}
urlbad http://127.0.0.1:99999/ "Port number was not a decimal"
urlbad http://127.0.0.1:http/ "Port number"
urlbad 'http://[::1]:65536/' "Port number"
urlbad 'http://[::1/' "Bad IPv6 address"
urlbad 'http://[1:2:3:4:5:6:7:8:9]/' "Bad IPv6 address"
urlbad 'http://a{b}/' "Bad hostname"
urlbad 'http://user@/' "No host part in the URL"
# Found in the second URL: not one request goes to the first either.
bad "URL 'http://[zz]/': $cu Bad IPv6 address" --engine curl "$U" \
    'http://[zz]/'
bad "--engine native: URL 'http://[zz]/': $nu" --engine native "$U" \
    'http://[zz]/'
bad "'99'" --expect-status 99 "$U"
bad "'abc'" --expect-status abc "$U"
bad "'1,,5'" --sweep 1,,5 "$U"
bad "'0'" --sweep 0 "$U"
bad "'--bogus'" --bogus "$U"
bad "'-Z'" -Z "$U"
bad "NoColon" -H NoColon "$U"
bad "/nonexistent/file" --data-file /nonexistent/file "$U"
bad "'GET POST'" -m 'GET POST' "$U"
bad "'101%'" --max-errors 101% "$U"
bad "--follow '51'" --follow 51 "$U"
bad "--follow '-1'" --follow -1 "$U"
bad "--follow 'x'" --follow x "$U"
bad "-c and --sweep" -c 5 --sweep 1,2 "$U"
bad "needs a value" "$U" -n
# The HTTP engine: a name it knows, and what only libcurl can do.
bad "--engine 'bogus'" --engine bogus "$U"
bad "--engine native: URL 'https://127.0.0.1:1/'" --engine native \
    https://127.0.0.1:1/
bad "--engine native: --http2" --engine native --http2 "$U"
bad "--engine native: URL 'http://u:p@127.0.0.1:1/'" --engine native \
    http://u:p@127.0.0.1:1/
bad "--engine native: URL 'http://127.0.0.1:99999/'" --engine native \
    http://127.0.0.1:99999/
bad "--engine: a --exec or --plugin run" --engine curl --exec -- /bin/true
bad "-R '0'" -R 0 "$U"
bad "-R 'abc'" -R abc "$U"
bad "-R '10/h'" -R 10/h "$U"
bad "-R '100000000'" -R 100000000 "$U"
bad "--stages '2s'" --stages 2s "$U"
bad "--stages '2s:abc'" --stages 2s:abc "$U"
bad "--stages 'x:10'" --stages x:10 "$U"
bad "--stages '1s:5,,2s:1'" --stages 1s:5,,2s:1 "$U"
bad "--stages and --sweep" --stages 1s:5 --sweep 1,2 "$U"
bad "--stages sets the duration" --stages 1s:5 -d 2s "$U"
(FORKLOAD_ENGINE=bogus && export FORKLOAD_ENGINE && \
    bad "FORKLOAD_ENGINE 'bogus'" "$U")
(http_proxy=http://127.0.0.1:1 && export http_proxy && \
    bad "the proxy in http_proxy" --engine native "$U")

# -o into a missing directory: the -o is the bad value here.
rm -rf "$TMP/missing"
"$FL" run -o "$TMP/missing/r.json" "$U" > "$TMP/stdout" 2> "$TMP/stderr"
rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l < "$TMP/stderr")" -eq 1 ] &&
    grep -qF "$TMP/missing/r.json" "$TMP/stderr" && [ ! -e "$TMP/missing" ]; then
	ok "rejects -o into a missing directory"
else
	notok "rejects -o into a missing directory" "exit $rc: $(cat "$TMP/stderr")"
fi

# Concurrency beyond what the hard descriptor limit allows.
(ulimit -n 200 && "$FL" run -c 5000 -w 1 -n 10 "$U") > "$TMP/stdout" 2> "$TMP/stderr"
rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l < "$TMP/stderr")" -eq 1 ]; then
	ok "rejects concurrency above the hard fd limit"
else
	notok "rejects concurrency above the hard fd limit" "exit $rc: $(cat "$TMP/stderr")"
fi

eq "no request reached the server" "$(stats_total)" 0
