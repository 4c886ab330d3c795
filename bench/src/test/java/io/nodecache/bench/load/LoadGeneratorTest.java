package io.nodecache.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.server.NodeCache;
import io.nodecache.testing.DelayingPlugin;
import io.nodecache.testing.TestServers;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The load generator against a real server on loopback (hosts plugin) and against a silent socket. */
class LoadGeneratorTest {

  private static final DelayingPlugin delaying = new DelayingPlugin();
  private static NodeCache server;
  private static String target;

  @BeforeAll
  static void start() throws Exception {
    StringBuilder hosts = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      hosts.append("127.1.0.").append(i).append(" h").append(i).append(".bench.test\n");
    }
    server =
        TestServers.start(
            """
            bench.test:0 {
                bind 127.0.0.1
                hosts {
                    %s
                    no_reverse
                }
            }
            delay.test:0 {
                bind 127.0.0.1
                forward . 127.0.0.1
            }
            """
                .formatted(hosts),
            delaying);
    InetSocketAddress a = TestServers.dns(server);
    target = "127.0.0.1:" + a.getPort();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static LoadReport run(String... args) throws Exception {
    return new LoadGenerator(LoadOptions.parse(args)).run();
  }

  @ParameterizedTest
  @ValueSource(strings = {"--udp", "--tcp"})
  void closedLoopStopsAtTheCountAndEveryQueryIsAnswered(String transport) throws Exception {
    LoadReport r =
        run("--server", target, transport, "--gen", "h%d.bench.test", "--gen-count", "100",
            "--clients", "3", "--outstanding", "20", "--count", "3000", "--duration", "60s");

    assertThat(r.sent()).isEqualTo(3000);
    assertThat(r.answered()).isEqualTo(3000);
    assertThat(r.timeouts()).isZero();
    assertThat(r.lost()).isZero();
    assertThat(r.unexpectedRcode()).isZero();
    assertThat(r.unmatched() + r.malformed() + r.skipped()).isZero();
    assertThat(r.rcodes()).isEqualTo(Map.of("NOERROR", 3000L));
    assertThat(r.p50Ms()).isPositive();
    assertThat(r.p50Ms()).isLessThanOrEqualTo(r.p90Ms());
    assertThat(r.p90Ms()).isLessThanOrEqualTo(r.p99Ms());
    assertThat(r.p99Ms()).isLessThanOrEqualTo(r.p999Ms());
    assertThat(r.p999Ms()).isLessThanOrEqualTo(r.maxMs());
    assertThat(r.transport()).isEqualTo(transport.substring(2));
  }

  @Test
  void durationBoundEndsTheRunAndCountsAddUp() throws Exception {
    LoadReport r =
        run("--server", target, "--gen", "h%d.bench.test", "--gen-count", "100", "--duration", "300ms",
            "--timeout", "1s", "--outstanding", "10", "--count", "100000000");

    assertThat(r.sent()).isPositive().isLessThan(100_000_000L);
    assertThat(r.answered() + r.timeouts()).isEqualTo(r.sent());
    assertThat(r.lost()).isEqualTo(r.timeouts() - r.late());
    // bounded: sending stops at the duration, the rest resolves within one timeout (+ the safety net)
    assertThat(r.elapsedSeconds()).isLessThan(0.3 + 1 + 5);
  }

  @Test
  void timeoutsAreCountedAgainstASilentSocket() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      LoadReport r =
          run("--server", "127.0.0.1:" + silent.getLocalPort(), "--query", "h1.bench.test A",
              "--clients", "2", "--outstanding", "10", "--duration", "500ms", "--timeout", "200ms");

