#!/usr/bin/python3
"""forkload side by side with wrk, h2load, ab and hey, on one machine.

Start it through bench/run.sh, which installs the peers that are missing and
raises the open-file limit; `bench/run.sh --help` lists the options.

What it measures
----------------
The bench starts its own nginx on a free 127.0.0.1 port (one worker, `/`
answers "ok\\n", `/4k` is a 4096-byte static file, keep-alive practically
unlimited) and loads it with each client in turn. Nothing leaves loopback.
When the machine has 2 CPUs or more, nginx is pinned to CPU 0 and the client
to CPU 1, so that the two do not fight over a core (workloads D and E leave
the client unpinned, so that it can use both cores).

  A  c=50, "/",   200k requests or 10 s    pinned, forkload -w 1, all peers
  B  c=1,  "/",   20k requests or 10 s     pinned: latency of one connection
  C  c=50, "/4k", 200k requests or 10 s    pinned: a 4 KiB body
  D  c=50, "/",   200k requests or 10 s    unpinned, forkload -w 2, wrk/h2load -t2
  E  c=10000, "/", 200k requests or 5 s    unpinned, wrk/h2load -t2, forkload's
                                           default workers; it must finish
                                           with zero errors
  L  c=10, forkload-target's /delay/10,   pinned (the target on CPU 0): what
     8k requests or 10 s                  each client adds to a 10 ms answer;
                                           prints p50/p99 above wrk's

forkload runs twice in each workload: "forkload" is the native engine
(--engine native) and "forkload-curl" the libcurl engine; the ratios are
the native engine's over each peer, forkload-curl included.

wrk is duration-bound only; h2load, ab and hey are count-bound only (each run
is still killed at a timeout). Within a workload the clients alternate
(forkload, wrk, h2load, ab, hey, forkload, wrk, ...) for --rounds rounds
(3 by default), so that a slow drift of the machine hits them all alike.

Figures, per client and workload (the table shows the median over rounds):
  req/s       as the tool itself reports it.
  CPU/100k    client CPU seconds (user + system) per 100,000 completed
              requests. The CPU time comes from the rusage that wait4(2)
              returns for the client's pid: it covers the client and every
              child it waited for, so forkload's worker processes count, and so
              do the threads of wrk, h2load and hey. The requests are counted
              from the tool's own output.
  p50, p99    latency as the tool reports it (h2load prints no percentiles:
              "-"; ab prints whole milliseconds only).
  errors      the sum over all rounds: forkload requests.failed + lost; wrk
              socket errors + non-2xx/3xx; ab failed + non-2xx; hey errors and
              statuses other than 200; h2load "failed" (which, per h2load's
              documentation, already includes "errored").

How to read the ratios
----------------------
Each peer row carries forkload/peer ratios of the medians:
  req/s ratio     > 1: forkload is faster than that peer; < 1: slower.
  CPU/100k ratio  < 1: forkload spends less CPU per request; > 1: more.
  p99 ratio       < 1: forkload's tail latency is lower; > 1: higher.
A ratio is "-" when either side has no figure. The figures come from
different tools that measure latency in different ways (forkload: per
request, from send to the end of the answer; ab: whole ms), so the p50/p99
ratios are a rough guide; req/s and CPU/100k compare like with like.

Results: a table per workload on stdout, and everything (machine, tool
versions, exact commands, every round's raw figures, medians, ratios) in
bench/results/<YYYY-MM-DD>-<hostname>.json.
"""

import argparse
import ctypes
import datetime
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# "forkload" is the native engine, "forkload-curl" the libcurl engine: the
# ratios are the native engine's, so the forkload-curl row says how much
# the native engine gains over libcurl.
CLIENTS = ["forkload", "forkload-curl", "wrk", "h2load", "ab", "hey"]
TARGET = "forkload-target"
NGINX = "/usr/sbin/nginx"

