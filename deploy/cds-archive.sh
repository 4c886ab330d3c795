#!/bin/sh
# Writes a class-data-sharing archive of the classes nodecache loads to start (a JDK 17 dynamic CDS
# archive), so that a pod starts without parsing and verifying them again: start to first answer
# 1.19 s -> 0.70 s on one core (median of 5, bench/RESULTS.md). The JVM then runs with
# -XX:SharedArchiveFile=ARCHIVE (the DaemonSet's JAVA_TOOL_OPTIONS); an archive that is missing or
# was made by another JVM or jar is ignored with a warning, never an error.
#
#   deploy/cds-archive.sh JAR ARCHIVE [JVM FLAGS...]
#
# A training start on loopback ports (hosts, cache, forward, kubernetes from a one-Service snapshot,
# health, ready, prometheus), stopped with SIGTERM once it listens. Used by deploy/Dockerfile and
# bench/compare.sh. POSIX sh (the image has no bash).
set -eu
jar=$1
archive=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/cluster.json" <<'JSON'
{"apiVersion": "v1", "kind": "List", "items": [
 {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}},
 {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "kubernetes", "namespace": "default"},
  "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"],
           "ports": [{"name": "https", "port": 443, "protocol": "TCP"}]}},
 {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
  "metadata": {"name": "kubernetes", "namespace": "default", "labels": {"kubernetes.io/service-name": "kubernetes"}},
  "addressType": "IPv4", "endpoints": [{"addresses": ["192.0.2.1"], "conditions": {"ready": true}}],
  "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]}]}
JSON
cat > "$work/Corefile" <<COREFILE
.:15353 {
    bind 127.0.0.1
    errors
    hosts {
        192.0.2.10 cds.nodecache.test
        fallthrough
    }
    cache 30
    forward . 127.0.0.1:15354 {
        force_tcp
    }
    health 127.0.0.1:18080
    ready 127.0.0.1:18181
    prometheus 127.0.0.1:19253
}
cluster.local:15353 in-addr.arpa:15353 {
    bind 127.0.0.1
    errors
    kubernetes cluster.local in-addr.arpa {
        snapshot $work/cluster.json
    }
}
COREFILE
rm -f "$archive"
java "$@" -XX:ArchiveClassesAtExit="$archive" -jar "$jar" -conf "$work/Corefile" > "$work/log" 2>&1 &
pid=$!
i=0
until grep -q "listening on" "$work/log"; do
    i=$((i + 1))
    if [ "$i" -gt 600 ] || ! kill -0 "$pid" 2>/dev/null; then
        echo "cds-archive: the training start did not come up:" >&2
        cat "$work/log" >&2
        kill "$pid" 2>/dev/null || true
        exit 1
    fi
    sleep 0.1
done
sleep 1
kill -TERM "$pid"
wait "$pid" || true
if [ ! -s "$archive" ]; then
    echo "cds-archive: no archive written:" >&2
    cat "$work/log" >&2
    exit 1
fi
echo "cds-archive: wrote $archive ($(wc -c < "$archive") bytes)"
