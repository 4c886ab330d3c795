package io.nodecache.forward;

import static io.nodecache.forward.ForwardFixture.ask;
import static io.nodecache.testing.Records.answers;
import static io.nodecache.testing.Records.query;
import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.chain.Protocol;
import io.nodecache.testing.Spoof;
import io.nodecache.testing.TestUpstream;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;

/** Transport choice (client's, prefer_udp, TC retry) and anti-spoofing, against a real upstream. */
class ForwardUdpTest {

  private static final String WWW = "www.example.test. 30 IN A 192.0.2.80";

  private ForwardFixture fx;
  private TestUpstream up;

  @BeforeEach
  void setUp() throws Exception {
    fx = new ForwardFixture();
    up = TestUpstream.start(WWW, "big.example.test. 30 IN TXT \"" + "x".repeat(200) + "\"");
  }

  @AfterEach
  void tearDown() {
    fx.close();
    up.close();
  }

  private Forward forward(String... options) throws Exception {
    return fx.forward("forward . " + up.hostPort() + " {\n" + String.join("\n", options) + "\n}");
  }

  record Case(String options, Protocol client, int udp, int tcp) {}

  static List<Case> transports() {
    return List.of(
        new Case("", Protocol.UDP, 1, 0),
        new Case("", Protocol.TCP, 0, 1),
        new Case("prefer_udp", Protocol.TCP, 1, 0),
        new Case("prefer_udp", Protocol.UDP, 1, 0),
        new Case("force_tcp", Protocol.UDP, 0, 1),
        new Case("force_tcp\nprefer_udp", Protocol.TCP, 0, 1));
  }

  @ParameterizedTest
  @MethodSource("transports")
  void upstreamTransportFollowsCoreDns(Case c) throws Exception {
    Forward f = forward(c.options());
    assertThat(answers(ask(f, query("www.example.test", "A"), c.client()))).containsExactly(WWW);
    assertThat(up.udpQueries()).isEqualTo(c.udp());
    assertThat(up.tcpQueries()).isEqualTo(c.tcp());
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"", "force_tcp"})
  void ipv6Upstream(String options) throws Exception {
    try (TestUpstream v6 = TestUpstream.startOn(InetAddress.getByName("::1"), WWW)) {
      Forward f = fx.forward("forward . " + v6.hostPort() + " {\n" + options + "\n}");
      assertThat(answers(ask(f, query("www.example.test", "A")))).containsExactly(WWW);
      assertThat(v6.queries()).isEqualTo(1);
      assertThat(fx.scrape()).contains("coredns_forward_requests_total{to=\"" + v6.hostPort() + "\"} 1.0");
    }
  }

  @Test
  void truncatedUdpAnswerIsRetriedOverTcp() throws Exception {
    Forward f = forward();
    up.truncateUdp(true);
    Message a = ask(f, query("big.example.test", "TXT"));
    assertThat(a.getHeader().getFlag(Flags.TC)).isFalse();
    assertThat(answers(a)).hasSize(1);
    assertThat(up.udpQueries()).isEqualTo(1);
    assertThat(up.tcpQueries()).isEqualTo(1);
  }

  @Test
  void udpSocketsAreReusedAWhileThenReplacedAndIdsAreFresh() throws Exception {
    Forward f = forward();
    int n = 2 * UdpClient.MAX_USES + 10;
    for (int i = 0; i < n; i++) {
      Message q = query("www.example.test", "A");
      q.getHeader().setID(7);
      assertThat(ask(f, q).getHeader().getID()).isEqualTo(7);
    }
    assertThat(up.udpSourcePorts()).hasSize(n);
    assertThat(new HashSet<>(up.udpSourcePorts())).as("a new random port every %d queries", UdpClient.MAX_USES).hasSize(3);
    // Not the client's ID: a random 16-bit ID may still be 7 once by chance (n / 65,536), never often.
    assertThat(up.received()).extracting(m -> m.getHeader().getID()).filteredOn(id -> id == 7).hasSizeLessThanOrEqualTo(1);
    assertThat(new HashSet<>(up.received().stream().map(m -> m.getHeader().getID()).toList()).size())
        .as("IDs drawn at random").isGreaterThan(n - 10);
  }

  @Test
  void aSocketThatTimedOutIsNotReused() throws Exception {
    Forward f = forward("read_timeout 1s", "max_connect_attempts 1", "max_fails 0");
    assertThat(answers(ask(f, query("www.example.test", "A")))).containsExactly(WWW);
    up.silent(true);
    assertThat(ForwardFixture.failure(f, query("www.example.test", "A"))).hasMessageContaining("(udp)");
    up.silent(false);
    ask(f, query("www.example.test", "A"));
    List<Integer> ports = up.udpSourcePorts();
    assertThat(ports).hasSize(3);
    assertThat(ports.get(1)).as("reused after an answer").isEqualTo(ports.get(0));
    assertThat(ports.get(2)).as("replaced after a timeout").isNotEqualTo(ports.get(1));
  }

  static List<Arguments> spoofs() {
    return List.of(
        Arguments.of(Spoof.WRONG_ID, ""),
        Arguments.of(Spoof.WRONG_QUESTION, ""),
        Arguments.of(Spoof.OTHER_ADDRESS, ""),
        Arguments.of(Spoof.WRONG_ID, "force_tcp"),
        Arguments.of(Spoof.WRONG_QUESTION, "force_tcp"));
  }

  @ParameterizedTest
  @MethodSource("spoofs")
  void forgedAnswersAreDroppedAndCounted(Spoof kind, String options) throws Exception {
    Forward f = forward(options);
    up.spoof(kind, true);
    Message a = ask(f, query("www.example.test", "A"));
    assertThat(answers(a)).containsExactly(WWW);
    assertThat(fx.scrape())
        .contains("coredns_nodecache_forward_mismatched_answers_total{to=\"" + up.hostPort() + "\"} 1.0");
  }

  @ParameterizedTest
  @EnumSource(Spoof.class)
  void onlyForgedAnswersEndInFailure(Spoof kind) throws Exception {
    Forward f = forward("read_timeout 150ms", "max_connect_attempts 2", "max_fails 0");
    up.spoof(kind, false);
    assertThat(ForwardFixture.failure(f, query("www.example.test", "A")))
        .isInstanceOf(UpstreamException.class)
        .hasMessageStartingWith("no answer from " + up.hostPort());
  }
}
