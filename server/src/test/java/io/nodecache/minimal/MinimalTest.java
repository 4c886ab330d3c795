package io.nodecache.minimal;

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
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** minimal through a real server: which answers lose their authority and additional sections. */
class MinimalTest {

  private static final String NS = "example.org. 60 IN NS ns.example.org.";
  private static final String GLUE = "ns.example.org. 60 IN A 192.0.2.53";
  private static final String SOA = "example.org. 60 IN SOA ns.example.org. admin.example.org. 1 60 60 60 60";

  private TestUpstream upstream;
  private NodeCache server;

  @BeforeEach
  void upstream() throws Exception {
    upstream =
        TestUpstream.start(
            q -> {
              Message a = Records.reply(q);
              String name = q.getQuestion().getName().toString();
              switch (name) {
                case "www.example.org." -> {
                  a.addRecord(Records.rr("www.example.org. 60 IN A 192.0.2.1"), Section.ANSWER);
                  a.addRecord(Records.rr(NS), Section.AUTHORITY);
                  a.addRecord(Records.rr(GLUE), Section.ADDITIONAL);
                }
                case "nx.example.org." -> {
                  a.getHeader().setRcode(Rcode.NXDOMAIN);
                  a.addRecord(Records.rr(SOA), Section.AUTHORITY);
                }
                case "nodata.example.org." -> a.addRecord(Records.rr(SOA), Section.AUTHORITY);
                case "sub.example.org." -> {
                  a.addRecord(Records.rr("sub.example.org. 60 IN NS ns.example.org."), Section.AUTHORITY);
                  a.addRecord(Records.rr(GLUE), Section.ADDITIONAL);
                }
                case "bare.example.org." -> a.addRecord(Records.rr(GLUE), Section.ADDITIONAL);
                case "refused.example.org." -> {
                  a.getHeader().setRcode(Rcode.REFUSED);
                  a.addRecord(Records.rr(NS), Section.AUTHORITY);
                }
                default -> a.getHeader().setRcode(Rcode.SERVFAIL);
              }
              return a;
            });
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    upstream.close();
  }

  /**
   * Each case asks three times with EDNS (DO as given), through a cache: the first answer comes from
   * the decoded path, the next two from the cache's fast path (the decoded one when DO is set).
   */
  @ParameterizedTest(name = "[{0}] {1} do={2}")
  @CsvSource({
    "minimal, www.example.org., false, NOERROR, 1, 0, 0",
    "minimal, www.example.org., true, NOERROR, 1, 0, 0",
    "minimal, bare.example.org., false, NOERROR, 0, 0, 0",
    "minimal, nx.example.org., false, NXDOMAIN, 0, 1, 0",
    "minimal, nodata.example.org., false, NOERROR, 0, 1, 0",
    "minimal, nodata.example.org., true, NOERROR, 0, 1, 0",
    "minimal, sub.example.org., false, NOERROR, 0, 1, 1",
    "minimal, refused.example.org., false, REFUSED, 0, 1, 0",
    "'', www.example.org., false, NOERROR, 1, 1, 1",
    "'', bare.example.org., false, NOERROR, 0, 0, 1",
  })
  void strips(String directive, String name, boolean dnssecOk, String rcode, int answer, int authority, int additional)
      throws Exception {
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
    for (int i = 0; i < 3; i++) {
      Message m = DnsClient.udp(TestServers.dns(server), DnsClient.withEdns(DnsClient.query(name, Type.A), 1232, dnssecOk));
      assertThat(Rcode.string(m.getRcode())).isEqualTo(rcode);
      assertThat(m.getSection(Section.ANSWER)).as("answer %d", i).hasSize(answer);
      assertThat(m.getSection(Section.AUTHORITY)).as("authority %d", i).hasSize(authority);
      List<String> extra = m.getSection(Section.ADDITIONAL).stream().filter(r -> r.getType() != Type.OPT).map(Object::toString).toList();
      assertThat(extra).as("additional %d", i).hasSize(additional);
      assertThat(m.getOPT()).as("OPT kept %d", i).isNotNull();
      if (answer == 1) {
        assertThat(Records.answers(m)).containsExactly("www.example.org. " + m.getSection(Section.ANSWER).get(0).getTTL() + " IN A 192.0.2.1");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "minimal yes|Corefile:3: minimal: 1 arguments (expected: 0)",
        "minimal {\\n        all\\n    }|Corefile:3: minimal: takes no block, found 'all'",
        "minimal\\n    minimal|Corefile:4: minimal: appears twice in this server block",
      })
  void refusedWithTheLine(String directive, String message) {
    assertThatThrownBy(() -> TestServers.start(".:0 {\n    bind 127.0.0.1\n    %s\n}\n".formatted(directive.replace("\\n", "\n"))))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }
}
