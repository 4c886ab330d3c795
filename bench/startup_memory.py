#!/usr/bin/python3
"""Startup time and memory of our server (called by compare.sh; standard library only).

Startup: wall time from spawning the JVM to the first answered query (UDP, h1.bench.test), median of
--trials fresh starts. Memory: VmRSS/RssAnon of the server idle after start, after a fill with all
100,000 names of the harness zone (our load generator, one query per name), and after a second pass.
When the Corefile forwards, the harness's upstream (NSD on 127.0.0.1:5300) is started for the fill.
Loopback only.
"""
import argparse
import json
import os
import shlex
import signal
import statistics
import subprocess
import sys
import time

from procs import dns_flags, first_answer, stop




def mem(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                out[k] = int(v.split()[0])
    return out


def start_server(a):
    argv = ["taskset", "-c", a.server_cpus, "java"] + shlex.split(a.java_opts) + ["-jar", a.jar, "-conf", a.corefile]
    env = dict(os.environ, NC_PORT=str(a.port))
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    if first_answer(a.port, "h1.bench.test", lambda: p.poll() is None, limit=30, noerror=False) is not None:
        return p, (time.monotonic() - t0) * 1000.0
    if p.poll() is not None:
        raise SystemExit("server exited with %s: %s" % (p.returncode, " ".join(argv)))
    stop(p, 15, 5)
    raise SystemExit("no answer within 30 s")




def fill(a, count, tag):
    js = os.path.join(os.path.dirname(a.out), "fill-%s.json" % tag)
    argv = ["taskset", "-c", a.client_cpus, "java", "-jar", a.bench_jar, "load", "--server",
            "127.0.0.1:%d" % a.port, "--gen", "h%d.bench.test", "--gen-count", str(count), "--count", str(count),
            "--outstanding", "100", "--duration", "120s", "--timeout", "2s", "--json", js, "--quiet"]
    subprocess.run(argv, check=True, timeout=200)
    with open(js) as f:
        r = json.load(f)
    r["command"] = " ".join(shlex.quote(x) for x in argv)
    return r


def main():
    ap = argparse.ArgumentParser()
    for o in ("--jar", "--bench-jar", "--corefile", "--java-opts", "--server-cpus", "--client-cpus",
              "--peers-dir", "--out"):
        ap.add_argument(o, required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--trials", type=int, default=5)
    ap.add_argument("--names", type=int, default=100000)
    a = ap.parse_args()
    res = {"java_opts": a.java_opts, "corefile": a.corefile}
    with open(a.corefile) as f:
        forwards = any(l.strip().startswith("forward") for l in f)
    upstream = None
    try:
        if forwards:
            env = dict(os.environ)
            upstream = subprocess.Popen([sys.executable, os.path.join(a.peers_dir, "bench.py"), "upstream"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                                        start_new_session=True)
            deadline = time.monotonic() + 120
            while True:
                try:
                    dns_flags(int(os.environ.get("UPSTREAM_PORT", "5300")), "h1.bench.test", 0.2)
                    break
                except OSError:
                    if time.monotonic() > deadline or upstream.poll() is not None:
                        raise SystemExit("upstream did not come up")
                    time.sleep(0.2)
        times = []
        for i in range(a.trials):
            p, ms = start_server(a)
            times.append(round(ms, 1))
            if i < a.trials - 1:
                stop(p, 15, 5)
        res["startup_ms"] = times
        res["startup_ms_median"] = statistics.median(times)
        try:
            time.sleep(2)  # let start-up work (JIT, plugin start) settle before the idle reading
            res["rss_idle_kb"] = mem(p.pid)
            res["fill"] = fill(a, a.names, "1")
            res["rss_after_fill_kb"] = mem(p.pid)
            res["second_pass"] = fill(a, a.names, "2")
            res["rss_after_second_pass_kb"] = mem(p.pid)
            time.sleep(10)  # idle, as between bursts on a node: periodic native-heap trimming has run
            res["rss_after_settle_kb"] = mem(p.pid)
        finally:
            stop(p, 15, 5)
    finally:
        if upstream is not None:
            upstream.send_signal(signal.SIGTERM)
            try:
                upstream.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(upstream.pid, signal.SIGKILL)
    with open(a.out, "w") as f:
        json.dump(res, f, indent=1)
    print(json.dumps({k: res[k] for k in ("startup_ms", "rss_idle_kb", "rss_after_fill_kb")}))


if __name__ == "__main__":
    main()
