#!/usr/bin/python3
"""Our server's GC and safepoint logs beside the harness's results (standard library only).

compare.sh starts our server with
    -Xlog:gc*,safepoint:file=DIR/gc-%p.log:utctime,uptime,level,tags:filecount=0
so every JVM the harness starts (one per workload and round, cold) writes its own file, and moves DIR
into the harness's results directory as `gclogs/` when the run ends. This module reads those files,
finds the JVM that served each measured run, and summarises the pauses in three windows: the JVM's whole
life, the closed-loop measurement, and what follows it up to the JVM's exit (the fixed-rate latency
probe), so that the probe's tail can be set against the pauses that fell inside it.

Which JVM served a run: the one that started last before the run's measurement started, if its log goes
on past that start (its exit lines at least); otherwise the run has no log. The start of the
measurement is dnsperf's own "[Status] Started at:" line in logs/SERVER.WORKLOAD.rROUND.dnsperf.txt (local
time, to the second); our JVMs never overlap, since the harness stops each server before it starts the
next one.
"""
import datetime
import glob
import os
import re
import time

LINE = re.compile(r"^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+[+-]\d{4})\]\[([\d.]+)s\]\[(\w+)\s*\]\[([^\]]*?)\s*\] ?(.*)$")
PAUSE = re.compile(r"^GC\((\d+)\) Pause (.*?) (\d+(?:\.\d+)?)ms$")
SAFEPOINT = re.compile(r'^Safepoint "([^"]*)"(.*)$')
NANOS = re.compile(r"(Reaching safepoint|Cleanup|At safepoint|Leaving safepoint|Total): (\d+) ns")
STARTED = re.compile(r"^\[Status\] Started at: (.+)$", re.M)


class Jvm:
    """One log file: start and end (epoch seconds, first and last line), GC pauses, safepoints."""

    def __init__(self, path):
        self.path = path
        m = re.search(r"gc-(\d+)", os.path.basename(path))
        self.pid = int(m.group(1)) if m else None
        self.start = self.end = None
        self.pauses = []      # (epoch s, pause ms, kind)
        self.safepoints = []  # (epoch s, operation, reaching ms, total ms)


def epoch(stamp):
    return datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()


def read_log(path):
    jvm = Jvm(path)
    with open(path, errors="replace") as f:
        for line in f:
            m = LINE.match(line.rstrip("\n"))
            if not m:
                continue
            t = epoch(m.group(1))
            jvm.start = t if jvm.start is None else jvm.start
            jvm.end = t
            tags, msg = m.group(4), m.group(5)
            if tags == "gc":
                p = PAUSE.match(msg)
                if p:
                    jvm.pauses.append((t, float(p.group(3)), p.group(2)))
            elif tags == "safepoint":
                s = SAFEPOINT.match(msg)
                if s:
                    ns = {k: int(v) for k, v in NANOS.findall(s.group(2))}
                    total = ns.get("Total", sum(ns.values()))
                    jvm.safepoints.append((t, s.group(1), ns.get("Reaching safepoint", 0) / 1e6, total / 1e6))
    return jvm if jvm.start is not None else None


def read_dir(d):
    """Every JVM logged in directory d, oldest first (rotated parts `gc-PID.log.N` are not expected:
    compare.sh turns rotation off)."""
    jvms = [j for j in (read_log(p) for p in glob.glob(os.path.join(d, "gc-*.log"))) if j]
    return sorted(jvms, key=lambda j: j.start)


def measurement_start(logdir, server, workload, rnd):
    """Epoch seconds at which the run's closed-loop dnsperf measurement started, or None."""
    path = os.path.join(logdir, "%s.%s.r%d.dnsperf.txt" % (server, workload, rnd))
    try:
        with open(path) as f:
            m = STARTED.search(f.read())
    except OSError:
        return None
    if not m:
        return None
    return time.mktime(time.strptime(m.group(1).strip(), "%a %b %d %H:%M:%S %Y"))


