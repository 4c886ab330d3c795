#!/usr/bin/python3
"""Plots for bench/RESULTS.md from the peer harness's results.json (Debian's python3-matplotlib):

  qps-per-core-PATH.svg  qps per server core, grouped bars: one group per workload, one bar per server
  latency-PATH.svg       the latency distribution at the fixed-rate probe, one panel per workload, every
                         server on each panel: a CDF on a log latency axis

PATH is `loopback` or `nodepath`. Each server and workload is drawn from the round with the median qps,
as report.py's tables; other rounds' latencies are drawn thin. The harness keeps only percentiles of the
probe (p50, p90, p99, p99.9 and the maximum: bench.py parses dnsperf -v's per-query lines and does not
save them), so each CDF is a step curve through those points, and the charts say so.

  /usr/bin/python3 bench/plots.py --loopback bench/target/compare/results \\
      --nodepath bench/target/compare/nodepath/results --out-dir bench/plots
"""
import argparse
import os
import sys

from report import WORKLOADS, load, pick

try:
    import matplotlib
    matplotlib.use("svg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter
except ImportError:
    sys.stderr.write("plots.py needs matplotlib: apt-get install python3-matplotlib (and run it with "
                     "/usr/bin/python3)\n")
    sys.exit(3)

# SVG text stays text (searchable, smaller), and the output is the same for the same input.
matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "nodecache", "font.size": 9})
LABELS = {"loopback": "loopback", "nodepath": "node path"}
# (cumulative fraction, results.json latency key); the maximum is drawn at the top of the axis
POINTS = ((0.5, "p50"), (0.9, "p90"), (0.99, "p99"), (0.999, "p999"))
TOP = 0.9999


def servers(rj):
    """Peers first, then ours, in the harness's order."""
    ts = rj["targets"]
    return [t["name"] for t in ts if t["kind"] == "peer"] + [t["name"] for t in ts if t["kind"] == "ours"]


def colours(names):
    cmap = plt.get_cmap("tab10")
    return {n: cmap(i % 10) for i, n in enumerate(names)}


def save(fig, path):
    fig.savefig(path, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(fig)
    print("plots: wrote %s" % path)


def qps_chart(rj, path_label, out):
    sel = pick(rj["results"])
    names = servers(rj)
    wls = [w for w in WORKLOADS if any((n, w) in sel for n in names)]
    col = colours(names)
    ours = {t["name"] for t in rj["targets"] if t["kind"] == "ours"}
    fig, ax = plt.subplots(figsize=(max(6.0, 1.2 + 0.55 * len(names) * len(wls)), 4.2))
    width = 0.8 / max(1, len(names))
    for i, n in enumerate(names):
        xs, ys = [], []
        for j, w in enumerate(wls):
            r = sel.get((n, w))
            if r and r.get("qps_per_core"):
                xs.append(j - 0.4 + width * (i + 0.5))
                ys.append(r["qps_per_core"])
        bars = ax.bar(xs, ys, width, label=n, color=col[n], edgecolor="black" if n in ours else col[n],
                      hatch="//" if n in ours else None)
        ax.bar_label(bars, labels=["%.0fk" % (y / 1000.0) for y in ys], fontsize=7, rotation=90, padding=2)
    ax.set_xticks(range(len(wls)))
    ax.set_xticklabels(wls)
    ax.set_ylabel("qps per server core (qps ÷ server CPU share)")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: "{:,.0f}".format(v)))
    ax.margins(y=0.15)
    ax.set_title("qps per server core, %s: harness run %s, median of %d round(s)" % (
        path_label, rj.get("_run", "?"), rj["options"].get("repeat", 1)))
    ax.legend(ncol=min(len(names), 6), loc="upper center", bbox_to_anchor=(0.5, -0.08), frameon=False)
    ax.grid(axis="y", alpha=0.3)
    save(fig, out)


def cdf_points(lat):
    xs = [lat[k] * 1e3 for _, k in POINTS if lat.get(k) is not None]
    ys = [q for q, k in POINTS if lat.get(k) is not None]
    if lat.get("max") is not None:
        xs.append(lat["max"] * 1e3)
        ys.append(TOP)
    return xs, ys


def latency_chart(rj, path_label, out):
    sel = pick(rj["results"])
    names = servers(rj)
    wls = [w for w in WORKLOADS if any(((sel.get((n, w)) or {}).get("latency") or {}).get("n") for n in names)]
    if not wls:
        return False
    col = colours(names)
    fig, axes = plt.subplots(1, len(wls), figsize=(4.6 * len(wls), 4.4), squeeze=False, sharey=True)
    for ax, w in zip(axes[0], wls):
        for n in names:
            rep = sel.get((n, w))
            for r in rj["results"]:
                lat = r.get("latency") or {}
                if r.get("server") != n or r.get("workload") != w or not lat.get("n"):
                    continue
                xs, ys = cdf_points(lat)
                main = r is rep
                ax.step(xs, ys, where="post", color=col[n], linewidth=1.8 if main else 0.6,
                        alpha=1.0 if main else 0.45, marker="o" if main else None, markersize=3,
                        label=("%s (max %.2f ms)" % (n, lat["max"] * 1e3)) if main else None)
        ax.set_xscale("log")
        ax.set_yscale("logit")
        ax.set_ylim(0.4, TOP * 1.00002)
        ax.set_yticks([0.5, 0.9, 0.99, 0.999, TOP])
        ax.set_yticklabels(["p50", "p90", "p99", "p99.9", "max"])
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: "%g" % v))
        ax.set_xlabel("latency, ms (log scale)")
        ax.set_title(w)
        ax.grid(axis="x", which="both", alpha=0.25)
        ax.grid(axis="y", which="major", alpha=0.4)
        ax.legend(fontsize=7, loc="lower right")
    axes[0][0].set_ylabel("fraction of queries answered within")
    fig.suptitle("Latency at the fixed-rate probe (%s qps, %s s), %s: harness run %s.\nStep CDF through the "
                 "percentiles the harness keeps (p50, p90, p99, p99.9, max), not per-query data; thick: the "
                 "median-qps round, thin: other rounds" % (
                     "{:,}".format(rj["options"].get("lat_qps", 0)), rj["options"].get("lat_secs", "?"),
                     path_label, rj.get("_run", "?")), fontsize=9)
    fig.tight_layout()
    save(fig, out)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loopback", default="", help="results root, run directory or results.json (loopback)")
    ap.add_argument("--nodepath", default="", help="the same for the node-path run")
    ap.add_argument("--out-dir", required=True)
    a = ap.parse_args()
    os.makedirs(a.out_dir, exist_ok=True)
    drawn = 0
    for key, root in (("loopback", a.loopback), ("nodepath", a.nodepath)):
        loaded = load(root)
        if not loaded:
            continue
        rdir, rj = loaded
        rj["_run"] = os.path.basename(os.path.normpath(rdir))
        qps_chart(rj, LABELS[key], os.path.join(a.out_dir, "qps-per-core-%s.svg" % key))
        latency_chart(rj, LABELS[key], os.path.join(a.out_dir, "latency-%s.svg" % key))
        drawn += 1
    if not drawn:
        raise SystemExit("plots.py: no results.json found in %r or %r" % (a.loopback, a.nodepath))


if __name__ == "__main__":
    main()
