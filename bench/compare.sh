#!/usr/bin/env bash
# Side-by-side comparison of our server with the peer DNS caches (unbound, dnsmasq, pdns-recursor, kresd,
# dnsdist) in the shared peer harness, on loopback and on the node path (nodepath.sh), then startup time and
# memory; plots (bench/plots.py) and bench/RESULTS.md (bench/report.py).
#
#   mvn -B -q package -DskipTests          # first: this script builds nothing
#   bench/compare.sh                        # Corefile: bench/Corefile.bench (cache + forward)
#   bench/compare.sh bench/Corefile.hosts   # stand-in while cache/forward are not in the build
#   COREFILE=auto bench/compare.sh          # Corefile.bench if this build has its plugins, else hosts
#   NODEPATH=only PEERS=unbound WORKLOADS=hot DURATION=3 REPEAT=1 RESPERF=0 bench/compare.sh   # wiring check
#
# Environment: everything the harness takes (PEERS, WORKLOADS, DURATION, WARM_SECS, RESPERF, REPEAT,
# SERVER_CPUS, CLIENT_CPUS, ...; see ../shared/bench/peers/README.md), plus
#   JAVA_OPTS   JVM flags of our server (default below)     OURS_PORT  our DNS port (default 5405)
#   PEERS_DIR   the harness directory                        OUT        work/results dir (bench/target/compare)
#   NODEPATH=1      loopback, then the node path (default); 0: loopback only; only: the node path only
#                   (root: network namespaces). Node-path results in OUT/nodepath.
#   NODEPATH_WORKLOADS  workloads on the node path (default: WORKLOADS, else hot,mixed,neg)
#   NODEPATH_RESPERF    resperf on the node path (default 0)  NODE_ADDR  the node-local address (169.254.20.10)
#   TWO_LOOPS=1     also our server alone with two event loops (-XX:ActiveProcessorCount=2) on CPUs 0-1,
#                   dnsperf sharing CPU 0, on each path run (an indication only); results in OUT/two-loops
#                   and OUT/nodepath/two-loops
#   SKIP_HARNESS=1  only startup/memory, plots + report from the latest harness results in OUT
#   SKIP_CLUSTER=1  no cluster-zone section (bench/cluster.sh)
#   CDS=0           no AOT cache / class-data-sharing archive (the image has one: deploy/aot-cache.sh)
#   JDK             the JDK our server runs on (default: /usr/lib/jvm/temurin-25-jdk-amd64 where it exists,
#                   the image's runtime, with its compact object headers; else the `java` on PATH)
#   NODECACHE_JAR   the server jar (default deploy/target/nodecache.jar); BUILD_NOTE says what it was built from
#   RESULTS_MD      the report (default bench/RESULTS.md); PLOTS_DIR its plots (default: plots/ beside it)
#   PLOT_PYTHON     a python3 with matplotlib (default /usr/bin/python3: Debian's python3-matplotlib)
# Our server logs GC and safepoints (-Xlog:gc*,safepoint) into gclogs/ beside each harness run's results.
# Loopback: everything on 127.0.0.1. Server pinned to CPU 1, load and NSD to CPU 0.
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
OUT="$(cd "$OUT" && pwd)"
# The GC log path goes into -Xlog:...:file=PATH, where ':' and ',' separate options.
[[ "$OUT" != *[:,\ ]* ]] || { echo "OUT must not contain ':', ',' or spaces: $OUT" >&2; exit 2; }
# the loopback harness's (and startup_memory.py's upstream's) work and results; run_harness sets its own
export WORKDIR="$OUT/work" RESULTS="$OUT/results"
mkdir -p "$WORKDIR" "$RESULTS"
NODEPATH="${NODEPATH:-1}"
case "$NODEPATH" in
    0|1|only) ;;
    *) echo "NODEPATH must be 0, 1 or only, not $NODEPATH" >&2; exit 2 ;;
esac
NODE_ADDR="${NODE_ADDR:-169.254.20.10}"
RESULTS_MD="${RESULTS_MD:-$here/RESULTS.md}"
PLOTS_DIR="${PLOTS_DIR:-$(dirname "$RESULTS_MD")/plots}"
if [[ "$NODEPATH" != 0 && "${SKIP_HARNESS:-0}" != 1 ]]; then
    # fail now rather than after the loopback run
    [[ "$(id -u)" == 0 ]] || { echo "the node path (NODEPATH=$NODEPATH) needs root (network namespaces); NODEPATH=0 skips it" >&2; exit 2; }
    for b in ip iptables; do command -v "$b" > /dev/null || { echo "the node path needs $b" >&2; exit 2; }; done
    [[ -x "$PEERS_DIR/nodepath.sh" ]] || { echo "no $PEERS_DIR/nodepath.sh" >&2; exit 2; }
fi

