package io.nodecache.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A flood of unique random names (cache-busting, as a misbehaving pod or a DNS tunnel sends) through
 * cache and forward: the cache stays at its capacity and memory levels off. The heap and RSS figures
 * are printed for the record, not asserted (they are a benchmark's claim).
 */
class UniqueNameFloodTest {

  private static final int CAPACITY = 1024;

  @Test
  void theCacheStaysAtItsCapacity() throws Exception {
    try (TestUpstream upstream =
            TestUpstream.start(
                q -> {
                  Message m = new Message(q.getHeader().getID());
                  m.getHeader().setFlag(Flags.QR);
                  m.addRecord(q.getQuestion(), Section.QUESTION);
                  m.addRecord(Records.rr(q.getQuestion().getName() + " 300 IN A 192.0.2.7"), Section.ANSWER);
                  return m;
                });
        NodeCache server =
            TestServers.start(
                """
                .:0 {
                    bind 127.0.0.1
                    cache 300 {
                        success %d
                        denial %d
                    }
                    forward . %s {
                        force_tcp
                    }
                }
                """.formatted(CAPACITY, CAPACITY, upstream.hostPort()))) {
      InetSocketAddress dns = TestServers.dns(server);
      List<String> report = new ArrayList<>();
      int sent = 0;
      for (int round = 1; round <= 3; round++) {
        sent += flood(dns, sent, 10_000);
        double entries = server.meters().get("coredns_cache_entries").tag("type", "success").gauge().value();
        assertThat(entries).as("entries after %d unique names", sent).isLessThanOrEqualTo(CAPACITY);
        upstream.forgetReceived(); // the test upstream's own record of queries is not the server's memory
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        report.add(String.format("after %,d unique names: %d cache entries, heap used after GC %.1f MiB, RSS %s",
            sent, (long) entries, heap / 1048576.0, rss()));
      }
      report.forEach(line -> System.out.println("RESULT flood: " + line));
      Message m = DnsClient.udp(dns, DnsClient.query("still-answering.flood.test.", Type.A));
      assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    }
  }

  /** Sends {@code count} unique names from four threads, bounded by count and by 60 s. */
  private static int flood(InetSocketAddress dns, int offset, int count) throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger answered = new AtomicInteger();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    List<CompletableFuture<Void>> senders = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      senders.add(
          CompletableFuture.runAsync(
              () -> {
                int i;
                while ((i = next.getAndIncrement()) < count && System.nanoTime() < deadline) {
                  try {
                    Message a = DnsClient.udp(dns, DnsClient.query("n" + (offset + i) + "-" + Long.toHexString(System.nanoTime()) + ".flood.test.", Type.A));
                    if (a.getRcode() == Rcode.NOERROR) {
                      answered.incrementAndGet();
                    }
                  } catch (Exception e) {
                    // counted as unanswered
                  }
                }
              }));
    }
    CompletableFuture.allOf(senders.toArray(new CompletableFuture[0])).get(90, TimeUnit.SECONDS);
    assertThat(answered.get()).as("answered of %d", count).isGreaterThan(count * 9 / 10);
    return count;
  }

  private static String rss() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream()
          .filter(l -> l.startsWith("VmRSS:"))
          .map(l -> l.substring(6).trim())
          .findFirst()
          .orElse("?");
    } catch (Exception e) {
      return "?";
    }
  }
}
