#!/bin/sh
# bench/run.sh: forkload side by side with wrk, h2load, ab and hey.
#
#   bench/run.sh                 all workloads (A-E), 3 rounds: < 10 minutes
#   bench/run.sh --quick         1 round, short runs, E at c=2000: < 2 minutes
#   bench/run.sh --only A,D      some workloads only
#   bench/run.sh --rounds 5      more rounds (the table shows the medians)
#   bench/run.sh --forkload PATH another forkload binary (or FORKLOAD=PATH)
#   bench/run.sh --no-install    do not apt-get the missing tools
#
# What it measures: a private nginx on a free 127.0.0.1 port (one worker,
# "/" answers "ok\n", "/4k" is a 4096-byte file) is loaded by each client in
# turn, the clients alternating within each workload. With 2 CPUs or more,
# nginx runs on CPU 0 and the client on CPU 1 (workloads D and E leave the
# client unpinned). For every client and workload the table gives the median
# req/s, the client's CPU seconds (user + system, its children and threads
# included, from wait4's rusage) per 100,000 requests, p50 and p99 latency
# as the tool reports them, and the errors summed over the rounds.
#
# How to read the ratios: each peer row shows forkload/peer. For req/s,
# above 1 means forkload is faster; for CPU/100k and p99, below 1 means
# forkload spends less CPU per request / has the lower tail latency.
#
# All the traffic goes to 127.0.0.1; every run is bounded in requests and
# time and is killed at a timeout. The details, and the JSON written to
# bench/results/<YYYY-MM-DD>-<hostname>.json, are described in bench.py.
set -eu

cd "$(dirname "$0")/.."
root=$(pwd)

# The options that matter here; everything is passed on to bench.py.
install=1
forkload=${FORKLOAD:-}
help=0
prev=
for a in "$@"; do
	case $prev in --forkload) forkload=$a ;; esac
	case $a in
	--no-install) install=0 ;;
	--forkload=*) forkload=${a#--forkload=} ;;
	-h|--help) help=1 ;;
	esac
	prev=$a
done

python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3 || echo /usr/bin/python3)

if [ "$help" = 1 ]; then
	exec "$python" "$root/bench/bench.py" "$@"
fi

# The clients and nginx open many sockets (workload E: 10,000 connections).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# Install the tools that are missing (Debian package names).
. "$root/bench/apt.sh"
if [ "$install" = 1 ]; then
	pkgs=
	[ -x /usr/sbin/nginx ] || pkgs="$pkgs nginx-light"
	command -v wrk >/dev/null 2>&1 || pkgs="$pkgs wrk"
	command -v h2load >/dev/null 2>&1 || pkgs="$pkgs nghttp2-client"
	command -v ab >/dev/null 2>&1 || pkgs="$pkgs apache2-utils"
	command -v hey >/dev/null 2>&1 || pkgs="$pkgs hey"
	command -v taskset >/dev/null 2>&1 || pkgs="$pkgs util-linux"
	[ -x /usr/bin/python3 ] || pkgs="$pkgs python3"
	if [ -n "$pkgs" ]; then
		# shellcheck disable=SC2086
		bench_install bench $pkgs
		[ -x /usr/bin/python3 ] && python=/usr/bin/python3
	fi
fi

# Build forkload when the default binary is missing.
if [ -z "$forkload" ] && [ ! -x "$root/build/forkload" ]; then
	echo "bench: build/forkload is missing: ./build.sh build" >&2
	./build.sh build >&2
fi

exec "$python" "$root/bench/bench.py" "$@"