# name: description, path, concurrency, requests, duration (s), pinned,
# threads (forkload -w, wrk/h2load -t), clients. QUICK overrides some keys.
# forkload_w=None lets forkload choose its workers (at most 128 connections
# each), as a user running -c 10000 would.
WORKLOADS = {
    "A": dict(desc="c=50, small body", path="/", c=50, n=200000, d=10,
              pinned=True, threads=1, clients=CLIENTS),
    "B": dict(desc="c=1, latency", path="/", c=1, n=20000, d=10,
              pinned=True, threads=1, clients=CLIENTS),
    "C": dict(desc="c=50, 4 KiB body", path="/4k", c=50, n=200000, d=10,
              pinned=True, threads=1, clients=CLIENTS),
    "D": dict(desc="c=50, unpinned, 2 workers/threads", path="/", c=50,
              n=200000, d=10, pinned=False, threads=2,
              clients=["forkload", "forkload-curl", "wrk", "h2load"]),
    "E": dict(desc="many connections, unpinned", path="/", c=10000,
              n=200000, d=5, pinned=False, threads=2, forkload_w=None,
              clients=["forkload", "forkload-curl", "wrk", "h2load"]),
    # Against forkload-target, whose /delay/10 answers after 10 ms: what
    # each client adds to a latency it should read as 10 ms.
    "L": dict(desc="10 ms server, latency", path="/delay/10", c=10,
              n=8000, d=10, pinned=True, threads=1, server="target",
              clients=["forkload", "forkload-curl", "wrk", "hey"]),
}
QUICK = {
    "A": dict(n=50000, d=3),
    "B": dict(n=5000, d=2),
    "C": dict(n=50000, d=3),
    "D": dict(n=50000, d=3),
    "E": dict(c=2000, n=50000, d=3),
    "L": dict(n=2000, d=3),
}

# ---------------------------------------------------------------------------
# Processes


def log(msg):
    print(msg, file=sys.stderr, flush=True)


_libc = None


def _die_with_parent():
    """In a child: get SIGTERM if the bench dies (even by SIGKILL)."""
    global _libc
    try:
        if _libc is None:
            _libc = ctypes.CDLL(None, use_errno=True)
        _libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def run_measured(argv, timeout, tmpdir):
    """Run argv with stdout/stderr to files; reap it with wait4.

    Returns dict(rc, timed_out, wall_s, user_s, sys_s, maxrss_kb, stdout,
    stderr). The child leads its own process group, so that at the timeout
    the whole group (the client and its workers or children) is killed.
    """
    out_path = os.path.join(tmpdir, "out")
    err_path = os.path.join(tmpdir, "err")
    with open(out_path, "wb") as out, open(err_path, "wb") as err, \
            open(os.devnull, "rb") as devnull:
        t0 = time.monotonic()
        pid = os.fork()
        if pid == 0:  # child
            try:
                os.setsid()
                _die_with_parent()
                os.dup2(devnull.fileno(), 0)
                os.dup2(out.fileno(), 1)
                os.dup2(err.fileno(), 2)
                os.execvp(argv[0], argv)
            except BaseException as e:
                try:
                    os.write(2, ("exec %s: %s\n" % (argv[0], e)).encode())
                finally:
                    os._exit(127)
        timed_out = False
        deadline = t0 + timeout
        try:
            while True:
                wpid, status, ru = os.wait4(pid, os.WNOHANG)
                if wpid == pid:
                    break
                if time.monotonic() > deadline:
                    timed_out = True
                    try:
                        os.killpg(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                    wpid, status, ru = os.wait4(pid, 0)
                    break
                time.sleep(0.02)
        except BaseException:
            # Interrupted: take the client down with us before leaving.
            try:
                os.killpg(pid, signal.SIGKILL)
                os.wait4(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            raise
        wall = time.monotonic() - t0
    with open(out_path, "r", errors="replace") as f:
        stdout = f.read()
    with open(err_path, "r", errors="replace") as f:
        stderr = f.read()
    return dict(rc=os.waitstatus_to_exitcode(status), timed_out=timed_out,
                wall_s=round(wall, 3), user_s=round(ru.ru_utime, 3),
                sys_s=round(ru.ru_stime, 3), maxrss_kb=ru.ru_maxrss,
                stdout=stdout, stderr=stderr)


def capture(argv, timeout=5):
    """Output of a short command (stdout + stderr), or None."""
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                           timeout=timeout, text=True, errors="replace")
        return p.stdout
    except (OSError, subprocess.SubprocessError):
        return None


# ---------------------------------------------------------------------------
# nginx


NGINX_CONF = """\
# Written by bench/bench.py for one bench run.
{user}worker_processes 1;
daemon off;
master_process on;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
worker_rlimit_nofile {rlimit};
events {{
    worker_connections 20000;
    multi_accept on;
}}
http {{
    access_log off;
    default_type text/plain;
    keepalive_requests 10000000;
    keepalive_timeout 300s;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    server {{
        listen 127.0.0.1:{port} backlog=16384;
        location = /4k {{ root {dir}/www; }}
        location / {{ return 200 "ok\\n"; }}
    }}
}}
"""


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def http_get(url, timeout=2):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read()


class Nginx:
    def __init__(self, pin):
        self.dir = tempfile.mkdtemp(prefix="forkload-bench-nginx-")
        self.proc = None
        self.port = None
        self.pin = pin
        self.argv = None
        os.makedirs(os.path.join(self.dir, "tmp"))
        os.makedirs(os.path.join(self.dir, "www"))
        with open(os.path.join(self.dir, "www", "4k"), "wb") as f:
            f.write(b"x" * 4095 + b"\n")

    def start(self):
        root = os.geteuid() == 0
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        rlimit = 40000 if root or hard == resource.RLIM_INFINITY \
            else min(40000, hard)
        last = ""
        for _ in range(5):
            self.port = free_port()
            conf = NGINX_CONF.format(user="user root;\n" if root else "",
                                     dir=self.dir, port=self.port,
                                     rlimit=rlimit)
            self.conf_path = os.path.join(self.dir, "nginx.conf")
            with open(self.conf_path, "w") as f:
                f.write(conf)
            self.conf = conf
            self.argv = [NGINX, "-p", self.dir + "/", "-e",
                         self.dir + "/error.log", "-c", self.conf_path]
            if self.pin:
                self.argv = ["taskset", "-c", "0"] + self.argv
            self.proc = subprocess.Popen(
                self.argv, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                preexec_fn=_die_with_parent)
            for _ in range(100):
                if self.proc.poll() is not None:
                    break
                try:
                    st, body = http_get(self.url("/"))
                    if st == 200 and body == b"ok\n":
                        st, body = http_get(self.url("/4k"))
                        if st == 200 and len(body) == 4096:
                            return
                except OSError:
                    pass
                time.sleep(0.05)
            last = self.proc.stderr.read().decode(errors="replace") \
                if self.proc.poll() is not None else "no answer"
            self.stop()
        raise RuntimeError("nginx did not start: " + last.strip())

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def stop(self):
        """Stop our nginx master (by its pid); it takes its worker along."""
        if self.proc is None or self.proc.poll() is not None:
            self.proc = None
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self.proc = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Target:
    """forkload-target beside the forkload binary, for workload L: its
    /delay/N answers after N ms, a server of known latency. Pinned like
    nginx; stopped by its pid."""

    def __init__(self, forkload, pin):
        self.exe = os.path.join(os.path.dirname(forkload), TARGET)
        self.pin = pin
        self.proc = None
        self.port = None

    def start(self):
        argv = [self.exe, "--listen", "127.0.0.1:0"]
        if self.pin:
            argv = ["taskset", "-c", "0"] + argv
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True,
                                     preexec_fn=_die_with_parent)
        line = self.proc.stdout.readline().strip()
        if not line.isdigit():
            self.stop()
            raise RuntimeError("%s did not start" % self.exe)
        self.port = int(line)

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None


