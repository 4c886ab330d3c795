#!/usr/bin/env bash
# Cluster-zone answers: our server answering cluster.local from a snapshot of a generated cluster
# (SERVICES Services in 100 namespaces, ENDPOINTS ready endpoints each; no API server), measured like the
# peer harness measures cache hits: dnsperf closed loop (-c 10 -q 100) pinned to CPU 0, server pinned to
# CPU 1, server CPU from /proc. No peer can answer these names locally, so there is no peer row.
# Also RSS with the whole view loaded and after every Service name was asked once.
#
#   mvn -B -q package -DskipTests && bench/cluster.sh      # writes $OUT/cluster.md and cluster.json
# Env: SERVICES (10000), ENDPOINTS (5), DURATION (15), WARM_SECS (20), JAVA_OPTS (compare.sh's), PORT (5407),
#      OUT (bench/target/cluster). Loopback only; the server is stopped at the end.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="${NODECACHE_JAR:-$root/deploy/target/nodecache.jar}"
[[ -f "$jar" ]] || { echo "missing $jar: run 'mvn -B -q package -DskipTests' first" >&2; exit 2; }
command -v dnsperf > /dev/null || { echo "dnsperf is not installed (apt-get install dnsperf)" >&2; exit 2; }
SERVICES="${SERVICES:-10000}" ENDPOINTS="${ENDPOINTS:-5}" DURATION="${DURATION:-15}" WARM_SECS="${WARM_SECS:-20}"
PORT="${PORT:-5407}"
OUT="${OUT:-$root/bench/target/cluster}"; mkdir -p "$OUT"
JAVA_OPTS="${JAVA_OPTS:--Xms12m -Xmx192m -Xmn6m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:-ShrinkHeapInSteps -XX:+UseSerialGC -XX:MaxDirectMemorySize=64m -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=32m -XX:SweeperThreshold=50 -Xss512k -XX:ActiveProcessorCount=1 -XX:+ExitOnOutOfMemoryError -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000 -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"

