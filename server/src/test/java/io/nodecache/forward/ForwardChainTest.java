package io.nodecache.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.config.ConfigException;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Several {@code forward} lines in one block (tried in file order, as CoreDNS does), {@code next},
 * {@code next_on_nodata} and {@code failover}, through a real server on loopback with three real
 * upstreams A, B and C, each answering {@code www.example.test} with its own address.
 */
class ForwardChainTest {

  private final List<TestUpstream> ups = new ArrayList<>();
  private NodeCache server;

  @BeforeEach
  void upstreams() throws Exception {
    for (int i = 0; i < 3; i++) {
      ups.add(TestUpstream.start(
          "www.example.test. 30 IN A 192.0.2." + (i + 1),
          "x.lab.example.test. 30 IN A 192.0.2." + (i + 1),
          "y.example.test. 30 IN A 192.0.2." + (i + 1),
          "z.example.org. 30 IN A 192.0.2." + (i + 1),
          "txt.example.test. 30 IN TXT \"only\""));
    }
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    ups.forEach(TestUpstream::close);
  }

  /** Starts {@code .:0} on 127.0.0.1 with {@code body}, where {@code A}, {@code B}, {@code C} are the upstreams. */
  private InetSocketAddress serve(String body) throws Exception {
    String b = body.replace("A_UP", ups.get(0).hostPort()).replace("B_UP", ups.get(1).hostPort())
        .replace("C_UP", ups.get(2).hostPort());
    server = TestServers.start(".:0 {\n    bind 127.0.0.1\n" + b + "\n}\n");
    return TestServers.dns(server);
  }

  private static Message ask(InetSocketAddress dns, String name, int type) throws Exception {
    return DnsClient.udp(dns, DnsClient.query(name, type));
  }

  private static UnaryOperator<Message> rcode(int rcode) {
    return q -> {
      Message a = Records.reply(q);
      a.getHeader().setRcode(rcode);
      return a;
    };
  }