# ---------------------------------------------------------------------------
# Commands and parsers


def build_argv(client, wl, url, forkload):
    c, n, d, t = wl["c"], wl["n"], wl["d"], wl["threads"]
    if client in ("forkload", "forkload-curl"):
        w = ["-w", str(t)] if wl.get("forkload_w", t) is not None else []
        engine = "curl" if client == "forkload-curl" else "native"
        return [forkload, "run", "-q", "-n", str(n), "-d", "%ds" % d,
                "-c", str(c), "--engine", engine] + w + ["--json", url]
    if client == "wrk":
        return ["wrk", "-t%d" % t, "-c%d" % c, "-d%ds" % d, "--latency", url]
    if client == "h2load":
        return ["h2load", "--h1", "-n%d" % n, "-c%d" % c, "-t%d" % t, url]
    if client == "ab":
        return ["ab", "-k", "-n", str(n), "-c", str(c), url]
    if client == "hey":
        return ["hey", "-n", str(n), "-c", str(c), url]
    raise ValueError(client)


UNIT_US = {"us": 1, "ms": 1000, "s": 1000000}


def _num(pattern, text, conv=float, flags=re.M):
    m = re.search(pattern, text, flags)
    return conv(m.group(1)) if m else None


def parse_forkload(out):
    rep = json.loads(out)
    run = rep["runs"][0]
    rq, lat = run["requests"], run["latency_us"]
    return dict(rps=float(run["throughput_rps"]),
                requests=rq["ok"] + rq["failed"],
                p50_us=lat.get("p50"), p99_us=lat.get("p99"),
                errors=rq["failed"] + rq["lost"],
                raw=dict(requests=rq, errors=run.get("errors"),
                         status_codes=run.get("status_codes"),
                         duration_us=run.get("duration_us"),
                         verdict=rep.get("verdict")))


