#!/usr/bin/env bash
# Latency across a zero-loss restart (docs/restart.md): a warm instance serves `dnsperf -Q QPS` for
# DURATION s; SWITCH_AT s in, a new instance starts with the same -handoff path, takes the sockets
# over, and the old one gets SIGTERM once the new one listens (what the DaemonSet's maxSurge rollout
# does). The same run without a hand-off is the baseline. Modes, alternated round by round:
#   none      one instance serves the whole run
#   handoff   hand-off with the defaults: warm-up (-warmup 3s) at a lower CPU priority (-warmup-nice 10),
#             then both instances read the sockets for 2 s (-handoff-overlap 2s) before the old one stops
#   nooverlap the same with -handoff-overlap 0: the old instance stops reading at the take-over
#   samenice  hand-off with the warm-up at the old instance's priority (-warmup-nice 0)
#   cold      hand-off with -warmup 0 -warmup-nice 0 (the new JVM takes the sockets while its code is cold)
#   neighbour no hand-off: SWITCH_AT s in, a second server on its own port starts at the new instance's
#             priority and gets NEIGHBOUR_QPS (4500, about what the warm-up sends) for NEIGHBOUR_SECS (3),
#             then stops: what a JVM busy beside the old instance costs it, without any hand-off
# Prints p50/p99/p99.9/max (ms, from dnsperf -v per-query latencies), the worst half second's p99
# ("worst", and when it was, s into the run) and answered/sent per run, then the median per mode.
# Everything on 127.0.0.1.
#
#   mvn -B -q package -DskipTests      # first (or NODECACHE_JAR=...): this script builds nothing
#   bench/handoff.sh                   # ROUNDS=3 DURATION=20 QPS=8000 SWITCH_AT=5
#   MODES="none handoff" ROUNDS=5 bench/handoff.sh      (default MODES="none handoff samenice cold")
#
# Environment: NODECACHE_JAR (default deploy/target/nodecache.jar), JAVA_OPTS (default: the
# DaemonSet's JVM flags from deploy/kubernetes/nodecache.yaml without its AOT cache), AOT (1: with
# compact headers and an AOT cache made for this jar, as the DaemonSet on JDK 25; put JDK 25 first on
# PATH), PORT (5410;
# the upstream uses PORT+1), NAMES (5000 names, one NXDOMAIN name in ten more), WARM_SECS (10: the
# old instance serves the same load that long before the measured run; 0: the measured run starts at
# the first "listening on", a cold start), OUT (bench/target/handoff),
# EXTRA_FLAGS (more flags for both instances), NICE (-10 as root, as the peer harness: the servers and
# dnsperf ahead of the other work on a shared machine; NICE=0 for none).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="${NODECACHE_JAR:-$root/deploy/target/nodecache.jar}"
[[ -f "$jar" ]] || { echo "missing $jar: run 'mvn -B -q package -DskipTests' first" >&2; exit 2; }
command -v dnsperf >/dev/null || { echo "dnsperf missing: apt-get install dnsperf" >&2; exit 2; }

ROUNDS="${ROUNDS:-3}" DURATION="${DURATION:-20}" QPS="${QPS:-8000}" SWITCH_AT="${SWITCH_AT:-5}"
PORT="${PORT:-5410}" NAMES="${NAMES:-5000}" WARM_SECS="${WARM_SECS:-10}" MODES="${MODES:-none handoff samenice cold}"
OUT="${OUT:-$root/bench/target/handoff}"
JAVA_OPTS="${JAVA_OPTS:--Xms12m -Xmx192m -Xmn6m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:-ShrinkHeapInSteps -XX:+UseSerialGC -XX:MaxDirectMemorySize=64m -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=32m -XX:SweeperThreshold=50 -Xss512k -XX:ActiveProcessorCount=2 -XX:+ExitOnOutOfMemoryError -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# AOT=1: as the DaemonSet runs on JDK 25 (the `java` on PATH must be 25 or later): compact object
# headers and an AOT cache made for this jar by deploy/aot-cache.sh (in OUT) with the same flags.
if [[ "${AOT:-0}" == 1 ]]; then
    JAVA_OPTS="$JAVA_OPTS -XX:+UseCompactObjectHeaders --sun-misc-unsafe-memory-access=allow"
    mkdir -p "$OUT.aot"
    # shellcheck disable=SC2086
    sh "$root/deploy/aot-cache.sh" "$jar" "$OUT.aot/nodecache.aot" $JAVA_OPTS >&2
    JAVA_OPTS="$JAVA_OPTS -XX:AOTCache=$OUT.aot/nodecache.aot"
