# Against a real nginx from Debian, on its own config and a free loopback
# port: the report's ok + failed equals nginx's access log exactly.
. tests/lib.sh
R="$TMP/r.json"
start_nginx || exit 0

"$FL" run -q -n 20000 -c 50 -o "$R" "http://127.0.0.1:$NGPORT/"
eq "nginx: 20000 at -c 50 exits 0" $? 0
sleep 0.2
eq "nginx: ok + failed is nginx's count" \
    "$(jqr "$R" '.runs[0].requests | .ok + .failed')" \
    "$(nginx_count)"
eq "nginx: all 20000 ok" "$(jqr "$R" '.runs[0].requests.ok')" 20000
check "nginx: report matches the schema" schema_ok "$R"
"$FL" run -q -n 50 -c 5 -o "$R" "http://127.0.0.1:$NGPORT/missing"
eq "nginx: 404 exits 1" $? 1
eq "nginx: status_codes" "$(jq -c '.runs[0].status_codes' "$R")" '{"404":50}'
