package io.nodecache.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.config.ConfigException;
import io.nodecache.config.Corefile;
import io.nodecache.config.CorefileParser;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** Corefile structure seen through a running server: imported blocks, blocks per bind, shared health. */
class CorefileEndToEndTest {

  @TempDir Path dir;

  private static NodeCache start(Corefile c) throws Exception {
    NodeCache n = NodeCache.build(Setup.of(c));
    try {
      n.start();
    } catch (Exception e) {
      n.close();
      throw e;
    }
    return n;
  }

  private static List<String> answer(InetSocketAddress dns, String name) throws Exception {
    Message m = DnsClient.udp(dns, DnsClient.query(name, Type.A));
    return Records.answer(m);
  }

  private static InetSocketAddress on(NodeCache n, String ip) {
    return n.dnsAddresses().stream().filter(a -> a.getAddress().getHostAddress().equals(ip)).findFirst().orElseThrow();
  }

  @Test
  void aBlockImportedByGlobAnswers() throws Exception {
    Files.createDirectories(dir.resolve("custom"));
    Files.writeString(dir.resolve("custom/imported.server"),
        "imported.test:0 {\n  bind 127.0.0.1\n  import ../common/*.conf\n}\n");
    Files.createDirectories(dir.resolve("common"));
    Files.writeString(dir.resolve("common/hosts.conf"), "hosts {\n  10.9.9.9 www.imported.test\n}\n");
    Path corefile = Files.writeString(dir.resolve("Corefile"), "import custom/*.server\n");
    Corefile c = new CorefileParser(corefile.toString(), corefile, Map.of(), 53).parse(Files.readString(corefile));
    try (NodeCache n = start(c)) {
      assertThat(answer(TestServers.dns(n), "www.imported.test.")).isEqualTo(Records.sorted("www.imported.test. 3600 IN A 10.9.9.9"));
    }
  }

  @Test
  void theSameZoneOnTwoBindAddressesAnswersPerAddress() throws Exception {
    String corefile =
        """
        .:0 {
            bind 127.0.0.1
            hosts {
                10.0.0.1 www.test
            }
        }
        .:0 {
            bind 127.0.0.2
            hosts {
                10.0.0.2 www.test
            }
        }
        """;
    try (NodeCache n = TestServers.start(corefile)) {
      assertThat(answer(on(n, "127.0.0.1"), "www.test.")).isEqualTo(Records.sorted("www.test. 3600 IN A 10.0.0.1"));
      assertThat(answer(on(n, "127.0.0.2"), "www.test.")).isEqualTo(Records.sorted("www.test. 3600 IN A 10.0.0.2"));
    }
  }

  @Test
  void zonesOfOneBlockOnTwoPortsAnswerEachOnItsOwn() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    String corefile =
        """
        a.test:0 b.test:%d {
            bind 127.0.0.1
            hosts {
                10.0.0.1 www.a.test
                10.0.0.2 www.b.test
            }
        }
        """.formatted(port);
    try (NodeCache n = TestServers.start(corefile)) {
      InetSocketAddress b = new InetSocketAddress("127.0.0.1", port);
      InetSocketAddress a = n.dnsAddresses().stream().filter(x -> x.getPort() != port).findFirst().orElseThrow();
      assertThat(n.dnsAddresses()).hasSize(2).contains(b);
      assertThat(answer(b, "www.b.test.")).isEqualTo(Records.sorted("www.b.test. 3600 IN A 10.0.0.2"));
      assertThat(answer(a, "www.a.test.")).isEqualTo(Records.sorted("www.a.test. 3600 IN A 10.0.0.1"));
      assertThat(DnsClient.udp(a, DnsClient.query("www.b.test.", Type.A)).getRcode()).isEqualTo(Rcode.REFUSED);
      assertThat(DnsClient.udp(b, DnsClient.query("www.a.test.", Type.A)).getRcode()).isEqualTo(Rcode.REFUSED);
    }
  }

  record Refused(String corefile, String message) {}

  static List<Refused> refused() {
    return List.of(
        new Refused(".:0 {\n}\n.:0 {\n}\n", "Corefile:3: zone '.' is defined twice for dns://:0 (also at Corefile:1)"),
        new Refused(".:0 {\n  bind 127.0.0.1\n}\n.:0 {\n  bind 127.0.0.2 127.0.0.1\n}\n",
            "Corefile:4: zone '.' is defined twice for dns://127.0.0.1:0 (also at Corefile:1)"),
        new Refused(".:0 {\n  bind 127.0.0.1\n}\n.:0 {\n}\n",
            "Corefile:4: zone '.' on port 0 without bind overlaps the block at Corefile:1 bound to 127.0.0.1"
                + " (give every block of this zone and port its own bind addresses)"),
        new Refused(".:0 {\n}\n.:0 {\n  bind 127.0.0.1\n}\n",
            "Corefile:3: zone '.' on port 0 bound to 127.0.0.1 overlaps the block at Corefile:1 that serves it on all addresses"
                + " (give every block of this zone and port its own bind addresses)"),
        new Refused("10.0.0.0/8:0 {\n}\n10.in-addr.arpa:0 {\n}\n",
            "Corefile:3: zone '10.in-addr.arpa.' is defined twice for dns://:0 (also at Corefile:1)"));
  }

  @ParameterizedTest
  @MethodSource("refused")
  void overlappingBlocksAreRefusedAsCoreDnsDoes(Refused r) {
    assertThatThrownBy(() -> NodeCache.build(Setup.of(TestServers.parse(r.corefile())))).isInstanceOf(ConfigException.class)
        .hasMessage(r.message());
  }

  @Test
  void healthInSeveralBlocksSharesOneListenerPerAddress() throws Exception {
    int other;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
      other = s.getLocalPort();
    }
    String corefile =
        """
        a.test:0 {
            health 127.0.0.1:0
        }
        b.test:0 {
            health 127.0.0.1:0 {
                lameduck 2s
            }
        }
        c.test:0 {
            health 127.0.0.2:%d
        }
        """.formatted(other);
    try (NodeCache n = TestServers.start(corefile)) {
      assertThat(get(n.httpAddress("health"))).isEqualTo(200);
      assertThat(get(new InetSocketAddress("127.0.0.2", other))).isEqualTo(200);
      assertThat(n.reloadSettings()).isEmpty();
    }
    ServerConfig sc = ServerConfig.of(TestServers.parse(corefile));
    assertThat(sc.health().orElseThrow().addresses()).containsExactly("127.0.0.1:0", "127.0.0.2:" + other);
    assertThat(sc.health().orElseThrow().lameduck()).isEqualTo(Duration.ofSeconds(2));
  }

  private static int get(InetSocketAddress a) throws Exception {
    HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest r =
        HttpRequest.newBuilder(URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + "/health"))
            .timeout(Duration.ofSeconds(5))
            .build();
    return c.send(r, HttpResponse.BodyHandlers.ofString()).statusCode();
  }
}
