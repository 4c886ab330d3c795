#!/usr/bin/env bash
# Soak: nodecache (cache + forward over TCP) in front of a second nodecache serving 10,000 names from a
# hosts file, under an open-loop load from the bench load generator for DURATION at RATE queries/s,
# RSS of the server under test sampled every 30 s. Loopback only; every process is stopped at the end.
# Usage (after mvn -B -q package -DskipTests): bench/soak.sh [DURATION_S] [RATE]
# The server under test starts cold, right before the soak; the upstream is warmed first (UPSTREAM_WARM_SECS,
# 15). WARMUP_STEPS='1000 5000' WARMUP_SECS=6: an optional ramp against our server before the soak.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-600}
RATE=${2:-15000}
WORK=$(mktemp -d /tmp/nodecache-soak.XXXX)
JAR=deploy/target/nodecache.jar
# The DaemonSet's JVM flags (deploy/kubernetes/nodecache.yaml), two event loops.
JVM="-Xms12m -Xmx192m -Xmn6m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:-ShrinkHeapInSteps -XX:+UseSerialGC -XX:MaxDirectMemorySize=64m -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=32m -XX:SweeperThreshold=50 -Xss512k -XX:ActiveProcessorCount=2 -XX:+ExitOnOutOfMemoryError -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000 -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0"
for i in $(seq 0 9999); do echo "10.$((i / 65536 % 256)).$((i / 256 % 256)).$((i % 256)) h$i.soak.test"; done > "$WORK/hosts"
cat > "$WORK/Corefile.upstream" <<COREFILE
soak.test:5411 {
    bind 127.0.0.1
    hosts $WORK/hosts {
        ttl 3600
        reload 0
    }
}
COREFILE
cat > "$WORK/Corefile" <<COREFILE
.:5410 {
    bind 127.0.0.1
    cache 300
    forward . 127.0.0.1:5411 {
        force_tcp
    }
    prometheus 127.0.0.1:5412
}
COREFILE
wait_for() { # LOG: until the instance writing LOG listens
  for _ in $(seq 1 150); do grep -q "listening" "$1" && return 0; sleep 0.2; done
  echo "soak: no 'listening' in $1" >&2; cat "$1" >&2; exit 1
}
load() { java -jar bench/target/benchmarks.jar load --gen 'h%d.soak.test' --gen-count 10000 "$@"; }
SRV=
java $JVM -jar "$JAR" -conf "$WORK/Corefile.upstream" > "$WORK/upstream.log" 2>&1 &
UP=$!
trap 'kill $UP $SRV 2>/dev/null || true; wait 2>/dev/null || true' EXIT
wait_for "$WORK/upstream.log"
# The upstream stands for the cluster's warm CoreDNS: warmed directly over TCP first. (Left cold, it
# is what loses queries at the start: its own JIT warm-up makes forwarded queries wait for seconds.)
echo "--- upstream warm-up (TCP, ${UPSTREAM_WARM_SECS:-15} s at 10,000 qps, straight to the upstream)"
load --server 127.0.0.1:5411 --tcp --rate 10000 --duration "${UPSTREAM_WARM_SECS:-15}s" \
  --count $((10000 * ${UPSTREAM_WARM_SECS:-15})) --quiet --json "$WORK/upstream-warm.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("sent %d, answered %d, lost %d" % (d["sent"], d["answered"], d["lost"]))' "$WORK/upstream-warm.json"
# The server under test starts cold (empty cache, JIT not warmed) right before the soak.
java $JVM -jar "$JAR" -conf "$WORK/Corefile" > "$WORK/server.log" 2>&1 &
SRV=$!
wait_for "$WORK/server.log"
( for t in $(seq 0 30 "$DURATION"); do
    echo "$t s: RSS $(ps -o rss= -p $SRV | tr -d ' ') KiB, cache entries $(curl -s 127.0.0.1:5412/metrics | awk '/^coredns_cache_entries\{.*type="success"/ {print $2}')"
    sleep 30
  done ) > "$WORK/rss.txt" &
SAMPLER=$!
# Optional ramp before the soak (reported on its own), e.g. WARMUP_STEPS='1000 5000 10000'.
STEPS=${WARMUP_STEPS-}
[[ -n "$STEPS" ]] && echo "--- warm-up ramp ($STEPS qps, ${WARMUP_SECS:-6} s each)"
for r in $STEPS; do
  load --server 127.0.0.1:5410 --rate "$r" --duration "${WARMUP_SECS:-6}s" --count $((r * ${WARMUP_SECS:-6} + 100)) \
    --quiet --json "$WORK/warm-$r.json"
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%6d qps: sent %d, answered %d, lost %d, late %d" % (int(sys.argv[2]), d["sent"], d["answered"], d["lost"], d["late"]))' "$WORK/warm-$r.json" "$r"
done
echo "--- soak"
load --server 127.0.0.1:5410 \
  --rate "$RATE" --duration "${DURATION}s" --count $((RATE * DURATION + 1000)) --json "$WORK/load.json" | tee "$WORK/load.txt"
kill $SAMPLER 2>/dev/null || true
echo "--- server RSS over the run"
cat "$WORK/rss.txt"
echo "--- files in $WORK"
