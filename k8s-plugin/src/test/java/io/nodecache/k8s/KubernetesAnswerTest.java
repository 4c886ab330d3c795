package io.nodecache.k8s;

import static io.nodecache.k8s.Fixtures.query;
import static io.nodecache.k8s.Fixtures.records;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Every answer row of the Kubernetes DNS specification 1.1.0 (and CoreDNS where it is silent) on the
 * cluster of {@code test-cluster.yaml}, with {@code ttl 5} and {@code pods insecure}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubernetesAnswerTest {

  static final String SOA =
      "cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1700000000 7200 1800 86400 5";
  static final String A63 = "a".repeat(63);
  static final String H63 = "h".repeat(63);

  /** One query and its expected answer; negative answers must carry {@code soa} in authority. */
  record Case(String name, String qtype, String rcode, List<String> answer, List<String> additional) {
    static Case of(String name, String qtype, String rcode, String... answer) {
      return new Case(name, qtype, rcode, List.of(answer), List.of());
    }

    Case plus(String... extra) {
      return new Case(name, qtype, rcode, answer, List.of(extra));
    }

    @Override
    public String toString() {
      return name + " " + qtype + " → " + rcode;
    }
  }

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private KubernetesPlugin plugin;

  @BeforeAll
  void start() throws Exception {
    plugin = Fixtures.fromTestCluster("ttl 5\n pods insecure", scheduler);
  }

  @AfterAll
  void stop() {
    plugin.stop();
    scheduler.shutdownNow();
  }

  static Stream<Case> cases() {
    String z = ".cluster.local.";
    return Stream.of(
        // spec §2.2 schema version
        Case.of("dns-version" + z, "TXT", "NOERROR", "dns-version.cluster.local. 28800 IN TXT \"1.1.0\""),
        Case.of("dns-version" + z, "A", "NOERROR"),
        // apex: SOA, NS with the address the query came in on (169.254.20.10) as glue, NODATA otherwise
        Case.of("cluster.local.", "SOA", "NOERROR", SOA),
        Case.of("cluster.local.", "NS", "NOERROR", "cluster.local. 5 IN NS ns.dns.cluster.local.")
            .plus("ns.dns.cluster.local. 5 IN A 169.254.20.10"),
        Case.of("cluster.local.", "A", "NOERROR"),
        Case.of("ns.dns" + z, "A", "NOERROR", "ns.dns.cluster.local. 5 IN A 169.254.20.10"),
        Case.of("ns.dns" + z, "AAAA", "NOERROR"),
        // §2.3.1 ClusterIP A/AAAA, dual-stack, case-insensitive
        Case.of("kubernetes.default.svc" + z, "A", "NOERROR", "kubernetes.default.svc.cluster.local. 5 IN A 10.96.0.1"),
        Case.of("KUBERNETES.Default.Svc.Cluster.Local.", "A", "NOERROR", "kubernetes.default.svc.cluster.local. 5 IN A 10.96.0.1"),
        Case.of("kubernetes.default.svc" + z, "AAAA", "NOERROR"),
        Case.of("kubernetes.default.svc" + z, "TXT", "NOERROR"),
        Case.of("api.demo.svc" + z, "A", "NOERROR", "api.demo.svc.cluster.local. 5 IN A 10.96.100.20"),
        Case.of("api.demo.svc" + z, "AAAA", "NOERROR", "api.demo.svc.cluster.local. 5 IN AAAA fd00:10:96::64:14"),
        Case.of("empty.demo.svc" + z, "A", "NOERROR", "empty.demo.svc.cluster.local. 5 IN A 10.96.100.30"),
        // §2.3.2 ClusterIP SRV for named ports, address in additional
        Case.of("_https._tcp.kubernetes.default.svc" + z, "SRV", "NOERROR",
                "_https._tcp.kubernetes.default.svc.cluster.local. 5 IN SRV 0 100 443 kubernetes.default.svc.cluster.local.")
            .plus("kubernetes.default.svc.cluster.local. 5 IN A 10.96.0.1"),
        Case.of("_dns._udp.kube-dns.kube-system.svc" + z, "SRV", "NOERROR",
                "_dns._udp.kube-dns.kube-system.svc.cluster.local. 5 IN SRV 0 100 53 kube-dns.kube-system.svc.cluster.local.")
            .plus("kube-dns.kube-system.svc.cluster.local. 5 IN A 10.96.0.10"),
        Case.of("_dns-tcp._tcp.kube-dns.kube-system.svc" + z, "SRV", "NOERROR",
                "_dns-tcp._tcp.kube-dns.kube-system.svc.cluster.local. 5 IN SRV 0 100 53 kube-dns.kube-system.svc.cluster.local.")
            .plus("kube-dns.kube-system.svc.cluster.local. 5 IN A 10.96.0.10"),
        Case.of("_dns._tcp.kube-dns.kube-system.svc" + z, "SRV", "NXDOMAIN"),
        Case.of("_http._tcp.api.demo.svc" + z, "SRV", "NOERROR",
                "_http._tcp.api.demo.svc.cluster.local. 5 IN SRV 0 100 8080 api.demo.svc.cluster.local.")
            .plus("api.demo.svc.cluster.local. 5 IN A 10.96.100.20", "api.demo.svc.cluster.local. 5 IN AAAA fd00:10:96::64:14"),
        Case.of("_https._tcp.kubernetes.default.svc" + z, "A", "NOERROR"),
        Case.of("kubernetes.default.svc" + z, "SRV", "NOERROR",
                "kubernetes.default.svc.cluster.local. 5 IN SRV 0 100 443 kubernetes.default.svc.cluster.local.")
            .plus("kubernetes.default.svc.cluster.local. 5 IN A 10.96.0.1"),
        // §2.4.1 headless: ready endpoints of both slices; not-ready left out; none ready → NXDOMAIN
        Case.of("web.demo.svc" + z, "A", "NOERROR",
            "web.demo.svc.cluster.local. 5 IN A 10.244.1.10",
            "web.demo.svc.cluster.local. 5 IN A 10.244.1.11",
            "web.demo.svc.cluster.local. 5 IN A 10.244.1.12"),
        Case.of("web.demo.svc" + z, "AAAA", "NOERROR"),
        Case.of("web6.demo.svc" + z, "AAAA", "NOERROR", "web6.demo.svc.cluster.local. 5 IN AAAA fd00:10:244:1::a"),
        Case.of("nothing-ready.demo.svc" + z, "A", "NXDOMAIN"),
        Case.of("pnr.demo.svc" + z, "A", "NOERROR", "pnr.demo.svc.cluster.local. 5 IN A 10.244.3.2"),
        // §2.4.1 hostname records
        Case.of("web-0.web.demo.svc" + z, "A", "NOERROR", "web-0.web.demo.svc.cluster.local. 5 IN A 10.244.1.10"),
        Case.of("web-2.web.demo.svc" + z, "A", "NOERROR", "web-2.web.demo.svc.cluster.local. 5 IN A 10.244.1.12"),
        Case.of("web-3.web.demo.svc" + z, "A", "NXDOMAIN"),
        Case.of("web-0.web.demo.svc" + z, "AAAA", "NOERROR"),
        Case.of("fd00-10-244-1--a.web6.demo.svc" + z, "AAAA", "NOERROR",
            "fd00-10-244-1--a.web6.demo.svc.cluster.local. 5 IN AAAA fd00:10:244:1::a"),
        Case.of("10-244-2-20.api.demo.svc" + z, "A", "NOERROR", "10-244-2-20.api.demo.svc.cluster.local. 5 IN A 10.244.2.20"),
        // §2.4.2 headless SRV: endpoint × port, weight floor(100/N), glue in additional
        Case.of("_http._tcp.web.demo.svc" + z, "SRV", "NOERROR",
                "_http._tcp.web.demo.svc.cluster.local. 5 IN SRV 0 33 8080 web-0.web.demo.svc.cluster.local.",
                "_http._tcp.web.demo.svc.cluster.local. 5 IN SRV 0 33 8080 web-1.web.demo.svc.cluster.local.",
                "_http._tcp.web.demo.svc.cluster.local. 5 IN SRV 0 33 8080 web-2.web.demo.svc.cluster.local.")
            .plus("web-0.web.demo.svc.cluster.local. 5 IN A 10.244.1.10",
                "web-1.web.demo.svc.cluster.local. 5 IN A 10.244.1.11",
                "web-2.web.demo.svc.cluster.local. 5 IN A 10.244.1.12"),
        Case.of("_grpc._udp.web.demo.svc" + z, "SRV", "NXDOMAIN"),
        // no record twice (RFC 2181 §5): one SRV a (target, port), as CoreDNS; every address as glue
        Case.of("kube-dns.kube-system.svc" + z, "SRV", "NOERROR",
                "kube-dns.kube-system.svc.cluster.local. 5 IN SRV 0 50 53 kube-dns.kube-system.svc.cluster.local.",
                "kube-dns.kube-system.svc.cluster.local. 5 IN SRV 0 50 9153 kube-dns.kube-system.svc.cluster.local.")
            .plus("kube-dns.kube-system.svc.cluster.local. 5 IN A 10.96.0.10"),
        Case.of("_http._tcp.ds.demo.svc" + z, "SRV", "NOERROR",
                "_http._tcp.ds.demo.svc.cluster.local. 5 IN SRV 0 50 8080 ds-0.ds.demo.svc.cluster.local.",
                "_http._tcp.ds.demo.svc.cluster.local. 5 IN SRV 0 50 8080 ds-1.ds.demo.svc.cluster.local.")
            .plus("ds-0.ds.demo.svc.cluster.local. 5 IN A 10.244.5.10",
                "ds-0.ds.demo.svc.cluster.local. 5 IN AAAA fd00:10:244:5::a",
                "ds-1.ds.demo.svc.cluster.local. 5 IN A 10.244.5.11",
                "ds-1.ds.demo.svc.cluster.local. 5 IN AAAA fd00:10:244:5::b"),
        Case.of("ds.demo.svc" + z, "A", "NOERROR",
            "ds.demo.svc.cluster.local. 5 IN A 10.244.5.10", "ds.demo.svc.cluster.local. 5 IN A 10.244.5.11"),
        Case.of("ds.demo.svc" + z, "AAAA", "NOERROR",
            "ds.demo.svc.cluster.local. 5 IN AAAA fd00:10:244:5::a", "ds.demo.svc.cluster.local. 5 IN AAAA fd00:10:244:5::b"),
        Case.of("ds-0.ds.demo.svc" + z, "AAAA", "NOERROR", "ds-0.ds.demo.svc.cluster.local. 5 IN AAAA fd00:10:244:5::a"),
        Case.of("_http._tcp.dup.demo.svc" + z, "SRV", "NOERROR",
                "_http._tcp.dup.demo.svc.cluster.local. 5 IN SRV 0 100 80 dup-0.dup.demo.svc.cluster.local.")
            .plus("dup-0.dup.demo.svc.cluster.local. 5 IN A 10.244.6.10", "dup-0.dup.demo.svc.cluster.local. 5 IN A 10.244.6.11"),
        Case.of("dup-0.dup.demo.svc" + z, "A", "NOERROR",
            "dup-0.dup.demo.svc.cluster.local. 5 IN A 10.244.6.10", "dup-0.dup.demo.svc.cluster.local. 5 IN A 10.244.6.11"),
        Case.of("10.6.244.10.in-addr.arpa.", "PTR", "NOERROR", "10.6.244.10.in-addr.arpa. 5 IN PTR dup-0.dup.demo.svc.cluster.local."),
        Case.of("loop-a.demo.svc" + z, "A", "NOERROR",
            "loop-a.demo.svc.cluster.local. 5 IN CNAME loop-b.demo.svc.cluster.local.",
            "loop-b.demo.svc.cluster.local. 5 IN CNAME loop-a.demo.svc.cluster.local."),
        // §2.3.3 / §2.4.3 PTR, IPv4 and IPv6 nibbles
        Case.of("1.0.96.10.in-addr.arpa.", "PTR", "NOERROR", "1.0.96.10.in-addr.arpa. 5 IN PTR kubernetes.default.svc.cluster.local."),
        Case.of("10.1.244.10.in-addr.arpa.", "PTR", "NOERROR", "10.1.244.10.in-addr.arpa. 5 IN PTR web-0.web.demo.svc.cluster.local."),
        Case.of("4.1.0.0.4.6.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa.", "PTR", "NOERROR",
            "4.1.0.0.4.6.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa. 5 IN PTR api.demo.svc.cluster.local."),
        Case.of("a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.4.4.2.0.0.1.0.0.0.0.d.f.ip6.arpa.", "PTR", "NOERROR",
            "a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.4.4.2.0.0.1.0.0.0.0.d.f.ip6.arpa. 5 IN PTR fd00-10-244-1--a.web6.demo.svc.cluster.local."),
        Case.of("13.1.244.10.in-addr.arpa.", "PTR", "NXDOMAIN"),
        Case.of("99.99.99.10.in-addr.arpa.", "PTR", "NXDOMAIN"),
        Case.of("96.10.in-addr.arpa.", "PTR", "NXDOMAIN"),
        Case.of("1.0.96.10.in-addr.arpa.", "A", "NOERROR"),
        // §2.5 ExternalName: CNAME alone outside the zone, chased inside it
        Case.of("search.demo.svc" + z, "A", "NOERROR", "search.demo.svc.cluster.local. 5 IN CNAME search.example.com."),
        Case.of("search.demo.svc" + z, "AAAA", "NOERROR", "search.demo.svc.cluster.local. 5 IN CNAME search.example.com."),
        Case.of("alias.demo.svc" + z, "A", "NOERROR",
            "alias.demo.svc.cluster.local. 5 IN CNAME api.demo.svc.cluster.local.",
            "api.demo.svc.cluster.local. 5 IN A 10.96.100.20"),
        Case.of("_http._tcp.search.demo.svc" + z, "SRV", "NXDOMAIN"),
        // pod records, pods insecure
        Case.of("10-244-1-10.demo.pod" + z, "A", "NOERROR", "10-244-1-10.demo.pod.cluster.local. 5 IN A 10.244.1.10"),
        Case.of("fd00--1.demo.pod" + z, "AAAA", "NOERROR", "fd00--1.demo.pod.cluster.local. 5 IN AAAA fd00::1"),
        Case.of("10-244-1-10.demo.pod" + z, "AAAA", "NOERROR"),
        Case.of("10-244-1-10.nosuchns.pod" + z, "A", "NXDOMAIN"),
        Case.of("not-an-ip.demo.pod" + z, "A", "NXDOMAIN"),
        Case.of("x.10-244-1-10.demo.pod" + z, "A", "NXDOMAIN"),
        // long names: 63-character labels
        Case.of(A63 + ".long.svc" + z, "A", "NOERROR", A63 + ".long.svc.cluster.local. 5 IN A 10.96.200.1"),
        Case.of(H63 + ".stateful.long.svc" + z, "A", "NOERROR", H63 + ".stateful.long.svc.cluster.local. 5 IN A 10.244.4.1"),
        // NXDOMAIN versus NODATA
        Case.of("nosuch.default.svc" + z, "A", "NXDOMAIN"),
        Case.of("default.svc" + z, "A", "NOERROR"),
        Case.of("empty.svc" + z, "A", "NOERROR"),
        Case.of("nosuchns.svc" + z, "A", "NXDOMAIN"),
        Case.of("kubernetes.nosuchns.svc" + z, "A", "NXDOMAIN"),
        Case.of("svc" + z, "A", "NOERROR"),
        Case.of("pod" + z, "A", "NOERROR"),
        Case.of("foo" + z, "A", "NXDOMAIN"),
        Case.of("google.com.default.svc" + z, "A", "NXDOMAIN"),
        Case.of("x.kubernetes.default.svc" + z, "A", "NXDOMAIN"),
        Case.of("a.b.c.d.e.f.svc" + z, "A", "NXDOMAIN"),
        Case.of("kubernetes.default.foo" + z, "A", "NXDOMAIN"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void answers(Case c) {
    Message m = query(plugin, c.name(), Type.value(c.qtype()));
    assertThat(Rcode.string(m.getRcode())).isEqualTo(c.rcode());
    assertThat(m.getHeader().getFlag(Flags.AA)).as("AA").isTrue();
    assertThat(m.getHeader().getFlag(Flags.QR)).as("QR").isTrue();
    assertThat(m.getSection(Section.ANSWER)).containsExactlyInAnyOrderElementsOf(records(c.answer()));
    assertThat(m.getSection(Section.ADDITIONAL)).containsExactlyInAnyOrderElementsOf(records(c.additional()));
    List<Record> expectedTtls = records(c.answer());
    for (int i = 0; i < expectedTtls.size(); i++) {
      Record expected = expectedTtls.get(i);
      assertThat(m.getSection(Section.ANSWER))
          .filteredOn(r -> r.equals(expected))
          .allSatisfy(r -> assertThat(r.getTTL()).as("TTL of " + r).isEqualTo(expected.getTTL()));
    }
    if (c.answer().isEmpty()) {
      String soa = c.name().endsWith("ip6.arpa.")
          ? "ip6.arpa. 5 IN SOA ns.dns.ip6.arpa. hostmaster.ip6.arpa. 1700000000 7200 1800 86400 5"
          : c.name().endsWith("in-addr.arpa.")
              ? "in-addr.arpa. 5 IN SOA ns.dns.in-addr.arpa. hostmaster.in-addr.arpa. 1700000000 7200 1800 86400 5"
              : SOA;
      assertThat(m.getSection(Section.AUTHORITY)).containsExactlyElementsOf(records(List.of(soa)));
    } else {
      assertThat(m.getSection(Section.AUTHORITY)).isEmpty();
    }
  }
}
