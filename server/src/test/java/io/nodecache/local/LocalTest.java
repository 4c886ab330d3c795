package io.nodecache.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.config.ConfigException;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** local through a real server: CoreDNS's loopback answers, the localhost counter, everything else passed on. */
class LocalTest {

  private static final String SOA = " 604800 IN SOA localhost. root.localhost. 1 0 0 0 604800";
  private static final String IP6_LOOPBACK =
      "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.";

  private TestUpstream upstream;
  private NodeCache server;

  @BeforeEach
  void upstream() throws Exception {
    upstream =
        TestUpstream.start(
            "www.example.org. 60 IN A 192.0.2.1",
            "localhost.example.com. 60 IN A 192.0.2.7",
            IP6_LOOPBACK + " 60 IN PTR upstream.example.");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    upstream.close();
  }

  private void start(String directive) throws Exception {
    server =
        TestServers.start(
            """
            .:0 {
                bind 127.0.0.1
                %s
                forward . %s
            }
            """.formatted(directive.replace("\\n", "\n"), upstream.hostPort()));
  }

  private double localhostCount() {
    return server.meters().scrape().lines()
        .filter(l -> l.startsWith(Local.METRIC + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1)))
        .findFirst()
        .orElse(0);
  }

  private static List<String> expected(String lines) {
    if (lines == null) {
      return List.of();
    }
    return Records.sorted(
        Arrays.stream(lines.split(";")).map(l -> l.startsWith("SOA ") ? l.substring(4) + SOA : l).toArray(String[]::new));
  }

  /** Answer and authority as zone-file lines; {@code SOA X} stands for X's SOA as CoreDNS builds it. */
  @ParameterizedTest(name = "[{0}] {1} {2} tcp={3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "local|localhost.|A|false|NOERROR|localhost. 604800 IN A 127.0.0.1||0|0",
        "local|LocalHost.|AAAA|true|NOERROR|LocalHost. 604800 IN AAAA ::1||0|0",
        "local|localhost.|MX|false|NOERROR||SOA localhost.|0|0",
        "local|localhost.|SOA|false|NOERROR|SOA localhost.||0|0",
        "local|localhost.|NS|false|NOERROR|localhost. 604800 IN NS localhost.||0|0",
        "local|127.in-addr.arpa.|A|false|NOERROR||SOA 127.in-addr.arpa.|0|0",
        "local|0.in-addr.arpa.|NS|true|NOERROR|0.in-addr.arpa. 604800 IN NS localhost.||0|0",
        "local|255.in-addr.arpa.|SOA|false|NOERROR|SOA 255.in-addr.arpa.||0|0",
        "local|255.in-addr.arpa.|PTR|false|NOERROR||SOA 255.in-addr.arpa.|0|0",
        "local|1.0.0.127.in-addr.arpa.|PTR|false|NOERROR|1.0.0.127.in-addr.arpa. 604800 IN PTR localhost.||0|0",
        "local|1.0.0.127.in-addr.arpa.|A|false|NOERROR||SOA 127.in-addr.arpa.|0|0",
        "local|2.0.0.127.in-addr.arpa.|PTR|false|NXDOMAIN||SOA 127.in-addr.arpa.|0|0",
        "local|5.4.3.255.IN-ADDR.arpa.|PTR|true|NXDOMAIN||SOA 255.IN-ADDR.arpa.|0|0",
        "local|9.0.in-addr.arpa.|PTR|false|NXDOMAIN||SOA 0.in-addr.arpa.|0|0",
        "local|app.localhost.|A|false|NOERROR|app.localhost. 604800 IN A 127.0.0.1||1|0",
        "local|a.b.LOCALHOST.|AAAA|true|NOERROR|a.b.LOCALHOST. 604800 IN AAAA ::1||1|0",
        "local|app.localhost.|TXT|false|NOERROR||SOA app.localhost.|1|0",
        "local|localhost.example.com.|A|false|NOERROR|localhost.example.com. 604800 IN A 127.0.0.1||1|0",
        "local|LOCALHOST.example.com.|MX|false|NOERROR||SOA LOCALHOST.example.com.|1|0",
        "local {\\n        localhost_prefix on\\n    }|localhost.example.com.|A|false|NOERROR|localhost.example.com. 604800 IN A 127.0.0.1||1|0",
        "local {\\n        localhost_prefix off\\n    }|localhost.example.com.|A|false|NOERROR|localhost.example.com. 60 IN A 192.0.2.7||0|1",
        "local {\\n        localhost_prefix off\\n    }|app.localhost.|A|false|NOERROR|app.localhost. 604800 IN A 127.0.0.1||1|0",
        "local|www.example.org.|A|false|NOERROR|www.example.org. 60 IN A 192.0.2.1||0|1",
        "local|localhostx.example.org.|A|false|NXDOMAIN|||0|1",
        "local|" + IP6_LOOPBACK + "|PTR|true|NOERROR|" + IP6_LOOPBACK + " 60 IN PTR upstream.example.||0|1",
        "''|localhost.|A|false|NXDOMAIN|||0|1",
      })
  void answers(
      String directive, String name, String type, boolean tcp, String rcode, String answer, String authority,
      int counted, int upstreamQueries)
      throws Exception {
    start(directive);
    Message q = DnsClient.query(name, Type.value(type));
    Message m = tcp ? DnsClient.tcp(TestServers.dns(server), q) : DnsClient.udp(TestServers.dns(server), q);
    assertThat(Rcode.string(m.getRcode())).isEqualTo(rcode);
    assertThat(m.getQuestion().getName().toString()).isEqualTo(name);
    assertThat(Records.lines(m, Section.ANSWER)).isEqualTo(expected(answer));
    if (upstreamQueries == 0) {
      assertThat(Records.lines(m, Section.AUTHORITY)).isEqualTo(expected(authority));
      assertThat(m.getHeader().getFlag(Flags.AA)).as("CoreDNS's local sets no AA bit").isFalse();
    }
    assertThat(localhostCount()).isEqualTo(counted);
    assertThat(upstream.queries()).isEqualTo(upstreamQueries);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "local all|Corefile:3: local: 1 arguments (expected: 0)",
        "local {\\n        fallthrough\\n    }|Corefile:4: local: unknown option 'fallthrough' (expected one of: localhost_prefix)",
        "local {\\n        localhost_prefix\\n    }|Corefile:4: localhost_prefix: 0 arguments (expected: 1)",
        "local {\\n        localhost_prefix on off\\n    }|Corefile:4: localhost_prefix: 2 arguments (expected: 1)",
        "local {\\n        localhost_prefix maybe\\n    }|Corefile:4: localhost_prefix: expected 'on' or 'off', got 'maybe'",
        "local\\n    local|Corefile:4: local: appears twice in this server block",
      })
  void refusedWithTheLine(String directive, String message) {
    assertThatThrownBy(() -> start(directive)).isInstanceOf(ConfigException.class).hasMessage(message);
  }
}