def parse_wrk(out):
    m = re.search(r"^\s*(\d+) requests in ", out, re.M)
    rps = _num(r"^Requests/sec:\s+([\d.]+)", out)
    if not m or rps is None:
        raise ValueError("no 'N requests in' / 'Requests/sec' line")
    lat = {}
    for pct in ("50", "99"):
        mm = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)\s*$" % pct, out, re.M)
        lat[pct] = round(float(mm.group(1)) * UNIT_US[mm.group(2)]) \
            if mm else None
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), "
                     r"write (\d+), timeout (\d+)", out)
    sock_n = sum(int(x) for x in sock.groups()) if sock else 0
    non2xx = _num(r"Non-2xx or 3xx responses:\s+(\d+)", out, int) or 0
    return dict(rps=rps, requests=int(m.group(1)), p50_us=lat["50"],
                p99_us=lat["99"], errors=sock_n + non2xx,
                raw=dict(socket_errors=list(map(int, sock.groups()))
                         if sock else [0, 0, 0, 0], non_2xx_3xx=non2xx))


def parse_h2load(out):
    rps = _num(r"finished in [\d.]+\w+, ([\d.]+) req/s", out)
    m = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, "
                  r"(\d+) succeeded, (\d+) failed, (\d+) errored, "
                  r"(\d+) timeout", out)
    if rps is None or not m:
        raise ValueError("no 'finished in' / 'requests:' line")
    total, started, done, ok, failed, errored, tmo = map(int, m.groups())
    # h2load's "errored" is a subset of "failed" (its documentation says
    # so), so the errors are "failed" alone; requests never done count too.
    return dict(rps=rps, requests=done, p50_us=None, p99_us=None,
                errors=failed + (total - done),
                raw=dict(total=total, started=started, done=done,
                         succeeded=ok, failed=failed, errored=errored,
                         timeout=tmo))


def parse_ab(out):
    done = _num(r"^Complete requests:\s+(\d+)", out, int)
    rps = _num(r"^Requests per second:\s+([\d.]+)", out)
    if done is None or rps is None:
        raise ValueError("no 'Complete requests' / 'Requests per second'")
    failed = _num(r"^Failed requests:\s+(\d+)", out, int) or 0
    non2xx = _num(r"^Non-2xx responses:\s+(\d+)", out, int) or 0
    sect = out.split("Percentage of the requests served", 1)
    lat = {}
    for pct in ("50", "99"):
        v = _num(r"^\s+%s%%\s+(\d+)" % pct, sect[1]) if len(sect) > 1 \
            else None
        lat[pct] = round(v * 1000) if v is not None else None
    return dict(rps=rps, requests=done, p50_us=lat["50"], p99_us=lat["99"],
                errors=failed + non2xx,
                raw=dict(failed=failed, non_2xx=non2xx))


def parse_hey(out):
    rps = _num(r"^\s+Requests/sec:\s+([\d.]+)", out)
    if rps is None:
        raise ValueError("no 'Requests/sec' line")
    lat = {}
    for pct in ("50", "99"):
        v = _num(r"^\s+%s%% in ([\d.]+) secs" % pct, out)
        lat[pct] = round(v * 1e6) if v is not None else None
    status = {}
    m = re.search(r"^Status code distribution:\n((?:\s+\[\d+\].*\n?)*)",
                  out, re.M)
    if m:
        for code, cnt in re.findall(r"\[(\d+)\]\s+(\d+) responses",
                                    m.group(1)):
            status[code] = status.get(code, 0) + int(cnt)
    errs = 0
    m = re.search(r"^Error distribution:\n((?:\s+\[\d+\].*\n?)*)", out, re.M)
    if m:
        errs = sum(int(x) for x in re.findall(r"\[(\d+)\]", m.group(1)))
    bad = sum(v for k, v in status.items() if k != "200")
    return dict(rps=rps, requests=sum(status.values()) + errs,
                p50_us=lat["50"], p99_us=lat["99"], errors=errs + bad,
                raw=dict(status_codes=status, transport_errors=errs))


PARSERS = {"forkload": parse_forkload, "forkload-curl": parse_forkload,
           "wrk": parse_wrk, "h2load": parse_h2load, "ab": parse_ab,
           "hey": parse_hey}


# ---------------------------------------------------------------------------
# Machine and tools


