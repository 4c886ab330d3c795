#!/bin/sh
# Writes the ahead-of-time cache nodecache starts from: a training run of the server whose classes, linked
# state and method profiles the JVM saves at exit (JDK 25: -XX:AOTCacheOutput, JEP 483/514/515; used with
# -XX:AOTCache=CACHE, the DaemonSet's JAVA_TOOL_OPTIONS). On an older JVM (17, where the code is also
# built and tested) it writes a dynamic class-data-sharing archive instead (-XX:ArchiveClassesAtExit;
# used with -XX:SharedArchiveFile). A cache made by another JVM, jar or incompatible flags is ignored
# with a warning at start, never an error. Give the training the same JVM flags as the DaemonSet (GC,
# -XX:+UseCompactObjectHeaders): a cache only serves a JVM whose flags match.
#
#   deploy/aot-cache.sh JAR CACHE [JVM FLAGS...]
# Env: AOT_TRAINING_KUBERNETES=0 leaves the kubernetes block out of the training (below);
#      AOT_TRAINING_ROUNDS, AOT_TRAINING_SECONDS bound the training load.
#
# The training run listens on loopback only (hosts, cache, forward over TCP to a stub upstream served by
# the same process, kubernetes from a one-Service snapshot, health, ready, prometheus) and is driven by a
# few thousand queries over UDP and TCP: cache misses forwarded to the stub and answered, then hits,
# NXDOMAIN answers (cached denials), hosts names, and cluster-zone A, AAAA, SRV and PTR answers. Then it is
# stopped with SIGTERM and the JVM writes the cache. Used by deploy/Dockerfile, bench/compare.sh and
# bench/footprint.sh. POSIX sh and perl-base (the image has neither bash nor python).
set -eu
jar=$1
cache=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
if [ "${version:-0}" -ge 25 ]; then
    record="-XX:AOTCacheOutput=$cache"
else
    record="-XX:ArchiveClassesAtExit=$cache"
fi
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
# The cluster-zone block: kubernetes (fabric8 and Jackson) is trained only when the Corefile served has it.
# The cache loads every class of its training at start, used or not, so for a Corefile without
# `kubernetes` set AOT_TRAINING_KUBERNETES=0 (JDK 25, idle: about 1,100 classes and 16 MiB of RSS less;
# bench/RESULTS.md, Footprint notes).
# The same objects as YAML, for a second zone: a YAML snapshot goes through fabric8's serialization and
# Jackson's data binding of the model classes, which is what the informers run on every node with an API
# server. The JSON snapshot above is read by a streaming parser and no longer touches that code, so
# without this zone the cache would leave those classes out and the informers would load them from the
# jar (slower, and into metaspace instead of the cache's shared pages).
cat > "$work/cluster.yaml" <<'YAML'
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Namespace
  metadata: {name: default}
- apiVersion: v1
  kind: Service
  metadata: {name: kubernetes, namespace: default}
  spec:
    type: ClusterIP
    clusterIP: 10.96.0.1
    clusterIPs: [10.96.0.1]
    ports: [{name: https, port: 443, protocol: TCP}]
- apiVersion: discovery.k8s.io/v1
  kind: EndpointSlice
  metadata: {name: kubernetes, namespace: default, labels: {kubernetes.io/service-name: kubernetes}}
  addressType: IPv4
  endpoints: [{addresses: [192.0.2.1], conditions: {ready: true}}]
  ports: [{name: https, port: 6443, protocol: TCP}]
