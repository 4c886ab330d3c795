#!/usr/bin/python3
"""Idle footprint and start of one build, beyond bench/footprint.sh's table: RSS before and after a native-heap
trim, the AOT cache's resident and dirty pages, NMT's peaks, the threads, and the CPU spent up to the first
answer (less distorted by a loaded machine than the wall time).

  bench/idle.py COREFILE [EXTRA JVM FLAGS...]
Env: JAVA (default /usr/lib/jvm/temurin-25-jdk-amd64/bin/java), JAR (deploy/target/nodecache.jar),
     AOT (an AOT cache made by deploy/aot-cache.sh for this JAR and JVM; '-' for none; default none),
     PORT (the Corefile's DNS port, 25301 as footprint.sh writes it), QNAME (the name asked,
     kubernetes.default.svc.cluster.local), STARTS (3), SETTLE (seconds before reading, 11).
The JVM flags are the manifest's JAVA_TOOL_OPTIONS (deploy/kubernetes/nodecache.yaml) without its -XX:AOTCache,
plus NMT. Example, with the Corefile and cache footprint.sh left behind:
  AOT=bench/target/footprint/nodecache-25.aot bench/idle.py bench/target/footprint/Corefile-idle
Loopback only; each server is stopped before the next starts."""
import os, re, statistics, subprocess, sys, time

from procs import first_answer, manifest_java_opts, proc_status, stop

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAVA = os.environ.get("JAVA", "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java")
JCMD = os.path.join(os.path.dirname(JAVA), "jcmd")
JAR = os.environ.get("JAR", os.path.join(ROOT, "deploy/target/nodecache.jar"))
AOT, PORT = os.environ.get("AOT", "-"), int(os.environ.get("PORT", "25301"))
QNAME = os.environ.get("QNAME", "kubernetes.default.svc.cluster.local")
STARTS, SETTLE = int(os.environ.get("STARTS", "3")), float(os.environ.get("SETTLE", "11"))


def manifest_flags():
    text = open(os.path.join(ROOT, "deploy/kubernetes/nodecache.yaml")).read()
    return [o for o in manifest_java_opts(text) if not o.startswith("-XX:AOTCache=")]




def cpu_ms(stat):
    f = open(stat).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) * 1000 // os.sysconf("SC_CLK_TCK")


def kib(pid):
    return proc_status(pid, ("VmRSS", "RssAnon", "RssFile"))


def one(argv, env):
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    try:
        if first_answer(PORT, QNAME, lambda: p.poll() is None) is None:
            raise SystemExit("idle: no answer for %s (exit %s)" % (QNAME, p.poll()))
        r = {"ms": (time.monotonic() - t0) * 1000, "cpu": cpu_ms("/proc/%d/stat" % p.pid)}
        tasks = [int(t) for t in os.listdir("/proc/%d/task" % p.pid)]
        mains = [t for t in tasks if t != p.pid and open("/proc/%d/task/%d/comm" % (p.pid, t)).read().strip() == "java"]
        r["main_cpu"] = cpu_ms("/proc/%d/task/%d/stat" % (p.pid, min(mains))) if mains else None
        time.sleep(SETTLE)
        r["status"] = kib(p.pid)
        r["threads"] = sorted(open("/proc/%d/task/%s/comm" % (p.pid, t)).read().strip() for t in os.listdir("/proc/%d/task" % p.pid))
        r["aot"] = {}
        cur = None
        for line in open("/proc/%d/smaps" % p.pid):
            if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
                cur = line.split()[-1] if AOT != "-" and line.rstrip().endswith(os.path.basename(AOT)) else None
            elif cur and line.split(":")[0] in ("Rss", "Private_Dirty"):
                k = line.split(":")[0]
                r["aot"][k] = r["aot"].get(k, 0) + int(line.split()[1])
        r["nmt"] = subprocess.run([JCMD, str(p.pid), "VM.native_memory", "summary"], capture_output=True, text=True, timeout=60).stdout
        subprocess.run([JCMD, str(p.pid), "System.trim_native_heap"], capture_output=True, timeout=60)
        r["trimmed"] = kib(p.pid)
        return r
    finally:
        stop(p)


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    flags = manifest_flags() + (["-XX:AOTCache=" + AOT] if AOT != "-" else []) + ["-XX:NativeMemoryTracking=summary"]
    argv = [JAVA] + flags + sys.argv[2:] + ["-jar", JAR, "-conf", sys.argv[1]]
    env = dict(os.environ, MALLOC_ARENA_MAX="2")
    env.pop("JAVA_TOOL_OPTIONS", None)
    runs = [one(argv, env) for _ in range(STARTS)]
    mib = lambda rs, k, part="status": "%.1f" % (statistics.median(r[part][k] for r in rs) / 1024)
    print("flags: " + " ".join(flags + sys.argv[2:]))
    print("start ms %s; CPU ms at first answer, process %s, main thread %s" % (
        [round(r["ms"]) for r in runs], [r["cpu"] for r in runs], [r["main_cpu"] for r in runs]))
    print("RSS median %s MiB (anon %s, file %s); after a trim %s (anon %s); each %s" % (
        mib(runs, "VmRSS"), mib(runs, "RssAnon"), mib(runs, "RssFile"), mib(runs, "VmRSS", "trimmed"),
        mib(runs, "RssAnon", "trimmed"), [round(r["status"]["VmRSS"] / 1024, 1) for r in runs]))
    if runs[-1]["aot"]:
        print("AOT cache resident %.1f MiB, private dirty %.1f MiB" % (
            runs[-1]["aot"]["Rss"] / 1024, runs[-1]["aot"]["Private_Dirty"] / 1024))
    nmt = runs[-1]["nmt"]
    print("NMT classes %s; committed MiB: %s" % (
        (re.search(r"\(classes #(\d+)\)", nmt) or [None, "?"])[1],
        ", ".join("%s %.1f" % (m.group(1), int(m.group(2)) / 1024)
                  for m in re.finditer(r"^-\s+(.+?) \(reserved=\d+KB, committed=(\d+)KB", nmt, re.M) if int(m.group(2)) >= 100)))
    print("NMT peaks: Compiler arena %s, Arena Chunk %s, malloc %s" % tuple(
        (re.search(pattern, nmt, re.S) or [None, "?"])[1] for pattern in (
            r"- +Compiler \(.*?\(arena=[^)]*\) \(peak=(\d+KB)", r"- +Arena Chunk \(.*?peak=(\d+KB)", r"malloc: \d+KB #\d+, peak=(\d+KB)")))
    print("threads (%d): %s" % (len(runs[-1]["threads"]), " ".join(t.replace(" ", "_") for t in runs[-1]["threads"])))


if __name__ == "__main__":
    main()
