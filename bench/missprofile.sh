#!/usr/bin/env bash
# Server CPU per forwarded cache miss, ours against unbound, plus a JFR profile of ours (issue #20).
#
#   bench/missprofile.sh                 (needs deploy/target/nodecache.jar, nsd, unbound, dnsperf, taskset)
#
# Every query is a name never asked before (m<i>.miss.bench.test A, answered by a wildcard), so every
# query is a cache miss forwarded over TCP to NSD on 127.0.0.1:$UP_PORT. The server under test is pinned
# to CPU 1, NSD and dnsperf to CPU 0. CPU per miss = (utime+stime delta of the server's /proc/PID/stat
# over the measured run) / answers dnsperf received, split user/system. Each server gets a fresh process
# per run, warmed up (JIT) with other never-seen names first.
#
# Env: QUERIES (100000 per measured run), RATE (5000 qps, dnsperf -Q), WARM (100000), RUNS (3),
#      SERVERS ("ours unbound"), JFR (1: one more run of ours under JFR, profile printed),
#      PORT (5391: the server under test), UP_PORT (5390: NSD), JAVA_OPTS, NODECACHE_JAR,
#      OUT (bench/target/miss), STRACE (1: count the server's system calls per run with strace -c,
#      written to OUT/KIND-RUN-strace.txt; strace slows the server, so use a low RATE, and its CPU
#      figures are not comparable), PERF (1: perf record -e cpu-clock of the server over the measured
#      load, OUT/KIND-RUN-perf.data; 'perf report --sort dso' splits kernel, JVM and JIT-compiled code). Loopback only; every load is bounded in count (-n 1) and time (-l).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="${NODECACHE_JAR:-$root/deploy/target/nodecache.jar}"
OUT="${OUT:-$root/bench/target/miss}"; mkdir -p "$OUT"
QUERIES="${QUERIES:-100000}"; RATE="${RATE:-5000}"; WARM="${WARM:-100000}"; RUNS="${RUNS:-3}"
SERVERS="${SERVERS:-ours unbound}"; JFR="${JFR:-1}"; PORT="${PORT:-5391}"; UP_PORT="${UP_PORT:-5390}"
# compare.sh's flags (without its AOT cache, which changes start-up only)
JAVA_OPTS="${JAVA_OPTS:--Xms12m -Xmx192m -Xmn6m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:-ShrinkHeapInSteps -XX:+UseSerialGC -XX:MaxDirectMemorySize=64m -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=32m -XX:SweeperThreshold=50 -Xss512k -XX:ActiveProcessorCount=1 -XX:+ExitOnOutOfMemoryError}"
for b in nsd unbound dnsperf taskset dig jfr; do
    command -v "$b" >/dev/null || { echo "missing $b (apt-get install nsd unbound dnsperf dnsutils)" >&2; exit 2; }
done
[[ " $SERVERS " != *" ours "* || -f "$jar" ]] || { echo "missing $jar: mvn -B -q package -DskipTests -pl deploy -am" >&2; exit 2; }
limit=$(( QUERIES / RATE * 3 + 30 ))   # dnsperf -l: a hard bound on every load

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# ---- the upstream: NSD, a wildcard zone, its own port
up="$OUT/nsd"; mkdir -p "$up"
cat > "$up/miss.zone" <<'EOF'
$ORIGIN bench.test.
$TTL 3600
@ IN SOA ns.bench.test. admin.bench.test. 1 3600 600 86400 60
@ IN NS ns.bench.test.
ns IN A 127.0.0.1
*.miss IN A 192.0.2.1
EOF
cat > "$up/nsd.conf" <<EOF
server:
    ip-address: 127.0.0.1@$UP_PORT
    server-count: 1
    username: ""
    chroot: ""
    zonesdir: "$up"
    database: ""
    zonelistfile: "$up/zone.list"
    xfrdfile: "$up/xfrd.state"
    xfrdir: "$up"
    pidfile: "$up/nsd.pid"
    logfile: "$up/nsd.log"
    verbosity: 1
    minimal-responses: yes
    tcp-count: 1000
    tcp-timeout: 60
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
remote-control:
    control-enable: no