def machine_info():
    model = None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    osname = None
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    osname = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    mem = None
    try:
        with open("/proc/meminfo") as f:
            mem = int(f.readline().split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return dict(hostname=socket.gethostname(), nproc=os.cpu_count(),
                cpus_usable=len(os.sched_getaffinity(0)), cpu_model=model,
                kernel=platform.release(), uname=" ".join(platform.uname()),
                os=osname, mem_mib=mem, python=platform.python_version(),
                nofile=list(resource.getrlimit(resource.RLIMIT_NOFILE)))


def first_line(s):
    return s.strip().splitlines()[0].strip() if s and s.strip() else None


def tool_versions(forkload):
    def dpkg(pkg):
        return first_line(capture(["dpkg-query", "-W", "-f=${Version}",
                                   pkg]) or "")
    v = {}
    v["forkload"] = dict(path=forkload, version=first_line(
        capture([forkload, "--version"]) or ""))
    v["wrk"] = dict(path=shutil.which("wrk"),
                    version=first_line(capture(["wrk", "-v"]) or ""))
    v["h2load"] = dict(path=shutil.which("h2load"),
                       version=first_line(capture(["h2load", "--version"])
                                          or ""))
    v["ab"] = dict(path=shutil.which("ab"),
                   version=first_line(capture(["ab", "-V"]) or ""))
    v["hey"] = dict(path=shutil.which("hey"),
                    version="hey " + (dpkg("hey") or "?") + " (Debian)")
    v["nginx"] = dict(path=NGINX, version=first_line(
        capture([NGINX, "-v"]) or ""))
    for name, pkg in (("wrk", "wrk"), ("h2load", "nghttp2-client"),
                      ("ab", "apache2-utils"), ("nginx", "nginx-light")):
        v[name]["debian_package"] = "%s %s" % (pkg, dpkg(pkg) or "?")
    return v


def available(client, forkload):
    if client in ("forkload", "forkload-curl"):
        return os.path.isfile(forkload) and os.access(forkload, os.X_OK)
    return shutil.which(client) is not None


# ---------------------------------------------------------------------------
# Figures and tables


def median_or_none(values):
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return round(a / b, 3)


def summarize(runs, clients):
    med = {}
    for cl in clients:
        rs = [r for r in runs if r["client"] == cl]
        good = [r for r in rs if r["status"] == "ok"]
        med[cl] = dict(
            rounds=len(rs), rounds_ok=len(good),
            status="ok" if good else (rs[0]["status"] if rs else "not run"),
            rps=median_or_none([r["rps"] for r in good]),
            cpu_per_100k_s=median_or_none([r["cpu_per_100k_s"]
                                           for r in good]),
            p50_us=median_or_none([r["p50_us"] for r in good]),
            p99_us=median_or_none([r["p99_us"] for r in good]),
            errors_median=median_or_none([r["errors"] for r in good]),
            errors_total=sum(r["errors"] for r in good) if good else None)
    fl = med.get("forkload", {})
    ratios = {}
    for cl in clients:
        if cl == "forkload":
            continue
        m = med[cl]
        ratios[cl] = dict(
            rps=ratio(fl.get("rps"), m["rps"]),
            cpu_per_100k=ratio(fl.get("cpu_per_100k_s"),
                               m["cpu_per_100k_s"]),
            p99=ratio(fl.get("p99_us"), m["p99_us"]))
    return med, ratios


def fmt_us(us):
    if us is None:
        return "-"
    if us < 1000:
        return "%dus" % us
    if us < 1000000:
        return "%.2fms" % (us / 1000)
    return "%.2fs" % (us / 1e6)


def fmt(v, spec):
    return "-" if v is None else spec % v


def print_table(name, wl, med, ratios, rounds, pinned):
    print()
    print("Workload %s: %s -- %s, c=%d, %d requests or %d s, %s" % (
        name, wl["desc"], wl["path"], wl["c"], wl["n"], wl["d"],
        "client on CPU 1, %s on CPU 0" % (
            TARGET if wl.get("server") == "target" else "nginx")
        if pinned else "client unpinned"))
    hdr = ("client", "req/s", "CPU/100k", "p50", "p99", "errors",
           "rounds", "x req/s", "x CPU", "x p99")
    rows = []
    for cl in wl["clients"]:
        m = med[cl]
        if m["rounds_ok"] == 0:
            rows.append((cl, m["status"], "", "", "", "", "0/%d" % rounds,
                         "", "", ""))
            continue
        r = ratios.get(cl, {})
        rows.append((cl, fmt(m["rps"], "%.0f"),
                     fmt(m["cpu_per_100k_s"], "%.3fs"),
                     fmt_us(m["p50_us"]), fmt_us(m["p99_us"]),
                     str(m["errors_total"]),
                     "%d/%d" % (m["rounds_ok"], m["rounds"]),
                     fmt(r.get("rps"), "%.2f") if cl != "forkload" else "",
                     fmt(r.get("cpu_per_100k"), "%.2f")
                     if cl != "forkload" else "",
                     fmt(r.get("p99"), "%.2f") if cl != "forkload" else ""))
    widths = [max(len(str(x[i])) for x in rows + [hdr])
              for i in range(len(hdr))]
    line = lambda r: "  ".join(
        (str(c).ljust(w) if i == 0 else str(c).rjust(w))
        for i, (c, w) in enumerate(zip(r, widths)))
    print(line(hdr))
    print(line(["-" * w for w in widths]))
    for r in rows:
        print(line(r))
    print("x = forkload/peer of the medians: req/s > 1, CPU < 1, p99 < 1 "
          "favour forkload; errors summed over rounds")
    sys.stdout.flush()


def print_over_wrk(med):
    """For workload L: how far each client's p50 and p99 lie above wrk's
    (the target: native at most 100 us at p50, 300 us at p99)."""
    wrk = med.get("wrk", {})
    out = {}
    for cl in ("forkload", "forkload-curl", "hey"):
        m = med.get(cl, {})
        d50 = None if m.get("p50_us") is None or wrk.get("p50_us") is None \
            else m["p50_us"] - wrk["p50_us"]
        d99 = None if m.get("p99_us") is None or wrk.get("p99_us") is None \
            else m["p99_us"] - wrk["p99_us"]
        out[cl] = dict(p50_us=d50, p99_us=d99)
        print("L: %-13s p50 %s, p99 %s above wrk's" % (
            cl, fmt(d50, "%+dus"), fmt(d99, "%+dus")))
    return out


# ---------------------------------------------------------------------------
# Main


def parse_args():
    ap = argparse.ArgumentParser(
        prog="bench/run.sh",
        description="Benchmark forkload against wrk, h2load, ab and hey on "
        "a local nginx (127.0.0.1 only). Prints a table per workload and "
        "writes bench/results/<date>-<host>.json.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="workloads:\n" + "\n".join(
            "  %s  %s (%s, c=%d, %d requests or %d s)" % (
                k, w["desc"], w["path"], w["c"], w["n"], w["d"])
            for k, w in WORKLOADS.items()) +
        "\n\nratios are forkload/peer: req/s > 1 and CPU, p99 < 1 favour "
        "forkload.")
    ap.add_argument("--quick", action="store_true",
                    help="1 round, shorter runs, E at c=2000 (< 2 minutes)")
    ap.add_argument("--rounds", type=int, default=None,
                    help="rounds per workload (default 3, 1 with --quick)")
    ap.add_argument("--only", default=None, metavar="LIST",
                    help="workloads to run, e.g. A,D (default all)")
    ap.add_argument("--forkload", default=None, metavar="PATH",
                    help="forkload binary (default $FORKLOAD, else "
                    "./build/forkload)")
    ap.add_argument("--results-dir", default=None, metavar="DIR",
                    help="where the JSON goes (default bench/results)")
    ap.add_argument("--no-install", action="store_true",
                    help="(run.sh) do not apt-get missing tools")
    a = ap.parse_args()
    if a.rounds is None:
        a.rounds = 1 if a.quick else 3
    if a.rounds < 1 or a.rounds > 50:
        ap.error("--rounds must be 1 to 50")
    if a.only:
        a.only = [x.strip().upper() for x in a.only.split(",") if x.strip()]
        bad = [x for x in a.only if x not in WORKLOADS]
        if bad or not a.only:
            ap.error("--only: unknown workload %s (known: %s)" % (
                ",".join(bad) or "''", ",".join(WORKLOADS)))
    else:
        a.only = list(WORKLOADS)
    a.forkload = os.path.abspath(
        a.forkload or os.environ.get("FORKLOAD")
        or os.path.join(ROOT, "build", "forkload"))
    a.results_dir = a.results_dir or os.path.join(ROOT, "bench", "results")
    return a


