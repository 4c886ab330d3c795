#!/usr/bin/python3
"""Writes bench/RESULTS.md from the peer harness's results.json files (called by compare.sh; standard
library only): the loopback run, the node-path run (nodepath.sh), the optional two-event-loop runs, our
server's GC and safepoint logs beside each (gclog.py), the plots bench/plots.py drew, startup and memory,
and the cluster zone."""
import argparse
import datetime
import json
import os
import platform
import re
import subprocess

import gclog

WORKLOADS = ("hot", "mixed", "neg")

# Sections of RESULTS.md each run carries over unchanged, at the end: the footprint table (written by
# bench/footprint.sh, right before the next one) and the historical figures.
KEPT_SECTIONS = ("## Footprint (bench/footprint.sh)", "## Figures formerly quoted in code comments")

# The files bench/plots.py writes, with their captions; a missing file is left out of RESULTS.md.
PLOTS = (("qps-per-core-loopback.svg", "qps per server core, loopback"),
         ("qps-per-core-nodepath.svg", "qps per server core, node path"),
         ("latency-loopback.svg", "latency at the fixed-rate probe, loopback"),
         ("latency-nodepath.svg", "latency at the fixed-rate probe, node path"))


def machine():
    m = {"nproc": os.cpu_count(), "kernel": platform.release()}
    try:
        with open("/proc/cpuinfo") as f:
            m["cpu"] = re.search(r"model name\s*:\s*(.*)", f.read()).group(1)
    except (OSError, AttributeError):
        m["cpu"] = "?"
    try:
        r = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=20)
        m["jdk"] = " / ".join(l.strip() for l in r.stderr.splitlines()[:2])
    except OSError:
        m["jdk"] = "?"
    return m


def fmt(x, spec="{:,.0f}"):
    return "n/a" if x is None else spec.format(x)


