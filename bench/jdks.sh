#!/usr/bin/env bash
# Cache-hit throughput on JDK 17 against JDK 25 (the footprint issue's "no throughput loss" check):
# bench/compare.sh on loopback, one round per call, the two JDKs alternated round by round (which goes
# first alternates too), with unbound in every round as a check that the machine stayed the same.
# Each JDK runs with the DaemonSet's flags for it: on 25 compact object headers and the AOT cache, on
# 17 a dynamic CDS archive (compare.sh makes either for this jar). Then prints our qps per server core
# per round and the medians, and JDK 25's median against JDK 17's (the target: at least 0.95).
#
#   mvn -B -q package -DskipTests      # first: compare.sh builds nothing
#   bench/jdks.sh                      # ROUNDS=3 WORKLOADS=hot DURATION=10
#
# Environment: ROUNDS (3), WORKLOADS (hot), PEERS (unbound), DURATION (10), WARM_SECS (10),
# JDK17 (the `java` on PATH), JDK25 (/usr/lib/jvm/temurin-25-jdk-amd64), OUT (bench/target/jdks).
# Everything else goes to compare.sh and the peer harness as they are.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
ROUNDS="${ROUNDS:-3}"
OUT="${OUT:-$root/bench/target/jdks}"
JDK17="${JDK17:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
JDK25="${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
for j in "$JDK17" "$JDK25"; do
    [[ -x "$j/bin/java" ]] || { echo "jdks: no $j/bin/java (set JDK17/JDK25)" >&2; exit 2; }
done
# compare.sh's default flags (the DaemonSet's, one event loop), and on 25 the manifest's one more flag
base="$(sed -n 's/^JAVA_OPTS="\${JAVA_OPTS:-\(.*\)}"$/\1/p' "$here/compare.sh")"
[[ -n "$base" ]] || { echo "jdks: compare.sh's default JAVA_OPTS not found" >&2; exit 2; }
rm -rf "$OUT" && mkdir -p "$OUT"

for ((r = 1; r <= ROUNDS; r++)); do
    order=(17 25)
    (( r % 2 == 0 )) && order=(25 17)
    for v in "${order[@]}"; do
        jdk="JDK$v" opts="$base"
        [[ "$v" == 25 ]] && opts="$opts -XX:+UseCompactObjectHeaders --sun-misc-unsafe-memory-access=allow"
        echo "jdks: round $r, JDK $v (${!jdk})" >&2
        JDK="${!jdk}" PATH="${!jdk}/bin:$PATH" JAVA_OPTS="$opts" OURS_NAME="nodecache-jdk$v" NODEPATH=0 SKIP_CLUSTER=1 \
            REPEAT=1 RESPERF=0 PEERS="${PEERS:-unbound}" WORKLOADS="${WORKLOADS:-hot}" \
            DURATION="${DURATION:-10}" WARM_SECS="${WARM_SECS:-10}" OUT="$OUT/jdk$v" \
            RESULTS_MD="$OUT/jdk$v/RESULTS.md" PLOTS_DIR="$OUT/jdk$v/plots" "$here/compare.sh" \
            > "$OUT/jdk$v-round$r.log" 2>&1 || { echo "jdks: compare.sh failed, see $OUT/jdk$v-round$r.log" >&2; exit 1; }
    done
done
python3 "$here/jdks.py" "$OUT/jdk17/results" "$OUT/jdk25/results" | tee "$OUT/summary.md"
