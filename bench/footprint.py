#!/usr/bin/python3
"""The measuring half of bench/footprint.sh (which documents it and sets the FP_* environment).
Standard library only; loopback only."""
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import time
import urllib.request

from procs import first_answer, manifest_java_opts, proc_status, stop

ROOT, JAR, BENCH_JAR = os.environ["FP_ROOT"], os.environ["FP_JAR"], os.environ["FP_BENCH_JAR"]
OUT, RESULTS = os.environ["FP_OUT"], os.environ["FP_RESULTS"]
JDKS, POINTS = os.environ["FP_JDKS"].split(), os.environ["FP_POINTS"].split()
EXTRA, STARTS, COMMAND = shlex.split(os.environ["FP_EXTRA"]), int(os.environ["FP_STARTS"]), os.environ["FP_COMMAND"]
MANIFEST = os.path.join(ROOT, "deploy/kubernetes/nodecache.yaml")
BASE = int(os.environ.get("FP_PORT_BASE", "25301"))
PORT, UP, METRICS, HEALTH, READY, UP_METRICS = range(BASE, BASE + 6)
SECTION = "## Footprint (bench/footprint.sh)"
KEPT_SECTION = "## Figures formerly quoted in code comments"
TARGETS = {"idle": 64, "default": 80, "100k": 112, "svc10000": 96}
LABELS = {"idle": "idle", "default": "default caches full (9,984 + 9,984) at 10k qps",
          "100k": "100,000 names asked (cache 3600, success 100000)", "svc1000": "1,000-Service view", "svc10000": "10,000-Service view"}


def manifest():
    """(JAVA_TOOL_OPTIONS as a list, the env of the container we copy, the ConfigMap's Corefile)."""
    text = open(MANIFEST).read()
    opts = manifest_java_opts(text)
    env = {}
    arena = re.search(r"- name: MALLOC_ARENA_MAX\n\s+value: \"?(\d+)", text)
    if arena:
        env["MALLOC_ARENA_MAX"] = arena.group(1)
    lines = text[text.index("  Corefile: |\n") + len("  Corefile: |\n"):].splitlines()
    body = []
    for line in lines:
        if line.strip() and not line.startswith("    "):
            break
        body.append(line[4:])
    return opts, env, "\n".join(body) + "\n"


def corefile(template, snapshot, big_cache):
    c = template.replace("__PILLAR__DNS__DOMAIN__", "cluster.local")
    c = re.sub(r":53 \{", ":%d {" % PORT, c)
    c = re.sub(r"bind .*", "bind 127.0.0.1", c)
    c = c.replace("__PILLAR__CLUSTER__DNS__", "127.0.0.1:%d" % UP).replace("__PILLAR__UPSTREAM__SERVERS__", "127.0.0.1:%d" % UP)
    c = re.sub(r"prometheus \S+", "prometheus 127.0.0.1:%d" % METRICS, c)
    c = re.sub(r"health \S+", "health 127.0.0.1:%d" % HEALTH, c)
    c = re.sub(r"ready \S+", "ready 127.0.0.1:%d" % READY, c)
    c = re.sub(r"snapshot \S+", "snapshot " + snapshot, c)
    if big_cache:  # the last block, `.`: its cache gets room for 100,000 answers, kept an hour (not 30 s)
        at = c.rindex(".:%d {" % PORT)
        c = c[:at] + c[at:].replace("cache 30\n", "cache 3600 {\n        success 100000\n    }\n", 1)
    if "__PILLAR__" in c:
        raise SystemExit("footprint: a placeholder left in the Corefile:\n" + c)
    return c