def summarise(jvm, t0=None, t1=None):
    """Pauses and safepoints of jvm with t0 <= time < t1 (None: unbounded)."""
    def inside(t):
        return (t0 is None or t >= t0) and (t1 is None or t < t1)
    pauses = [p for p in jvm.pauses if inside(p[0])]
    sps = [s for s in jvm.safepoints if inside(s[0])]
    return {"gcs": len(pauses), "pause_total_ms": sum(p[1] for p in pauses),
            "pause_max_ms": max([p[1] for p in pauses] or [0.0]),
            "safepoints": len(sps), "safepoint_max_ms": max([s[3] for s in sps] or [0.0]),
            "reach_max_ms": max([s[2] for s in sps] or [0.0])}


def runs(rdir, results):
    """One summary per measured run of our server in results (the harness's results.json "results"), in
    the harness's order; [] when the run has no gclogs/."""
    jvms = read_dir(os.path.join(rdir, "gclogs"))
    if not jvms:
        return []
    out = []
    for r in results:
        if r.get("kind") != "ours" or "error" in r or "qps" not in r:
            continue
        row = {"server": r["server"], "workload": r["workload"], "round": r["round"],
               "latency": r.get("latency") or {}}
        t0 = measurement_start(os.path.join(rdir, "logs"), r["server"], r["workload"], r["round"])
        # dnsperf's clock has whole seconds; a JVM whose log ends before the measurement did not serve it
        started = [j for j in jvms if t0 is not None and j.start <= t0 + 1.0]
        if started and started[-1].end >= t0:
            j = started[-1]
            t1 = t0 + (r.get("runtime") or 0)
            row.update(pid=j.pid, life=summarise(j), measured=summarise(j, t0, t1), probe=summarise(j, t1, None))
        out.append(row)
    return out


def section(rdir, results, title):
    """Markdown lines: the per-run table, or a line saying why there is none."""
    L = ["### GC and safepoints: %s\n" % title]
    rows = runs(rdir, results)
    if not rows:
        L.append("No GC logs beside these results (`gclogs/` is written by compare.sh).\n")
        return L
    L.append("Our server's `-Xlog:gc*,safepoint` per measured run (logs in `%s/gclogs/`). *measured*: the "
             "closed-loop dnsperf run; *probe*: from its end to the JVM's exit, i.e. the fixed-rate latency "
             "probe. GCs: count / total / max pause ms. Safepoints: count / max total ms (reach + cleanup + "
             "at safepoint) / max time to reach ms.\n" % os.path.basename(os.path.normpath(rdir)))
    hdr = ["run", "pid", "life: GCs / safepoints", "measured: GCs", "measured: safepoints", "probe: GCs",
           "probe: safepoints", "probe p99 / p99.9 / max ms"]
    L.append("| " + " | ".join(hdr) + " |")
    L.append("|" + "---|" * len(hdr))
    for r in rows:
        lat = r["latency"]
        latc = ("%.3f / %.3f / %.3f" % (lat["p99"] * 1e3, lat["p999"] * 1e3, lat["max"] * 1e3)
                if lat.get("n") else "n/a")
        name = "%s %s r%d" % (r["server"], r["workload"], r["round"])
        if "life" not in r:
            L.append("| %s | - | no log matched | | | | | %s |" % (name, latc))
            continue

        def gcs(s):
            return "%d / %.1f / %.1f" % (s["gcs"], s["pause_total_ms"], s["pause_max_ms"])

        def sps(s):
            return "%d / %.2f / %.2f" % (s["safepoints"], s["safepoint_max_ms"], s["reach_max_ms"])
        L.append("| %s | %s | %d / %d | %s | %s | %s | %s | %s |" % (
            name, r["pid"], r["life"]["gcs"], r["life"]["safepoints"], gcs(r["measured"]), sps(r["measured"]),
            gcs(r["probe"]), sps(r["probe"]), latc))
    L.append("")
    return L