OURS_PORT="${OURS_PORT:-5405}"
export SERVER_CPUS="${SERVER_CPUS:-1}" CLIENT_CPUS="${CLIENT_CPUS:-0}" UPSTREAM_CPUS="${UPSTREAM_CPUS:-0}"
export WARM_SECS="${WARM_SECS:-20}"
# The JVM: JDK (a JDK directory) if set, else Temurin 25 where it is installed (the image's runtime),
# else the `java` on PATH.
JDK="${JDK:-$([[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]] && echo /usr/lib/jvm/temurin-25-jdk-amd64 || true)}"
[[ -n "$JDK" ]] && export PATH="$JDK/bin:$PATH"
java_version="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')"
given_opts="${JAVA_OPTS:-}"
# The DaemonSet's JVM flags (deploy/kubernetes/nodecache.yaml), except one event loop
# (ActiveProcessorCount=1), as every peer runs one worker thread on its one pinned core.
JAVA_OPTS="${JAVA_OPTS:--Xms12m -Xmx192m -Xmn6m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:-ShrinkHeapInSteps -XX:+UseSerialGC -XX:MaxDirectMemorySize=64m -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=32m -XX:SweeperThreshold=50 -Xss512k -XX:ActiveProcessorCount=1 -XX:+ExitOnOutOfMemoryError -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000 -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0}"
# On 25 and later the DaemonSet also has compact object headers and lets Netty use sun.misc.Unsafe.
[[ -z "$given_opts" && "$java_version" -ge 25 ]] && JAVA_OPTS="$JAVA_OPTS -XX:+UseCompactObjectHeaders --sun-misc-unsafe-memory-access=allow"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# The image's AOT cache (deploy/Dockerfile), made the same way for this jar by the `java` on PATH (CDS=0:
# none); on a JDK before 25 deploy/aot-cache.sh writes a dynamic CDS archive instead.
if [[ "${CDS:-1}" == 1 ]]; then
    # shellcheck disable=SC2086
    sh "$root/deploy/aot-cache.sh" "$jar" "$OUT/nodecache.aot" $JAVA_OPTS >&2
    if [[ "$java_version" -ge 25 ]]; then
        JAVA_OPTS="$JAVA_OPTS -XX:AOTCache=$OUT/nodecache.aot"
    else
        JAVA_OPTS="$JAVA_OPTS -XX:SharedArchiveFile=$OUT/nodecache.aot"
    fi
fi
# Two event loops: the same flags with -XX:ActiveProcessorCount=2.
JAVA_OPTS_2="$(sed -E 's/-XX:ActiveProcessorCount=[0-9]+ ?//g' <<< "$JAVA_OPTS") -XX:ActiveProcessorCount=2"

# --- which Corefile
corefile="${1:-${COREFILE:-auto}}"
# NSD listens on 127.0.0.1 in both topologies (inside the node namespace on the node path); NC_BIND is
# 127.0.0.1 here and NODE_ADDR for the node-path runs.
export NC_PORT="$OURS_PORT" NC_UPSTREAM="127.0.0.1:${UPSTREAM_PORT:-5300}" NC_HOSTS="$OUT/bench.hosts" NC_BIND=127.0.0.1
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
echo "$corefile" > "$OUT/corefile.txt"

# run_harness DIR ADDR OPTS LAUNCHER [VAR=VALUE...]: one harness run (LAUNCHER: run.sh or nodepath.sh,
# with the variables) with our server on ADDR:OURS_PORT, JVM flags OPTS, results in DIR/results. Our
# server's GC and safepoint logs (a file per JVM) are moved beside the run's results as gclogs/.
run_harness() {
    local dir="$1" addr="$2" opts="$3" launcher="$4"
    shift 4
    local gc="$dir/gc-pending" before="" after=""
    rm -rf "$gc"
    mkdir -p "$gc" "$dir/work" "$dir/results"
    [[ -f "$dir/results/LATEST" ]] && before="$(cat "$dir/results/LATEST")"
    local cmd="java $opts '-Xlog:gc*,safepoint:file=$gc/gc-%p.log:utctime,uptime,level,tags:filecount=0' -jar $jar -conf $corefile"
    echo "$cmd" > "$dir/ours_cmd.txt"
    local vars=(WORKDIR="$dir/work" RESULTS="$dir/results" NC_BIND="$addr" OURS="$addr:$OURS_PORT"
                OURS_NAME="${OURS_NAME:-nodecache}" "$@")
    echo "${vars[*]} OURS_CMD=\"\$(cat ours_cmd.txt)\" $launcher" > "$dir/harness_cmd.txt"
    env "${vars[@]}" OURS_CMD="$cmd" "$launcher" 2>&1 | tee "$dir/harness.log"
    [[ -f "$dir/results/LATEST" ]] && after="$(cat "$dir/results/LATEST")"
    if [[ -n "$after" && "$after" != "$before" ]]; then
        mv "$gc" "$dir/results/$after/gclogs"
    else
        echo "compare: no new harness results in $dir/results; GC logs left in $gc" >&2
    fi
}

loop_dir="" loop_two="" node_dir="" node_two=""
if [[ "$NODEPATH" != only ]]; then loop_dir="$OUT"; loop_two="$OUT/two-loops"; fi
if [[ "$NODEPATH" != 0 ]]; then node_dir="$OUT/nodepath"; node_two="$OUT/nodepath/two-loops"; fi
node_workloads="${NODEPATH_WORKLOADS:-${WORKLOADS:-hot,mixed,neg}}"

