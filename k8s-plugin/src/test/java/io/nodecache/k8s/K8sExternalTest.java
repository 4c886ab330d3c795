package io.nodecache.k8s;

import static io.nodecache.k8s.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.nodecache.config.ConfigException;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * k8s_external through a real server whose kubernetes plugin watches fabric8's mock API server (CRUD
 * mode, through a kubeconfig): external IPs, load-balancer ingress IPs, headless endpoints, SRV, PTR,
 * the apex, and each option, with the expected records as zone-file text.
 */
class K8sExternalTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir static Path dir;
  static MockApi api;
  static TestUpstream upstream;
  static final Map<String, NodeCache> servers = new HashMap<>();

  @BeforeAll
  static void cluster() throws Exception {
    upstream = TestUpstream.start("internal.demo.example.org. 30 IN A 203.0.113.1", "other.test. 30 IN A 203.0.113.2");
    api = new MockApi(0);
    api.admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("demo").endMetadata().build()).create();
    api.admin.services().resource(new ServiceBuilder().withNewMetadata().withNamespace("demo").withName("web").endMetadata()
        .withNewSpec().withClusterIP("10.96.0.10").withExternalIPs("192.0.2.10", "2001:db8::10")
        .addNewPort().withName("http").withProtocol("TCP").withPort(80).endPort()
        .addNewPort().withName("dns").withProtocol("UDP").withPort(53).endPort().endSpec().build()).create();
    api.admin.services().resource(new ServiceBuilder().withNewMetadata().withNamespace("demo").withName("lb").endMetadata()
        .withNewSpec().withType("LoadBalancer").withClusterIP("10.96.0.11")
        .addNewPort().withName("https").withProtocol("TCP").withPort(443).endPort().endSpec()
        .withNewStatus().withNewLoadBalancer().addNewIngress().withIp("198.51.100.20").endIngress().endLoadBalancer().endStatus()
        .build()).create();
    api.admin.services().resource(new ServiceBuilder().withNewMetadata().withNamespace("demo").withName("internal").endMetadata()
        .withNewSpec().withClusterIP("10.96.0.12").addNewPort().withName("http").withProtocol("TCP").withPort(80).endPort()
        .endSpec().build()).create();
    api.admin.services().resource(new ServiceBuilder().withNewMetadata().withNamespace("demo").withName("hl").endMetadata()
        .withNewSpec().withClusterIP("None").addNewPort().withName("http").withProtocol("TCP").withPort(8080).endPort()
        .endSpec().build()).create();
    api.admin.discovery().v1().endpointSlices().resource(new EndpointSliceBuilder().withNewMetadata().withNamespace("demo")
        .withName("hl-a").withLabels(Map.of(Slimmer.SERVICE_NAME_LABEL, "hl")).endMetadata().withAddressType("IPv4")
        .addNewPort().withName("http").withProtocol("TCP").withPort(8080).endPort()
        .addNewEndpoint().withHostname("hl-0").withAddresses("10.244.0.5").withNewConditions().withReady(true).endConditions().endEndpoint()
        .addNewEndpoint().withHostname("hl-1").withAddresses("10.244.0.6").withNewConditions().withReady(true).endConditions().endEndpoint()
        .build()).create();
  }

  @AfterAll
  static void stop() {
    servers.values().forEach(NodeCache::close);
    api.close();
    upstream.close();
  }

  /** One server per k8s_external line, started once and kept for the class, synced with the mock API. */
  static InetSocketAddress server(String directive) throws Exception {
    NodeCache n = servers.get(directive);
    if (n == null) {
      n = TestServers.start(corefile(directive));
      servers.put(directive, n);
      InetSocketAddress dns = TestServers.dns(n);
      await("the cluster in the view", DEADLINE,
          () -> answer(dns, "hl.demo.svc.cluster.local.", Type.A).getSection(Section.ANSWER).size() == 2
              && answer(dns, "lb.demo.svc.cluster.local.", Type.A).getSection(Section.ANSWER).size() == 1);
    }
    return TestServers.dns(n);
  }

  static String corefile(String directive) throws IOException {
    return """
        .:0 {
            bind 127.0.0.1
            kubernetes cluster.local {
                kubeconfig %s mock
            }
            %s
            forward . %s
        }
        """.formatted(api.kubeconfig(dir), directive.replace("\\n", "\n"), upstream.hostPort());
  }

  static Message answer(InetSocketAddress dns, String name, int type) {
    try {
      return DnsClient.udp(dns, DnsClient.query(name, type));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A section as sorted zone-file lines, a SOA's serial (the view's) written as 0. */
  static List<String> lines(Message m, int section) {
    return Records.lines(m, section).stream().map(l -> l.replaceAll("(SOA\\s+\\S+\\s+\\S+\\s+)\\d+", "$10")).toList();
  }

  static List<String> rrs(String joined) {
    return joined == null || joined.isEmpty() ? List.of() : Records.sorted(joined.split(";"));
  }

  static final String SOA = "example.org. 5 IN SOA ns1.dns.example.org. hostmaster.dns.example.org. 0 7200 1800 86400 5";

  @ParameterizedTest(name = "{0} | {1} {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        // directive | name | type | rcode | answer (;-separated) | authority | additional
        "k8s_external example.org|web.demo.example.org.|A|NOERROR|web.demo.example.org. 5 IN A 192.0.2.10||",
        "k8s_external example.org|WEB.Demo.example.org.|AAAA|NOERROR|WEB.Demo.example.org. 5 IN AAAA 2001:db8::10||",
        "k8s_external example.org|lb.demo.example.org.|A|NOERROR|lb.demo.example.org. 5 IN A 198.51.100.20||",
        "k8s_external example.org|_http._tcp.web.demo.example.org.|SRV|NOERROR|_http._tcp.web.demo.example.org. 5 IN SRV 0 50 80 web.demo.example.org.||web.demo.example.org. 5 IN A 192.0.2.10;web.demo.example.org. 5 IN AAAA 2001:db8::10",
        "k8s_external example.org|web.demo.example.org.|SRV|NOERROR|web.demo.example.org. 5 IN SRV 0 25 80 web.demo.example.org.;web.demo.example.org. 5 IN SRV 0 25 53 web.demo.example.org.||web.demo.example.org. 5 IN A 192.0.2.10;web.demo.example.org. 5 IN AAAA 2001:db8::10",
        "k8s_external example.org|_https._udp.lb.demo.example.org.|SRV|NXDOMAIN||SOA|",
        "k8s_external example.org|web.demo.example.org.|TXT|NOERROR||SOA|",
        "k8s_external example.org|internal.demo.example.org.|A|NXDOMAIN||SOA|",
        "k8s_external example.org|hl.demo.example.org.|A|NXDOMAIN||SOA|",
        "k8s_external example.org|nope.example.org.|A|NXDOMAIN||SOA|",
        "k8s_external example.org|demo.example.org.|A|NOERROR||SOA|",
        "k8s_external example.org|a.b.c.web.demo.example.org.|A|NXDOMAIN||SOA|",
        "k8s_external example.org|example.org.|SOA|NOERROR|SOA||",
        "k8s_external example.org|example.org.|NS|NOERROR|example.org. 5 IN NS ns1.dns.example.org.||ns1.dns.example.org. 5 IN A 127.0.0.1",
        "k8s_external example.org|example.org.|A|NOERROR||SOA|",
        "k8s_external example.org|ns1.dns.example.org.|A|NOERROR|ns1.dns.example.org. 5 IN A 127.0.0.1||",
        "k8s_external example.org|ns1.dns.example.org.|AAAA|NOERROR||SOA|",
        "k8s_external example.org|dns.example.org.|A|NOERROR||SOA|",
        "k8s_external example.org|ns2.dns.example.org.|A|NXDOMAIN||SOA|",
        "k8s_external example.org|other.test.|A|NOERROR|other.test. 30 IN A 203.0.113.2||",
        "k8s_external example.org in-addr.arpa|10.2.0.192.in-addr.arpa.|PTR|NOERROR|10.2.0.192.in-addr.arpa. 5 IN PTR web.demo.example.org.||",
        "k8s_external example.org in-addr.arpa|99.2.0.192.in-addr.arpa.|PTR|NXDOMAIN||in-addr.arpa. 5 IN SOA ns1.dns.in-addr.arpa. hostmaster.dns.in-addr.arpa. 0 7200 1800 86400 5|",
        "k8s_external example.org {\\n ttl 30\\n }|web.demo.example.org.|A|NOERROR|web.demo.example.org. 30 IN A 192.0.2.10||",
        "k8s_external example.org {\\n ttl 30\\n }|_http._tcp.web.demo.example.org.|SRV|NOERROR|_http._tcp.web.demo.example.org. 5 IN SRV 0 50 80 web.demo.example.org.||web.demo.example.org. 30 IN A 192.0.2.10;web.demo.example.org. 30 IN AAAA 2001:db8::10",
        "k8s_external example.org {\\n ttl 30\\n }|nope.example.org.|A|NXDOMAIN||example.org. 30 IN SOA ns1.dns.example.org. hostmaster.dns.example.org. 0 7200 1800 86400 30|",
        "k8s_external example.org {\\n apex ext\\n }|example.org.|NS|NOERROR|example.org. 5 IN NS ns1.ext.example.org.||ns1.ext.example.org. 5 IN A 127.0.0.1",
        "k8s_external example.org {\\n apex ext\\n }|ns1.ext.example.org.|A|NOERROR|ns1.ext.example.org. 5 IN A 127.0.0.1||",
        "k8s_external example.org {\\n apex ext\\n }|example.org.|SOA|NOERROR|example.org. 5 IN SOA ns1.ext.example.org. hostmaster.ext.example.org. 0 7200 1800 86400 5||",
        "k8s_external example.org {\\n headless\\n }|hl.demo.example.org.|A|NOERROR|hl.demo.example.org. 5 IN A 10.244.0.5;hl.demo.example.org. 5 IN A 10.244.0.6||",
        "k8s_external example.org {\\n headless\\n }|hl-1.hl.demo.example.org.|A|NOERROR|hl-1.hl.demo.example.org. 5 IN A 10.244.0.6||",
        "k8s_external example.org {\\n headless\\n }|_http._tcp.hl.demo.example.org.|SRV|NOERROR|_http._tcp.hl.demo.example.org. 5 IN SRV 0 50 8080 hl-0.hl.demo.example.org.;_http._tcp.hl.demo.example.org. 5 IN SRV 0 50 8080 hl-1.hl.demo.example.org.||hl-0.hl.demo.example.org. 5 IN A 10.244.0.5;hl-1.hl.demo.example.org. 5 IN A 10.244.0.6",
        "k8s_external example.org {\\n headless\\n }|web.demo.example.org.|A|NOERROR|web.demo.example.org. 5 IN A 192.0.2.10||",
        "k8s_external example.org {\\n fallthrough\\n }|internal.demo.example.org.|A|NOERROR|internal.demo.example.org. 30 IN A 203.0.113.1||",
        "k8s_external example.org {\\n fallthrough other.org\\n }|internal.demo.example.org.|A|NXDOMAIN||SOA|",
        "k8s_external example.org {\\n fallthrough\\n }|web.demo.example.org.|TXT|NOERROR||SOA|",
      })
  void answers(String directive, String name, String type, String rcode, String answer, String authority, String additional)
      throws Exception {
    Message m = answer(server(directive), name, Type.value(type));
    assertThat(Rcode.string(m.getRcode())).isEqualTo(rcode);
    boolean forwarded = name.equals("other.test.") || (directive.contains("fallthrough\\n") && name.startsWith("internal"));
    assertThat(m.getHeader().getFlag(Flags.AA)).as("AA").isEqualTo(!forwarded);
    assertThat(lines(m, Section.ANSWER)).as("answer").isEqualTo(rrs("SOA".equals(answer) ? SOA : answer));
    assertThat(lines(m, Section.AUTHORITY)).as("authority").isEqualTo(rrs("SOA".equals(authority) ? SOA : authority));
    assertThat(lines(m, Section.ADDITIONAL)).as("additional").isEqualTo(rrs(additional));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusedWithTheLine(String directive, String message) throws Exception {
    String corefile = directive.startsWith("ALONE ")
        ? ".:0 {\n    bind 127.0.0.1\n    " + directive.substring(6) + "\n}\n"
        : corefile(directive);
    assertThatThrownBy(() -> TestServers.start(corefile).close())
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }

  static List<String[]> refusals() {
    return List.of(
        new String[] {"ALONE k8s_external example.org",
            "Corefile:3: k8s_external: needs the kubernetes plugin in the same server block (its cluster view is the data)"},
        new String[] {"k8s_external example.org {\\n ttl 3601\\n }", "Corefile:7: ttl: ttl: 3601 (expected: 0..3600)"},
        new String[] {"k8s_external example.org {\\n ttl\\n }", "Corefile:7: ttl: 0 arguments (expected: 1)"},
        new String[] {"k8s_external example.org {\\n apex a.b\\n }", "Corefile:7: apex: 'a.b' is not one DNS label"},
        new String[] {"k8s_external example.org {\\n headless yes\\n }", "Corefile:7: headless: 1 arguments (expected: 0)"},
        new String[] {"k8s_external example.org {\\n transfer\\n }",
            "Corefile:7: k8s_external: unknown option 'transfer' (expected one of: apex, ttl, headless, fallthrough)"},
        new String[] {"k8s_external bad..zone", "Corefile:6: k8s_external: 'bad..zone' is not a zone name"});
  }
  @Test
  void theCacheInFrontNeverStoresTheExternalZoneButStoresForwardedNames() throws Exception {
    InetSocketAddress dns = server("k8s_external example.org\n    cache 30");
    for (int i = 0; i < 2; i++) {
      assertThat(lines(answer(dns, "web.demo.example.org.", Type.A), Section.ANSWER))
          .isEqualTo(rrs("web.demo.example.org. 5 IN A 192.0.2.10"));
      assertThat(answer(dns, "other.test.", Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
    }
    String scrape = servers.get("k8s_external example.org\n    cache 30").meters().scrape();
    // one hit: the second other.test.; the external zone's names are answered from the view both times
    assertThat(scrape).containsPattern("coredns_cache_hits_total\\{[^}]*type=\"success\"[^}]*\\} 1\\.0");
    assertThat(scrape).containsPattern("coredns_cache_misses_total\\{[^}]*\\} 1\\.0");
  }
}