fi
NICE="${NICE:-$([[ $(id -u) == 0 ]] && echo -10 || echo 0)}"
nice_=()
[[ "$NICE" != 0 ]] && nice_=(nice -n "$NICE") # a command prefix, not a function: $! must be java's pid
rm -rf "$OUT" && mkdir -p "$OUT/run"

# --- upstream: a nodecache answering bench.test from a hosts file (NXDOMAIN for the nx names)
python3 - "$OUT" "$NAMES" <<'PY'
import sys
out, n = sys.argv[1], int(sys.argv[2])
with open(f"{out}/hosts", "w") as h, open(f"{out}/queries", "w") as q:
    for i in range(n):
        h.write(f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255} h{i}.bench.test\n")
        q.write(f"h{i}.bench.test A\n")
        if i % 10 == 9:
            q.write(f"nx{i}.bench.test A\n")
PY
cat > "$OUT/Corefile.upstream" <<EOC
.:$((PORT + 1)) {
    bind 127.0.0.1
    hosts $OUT/hosts bench.test {
        ttl 30
        reload 0
    }
}
EOC
# The server under test: the DaemonSet's cluster block without kubernetes (cache + forward over TCP).
cat > "$OUT/Corefile" <<EOC
.:$PORT {
    errors
    cache {
        success 9984 30
        denial 9984 5
    }
    bind 127.0.0.1
    forward . 127.0.0.1:$((PORT + 1)) {
        force_tcp
        max_concurrent 1000
    }
}
EOC

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# start NAME LOG ARGS...: runs a server in the background, its pid in $started
start() {
    local log="$1"; shift
    # shellcheck disable=SC2086
    "${nice_[@]}" java $JAVA_OPTS -jar "$jar" "$@" ${EXTRA_FLAGS:-} >"$log" 2>&1 &
    started=$!
    pids+=("$started")
}
wait_log() { # wait_log FILE TEXT SECONDS
    local i
    for ((i = 0; i < $3 * 10; i++)); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
    echo "timed out waiting for '$2' in $1" >&2; cat "$1" >&2; return 1
}
stop() { # SIGTERM, then SIGKILL if it has not exited within 30 s
    kill -TERM "$1" 2>/dev/null || true
    timeout 30 tail --pid="$1" -f /dev/null || { echo "pid $1 ignored SIGTERM: killed" >&2; kill -KILL "$1" 2>/dev/null || true; }
    wait "$1" 2>/dev/null || true
}

start "$OUT/upstream.log" -conf "$OUT/Corefile.upstream" -quiet
upstream=$started
sleep 2
dnsperf -s 127.0.0.1 -p $((PORT + 1)) -d "$OUT/queries" -n 1 -Q 5000 >/dev/null 2>&1 || true # warm it

run() { # run MODE ROUND
    local mode="$1" round="$2" dir="$OUT/$1-$2" sock="$OUT/run/handoff.sock"
    mkdir -p "$dir"; rm -f "$sock" "$sock.cache"
    start "$dir/old.log" -conf "$OUT/Corefile" -handoff "$sock"
    local old=$started
    wait_log "$dir/old.log" "listening on" 60
    if [[ "$WARM_SECS" != 0 ]]; then # a warm instance (WARM_SECS=0: the measured run starts cold)
        "${nice_[@]}" dnsperf -s 127.0.0.1 -p "$PORT" -d "$OUT/queries" -l "$WARM_SECS" -Q "$QPS" >/dev/null 2>&1
    fi
    local load0; load0=$(cut -d' ' -f1 /proc/loadavg)
    "${nice_[@]}" dnsperf -s 127.0.0.1 -p "$PORT" -d "$OUT/queries" -l "$DURATION" -Q "$QPS" -t 2 -v >"$dir/dnsperf.txt" 2>&1 &
    local perf=$!
    local new=""
    if [[ "$mode" != none ]]; then
        sleep "$SWITCH_AT"
        local flags=()
        [[ "$mode" == samenice ]] && flags=(-warmup-nice 0)
        [[ "$mode" == cold ]] && flags=(-warmup 0 -warmup-nice 0)
        [[ "$mode" == nooverlap ]] && flags=(-handoff-overlap 0)
        if [[ "$mode" == neighbour ]]; then
            sed "s/^\.:$PORT {/.:$((PORT + 2)) {/" "$OUT/Corefile" >"$dir/Corefile.neighbour"
            # shellcheck disable=SC2086
            nice -n "$((NICE + 10))" java $JAVA_OPTS -jar "$jar" -conf "$dir/Corefile.neighbour" >"$dir/new.log" 2>&1 &
            local nb=$!
            pids+=("$nb")
            wait_log "$dir/new.log" "listening on" 60
            nice -n "$((NICE + 10))" dnsperf -s 127.0.0.1 -p "$((PORT + 2))" -d "$OUT/queries" \
                -l "${NEIGHBOUR_SECS:-3}" -Q "${NEIGHBOUR_QPS:-4500}" >"$dir/neighbour-dnsperf.txt" 2>&1
            stop "$nb"
            wait "$perf" || true
            stop "$old"
            run_report "$dir" "$mode" "$round" "$load0"
            return
        fi
        start "$dir/new.log" -conf "$OUT/Corefile" -handoff "$sock" "${flags[@]}"
        new=$started
        wait_log "$dir/new.log" "listening on" 60
        stop "$old"
    fi
    wait "$perf" || true
    [[ -n "$new" ]] && stop "$new" || stop "$old"
    run_report "$dir" "$mode" "$round" "$load0"
}