# --- 1. the peer harness with our server as the extra target (restarted, cold, per workload)
if [[ "${SKIP_HARNESS:-0}" != 1 ]]; then
    if [[ -n "$loop_dir" ]]; then
        run_harness "$loop_dir" 127.0.0.1 "$JAVA_OPTS" "$PEERS_DIR/run.sh"
        if [[ "${TWO_LOOPS:-0}" == 1 ]]; then
            OURS_NAME="${OURS_NAME:-nodecache}-2loops" run_harness "$loop_two" 127.0.0.1 "$JAVA_OPTS_2" \
                "$PEERS_DIR/run.sh" PEERS=none SERVER_CPUS=0-1 RESPERF=0
        fi
    fi
    if [[ -n "$node_dir" ]]; then
        # Our server starts inside nodepath.sh's node namespace, binds NODE_ADDR there and forwards to NSD on
        # that namespace's 127.0.0.1. nodepath.sh's NOTRACK rules cover ports 5401-5406.
        if (( OURS_PORT < 5401 || OURS_PORT > 5406 )); then
            echo "compare: OURS_PORT $OURS_PORT is outside nodepath.sh's NOTRACK ports 5401-5406" >&2
        fi
        run_harness "$node_dir" "$NODE_ADDR" "$JAVA_OPTS" "$PEERS_DIR/nodepath.sh" LOCAL_DNS="$NODE_ADDR" \
            WORKLOADS="$node_workloads" RESPERF="${NODEPATH_RESPERF:-0}"
        if [[ "${TWO_LOOPS:-0}" == 1 ]]; then
            OURS_NAME="${OURS_NAME:-nodecache}-2loops" run_harness "$node_two" "$NODE_ADDR" "$JAVA_OPTS_2" \
                "$PEERS_DIR/nodepath.sh" LOCAL_DNS="$NODE_ADDR" WORKLOADS="$node_workloads" PEERS=none \
                SERVER_CPUS=0-1 RESPERF=0
        fi
    fi
fi

if [[ -n "$loop_dir" ]]; then
    # --- 2. startup time and memory after a 100,000-name fill (our load generator, pinned to CPU 0)
    python3 "$here/startup_memory.py" --jar "$jar" --bench-jar "$bjar" --corefile "$corefile" \
        --port "$OURS_PORT" --java-opts "$JAVA_OPTS" --server-cpus "$SERVER_CPUS" --client-cpus "$CLIENT_CPUS" \
        --peers-dir "$PEERS_DIR" --out "$OUT/startup_memory.json"

    # --- 3. cluster-zone answers and the 10,000-Service view (our server only)
    if [[ "${SKIP_CLUSTER:-0}" != 1 ]]; then
        OUT="$OUT/cluster" JAVA_OPTS="$JAVA_OPTS" NODECACHE_JAR="$jar" "$here/cluster.sh" 2>&1 | tee "$OUT/cluster.log"
    fi
fi

# --- 4. plots (without matplotlib: no plots, the report still)
plot_args=()
[[ -n "$loop_dir" ]] && plot_args+=(--loopback "$loop_dir/results")
[[ -n "$node_dir" ]] && plot_args+=(--nodepath "$node_dir/results")
if ! "${PLOT_PYTHON:-/usr/bin/python3}" "$here/plots.py" --out-dir "$PLOTS_DIR" "${plot_args[@]}"; then
    echo "compare: no plots (apt-get install python3-matplotlib, or PLOT_PYTHON=a python3 that has it)" >&2
fi

# --- 5. the report
args=()
if [[ -n "$loop_dir" ]]; then
    args+=(--results "$loop_dir/results" --startup "$OUT/startup_memory.json")
    [[ "${SKIP_CLUSTER:-0}" == 1 ]] || args+=(--cluster "$OUT/cluster/cluster.md")
    [[ "${TWO_LOOPS:-0}" != 1 ]] || args+=(--two-loops-results "$loop_two/results")
fi
if [[ -n "$node_dir" ]]; then
    args+=(--nodepath-results "$node_dir/results")
    [[ "${TWO_LOOPS:-0}" != 1 ]] || args+=(--nodepath-two-loops-results "$node_two/results")
fi
python3 "$here/report.py" "${args[@]}" --corefile "$corefile" --out "$RESULTS_MD" --plots-dir "$PLOTS_DIR" \
    --build-note "${BUILD_NOTE:-$(git -C "$root" log -1 --format='%h %s' 2>/dev/null || echo '?')}" \
    --command "bench/compare.sh $*" --env "$(for v in PEERS WORKLOADS DURATION WARM_SECS RESPERF REPEAT QUIET_WAIT NOISY_RETRIES NODEPATH NODEPATH_WORKLOADS NODEPATH_RESPERF TWO_LOOPS OUT; do [[ -n "${!v:-}" ]] && printf '%s=%q ' "$v" "${!v}"; done)"
echo "compare: wrote $RESULTS_MD" >&2
