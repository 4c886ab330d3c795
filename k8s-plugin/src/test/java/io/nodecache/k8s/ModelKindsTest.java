package io.nodecache.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The plugin's serialization knows only the kinds it reads (no scan of fabric8's hundreds of model classes),
 * and a snapshot holding other kinds still loads: they are skipped.
 */
class ModelKindsTest {

  @TempDir Path dir;

  @Test
  void registersOnlyTheKindsWeRead() {
    KubernetesSerialization s = ModelKinds.serialization();
    assertThat(s.getRegisteredKubernetesResource("v1", "Service")).isEqualTo(Service.class);
    assertThat(s.getRegisteredKubernetesResource("v1", "Namespace")).isEqualTo(Namespace.class);
    assertThat(s.getRegisteredKubernetesResource("v1", "Pod")).isEqualTo(Pod.class);
    assertThat(s.getRegisteredKubernetesResource("discovery.k8s.io/v1", "EndpointSlice")).isEqualTo(EndpointSlice.class);
    assertThat(s.getRegisteredKubernetesResource("apps/v1", "Deployment")).isNull();
    assertThat(s.getRegisteredKubernetesResource("v1", "ConfigMap")).isNull();
  }

  @Test
  void snapshotWithOtherKindsLoadsAndAnswers() throws Exception {
    Path snapshot = dir.resolve("cluster.yaml");
    Files.writeString(snapshot, """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Namespace
          metadata: {name: shop}
        - apiVersion: apps/v1
          kind: Deployment
          metadata: {name: web, namespace: shop}
          spec: {replicas: 2}
        - apiVersion: v1
          kind: ConfigMap
          metadata: {name: settings, namespace: shop}
          data: {a: b}
        - apiVersion: v1
          kind: Service
          metadata: {name: web, namespace: shop}
          spec:
            type: ClusterIP
            clusterIP: 10.96.7.7
            clusterIPs: [10.96.7.7]
            ports: [{name: http, port: 80, protocol: TCP}]
        """);
    NodeCache server = TestServers.start("""
        cluster.local:0 {
            bind 127.0.0.1
            kubernetes cluster.local {
                snapshot %s
            }
        }
        """.formatted(snapshot.toAbsolutePath()));
    try {
      InetSocketAddress dns = TestServers.dns(server);
      Message m = DnsClient.udp(dns, DnsClient.query("web.shop.svc.cluster.local.", Type.A));
      assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(Records.answer(m)).isEqualTo(Records.sorted("web.shop.svc.cluster.local. 5 IN A 10.96.7.7"));
      assertThat(server.meters().scrape()).containsPattern("nodecache_kubernetes_services\\{[^}]*\\} 1\\.0");
    } finally {
      server.close();
    }
  }
}
