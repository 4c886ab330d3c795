#!/usr/bin/env python3
"""Summary of bench/jdks.sh: our qps per server core per round on JDK 17 and JDK 25 (the peers'
beside them, as a check that the machine stayed the same), the medians, and 25 against 17.

    python3 bench/jdks.py JDK17_RESULTS_DIR JDK25_RESULTS_DIR

Each directory holds the peer harness's runs (one subdirectory with a results.json per compare.sh call).
"""
import json
import statistics
import sys
from pathlib import Path


def rows(results_dir):
    """(workload, server, round index) -> qps per core, over every run in the directory in time order."""
    out = {}
    runs = sorted(p for p in Path(results_dir).iterdir() if (p / "results.json").is_file())
    for i, run in enumerate(runs, 1):
        for r in json.loads((run / "results.json").read_text())["results"]:
            if r.get("qps_per_core"):
                out.setdefault((r["workload"], r["server"]), []).append((i, r["qps_per_core"]))
    return out


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    by_jdk = {"17": rows(argv[1]), "25": rows(argv[2])}
    print("| JDK | workload | server | qps per server core, by round | median |")
    print("|---|---|---|---|---:|")
    medians = {}
    for jdk, data in by_jdk.items():
        for (workload, server), vals in sorted(data.items()):
            m = statistics.median(v for _, v in vals)
            medians[(jdk, workload, server)] = m
            print(f"| {jdk} | {workload} | {server} | {', '.join(f'{v:,.0f}' for _, v in vals)} | {m:,.0f} |")
    print()
    for (jdk, workload, server), m in sorted(medians.items()):
        if jdk != "25":
            continue
        base = medians.get(("17", workload, server.replace("jdk25", "jdk17")))
        if base:
            what = "ours" if "nodecache" in server else server + " (same binary: machine drift)"
            print(f"- {workload}, {what}: JDK 25 / JDK 17 = {m / base:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
