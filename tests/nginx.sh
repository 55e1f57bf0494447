# Against a real nginx from Debian, on its own config and a free loopback
# port: the report's ok + failed equals nginx's access log exactly.
. tests/lib.sh
start_nginx || exit 0

fl_run "nginx: 20000 at -c 50" 0 -q -n 20000 -c 50 "http://127.0.0.1:$NGPORT/"
sleep 0.2
eq "nginx: ok + failed is nginx's count" \
    "$(jqr "$R" '.runs[0].requests | .ok + .failed')" \
    "$(nginx_count)"
eq "nginx: all 20000 ok" "$(jqr "$R" '.runs[0].requests.ok')" 20000
check "nginx: report matches the schema" schema_ok "$R"
fl_run "nginx: 404" 1 -q -n 50 -c 5 "http://127.0.0.1:$NGPORT/missing"
eq "nginx: status_codes" "$(jq -c '.runs[0].status_codes' "$R")" '{"404":50}'
