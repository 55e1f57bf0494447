# --targets: the requests of a file (vegeta's format or JSON lines) reach a
# server that records each one, in the right proportions, with their own
# method, headers and body; --targets-order random is replayable by its
# seed; a bad file is bad input that names its line.
. tests/lib.sh
$PY tests/servers/recorder.py > "$TMP/rport" &
RPID=$!
RP=$(read_port "$TMP/rport")
[ -n "$RP" ] || { notok "recorder.py did not start"; kill "$RPID"; exit 0; }
RU="http://127.0.0.1:$RP"
seen() { curl -sf "$RU/__log"; }
forget() { curl -sf -X DELETE "$RU/__log" > /dev/null; }

printf '{"a":1}' > "$TMP/body.json"
cat > "$TMP/t.txt" <<EOT
# three targets, as vegeta writes them
GET $RU/one
X-Tag: first

POST $RU/two
Content-Type: application/json
@$TMP/body.json

PUT $RU/three?x=1
X-Tag: third
EOT
forget
fl_run "--targets, 3 targets" 0 -n 300 -c 4 -q --targets "$TMP/t.txt"
eq "--targets: each target's request, 100 times" "$(seen)" \
    '{"GET /one|first|": 100, "POST /two||{\"a\":1}": 100, "PUT /three?x=1|third|": 100}'
eq "--targets: the report lists them and the file" \
    "$(jq -c '[(.config.urls | length), .config.targets, .config.targets_order, .config.seed]' "$R")" \
    "[3,\"$TMP/t.txt\",\"round-robin\",null]"
check "--targets: report matches the schema" schema_ok "$R"

# JSON lines, from standard input: headers as arrays or strings, the body
# in base64 ("aGk=" is "hi"); -H goes to every target.
forget
printf '%s\n' \
    "{\"method\": \"DELETE\", \"url\": \"$RU/a\", \"header\": {\"X-Tag\": [\"j\"]}}" \
    "" \
    "{\"method\": \"PATCH\", \"url\": \"$RU/b\", \"body\": \"aGk=\", \"header\": {\"X-Other\": \"1\"}}" |
    fl_exec -n 100 -c 3 -q -H "X-Tag: all" --targets -
eq "--targets - (JSON lines) exits 0" "$RC" 0
eq "--targets JSON: -H first, then each target's own, and the body" "$(seen)" \
    '{"DELETE /a|all|": 50, "PATCH /b|all|hi": 50}'

# A random order: the seed replays it; the counts are not round-robin's.
forget
fl_run "--targets-order random --seed 7" 0 -n 300 -c 4 -q \
    --targets "$TMP/t.txt" --targets-order random --seed 7
first=$(seen)
forget
fl_run "--targets-order random --seed 7, again" 0 -n 300 -c 2 -w 1 -q \
    --targets "$TMP/t.txt" --targets-order random --seed 7
eq "--seed 7: the same requests to the same targets" "$(seen)" "$first"
check "--targets-order random: not 100 each, 300 in all" jqe -n \
    --argjson s "$first" '[$s[]] | add == 300 and any(. != 100)'
eq "--targets-order random: the report has the order and the seed" \
    "$(jq -c '[.config.targets_order, .config.seed]' "$R")" '["random",7]'
fl_run "--targets-order random, no seed" 0 -n 10 -q --targets "$TMP/t.txt" \
    --targets-order random
check "--targets-order random: a seed drawn is reported" jqe \
    '.config.seed | type == "number"' "$R"

# Bad files: exit 2, one line naming the file and the line, nothing sent.
forget
badt() {
	d=$1
	shift
	fl_exec -n 5 -q "$@"
	if [ "$RC" -eq 2 ] && [ "$(wc -l < "$FLERR")" -eq 1 ] &&
	    grep -qF -- "$d" "$FLERR" && [ ! -e "$R" ]; then
		ok "rejects $d"
	else
		notok "rejects $d" "exit $RC: $(cat "$FLERR")"
	fi
}
if [ "${FORKLOAD_ENGINE:-native}" = native ]; then
	printf 'X-Tag: 1\nGET %s/\n' "$RU" > "$TMP/b1"
	badt "$TMP/b1:1: a target starts with a line 'METHOD URL'" \
	    --targets "$TMP/b1"
	printf 'GET %s/\nX-Tag: 1\nno colon here\n' "$RU" > "$TMP/b2"
	badt "$TMP/b2:3: header needs the form" --targets "$TMP/b2"
	printf '\n\nG(T %s/\n' "$RU" > "$TMP/b3"
	badt "$TMP/b3:3: method must be a single token" --targets "$TMP/b3"
	printf 'GET %s/\n\nGET ftp://127.0.0.1/\n' "$RU" > "$TMP/b4"
	badt "$TMP/b4:3: only http:// and https://" --targets "$TMP/b4"
	printf 'POST %s/\n@%s/missing\n' "$RU" "$TMP" > "$TMP/b5"
	badt "$TMP/b5:2: No such file" --targets "$TMP/b5"
	printf 'POST %s/\n@%s\n@%s\n' "$RU" "$TMP/body.json" \
	    "$TMP/body.json" > "$TMP/b6"
	badt "$TMP/b6:3: a target has one body" --targets "$TMP/b6"
	printf '{"method": "GET", "url": "%s/"}\n{"method": "GET"\n' \
	    "$RU" > "$TMP/b7"
	badt "$TMP/b7:2: not JSON" --targets "$TMP/b7"
	printf '{"method": "GET", "url": "%s/", "headers": {}}\n' \
	    "$RU" > "$TMP/b8"
	badt "$TMP/b8:1: unknown key 'headers'" --targets "$TMP/b8"
	printf '{"method": "POST", "url": "%s/", "body": "a*b"}\n' \
	    "$RU" > "$TMP/b9"
	badt "$TMP/b9:1: 'body' is not base64" --targets "$TMP/b9"
	printf '# nothing\n\n' > "$TMP/b10"
	badt "'$TMP/b10': no targets" --targets "$TMP/b10"
	badt "'$TMP/none': No such file" --targets "$TMP/none"
	badt "--targets and URLs" --targets "$TMP/t.txt" "$RU/"
	badt "--targets is for HTTP runs" --targets "$TMP/t.txt" \
	    --exec -- /bin/true
	badt "--seed is for --targets-order random" --seed 5 "$RU/"
	badt "--targets-order 'sorted'" --targets-order sorted "$RU/"
	eq "bad target files: no request reached the server" "$(seen)" "{}"
fi
kill "$RPID"