YAML
cluster_block=""
if [ "${AOT_TRAINING_KUBERNETES:-1}" != 0 ]; then
    cluster_block="cluster.local:15353 in-addr.arpa:15353 {
    bind 127.0.0.1
    errors
    kubernetes cluster.local in-addr.arpa {
        snapshot $work/cluster.json
    }
    cache 30
}
yaml.train.test:15353 {
    bind 127.0.0.1
    kubernetes yaml.train.test {
        snapshot $work/cluster.yaml
    }
}"
fi
cat > "$work/Corefile" <<COREFILE
.:15353 {
    bind 127.0.0.1
    errors
    hosts {
        192.0.2.10 aot.nodecache.test
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
$cluster_block
train.test:15354 {
    bind 127.0.0.1
    template IN A train.test {
        match ^h[0-9]+[.]train[.]test[.]$
        answer "{{ .Name }} 60 IN A 192.0.2.2"
        fallthrough
    }
    template ANY ANY train.test {
        rcode NXDOMAIN
        authority "train.test. 60 IN SOA ns.train.test. hostmaster.train.test. 1 3600 600 86400 60"
    }
}
COREFILE
rm -f "$cache"
java "$@" "$record" -jar "$jar" -conf "$work/Corefile" > "$work/log" 2>&1 &
pid=$!
i=0
until grep -q "listening on" "$work/log"; do
    i=$((i + 1))
    if [ "$i" -gt 600 ] || ! kill -0 "$pid" 2>/dev/null; then
        echo "aot-cache: the training run did not come up:" >&2
        cat "$work/log" >&2
        kill "$pid" 2>/dev/null || true
        exit 1
    fi
    sleep 0.1
done
# The queries: ROUNDS passes over the names (the first pass misses, the rest hit), bounded by SECONDS.
perl - 15353 "${AOT_TRAINING_ROUNDS:-40}" "${AOT_TRAINING_SECONDS:-20}" > "$work/queries" 2>&1 <<'PERL' || true
use strict;
use IO::Socket::INET;
use IO::Select;
my ($port, $rounds, $secs) = @ARGV;
my $udp = IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $port, Proto => "udp") or die "udp: $!";
my $sel = IO::Select->new($udp);
my @q = map { ["h$_.train.test", 1] } 0 .. 199;
push @q, map { ["nx$_.train.test", 1] } 0 .. 49;
push @q, ["aot.nodecache.test", 1], ["aot.nodecache.test", 28], ["kubernetes.default.svc.cluster.local", 1],
    ["kubernetes.default.svc.cluster.local", 28], ["_https._tcp.kubernetes.default.svc.cluster.local", 33],
    ["1.0.96.10.in-addr.arpa", 12], ["missing.default.svc.cluster.local", 1];
my ($id, $ok, $lost, $end) = (0, 0, 0, time + $secs);
sub wire {
    my ($id, $name, $type, $edns) = @_;
    my $m = pack("n6", $id, 0x0100, 1, 0, 0, $edns ? 1 : 0);
    $m .= join("", map { chr(length($_)) . $_ } split(/\./, $name)) . "\0" . pack("n2", $type, 1);
    $m .= "\0" . pack("nnNn", 41, 1232, 0, 0) if $edns;
    return $m;
}
ROUND: for my $r (1 .. $rounds) {
    for my $e (@q) {
        last ROUND if time > $end;
        $id = ($id + 1) & 0xffff;
        $udp->send(wire($id, $e->[0], $e->[1], $id & 1));
        if ($sel->can_read(2)) { my $buf; $udp->recv($buf, 4096); $ok++; } else { $lost++; }
    }
    my $tcp = IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $port, Proto => "tcp", Timeout => 2) or next;
    for my $e (@q[0 .. 9], @q[-7 .. -1]) {
        my $m = wire(++$id & 0xffff, $e->[0], $e->[1], 0);
        print $tcp pack("n", length($m)) . $m;
        my $len;
        last unless read($tcp, $len, 2) == 2;
        my $buf;
        read($tcp, $buf, unpack("n", $len));
        $ok++;
    }
    close($tcp);
}
print "answered $ok, lost $lost\n";
PERL
kill -TERM "$pid"
wait "$pid" || true
if [ ! -s "$cache" ]; then
    echo "aot-cache: no cache written:" >&2
    cat "$work/queries" "$work/log" >&2
    exit 1
fi
echo "aot-cache: wrote $cache ($(wc -c < "$cache") bytes; training queries: $(cat "$work/queries"))"
