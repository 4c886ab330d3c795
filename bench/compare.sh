#!/usr/bin/env bash
# Side-by-side comparison of our server with the peer DNS caches (unbound, dnsmasq, pdns-recursor,
# kresd) in one run of the shared peer harness, then startup time and memory; writes bench/RESULTS.md.
#
#   mvn -B -q package -DskipTests          # first: this script builds nothing
#   bench/compare.sh                        # Corefile: bench/Corefile.bench (cache + forward)
#   bench/compare.sh bench/Corefile.hosts   # stand-in while cache/forward are not in the build
#   COREFILE=auto bench/compare.sh          # Corefile.bench if this build has its plugins, else hosts
#
# Environment: everything the harness takes (PEERS, WORKLOADS, DURATION, WARM_SECS, RESPERF, REPEAT,
# SERVER_CPUS, CLIENT_CPUS, ...; see ../shared/bench/peers/README.md), plus
#   JAVA_OPTS   JVM flags of our server (default below)     OURS_PORT  our DNS port (default 5405)
#   PEERS_DIR   the harness directory                        OUT        work/results dir (bench/target/compare)
#   SKIP_HARNESS=1  only startup/memory + report from the latest harness results in OUT
#   SKIP_CLUSTER=1  no cluster-zone section (bench/cluster.sh)
#   CDS=0           no AOT cache / class-data-sharing archive (the image has one: deploy/aot-cache.sh)
#   NODECACHE_JAR   the server jar (default deploy/target/nodecache.jar); BUILD_NOTE says what it was built from
# Everything listens on and talks to 127.0.0.1 only. Server pinned to CPU 1, load and NSD to CPU 0.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="${NODECACHE_JAR:-$root/deploy/target/nodecache.jar}"
bjar="$root/bench/target/benchmarks.jar"
for j in "$jar" "$bjar"; do
    [[ -f "$j" ]] || { echo "missing $j: run 'mvn -B -q package -DskipTests' first" >&2; exit 2; }
done

if [[ -z "${PEERS_DIR:-}" ]]; then
    for d in "$root/../shared/bench/peers" "$root/../../shared/bench/peers" /work/shared/bench/peers; do
        if [[ -x "$d/run.sh" ]]; then PEERS_DIR="$(cd "$d" && pwd)"; break; fi
    done
fi
[[ -n "${PEERS_DIR:-}" && -x "$PEERS_DIR/run.sh" ]] || { echo "peer harness not found; set PEERS_DIR" >&2; exit 2; }

OUT="${OUT:-$root/bench/target/compare}"
mkdir -p "$OUT"
export WORKDIR="$OUT/work" RESULTS="$OUT/results"
mkdir -p "$WORKDIR" "$RESULTS"

OURS_PORT="${OURS_PORT:-5405}"
export SERVER_CPUS="${SERVER_CPUS:-1}" CLIENT_CPUS="${CLIENT_CPUS:-0}" UPSTREAM_CPUS="${UPSTREAM_CPUS:-0}"
export WARM_SECS="${WARM_SECS:-20}"
# The DaemonSet's JVM flags (deploy/kubernetes/nodecache.yaml), except one event loop
# (ActiveProcessorCount=1), as every peer runs one worker thread on its one pinned core.
JAVA_OPTS="${JAVA_OPTS:--Xms12m -Xmx192m -Xmn6m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:-ShrinkHeapInSteps -XX:+UseSerialGC -XX:MaxDirectMemorySize=64m -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=32m -Xss512k -XX:ActiveProcessorCount=1 -XX:+ExitOnOutOfMemoryError -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000 -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# The image's AOT cache (deploy/Dockerfile), made the same way for this jar by the `java` on PATH (CDS=0:
# none); on a JDK before 25 deploy/aot-cache.sh writes a dynamic CDS archive instead.
if [[ "${CDS:-1}" == 1 ]]; then
    # shellcheck disable=SC2086
    sh "$root/deploy/aot-cache.sh" "$jar" "$OUT/nodecache.aot" $JAVA_OPTS >&2
    if [[ "$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')" -ge 25 ]]; then
        JAVA_OPTS="$JAVA_OPTS -XX:AOTCache=$OUT/nodecache.aot"
    else
        JAVA_OPTS="$JAVA_OPTS -XX:SharedArchiveFile=$OUT/nodecache.aot"
    fi
