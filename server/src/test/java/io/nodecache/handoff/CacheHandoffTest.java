package io.nodecache.handoff;

import io.nodecache.server.Setup;
import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The old instance hands its cache over with the sockets: the new one answers the names the old one
 * had cached without asking the upstream, with the TTL they had left.
 */
class CacheHandoffTest {

  private static final int NAMES = CacheHandoffTestAnswers.NAMES;
  private static final String COREFILE =
      """
      .:0 {
          bind 127.0.0.1
          cache 300
          forward . %s
      }
      """;

  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();
  /** One clock for both servers, so that the lifetime left is checkable to the second. */
  private final AtomicLong nanos = new AtomicLong(System.nanoTime());
  private TestUpstream upstream;

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private NodeCache server() throws Exception {
    NodeCache n =
        NodeCache.build(
            Setup.of(TestServers.parse(COREFILE.formatted(upstream.hostPort())))
                .withTicker(nanos::get));
    open.add(n);
    return n;
  }

  private Handoff start(NodeCache n, Path path, boolean expectTakeOver) throws Exception {
    Handoff h = new Handoff(path, n, Duration.ofSeconds(5));
    open.add(h);
    assertThat(h.takeOver()).isEqualTo(expectTakeOver);
    n.start();
    h.started();
    return h;
  }

  private static String name(int i) {
    return CacheHandoffTestAnswers.name(i);
  }

  /** One pass over the names; returns the share answered without the upstream, and checks the TTLs. */
  private double firstPass(InetSocketAddress dns, long ttl) throws Exception {
    int before = upstream.queries();
    for (int i = 0; i < NAMES; i++) {
      Message m = DnsClient.udp(dns, DnsClient.query(name(i), Type.A));
      List<Record> a = m.getSection(Section.ANSWER);
      assertThat(a).hasSize(1);
      assertThat(a.get(0).getTTL()).isEqualTo(ttl);
    }
    return 1.0 - (double) (upstream.queries() - before) / NAMES;
  }

  @Test
  void theNewInstanceStartsWarmWithTheTtlLeft() throws Exception {
    upstream = TestUpstream.start(q -> answer(q));
    open.add(upstream);
    Path path = dir.resolve("handoff.sock");
    NodeCache a = server();
    Handoff ha = start(a, path, false);
    InetSocketAddress dns = TestServers.dns(a);
    assertThat(firstPass(dns, 300)).isZero(); // the old instance fills its cache
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(100));

    NodeCache b = server();
    start(b, path, true);
    assertThat(a.isHandedOver()).isTrue();
    a.shutdown(1000, ha::close); // only the new instance answers now
    long t0 = System.nanoTime();
    double withHandoff = firstPass(dns, 200); // 300 s stored 100 s ago: 200 s left
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

    NodeCache cold = server(); // what a new instance without hand-off starts with
    cold.start();
    double without = firstPass(TestServers.dns(cold), 300);
    System.out.printf(
        "RESULT cache hand-off: first pass over %d names (%d ms) after the switch: hit ratio %.3f with"
            + " hand-off, %.3f without%n",
        NAMES, ms, withHandoff, without);
    assertThat(withHandoff).isEqualTo(1.0);
    assertThat(without).isZero();
  }

  @Test
  void withoutAnOverlapTheCacheGoesThroughAFileWrittenOnStop() throws Exception {
    upstream = TestUpstream.start(q -> answer(q));
    open.add(upstream);
    Path path = dir.resolve("handoff.sock");
    NodeCache a = server();
    Handoff ha = start(a, path, false);
    assertThat(firstPass(TestServers.dns(a), 300)).isZero();
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(100));
    a.shutdown(1000, ha::close); // SIGTERM with nobody taking over
    assertThat(dir.resolve("handoff.sock.cache")).exists();

    NodeCache b = server();
    start(b, path, false);
    assertThat(dir.resolve("handoff.sock.cache")).doesNotExist(); // read once
    double hits = firstPass(TestServers.dns(b), 200); // written 100 s after the fill, read at once
    System.out.printf("RESULT cache file on stop: first pass over %d names after the restart: hit ratio %.3f%n", NAMES, hits);
    assertThat(hits).isEqualTo(1.0);
  }

  private static Message answer(Message q) {
    return CacheHandoffTestAnswers.answer(q);
  }
}