def snapshot(path, services):
    items = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}},
             {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "kubernetes", "namespace": "default"},
              "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"],
                       "ports": [{"name": "https", "port": 443, "protocol": "TCP"}]}}]
    items += [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ns%d" % i}} for i in range(min(100, services))]
    for i in range(services):  # as bench/cluster.sh: ClusterIP Services in 100 namespaces, 5 ready endpoints
        ns, name, ip = "ns%d" % (i % 100), "svc%d" % i, "10.96.%d.%d" % (1 + i // 250, 1 + i % 250)
        items.append({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns},
                      "spec": {"type": "ClusterIP", "clusterIP": ip, "clusterIPs": [ip], "ipFamilies": ["IPv4"],
                               "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}]}})
        items.append({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                      "metadata": {"name": name + "-abcde", "namespace": ns,
                                   "labels": {"kubernetes.io/service-name": name}},
                      "addressType": "IPv4",
                      "endpoints": [{"addresses": ["10.%d.%d.%d" % (100 + j, (i >> 8) & 255, i & 255)],
                                     "conditions": {"ready": True}} for j in range(5)],
                      "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]})
    with open(path, "w") as f:
        json.dump({"apiVersion": "v1", "kind": "List", "items": items}, f)
    with open(path + ".names", "w") as f:
        for i in range(services):
            f.write("svc%d.ns%d.svc.cluster.local. A\n" % (i, i % 100))




def start(argv, env, port, name, log):
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    if first_answer(port, name, lambda: p.poll() is None) is not None:
        return p, (time.monotonic() - t0) * 1000.0
    if p.poll() is not None:
        raise SystemExit("footprint: exited with %s: %s (log %s)" % (p.returncode, " ".join(argv), log.name))
    stop(p)
    raise SystemExit("footprint: no answer for %s within 60 s: %s" % (name, " ".join(argv)))




def load(port, tag, *args):
    js = os.path.join(OUT, "load-%s.json" % tag)
    argv = ["java", "-jar", BENCH_JAR, "load", "--server", "127.0.0.1:%d" % port, "--json", js, "--quiet"] + list(args)
    subprocess.run(argv, check=True, timeout=300, stdout=subprocess.DEVNULL)
    with open(js) as f:
        r = json.load(f)
    return {k: r.get(k) for k in ("sent", "answered", "lost", "late", "qps", "rcodes")}


def nmt(jdk, pid):
    out = subprocess.run([os.path.join(jdk, "bin/jcmd"), str(pid), "VM.native_memory", "summary"],
                         capture_output=True, text=True, timeout=60).stdout
    cats, threads = {}, None
    for m in re.finditer(r"^-\s+(.+?) \(reserved=(\d+)KB, committed=(\d+)KB[^)]*\)\n(.*)", out, re.M):
        cats[m.group(1)] = int(m.group(3))
        if m.group(1) == "Thread":
            t = re.search(r"#(\d+)", m.group(4))
            threads = int(t.group(1)) if t else None
    total = re.search(r"Total: reserved=\d+KB, committed=(\d+)KB", out)
    loaded = re.search(r"\(classes #(\d+)\)", out)
    classes = int(loaded.group(1)) if loaded else None
    return {"categories_kb": cats, "threads": threads, "total_committed_kb": int(total.group(1)) if total else None,
            "classes": classes, "raw": out}


def histogram(jdk, pid, path):
    """Live heap after a full collection (`jcmd GC.class_histogram`, read after the other figures, since it
    collects), in KiB; the histogram is kept in PATH."""
    out = subprocess.run([os.path.join(jdk, "bin/jcmd"), str(pid), "GC.class_histogram"],
                         capture_output=True, text=True, timeout=120).stdout
    with open(path, "w") as f:
        f.write(out)
    total = re.search(r"^Total\s+\d+\s+(\d+)", out, re.M)
    return int(total.group(1)) / 1024 if total else None




def cache_entries():
    try:
        body = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % METRICS, timeout=5).read().decode()
    except OSError:
        return None
    got = {}
    for m in re.finditer(r'^coredns_cache_entries\{([^}]*)\} (\S+)', body, re.M):
        kind = re.search(r'type="(\w+)"', m.group(1)).group(1)
        got[kind] = got.get(kind, 0) + int(float(m.group(2)))
    return got


def measure(jdk, pid):
    time.sleep(11)  # two of the manifest's 5 s native-heap trim intervals (and arena-chunk cleanups)
    r = {"status_kb": proc_status(pid, ("VmRSS", "RssAnon", "RssFile", "RssShmem", "Threads")), "cache_entries": cache_entries()}
    r.update(nmt(jdk, pid))
    return r


def archive_flags(jdk, opts, version, env):
    """The manifest's archive flag, pointed at an archive made here for this JDK and jar (AOT cache on 25,
    dynamic CDS on 17, where the 25-only flags are dropped)."""
    out = []
    aot = any(o.startswith("-XX:AOTCache=") for o in opts)
    cds = any(o.startswith("-XX:SharedArchiveFile=") for o in opts)
    for o in opts:
        if o.startswith(("-XX:AOTCache=", "-XX:SharedArchiveFile=")):
            continue
        if version < 25 and o in ("-XX:+UseCompactObjectHeaders", "--sun-misc-unsafe-memory-access=allow"):
            continue
        out.append(o)
    tool_env = dict(env, PATH=os.path.join(jdk, "bin") + ":" + os.environ["PATH"])
    if "-Xshare:off" in EXTRA:
        return out, "none (-Xshare:off)"
    if aot or cds:  # deploy/aot-cache.sh writes an AOT cache on 25, a dynamic CDS archive before
        path = os.path.join(OUT, "nodecache-%d.aot" % version)
        subprocess.run(["sh", os.path.join(ROOT, "deploy/aot-cache.sh"), JAR, path] + out, check=True, env=tool_env,
                       timeout=600, stdout=subprocess.DEVNULL)
        if version >= 25:
            return out + ["-XX:AOTCache=" + path], "AOT cache (deploy/aot-cache.sh)"
        return out + ["-XX:SharedArchiveFile=" + path], "dynamic CDS archive (deploy/aot-cache.sh)"
    return out, "none"


def jdk_version(jdk):
    r = subprocess.run([os.path.join(jdk, "bin/java"), "-version"], capture_output=True, text=True, timeout=30)
    first = r.stderr.splitlines()[0]
    return int(re.search(r'"(\d+)', first).group(1)), " / ".join(l.strip() for l in r.stderr.splitlines()[:2])


def run_jdk(jdk, opts, env, template):
    version, desc = jdk_version(jdk)
    flags, archive = archive_flags(jdk, opts, version, env)
    flags = flags + EXTRA + ["-XX:NativeMemoryTracking=summary"]
    res = {"jdk": desc, "version": version, "flags": flags, "archive": archive, "points": {}}
    java = os.path.join(jdk, "bin/java")
    for point in POINTS:
        services = {"svc1000": 1000, "svc10000": 10000}.get(point, 1)
        snap = os.path.join(OUT, "cluster-%d.json" % services)
        if not os.path.exists(snap):
            snapshot(snap, services)
        cf = os.path.join(OUT, "Corefile-%s" % point)
        with open(cf, "w") as f:
            f.write(corefile(template, snap, point == "100k"))
        argv = [java] + flags + ["-jar", JAR, "-conf", cf]
        times = []
        with open(os.path.join(OUT, "server-%d-%s.log" % (version, point)), "w") as log:
            for i in range(STARTS if point == "idle" else 1):
                p, ms = start(argv, env, PORT, "kubernetes.default.svc.cluster.local", log)
                times.append(round(ms, 1))
                if i < (STARTS if point == "idle" else 1) - 1:
                    stop(p)
            try:
                pt = {"start_ms": times}
                time.sleep(2)
                if point == "default":
                    pt["load"] = [load(PORT, "%d-default-ok" % version, "--gen", "h%d.fp.test", "--gen-count", "9984",
                                       "--rate", "10000", "--count", "19968", "--duration", "30s"),
                                  load(PORT, "%d-default-nx" % version, "--gen", "nx%d.fp.test", "--gen-count", "9984",
                                       "--rate", "10000", "--count", "19968", "--duration", "30s")]
                elif point == "100k":  # passes over the 100,000 names until the cache holds them (at most 5)
                    pt["load"] = []
                    for n in range(5):
                        pt["load"].append(load(PORT, "%d-100k-%d" % (version, n), "--gen", "h%d.fp.test", "--gen-count",
                                               "100000", "--rate", "10000", "--count", "100000", "--duration", "60s"))
                        if (cache_entries() or {}).get("success", 0) >= 99000:
                            break
                elif point.startswith("svc"):
                    pt["load"] = [load(PORT, "%d-%s" % (version, point), "--file", snap + ".names", "--rate", "10000",
                                       "--count", str(services), "--duration", "60s")]
                pt.update(measure(jdk, p.pid))
                pt["live_heap_kb"] = histogram(jdk, p.pid, os.path.join(OUT, "histo-%d-%s.txt" % (version, point)))
                with open(os.path.join(OUT, "nmt-%d-%s.txt" % (version, point)), "w") as f:
                    f.write(pt.pop("raw"))
                res["points"][point] = pt
                print("footprint: JDK %d %-8s RSS %.1f MiB (anon %.1f), %s threads, %s classes, start %s ms" % (
                    version, point, pt["status_kb"]["VmRSS"] / 1024, pt["status_kb"]["RssAnon"] / 1024,
                    pt["threads"], pt["classes"], times), flush=True)
            finally:
                stop(p)
    return res


def upstream(env):
    """A second instance of our jar: A for h<N>.fp.test, NXDOMAIN for every other fp.test name."""
    cf = os.path.join(OUT, "Corefile.upstream")
    with open(cf, "w") as f:
        f.write("""fp.test:%d {
    bind 127.0.0.1
    template IN A fp.test {
        match ^h[0-9]+[.]fp[.]test[.]$
        answer "{{ .Name }} 3600 IN A 192.0.2.1"
        fallthrough
    }
    template ANY ANY fp.test {
        rcode NXDOMAIN
        authority "fp.test. 60 IN SOA ns.fp.test. hostmaster.fp.test. 1 3600 600 86400 60"
    }
}
""" % UP)
    log = open(os.path.join(OUT, "upstream.log"), "w")
    p, _ = start(["java", "-Xmx256m", "-XX:+UseSerialGC", "-jar", JAR, "-conf", cf], env, UP, "h1.fp.test", log)
    load(UP, "upstream-warm", "--tcp", "--gen", "h%d.fp.test", "--gen-count", "100000", "--rate", "10000",
         "--count", "80000", "--duration", "8s")
    return p


def mib(kb):
    return "n/a" if kb is None else "%.1f" % (kb / 1024)


def table(results):
    cols = ["point", "JDK", "RSS", "anon", "file", "NMT committed", "heap", "live heap", "class + metaspace", "shared archive",
            "code", "compiler arenas", "threads (count)", "GC", "symbol", "internal", "other (Netty direct)", "rest", "classes", "cache entries",
            "start ms (median)"]
    md = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for point in POINTS:
        for r in results:
            pt = r["points"].get(point)
            if not pt:
                continue
            c, s = pt["categories_kb"], pt["status_kb"]
            named = {"Java Heap": c.get("Java Heap"), "class": sum(c.get(k, 0) for k in ("Class", "Metaspace")),
                     "shared": c.get("Shared class space"), "compiler": sum(c.get(k, 0) for k in ("Compiler", "Arena Chunk")),
                     "Code": c.get("Code"), "Thread": c.get("Thread"), "GC": c.get("GC"), "Symbol": c.get("Symbol"),
                     "Internal": c.get("Internal"), "Other": c.get("Other")}
            rest = pt["total_committed_kb"] - sum(v or 0 for v in named.values())
            ce = pt.get("cache_entries") or {}
            md.append("| " + " | ".join([
                LABELS[point], str(r["version"]), "**%s**" % mib(s["VmRSS"]), mib(s["RssAnon"]), mib(s["RssFile"]),
                mib(pt["total_committed_kb"]), mib(named["Java Heap"]), mib(pt.get("live_heap_kb")), mib(named["class"]), mib(named["shared"]), mib(named["Code"]), mib(named["compiler"]),
                "%s (%s)" % (mib(named["Thread"]), pt["threads"]), mib(named["GC"]), mib(named["Symbol"]),
                mib(named["Internal"]), mib(named["Other"]), mib(rest), str(pt["classes"]),
                " + ".join("%s %s" % (v, k) for k, v in sorted(ce.items())) or "n/a",
                "%.0f" % statistics.median(pt["start_ms"])]) + " |")
    return md


def section(results):
    md = [SECTION, "",
          "Memory in MiB (RSS and its anonymous and file-backed parts from /proc/PID/status; the rest is NMT's "
          "committed memory by category, `jcmd PID VM.native_memory summary`, so it includes what is committed "
          "but not yet touched). Each point is a fresh server with the DaemonSet's JVM flags and node-local's "
          "default Corefile, read 11 s after its load; `live heap` is the heap's live data after a full collection "
          "(`jcmd GC.class_histogram`, taken after the other figures). `shared archive` is the CDS archive or AOT cache "
          "mapped (NMT's Shared class space), `compiler arenas` NMT's Compiler and Arena Chunk (JIT scratch memory), "
          "`rest` NMT's other categories (NMT itself, modules, synchronizers...). `classes` is NMT's class count. Start: process spawn to the first "
          "answer of `kubernetes.default.svc.cluster.local. A` (%d fresh starts at the idle point, 1 otherwise; "
          "the machine is shared with other builds, so times are indicative)." % STARTS, "",
          "Command: `%s`" % COMMAND, ""]
    for r in results:
        md.append("- JDK %d (%s), archive: %s; flags: `%s`" % (r["version"], r["jdk"], r["archive"], " ".join(r["flags"])))
    md += [""] + table(results) + [""]
    for r in results:
        loads = []
        for point in POINTS:
            for l in r["points"].get(point, {}).get("load", []):
                loads.append("%s %d sent, %d answered in time, %.0f qps" % (point, l["sent"], l["answered"], l["qps"]))
        if loads:
            md.append("- JDK %d loads: %s." % (r["version"], "; ".join(loads)))
        idle, big = r["points"].get("idle"), r["points"].get("100k")
        if idle and big and idle.get("live_heap_kb") and big.get("live_heap_kb"):
            n = (big.get("cache_entries") or {}).get("success", 0)
            if n:
                per = (big["live_heap_kb"] - idle["live_heap_kb"]) * 1024 / n
                md.append("- JDK %d bytes per cached answer: (live heap at 100k - idle) / %d answers = %.0f B, of which "
                          "the answer's own wire form is 48 B (`h<N>.fp.test. A`, one record, no OPT): overhead %.0f B."
                          % (r["version"], n, per, per - 48))
    md.append("")
    for r in results:
        if r["version"] < 25:
            continue
        got = []
        for point, target in TARGETS.items():
            if point in r["points"]:
                rss = r["points"][point]["status_kb"]["VmRSS"] / 1024
                got.append("%s %.1f MiB (target %d: %s)" % (LABELS[point], rss, target, "met" if rss <= target else "missed"))
        if "idle" in r["points"]:
            ms = statistics.median(r["points"]["idle"]["start_ms"])
            got.append("start to first answer %.0f ms (target 300: %s)" % (ms, "met" if ms <= 300 else "missed"))
        md.append("Against the targets (JDK %d): %s." % (r["version"], "; ".join(got)))
        md.append("")
    return "\n".join(md)


def write(text):
    if RESULTS == "-":
        print(text)
        return
    old = open(RESULTS).read() if os.path.exists(RESULTS) else ""
    notes = ""
    if SECTION in old:  # keep hand-written notes under a "### Notes" heading of the old section
        at = old.index(SECTION)
        end = old.find("\n## ", at + len(SECTION))
        end = len(old) if end < 0 else end + 1
        body = old[at:end]
        if "\n### Notes" in body:
            notes = body[body.index("\n### Notes") + 1:].rstrip() + "\n\n"
        old = old[:at] + old[end:]
    text = text.rstrip() + "\n\n" + notes
    at = old.find(KEPT_SECTION)
    new = old[:at] + text + old[at:] if at >= 0 else old.rstrip() + "\n\n" + text
    with open(RESULTS, "w") as f:
        f.write(new)
    print("footprint: wrote the section to " + RESULTS)


def main():
    opts, env_extra, template = manifest()
    env = dict(os.environ, **env_extra)
    env.pop("JAVA_TOOL_OPTIONS", None)
    up = upstream(env)
    results = []
    try:
        for jdk in JDKS:
            results.append(run_jdk(jdk, opts, env, template))
    finally:
        stop(up)
    with open(os.path.join(OUT, "footprint.json"), "w") as f:
        json.dump(results, f, indent=1)
    write(section(results))


if __name__ == "__main__":
    main()
