package io.nodecache.handoff;

import static io.nodecache.handoff.HandoffTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.nodecache.server.NodeCache;
import io.nodecache.server.Setup;
import io.nodecache.testing.TestServers;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -handoff-overlap}: after the new instance starts, both read the shared sockets for the
 * overlap (each answers what it takes first), then the old one stops; without one it stops at once.
 */
class HandoffOverlapTest {

  private static final Duration OVERLAP = Duration.ofSeconds(3);

  @TempDir Path dir;

  @Test
  void duringTheOverlapBothInstancesAnswerThenOnlyTheNewOne() throws Exception {
    Path path = dir.resolve("handoff.sock");
    try (NodeCache a = server();
        Handoff ha = new Handoff(path, a, Duration.ofSeconds(5));
        NodeCache b = server();
        Handoff hb = new Handoff(path, b, Duration.ofSeconds(5), OVERLAP)) {
      serveThenTakeOver(a, ha, b, hb);
      InetSocketAddress dns = TestServers.dns(a);
      long t0 = System.nanoTime();
      CompletableFuture<Void> started =
          CompletableFuture.runAsync(
              () -> {
                try {
                  hb.started();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      // Load from four clients until each instance answered some of it, within the overlap.
      try (QueryLoad load = new QueryLoad(dns, "www.example.test.", "10.0.0.1", 4, 1_000_000).start()) {
        await("both answer", () -> requests(a) > 100 && requests(b) > 100 || started.isDone());
        assertThat(started).as("the overlap still runs; old %s, new %s", requests(a), requests(b)).isNotDone();
        assertThat(a.isHandedOver()).isFalse();
        assertThat(requests(a)).as("answered by the old instance").isGreaterThan(100);
        assertThat(requests(b)).as("answered by the new instance").isGreaterThan(100);
        System.out.printf("RESULT overlap: old instance %.0f, new instance %.0f answers in the first %d ms%n",
            requests(a), requests(b), (System.nanoTime() - t0) / 1_000_000);
        started.get();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(OVERLAP);
        assertThat(a.isHandedOver()).isTrue();
        // What the old one read before it stopped is still answered; then no datagram comes to it.
        double newAfter = requests(b);
        await("load after the overlap", () -> requests(b) > newAfter + 2000);
        double oldSettled = requests(a);
        await("more load", () -> requests(b) > newAfter + 4000);
        load.finish();
        assertThat(requests(a)).isEqualTo(oldSettled);
        assertThat(load.lost.get()).as(load.toString()).isZero();
        assertThat(load.failed.get()).as(load.toString()).isZero();
      }
      a.shutdown(1000, ha::close);
    }
  }

  @Test
  void withoutAnOverlapTheOldInstanceStopsAtOnce() throws Exception {
    Path path = dir.resolve("handoff.sock");
    try (NodeCache a = server();
        Handoff ha = new Handoff(path, a, Duration.ofSeconds(5));
        NodeCache b = server();
        Handoff hb = new Handoff(path, b, Duration.ofSeconds(5), Duration.ZERO)) {
      serveThenTakeOver(a, ha, b, hb);
      long t0 = System.nanoTime();
      hb.started();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
      assertThat(a.isHandedOver()).isTrue();
      a.shutdown(1000, ha::close);
    }
  }

  /** {@code a} serves with hand-off; {@code b} takes its sockets over and starts, not yet confirmed. */
  private static void serveThenTakeOver(NodeCache a, Handoff ha, NodeCache b, Handoff hb) throws Exception {
    assertThat(ha.takeOver()).isFalse();
    a.start();
    ha.started();
    assertThat(hb.takeOver()).isTrue();
    b.start();
  }

  private static NodeCache server() throws Exception {
    return NodeCache.build(Setup.of(TestServers.parse(HandoffTest.COREFILE.formatted(0))));
  }

  /**
   * {@code coredns_dns_requests_total} of one instance over UDP, every other label summed. (A TCP
   * connection stays with the instance that accepted it until that one stops: step 5 of the hand-off.)
   */
  private static double requests(NodeCache n) {
    return n.meters().find("coredns.dns.requests").tag("proto", "udp").counters().stream().mapToDouble(Counter::count).sum();
  }
}