def _on_term(signum, frame):
    raise KeyboardInterrupt


def run_ingest(args):
    """Run bench/ingest (built by make check beside forkload): the parent's
    decode-and-aggregate rate and the parent's and a worker's max RSS at
    100k, 1M and 10M results (10M is left out with --quick)."""
    exe = os.path.join(os.path.dirname(os.path.abspath(args.forkload)),
                       "bench", "ingest")
    out = []
    if not os.access(exe, os.X_OK):
        log("note: %s is missing (make check builds it): no ingest figures"
            % exe)
        return out
    sizes = [100000, 1000000] + ([] if args.quick else [10000000])
    print("\nParent ingest (bench/ingest, 4 writer workers):")
    print("%12s  %14s  %12s  %12s" % ("results", "results/s cpu",
                                      "parent RSS", "worker RSS"))
    for n in sizes:
        try:
            p = subprocess.run([exe, "-n", str(n)], capture_output=True,
                               text=True, timeout=120)
        except subprocess.TimeoutExpired:
            log("ingest -n %d: timed out" % n)
            continue
        m = re.search(r"ingest (\d+) results/s of parent cpu", p.stdout)
        r = re.search(r"max rss: parent (\d+) KiB, worker (\d+) KiB",
                      p.stdout)
        rec = dict(results=n, exit=p.returncode,
                   per_cpu_second=int(m.group(1)) if m else None,
                   parent_rss_kb=int(r.group(1)) if r else None,
                   worker_rss_kb=int(r.group(2)) if r else None)
        out.append(rec)
        print("%12d  %14s  %9s KiB  %9s KiB" % (
            n, rec["per_cpu_second"], rec["parent_rss_kb"],
            rec["worker_rss_kb"]))
    return out