def pick(results):
    """(server, workload) -> the round with the median qps, as the harness does."""
    by = {}
    for r in results:
        if "error" in r or "qps" not in r:
            by.setdefault((r["server"], r["workload"]), [])
            continue
        by.setdefault((r["server"], r["workload"]), []).append(r)
    out = {}
    for k, rs in by.items():
        if rs:
            rs = sorted(rs, key=lambda x: x["qps"])
            out[k] = rs[len(rs) // 2]
    return out


def load(root):
    """(run directory, parsed results.json) of the run `root` names: a results.json, a run directory, or
    a harness results root (its LATEST names the newest run). None when there is none."""
    if not root:
        return None
    if os.path.isfile(root):
        rdir = os.path.dirname(os.path.abspath(root))
    elif os.path.exists(os.path.join(root, "LATEST")):
        with open(os.path.join(root, "LATEST")) as f:
            rdir = os.path.join(root, f.read().strip())
    else:
        rdir = root
    path = os.path.join(rdir, "results.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return rdir, json.load(f)


def read_text(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except (OSError, TypeError):
        return None


def names(rj, kind):
    return [t["name"] for t in rj["targets"] if t["kind"] == kind]


def harness_block(rj):
    """The harness's options and the dnsperf commands it ran against our server."""
    o = rj["options"]
    L = ["Harness options: duration %ss, %d clients, %d outstanding, warm-up %ss + full passes, latency probe "
         "%d qps for %ds, pinning server CPU %s / dnsperf+NSD CPU %s, rounds %d, servers on %s%s." % (
             o["duration"], o["clients"], o["outstanding"], o["warm_secs"], o["lat_qps"], o["lat_secs"],
             o["server_cpus"], o["client_cpus"], o["repeat"], o.get("listen", "127.0.0.1"),
             ", dnsperf in network namespace `%s`" % o["client_netns"] if o.get("client_netns") else "")]
    ports = ["-p %d" % t["port"] for t in rj["targets"] if t["kind"] == "ours"]
    cmds, seen = [], set()
    for c in rj.get("commands", []):
        key = re.sub(r"-l \d+", "", c)
        if any(p in c for p in ports) and key not in seen:
            seen.add(key)
            cmds.append(c)
    if cmds:
        L += ["\nThe dnsperf commands run against our server:\n", "```"] + cmds + ["```", ""]
    return L


def summary_table(rj):
    """The summary table of one harness run, its best-peer line and our server's CPU lines."""
    ours, peers = names(rj, "ours"), names(rj, "peer")
    sel = pick(rj["results"])
    o = rj["options"]

    def per_core(r):
        return r.get("qps_per_core") if r else None

    best_qps, best_core = {}, {}
    for w in WORKLOADS:
        cand = [(sel[(p, w)]["qps"], p) for p in peers if (p, w) in sel]
        best_qps[w] = max(cand) if cand else None
        cand = [(per_core(sel[(p, w)]), p) for p in peers if (p, w) in sel and per_core(sel[(p, w)])]
        best_core[w] = max(cand) if cand else None

    def ratio(v, best):
        return " (%.2fx)" % (v / best[0]) if v and best else ""

    L = ["qps: dnsperf closed loop (%d outstanding). qps/core: qps ÷ the server's CPU share during the run "
         "(the fair figure when dnsperf on CPU %s is the limit). CPU/query: server CPU time per answered "
         "query. Latency: the fixed-rate probe (%d qps, cache warm). Ratios: to the best peer of the "
         "same workload in this run.\n" % (o["outstanding"], o["client_cpus"], o["lat_qps"])]
    hdr = ["server", "hot qps", "hot qps/core", "hot CPU µs/q", "mixed qps", "mixed qps/core", "neg qps",
           "neg qps/core", "hot p50 / p99 / p99.9 ms", "lost", "RSS MiB (max)"]
    L.append("| " + " | ".join(hdr) + " |")
    L.append("|" + "---|" * len(hdr))
    for name in peers + ours:
        row = ["**%s**" % name if name in ours else name]
        rss, lost = [], 0
        for w in WORKLOADS:
            r = sel.get((name, w))
            if r is None:
                row += ["-", "-"] + (["-"] if w == "hot" else [])
                continue
            row.append(fmt(r["qps"]) + ratio(r["qps"], best_qps[w]))
            pc = per_core(r)
            row.append(fmt(pc) + ratio(pc, best_core[w]))
            if w == "hot":
                srv = (r.get("cpu_pct") or {}).get("server")
                row.append("%.2f" % (srv / 100.0 / r["qps"] * 1e6) if srv and r["qps"] else "n/a")
            if r.get("mem_kb"):
                rss.append(r["mem_kb"]["VmRSS"])
            lost += r.get("lost", 0) or 0
        lat = (sel.get((name, "hot")) or {}).get("latency") or {}
        row.append("%.3f / %.3f / %.3f" % (lat["p50"] * 1e3, lat["p99"] * 1e3, lat["p999"] * 1e3) if lat.get("n") else "n/a")
        row.append(str(lost))
        row.append("%.1f" % (max(rss) / 1024.0) if rss else "n/a")
        L.append("| " + " | ".join(row) + " |")
    L.append("")
    L.append("Best peer: " + "; ".join("%s qps %s (%s), per core %s (%s)" % (
        w, best_qps[w][1] if best_qps[w] else "-", fmt(best_qps[w][0]) if best_qps[w] else "-",
        best_core[w][1] if best_core[w] else "-", fmt(best_core[w][0]) if best_core[w] else "-") for w in WORKLOADS))
    L.append("")
    for name in ours:
        for w in WORKLOADS:
            r = sel.get((name, w))
            if r:
                cp = r.get("cpu_pct", {})
                L.append("- %s/%s: server CPU %s%%, dnsperf CPU %s%%, noise %s%%, expected rcode %s%%, upstream hit %s%%" % (
                    name, w, cp.get("server"), cp.get("client"), cp.get("noise"), r.get("expected_rcode_pct"),
                    r.get("hit_pct", "n/a")))
    L.append("")
    return L


def two_loops_table(one, two):
    """Our server with one event loop (the main run `one`, may be None) against two event loops on two
    cores (`two`), per workload."""
    L = ["| event loops | workload | qps | qps/core | server CPU % | dnsperf CPU % | p50 / p99 / p99.9 ms |",
         "|---|---|---|---|---|---|---|"]
    for label, loaded in (("1 (CPU %s)", one), ("2 (CPUs %s)", two)):
        if not loaded:
            continue
        rj = loaded[1]
        sel = pick(rj["results"])
        for name in names(rj, "ours"):
            for w in WORKLOADS:
                r = sel.get((name, w))
                if not r:
                    continue
                cp, lat = r.get("cpu_pct") or {}, r.get("latency") or {}
                L.append("| %s | %s | %s | %s | %s | %s | %s |" % (
                    label % rj["options"]["server_cpus"], w, fmt(r["qps"]), fmt(r.get("qps_per_core")),
                    cp.get("server", "n/a"), cp.get("client", "n/a"),
                    "%.3f / %.3f / %.3f" % (lat["p50"] * 1e3, lat["p99"] * 1e3, lat["p999"] * 1e3) if lat.get("n") else "n/a"))
    L.append("")
    return L


def full_report(rdir):
    body = read_text(os.path.join(rdir, "results.md")) or ""
    body = re.sub(r"^# .*\n", "", body, count=1)
    return re.sub(r"^## ", "### ", body, flags=re.M).strip() + "\n"


def main():
    ap = argparse.ArgumentParser()
    for o in ("--corefile", "--out", "--command", "--env"):
        ap.add_argument(o, required=True)
    ap.add_argument("--results", default="", help="the loopback harness's results root (or a run directory)")
    ap.add_argument("--startup", default="", help="startup_memory.json")
    ap.add_argument("--ours-cmd", default="", help="our loopback command (default: ours_cmd.txt beside --results)")
    ap.add_argument("--nodepath-results", default="", help="the node-path harness's results root")
    ap.add_argument("--two-loops-results", default="", help="the loopback two-event-loop run's results root")
    ap.add_argument("--nodepath-two-loops-results", default="", help="the node-path two-event-loop run's results root")
    ap.add_argument("--plots-dir", default="", help="where plots.py wrote its SVG files")
    ap.add_argument("--build-note", default="this worktree's HEAD")
    ap.add_argument("--cluster", default="", help="bench/cluster.sh's cluster.md, added as its own section")
    a = ap.parse_args()
    loop, node = load(a.results), load(a.nodepath_results)
    if not loop and not node:
        raise SystemExit("report: no harness results in %r or %r" % (a.results, a.nodepath_results))
    loop2, node2 = load(a.two_loops_results), load(a.nodepath_two_loops_results)
    startup = {}
    if a.startup and os.path.exists(a.startup):
        with open(a.startup) as f:
            startup = json.load(f)
    first = (loop or node)[1]
    out_dir = os.path.dirname(os.path.abspath(a.out))

    L = []
    m = machine()
    L.append("# Benchmark results: nodecache vs. the peer DNS caches\n")
    runs = ", ".join("`%s` (%s)" % (os.path.basename(x[0]), label) for x, label in ((loop, "loopback"), (node, "node path")) if x)
    L.append("Generated by `bench/compare.sh` on %s UTC from harness run %s.\n" % (
        datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"), runs))
    L.append("## Machine\n")
    L.append("- nproc: %s; CPU: %s; kernel %s" % (m["nproc"], m["cpu"], m["kernel"]))
    L.append("- JDK: %s" % m["jdk"])
    vers = first.get("versions", {})
    L.append("- peers: " + ", ".join("%s" % vers.get(p, p) for p in names(first, "peer")))
    L.append("- %s, %s" % (vers.get("upstream", ""), vers.get("dnsperf/resperf", "")))
    L.append("")
    L.append("## Our server's configuration\n")
    L.append("- build: %s" % a.build_note)
    L.append("- Corefile: `%s` (`NC_BIND` = 127.0.0.1 on loopback, the node-local address on the node path)"
             % os.path.relpath(a.corefile, out_dir))
    body = read_text(a.corefile)
    if body:
        L.append("\n```\n" + body + "\n```\n")
    if a.corefile.endswith("Corefile.hosts"):
        L.append("**Stand-in configuration**: the cache and forward plugins are not in this build, so our "
                 "server answers the harness's 100,000 names from a hosts file (`hosts` plugin, decoded "
                 "dnsjava path, no byte-level fast path) and never talks to the upstream. Peers are real "
                 "forwarding caches. `mixed` is therefore not a cache-miss mix for us (hit % column of the "
                 "harness shows no upstream queries).\n")
    for loaded, label in ((loop, "loopback"), (node, "node path")):
        if loaded:
            cmd = (a.ours_cmd if label == "loopback" and a.ours_cmd else None) or \
                read_text(os.path.join(loaded[0], "..", "..", "ours_cmd.txt")) or "?"
            L.append("- command, %s (started by the harness, pinned with `taskset -c %s`, restarted cold per "
                     "workload): `%s`" % (label, loaded[1]["options"].get("server_cpus"), cmd))
    L.append("")
    L.append("## Commands\n")
    L.append("```\nmvn -B -q package -DskipTests\n%s %s\n```\n" % (a.env.strip(), a.command.strip()))

    plots = [(f, c) for f, c in PLOTS if a.plots_dir and os.path.exists(os.path.join(a.plots_dir, f))]
    if plots:
        L.append("## Plots\n")
        L.append("Drawn by `bench/plots.py` from the results.json files below (the round with the median qps of "
                 "each server and workload, as in the tables).\n")
        for f, c in plots:
            L.append("![%s](%s)\n" % (c, os.path.relpath(os.path.join(a.plots_dir, f), out_dir)))

    if loop:
        L.append("## Summary (loopback)\n")
        L += harness_block(loop[1])
        L += summary_table(loop[1])
        L += gclog.section(loop[0], loop[1]["results"], "loopback")
    if node:
        L.append("## Node path\n")
        L.append("`../shared/bench/peers/nodepath.sh`: dnsperf in a pod network namespace, over a veth, to every "
                 "server on `%s` in a node namespace with node-cache's NOTRACK rules and conntrack active (the "
                 "path pod DNS takes on a node); NSD on 127.0.0.1 inside the node namespace. Same JVM flags as "
                 "on loopback.\n" % node[1]["options"].get("listen"))
        hc = read_text(os.path.join(node[0], "..", "..", "harness_cmd.txt"))
        if hc:
            L.append("```\n%s\n```\n" % hc)
        L += harness_block(node[1])
        L += summary_table(node[1])
        L += gclog.section(node[0], node[1]["results"], "node path")
    if loop2 or node2:
        L.append("## Two event loops on two cores (an indication only)\n")
        L.append("Our server alone with `-XX:ActiveProcessorCount=2` (two event loops, one SO_REUSEPORT socket "
                 "each) pinned to CPUs 0 and 1, while dnsperf and NSD stay on CPU 0: the load generator shares "
                 "a core with the server, so this shows whether the second loop scales, not what two free cores "
                 "would give. The one-loop rows are the main run's.\n")
        for one, two, label in ((loop, loop2, "loopback"), (node, node2, "node path")):
            if two:
                L.append("### %s (harness run `%s`)\n" % (label, os.path.basename(two[0])))
                L += two_loops_table(one, two)
                L += gclog.section(two[0], two[1]["results"], "two event loops, " + label)

    if a.cluster and os.path.exists(a.cluster):
        L.append("## Cluster-zone answers (our server only: no peer can answer these names locally)\n")
        L.append("`bench/cluster.sh` (run by compare.sh): a generated cluster snapshot, no API server, the same JVM "
                 "flags and pinning, dnsperf `-c 10 -q 100` closed loop over 1,000 Service names, then the "
                 "10,000 qps latency probe. Compare the per-core figure with the hot (cache-hit) row above.\n")
        L.append(read_text(a.cluster) + "\n")
    if startup:
        L += startup_section(startup, first, a.corefile)
    if loop:
        L.append("## Full harness report (loopback)\n")
        L.append(full_report(loop[0]))
    if node:
        L.append("## Full harness report (node path)\n")
        L.append(full_report(node[0]))
    kept = ""
    if os.path.exists(a.out):
        with open(a.out) as f:
            previous = f.read()
        found = [i for i in (previous.find(k) for k in KEPT_SECTIONS) if i >= 0]
        if found:
            kept = "\n" + previous[min(found):].rstrip() + "\n"  # historical figures: not from this run
    with open(a.out, "w") as f:
        f.write("\n".join(L).rstrip() + "\n" + kept)


def startup_section(startup, rj, corefile):
    L = ["## Startup and memory (our server)\n", "JVM flags: `%s`\n" % startup.get("java_opts")]
    L.append("- start to first answered query (UDP `h1.bench.test`, process spawn → answer, %d fresh starts, "
             "pinned to CPU %s): median **%.0f ms** (all: %s)" % (
                 len(startup["startup_ms"]), rj["options"].get("server_cpus"), startup["startup_ms_median"],
                 ", ".join("%.0f" % x for x in startup["startup_ms"])))

    def mib(k):
        v = startup.get(k)
        return "%.1f MiB (anon %.1f)" % (v["VmRSS"] / 1024.0, v.get("RssAnon", 0) / 1024.0) if v else "n/a"
    L.append("- RSS idle after start: %s" % mib("rss_idle_kb"))
    fl = startup.get("fill", {})
    L.append("- RSS after querying all 100,000 names once: %s (%s answered, %s timeouts, %.0f qps)" % (
        mib("rss_after_fill_kb"), fmt(fl.get("answered")), fmt(fl.get("timeouts")), fl.get("qps", 0)))
    L.append("- RSS after a second pass over the 100,000 names: %s" % mib("rss_after_second_pass_kb"))
    if startup.get("rss_after_settle_kb"):
        L.append("- RSS 10 s later, idle (cache still full): %s" % mib("rss_after_settle_kb"))
    if corefile.endswith("Corefile.hosts"):
        L.append("- **Not the 100,000-entry cache fill** the target refers to: this build has no cache plugin; "
                 "these figures are with the 100,000 names loaded as a hosts table.")
    if fl.get("command"):
        L.append("\nFill command: `%s`" % fl["command"])
    L.append("")
    return L


if __name__ == "__main__":
    main()
