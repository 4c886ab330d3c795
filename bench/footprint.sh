#!/usr/bin/env bash
# Footprint: where every MiB of the server goes, with the DaemonSet's JVM flags and node-local's default
# Corefile (both read from deploy/kubernetes/nodecache.yaml), on JDK 17 and JDK 25 side by side.
#
#   mvn -B -q package -DskipTests && bench/footprint.sh          # writes bench/target/footprint/ and
#                                                                 # the "## Footprint" section of bench/RESULTS.md
# Env: JDKS (default: the `java` on PATH, then /usr/lib/jvm/temurin-25-jdk-amd64 when present),
#      OUT (bench/target/footprint), RESULTS (bench/RESULTS.md; RESULTS=- prints the section instead),
#      EXTRA_OPTS (added after the manifest's flags, to measure a change before putting it there),
#      POINTS (default "idle default 100k svc1000 svc10000"), STARTS (fresh starts timed, default 11),
#      PORT_BASE or FP_PORT_BASE (first of the six loopback ports used, default 25301: another run may hold those).
# Bytes per cached answer alone: POINTS="idle 100k" STARTS=1 RESULTS=- bench/footprint.sh
#
# Each point is a fresh server on loopback with the manifest's JAVA_TOOL_OPTIONS and MALLOC_ARENA_MAX, plus
# -XX:NativeMemoryTracking=summary; the archive the manifest names (AOT cache on JDK 25, CDS on 17) is made
# for this jar and JDK first. The upstream is a second instance of our jar (template plugin: h<N>.fp.test
# -> A, nx<N>.fp.test -> NXDOMAIN), warmed before the measured server starts. Load: the bench load
# generator at 10,000 qps (open loop, UDP). Every point is read 11 s after its load (the manifest trims the
# native heap every 5 s): VmRSS, RssAnon, RssFile (/proc/PID/status) and `jcmd PID VM.native_memory summary`.
#   idle      node-local's default Corefile, a one-Service snapshot, after the timed starts
#   default   the same after filling its default caches (`.` block: 9,984 success + 9,984 denial) at 10k qps
#   100k      the `.` block's `cache 30` made `cache 3600 { success 100000 }`, after 100,000 names at 10k qps
#   svc1000   a snapshot of 1,000 Services x 5 endpoints (as bench/cluster.sh generates), every name asked once
#   svc10000  the same with 10,000 Services
# Loopback only; every process started here is stopped at the end.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="${NODECACHE_JAR:-$root/deploy/target/nodecache.jar}"
bench_jar="$root/bench/target/benchmarks.jar"
for f in "$jar" "$bench_jar"; do
  [[ -f "$f" ]] || { echo "missing $f: run 'mvn -B -q package -DskipTests' first" >&2; exit 2; }
done
if [[ -z "${JDKS:-}" ]]; then
  JDKS="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
  if [[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]]; then
    JDKS="$JDKS /usr/lib/jvm/temurin-25-jdk-amd64"
  else
    echo "footprint: /usr/lib/jvm/temurin-25-jdk-amd64 is absent: JDK 25 skipped" >&2
  fi
fi
export FP_ROOT="$root" FP_JAR="$jar" FP_BENCH_JAR="$bench_jar" FP_JDKS="$JDKS"
export FP_OUT="${OUT:-$root/bench/target/footprint}" FP_RESULTS="${RESULTS:-$root/bench/RESULTS.md}"
export FP_EXTRA="${EXTRA_OPTS:-}" FP_POINTS="${POINTS:-idle default 100k svc1000 svc10000}" FP_STARTS="${STARTS:-11}"
export FP_PORT_BASE="${PORT_BASE:-${FP_PORT_BASE:-25301}}"
export FP_COMMAND="bench/footprint.sh${EXTRA_OPTS:+ (EXTRA_OPTS='$EXTRA_OPTS')}"
mkdir -p "$FP_OUT"
exec python3 "$here/footprint.py"