def results_path(results_dir, date, host, kind=""):
    """The file for a run's JSON: DATE-HOST[-KIND].json, and when that is
    taken (a second run on the same day keeps the first), -2, -3, ..."""
    base = "%s-%s%s" % (date, host, "-" + kind if kind else "")
    path = os.path.join(results_dir, base + ".json")
    n = 2
    while os.path.exists(path):
        path = os.path.join(results_dir, "%s-%d.json" % (base, n))
        n += 1
    return path

def main():
    args = parse_args()
    signal.signal(signal.SIGTERM, _on_term)
    signal.signal(signal.SIGHUP, _on_term)
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ValueError, OSError):
        pass

    t_start = time.monotonic()
    machine = machine_info()
    pin = machine["cpus_usable"] >= 2 and shutil.which("taskset") is not None
    versions = tool_versions(args.forkload)
    log("forkload bench: %s, %d CPUs (%s), %s; rounds %d%s" % (
        machine["hostname"], machine["nproc"], machine["cpu_model"],
        machine["kernel"], args.rounds, ", quick" if args.quick else ""))
    if not pin:
        log("note: fewer than 2 usable CPUs (or no taskset): no pinning")
    for cl in CLIENTS:
        if not available(cl, args.forkload):
            log("note: %s is missing: reported as such" % cl)

    nginx = Nginx(pin)
    target = Target(args.forkload, pin)
    result = dict(schema="forkload-bench/1",
                  date=datetime.date.today().isoformat(),
                  started_at=datetime.datetime.now().astimezone()
                  .isoformat(timespec="seconds"),
                  machine=machine, tools=versions,
                  options=dict(rounds=args.rounds, quick=args.quick,
                               only=args.only, pinned=pin),
                  workloads={})
    interrupted = False
    tmpdir = tempfile.mkdtemp(prefix="forkload-bench-")
    try:
        nginx.start()
        log("nginx on 127.0.0.1:%d (%s), pid %d" % (
            nginx.port, nginx.dir, nginx.proc.pid))
        result["nginx"] = dict(argv=nginx.argv, conf=nginx.conf,
                               port=nginx.port)
        for name in args.only:
            wl = dict(WORKLOADS[name])
            if args.quick:
                wl.update(QUICK[name])
            pinned = pin and wl["pinned"]
            if wl.get("server") == "target":
                if target.proc is None:
                    target.start()
                    log("%s on 127.0.0.1:%d" % (TARGET, target.port))
                url = target.url(wl["path"])
            else:
                url = nginx.url(wl["path"])
            # Every run is killed at this timeout; the count-bound tools
            # (h2load, ab, hey) normally finish well within it.
            timeout = 2 * wl["d"] + 30
            cmds = {}
            for cl in wl["clients"]:
                argv = build_argv(cl, wl, url, args.forkload)
                cmds[cl] = (["taskset", "-c", "1"] if pinned else []) + argv
            runs = []
            wres = dict(description=wl["desc"], path=wl["path"],
                        concurrency=wl["c"], requests=wl["n"],
                        duration_s=wl["d"], pinned=pinned,
                        threads=wl["threads"], timeout_s=timeout,
                        commands={k: " ".join(v) for k, v in cmds.items()},
                        argv=cmds, runs=runs)
            result["workloads"][name] = wres
            for rnd in range(1, args.rounds + 1):
                for cl in wl["clients"]:
                    rec = run_one(cl, cmds[cl], timeout, tmpdir, args,
                                  name, rnd)
                    rec.update(round=rnd, client=cl)
                    runs.append(rec)
                    # Let the server close connections between runs.
                    time.sleep(2 if wl["c"] > 1000 else 0.5)
            med, ratios = summarize(runs, wl["clients"])
            wres["medians"] = med
            wres["ratios_forkload_over_peer"] = ratios
            fl = med["forkload"]
            if name == "E":
                ok = fl["rounds_ok"] == args.rounds and fl["errors_total"] == 0
                wres["forkload_zero_errors"] = ok
            print_table(name, wl, med, ratios, args.rounds, pinned)
            if name == "L":
                wres["over_wrk_us"] = print_over_wrk(med)
            if name == "E":
                print("E: forkload at c=%d: %s errors over %d/%d rounds -> %s"
                      % (wl["c"], fl["errors_total"], fl["rounds_ok"],
                         args.rounds, "PASS (zero errors)" if ok else "FAIL"))
        result["ingest"] = run_ingest(args)
    except KeyboardInterrupt:
        interrupted = True
        log("interrupted: writing what was measured so far")
    except RuntimeError as e:
        log("bench: %s" % e)
        result["error"] = str(e)
    finally:
        nginx.cleanup()
        target.stop()
        shutil.rmtree(tmpdir, ignore_errors=True)

    result["interrupted"] = interrupted
    result["elapsed_s"] = round(time.monotonic() - t_start, 1)
    os.makedirs(args.results_dir, exist_ok=True)
    path = results_path(args.results_dir, result["date"],
                        machine["hostname"])
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(result, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)
    print()
    print("elapsed %.0f s; results in %s" % (result["elapsed_s"], path))
    if interrupted:
        return 130
    if "error" in result:
        return 1
    e = result["workloads"].get("E")
    if e is not None and not e.get("forkload_zero_errors"):
        return 1
    return 0


