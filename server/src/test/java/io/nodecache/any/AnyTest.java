package io.nodecache.any;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.config.ConfigException;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** any through a real server: ANY gets CoreDNS's HINFO, other types go on; without it, the listener's answer. */
class AnyTest {

  private TestUpstream upstream;
  private NodeCache server;

  @BeforeEach
  void upstream() throws Exception {
    upstream = TestUpstream.start("www.example.org. 60 IN A 192.0.2.1", "www.example.org. 60 IN TXT \"hello\"");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    upstream.close();
  }

  private Message ask(String directive, String name, int type, boolean tcp) throws Exception {
    server =
        TestServers.start(
            """
            .:0 {
                bind 127.0.0.1
                %s
                cache 30
                forward . %s
            }
            """.formatted(directive, upstream.hostPort()));
    Message q = DnsClient.query(name, type);
    Message m = tcp ? DnsClient.tcp(TestServers.dns(server), q) : DnsClient.udp(TestServers.dns(server), q);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(m.getHeader().getFlag(Flags.AA)).isFalse();
    return m;
  }

  @ParameterizedTest(name = "[{0}] {1} {2} tcp={3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "any|www.example.org.|ANY|false|www.example.org. 8482 IN HINFO \"ANY obsoleted\" \"See RFC 8482\"",
        "any|WWW.Example.org.|ANY|true|WWW.Example.org. 8482 IN HINFO \"ANY obsoleted\" \"See RFC 8482\"",
        "any|nowhere.example.|ANY|false|nowhere.example. 8482 IN HINFO \"ANY obsoleted\" \"See RFC 8482\"",
        "any|www.example.org.|A|false|www.example.org. 30 IN A 192.0.2.1",
        "any|www.example.org.|TXT|false|www.example.org. 30 IN TXT \"hello\"",
        "''|www.example.org.|ANY|false|www.example.org. 8482 IN HINFO \"RFC8482\" \"\"",
      })
  void answers(String directive, String name, String type, boolean tcp, String record) throws Exception {
    Message m = ask(directive, name, Type.value(type), tcp);
    assertThat(Records.answers(m)).isEqualTo(List.of(Records.rr(record).toString().replaceAll("\\s+", " ")));
    if (type.equals("ANY")) {
      assertThat(upstream.queries()).as("ANY never reaches the upstream").isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "any all|Corefile:3: any: 1 arguments (expected: 0)",
        "any {\\n        all\\n    }|Corefile:3: any: takes no block, found 'all'",
        "any\\n    any|Corefile:4: any: appears twice in this server block",
      })
  void refusedWithTheLine(String directive, String message) {
    assertThatThrownBy(() -> ask(directive.replace("\\n", "\n"), "www.example.org.", Type.A, false))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }
}
