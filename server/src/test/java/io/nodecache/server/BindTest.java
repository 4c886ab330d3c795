package io.nodecache.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.config.ConfigException;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Type;

/**
 * CoreDNS's {@code bind ADDRESS|IFACE... { except ADDRESS|IFACE... }}: an interface name stands for
 * its addresses (link-local ones left out), {@code except} takes addresses away, and the server
 * really listens on what is left.
 */
class BindTest {

  private static List<String> binds(String bind) throws ConfigException {
    var corefile = TestServers.parse(".:5300 {\n    " + bind + "\n}\n");
    return ServerConfig.binds(corefile.blocks().get(0)).stream()
        .map(a -> a.getAddress().getHostAddress() + ":" + a.getPort())
        .toList();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock = """
          bind 127.0.0.1                                  | 127.0.0.1:5300
          bind 127.0.0.1 ::1                              | 127.0.0.1:5300, 0:0:0:0:0:0:0:1:5300
          bind lo                                         | 127.0.0.1:5300, 0:0:0:0:0:0:0:1:5300
          bind lo 127.0.0.1                               | 127.0.0.1:5300, 0:0:0:0:0:0:0:1:5300
          bind lo {\\n except ::1\\n }                    | 127.0.0.1:5300
          bind 127.0.0.1 127.0.0.2 {\\n except 127.0.0.2\\n } | 127.0.0.1:5300
          """)
  void addressesAsCoreDnsReadsThem(String bind, String expected) throws Exception {
    assertThat(binds(bind.replace("\\n", "\n"))).containsExactlyInAnyOrderElementsOf(List.of(expected.split(", ")));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock = """
          bind nosuchnic0                                 | Corefile:2: bind: 'nosuchnic0' is neither an IP address nor an interface of this host
          bind 127.0.0.1 {\\n except\\n }                 | Corefile:3: except: 0 arguments
          bind 127.0.0.1 {\\n only 127.0.0.1\\n }         | Corefile:3: bind: unknown option 'only'
          bind 127.0.0.1 {\\n except lo\\n }              | Corefile:2: bind: no address left to bind once 'except' is applied
          """)
  void refusedWithFileAndLine(String bind, String message) {
    assertThatThrownBy(() -> binds(bind.replace("\\n", "\n"))).isInstanceOf(ConfigException.class).hasMessageStartingWith(message);
  }

  @Test
  void theServerListensOnTheInterfaceAddressesLeftAfterExcept() throws Exception {
    try (var server = TestServers.start("""
        .:0 {
            bind lo {
                except ::1
            }
            hosts {
                192.0.2.1 a.example.test
            }
        }
        """)) {
      List<InetSocketAddress> dns = server.dnsAddresses();
      assertThat(dns).extracting(a -> a.getAddress().getHostAddress()).containsExactly("127.0.0.1");
      assertThat(Records.answers(DnsClient.udp(dns.get(0), DnsClient.query("a.example.test.", Type.A))))
          .containsExactly("a.example.test. 3600 IN A 192.0.2.1");
    }
  }
}