run_report() { # run_report DIR MODE ROUND LOAD
    local warm; warm=$(grep -o 'warm-up: .*' "$1/new.log" 2>/dev/null || echo "-")
    python3 - "$1/dnsperf.txt" "$2" "$3" "$4" "$warm" "$QPS" <<'PY' | tee -a "$OUT/results.txt"
import sys, re
path, mode, rnd, load, warm, qps = sys.argv[1:7]
lat, sent, done = [], 0, 0
for line in open(path):
    if line.startswith("> ") and not line.startswith("> T "):
        lat.append(float(line.split()[-1]) * 1000)
    m = re.match(r"\s*Queries sent:\s+(\d+)", line)
    if m: sent = int(m.group(1))
    m = re.match(r"\s*Queries completed:\s+(\d+)", line)
    if m: done = int(m.group(1))
# The worst half second: dnsperf -v lists answers in the order they came, and at a fixed rate the
# n-th query went out n/QPS s into the run, so QPS/2 answers in a row are about half a second.
half = max(1, int(qps) // 2)
worst, worst_at = 0.0, 0.0
for i in range(0, len(lat) - half // 2, half):
    w = sorted(lat[i:i + half])
    if w[int(.99 * len(w))] > worst:
        worst, worst_at = w[int(.99 * len(w))], i / int(qps)
lat.sort()
def p(q): return lat[min(len(lat) - 1, int(q * len(lat)))] if lat else float("nan")
print(f"RESULT mode={mode} round={rnd} p50={p(.5):.3f} p99={p(.99):.3f} p99.9={p(.999):.3f} "
      f"max={lat[-1] if lat else float('nan'):.3f} worst={worst:.3f} worst_at={worst_at:.1f} "
      f"answered={done} sent={sent} load={load} new: {warm}")
PY
}

echo "# $(date -u +%FT%TZ) $(nproc) cores, nice $NICE, load $(cut -d' ' -f1-3 /proc/loadavg); JAVA_OPTS=$JAVA_OPTS" | tee "$OUT/results.txt"
read -r -a modes <<<"$MODES"
for ((r = 1; r <= ROUNDS; r++)); do
    n=${#modes[@]}
    for ((i = 0; i < n; i++)); do run "${modes[$(((i + r - 1) % n))]}" "$r"; done # rotate the order
done
stop "$upstream"

python3 - "$OUT/results.txt" <<'PY'
import sys, re, statistics
rows = {}
for line in open(sys.argv[1]):
    if line.startswith("RESULT "):
        kv = dict(re.findall(r"(\S+?)=(\S+)", line.split(" new:")[0]))
        rows.setdefault(kv["mode"], []).append(kv)
print("\n| mode | runs | p50 ms | p99 ms | p99.9 ms | max ms | worst half second's p99 ms | answered/sent |")
print("|---|---|---|---|---|---|---|---|")
for mode, rs in rows.items():
    med = lambda k: statistics.median(float(r[k]) for r in rs)
    ans = sum(int(r["answered"]) for r in rs); sent = sum(int(r["sent"]) for r in rs)
    print(f"| {mode} | {len(rs)} | {med('p50'):.3f} | {med('p99'):.3f} | {med('p99.9'):.3f} | {med('max'):.1f} | {med('worst'):.1f} | {ans}/{sent} |")
PY
