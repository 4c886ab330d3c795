package io.nodecache.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Scrape;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/**
 * {@code coredns_dns_request_size_bytes}, {@code coredns_dns_response_size_bytes} and {@code
 * coredns_dns_do_requests_total} through a real server: each query of the table goes over real UDP or
 * TCP, is answered by hosts (decoded path), forward (a miss) or the cache (the byte-level fast path),
 * and the scrape must show exactly its bytes, its answer's bytes and its DO bit, in CoreDNS's buckets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SizeAndDoMetricsTest {

  /** CoreDNS's size buckets ({@code plugin/metrics/vars/vars.go}), written out independently of ours. */
  static final List<Double> COREDNS_BOUNDS =
      List.of(0.0, 100.0, 200.0, 300.0, 400.0, 511.0, 1023.0, 2047.0, 4095.0, 8291.0, 16e3, 32e3, 48e3, 64e3,
          Double.POSITIVE_INFINITY);

  private TestUpstream upstream;
  private NodeCache server;
  private InetSocketAddress dns;
  private InetSocketAddress metrics;

  @BeforeAll
  void start() throws Exception {
    upstream =
        TestUpstream.start(
            "fwd.example.com. 60 IN A 192.0.2.1",
            "big.example.com. 60 IN TXT \"" + "x".repeat(200) + "\" \"" + "y".repeat(200) + "\"");
    server =
        TestServers.start(
            """
            .:0 {
                bind 127.0.0.1
                hosts {
                    10.0.0.1 www.example.test
                    10.0.0.2 labels.example.test
                    fallthrough
                }
                cache 30
                forward . %s
                prometheus 127.0.0.1:0
            }
            """
                .formatted(upstream.hostPort()));
    dns = TestServers.dns(server);
    metrics = server.httpAddress("prometheus");
  }

  @AfterAll
  void stop() throws Exception {
    server.close();
    upstream.close();
  }

  static Stream<Arguments> queries() {
    return Stream.of(
        Arguments.of("hosts, decoded path, UDP", "www.example.test.", Type.A, false, false, "hosts"),
        Arguments.of("hosts, decoded path, TCP with DO", "www.example.test.", Type.A, true, true, "hosts"),
        Arguments.of("cache miss, forwarded, UDP with DO", "fwd.example.com.", Type.A, false, true, "forward"),
        Arguments.of("cache hit, fast path, UDP with DO", "fwd.example.com.", Type.A, false, true, "cache"),
        Arguments.of("cache hit, fast path, TCP with DO", "fwd.example.com.", Type.A, true, true, "cache"),
        Arguments.of("cache miss (DO is in the key), UDP", "fwd.example.com.", Type.A, false, false, "forward"),
        Arguments.of("cache miss, answer over 400 bytes, TCP", "big.example.com.", Type.TXT, true, false, "forward"),
        Arguments.of("cache hit of the big answer, UDP", "big.example.com.", Type.TXT, false, false, "cache"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("queries")
  void eachQueryIsCountedWithItsSizesAndDoBit(
      String what, String name, int type, boolean tcp, boolean dnssecOk, String answeredBy) throws Exception {
    Message q = DnsClient.query(name, type);
    if (dnssecOk) {
      DnsClient.withEdns(q, 1232, true);
    }
    byte[] query = q.toWire();
    String proto = tcp ? "tcp" : "udp";
    Scrape before = Scrape.of(metrics);
    byte[] answer = tcp ? tcp(query) : DnsClient.udpRaw(dns, query, 3000);
    assertThat(answer).as("an answer").isNotNull();
    assertThat(new Message(answer).getHeader().getRcode()).isZero();
    // The server records the response's size once its write returns, which on the forwarded path can be
    // just after the datagram reached us: wait (at most 2 s) for that count before reading the rest.
    Scrape after = Scrape.of(metrics);
    for (long end = System.nanoTime() + 2_000_000_000L;
        delta(before, after, "coredns_dns_response_size_bytes_count", "proto", proto) < 1 && System.nanoTime() < end; ) {
      Thread.sleep(5);
      after = Scrape.of(metrics);
    }
    assertThat(delta(before, after, "coredns_dns_responses_total", "plugin", answeredBy)).as("answered by").isEqualTo(1);

    assertSize(before, after, "coredns_dns_request_size_bytes", proto, query.length);
    assertSize(before, after, "coredns_dns_response_size_bytes", proto, answer.length);
    String other = tcp ? "udp" : "tcp";
    assertThat(delta(before, after, "coredns_dns_request_size_bytes_count", "proto", other)).isZero();
    assertThat(delta(before, after, "coredns_dns_do_requests_total", "zone", ".")).isEqualTo(dnssecOk ? 1 : 0);
  }

  @Test
  void labelsAndBucketsAreCoreDns() throws Exception {
    // a name of its own: hosts answers are cached (the cache runs first), and the table's hosts cases
    // must reach hosts
    DnsClient.udp(dns, DnsClient.withEdns(DnsClient.query("labels.example.test.", Type.A), 1232, true));
    DnsClient.tcp(dns, DnsClient.query("labels.example.test.", Type.A));
    Scrape s = Scrape.of(metrics);
    for (String family : List.of("coredns_dns_request_size_bytes", "coredns_dns_response_size_bytes")) {
      for (String proto : List.of("udp", "tcp")) {
        List<Double> bounds =
            s.labelSets(family + "_bucket").stream()
                .filter(l -> l.get("proto").equals(proto))
                .map(l -> Scrape.number(l.get("le")))
                .sorted()
                .toList();
        assertThat(bounds).as(family + " " + proto).isEqualTo(COREDNS_BOUNDS);
      }
      assertThat(s.labelSets(family + "_count"))
          .allSatisfy(l -> assertThat(l.keySet()).containsExactlyInAnyOrder("server", "zone", "view", "proto"))
          .allSatisfy(l -> assertThat(l).containsEntry("server", "dns://127.0.0.1:0").containsEntry("zone", "."));
    }
    assertThat(s.labelSets("coredns_dns_do_requests_total"))
        .containsExactly(Map.of("server", "dns://127.0.0.1:0", "zone", ".", "view", ""));
  }

  @Test
  void recordingAllocatesNothing() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    DnsMetrics m = new DnsMetrics(registry, "dns://:53", ".", List.of("cache"));
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (int warm = 0; warm < 20_000; warm++) {
      record(m, warm);
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 100_000; i++) {
      record(m, i);
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    // one allocation per query would be 1.6 MB or more; a few stray bytes (JIT, TLAB accounting) are not one
    assertThat(allocated).as("bytes allocated by recording 100,000 queries").isLessThan(50_000);
    assertThat(Scrape.parse(registry.scrape()).sum("coredns_dns_request_size_bytes_count")).isEqualTo(120_000);
  }

  /** What QueryProcessor records for one answered query, UDP and TCP, with and without DO. */
  private static void record(DnsMetrics m, int i) {
    boolean tcp = (i & 1) == 1;
    m.request(tcp, false, Type.A, 40 + (i & 63), (i & 2) == 2);
    m.response(0, 0, Type.A, 50_000);
    m.responseSize(tcp, 56 + (i & 511));
  }

  /** The one bucket a size falls in got one more count, the bucket below it none, the sum the size. */
  private static void assertSize(Scrape before, Scrape after, String family, String proto, int bytes) {
    double bound = COREDNS_BOUNDS.stream().filter(b -> bytes <= b).findFirst().orElseThrow();
    double below = COREDNS_BOUNDS.get(COREDNS_BOUNDS.indexOf(bound) - 1);
    assertThat(delta(before, after, family + "_count", "proto", proto)).as(family + " count").isEqualTo(1);
    assertThat(delta(before, after, family + "_sum", "proto", proto)).as(family + " sum").isEqualTo(bytes);
    assertThat(bucketDelta(before, after, family, proto, bound)).as(family + " le=" + bound).isEqualTo(1);
    assertThat(bucketDelta(before, after, family, proto, below)).as(family + " le=" + below).isZero();
  }

  private static double bucketDelta(Scrape before, Scrape after, String family, String proto, double le) {
    return bucket(after, family, proto, le) - bucket(before, family, proto, le);
  }

  private static double bucket(Scrape s, String family, String proto, double le) {
    return s.samples().stream()
        .filter(x -> x.name().equals(family + "_bucket") && proto.equals(x.labels().get("proto")))
        .filter(x -> Scrape.number(x.labels().get("le")) == le)
        .mapToDouble(Scrape.Sample::value)
        .sum();
  }

  private static double delta(Scrape before, Scrape after, String name, String... labels) {
    return after.sum(name, labels) - before.sum(name, labels);
  }

  private byte[] tcp(byte[] query) throws Exception {
    try (Socket s = new Socket()) {
      s.connect(dns, 3000);
      s.setSoTimeout(5000);
      DnsClient.writeFrame(s, query);
      return DnsClient.readFrame(s);
    }
  }
}
