package io.nodecache.forward;

import static io.nodecache.forward.ForwardFixture.ask;
import static io.nodecache.forward.ForwardFixture.send;
import static io.nodecache.testing.Records.answers;
import static io.nodecache.testing.Records.query;
import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.chain.Protocol;
import io.nodecache.testing.Await;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestUpstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/** force_tcp: pooled, pipelined connections against a real upstream on loopback. */
class ForwardTcpTest {

  private static final String[] ZONE = new String[20];

  static {
    for (int i = 0; i < ZONE.length; i++) {
      ZONE[i] = "h" + i + ".example.test. 30 IN A 192.0.2." + (i + 1);
    }
  }

  private ForwardFixture fx;
  private TestUpstream up;

  @BeforeEach
  void setUp() throws Exception {
    fx = new ForwardFixture();
    up = TestUpstream.start(ZONE);
  }

  @AfterEach
  void tearDown() {
    fx.close();
    up.close();
  }

  private Forward forceTcp(String... options) throws Exception {
    return fx.forward("forward . " + up.hostPort() + " {\n force_tcp\n read_timeout 2s\n" + String.join("\n", options) + "\n}");
  }

  @Test
  void forceTcpSendsNoUdpPacketUpstream() throws Exception {
    Forward f = forceTcp();
    for (int i = 0; i < 5; i++) {
      Message a = ask(f, query("h" + i + ".example.test", "A"), Protocol.UDP);
      assertThat(answers(a)).containsExactly("h" + i + ".example.test. 30 IN A 192.0.2." + (i + 1));
    }
    assertThat(up.tcpQueries()).isEqualTo(5);
    assertThat(up.udpQueries()).isZero();
    assertThat(up.tcpConnections()).as("one pooled connection reused").isEqualTo(1);
  }

  @Test
  void clientIdAndQuestionCaseAreRestored() throws Exception {
    Forward f = forceTcp();
    Message q = query("H3.Example.TEST", "A");
    q.getHeader().setID(4242);
    Message a = ask(f, q);
    assertThat(a.getHeader().getID()).isEqualTo(4242);
    assertThat(a.getQuestion().getName().toString()).isEqualTo("H3.Example.TEST.");
    assertThat(answers(a)).extracting(String::toLowerCase).containsExactly("h3.example.test. 30 in a 192.0.2.4");
    assertThat(up.received()).extracting(m -> m.getHeader().getID()).doesNotContain(4242);
  }

  @Test
  void pipelinesSeveralQueriesOnOneConnectionAnsweredOutOfOrder() throws Exception {
    Forward f = forceTcp();
    ask(f, query("h0.example.test", "A")); // opens the connection
    up.outOfOrder(8);
    List<CompletableFuture<Message>> all = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      Message q = query("h" + i + ".example.test", "A");
      q.getHeader().setID(1000 + i);
      all.add(send(f, q));
    }
    for (int i = 1; i <= 8; i++) {
      Message a = all.get(i - 1).get(10, TimeUnit.SECONDS);
      assertThat(a.getHeader().getID()).isEqualTo(1000 + i);
      assertThat(answers(a)).containsExactly("h" + i + ".example.test. 30 IN A 192.0.2." + (i + 1));
    }
    assertThat(up.maxPipelined()).as("8 queries in flight at once on a connection").isEqualTo(8);
    assertThat(up.tcpConnections()).isEqualTo(1);
    List<Integer> ids = up.received().stream().skip(1).map(m -> m.getHeader().getID()).toList();
    assertThat(ids).as("unique IDs on the connection").doesNotHaveDuplicates();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void queryOnAConnectionClosedMidFlightIsRetriedOnAnother(boolean reset) throws Exception {
    Forward f = forceTcp("max_fails 0");
    if (reset) {
      up.resetAfter(2);
    } else {
      up.closeAfter(2);
    }
    for (int i = 0; i < 2; i++) {
      assertThat(ask(f, query("h" + i + ".example.test", "A")).getRcode()).isEqualTo(Rcode.NOERROR);
    }
    // The third query reaches the upstream on the first connection, which then closes it unanswered.
    Message a = ask(f, query("h2.example.test", "A"));
    assertThat(answers(a)).containsExactly("h2.example.test. 30 IN A 192.0.2.3");
    assertThat(up.tcpConnections()).isEqualTo(2);
    assertThat(up.tcpQueries()).isEqualTo(4);
  }

  @Test
  void answersBeforeACloseAreKeptAndTheNextQueryIsRetried() throws Exception {
    Forward f = forceTcp("max_fails 0");
    up.outOfOrder(3).closeAfter(3);
    // Three queries fill one connection's batch; each is answered. A fourth closes that connection.
    List<CompletableFuture<Message>> first = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      first.add(send(f, query("h" + i + ".example.test", "A")));
    }
    for (CompletableFuture<Message> c : first) {
      assertThat(c.get(10, TimeUnit.SECONDS).getRcode()).isEqualTo(Rcode.NOERROR);
    }
    up.outOfOrder(0);
    Message a = ask(f, query("h9.example.test", "A"));
    assertThat(answers(a)).containsExactly("h9.example.test. 30 IN A 192.0.2.10");
  }

  @Test
  void idleConnectionsCloseAfterExpire() throws Exception {
    Forward f = forceTcp("expire 200ms");
    ask(f, query("h1.example.test", "A"));
    assertThat(up.openConnections()).isEqualTo(1);
    Await.until("idle connection closed", Duration.ofSeconds(5), () -> up.openConnections() == 0);
    ask(f, query("h2.example.test", "A"));
    assertThat(up.tcpConnections()).isEqualTo(2);
  }

  @Test
  void idleConnectionsBeyondMaxIdleConnsAreClosed() throws Exception {
    Forward f = forceTcp("max_idle_conns 1");
    up.delay(Duration.ofMillis(300));
    int n = 2 * TcpPool.MAX_IN_FLIGHT + 50;
    List<CompletableFuture<Message>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(send(f, query("n" + i + ".example.test", "A")));
    }
    for (CompletableFuture<Message> c : all) {
      assertThat(c.get(10, TimeUnit.SECONDS).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }
    assertThat(up.tcpConnections()).as("full connections make the pool grow").isEqualTo(3);
    Await.until("idle connections beyond 1 closed", Duration.ofSeconds(5), () -> up.openConnections() == 1);
  }

  @Test
  void slowUpstreamWithinReadTimeoutAnswers() throws Exception {
    Forward f = forceTcp();
    up.delay(Duration.ofMillis(300));
    Message a = ask(f, query("h5.example.test", "A"));
    assertThat(answers(a)).containsExactly("h5.example.test. 30 IN A 192.0.2.6");
  }

  @Test
  void nxdomainIsPassedOn() throws Exception {
    Forward f = forceTcp();
    Message a = ask(f, query("missing.example.test", "A"));
    assertThat(a.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(fx.scrape()).contains("coredns_forward_responses_total{rcode=\"NXDOMAIN\",to=\"" + up.hostPort() + "\"} 1.0");
  }

  @Test
  void ednsAndDoBitGoUpstreamUnchanged() throws Exception {
    Forward f = forceTcp();
    Message a = ask(f, Records.queryEdns("h1.example.test", "A", true));
    assertThat(a.getOPT()).isNotNull();
    Message seen = up.received().get(0);
    assertThat(seen.getOPT()).isNotNull();
    assertThat(seen.getOPT().getFlags() & ExtendedFlags.DO).isNotZero();
  }
}
