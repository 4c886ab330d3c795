package io.nodecache.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/**
 * Metric names and labels are a contract with existing CoreDNS and node-local-dns dashboards: the
 * scrape must carry CoreDNS's names with CoreDNS's label sets.
 */
class MetricsContractTest {

  /** Name → the exact label set CoreDNS uses (reference §2.7; node-cache's setup errors). */
  static final List<String[]> CONTRACT =
      List.of(
          new String[] {"coredns_build_info", "goversion,revision,version"},
          new String[] {"coredns_panics_total", ""},
          new String[] {"coredns_dns_requests_total", "family,proto,server,type,view,zone"},
          new String[] {"coredns_dns_responses_total", "plugin,rcode,server,view,zone"},
          new String[] {"coredns_dns_request_duration_seconds_bucket", "le,server,type,view,zone"},
          new String[] {"coredns_dns_request_duration_seconds_count", "server,type,view,zone"},
          new String[] {"coredns_plugin_enabled", "name,server,view,zone"},
          new String[] {"coredns_reload_failed_total", ""},
          new String[] {"coredns_reload_version_info", "hash,value"},
          new String[] {"coredns_nodecache_setup_errors_total", "errortype"});

  /** The cache and forward plugins' names, as CoreDNS's dashboards query them (reference §2.2, §2.3). */
  static final List<String[]> PLUGIN_CONTRACT =
      List.of(
          new String[] {"coredns_cache_entries", "server,type,view,zones"},
          new String[] {"coredns_cache_hits_total", "server,type,view,zones"},
          new String[] {"coredns_cache_misses_total", "server,view,zones"},
          new String[] {"coredns_cache_requests_total", "server,view,zones"},
          new String[] {"coredns_forward_requests_total", "to"},
          new String[] {"coredns_forward_responses_total", "rcode,to"},
          new String[] {"coredns_forward_request_duration_seconds_count", "rcode,to"},
          new String[] {"coredns_proxy_request_duration_seconds_count", "proxy_name,rcode,to"},
          new String[] {"coredns_forward_healthcheck_broken_total", ""},
          new String[] {"coredns_forward_max_concurrent_rejects_total", ""});

  @Test
  void cacheAndForwardMetersCarryCoreDnsNamesAndLabels() throws Exception {
    try (TestUpstream upstream =
            TestUpstream.start("www.example.com. 60 IN A 192.0.2.1");
        NodeCache server =
            TestServers.start(
                """
                .:0 {
                    bind 127.0.0.1
                    cache 30
                    forward . 127.0.0.1:%d {
                        force_tcp
                    }
                    prometheus 127.0.0.1:0
                }
                """.formatted(upstream.address().getPort()))) {
      InetSocketAddress dns = TestServers.dns(server);
      for (int i = 0; i < 3; i++) {
        DnsClient.udp(dns, DnsClient.query("www.example.com.", Type.A));
      }
      String body = get(server.httpAddress("prometheus"), "/metrics").body();
      for (String[] c : PLUGIN_CONTRACT) {
        assertThat(labelSets(body, c[0])).as(c[0]).isNotEmpty().allMatch(set -> set.equals(c[1]));
      }
      assertThat(body).containsPattern("coredns_cache_hits_total\\{[^}]*type=\"success\"[^}]*\\} 2");
      assertThat(body).contains("coredns_dns_responses_total{plugin=\"cache\",rcode=\"NOERROR\"");
    }
  }

  static HttpResponse<String> get(InetSocketAddress a, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theScrapeCarriesCoreDnsNamesAndLabels() throws Exception {
    try (NodeCache server =
        TestServers.start(
            """
            .:0 {
                bind 127.0.0.1
                errors
                hosts {
                    10.0.0.1 www.example.test
                }
                prometheus 127.0.0.1:0
                health 127.0.0.1:0
                ready 127.0.0.1:0
            }
            """)) {
      InetSocketAddress dns = TestServers.dns(server);
      DnsClient.udp(dns, DnsClient.query("www.example.test.", Type.A));
      DnsClient.tcp(dns, DnsClient.query("www.example.test.", Type.AAAA));
      HttpResponse<String> scrape = get(server.httpAddress("prometheus"), "/metrics");
      assertThat(scrape.statusCode()).isEqualTo(200);
      String body = scrape.body();
      for (String[] c : CONTRACT) {
        assertThat(labelSets(body, c[0])).as(c[0]).isNotEmpty().allMatch(s -> s.equals(c[1]));
      }
      assertThat(body)
          .contains("coredns_dns_requests_total{family=\"1\",proto=\"udp\",server=\"dns://127.0.0.1:0\",type=\"A\",view=\"\",zone=\".\"} 1.0")
          .contains("proto=\"tcp\"")
          .contains("coredns_dns_responses_total{plugin=\"hosts\",rcode=\"NOERROR\"")
          .contains("coredns_nodecache_setup_errors_total{errortype=\"iptables_lock\"} 0.0")
          .contains("jvm_memory_used_bytes");
      assertThat(get(server.httpAddress("health"), "/health").body()).isEqualTo("OK");
      assertThat(get(server.httpAddress("ready"), "/ready").statusCode()).isEqualTo(200);
    }
  }

  /** The label-name sets a metric appears with in the text format, each as "a,b,c". */
  static Set<String> labelSets(String body, String name) {
    Set<String> out = new TreeSet<>();
    Pattern p = Pattern.compile("^" + Pattern.quote(name) + "(\\{([^}]*)\\})? ", Pattern.MULTILINE);
    Matcher m = p.matcher(body);
    while (m.find()) {
      String labels = m.group(2) == null ? "" : m.group(2);
      out.add(String.join(",", Arrays.stream(labels.isEmpty() ? new String[0] : labels.split(",(?=[a-z_]+=)"))
          .map(l -> l.substring(0, l.indexOf('='))).sorted().toList()));
    }
    return out;
  }
}
