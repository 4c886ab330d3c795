package io.nodecache.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.nodecache.listen.SelfQuery;
import io.nodecache.testing.Await;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.TestServers;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;

/** {@code /health} as a liveness probe: it checks that DNS is answered and the event loops run. */
class HealthCheckTest {

  private static final String COREFILE =
      """
      .:0 {
          bind 127.0.0.1
          health 127.0.0.1:0
          prometheus 127.0.0.1:0
          forward . 127.0.0.1:9
      }
      """;

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  /** The status, or -1 when no answer came within a second (what kubelet counts as a failure too). */
  private static int status(InetSocketAddress a, String path) {
    try {
      HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + path)).timeout(Duration.ofSeconds(1)).build();
      return HTTP.send(r, HttpResponse.BodyHandlers.ofString()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static String body(InetSocketAddress a, String path) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + path)).timeout(Duration.ofSeconds(5)).build();
    return HTTP.send(r, HttpResponse.BodyHandlers.ofString()).body();
  }

  private static double failures(NodeCache n) {
    return n.meters().counter("coredns.health.request.failures").count();
  }

  @Test
  void theSelfQueryIsAnsweredByTheListenerWhateverTheCorefile() throws Exception {
    NodeCache n = TestServers.start(COREFILE);
    try {
      InetSocketAddress dns = TestServers.dns(n);
      Message udp = DnsClient.udp(dns, SelfQuery.query());
      Message tcp = DnsClient.tcp(dns, SelfQuery.query());
      assertThat(SelfQuery.answers(udp)).isTrue();
      assertThat(SelfQuery.answers(tcp)).isTrue();
    } finally {
      n.close();
    }
  }

  @Test
  void aWedgedEventLoopFailsTheLivenessUntilItRunsAgain() throws Exception {
    NodeCache n = TestServers.start(COREFILE, s -> s.withThreads(2));
    CountDownLatch release = new CountDownLatch(1);
    try {
      InetSocketAddress health = n.httpAddress("health");
      Await.until("healthy", Duration.ofSeconds(10), () -> status(health, "/health") == 200);

      EventLoop wedged = n.transport().group().next();
      wedged.execute(() -> {
        try {
          release.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      Await.until("a failed self-check", Duration.ofSeconds(10), () -> failures(n) >= 1);
      assertThat(status(health, "/health")).as("503, or no answer at all: both fail a probe").isNotEqualTo(200);

      release.countDown();
      Await.until("healthy again", Duration.ofSeconds(10), () -> status(health, "/health") == 200);
      String metrics = body(n.httpAddress("prometheus"), "/metrics");
      assertThat(metrics).containsPattern("coredns_health_request_failures_total [1-9]");
      assertThat(metrics).contains("coredns_health_request_duration_seconds_bucket{le=\"0.0025\"}");
    } finally {
      release.countDown();
      n.close();
    }
  }
}
