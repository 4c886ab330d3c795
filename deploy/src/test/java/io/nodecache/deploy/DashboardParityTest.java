package io.nodecache.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.Scrape;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Dashboard parity: every metric our Grafana dashboard ({@code deploy/grafana/nodecache.json}) queries,
 * and every metric the coredns-mixin and node-local-dns (grafana.com 11759) dashboards query (listed
 * with their sources in {@code dashboard-metrics.txt}), is in a {@code /metrics} scrape of a real
 * server after real traffic: UDP and TCP, DO-bit queries, hosts answers, cache misses forwarded to an
 * upstream and cache hits (positive and negative).
 */
class DashboardParityTest {

  static final String DASHBOARD = "deploy/grafana/nodecache.json";

  private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern BRACES = Pattern.compile("\\{[^}]*\\}");
  private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*\\]");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern IDENT = Pattern.compile("(?<![\\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)\\b(?!\\s*\\()");
  private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)");
  private static final Set<String> KEYWORDS =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset");

  /** The metric names a PromQL expression selects: every identifier that is not a function, keyword or label. */
  static Set<String> metricNames(String promql) {
    Set<String> names = new TreeSet<>();
    Matcher lv = LABEL_VALUES.matcher(promql);
    if (lv.find()) {
      names.add(lv.group(1)); // a Grafana variable query: the metric is the first argument
      return names;
    }
    String s = QUOTED.matcher(promql).replaceAll(" ");
    s = BRACES.matcher(s).replaceAll(" ");
    s = RANGE.matcher(s).replaceAll(" ");
    s = GROUPING.matcher(s).replaceAll(" ");
    Matcher m = IDENT.matcher(s);
    while (m.find()) {
      if (!KEYWORDS.contains(m.group(1))) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "sum by (proto) (rate(coredns_dns_requests_total{instance=~\"$instance\"}[$__rate_interval]))|coredns_dns_requests_total",
        "histogram_quantile(0.99, sum by (le, to) (rate(coredns_proxy_request_duration_seconds_bucket{a=\"b\"}[5m])))|coredns_proxy_request_duration_seconds_bucket",
        "sum(coredns_cache_hits_total{x=\"1\"}) / (sum(coredns_cache_misses_total) + sum(coredns_cache_hits_total))|coredns_cache_hits_total,coredns_cache_misses_total",
        "time() - process_start_time_seconds{instance=~\"$instance\"}|process_start_time_seconds",
        "count(sum(coredns_plugin_enabled{job=\"kube-dns\"}) by (name))|coredns_plugin_enabled",
        "rate(process_cpu_seconds_total[5m]) > bool 0 and on (instance) up|process_cpu_seconds_total,up",
        "label_values(coredns_build_info, instance)|coredns_build_info",
      })
  void extractsTheMetricNamesOfAnExpression(String promql, String expected) {
    assertThat(metricNames(promql)).containsExactlyInAnyOrder(expected.split(","));
  }

  @Test
  void everyDashboardMetricIsInAScrapeAfterRealTraffic() throws Exception {
    Map<String, Set<String>> wanted = new LinkedHashMap<>();
    wanted.put(DASHBOARD, ours());
    Reference ref = reference();
    wanted.putAll(ref.names());
    assertThat(wanted.get(DASHBOARD)).as("our dashboard's queries").hasSizeGreaterThan(25);

    Scrape scrape = scrapeAfterTraffic();
    Set<String> present = scrape.names();
    for (Map.Entry<String, Set<String>> e : wanted.entrySet()) {
      List<String> missing = new ArrayList<>();
      for (String name : e.getValue()) {
        if (!present.contains(name) && !present.contains(name + "_bucket")) {
          missing.add(name);
        }
      }
      assertThat(missing).as("metrics of " + e.getKey() + " missing from the scrape").isEmpty();
    }
    // What the reference dashboards query but we leave out must stay out of ours, with its reason.
    assertThat(ref.notExported()).containsOnlyKeys("up", "go_goroutines");
    assertThat(wanted.get(DASHBOARD)).doesNotContainAnyElementsOf(ref.notExported().keySet());
  }

  @Test
  void ourDashboardIsImportableGrafanaJson() throws Exception {
    JsonNode d = new ObjectMapper().readTree(Install.read(DASHBOARD));
    assertThat(d.path("uid").asText()).isEqualTo("nodecache-overview");
    Set<Integer> ids = new TreeSet<>();
    for (JsonNode p : d.path("panels")) {
      assertThat(ids.add(p.path("id").asInt())).as("panel ids are unique").isTrue();
      for (JsonNode t : p.path("targets")) {
        assertThat(t.path("expr").asText()).as(p.path("title").asText()).isNotBlank();
        assertThat(t.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
      }
    }
    assertThat(d.path("templating").path("list").findValuesAsText("name")).contains("datasource", "instance");
  }

  /** The metric names of every target and variable query of our dashboard. */
  static Set<String> ours() throws IOException {
    JsonNode d = new ObjectMapper().readTree(Install.read(DASHBOARD));
    Set<String> names = new TreeSet<>();
    for (JsonNode expr : d.findValues("expr")) {
      names.addAll(metricNames(expr.asText()));
    }
    for (JsonNode v : d.path("templating").path("list")) {
      if (v.has("definition")) {
        names.addAll(metricNames(v.path("definition").asText()));
      }
    }
    return names;
  }

  /** The reference lists: names by dashboard, and the names left out with their reasons. */
  record Reference(Map<String, Set<String>> names, Map<String, String> notExported) {}

  static Reference reference() throws IOException {
    Map<String, Set<String>> names = new LinkedHashMap<>();
    Map<String, String> out = new LinkedHashMap<>();
    String section = null;
    try (InputStream in = DashboardParityTest.class.getResourceAsStream("dashboard-metrics.txt")) {
      assertThat(in).as("dashboard-metrics.txt").isNotNull();
      for (String raw : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String line = raw.strip();
        if (line.isEmpty() || line.startsWith("#") || line.startsWith("source:") || line.startsWith("note:")) {
          continue;
        }
        if (line.startsWith("[")) {
          section = line.substring(1, line.length() - 1);
          names.put(section, new TreeSet<>());
        } else if (line.startsWith("- ")) {
          String[] f = line.substring(2).split("\\s+", 2);
          out.put(f[0], f[1]);
        } else {
          assertThat(section).as("a name before any section").isNotNull();
          names.get(section).add(line);
        }
      }
    }
    assertThat(names).containsOnlyKeys("coredns-mixin", "grafana-11759");
    return new Reference(names, out);
  }

  /** A server with hosts, cache and forward, queried the ways the dashboards plot, then scraped. */
  private static Scrape scrapeAfterTraffic() throws Exception {
    UnaryOperator<Message> records = Records.responder("fwd.example.com. 60 IN A 192.0.2.1");
    Record soa = Records.rr("example.com. 60 IN SOA ns.example.com. host.example.com. 1 60 60 60 60");
    UnaryOperator<Message> withSoa =
        q -> {
          Message a = records.apply(q);
          if (a.getRcode() == Rcode.NXDOMAIN) {
            a.addRecord(soa, Section.AUTHORITY); // so that the denial is cached
          }
          return a;
        };
    try (TestUpstream upstream = TestUpstream.start(withSoa);
        NodeCache server =
            TestServers.start(
                """
                .:0 {
                    bind 127.0.0.1
                    errors
                    hosts {
                        10.0.0.1 www.example.test
                        fallthrough
                    }
                    cache 30
                    forward . %s
                    prometheus 127.0.0.1:0
                    health 127.0.0.1:0
                    ready 127.0.0.1:0
                }
                """
                    .formatted(upstream.hostPort()))) {
      InetSocketAddress dns = TestServers.dns(server);
      expect(DnsClient.udp(dns, DnsClient.query("www.example.test.", Type.A)), Rcode.NOERROR, 1);
      expect(DnsClient.tcp(dns, DnsClient.query("www.example.test.", Type.A)), Rcode.NOERROR, 1);
      for (int i = 0; i < 2; i++) { // a miss forwarded, then a hit; over UDP with DO, then over TCP
        expect(DnsClient.udp(dns, DnsClient.withEdns(DnsClient.query("fwd.example.com.", Type.A), 1232, true)), Rcode.NOERROR, 1);
        expect(DnsClient.tcp(dns, DnsClient.query("fwd.example.com.", Type.A)), Rcode.NOERROR, 1);
        expect(DnsClient.udp(dns, DnsClient.query("nothing.example.com.", Type.A)), Rcode.NXDOMAIN, 0);
      }
      Scrape s = Scrape.of(server.httpAddress("prometheus"));
      // the hosts answer over TCP and the two second rounds (the cache runs in front of hosts, as CoreDNS)
      assertThat(s.sum("coredns_cache_hits_total", "type", "success")).as("positive hits").isEqualTo(3);
      assertThat(s.sum("coredns_cache_hits_total", "type", "denial")).as("negative hits").isEqualTo(1);
      assertThat(s.sum("coredns_forward_requests_total")).as("forwarded").isEqualTo(3);
      return s;
    }
  }

  private static void expect(Message m, int rcode, int answers) {
    assertThat(m.getRcode()).isEqualTo(rcode);
    assertThat(m.getSection(Section.ANSWER)).hasSize(answers);
  }
}
