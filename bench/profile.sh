#!/usr/bin/env bash
# JFR profile of our server under cache-hit load (dnsperf on CPU 0, server pinned to CPU 1).
#   bench/profile.sh [COREFILE]      (default: bench/Corefile.hosts; Corefile.bench needs the upstream:
#                                     run '../shared/bench/peers/run.sh upstream' alongside)
# Env: SECONDS_LOAD (20), PORT (5406), JAVA_OPTS, OUT (bench/target/profile). Loopback only.
# Prints the hottest frames (self samples) and the hottest methods including callees.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="${NODECACHE_JAR:-$root/deploy/target/nodecache.jar}"
[[ -f "$jar" ]] || { echo "missing $jar: mvn -B -q package -DskipTests" >&2; exit 2; }
corefile="$(cd "$(dirname "${1:-$here/Corefile.hosts}")" && pwd)/$(basename "${1:-$here/Corefile.hosts}")"
OUT="${OUT:-$root/bench/target/profile}"; mkdir -p "$OUT"
PORT="${PORT:-5406}"; secs="${SECONDS_LOAD:-20}"
JAVA_OPTS="${JAVA_OPTS:--XX:+UseSerialGC -Xms64m -Xmx128m -XX:MaxDirectMemorySize=64m -Dio.netty.leakDetection.level=disabled}"
export NC_PORT="$PORT" NC_UPSTREAM="127.0.0.1:5300" NC_HOSTS="$OUT/bench.hosts" NC_BIND="${NC_BIND:-127.0.0.1}"
python3 - "$NC_HOSTS" "$OUT/q-hot.txt" <<'PY'
import random, sys
with open(sys.argv[1], "w") as f:
    for i in range(100000):
        f.write("127.%d.%d.%d h%d.bench.test\n" % (1 + (i >> 16), (i >> 8) & 255, i & 255, i))
r = random.Random(1)
with open(sys.argv[2], "w") as f:
    for i in r.sample(range(100000), 1000):
        f.write("h%d.bench.test. A\n" % i)
PY
rm -f "$OUT/server.jfr"
taskset -c 1 java $JAVA_OPTS -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints -XX:StartFlightRecording=filename="$OUT/server.jfr",settings=profile,dumponexit=true \
    -jar "$jar" -conf "$corefile" > "$OUT/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 300); do
    dig +short +tries=1 +time=1 @127.0.0.1 -p "$PORT" h1.bench.test >/dev/null 2>&1 && break; sleep 0.1
done
# warm-up (JIT), then the profiled load
taskset -c 0 dnsperf -s 127.0.0.1 -p "$PORT" -d "$OUT/q-hot.txt" -c 10 -q 100 -l 10 > "$OUT/warm.txt" 2>&1
cpu0=$(awk '{print $14+$15}' /proc/$pid/stat)
taskset -c 0 dnsperf -s 127.0.0.1 -p "$PORT" -d "$OUT/q-hot.txt" -c 10 -q 100 -l "$secs" > "$OUT/dnsperf.txt" 2>&1
cpu1=$(awk '{print $14+$15}' /proc/$pid/stat)
kill -TERM $pid; wait $pid || true
trap - EXIT
grep -E "Queries (sent|completed|lost)|Queries per second" "$OUT/dnsperf.txt"
python3 - "$cpu0" "$cpu1" "$OUT/dnsperf.txt" <<'PY'
import re, sys, os
ticks = int(sys.argv[2]) - int(sys.argv[1])
done = int(re.search(r"Queries completed:\s+(\d+)", open(sys.argv[3]).read()).group(1))
print("server CPU %.1f s for %d answers = %.2f us/query" % (ticks / os.sysconf("SC_CLK_TCK"), done, ticks / os.sysconf("SC_CLK_TCK") / max(done, 1) * 1e6))
PY
jfr print --events jdk.ExecutionSample "$OUT/server.jfr" > "$OUT/samples.txt"
python3 - "$OUT/samples.txt" <<'PY'
import re, sys, collections
self_c, incl = collections.Counter(), collections.Counter()
n = 0
for ev in open(sys.argv[1]).read().split("jdk.ExecutionSample")[1:]:
    frames = re.findall(r"^\s+([\w$.<>]+\(.*?\))\s+line:", ev, re.M)
    if not frames:
        continue
    n += 1
    self_c[frames[0]] += 1
    for f in set(frames):
        incl[f] += 1
print("%d samples\n-- top self frames" % n)
for f, c in self_c.most_common(25):
    print("%5.1f%%  %s" % (100.0 * c / n, f))
print("-- top inclusive (self + callees)")
for f, c in incl.most_common(40):
    print("%5.1f%%  %s" % (100.0 * c / n, f))
PY
