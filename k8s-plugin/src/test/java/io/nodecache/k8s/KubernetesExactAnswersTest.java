package io.nodecache.k8s;

import static io.nodecache.k8s.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * No record twice in an answer (RFC 2181 §5), end to end: objects created in fabric8's mock API server
 * (CRUD mode, reached through a kubeconfig file), queries over real UDP to the running server, each
 * asked twice (decoded path, then the memoized fast path), every answer checked by {@link
 * Records#exact} and compared record for record.
 */
class KubernetesExactAnswersTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String Z = ".demo.svc.cluster.local.";

  @TempDir Path dir;
  private MockApi api;
  private NodeCache server;
  private InetSocketAddress dns;

  @BeforeEach
  void start() throws Exception {
    api = new MockApi(0);
    api.admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("demo").endMetadata().build()).create();
    String corefile = """
        cluster.local:0 in-addr.arpa:0 ip6.arpa:0 {
            bind 127.0.0.1
            kubernetes cluster.local in-addr.arpa ip6.arpa {
                kubeconfig %s mock
                ttl 5
            }
        }
        """.formatted(api.kubeconfig(dir));
    server = TestServers.start(corefile);
    dns = TestServers.dns(server);
  }

  @AfterEach
  void stop() {
    server.close();
    api.close();
  }

  @Test
  void twoSlicesListingOneHostname() throws Exception {
    api.admin.services().resource(headless("db", "pg", 5432)).create();
    // a rollout: the replacement pod db-0 is in a new slice while the old one is still ready
    create(slice("db-a", "db", "IPv4", "pg", 5432, "db-0", "10.244.1.10"));
    create(slice("db-b", "db", "IPv4", "pg", 5432, "db-0", "10.244.1.11", "db-1", "10.244.1.12"));
    await("both slices in the view", DEADLINE, () -> answer("db" + Z, Type.A).size() == 3);

    expect("_pg._tcp.db" + Z, Type.SRV,
        List.of("_pg._tcp.db.demo.svc.cluster.local. 5 IN SRV 0 50 5432 db-0.db.demo.svc.cluster.local.",
            "_pg._tcp.db.demo.svc.cluster.local. 5 IN SRV 0 50 5432 db-1.db.demo.svc.cluster.local."),
        List.of("db-0.db.demo.svc.cluster.local. 5 IN A 10.244.1.10",
            "db-0.db.demo.svc.cluster.local. 5 IN A 10.244.1.11",
            "db-1.db.demo.svc.cluster.local. 5 IN A 10.244.1.12"));
    expect("db" + Z, Type.A,
        List.of("db.demo.svc.cluster.local. 5 IN A 10.244.1.10", "db.demo.svc.cluster.local. 5 IN A 10.244.1.11",
            "db.demo.svc.cluster.local. 5 IN A 10.244.1.12"),
        List.of());
    expect("db" + Z, Type.AAAA, List.of(), List.of());
    expect("db-0.db" + Z, Type.A,
        List.of("db-0.db.demo.svc.cluster.local. 5 IN A 10.244.1.10", "db-0.db.demo.svc.cluster.local. 5 IN A 10.244.1.11"),
        List.of());
    expect("10.1.244.10.in-addr.arpa.", Type.PTR,
        List.of("10.1.244.10.in-addr.arpa. 5 IN PTR db-0.db.demo.svc.cluster.local."), List.of());
  }

  @Test
  void dualStackHeadlessWithOneSliceAFamily() throws Exception {
    api.admin.services().resource(headless("web", "http", 8080)).create();
    create(slice("web-v4", "web", "IPv4", "http", 8080, "web-0", "10.244.2.10", "web-1", "10.244.2.11"));
    create(slice("web-v6", "web", "IPv6", "http", 8080, "web-0", "fd00:10:244:2::a", "web-1", "fd00:10:244:2::b"));
    await("both families in the view", DEADLINE,
        () -> answer("web" + Z, Type.A).size() == 2 && answer("web" + Z, Type.AAAA).size() == 2);

    List<String> glue = List.of(
        "web-0.web.demo.svc.cluster.local. 5 IN A 10.244.2.10",
        "web-0.web.demo.svc.cluster.local. 5 IN AAAA fd00:10:244:2::a",
        "web-1.web.demo.svc.cluster.local. 5 IN A 10.244.2.11",
        "web-1.web.demo.svc.cluster.local. 5 IN AAAA fd00:10:244:2::b");
    expect("_http._tcp.web" + Z, Type.SRV,
        List.of("_http._tcp.web.demo.svc.cluster.local. 5 IN SRV 0 50 8080 web-0.web.demo.svc.cluster.local.",
            "_http._tcp.web.demo.svc.cluster.local. 5 IN SRV 0 50 8080 web-1.web.demo.svc.cluster.local."),
        glue);
    expect("web" + Z, Type.SRV,
        List.of("web.demo.svc.cluster.local. 5 IN SRV 0 50 8080 web-0.web.demo.svc.cluster.local.",
            "web.demo.svc.cluster.local. 5 IN SRV 0 50 8080 web-1.web.demo.svc.cluster.local."),
        glue);
    expect("web" + Z, Type.A,
        List.of("web.demo.svc.cluster.local. 5 IN A 10.244.2.10", "web.demo.svc.cluster.local. 5 IN A 10.244.2.11"),
        List.of());
    expect("web" + Z, Type.AAAA,
        List.of("web.demo.svc.cluster.local. 5 IN AAAA fd00:10:244:2::a", "web.demo.svc.cluster.local. 5 IN AAAA fd00:10:244:2::b"),
        List.of());
    expect("web-1.web" + Z, Type.AAAA,
        List.of("web-1.web.demo.svc.cluster.local. 5 IN AAAA fd00:10:244:2::b"), List.of());
    expect("web-1.web" + Z, Type.A, List.of("web-1.web.demo.svc.cluster.local. 5 IN A 10.244.2.11"), List.of());
  }

  /** Asks twice over UDP (decoded, then fast path) and compares both sections exactly. */
  private void expect(String name, int type, List<String> answer, List<String> additional) throws IOException {
    for (int i = 0; i < 2; i++) {
      Message m = DnsClient.udp(dns, DnsClient.query(name, type)); // DnsClient applies Records.exact
      assertThat(Records.lines(m, Section.ANSWER)).as(name + " answer, query " + i)
          .isEqualTo(Records.sorted(answer.toArray(String[]::new)));
      assertThat(Records.lines(m, Section.ADDITIONAL)).as(name + " additional, query " + i)
          .isEqualTo(Records.sorted(additional.toArray(String[]::new)));
    }
  }

  private List<String> answer(String name, int type) {
    try {
      return Records.answer(DnsClient.udp(dns, DnsClient.query(name, type)));
    } catch (IOException e) {
      return List.of(e.toString());
    }
  }

  private void create(EndpointSlice s) {
    api.admin.discovery().v1().endpointSlices().resource(s).create();
  }

  private static Service headless(String name, String port, int number) {
    return new ServiceBuilder().withNewMetadata().withNamespace("demo").withName(name).endMetadata()
        .withNewSpec().withClusterIP("None").withClusterIPs("None").withIpFamilies("IPv4", "IPv6")
        .addNewPort().withName(port).withProtocol("TCP").withPort(number).endPort().endSpec().build();
  }

  /** A ready slice; {@code hostsAndIps} alternate hostname and address. */
  private static EndpointSlice slice(
      String name, String service, String family, String port, int number, String... hostsAndIps) {
    var b = new EndpointSliceBuilder().withNewMetadata().withNamespace("demo").withName(name)
        .withLabels(Map.of(Slimmer.SERVICE_NAME_LABEL, service)).endMetadata().withAddressType(family)
        .addNewPort().withName(port).withProtocol("TCP").withPort(number).endPort();
    for (int i = 0; i < hostsAndIps.length; i += 2) {
      b.addNewEndpoint().withHostname(hostsAndIps[i]).withAddresses(hostsAndIps[i + 1])
          .withNewConditions().withReady(true).endConditions().endEndpoint();
    }
    return b.build();
  }
}
