package io.nodecache.server.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Lifecycle;
import io.nodecache.chain.Next;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.Directive;
import io.nodecache.handoff.Handoff;
import io.nodecache.server.NodeCache;
import io.nodecache.server.Setup;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The warm-up before a hand-off, with real sockets on loopback: it runs while the old instance still
 * serves, before the new one takes the sockets; it leaves nothing in the new instance's caches or
 * metrics; it sends nothing to the real upstream; it is bounded by count and by time.
 */
class WarmupTest {

  /** The old and the new instance differ only in who.test's address: the answer names the server. */
  private static final String COREFILE =
      """
      .:0 {
          bind 127.0.0.1
          hosts {
              %s who.test
              fallthrough
          }
          cache 300
          forward . %s
      }
      """;
  /** A name the warm-up asks (WarmupLoad: "h1" under nodecache-warmup.invalid. for the root zone). */
  private static final String WARM_NAME = "h1.nodecache-warmup.invalid.";

  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }

  private static String who(InetSocketAddress dns) throws Exception {
    Message m = DnsClient.udp(dns, DnsClient.query("who.test.", Type.A));
    return m.getSection(Section.ANSWER).get(0).rdataToString();
  }

  private static double requests(NodeCache n) {
    return n.meters().find("coredns.dns.requests").counters().stream().mapToDouble(Counter::count).sum();
  }

  @Test
  void runsWhileTheOldInstanceServesAndLeavesNothingBehind() throws Exception {
    TestUpstream upstream = keep(TestUpstream.start(WARM_NAME + " 60 IN A 10.9.9.9"));
    Path path = dir.resolve("handoff.sock");
    NodeCache a = keep(NodeCache.build(Setup.of(TestServers.parse(COREFILE.formatted("10.0.0.1", upstream.hostPort())))));
    Handoff ha = keep(new Handoff(path, a, Duration.ofSeconds(5)));
    assertThat(ha.takeOver()).isFalse();
    a.start();
    ha.started();
    InetSocketAddress dns = TestServers.dns(a);

    Setup setupB = Setup.of(TestServers.parse(COREFILE.formatted("10.0.0.2", upstream.hostPort())));
    NodeCache b = keep(NodeCache.build(setupB));
    Handoff hb = keep(new Handoff(path, b, Duration.ofSeconds(5)));
    assertThat(hb.takeOver()).isTrue(); // b holds the sockets, a still reads them
    AtomicBoolean during = new AtomicBoolean();
    Warmup.Result r =
        Warmup.run(
            setupB,
            new Warmup.Options(Duration.ofSeconds(60), 2_000),
            scratch -> {
              // The copy forwards to the stub, never to the real upstream.
              assertThat(uncheckedA(scratch, WARM_NAME)).isEqualTo(WARM_NAME + " 300 IN A 192.0.2.1");
              // While b warms up: a answers on the shared address, b serves nothing yet.
              for (int i = 0; i < 20; i++) {
                assertThat(uncheckedWho(dns)).isEqualTo("10.0.0.1");
              }
              assertThat(a.isHandedOver()).isFalse();
              assertThat(b.dnsAddresses()).isEmpty();
              during.set(true);
            });
    assertThat(during).isTrue();
    assertThat(r.ended()).isEqualTo("queries");
    assertThat(r.sent()).isEqualTo(2_000);
    assertThat(r.udp()).isPositive();
    assertThat(r.tcp()).isPositive();
    assertThat(upstream.queries()).isZero(); // every warm-up miss went to the stub

    b.start();
    hb.started();
    assertThat(a.isHandedOver()).isTrue();
    a.shutdown(1000, ha::close); // as on a node: SIGTERM once the new one serves
    assertThat(requests(b)).isZero(); // no warm-up query in b's coredns_* metrics
    assertThat(who(dns)).isEqualTo("10.0.0.2");
    // A name the warm-up answered 2001:db8/192.0.2.1 from its stub: b's cache does not have it.
    Message m = DnsClient.udp(dns, DnsClient.query(WARM_NAME, Type.A));
    assertThat(m.getSection(Section.ANSWER)).containsExactly(Records.rr(WARM_NAME + " 60 IN A 10.9.9.9"));
    assertThat(upstream.queries()).isEqualTo(1);
    assertThat(requests(b)).isEqualTo(2);
  }

  /** The one A record {@code dns} answers for {@code name}, as zone-file text. */
  static String uncheckedA(InetSocketAddress dns, String name) {
    try {
      Message m = DnsClient.udp(dns, DnsClient.query(name, Type.A));
      assertThat(m.getSection(Section.ANSWER)).hasSize(1);
      return m.getSection(Section.ANSWER).get(0).toString().replaceAll("\\s+", " ");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String uncheckedWho(InetSocketAddress dns) {
    try {
      return who(dns);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aTimeLimitEndsItWhateverTheBudget() throws Exception {
    Setup setup = Setup.of(TestServers.parse(COREFILE.formatted("10.0.0.1", "127.0.0.1:9")));
    Warmup.Result r = Warmup.run(setup, new Warmup.Options(Duration.ofMillis(300), 10_000_000));
    assertThat(r.ended()).isIn("time", "jit quiet");
    assertThat(r.sent()).isLessThan(10_000_000);
  }

  /**
   * A warm-up ended by its time limit while forwarded queries are in flight: the copy answers them
   * before it closes, so its errors plugin logs nothing (a line that would read as the real server's).
   */
  @Test
  void endingByTimeLogsNoErrorForTheQueriesInFlight() throws Exception {
    Setup setup =
        Setup.of(TestServers.parse(".:0 {\n    bind 127.0.0.1\n    errors\n    forward . 127.0.0.1:9\n}\n"));
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    List<Warmup.Result> results = new ArrayList<>();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      for (int i = 0; i < 5; i++) { // every query is a forward to the stub: each end has some in flight
        results.add(Warmup.run(setup, new Warmup.Options(Duration.ofMillis(300), 10_000_000)));
      }
    } finally {
      System.setErr(err);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(results).allMatch(r -> r.ended().equals("time"));
    assertThat(results.stream().mapToLong(Warmup.Result::answered).sum()).isPositive(); // the first may be cold
    assertThat(log).doesNotContain("plugin/errors");
  }

  @Test
  void offRunsNothing() throws Exception {
    Setup setup = Setup.of(TestServers.parse(COREFILE.formatted("10.0.0.1", "127.0.0.1:9")));
    assertThat(Warmup.run(setup, new Warmup.Options(Duration.ZERO, 1000))).isEqualTo(new Warmup.Result(0, 0, 0, 0, "off"));
    assertThat(Warmup.run(setup, new Warmup.Options(Duration.ofSeconds(1), 0)).ended()).isEqualTo("off");
  }

  /** A {@code whoami} whose start fails: so does the scratch server's, which must not stop the start. */
  private static final class FailingStart implements PluginFactory {
    @Override
    public String name() {
      return "whoami";
    }

    @Override
    public Handler create(Directive directive, PluginContext context) {
      return new FailingHandler();
    }
  }

  private static final class FailingHandler implements Handler, Lifecycle {
    @Override
    public String name() {
      return "whoami";
    }

    @Override
    public CompletionStage<Message> handle(DnsRequest request, Next next) {
      return next.handle(request);
    }

    @Override
    public void start() throws IOException {
      throw new IOException("cannot start");
    }
  }

  @Test
  void aScratchServerThatCannotStartIsReportedNotThrown() throws Exception {
    Setup setup = Setup.of(TestServers.parse(".:0 {\n    whoami\n}\n")).withPlugins(List.of(new FailingStart()));
    Warmup.Result r = Warmup.run(setup, new Warmup.Options(Duration.ofSeconds(5), 100));
    assertThat(r.ended()).isEqualTo("failed: java.io.IOException: cannot start");
    assertThat(r.sent()).isZero();
  }
}