def run_one(client, argv, timeout, tmpdir, args, wname, rnd):
    """One client run: returns its raw figures or why there are none."""
    rec = dict(argv=argv)
    tag = "%s round %d: %-8s" % (wname, rnd, client)
    if not available(client, args.forkload):
        rec.update(status="missing", error="%s not found" % (
            args.forkload if client == "forkload" else client))
        log("%s missing" % tag)
        return rec
    try:
        res = run_measured(argv, timeout, tmpdir)
    except OSError as e:
        rec.update(status="failed", error="spawn: %s" % e)
        log("%s failed to start: %s" % (tag, e))
        return rec
    rec.update(rc=res["rc"], wall_s=res["wall_s"], cpu_user_s=res["user_s"],
               cpu_sys_s=res["sys_s"], maxrss_kb=res["maxrss_kb"])
    if res["timed_out"]:
        rec.update(status="timeout", error="killed after %d s" % timeout,
                   stderr_tail=res["stderr"][-2000:],
                   stdout_tail=res["stdout"][-2000:])
        log("%s TIMEOUT after %d s" % (tag, timeout))
        return rec
    try:
        fig = PARSERS[client](res["stdout"])
    except (ValueError, KeyError, IndexError, TypeError) as e:
        rec.update(status="failed",
                   error="exit %d, output not parsed: %s" % (res["rc"], e),
                   stderr_tail=res["stderr"][-2000:],
                   stdout_tail=res["stdout"][-2000:])
        log("%s FAILED: %s" % (tag, rec["error"]))
        return rec
    cpu = res["user_s"] + res["sys_s"]
    fig["cpu_s"] = round(cpu, 3)
    fig["cpu_per_100k_s"] = round(cpu / fig["requests"] * 1e5, 4) \
        if fig["requests"] else None
    fig["status"] = "ok"
    rec.update(fig)
    if res["rc"] != 0:
        rec["stderr_tail"] = res["stderr"][-2000:]
    log("%s %9.0f req/s  %8d req  cpu %.2fs  p99 %s  errors %d  (exit %d, "
        "%.1fs)" % (tag, fig["rps"], fig["requests"], cpu,
                    fmt_us(fig["p99_us"]), fig["errors"], res["rc"],
                    res["wall_s"]))
    return rec


if __name__ == "__main__":
    sys.exit(main())