zone:
    name: "bench.test."
    zonefile: "miss.zone"
EOF
port_free() { # a leftover server on a port would be measured instead of ours
    if dig +short +tries=1 +time=1 @127.0.0.1 -p "$1" ready.miss.bench.test >/dev/null 2>&1; then
        echo "something already answers on 127.0.0.1:$1: stop it or set PORT/UP_PORT" >&2; exit 2
    fi
}
port_free "$UP_PORT"
taskset -c 0 nsd -d -c "$up/nsd.conf" > "$up/nsd.out" 2>&1 &
pids+=($!)
wait_up() { # port, pid
    for _ in $(seq 300); do
        dig +short +tries=1 +time=1 @127.0.0.1 -p "$1" ready.miss.bench.test >/dev/null 2>&1 && return 0
        kill -0 "$2" 2>/dev/null || { echo "process $2 died" >&2; return 1; }
        sleep 0.1
    done
    echo "port $1 never answered" >&2; return 1
}
wait_up "$UP_PORT" "${pids[0]}"

# ---- names: each run its own never-seen set (warm-up names differ from measured names)
names() { # prefix count file
    python3 - "$1" "$2" "$3" <<'PY'
import sys
p, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(out, "w") as f:
    for i in range(n):
        f.write("%s%d.miss.bench.test. A\n" % (p, i))
PY
}
names w "$WARM" "$OUT/q-warm.txt"
names m "$QUERIES" "$OUT/q-miss.txt"

unbound_conf="$OUT/unbound.conf"
cat > "$unbound_conf" <<EOF
server:
    interface: 127.0.0.1@$PORT
    port: $PORT
    do-ip6: no
    num-threads: 1
    username: ""
    chroot: ""
    directory: "$OUT"
    pidfile: ""
    use-syslog: no
    logfile: ""
    verbosity: 0
    access-control: 127.0.0.0/8 allow
    module-config: "iterator"
    do-not-query-localhost: no
    local-zone: "test." nodefault
    tcp-upstream: yes
    msg-cache-size: 64m
    rrset-cache-size: 128m
    num-queries-per-thread: 4096
    outgoing-num-tcp: 64
    prefetch: no
    minimal-responses: yes
    qname-minimisation: no
forward-zone:
    name: "."
    forward-addr: 127.0.0.1@$UP_PORT
remote-control:
    control-enable: no
EOF

start_server() { # kind jfr-file-or-empty -> sets spid
    local kind=$1 jfr=$2
    port_free "$PORT"
    kill -0 "${pids[0]}" || { echo "NSD (pid ${pids[0]}) is gone: see $up/nsd.log" >&2; exit 2; }
    if [[ $kind == ours ]]; then
        local extra=()
        [[ -n $jfr ]] && extra=(-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints
            "-XX:StartFlightRecording=filename=$jfr,settings=$OUT/miss.jfc,dumponexit=true")
        NC_PORT=$PORT NC_BIND=127.0.0.1 NC_UPSTREAM=127.0.0.1:$UP_PORT taskset -c 1 java $JAVA_OPTS "${extra[@]}" \
            -jar "$jar" -conf "$here/Corefile.bench" > "$OUT/ours.log" 2>&1 &
    else
        taskset -c 1 unbound -d -c "$unbound_conf" > "$OUT/unbound.log" 2>&1 &
    fi
    spid=$!
    pids+=("$spid")
    wait_up "$PORT" "$spid"
}

stop_server() {
    kill -TERM "$spid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$spid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$spid" 2>/dev/null || true
    wait "$spid" 2>/dev/null || true
}

load() { # query-file out
    taskset -c 0 dnsperf -s 127.0.0.1 -p "$PORT" -d "$1" -n 1 -Q "$RATE" -c 20 -t 5 -l "$limit" > "$2" 2>&1
}

