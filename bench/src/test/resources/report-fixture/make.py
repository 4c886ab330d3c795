#!/usr/bin/python3
"""Writes this fixture: what compare.sh leaves in OUT after a loopback run (2 rounds, hot + mixed), a
node-path run (1 round, hot + mixed + neg) and a two-event-loop run on each path, with made-up figures,
dnsperf logs and our server's GC logs. ReportScriptsTest runs report.py and plots.py on it (TZ=UTC: the
dnsperf logs' "Started at" is local time). Run it again after changing it: python3 make.py"""
import json
import os
import shutil
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = (("unbound", 5401), ("dnsdist", 5406))
OPTS = {"duration": 20, "clients": 10, "outstanding": 100, "warm_secs": 20, "lat_qps": 10000, "lat_secs": 5,
        "server_cpus": "1", "client_cpus": "0", "repeat": 1, "listen": "127.0.0.1", "client_netns": ""}
VERSIONS = {"unbound": "unbound 1.17.1-2+deb12u4", "dnsdist": "dnsdist 1.7.3-2", "upstream": "nsd 4.6.1-1",
            "dnsperf/resperf": "dnsperf 2.10.0-2"}


def stamp(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03d+0000" % round((t % 1) * 1000)


def gc_log(path, start, t0, pauses):
    """A JDK 17 -Xlog:gc*,safepoint file: pauses = [(epoch s, pause ms, reach ms)]; the JVM exits 8 s
    after the measurement (20 s) started."""
    L = ["[%s][0.012s][info][gc] Using Serial" % stamp(start)]
    for i, (t, ms, reach) in enumerate(pauses):
        up = t - start
        L.append("[%s][%.3fs][info][gc,start    ] GC(%d) Pause Young (Allocation Failure)" % (stamp(t), up, i))
        L.append("[%s][%.3fs][info][gc          ] GC(%d) Pause Young (Allocation Failure) 5M->1M(11M) %.3fms"
                 % (stamp(t), up, i, ms))
        L.append('[%s][%.3fs][info][safepoint   ] Safepoint "GenCollectForAllocation", Time since last: 1000 ns, '
                 'Reaching safepoint: %d ns, Cleanup: 1000 ns, At safepoint: %d ns, Total: %d ns'
                 % (stamp(t), up, reach * 1e6, ms * 1e6, reach * 1e6 + 1000 + ms * 1e6))
    t = t0 + 10  # a safepoint that is not a GC, inside the measurement
    L.append('[%s][%.3fs][info][safepoint   ] Safepoint "Cleanup", Time since last: 1000 ns, Reaching safepoint: '
             '10000 ns, Cleanup: 30000 ns, At safepoint: 10000 ns, Total: 50000 ns' % (stamp(t), t - start))
    t = t0 + 28
    L.append("[%s][%.3fs][info][gc,heap,exit   ] Heap" % (stamp(t), t - start))
    with open(path, "w") as f:
        f.write("\n".join(sorted(L, key=lambda l: l[1:30])) + "\n")


def run(root, stamp_dir, opts, servers, workloads, rounds, t_start, ours="nodecache", ours_pid=4000, scale=1.0):
    rdir = os.path.join(root, "results", stamp_dir)
    os.makedirs(os.path.join(rdir, "logs"))
    os.makedirs(os.path.join(rdir, "gclogs"))
    with open(os.path.join(root, "results", "LATEST"), "w") as f:
        f.write(stamp_dir + "\n")
    targets = [{"name": n, "kind": "peer", "host": opts["listen"], "port": p} for n, p in servers]
    targets.append({"name": ours, "kind": "ours", "host": opts["listen"], "port": 5405})
    results, commands, t, pid = [], [], t_start, ours_pid
    for rnd in range(1, rounds + 1):
        for wi, w in enumerate(workloads):
            for ti, tg in enumerate(targets):
                base = {"hot": 100000, "mixed": 80000, "neg": 110000}[w] * scale * (1 + 0.1 * ti) * (1 + 0.05 * rnd)
                srv = 60.0 + 10 * ti
                lat = {"n": 50000, "timeouts": 0, "rate": 10000, "p50": 0.0001 * (1 + ti), "p90": 0.0002 * (1 + ti),
                       "p99": 0.0005 * (1 + ti + rnd), "p999": 0.002 * (1 + ti + rnd), "max": 0.004 * (1 + ti + rnd),
                       "mean": 0.00012}
                r = {"server": tg["name"], "kind": tg["kind"], "workload": w, "round": rnd, "qps": base,
                     "qps_per_core": base / (srv / 100.0), "runtime": 20.0, "lost": 0,
                     "cpu_pct": {"server": srv, "client": 95.0, "noise": 2.0},
                     "mem_kb": {"VmRSS": 40000 + 1000 * ti}, "expected_rcode_pct": 100.0,
                     "hit_pct": 100.0 if w != "mixed" else 95.5, "latency": lat}
                results.append(r)
                t0 = t + 30  # fresh JVM at t, measurement at t + 30 for 20 s, probe after it
                name = "%s.%s.r%d.dnsperf.txt" % (tg["name"], w, rnd)
                with open(os.path.join(rdir, "logs", name), "w") as f:
                    f.write("# dnsperf -s %s -p %d\nDNS Performance Testing Tool\n[Status] Started at: %s\n"
                            "[Status] Stopping after 20.000000 seconds\n" % (
                                opts["listen"], tg["port"], time.strftime("%a %b %e %H:%M:%S %Y", time.gmtime(t0))))
                if tg["kind"] == "ours":
                    commands.append("taskset -c 0 dnsperf -m udp -s %s -p 5405 -d q-%s.txt -l 20 -S 1" % (opts["listen"], w))
                    # warm-up GC, two in the measurement (the second grows with the workload), one in the probe
                    # (grows with the round)
                    gc_log(os.path.join(rdir, "gclogs", "gc-%d.log" % pid), t + 0.1, t0,
                           [(t + 10, 3.0, 0.02), (t0 + 5, 1.5, 0.03), (t0 + 15, 2.5 + wi, 0.05),
                            (t0 + 23, 4.3 + rnd, 0.12 * rnd)])
                    pid += 1
                t += 60
    rj = {"options": dict(opts, repeat=rounds), "versions": VERSIONS, "targets": targets, "results": results,
          "commands": commands, "resperf": []}
    with open(os.path.join(rdir, "results.json"), "w") as f:
        json.dump(rj, f, indent=1)
    with open(os.path.join(rdir, "results.md"), "w") as f:
        f.write("# DNS cache peer benchmark %s\n\n## Summary: queries/s (ratio to the best peer)\n\n(fixture)\n"
                % stamp_dir)
    with open(os.path.join(root, "ours_cmd.txt"), "w") as f:
        f.write("java -Xmn6m '-Xlog:gc*,safepoint:file=OUT/gc-pending/gc-%p.log' -jar nodecache.jar -conf "
                "Corefile.bench\n")


def main():
    for d in ("results", "nodepath", "two-loops"):
        shutil.rmtree(os.path.join(HERE, d), ignore_errors=True)
    day = 1796634000  # 2026-12-07 09:00:00 UTC
    run(HERE, "20261207-090000", OPTS, PEERS, ("hot", "mixed"), 2, day)
    run(os.path.join(HERE, "two-loops"), "20261207-093000", dict(OPTS, server_cpus="0-1"), (), ("hot", "mixed"), 1,
        day + 1800, ours="nodecache-2loops", ours_pid=5000, scale=1.6)
    node = os.path.join(HERE, "nodepath")
    nopts = dict(OPTS, listen="169.254.20.10", client_netns="ncb-pod-77")
    run(node, "20261207-100000", nopts, PEERS, ("hot", "mixed", "neg"), 1, day + 3600, ours_pid=6000, scale=0.8)
    run(os.path.join(node, "two-loops"), "20261207-103000", dict(nopts, server_cpus="0-1"), (), ("hot",), 1,
        day + 5400, ours="nodecache-2loops", ours_pid=7000, scale=1.3)
    # a JVM whose log is missing: its run must not be matched to the JVM before it
    os.remove(os.path.join(node, "results", "20261207-100000", "gclogs", "gc-6002.log"))
    with open(os.path.join(node, "harness_cmd.txt"), "w") as f:
        f.write("OURS=169.254.20.10:5405 NC_BIND=169.254.20.10 ../shared/bench/peers/nodepath.sh\n")


if __name__ == "__main__":
    main()
