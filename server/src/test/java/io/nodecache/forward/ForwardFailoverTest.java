package io.nodecache.forward;

import static io.nodecache.forward.ForwardFixture.ask;
import static io.nodecache.forward.ForwardFixture.failure;
import static io.nodecache.forward.ForwardFixture.send;
import static io.nodecache.testing.Records.answers;
import static io.nodecache.testing.Records.query;
import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.testing.Await;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestUpstream;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** Failover, deadlines, health checks and limits with two real upstreams on loopback. */
class ForwardFailoverTest {

  private static final String WWW = "www.example.test. 30 IN A 192.0.2.80";

  private ForwardFixture fx;
  private TestUpstream a;
  private TestUpstream b;

  @BeforeEach
  void setUp() throws Exception {
    fx = new ForwardFixture();
    a = TestUpstream.start(WWW);
    b = TestUpstream.start(WWW);
  }

  @AfterEach
  void tearDown() {
    fx.close();
    a.close();
    b.close();
  }

  private Forward forward(String... options) throws Exception {
    return fx.forward(
        "forward . " + a.hostPort() + " " + b.hostPort() + " {\n" + String.join("\n", options) + "\n}");
  }

  /** Queries the test sent (health checks, {@code . IN NS}, excluded). */
  private static long clientQueries(TestUpstream u) {
    return u.received().stream().filter(m -> !m.getQuestion().getName().equals(Name.root)).count();
  }

  @ParameterizedTest
  @ValueSource(strings = {"force_tcp", "prefer_udp"})
  void failsOverToTheSecondUpstreamAfterOneReadTimeout(String transport) throws Exception {
    Forward f = forward(transport, "policy sequential", "read_timeout 500ms");
    a.silent(true);
    long start = System.nanoTime();
    Message m = ask(f, query("www.example.test", "A"));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(answers(m)).containsExactly(WWW);
    assertThat(clientQueries(a)).isEqualTo(1);
    assertThat(clientQueries(b)).isEqualTo(1);
    assertThat(took).as("one 500 ms try, far below the 5 s deadline").isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void refusedConnectionFailsOverAtOnce() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Forward f = fx.forward("forward . 127.0.0.1:" + closedPort + " " + b.hostPort() + " {\n force_tcp\n policy sequential\n}");
    assertThat(answers(ask(f, query("www.example.test", "A")))).containsExactly(WWW);
  }

  @Test
  void failsWithTheLastErrorWhenEveryTryFails() throws Exception {
    Forward f = forward("force_tcp", "read_timeout 100ms", "max_fails 0");
    a.silent(true);
    b.silent(true);
    Throwable e = failure(f, query("www.example.test", "A"));
    assertThat(e).isInstanceOf(UpstreamException.class).hasMessageStartingWith("no answer from 127.0.0.1:");
    assertThat(a.tcpQueries() + b.tcpQueries()).as("two tries per upstream").isEqualTo(4);
  }

  @Test
  void failsAtTheFiveSecondDeadline() throws Exception {
    Forward f = forward("force_tcp", "read_timeout 1s", "max_connect_attempts 100", "max_fails 0");
    a.silent(true);
    b.silent(true);
    long start = System.nanoTime();
    Throwable e = failure(f, query("www.example.test", "A"));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(e).isInstanceOf(UpstreamException.class);
    assertThat(took).isBetween(Duration.ofMillis(4900), Duration.ofMillis(5900));
    assertThat(a.tcpQueries() + b.tcpQueries()).isEqualTo(5);
  }

  @Test
  void healthChecksMarkDownAndRecover() throws Exception {
    Forward f = forward("force_tcp", "policy sequential", "read_timeout 100ms", "max_fails 1", "health_check 50ms");
    Upstream first = f.upstreams().get(0);
    a.silent(true);
    assertThat(answers(ask(f, query("www.example.test", "A")))).containsExactly(WWW);
    Await.until("first upstream down", Duration.ofSeconds(5), first::down);
    assertThat(answers(ask(f, query("www.example.test", "A")))).containsExactly(WWW);
    assertThat(clientQueries(a)).as("a down upstream is skipped").isEqualTo(1);
    assertThat(clientQueries(b)).isEqualTo(2);
    assertThat(fx.scrape()).containsPattern("coredns_forward_healthcheck_failures_total\\{to=\"" + a.hostPort() + "\"} [1-9]");

    a.normal();
    Await.until("first upstream back", Duration.ofSeconds(5), () -> !first.down());
    assertThat(answers(ask(f, query("www.example.test", "A")))).containsExactly(WWW);
    assertThat(clientQueries(a)).isEqualTo(2);
    assertThat(a.received()).anyMatch(m -> m.getQuestion().getName().equals(Name.root)
        && m.getQuestion().getType() == Type.NS
        && m.getHeader().getFlag(Flags.RD));
  }