# per thread: "name ticks" (utime+stime), the name's digits dropped so that pools group together
threads() {
    for f in /proc/"$1"/task/*/stat; do
        sed -E 's/^[0-9]+ \((.*)\) [A-Za-z] (.*)$/\1\t\2/' "$f" 2>/dev/null | awk -F'\t' '{split($2, a, " "); n=$1; gsub(/[0-9]+/, "#", n); print n "\t" a[11] + a[12]}'
    done
}

# ours: "eden-capacity-KB eden-used-KB young-GCs" (jstat -gc); allocation = GCs x eden + used delta
gc() {
    if [[ $1 == ours ]]; then
        jstat -gc "$spid" | awk 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i} NR == 2 {print $c["EC"], $c["EU"], $c["YGC"]}'
    else
        echo "0 0 0"
    fi
}

# one run: prints "kind user_us sys_us total_us answered"
one_run() { # kind run jfr-file-or-empty
    local kind=$1 run=$2 jfr=$3
    start_server "$kind" "$jfr"
    load "$OUT/q-warm.txt" "$OUT/$kind-$run-warm.txt"
    threads "$spid" > "$OUT/$kind-$run-threads0.txt"
    gc "$kind" > "$OUT/$kind-$run-gc0.txt"
    read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$spid/stat")
    local tracer=""
    if [[ ${STRACE:-0} == 1 ]]; then
        strace -c -f -p "$spid" -o "$OUT/$kind-$run-strace.txt" 2>/dev/null & tracer=$!
        sleep 1
    elif [[ ${PERF:-0} == 1 ]]; then
        perf record -q -e cpu-clock -F 999 -g -p "$spid" -o "$OUT/$kind-$run-perf.data" > /dev/null 2>&1 & tracer=$!
        sleep 1
    fi
    load "$OUT/q-miss.txt" "$OUT/$kind-$run-dnsperf.txt"
    if [[ -n $tracer ]]; then kill -INT "$tracer"; wait "$tracer" || true; fi
    read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$spid/stat")
    threads "$spid" > "$OUT/$kind-$run-threads1.txt"
    gc "$kind" > "$OUT/$kind-$run-gc1.txt"
    stop_server
    python3 - "$kind" "$u0" "$s0" "$u1" "$s1" "$OUT/$kind-$run-dnsperf.txt" <<'PY'
import os, re, sys
kind, u0, s0, u1, s1, f = sys.argv[1], *map(int, sys.argv[2:6]), sys.argv[6]
t = open(f).read()
done = int(re.search(r"Queries completed:\s+(\d+)", t).group(1))
lost = int(re.search(r"Queries lost:\s+(\d+)", t).group(1))
noerr = re.search(r"NOERROR (\d+)", t)
tck = os.sysconf("SC_CLK_TCK")
us = lambda ticks: ticks / tck / max(done, 1) * 1e6
def per_thread(path):
    d = {}
    for line in open(path):
        n, t = line.rstrip("\n").rsplit("\t", 1)
        d[n] = d.get(n, 0) + int(t)
    return d
base = f[:-len("dnsperf.txt")]
t0, t1 = per_thread(base + "threads0.txt"), per_thread(base + "threads1.txt")
split = sorted(((t1[n] - t0.get(n, 0), n) for n in t1), reverse=True)
g0 = open(base + "gc0.txt").read().split()
g1 = open(base + "gc1.txt").read().split()
alloc = ((int(g1[2]) - int(g0[2])) * float(g1[0]) + float(g1[1]) - float(g0[1])) * 1024 / max(done, 1)
with open(base + "split.txt", "w") as out:
    if kind == "ours":
        out.write("heap-alloc=%.0fB/miss young-GCs=%d " % (alloc, int(g1[2]) - int(g0[2])))
    out.write(" ".join("%s=%.1f" % (n.replace(" ", "_"), us(v)) for v, n in split if v > 0) + "\n")
print("%s %.2f %.2f %.2f %d %d %s" % (kind, us(u1 - u0), us(s1 - s0), us(u1 - u0 + s1 - s0), done, lost,
                                       noerr.group(1) if noerr else "0"))
PY
}

results="$OUT/results.txt"; : > "$results"
echo "# $QUERIES never-seen names per run at $RATE qps, $RUNS runs per server (fresh process each), TCP to NSD :$UP_PORT"
printf "%-8s %4s %9s %9s %9s %9s %6s\n" server run "user us" "sys us" "CPU us" answered lost
for kind in $SERVERS; do
    for run in $(seq "$RUNS"); do
        line=$(one_run "$kind" "$run" "")
        echo "$line" >> "$results"
        read -r k u s t d l _ <<< "$line"
        printf "%-8s %4s %9s %9s %9s %9s %6s   per thread (us): %s\n" "$k" "$run" "$u" "$s" "$t" "$d" "$l" \
            "$(cat "$OUT/$k-$run-split.txt")"
    done
done
python3 - "$results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    k, u, s, t, *_ = line.split()
    rows.setdefault(k, []).append((float(u), float(s), float(t)))
med = {}
for k, v in rows.items():
    med[k] = [statistics.median(x[i] for x in v) for i in range(3)]
    print("median %-8s user %6.2f  sys %6.2f  total %6.2f us per miss" % (k, *med[k]))
if "ours" in med and "unbound" in med:
    print("ours / unbound CPU per miss: %.2fx (user %.2fx)" % (med["ours"][2] / med["unbound"][2], med["ours"][0] / med["unbound"][0]))
PY

if [[ $JFR == 1 && " $SERVERS " == *" ours "* ]]; then
    rm -f "$OUT/ours.jfr"
    # JFR's profile settings with a Java sample every 1 ms instead of 10: a run has ~10 s of our CPU
    jdk_home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
    sed 's|<setting name="period" control="method-sampling-java-interval">10 ms</setting>|<setting name="period" control="method-sampling-java-interval">1 ms</setting>|' \
        "$jdk_home/lib/jfr/profile.jfc" > "$OUT/miss.jfc"
    line=$(one_run ours jfr "$OUT/ours.jfr")
    echo "profiled run (JFR on, not in the medians): $line"
    jfr print --events jdk.ExecutionSample "$OUT/ours.jfr" > "$OUT/samples.txt"
    jfr print --events jdk.ObjectAllocationSample "$OUT/ours.jfr" > "$OUT/alloc.txt"
    python3 - "$OUT/samples.txt" "$OUT/alloc.txt" <<'PY'
import re, sys, collections
def events(path, tag):
    return open(path).read().split(tag)[1:]
self_c, incl = collections.Counter(), collections.Counter()
n = 0
for ev in events(sys.argv[1], "jdk.ExecutionSample"):
    frames = re.findall(r"^\s+([\w$.<>]+\(.*?\))\s+line:", ev, re.M)
    if not frames:
        continue
    n += 1
    self_c[frames[0]] += 1
    for f in set(frames):
        incl[f] += 1
print("%d CPU samples\n-- top self frames" % n)
for f, c in self_c.most_common(25):
    print("%5.1f%%  %s" % (100.0 * c / n, f))
print("-- top inclusive (self + callees)")
for f, c in incl.most_common(45):
    print("%5.1f%%  %s" % (100.0 * c / n, f))
by_class, by_site = collections.Counter(), collections.Counter()
total = 0
for ev in events(sys.argv[2], "jdk.ObjectAllocationSample"):
    cls = re.search(r"objectClass = (\S+)", ev)
    w = re.search(r"weight = ([\d.,]+) (\w+)", ev)
    if not cls or not w:
        continue
    v = float(w.group(1).replace(",", ""))
    v *= {"bytes": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}.get(w.group(2), 1)
    total += v
    by_class[cls.group(1)] += v
    frames = re.findall(r"^\s+([\w$.<>]+\(.*?\))\s+line:", ev, re.M)
    site = next((f for f in frames if "io.nodecache" in f), frames[0] if frames else "?")
    by_site[site] += v
print("-- allocation (JFR samples, weight) %.1f MB in total" % (total / 1e6))
for c, v in by_class.most_common(15):
    print("%5.1f%%  %s" % (100.0 * v / max(total, 1), c))
print("-- allocation by first io.nodecache frame")
for c, v in by_site.most_common(20):
    print("%5.1f%%  %s" % (100.0 * v / max(total, 1), c))
PY
fi