# --- the cluster: Namespaces, Services (ClusterIP), EndpointSlices, as kubectl prints them (JSON)
python3 - "$OUT" "$SERVICES" "$ENDPOINTS" <<'EOF'
import json, random, sys
out, n, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
items = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ns%d" % i}} for i in range(100)]
for i in range(n):
    ns, name, ip = "ns%d" % (i % 100), "svc%d" % i, "10.96.%d.%d" % (1 + i // 250, 1 + i % 250)
    items.append({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns},
                  "spec": {"type": "ClusterIP", "clusterIP": ip, "clusterIPs": [ip], "ipFamilies": ["IPv4"],
                           "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}]}})
    items.append({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                  "metadata": {"name": name + "-abcde", "namespace": ns,
                               "labels": {"kubernetes.io/service-name": name}},
                  "addressType": "IPv4",
                  "endpoints": [{"addresses": ["10.%d.%d.%d" % (100 + j, (i >> 8) & 255, i & 255)],
                                 "conditions": {"ready": True}} for j in range(per)],
                  "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]})
json.dump({"apiVersion": "v1", "kind": "List", "items": items}, open(out + "/cluster.json", "w"))
r = random.Random(1)
with open(out + "/q-cluster.txt", "w") as f:  # 1,000 Service names, looped: as the harness's hot set
    for i in r.sample(range(n), min(1000, n)):
        f.write("svc%d.ns%d.svc.cluster.local. A\n" % (i, i % 100))
with open(out + "/q-cluster-all.txt", "w") as f:
    for i in range(n):
        f.write("svc%d.ns%d.svc.cluster.local. A\n" % (i, i % 100))
EOF
cat > "$OUT/Corefile" <<EOF
cluster.local:$PORT {
    bind 127.0.0.1
    kubernetes cluster.local {
        snapshot $OUT/cluster.json
    }
}
EOF

rss() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
perf_run() { taskset -c 0 nice -n -10 dnsperf -m udp -s 127.0.0.1 -p "$PORT" -c 10 -q 100 -t 2.0 "$@"; }

# shellcheck disable=SC2086
taskset -c 1 java $JAVA_OPTS -jar "$jar" -conf "$OUT/Corefile" > "$OUT/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  dig +short +time=1 +tries=1 -p "$PORT" @127.0.0.1 svc1.ns1.svc.cluster.local A 2>/dev/null | grep -q . && break
  sleep 0.1
done
sleep 2
rss_loaded=$(rss $pid)
perf_run -d "$OUT/q-cluster-all.txt" -n 1 -l 120 > "$OUT/all.txt"
rss_all=$(rss $pid)
perf_run -d "$OUT/q-cluster.txt" -l "$WARM_SECS" > "$OUT/warm.txt"
hz=$(getconf CLK_TCK)
t0=$(cpu_ticks $pid); s0=$(date +%s.%N)
perf_run -d "$OUT/q-cluster.txt" -l "$DURATION" -S 1 > "$OUT/run.txt"
t1=$(cpu_ticks $pid); s1=$(date +%s.%N)
perf_run -d "$OUT/q-cluster.txt" -Q 10000 -l 5 -v > "$OUT/latency.txt"
rss_end=$(rss $pid)

python3 - "$OUT" "$t0" "$t1" "$s0" "$s1" "$hz" "$rss_loaded" "$rss_all" "$rss_end" "$SERVICES" "$ENDPOINTS" "$JAVA_OPTS" <<'EOF'
import json, re, sys
out, t0, t1, s0, s1, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
rss_loaded, rss_all, rss_end, services, endpoints, opts = sys.argv[7:13]
run = open(out + "/run.txt").read()
qps = float(re.search(r"Queries per second:\s+([0-9.]+)", run).group(1))
lost = int(re.search(r"Queries lost:\s+(\d+)", run).group(1))
completed = int(re.search(r"Queries completed:\s+(\d+)", run).group(1))
noerror = int((re.search(r"NOERROR (\d+)", run) or re.search(r"$^", "")).group(1)) if "NOERROR" in run else 0
cpu = (t1 - t0) / hz / (s1 - s0)
lat = sorted(float(m.group(1)) * 1000 for m in (re.search(r"^> \S+ .* ([0-9.]+)$", l) for l in open(out + "/latency.txt")) if m)
pct = lambda p: lat[min(len(lat) - 1, int(len(lat) * p))] if lat else float("nan")
res = {"qps": qps, "server_cpu": cpu, "qps_per_core": qps / cpu if cpu else None, "cpu_us_per_query": cpu * 1e6 / qps,
       "lost": lost, "completed": completed, "noerror": noerror, "p50_ms": pct(0.5), "p99_ms": pct(0.99), "p999_ms": pct(0.999),
       "rss_loaded_mib": float(rss_loaded), "rss_after_all_names_mib": float(rss_all), "rss_end_mib": float(rss_end),
       "services": int(services), "endpoints_per_service": int(endpoints), "java_opts": opts}
json.dump(res, open(out + "/cluster-result.json", "w"), indent=1)
md = []
md.append("| server | workload | qps | server CPU | qps per server core | CPU µs/q | p50 / p99 / p99.9 ms @10,000 qps | lost | NOERROR |")
md.append("|---|---|---|---|---|---|---|---|---|")
md.append("| **nodecache** | cluster (%s Services, 1,000 names looped) | %s | %.1f%% | %s | %.2f | %.3f / %.3f / %.3f | %d | %d of %d |" % (
    format(int(services), ","), format(int(qps), ","), cpu * 100, format(int(qps / cpu), ","), cpu * 1e6 / qps,
    pct(0.5), pct(0.99), pct(0.999), lost, noerror, completed))
md.append("")
md.append("RSS with %s Services × %s endpoints loaded from the snapshot: %s MiB; after every Service name was asked once: %s MiB; "
          "at the end: %s MiB." % (format(int(services), ","), endpoints, rss_loaded, rss_all, rss_end))
open(out + "/cluster.md", "w").write("\n".join(md) + "\n")
print("\n".join(md))
EOF