  private List<Integer> queries() {
    return ups.stream().map(TestUpstream::queries).toList();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    // child zones first, as CoreDNS's README advises: each name goes to its most specific FROM
    "x.lab.example.test., 192.0.2.1, 1, 0, 0",
    "y.example.test., 192.0.2.2, 0, 1, 0",
    "z.example.org., 192.0.2.3, 0, 0, 1",
  })
  void severalForwardLinesAreTriedInFileOrder(String name, String address, int a, int b, int c) throws Exception {
    InetSocketAddress dns =
        serve("""
                forward lab.example.test A_UP
                forward example.test B_UP
                forward . C_UP
            """);
    assertThat(Records.answers(ask(dns, name, Type.A))).containsExactly(name + " 30 IN A " + address);
    assertThat(queries()).containsExactly(a, b, c);
  }

  @Test
  void aParentZoneListedFirstTakesItsChildrenToo() throws Exception {
    // CoreDNS evaluates forward lines in order: the first FROM that matches wins, not the most specific.
    InetSocketAddress dns =
        serve("""
                forward example.test B_UP
                forward lab.example.test A_UP
            """);
    assertThat(Records.answers(ask(dns, "x.lab.example.test.", Type.A)))
        .containsExactly("x.lab.example.test. 30 IN A 192.0.2.2");
    assertThat(queries()).containsExactly(0, 1, 0);
  }

  @Test
  void exceptPassesToTheFollowingForward() throws Exception {
    InetSocketAddress dns =
        serve("""
                forward example.test A_UP {
                    except lab.example.test
                }
                forward . B_UP
            """);
    assertThat(Records.answers(ask(dns, "x.lab.example.test.", Type.A)))
        .containsExactly("x.lab.example.test. 30 IN A 192.0.2.2");
    assertThat(Records.answers(ask(dns, "y.example.test.", Type.A))).containsExactly("y.example.test. 30 IN A 192.0.2.1");
    assertThat(queries()).containsExactly(1, 1, 0);
  }

  @ParameterizedTest(name = "next {0}, A answers {1}")
  @CsvSource({
    "NXDOMAIN, NXDOMAIN, B",
    "nxdomain, NXDOMAIN, B",
    "SERVFAIL REFUSED, REFUSED, B",
    "NXDOMAIN, SERVFAIL, A",
    "NXDOMAIN, NOERROR, A",
  })
  void nextHandsTheQueryToTheFollowingForward(String rcodes, String answered, String from) throws Exception {
    ups.get(0).answer(rcode(Rcode.value(answered)));
    InetSocketAddress dns =
        serve("""
                forward . A_UP {
                    next %s
                }
                forward . B_UP
            """.formatted(rcodes));
    Message a = ask(dns, "www.example.test.", Type.A);
    if (from.equals("B")) {
      assertThat(Records.answers(a)).containsExactly("www.example.test. 30 IN A 192.0.2.2");
      assertThat(queries()).containsExactly(1, 1, 0);
    } else {
      assertThat(a.getRcode()).isEqualTo(Rcode.value(answered));
      assertThat(queries()).containsExactly(1, 0, 0);
    }
  }

  @Test
  void nextChainsOverThreeForwards() throws Exception {
    // CoreDNS's README example: 1.2.3.4, then 5.6.7.8 on NXDOMAIN, then 9.0.1.2.
    ups.get(0).answer(rcode(Rcode.NXDOMAIN));
    ups.get(1).answer(rcode(Rcode.NXDOMAIN));
    InetSocketAddress dns =
        serve("""
                forward . A_UP {
                    next NXDOMAIN
                }
                forward . B_UP {
                    next NXDOMAIN
                }
                forward . C_UP {
                }
            """);
    assertThat(Records.answers(ask(dns, "www.example.test.", Type.A))).containsExactly("www.example.test. 30 IN A 192.0.2.3");
    assertThat(queries()).containsExactly(1, 1, 1);
  }

  @Test
  void nextOnTheLastForwardHasNoEffect() throws Exception {
    ups.get(0).answer(rcode(Rcode.NXDOMAIN));
    InetSocketAddress dns =
        serve("""
                forward . A_UP {
                    next NXDOMAIN
                }
                whoami
            """);
    // whoami follows forward in the chain, but next only ever hands over to a forward.
    assertThat(ask(dns, "y.example.test.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(queries()).containsExactly(1, 0, 0);
  }

  @ParameterizedTest(name = "next_on_nodata, {0} {1}")
  @CsvSource({
    "txt.example.test., A, B",
    "txt.example.test., TXT, A",
    "nope.example.test., A, A",
  })
  void nextOnNodata(String name, String type, String from) throws Exception {
    ups.get(1).records("txt.example.test. 30 IN A 192.0.2.99", "nope.example.test. 30 IN A 192.0.2.98");
    InetSocketAddress dns =
        serve("""
                forward . A_UP {
                    next_on_nodata
                }
                forward . B_UP
            """);
    Message a = ask(dns, name, Type.value(type));
    if (from.equals("B")) {
      assertThat(Records.answers(a)).containsExactly(name + " 30 IN A 192.0.2.99");
      assertThat(queries()).containsExactly(1, 1, 0);
    } else {
      assertThat(queries()).containsExactly(1, 0, 0);
    }
  }

  @Test
  void failoverAsksTheNextUpstreamOnTheListedRcodes() throws Exception {
    ups.get(0).answer(rcode(Rcode.SERVFAIL));
    ups.get(1).answer(rcode(Rcode.REFUSED));
    InetSocketAddress dns =
        serve("""
                forward . A_UP B_UP C_UP {
                    policy sequential
                    failover SERVFAIL REFUSED
                }
            """);
    assertThat(Records.answers(ask(dns, "www.example.test.", Type.A))).containsExactly("www.example.test. 30 IN A 192.0.2.3");
    assertThat(queries()).containsExactly(1, 1, 1);
  }

  @Test
  void failoverReturnsTheLastAnswerOnceEveryUpstreamWasAsked() throws Exception {
    for (TestUpstream u : ups) {
      u.answer(rcode(Rcode.SERVFAIL));
    }
    ups.get(2).answer(rcode(Rcode.REFUSED));
    InetSocketAddress dns =
        serve("""
                forward . A_UP B_UP C_UP {
                    policy sequential
                    failover SERVFAIL REFUSED
                }
            """);
    long start = System.nanoTime();
    assertThat(ask(dns, "www.example.test.", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
    assertThat(System.nanoTime() - start).as("one pass, not a loop until the 5 s deadline").isLessThan(3_000_000_000L);
    assertThat(queries()).containsExactly(1, 1, 1);
  }

  @Test
  void withoutFailoverTheFirstAnswerStands() throws Exception {
    ups.get(0).answer(rcode(Rcode.SERVFAIL));
    InetSocketAddress dns =
        serve("""
                forward . A_UP B_UP C_UP {
                    policy sequential
                    failover REFUSED
                }
            """);
    assertThat(ask(dns, "www.example.test.", Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
    assertThat(queries()).containsExactly(1, 0, 0);
  }

  @Test
  void aBadOptionOnTheSecondForwardNamesItsLine() {
    assertThatThrownBy(
            () -> serve("""
                    forward example.test A_UP
                    forward . B_UP {
                        failover NOERROR
                    }
                """))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Corefile:5: failover: NOERROR cannot be used in failover");
  }
}
