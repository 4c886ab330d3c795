package io.nodecache.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The whole server on port 0 forwarding over TCP only to a real upstream on loopback. */
class ForwardEndToEndTest {

  private TestUpstream up;
  private NodeCache server;
  private InetSocketAddress dns;

  @BeforeEach
  void start() throws Exception {
    up = TestUpstream.start("www.example.test. 30 IN A 192.0.2.80", "www.example.test. 30 IN AAAA 2001:db8::80");
    server =
        TestServers.start(
            """
            .:0 {
                bind 127.0.0.1
                errors
                hosts {
                    10.0.0.10 local.example.test
                    fallthrough
                }
                forward . %s {
                    force_tcp
                    read_timeout 500ms
                }
            }
            """
                .formatted(up.hostPort()));
    dns = TestServers.dns(server);
  }

  @AfterEach
  void stop() {
    server.close();
    up.close();
  }

  @Test
  void udpAndTcpClientsAreForwardedOverTcpOnly() throws Exception {
    Message a = DnsClient.udp(dns, DnsClient.query("www.example.test.", Type.A));
    assertThat(a.getHeader().getID()).isEqualTo(4242);
    assertThat(Records.answers(a)).containsExactly("www.example.test. 30 IN A 192.0.2.80");
    Message b = DnsClient.tcp(dns, DnsClient.query("WWW.Example.test.", Type.AAAA));
    assertThat(b.getQuestion().getName().toString()).isEqualTo("WWW.Example.test.");
    assertThat(b.getSection(Section.ANSWER)).hasSize(1);
    assertThat(DnsClient.udp(dns, DnsClient.query("nope.example.test.", Type.A)).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(up.udpQueries()).isZero();
    assertThat(up.tcpQueries()).isEqualTo(3);
    assertThat(up.tcpConnections()).isEqualTo(1);
  }

  @Test
  void hostsAnswersBeforeForward() throws Exception {
    Message a = DnsClient.udp(dns, DnsClient.query("local.example.test.", Type.A));
    assertThat(Records.answers(a)).singleElement().asString().endsWith("IN A 10.0.0.10");
    assertThat(up.queries()).isZero();
  }

  @Test
  void silentUpstreamGivesServfailAndTheErrorIsLogged() throws Exception {
    up.silent(true);
    Message a = DnsClient.udp(dns, DnsClient.query("www.example.test.", Type.A));
    assertThat(a.getRcode()).isEqualTo(Rcode.SERVFAIL);
  }
}