  @Test
  void healthCheckAsksTheConfiguredDomainWithoutRecursion() throws Exception {
    Forward f = forward("force_tcp", "policy sequential", "read_timeout 100ms", "health_check 50ms no_rec domain example.org");
    a.silent(true);
    assertThat(answers(ask(f, query("www.example.test", "A")))).containsExactly(WWW);
    Await.until("a health check reached the upstream", Duration.ofSeconds(5),
        () -> a.received().stream().anyMatch(m -> m.getQuestion().getName().toString().equals("example.org.")));
    Message check = a.received().stream()
        .filter(m -> m.getQuestion().getName().toString().equals("example.org.")).findFirst().orElseThrow();
    assertThat(check.getQuestion().getType()).isEqualTo(Type.NS);
    assertThat(check.getHeader().getFlag(Flags.RD)).isFalse();
  }

  @Test
  void whenAllAreDownOneIsTriedAtRandom() throws Exception {
    // Health checks (. NS) and "hang." go unanswered; www is answered.
    var responder = Records.responder(WWW);
    UnaryOperator<Message> picky =
        q -> q.getQuestion().getName().equals(Name.root) || q.getQuestion().getName().toString().startsWith("hang.")
            ? null : responder.apply(q);
    a.answer(picky);
    b.answer(picky);
    Forward f = forward("force_tcp", "read_timeout 100ms", "max_fails 1", "health_check 50ms");
    failure(f, query("hang.example.test", "A"));
    Await.until("both down", Duration.ofSeconds(5), () -> f.upstreams().stream().allMatch(Upstream::down));
    assertThat(answers(ask(f, query("www.example.test", "A")))).containsExactly(WWW);
    assertThat(fx.scrape()).containsPattern("coredns_forward_healthcheck_broken_total [1-9]");
  }

  @Test
  void failFastWhenAllAreDown() throws Exception {
    a.silent(true);
    b.silent(true);
    Forward f = forward("force_tcp", "read_timeout 100ms", "max_fails 1", "health_check 50ms", "failfast_all_unhealthy_upstreams");
    failure(f, query("www.example.test", "A"));
    Await.until("both down", Duration.ofSeconds(5), () -> f.upstreams().stream().allMatch(Upstream::down));
    assertThat(failure(f, query("other.example.test", "A"))).hasMessage("all upstreams down");
    assertThat(a.received()).noneMatch(m -> m.getQuestion().getName().toString().startsWith("other."));
    assertThat(b.received()).noneMatch(m -> m.getQuestion().getName().toString().startsWith("other."));
    assertThat(fx.scrape()).containsPattern("coredns_forward_healthcheck_broken_total [1-9]");
  }

  @Test
  void maxConcurrentRefusesTheExcess() throws Exception {
    Forward f = forward("force_tcp", "max_concurrent 2");
    a.delay(Duration.ofMillis(500));
    b.delay(Duration.ofMillis(500));
    List<CompletableFuture<Message>> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      all.add(send(f, query("n" + i + ".example.test", "A")));
    }
    int refused = 0;
    int answered = 0;
    for (CompletableFuture<Message> c : all) {
      int rcode = c.get(10, TimeUnit.SECONDS).getRcode();
      if (rcode == Rcode.REFUSED) {
        refused++;
      } else if (rcode == Rcode.NXDOMAIN) {
        answered++;
      }
    }
    assertThat(refused).isEqualTo(3);
    assertThat(answered).isEqualTo(2);
    assertThat(fx.scrape()).contains("coredns_forward_max_concurrent_rejects_total 3.0");
    assertThat(answers(ask(f, query("www.example.test", "A")))).as("slots are released").containsExactly(WWW);
  }

  @Test
  void aHangingUpstreamHoldsBoundedStateAndReleasesIt() throws Exception {
    a.silent(true);
    Forward f = fx.forward("forward . " + a.hostPort() + " {\n force_tcp\n read_timeout 1s\n max_connect_attempts 1\n max_fails 0\n}");
    int cap = TcpPool.MAX_CONNECTIONS * TcpPool.MAX_IN_FLIGHT;
    int n = cap + 500;
    List<CompletableFuture<Message>> all = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      all.add(send(f, query("q" + i + ".example.test", "A")));
    }
    Upstream u = f.upstreams().get(0);
    assertThat(u.tcp().inFlight()).isLessThanOrEqualTo(cap);
    for (CompletableFuture<Message> c : all) {
      assertThat(failure(c)).isInstanceOf(UpstreamException.class);
    }
    assertThat(f.inFlight()).isZero();
    assertThat(u.tcp().inFlight()).as("slots are released before answers are passed on").isZero();
    assertThat(u.tcp().size()).isLessThanOrEqualTo(TcpPool.MAX_CONNECTIONS);
    assertThat(a.tcpConnections()).isLessThanOrEqualTo(TcpPool.MAX_CONNECTIONS);
  }
}