fi

# --- which Corefile
corefile="${1:-${COREFILE:-auto}}"
export NC_PORT="$OURS_PORT" NC_UPSTREAM="127.0.0.1:${UPSTREAM_PORT:-5300}" NC_HOSTS="$OUT/bench.hosts"
python3 - "$NC_HOSTS" <<'EOF'
import sys
# The harness zone: hN.bench.test. A 127.(1+(N>>16)).((N>>8)&255).(N&255), 100,000 names.
with open(sys.argv[1], "w") as f:
    for i in range(100000):
        f.write("127.%d.%d.%d h%d.bench.test\n" % (1 + (i >> 16), (i >> 8) & 255, i & 255, i))
EOF
if [[ "$corefile" == "auto" ]]; then
    # A build without the cache or forward plugin rejects Corefile.bench at once (exit 2); one that has
    # them keeps running until the timeout stops it.
    out=$(NC_PORT=0 timeout 10 java -jar "$jar" -conf "$here/Corefile.bench" 2>&1 || true)
    if [[ "$out" == *"not available in this build"* ]]; then
        echo "compare: this build lacks cache/forward (${out##*: }); using Corefile.hosts" >&2
        corefile="$here/Corefile.hosts"
    else
        corefile="$here/Corefile.bench"
    fi
fi
corefile="$(cd "$(dirname "$corefile")" && pwd)/$(basename "$corefile")"
echo "compare: Corefile $corefile" >&2

ours_cmd="java $JAVA_OPTS -jar $jar -conf $corefile"
echo "$ours_cmd" > "$OUT/ours_cmd.txt"
echo "$corefile" > "$OUT/corefile.txt"

# --- 1. the peer harness with our server as the extra target (restarted, cold, per workload)
if [[ "${SKIP_HARNESS:-0}" != 1 ]]; then
    OURS="127.0.0.1:$OURS_PORT" OURS_NAME="${OURS_NAME:-nodecache}" OURS_CMD="$ours_cmd" \
        "$PEERS_DIR/run.sh" 2>&1 | tee "$OUT/harness.log"
fi

# --- 2. startup time and memory after a 100,000-name fill (our load generator, pinned to CPU 0)
python3 "$here/startup_memory.py" --jar "$jar" --bench-jar "$bjar" --corefile "$corefile" \
    --port "$OURS_PORT" --java-opts "$JAVA_OPTS" --server-cpus "$SERVER_CPUS" --client-cpus "$CLIENT_CPUS" \
    --peers-dir "$PEERS_DIR" --out "$OUT/startup_memory.json"

# --- 3. cluster-zone answers and the 10,000-Service view (our server only)
if [[ "${SKIP_CLUSTER:-0}" != 1 ]]; then
    OUT="$OUT/cluster" JAVA_OPTS="$JAVA_OPTS" NODECACHE_JAR="$jar" "$here/cluster.sh" 2>&1 | tee "$OUT/cluster.log"
fi

# --- 4. the report
python3 "$here/report.py" --results "$RESULTS" --startup "$OUT/startup_memory.json" \
    --corefile "$corefile" --ours-cmd "$ours_cmd" --out "$here/RESULTS.md" --cluster "$OUT/cluster/cluster.md" \
    --build-note "${BUILD_NOTE:-$(git -C "$root" log -1 --format='%h %s' 2>/dev/null || echo '?')}" \
    --command "bench/compare.sh $*" --env "$(for v in PEERS WORKLOADS DURATION WARM_SECS RESPERF REPEAT QUIET_WAIT NOISY_RETRIES OUT; do [[ -n "${!v:-}" ]] && printf '%s=%q ' "$v" "${!v}"; done)"
echo "compare: wrote $here/RESULTS.md" >&2