      assertThat(r.answered()).isZero();
      assertThat(r.sent()).isGreaterThanOrEqualTo(10);
      assertThat(r.timeouts()).isEqualTo(r.sent());
      assertThat(r.lost()).isEqualTo(r.sent());
      assertThat(r.late()).isZero();
      assertThat(r.p50Ms()).isZero();
      // closed loop: each timeout frees a slot for the next query, no more than the window at a time
      assertThat(r.sent()).isLessThanOrEqualTo(10L * (500 / 200 + 2));
    }
  }

  @Test
  void answersAfterTheTimeoutCountAsLateNotAnswered() throws Exception {
    // the server answers every query 200 ms late; the client gives up after 50 ms
    LoadReport r =
        run("--server", target, "--query", "slow200.delay.test A", "--clients", "2", "--outstanding", "4",
            "--duration", "1s", "--timeout", "50ms");

    assertThat(r.answered()).isZero();
    assertThat(r.timeouts()).isEqualTo(r.sent()).isPositive();
    assertThat(r.late()).isPositive().isLessThanOrEqualTo(r.timeouts());
    assertThat(r.lost()).isEqualTo(r.timeouts() - r.late());
    assertThat(r.unmatched()).isZero();
  }

  @Test
  void openLoopNeverSendsMoreThanTheRateAllows() throws Exception {
    LoadReport r =
        run("--server", target, "--gen", "h%d.bench.test", "--gen-count", "100", "--rate", "2000",
            "--duration", "1s", "--clients", "4");

    assertThat(r.sent()).isPositive().isLessThanOrEqualTo(2000);
    assertThat(r.answered() + r.timeouts()).isEqualTo(r.sent());
    assertThat(r.loop()).isEqualTo("open, 2000 qps");
  }

  @Test
  void openLoopStopsAtTheCount() throws Exception {
    LoadReport r =
        run("--server", target, "--query", "h1.bench.test A", "--rate", "20000", "--count", "150",
            "--duration", "30s");

    assertThat(r.sent()).isEqualTo(150);
    assertThat(r.answered()).isEqualTo(150);
    assertThat(r.elapsedSeconds()).isLessThan(30);
  }

  @Test
  void rcodesOutsideTheExpectedSetAreCounted() throws Exception {
    LoadReport unexpected =
        run("--server", target, "--gen", "nx%d.bench.test", "--gen-count", "50", "--count", "500");
    LoadReport expected =
        run("--server", target, "--gen", "nx%d.bench.test", "--gen-count", "50", "--count", "500",
            "--expect", "NOERROR,NXDOMAIN");

    assertThat(unexpected.rcodes()).isEqualTo(Map.of("NXDOMAIN", 500L));
    assertThat(unexpected.unexpectedRcode()).isEqualTo(500);
    assertThat(expected.unexpectedRcode()).isZero();
  }

  @Test
  void commandLineWritesTextAndJson(@TempDir Path dir) throws Exception {
    Path queries = dir.resolve("q.txt");
    Files.writeString(queries, "# dnsperf format\nh1.bench.test A\n\nh2.bench.test. AAAA\nnx1.bench.test\n");
    Path json = dir.resolve("r.json");

    int code =
        LoadMain.run(
            new String[] {
              "--server", target, "--file", queries.toString(), "--count", "300", "--expect", "NOERROR",
              "--json", json.toString(), "--quiet"
            });

    assertThat(code).isZero();
    String j = Files.readString(json);
    assertThat(j).contains("\"sent\": 300", "\"answered\": 300", "\"unexpected_rcode\": 100",
        "\"rcodes\": {\"NOERROR\": 200, \"NXDOMAIN\": 100}", "\"latency_ms\": {\"p50\": ");
  }

  @Test
  void badOptionsExitWithTwo() {
    List<String[]> bad = new ArrayList<>();
    bad.add(new String[] {"--server", target});
    bad.add(new String[] {"--server", target, "--query", "a.test A", "--rate", "0"});
    bad.add(new String[] {"--server", target, "--query", "a.test BOGUS"});
    assertThat(bad).allSatisfy(a -> assertThat(LoadMain.run(a)).isEqualTo(2));
  }
}
