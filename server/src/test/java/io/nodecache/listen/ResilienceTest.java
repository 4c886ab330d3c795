package io.nodecache.listen;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.TestServers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Abuse a node cache meets: thousands of idle TCP connections, slowloris partial frames, oversized
 * frames, the RFC 8906 EDNS cases, and listening only where configured.
 */
class ResilienceTest {

  private static final int CAP = 1024;
  private NodeCache server;
  private InetSocketAddress dns;

  @BeforeEach
  void start() throws Exception {
    server =
        TestServers.start(
            """
            .:0 {
                bind 127.0.0.1
                hosts {
                    10.0.0.1 www.example.test
                }
            }
            """,
            s -> s.withListenerOptions(new ListenerOptions(1 << 20, 32, Duration.ofSeconds(2), CAP, 128)));
    dns = TestServers.dns(server);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void tenThousandIdleConnectionsHitTheCapAndUdpKeepsAnswering() throws Exception {
    List<Socket> sockets = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    try {
      for (int i = 0; i < 10_000 && System.nanoTime() < deadline; i++) {
        Socket s = new Socket();
        s.connect(dns, 2000);
        sockets.add(s);
      }
      assertThat(sockets).hasSize(10_000);
      NodeCache l = server;
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < until && l.openTcpConnections() < CAP) {
        Thread.sleep(20);
      }
      assertThat(l.openTcpConnections()).isLessThanOrEqualTo(CAP);
      for (int i = 0; i < 20; i++) {
        assertThat(DnsClient.udp(dns, DnsClient.query("www.example.test.", Type.A)).getRcode()).isEqualTo(Rcode.NOERROR);
      }
      // The idle timeout (2 s here) frees the slots: new TCP clients are served again.
      until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < until && l.openTcpConnections() > 0) {
        Thread.sleep(50);
      }
      assertThat(l.openTcpConnections()).isZero();
      assertThat(DnsClient.tcp(dns, DnsClient.query("www.example.test.", Type.A)).getRcode()).isEqualTo(Rcode.NOERROR);
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  @Test
  void responsesSentOverTcpAreDroppedWithoutStallingTheConnection() throws Exception {
    try (Socket s = new Socket()) {
      s.connect(dns, 2000);
      s.setSoTimeout(3000);
      byte[] response = DnsClient.query("www.example.test.", Type.A).toWire();
      response[2] |= (byte) 0x80; // QR=1: never answered
      for (int i = 0; i < 300; i++) { // more than the 128 queries a connection may have in flight
        DnsClient.writeFrame(s, response);
      }
      Thread.sleep(500); // read and dropped by now: the query below comes in a later read
      DnsClient.writeFrame(s, DnsClient.query("www.example.test.", Type.A).toWire());
      Message a = new Message(DnsClient.readFrame(s));
      assertThat(a.getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(a.getHeader().getFlag(Flags.QR)).isTrue();
    }
  }

  @Test
  void aSlowlorisPartialFrameIsClosedByTheIdleTimeout() throws Exception {
    try (Socket s = new Socket()) {
      s.connect(dns, 2000);
      s.setSoTimeout(10_000);
      s.getOutputStream().write(new byte[] {0, 100, 1, 2, 3, 4, 5});
      s.getOutputStream().flush();
      long start = System.nanoTime();
      assertThat(s.getInputStream().read()).isEqualTo(-1);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(9_000);
    }
    assertThat(DnsClient.udp(dns, DnsClient.query("www.example.test.", Type.A)).getRcode()).isEqualTo(Rcode.NOERROR);
  }

  @Test
  void aMaximumSizeGarbageFrameGetsFormerrAndTheConnectionStaysUsable() throws Exception {
    try (Socket s = new Socket()) {
      s.connect(dns, 2000);
      s.setSoTimeout(5000);
      byte[] junk = new byte[65535];
      junk[0] = 0x11;
      junk[1] = 0x22;
      junk[5] = 1; // QDCOUNT 1, then nonsense
      Arrays.fill(junk, 12, junk.length, (byte) 0x3f);
      DnsClient.writeFrame(s, junk);
      Message formerr = new Message(DnsClient.readFrame(s));
      assertThat(formerr.getHeader().getID()).isEqualTo(0x1122);
      assertThat(formerr.getRcode()).isEqualTo(Rcode.FORMERR);
      DnsClient.writeFrame(s, DnsClient.query("www.example.test.", Type.A).toWire());
      assertThat(new Message(DnsClient.readFrame(s)).getRcode()).isEqualTo(Rcode.NOERROR);
    }
  }

  @Test
  void rfc8906UnknownOptionsAndFlagsAreIgnoredAndNotEchoed() throws Exception {
    Message q = DnsClient.query("www.example.test.", Type.A);
    List<EDNSOption> options = List.of(new GenericEDNSOption(100, new byte[] {1, 2, 3}));
    q.addRecord(new OPTRecord(1232, 0, 0, 0x4000 /* an unassigned flag */, options), Section.ADDITIONAL);
    Message m = DnsClient.udp(dns, q);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(m.getSection(Section.ANSWER)).hasSize(1);
    assertThat(m.getOPT().getOptions()).isEmpty();
    assertThat(m.getOPT().getFlags()).isZero();
    assertThat(m.getOPT().getVersion()).isZero();
  }

  @Test
  void listensOnlyOnTheConfiguredAddress() throws Exception {
    InetSocketAddress other = new InetSocketAddress("127.0.0.2", dns.getPort());
    assertThat(DnsClient.udpRaw(other, DnsClient.query("www.example.test.", Type.A).toWire(), 300)).isNull();
    try (Socket s = new Socket()) {
      s.connect(other, 1000);
      throw new AssertionError("TCP connect to 127.0.0.2 succeeded");
    } catch (IOException expected) {
      assertThat(expected).hasMessageContaining("refused");
    }
  }

  @SuppressWarnings("unused")
  private static void drain(InputStream in) throws IOException {
    in.transferTo(OutputStream.nullOutputStream());
  }
}
