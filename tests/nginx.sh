# Against a real nginx from Debian, on its own config and a free loopback
# port: the report's ok + failed equals nginx's access log exactly.
. tests/lib.sh
R="$TMP/r.json"
NGINX=/usr/sbin/nginx
if [ ! -x "$NGINX" ]; then
	notok "nginx is installed" "run ./deps.sh"
	exit 0
fi
port=$(free_port)
mkdir -p "$TMP/nginx"
user=""
[ "$(id -u)" -eq 0 ] && user="user root;"
cat > "$TMP/nginx/nginx.conf" <<CONF
$user
worker_processes 1;
pid $TMP/nginx.pid;
error_log $TMP/nginx/error.log;
events { worker_connections 1024; }
http {
	access_log $TMP/nginx/access.log;
	client_body_temp_path $TMP/nginx/body;
	proxy_temp_path $TMP/nginx/proxy;
	fastcgi_temp_path $TMP/nginx/fastcgi;
	uwsgi_temp_path $TMP/nginx/uwsgi;
	scgi_temp_path $TMP/nginx/scgi;
	keepalive_requests 1000000;
	server {
		listen 127.0.0.1:$port;
		location / { return 200 "ok\n"; }
		location /missing { return 404; }
	}
}
CONF
"$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log"
i=0
while ! curl -sf "http://127.0.0.1:$port/" > /dev/null && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
: > "$TMP/nginx/access.log"

"$FL" run -q -n 20000 -c 50 -o "$R" "http://127.0.0.1:$port/"
eq "nginx: 20000 at -c 50 exits 0" $? 0
sleep 0.2
eq "nginx: ok + failed is nginx's count" \
    "$(jqr "$R" '.runs[0].requests | .ok + .failed')" \
    "$(wc -l < "$TMP/nginx/access.log" | tr -d ' ')"
eq "nginx: all 20000 ok" "$(jqr "$R" '.runs[0].requests.ok')" 20000
check "nginx: report matches the schema" schema_ok "$R"
"$FL" run -q -n 50 -c 5 -o "$R" "http://127.0.0.1:$port/missing"
eq "nginx: 404 exits 1" $? 1
eq "nginx: status_codes" "$(jq -c '.runs[0].status_codes' "$R")" '{"404":50}'
