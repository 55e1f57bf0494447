#!/bin/sh
# bench/openloop.sh: forkload's open loop (-R) side by side with httperf --rate.
#
#   bench/openloop.sh                      rates 1000,5000,10000,20000, 10 s
#                                          runs, 3 rounds: about 13 minutes
#   bench/openloop.sh --rates 1000,5000 --duration 5 --rounds 1   shorter
#   bench/openloop.sh --profile            also perf-record forkload -R to
#                                          see what the scheduler costs
#   bench/openloop.sh --forkload PATH      another binary (or FORKLOAD=PATH)
#   bench/openloop.sh --no-install         do not apt-get httperf/nginx
#   bench/openloop.sh --clients native,httperf   some clients only
#
# What it measures. A private nginx (the one bench/bench.py starts: one
# worker, "/" answers "ok\n", on a free 127.0.0.1 port, pinned to CPU 0,
# plus a stub_status location that this script reads to count what the
# server got) is loaded at each rate by, alternating within each round:
#
#   native      forkload run -R r -c C -w 1 -d Ds --engine native (keep-alive)
#   curl        the same with --engine curl
#   native-nka  native with --no-keepalive: a new TCP connection per request,
#               the same work on the wire as httperf below
#   httperf     httperf --rate r --num-conns r*D --num-calls 1: httperf's
#               open loop, one request per new connection, connections
#               started on a fixed schedule (its only fixed per-request
#               schedule; --hog is left out: on Linux connect() picks the
#               port and reuses loopback TIME_WAIT ports, --hog's own
#               binding does not)
#   httperf-ka  httperf --rate r/10 --num-calls 10: keep-alive, connections
#               on a schedule but 10 back-to-back requests in each, so the
#               requests are not on a fixed schedule; a CPU reference only
#   closed      once per round: forkload closed loop -c 1 -w 1 -d Ds, the
#               scheduler off, at whatever rate one connection reaches
#
# C = max(10, r/100): 10 ms of headroom over rate x latency. The client is
# pinned to CPU 1. Every run is bounded by -d / --num-conns, killed at a
# timeout (httperf gets SIGINT first, so that it still prints its stats).
#
# Figures (the table shows the medians over rounds):
#   rate      the tool's own achieved rate: forkload's schedule.achieved_rps
#             (starts between the first and the last), httperf's "Request
#             rate" (requests over its test duration, which runs to the
#             last reply).
#   err%      rate / target - 1, in %.
#   srv%      what nginx counted (stub_status, before and after) over
#             target x D, - 1, in %: a count no tool reports itself.
#   CPU/100k  client CPU seconds (user + sys, wait4's rusage of the client,
#             its workers included) per 100,000 completed requests; "x ht"
#             is that over httperf's (--num-calls 1) at the same rate,
#             "x ka" over httperf-ka's.
#   late, lag forkload's schedule.late (started > 1 ms after due) and
#             schedule.max_lag_us.
# Raw rounds go to bench/results/<date>-<host>-openloop.json.
set -eu

cd "$(dirname "$0")/.."
root=$(pwd)
install=1
for a in "$@"; do
	case $a in --no-install) install=0 ;; esac
done
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

if [ "$install" = 1 ]; then
	. "$root/bench/apt.sh"
	pkgs=
	command -v httperf >/dev/null 2>&1 || pkgs="$pkgs httperf"
	[ -x /usr/sbin/nginx ] || pkgs="$pkgs nginx-light"
	command -v taskset >/dev/null 2>&1 || pkgs="$pkgs util-linux"
	# shellcheck disable=SC2086
	bench_install openloop $pkgs
fi

OPENLOOP_ROOT=$root exec python3 - "$@" <<'PYTHON'
import argparse, datetime, json, os, platform, re, shutil, signal
import statistics, subprocess, sys, tempfile, time, urllib.request

ROOT = os.environ["OPENLOOP_ROOT"]
sys.path.insert(0, os.path.join(ROOT, "bench"))
import bench  # noqa: E402  (its nginx, run_measured and helpers)

