package io.nodecache.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/**
 * The cache where CoreDNS's plugin.cfg puts it: after loadbalance, before rewrite, template, hosts and
 * forward. What those plugins answer is stored and served again from the cache, keyed on the question
 * the client asked (before a rewrite), exactly as a second query through CoreDNS shows.
 */
class CacheChainOrderTest {

  private TestUpstream upstream;
  private NodeCache server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock = """
          hosts    | hosts {\\n 192.0.2.7 a.example.test\\n }            | a.example.test. | a.example.test. 3600 IN A 192.0.2.7 | 0
          template | template IN A example.test {\\n answer "{{ .Name }} 60 IN A 192.0.2.8"\\n } | a.example.test. | a.example.test. 60 IN A 192.0.2.8 | 0
          rewrite  | rewrite name exact a.example.test. b.example.test.   | a.example.test. | a.example.test. 60 IN A 192.0.2.9 | 1
          forward  | errors                                                | b.example.test. | b.example.test. 60 IN A 192.0.2.9 | 1
          """)
  void theSecondQueryIsACacheHit(String plugin, String directive, String name, String answer, int upstreamQueries)
      throws Exception {
    upstream = TestUpstream.start("b.example.test. 60 IN A 192.0.2.9");
    server = TestServers.start("""
        .:0 {
            bind 127.0.0.1
            %s
            cache 3600
            forward . %s
        }
        """.formatted(directive.replace("\\n", "\n"), upstream.hostPort()));
    for (int round = 0; round < 2; round++) {
      Message m = DnsClient.udp(TestServers.dns(server), DnsClient.query(name, Type.A));
      List<String> records = Records.answers(m);
      assertThat(records).as(plugin + " round " + round).hasSize(1);
      // the hit's TTL may have ticked down by a second: compare the rest
      assertThat(records.get(0).replaceFirst(" \\d+ IN ", " IN ")).isEqualTo(answer.replaceFirst(" \\d+ IN ", " IN "));
    }
    assertThat(upstream.queries()).as("queries that reached the upstream").isEqualTo(upstreamQueries);
    assertThat(count(server.meters().scrape(), "coredns_cache_hits_total", "success")).as("cache hits").isEqualTo(1);
    assertThat(count(server.meters().scrape(), "coredns_cache_misses_total", null)).as("cache misses").isEqualTo(1);
  }

  private static double count(String scrape, String metric, String type) {
    Matcher m = Pattern.compile("(?m)^" + metric + "\\{([^}]*)\\} (\\S+)$").matcher(scrape);
    double sum = 0;
    while (m.find()) {
      if (type == null || m.group(1).contains("type=\"" + type + "\"")) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }
}
