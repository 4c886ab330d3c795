package io.nodecache.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.server.NodeCache;
import io.nodecache.testing.Await;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@code stale_after}: the API server goes away mid-run; the view answers for DURATION after the watch
 * broke, then queries for the zone go to forward (the cluster DNS, here a loopback upstream); once the
 * API server is back and the watch resumes, the view answers again.
 */
class KubernetesStaleAfterTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final Duration STALE_AFTER = Duration.ofSeconds(2);
  private static final String NAME = "kubernetes.default.svc.cluster.local.";

  @Test
  void forwardsOnceTheViewIsStaleAndAnswersAgainAfterTheWatchResumes() throws Exception {
    try (TestUpstream clusterDns = TestUpstream.start(NAME + " 30 IN A 10.96.0.99")) {
      MockApi api = new MockApi(0);
      int port = api.port();
      String corefile = """
          cluster.local:0 {
              bind 127.0.0.1
              kubernetes {
                  endpoint http://127.0.0.1:%d
                  stale_after %ds
              }
              forward . %s
          }
          """.formatted(port, STALE_AFTER.toSeconds(), clusterDns.hostPort());
      NodeCache server;
      InetSocketAddress dns;
      long down;
      try {
        api.admin.services().resource(KubernetesInformerTest.clusterIp("default", "kubernetes", "10.96.0.1")).create();
        server = TestServers.start(corefile);
        dns = TestServers.dns(server);
        Await.until("answered from the view", DEADLINE, () -> first(dns).equals("10.96.0.1"));
        // a watch connected for a while: the view stays fresh past DURATION (and the name is memoized)
        int forwarded = clusterDns.queries();
        long synced = System.nanoTime();
        Await.until("fresh past the limit", DEADLINE,
            () -> first(dns).equals("10.96.0.1") && System.nanoTime() - synced > STALE_AFTER.toNanos() * 3 / 2);
        assertThat(clusterDns.queries()).as("nothing forwarded while watching").isEqualTo(forwarded);
      } finally {
        down = System.nanoTime();
        api.close();
      }
      try {
        String early = first(dns);
        if (System.nanoTime() - down < STALE_AFTER.toNanos()) {
          assertThat(early).as("the view is served as it was within DURATION").isEqualTo("10.96.0.1");
        }
        Await.until("forwarded once stale", DEADLINE, () -> first(dns).equals("10.96.0.99"));
        assertThat(System.nanoTime() - down).as("not stale before DURATION").isGreaterThanOrEqualTo(STALE_AFTER.toNanos());
        int forwarded = clusterDns.queries();
        assertThat(first(dns)).as("the fast path does not serve the stale memo either").isEqualTo("10.96.0.99");
        assertThat(clusterDns.queries()).isEqualTo(forwarded + 1);

        try (MockApi again = new MockApi(port)) {
          // a fresh mock server starts at resourceVersion 1: the watch resumes after it (as in
          // KubernetesInformerTest), so the change to watch for is the second object
          again.admin.services().resource(KubernetesInformerTest.clusterIp("default", "kubernetes", "10.96.0.1")).create();
          again.admin.services().resource(KubernetesInformerTest.clusterIp("default", "late", "10.96.0.50")).create();
          Await.until("answered from the view again", DEADLINE,
              () -> first(dns, "late.default.svc.cluster.local.").equals("10.96.0.50"));
          int after = clusterDns.queries();
          assertThat(first(dns)).as("the view, not the cluster DNS").isEqualTo("10.96.0.1");
          assertThat(clusterDns.queries()).as("no forwarding once watching").isEqualTo(after);
        }
      } finally {
        server.close();
      }
    }
  }

  private static String first(InetSocketAddress dns) {
    return first(dns, NAME);
  }

  private static String first(InetSocketAddress dns, String name) {
    try {
      Message m = DnsClient.udp(dns, DnsClient.query(name, Type.A));
      return m.getSection(Section.ANSWER).isEmpty() ? "" : m.getSection(Section.ANSWER).get(0).rdataToString();
    } catch (IOException e) {
      return e.toString();
    }
  }
}
