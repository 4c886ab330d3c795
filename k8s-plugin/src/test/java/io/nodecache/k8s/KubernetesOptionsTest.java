package io.nodecache.k8s;

import static io.nodecache.k8s.Fixtures.query;
import static io.nodecache.k8s.Fixtures.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.config.ConfigException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The directive's options: ttl, namespaces, noendpoints, fallthrough, ignore, pods, endpoint_pod_names. */
class KubernetesOptionsTest {

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  /** Options, a query, and the expected rcode ("NEXT" when passed to the next handler) and answer. */
  record Case(String options, String name, String qtype, String rcode, List<String> answer) {
    static Case of(String options, String name, String qtype, String rcode, String... answer) {
      return new Case(options, name, qtype, rcode, List.of(answer));
    }

    @Override
    public String toString() {
      return "{" + options.replace('\n', ';') + "} " + name + " " + qtype + " → " + rcode;
    }
  }

  static Stream<Case> cases() {
    String z = ".cluster.local.";
    return Stream.of(
        Case.of("ttl 30", "kubernetes.default.svc" + z, "A", "NOERROR", "kubernetes.default.svc.cluster.local. 30 IN A 10.96.0.1"),
        Case.of("ttl 0", "kubernetes.default.svc" + z, "A", "NOERROR", "kubernetes.default.svc.cluster.local. 0 IN A 10.96.0.1"),
        Case.of("namespaces demo", "kubernetes.default.svc" + z, "A", "NXDOMAIN"),
        Case.of("namespaces demo", "default.svc" + z, "A", "NXDOMAIN"),
        Case.of("namespaces demo", "api.demo.svc" + z, "A", "NOERROR", "api.demo.svc.cluster.local. 5 IN A 10.96.100.20"),
        Case.of("namespaces demo", "1.0.96.10.in-addr.arpa.", "PTR", "NXDOMAIN"),
        Case.of("noendpoints", "web.demo.svc" + z, "A", "NXDOMAIN"),
        Case.of("noendpoints", "web-0.web.demo.svc" + z, "A", "NXDOMAIN"),
        Case.of("noendpoints", "10.1.244.10.in-addr.arpa.", "PTR", "NXDOMAIN"),
        Case.of("noendpoints", "kubernetes.default.svc" + z, "A", "NOERROR", "kubernetes.default.svc.cluster.local. 5 IN A 10.96.0.1"),
        Case.of("ignore empty_service", "empty.demo.svc" + z, "A", "NXDOMAIN"),
        Case.of("ignore empty_service", "kubernetes.default.svc" + z, "A", "NOERROR", "kubernetes.default.svc.cluster.local. 5 IN A 10.96.0.1"),
        Case.of("fallthrough in-addr.arpa ip6.arpa", "99.99.99.10.in-addr.arpa.", "PTR", "NEXT"),
        Case.of("fallthrough in-addr.arpa ip6.arpa", "1.0.96.10.in-addr.arpa.", "PTR", "NOERROR", "1.0.96.10.in-addr.arpa. 5 IN PTR kubernetes.default.svc.cluster.local."),
        Case.of("fallthrough in-addr.arpa ip6.arpa", "nosuch.default.svc" + z, "A", "NXDOMAIN"),
        Case.of("fallthrough", "nosuch.default.svc" + z, "A", "NEXT"),
        Case.of("fallthrough", "kubernetes.default.svc" + z, "AAAA", "NOERROR"),
        Case.of("", "10-244-1-10.demo.pod" + z, "A", "NXDOMAIN"),
        Case.of("pods disabled", "10-244-1-10.demo.pod" + z, "A", "NXDOMAIN"),
        Case.of("pods verified", "10-244-1-10.demo.pod" + z, "A", "NOERROR", "10-244-1-10.demo.pod.cluster.local. 5 IN A 10.244.1.10"),
        Case.of("pods verified", "10-244-9-9.demo.pod" + z, "A", "NXDOMAIN"),
        Case.of("pods verified", "10-244-1-99.demo.pod" + z, "A", "NXDOMAIN"),
        Case.of("pods verified", "10-244-1-10.default.pod" + z, "A", "NXDOMAIN"),
        Case.of("endpoint_pod_names", "api-5d8f7c9b6-kq4zt.api.demo.svc" + z, "A", "NOERROR",
            "api-5d8f7c9b6-kq4zt.api.demo.svc.cluster.local. 5 IN A 10.244.2.20"),
        Case.of("endpoint_pod_names", "web-0.web.demo.svc" + z, "A", "NOERROR", "web-0.web.demo.svc.cluster.local. 5 IN A 10.244.1.10"),
        // a pod name of 64 characters or more is no label: the dashed address stands in
        Case.of("endpoint_pod_names", "10-244-4-2.stateful.long.svc" + z, "A", "NOERROR",
            "10-244-4-2.stateful.long.svc.cluster.local. 5 IN A 10.244.4.2"),
        Case.of("endpoint_pod_names", "2.4.244.10.in-addr.arpa.", "PTR", "NOERROR",
            "2.4.244.10.in-addr.arpa. 5 IN PTR 10-244-4-2.stateful.long.svc.cluster.local."));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void option(Case c) throws Exception {
    KubernetesPlugin p = Fixtures.fromTestCluster(c.options(), scheduler);
    try {
      Message m = query(p, c.name(), Type.value(c.qtype()));
      String rcode = m.getRcode() == Fixtures.NEXT_RCODE ? "NEXT" : Rcode.string(m.getRcode());
      assertThat(rcode).isEqualTo(c.rcode());
      assertThat(m.getSection(Section.ANSWER)).containsExactlyInAnyOrderElementsOf(records(c.answer()));
      records(c.answer()).forEach(e -> assertThat(m.getSection(Section.ANSWER))
          .filteredOn(e::equals).allSatisfy(r -> assertThat(r.getTTL()).isEqualTo(e.getTTL())));
    } finally {
      p.stop();
    }
  }

  static Stream<String[]> errors() {
    return Stream.of(
        new String[] {"ttl 4000", "Corefile:3: ttl: 4000 (expected: 0..3600)"},
        new String[] {"pods maybe", "pods: 'maybe' (expected: disabled, insecure or verified)"},
        new String[] {"ignore nothing", "ignore: 'nothing' (expected: empty_service)"},
        new String[] {"labels a=b", "unknown option 'labels'"},
        new String[] {"endpoint ftp://x", "(expected: an http:// or https:// URL)"},
        new String[] {"stale_after soon", "Corefile:3: stale_after: 'soon' is not a duration"},
        new String[] {"stale_after 500ms", "Corefile:3: stale_after: '500ms' (expected: PT1S..PT24H)"},
        new String[] {"stale_after 25h", "Corefile:3: stale_after: '25h' (expected: PT1S..PT24H)"},
        new String[] {"stale_after", "Corefile:3: stale_after"},
        new String[] {"stale_after 5m", "Corefile:3: stale_after: needs an API server"});
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void rejectsBadOptions(String option, String message) {
    String corefile = "cluster.local {\n kubernetes {\n  snapshot x.yaml\n  " + option + "\n }\n}\n";
    assertThatThrownBy(() -> Fixtures.config(corefile.replace("  snapshot x.yaml\n  " + option, "  " + option + "\n  snapshot x.yaml"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }

  @Test
  void staleAfterIsOffByDefault() throws ConfigException {
    String api = "cluster.local {\n kubernetes {\n  endpoint http://127.0.0.1:1\n%s }\n}\n";
    assertThat(Fixtures.config(api.formatted(""), Map.of()).staleAfter()).isNull();
    assertThat(Fixtures.config(api.formatted("  stale_after 1m30s\n"), Map.of()).staleAfter())
        .isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void needsASourceOfData() {
    assertThatThrownBy(() -> Fixtures.config("cluster.local {\n kubernetes\n}\n", Map.of()))
        .hasMessageContaining("no source of cluster data");
  }

  @Test
  void inClusterWhenTheServiceHostIsSet() throws ConfigException {
    K8sConfig c = Fixtures.config("cluster.local {\n kubernetes\n}\n", Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1"));
    assertThat(c.inCluster()).isTrue();
    assertThat(c.zones()).extracting(Object::toString).containsExactly("cluster.local.");
    assertThat(c.ttl()).isEqualTo(5);
    assertThat(c.pods()).isEqualTo(K8sConfig.PodMode.DISABLED);
  }
}