log = bench.log
CLIENTS = ["native", "curl", "native-nka", "httperf", "httperf-ka"]

# bench.py's nginx, plus a stub_status location to count what it got.
bench.NGINX_CONF = bench.NGINX_CONF.replace(
    "location = /4k",
    "location = /nginx_status {{ stub_status; }}\n        location = /4k")


def server_requests(nginx):
    with urllib.request.urlopen(nginx.url("/nginx_status"), timeout=5) as r:
        text = r.read().decode()
    # "server accepts handled requests\n A H R"
    return int(text.splitlines()[2].split()[2])


def argv_for(client, rate, d, url, port, forkload):
    c = max(10, rate // 100)
    fl = [forkload, "run", "-q", "--json", "-w", "1", "-d", "%ds" % d]
    if client == "closed":
        return fl + ["-c", "1", "--engine", "native", url]
    if client in ("native", "curl", "native-nka"):
        a = fl + ["-R", str(rate), "-c", str(c), "--engine",
                  "curl" if client == "curl" else "native"]
        if client == "native-nka":
            a.append("--no-keepalive")
        return a + [url]
    calls = 10 if client == "httperf-ka" else 1
    return ["timeout", "-s", "INT", str(d + 10), "httperf",
            "--server", "127.0.0.1", "--port", str(port), "--uri", "/",
            "--rate", "%g" % (rate / calls),
            "--num-conns", str(rate * d // calls), "--num-calls", str(calls),
            "--timeout", "5"]


def parse_forkload(out, rate):
    r = json.loads(out)["runs"][0]
    s = r.get("schedule") or {}
    req = r["requests"]
    return dict(issued=req["issued"], ok=req["ok"],
                errors=req["failed"] + req["lost"],
                not_run=req["not_run"],
                rate=s.get("achieved_rps") or r["throughput_rps"],
                late=s.get("late"), max_lag_us=s.get("max_lag_us"),
                p50_us=r["latency_us"]["p50"], p99_us=r["latency_us"]["p99"],
                p99_uncorr_us=r["latency_uncorrected_us"]["p99"])


def parse_httperf(out, rate):
    m = re.search(r"Total: connections (\d+) requests (\d+) replies (\d+) "
                  r"test-duration ([\d.]+) s", out)
    if not m:
        raise ValueError("no Total line")
    rr = float(re.search(r"Request rate: ([\d.]+) req/s", out).group(1))
    ok = int(re.search(r"2xx=(\d+)", out).group(1))
    err = int(re.search(r"Errors: total (\d+)", out).group(1))
    fdu = int(re.search(r"fd-unavail (\d+)", out).group(1))
    return dict(issued=int(m.group(2)), ok=ok, errors=err, fd_unavail=fdu,
                test_duration_s=float(m.group(4)), rate=rr)


def one(client, rate, d, nginx, args, tmpdir, pin):
    argv = argv_for(client, rate, d, nginx.url("/"), nginx.port,
                    args.forkload)
    if pin:
        argv = ["taskset", "-c", "1"] + argv
    load = round(os.getloadavg()[0], 2)
    before = server_requests(nginx)
    res = bench.run_measured(argv, d + 25, tmpdir)
    srv = server_requests(nginx) - before - 1
    rec = dict(argv=argv, rc=res["rc"], wall_s=res["wall_s"],
               cpu_s=round(res["user_s"] + res["sys_s"], 3),
               cpu_user_s=res["user_s"], cpu_sys_s=res["sys_s"],
               server_requests=srv, timed_out=res["timed_out"],
               loadavg_before=load)
    try:
        p = parse_httperf if client.startswith("httperf") else parse_forkload
        rec.update(p(res["stdout"] + ("\n" + res["stderr"] if
                   client.startswith("httperf") else ""), rate))
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as e:
        rec.update(status="failed", error=str(e),
                   stderr_tail=res["stderr"][-1500:],
                   stdout_tail=res["stdout"][-1500:])
        log("%6s %-10s FAILED (exit %d): %s" % (rate, client, res["rc"], e))
        return rec
    rec["status"] = "ok"
    rec["cpu_per_100k_s"] = round(rec["cpu_s"] / rec["ok"] * 1e5, 4) \
        if rec["ok"] else None
    if client != "closed":
        rec["err_pct"] = round((rec["rate"] / rate - 1) * 100, 3)
        rec["srv_pct"] = round((srv / (rate * d) - 1) * 100, 3)
    log("%6s %-10s %9.1f req/s  issued %7d  ok %7d  srv %7d  cpu %.2fs  "
        "err %d%s" % (rate if client != "closed" else "-", client,
                      rec["rate"], rec["issued"], rec["ok"], srv,
                      rec["cpu_s"], rec["errors"],
                      "  late %s lag %.1f ms" % (rec["late"],
                                                 rec["max_lag_us"] / 1e3)
                      if rec.get("late") is not None else ""))
    return rec


def med(recs, key):
    v = [r[key] for r in recs if r.get("status") == "ok"
         and r.get(key) is not None]
    return statistics.median(v) if v else None


def fmt(v, f):
    return "-" if v is None else f % v


def profile(nginx, args, pin, d):
    """perf record forkload -R r: the share of samples in the schedule's
    own functions (sched_*, worker_next/claim, timer_*)."""
    out = {}
    if not shutil.which("perf"):
        return out
    for rate in (1000, 10000):
        data = tempfile.mktemp(prefix="openloop-perf-")
        argv = ["perf", "record", "-q", "-e", "cpu-clock", "-F", "10000",
                "-o", data, "--"]
        if pin:
            argv += ["taskset", "-c", "1"]
        argv += argv_for("native", rate, d, nginx.url("/"), nginx.port,
                         args.forkload)
        try:
            subprocess.run(argv, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=d + 30)
            rep = subprocess.run(
                ["perf", "report", "-i", data, "--stdio", "--no-children",
                 "--comm", "forkload", "--sort", "dso,sym",
                 "--percent-limit", "0"], capture_output=True, text=True,
                timeout=120).stdout
        except (OSError, subprocess.SubprocessError) as e:
            log("profile: %s" % e)
            continue
        finally:
            if os.path.exists(data):
                os.unlink(data)
        sched = 0.0
        own = 0.0
        syms = {}
        for line in rep.splitlines():
            m = re.match(r"\s*([\d.]+)%\s+(\S+)\s+\[.\]\s+(\S+)", line)
            if not m:
                continue
            pct, dso, sym = float(m.group(1)), m.group(2), m.group(3)
            if dso == "forkload":
                own += pct
                if re.match(r"(sched_|timer_|worker_next|worker_claim)", sym):
                    sched += pct
                    syms[sym] = syms.get(sym, 0) + pct
        out[str(rate)] = dict(sched_pct=round(sched, 3),
                              own_code_pct=round(own, 3),
                              sched_syms=syms)
        log("profile -R %d: schedule functions %.2f%% of forkload's "
            "samples (own code %.2f%%): %s" % (rate, sched, own, syms))
    return out


def main():
    ap = argparse.ArgumentParser(prog="bench/openloop.sh")
    ap.add_argument("--rates", default="1000,5000,10000,20000")
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--forkload", default=os.environ.get("FORKLOAD") or
                    os.path.join(ROOT, "build", "forkload"))
    ap.add_argument("--clients", default=",".join(CLIENTS + ["closed"]))
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--no-install", action="store_true")
    ap.add_argument("--results-dir", default=os.path.join(ROOT, "bench",
                                                          "results"))
    args = ap.parse_args()
    rates = [int(x) for x in args.rates.split(",")]
    clients = args.clients.split(",")
    d = args.duration
    pin = (os.cpu_count() or 1) >= 2 and shutil.which("taskset") is not None
    machine = dict(nproc=os.cpu_count(), kernel=platform.release(),
                   hostname=platform.node().split(".")[0] or "host")
    versions = dict(
        # Not "httperf --version": it also runs a test against port 80.
        httperf=(bench.capture(["dpkg-query", "-W", "-f", "${Version}",
                                "httperf"]) or "").strip(),
        nginx=(bench.capture([bench.NGINX, "-v"]) or "").strip(),
        forkload=(bench.capture([args.forkload, "--version"]) or "").strip())
    result = dict(date=datetime.date.today().isoformat(),
                  started=datetime.datetime.utcnow().isoformat() + "Z",
                  argv=sys.argv[1:], machine=machine, versions=versions,
                  rates=rates, duration_s=d, rounds=args.rounds, runs={})
    nginx = bench.Nginx(pin)
    tmpdir = tempfile.mkdtemp(prefix="openloop-")
    runs = result["runs"]
    try:
        nginx.start()
        log("nginx on 127.0.0.1:%d, pid %d" % (nginx.port, nginx.proc.pid))
        for rnd in range(1, args.rounds + 1):
            log("round %d" % rnd)
            if "closed" in clients:
                runs.setdefault("closed", []).append(
                    one("closed", 0, d, nginx, args, tmpdir, pin))
            for rate in rates:
                for cl in clients:
                    if cl == "closed":
                        continue
                    runs.setdefault("%s@%d" % (cl, rate), []).append(
                        one(cl, rate, d, nginx, args, tmpdir, pin))
        if args.profile:
            result["profile"] = profile(nginx, args, pin, d)
    finally:
        nginx.cleanup()
        shutil.rmtree(tmpdir, ignore_errors=True)

    # Medians and the table.
    keys = ["rate", "err_pct", "srv_pct", "cpu_per_100k_s", "late",
            "max_lag_us", "p99_us", "p99_uncorr_us"]
    medians = {k: {m: med(v, m) for m in keys} for k, v in runs.items()}
    for k, v in runs.items():
        medians[k]["errors"] = sum(r.get("errors", 0) or 0 for r in v)
        medians[k]["failed_runs"] = sum(r.get("status") != "ok" for r in v)
    result["medians"] = medians
    print("open loop, %d s runs, %d rounds, medians (client on CPU 1, "
          "nginx on CPU 0)" % (d, args.rounds))
    print("| target | client | rate | err % | srv % | CPU/100k | x httperf "
          "| x ka | late | max lag ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for rate in rates:
        ht = medians.get("httperf@%d" % rate, {}).get("cpu_per_100k_s")
        ka = medians.get("httperf-ka@%d" % rate, {}).get("cpu_per_100k_s")
        for cl in clients:
            m = medians.get("%s@%d" % (cl, rate))
            if m is None:
                continue
            cpu = m["cpu_per_100k_s"]
            rx = cpu / ht if cpu and ht and cl != "httperf" else None
            rk = cpu / ka if cpu and ka and cl != "httperf-ka" else None
            print("| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | "
                  "%d%s |" % (
                      rate, cl, fmt(m["rate"], "%.1f"),
                      fmt(m["err_pct"], "%+.3f"), fmt(m["srv_pct"], "%+.2f"),
                      fmt(cpu, "%.3f"), fmt(rx, "%.2f"), fmt(rk, "%.2f"),
                      fmt(m["late"], "%d"),
                      fmt(m["max_lag_us"] and m["max_lag_us"] / 1e3, "%.1f"),
                      fmt(m["p99_us"] and m["p99_us"] / 1e3, "%.2f"),
                      m["errors"], " (%d runs failed)" % m["failed_runs"]
                      if m["failed_runs"] else ""))
    if "closed" in medians:
        m = medians["closed"]
        print("| closed | native -c 1 | %s | | | %s | | | | | %s | %d |" % (
            fmt(m["rate"], "%.1f"), fmt(m["cpu_per_100k_s"], "%.3f"),
            fmt(m["p99_us"] and m["p99_us"] / 1e3, "%.2f"), m["errors"]))
    os.makedirs(args.results_dir, exist_ok=True)
    path = bench.results_path(args.results_dir, result["date"],
                              machine["hostname"], "openloop")
    with open(path, "w") as f:
        json.dump(result, f, indent=2, sort_keys=True)
        f.write("\n")
    print("results in %s" % os.path.relpath(path, ROOT))
    return 0


sys.exit(main())
PYTHON
