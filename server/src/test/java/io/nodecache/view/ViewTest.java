package io.nodecache.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.config.ConfigException;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Several blocks for one zone and address told apart by {@code view}, through a real server on
 * 127.0.0.1: each block's {@code hosts} gives {@code test.} its own address, so the answer names the
 * block that took the query.
 */
class ViewTest {

  private NodeCache server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private InetSocketAddress start(String corefile) throws Exception {
    server = TestServers.start(corefile);
    return TestServers.dns(server);
  }

  /** A block for {@code zone} on 127.0.0.1 answering {@code test.} with {@code address}, after {@code view}. */
  private static String block(String zone, String view, String address) {
    return zone + ":0 {\n    bind 127.0.0.1\n" + view + "\n    hosts {\n        " + address + " test\n    }\n}\n";
  }

  private static String view(String... expressions) {
    StringBuilder sb = new StringBuilder("    view v {\n");
    for (String e : expressions) {
      sb.append("        expr ").append(e).append('\n');
    }
    return sb.append("    }").toString();
  }

  /** Asks {@code test. A} over UDP from {@code source} (a loopback address). */
  private static Message askFrom(InetSocketAddress dns, String source) throws Exception {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(source, 0))) {
      s.setSoTimeout(3000);
      byte[] q = DnsClient.query("test.", Type.A).toWire();
      s.send(new DatagramPacket(q, q.length, dns));
      byte[] buf = new byte[4096];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      s.receive(p);
      return Records.exact(new Message(Arrays.copyOf(buf, p.getLength())));
    }
  }

  @ParameterizedTest(name = "from {0}")
  @CsvSource({"127.0.0.1, 1.1.1.1", "127.0.0.2, 2.2.2.2", "127.0.0.3, 3.3.3.3"})
  void clientAddressesSplitTheZone(String source, String address) throws Exception {
    // CoreDNS's README example: split DNS by the client's network.
    InetSocketAddress dns =
        start(block(".", view("incidr(client_ip(), '127.0.0.1/32')"), "1.1.1.1")
            + block(".", view("incidr(client_ip(), '127.0.0.2/32')"), "2.2.2.2")
            + block(".", "", "3.3.3.3"));
    assertThat(Records.answers(askFrom(dns, source))).containsExactly("test. 3600 IN A " + address);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "name() == 'test.'|true",
        "name() == 'other.'|false",
        "name() matches '^te.t\\\\.$'|true",
        "name() matches '^abc\\\\.'|false",
        "type() in ['A', 'AAAA']|true",
        "type() not in ['A', 'AAAA']|false",
        "type() == 'TXT'|false",
        "proto() == 'udp'|true",
        "proto() == 'tcp'|false",
        "class() == 'IN' && opcode() == 0|true",
        "client_ip() == '127.0.0.1'|true",
        "server_ip() startsWith '127.' and server_port() != '53'|true",
        "incidr(client_ip(), '10.0.0.0/8')|false",
        "incidr(client_ip(), '127.0.0.0/8') or false|true",
        "not (id() == 4242)|false",
        "bufsize() == 512 && !do()|true",
        "size() > 12 && port() != server_port()|true",
        "1 + 2 * 3 == 7 and 7 % 4 == 3 and -1 < 0|true",
        "'a' + 'b' in ['ab']|true",
        "name() endsWith 'test.' and !(name() contains 'x')|true",
        "incidr('bogus', '10.0.0.0/8')|false",
        "name()|false",
      })
  void expressions(String expression, boolean taken) throws Exception {
    InetSocketAddress dns = start(block(".", view(expression), "1.1.1.1") + block(".", "", "3.3.3.3"));
    Message a = DnsClient.udp(dns, DnsClient.query("test.", Type.A));
    assertThat(Records.answers(a)).containsExactly("test. 3600 IN A " + (taken ? "1.1.1.1" : "3.3.3.3"));
  }

  @Test
  void everyExprOfAViewMustHold() throws Exception {
    InetSocketAddress dns =
        start(block(".", view("proto() == 'udp'", "type() == 'AAAA'"), "1.1.1.1") + block(".", "", "3.3.3.3"));
    assertThat(Records.answers(DnsClient.udp(dns, DnsClient.query("test.", Type.A)))).containsExactly("test. 3600 IN A 3.3.3.3");
  }

  @Test
  void whenNoBlockOfTheZoneTakesTheQueryTheParentZoneDoes() throws Exception {
    InetSocketAddress dns = start(block("test", view("proto() == 'tcp'"), "1.1.1.1") + block(".", "", "3.3.3.3"));
    assertThat(Records.answers(DnsClient.udp(dns, DnsClient.query("test.", Type.A)))).containsExactly("test. 3600 IN A 3.3.3.3");
    assertThat(Records.answers(DnsClient.tcp(dns, DnsClient.query("test.", Type.A)))).containsExactly("test. 3600 IN A 1.1.1.1");
  }

  @Test
  void noBlockTakesItRefused() throws Exception {
    InetSocketAddress dns = start(block(".", view("proto() == 'tcp'"), "1.1.1.1"));
    assertThat(DnsClient.udp(dns, DnsClient.query("test.", Type.A)).getRcode()).isEqualTo(Rcode.REFUSED);
    assertThat(Records.answers(DnsClient.tcp(dns, DnsClient.query("test.", Type.A)))).containsExactly("test. 3600 IN A 1.1.1.1");
  }

  @Test
  void aCachedAnswerOfAnotherBlockIsNotServedAcrossTheView() throws Exception {
    // The view block's cache must not answer on the byte-level path before the view decided.
    InetSocketAddress dns =
        start(".:0 {\n    bind 127.0.0.1\n" + view("proto() == 'tcp'") + "\n    cache\n    hosts {\n        1.1.1.1 test\n    }\n}\n"
            + block(".", "", "3.3.3.3"));
    for (int i = 0; i < 2; i++) {
      assertThat(Records.answers(DnsClient.tcp(dns, DnsClient.query("test.", Type.A)))).containsExactly("test. 3600 IN A 1.1.1.1");
      assertThat(Records.answers(DnsClient.udp(dns, DnsClient.query("test.", Type.A)))).containsExactly("test. 3600 IN A 3.3.3.3");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "    view v {\\n        expr foo()\\n    }|Corefile:4: expr: 'foo()': unknown function 'foo' (expected one of: bufsize, class,",
        "    view v {\\n        expr type() == 1\\n    }|Corefile:4: expr: 'type() == 1': invalid operation: == (mismatched types: a string and an int)",
        "    view v {\\n        expr name() matches '('\\n    }|Corefile:4: expr: 'name() matches '('': bad regular expression",
        "    view v {\\n        expr incidr(client_ip(), 'nope')\\n    }|Corefile:4: expr: 'incidr(client_ip(), 'nope')': incidr: 'nope' is not a CIDR",
        "    view v {\\n        expr metadata('view/name') == 'x'\\n    }|Corefile:4: expr: 'metadata('view/name') == 'x'': metadata() is not supported",
        "    view v {\\n        expr name() == 'test.\\n    }|Corefile:4: expr: 'name() == 'test.': string 'test. is not closed",
        "    view v {\\n        expr name\\n    }|Corefile:4: expr: 'name': unknown name 'name'",
        "    view v {\\n        expr (proto() == 'udp'\\n    }|Corefile:4: expr: '(proto() == 'udp'': expected ')' at the end",
        "    view v {\\n        expr proto() ? 1 : 2\\n    }|Corefile:4: expr: 'proto() ? 1 : 2': unexpected character '?'",
        "    view v {\\n        expr\\n    }|Corefile:4: expr: 0 arguments (expected: at least 1)",
        "    view v {\\n        exp proto() == 'udp'\\n    }|Corefile:4: view: unknown option 'exp' (expected one of: expr)",
        "    view\\n|Corefile:3: view: 0 arguments (expected: 1)",
        "    view a b\\n|Corefile:3: view: 2 arguments (expected: 1)",
        "    view a\\n    view b\\n|Corefile:4: view: appears twice in this server block",
      })
  void badViewsAreRefusedWithTheirLine(String view, String message) {
    assertThatThrownBy(() -> start(block(".", view.replace("\\n", "\n"), "1.1.1.1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void aViewBlockAfterTheBlockWithoutViewOfItsZoneIsRefused() {
    // CoreDNS checks filtered blocks against the unfiltered ones registered before them.
    assertThatThrownBy(() -> start(block(".", "", "3.3.3.3") + block(".", view("proto() == 'tcp'"), "1.1.1.1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("zone '.' is defined twice");
  }
}
