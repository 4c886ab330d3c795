package io.nodecache.k8s;

import static io.nodecache.k8s.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The whole block end to end: before the informers have synced, cluster names go through cache and
 * forward to the cluster DNS; once synced they come from the view, and the cache never held the
 * forwarded answer (the zone is local).
 */
class KubernetesForwardUntilSyncedTest {

  @Test
  void forwardsToTheClusterDnsUntilTheViewExists() throws Exception {
    int apiPort;
    try (ServerSocket s = new ServerSocket(0)) {
      apiPort = s.getLocalPort();
    }
    try (TestUpstream clusterDns = TestUpstream.start("kubernetes.default.svc.cluster.local. 30 IN A 10.96.0.1")) {
      String corefile = """
          cluster.local:0 {
              bind 127.0.0.1
              kubernetes {
                  endpoint http://127.0.0.1:%d
              }
              cache 30
              forward . %s
          }
          """.formatted(apiPort, clusterDns.hostPort());
      NodeCache server = TestServers.start(corefile);
      try {
        InetSocketAddress dns = TestServers.dns(server);
        assertThat(first(dns)).isEqualTo("10.96.0.1");
        assertThat(clusterDns.queries()).isEqualTo(1);

        try (MockApi api = new MockApi(apiPort)) {
          api.admin.services().resource(KubernetesInformerTest.clusterIp("default", "kubernetes", "10.96.0.77")).create();
          await("answered from the view", Duration.ofSeconds(60), () -> first(dns).equals("10.96.0.77"));
          int forwarded = clusterDns.queries();
          assertThat(first(dns)).isEqualTo("10.96.0.77");
          assertThat(clusterDns.queries()).as("no more forwarding once synced").isEqualTo(forwarded);
        }
      } finally {
        server.close();
      }
    }
  }

  @Test
  void startupTimeoutHoldsTheStartForTheFirstSyncThenServesAnyway() throws Exception {
    int apiPort;
    try (ServerSocket s = new ServerSocket(0)) {
      apiPort = s.getLocalPort();
    }
    String corefile = """
        cluster.local:0 {
            bind 127.0.0.1
            kubernetes {
                endpoint http://127.0.0.1:%d
                startup_timeout %s
            }
            forward . %s
        }
        """;
    try (TestUpstream clusterDns = TestUpstream.start("kubernetes.default.svc.cluster.local. 30 IN A 10.96.0.1")) {
      // API up: the start returns synced, so the very first answer comes from the view.
      try (MockApi api = new MockApi(apiPort)) {
        api.admin.services().resource(KubernetesInformerTest.clusterIp("default", "kubernetes", "10.96.0.77")).create();
        NodeCache server = TestServers.start(corefile.formatted(apiPort, "20s", clusterDns.hostPort()));
        try {
          assertThat(server.ready()).isTrue();
          assertThat(first(TestServers.dns(server))).isEqualTo("10.96.0.77");
          assertThat(clusterDns.queries()).isZero();
        } finally {
          server.close();
        }
      }
      // API down: the start waits the timeout out, then serves through forward.
      long t0 = System.nanoTime();
      NodeCache server = TestServers.start(corefile.formatted(apiPort, "1s", clusterDns.hostPort()));
      try {
        long waited = (System.nanoTime() - t0) / 1_000_000;
        assertThat(waited).isBetween(1_000L, 15_000L);
        assertThat(first(TestServers.dns(server))).isEqualTo("10.96.0.1");
      } finally {
        server.close();
      }
    }
  }

  private static String first(InetSocketAddress dns) {
    try {
      Message m = DnsClient.udp(dns, DnsClient.query("kubernetes.default.svc.cluster.local.", Type.A));
      return m.getSection(Section.ANSWER).isEmpty() ? "" : m.getSection(Section.ANSWER).get(0).rdataToString();
    } catch (IOException e) {
      return e.toString();
    }
  }
}
