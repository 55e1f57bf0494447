# One forkload command per row, run by each engine of ENGINES (tests/lib.sh)
# against forkload-target, nginx, or a refused port: the engines must agree
# on requests, status_codes, errors and http_versions, and each must agree
# with the server's own count (forkload-target's GET /stats, nginx's
# access log). With one engine, each agrees with itself; adding "native"
# to ENGINES is the only change the comparison needs.
. tests/lib.sh
# A run that hangs is ended by timeout(1) after this, and fails its checks.
FL_TIMEOUT=30

# The engines this forkload can run; one skip line for each other.
RUN=""
for E in $ENGINES; do
	if engine_args "$E" > /dev/null; then
		RUN="$RUN $E"
	else
		skip "$E: every row" "this forkload has no --engine option"
	fi
done

start_target
NGPORT=""
if [ -x /usr/sbin/nginx ]; then
	start_nginx || NGPORT=""
else
	skip "the nginx rows" "no /usr/sbin/nginx: run ./deps.sh"
fi
REFUSED=$(free_port)
printf 'put-from-a-file' > "$TMP/body"

# server_reset SERVER: zero the server's count before a run.
server_reset() {
	case $1 in
	target) stats_reset ;;
	nginx) : > "$TMP/nginx/access.log" ;;
	esac
}

# server_counts SERVER DESC: the report's ok + failed and status_codes
# are the server's own count of requests and of answers by status. nginx
# logs a request after its answer, so the log may lag the report: wait
# for it, up to 2 s.
server_counts() {
	got=$(jqr "$R" '.runs[0].requests | .ok + .failed')
	case $1 in
	target)
		curl -sf "$(URL /stats)" > "$TMP/stats"
		n=$(jqr "$TMP/stats" .requests)
		by=$(jq -cS .by_status "$TMP/stats") ;;
	nginx)
		i=0
		while [ "$(nginx_count)" -lt "$got" ] && [ $i -lt 20 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		n=$(nginx_count)
		by=$(awk '{ print $9 }' "$TMP/nginx/access.log" | jq -cSRn \
		    '[inputs] | group_by(.) | map({(.[0]): length}) | add // {}') ;;
	*)
		return ;;
	esac
	eq "$2: ok + failed is the server's count" "$got" "$n"
	eq "$2: status_codes are the server's" \
	    "$(jq -cS '.runs[0].status_codes' "$R")" "$by"
}

# conform CASE SERVER PATH N EXIT [ARGS...]: run N requests for PATH on
# SERVER (target, nginx, or refused: a port nobody listens on) with ARGS,
# on each engine in turn, and check that each exits EXIT, issues N, keeps
# the accounting identity, matches the server's count, and reports what
# the first engine reported. Each engine's report stays in $TMP/r.E.json
# for also.
conform() {
	c_case=$1 c_srv=$2 c_path=$3 c_n=$4 c_want=$5
	shift 5
	case $c_srv in
	target) c_port=$PORT ;;
	nginx) c_port=$NGPORT ;;
	refused) c_port=$REFUSED ;;
	esac
	[ -n "$c_port" ] || return 0
	c_first=""
	for E in $RUN; do
		c_d="$E: $c_case"
		server_reset "$c_srv"
		fl_run "$c_d" "$c_want" -q -n "$c_n" $(engine_args "$E") "$@" \
		    "http://127.0.0.1:$c_port$c_path"
		c_sig=$(jq -c '.runs[0] |
		    {requests, status_codes, errors, http_versions}' "$R")
		if [ -z "$c_first" ]; then
			c_first=$E
			c_ref=$c_sig
		fi
		eq "$c_d: requests, status_codes, errors and versions as $c_first's" \
		    "$c_sig" "$c_ref"
		eq "$c_d: issued" "$(jqr "$R" '.runs[0].requests.issued')" "$c_n"
		eq "$c_d: accounting identity" "$(identity "$R")" true
		server_counts "$c_srv" "$c_d"
		cp "$R" "$TMP/r.$E.json"
	done
}

# also DESC FILTER WANT: one more check of the last row, for each engine.
also() {
	for E in $RUN; do
		eq "$E: $c_case: $1" "$(jq -c "$2" "$TMP/r.$E.json")" "$3"
	done
}

# CASE SERVER PATH N EXIT ARGS
conform "GET" target / 200 0 -c 4
conform "HEAD" target / 50 0 -c 2 -m HEAD
conform "POST --data" target /echo 50 0 -c 2 --data hello-conformance
conform "PUT --data-file" target /echo 50 0 -c 2 -m PUT \
    --data-file "$TMP/body"
conform "headers" target / 50 0 -c 2 -H 'X-Conformance: 1' \
    -H 'Accept: text/plain' -H 'User-Agent: conformance'
conform "--no-keepalive" target / 50 0 -c 2 --no-keepalive
also "a connection per request" '.runs[0].phases_us.connect.count' 50
conform "status 503" target /status/503 20 1 -c 2
also "errors" '.runs[0].errors' '{"STATUS_503":20}'
conform "/drop" target /drop 10 1 -c 2
also "errors" '.runs[0].errors' '{"GOT_NOTHING":10}'
conform "1 MB bodies" target /bytes/1000000 20 0 -c 2
also "every body byte counted" '.runs[0].bytes.in >= 20000000' true
# The answers come 10 s after the runs, when the rows are done: none of
# them lands in another row's count.
conform "--timeout on /delay" target /delay/10000 4 1 -c 4 --timeout 200ms
also "errors" '.runs[0].errors' '{"OPERATION_TIMEDOUT":4}'
conform "refused port" refused / 10 1 -c 2
also "errors" '.runs[0].errors' '{"COULDNT_CONNECT":10}'

conform "nginx GET" nginx / 200 0 -c 4
conform "nginx HEAD" nginx / 50 0 -c 2 -m HEAD
conform "nginx POST --data" nginx / 50 0 -c 2 --data hello-conformance
conform "nginx PUT --data-file" nginx / 50 0 -c 2 -m PUT \
    --data-file "$TMP/body"
conform "nginx headers" nginx / 50 0 -c 2 -H 'X-Conformance: 1'
conform "nginx --no-keepalive" nginx / 50 0 -c 2 --no-keepalive
also "a connection per request" '.runs[0].phases_us.connect.count' 50
# gzip makes nginx send the answer chunked, kept alive.
conform "nginx chunked" nginx /chunked 50 0 -c 2 -H 'Accept-Encoding: gzip'
also "one connection per slot" '.runs[0].phases_us.connect.count' 2
conform "nginx 404" nginx /missing 20 1 -c 2
also "errors" '.runs[0].errors' '{"STATUS_404":20}'
