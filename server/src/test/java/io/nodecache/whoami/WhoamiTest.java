package io.nodecache.whoami;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.config.ConfigException;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** whoami through a real server: the client's address and port, over UDP and TCP, IPv4 and IPv6. */
class WhoamiTest {

  private NodeCache server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private InetSocketAddress start(String bind, String directive) throws Exception {
    server = TestServers.start(".:0 {\n    bind %s\n    %s\n}\n".formatted(bind, directive));
    return TestServers.dns(server);
  }

  @ParameterizedTest(name = "{0} {1} {2} tcp={3}")
  @CsvSource({
    "127.0.0.1, example.org., A, false, A 127.0.0.1",
    "127.0.0.1, Example.ORG., MX, true, A 127.0.0.1",
    "127.0.0.1, ., NS, false, A 127.0.0.1",
    "::1, example.org., AAAA, false, AAAA ::1",
    "::1, example.org., TXT, true, AAAA ::1",
  })
  void answersWithTheClientsAddressAndPort(String bind, String name, String type, boolean tcp, String address)
      throws Exception {
    InetSocketAddress dns = start(bind, "whoami");
    byte[] query = DnsClient.query(name, Type.value(type)).toWire();
    byte[] reply;
    int port;
    if (tcp) {
      try (Socket s = new Socket()) {
        s.bind(new InetSocketAddress(InetAddress.getByName(bind), 0));
        s.connect(dns, 3000);
        s.setSoTimeout(5000);
        port = s.getLocalPort();
        DnsClient.writeFrame(s, query);
        reply = DnsClient.readFrame(s);
      }
    } else {
      try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(bind), 0))) {
        s.setSoTimeout(5000);
        port = s.getLocalPort();
        s.send(new DatagramPacket(query, query.length, dns));
        DatagramPacket p = new DatagramPacket(new byte[65535], 65535);
        s.receive(p);
        reply = Arrays.copyOf(p.getData(), p.getLength());
      }
    }
    Message m = Records.exact(new Message(reply));
    String owner = name;
    String srvOwner = "_" + (tcp ? "tcp" : "udp") + (owner.equals(".") ? "." : "." + owner);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
    assertThat(m.getSection(Section.ANSWER)).isEmpty();
    assertThat(m.getSection(Section.ADDITIONAL).stream().map(r -> r.toString().replaceAll("\\s+", " ")).toList())
        .containsExactly(
            Records.rr(owner + " 0 IN " + address).toString().replaceAll("\\s+", " "),
            Records.rr(srvOwner + " 0 IN SRV 0 0 " + port + " .").toString().replaceAll("\\s+", " "));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "whoami me|Corefile:3: whoami: 1 arguments (expected: 0)",
        "whoami {\\n        me\\n    }|Corefile:3: whoami: takes no block, found 'me'",
      })
  void refusedWithTheLine(String directive, String message) {
    assertThatThrownBy(() -> start("127.0.0.1", directive.replace("\\n", "\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }
}
