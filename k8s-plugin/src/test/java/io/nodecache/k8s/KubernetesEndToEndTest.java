package io.nodecache.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.server.NodeCache;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The real server on a loopback port with the plugin loaded from the server's plugin list, answering the demo
 * cluster snapshot to dnsjava's {@link SimpleResolver} over UDP and TCP.
 */
class KubernetesEndToEndTest {

  private NodeCache server;
  private InetSocketAddress dns;

  @BeforeEach
  void start() throws Exception {
    String corefile = """
        cluster.local:0 in-addr.arpa:0 {
            bind 127.0.0.1
            kubernetes cluster.local in-addr.arpa {
                snapshot %s
            }
        }
        """.formatted(KubernetesInformerTest.demoCluster().toAbsolutePath());
    server = TestServers.start(corefile);
    dns = TestServers.dns(server);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Message ask(String name, int type, boolean tcp) throws Exception {
    SimpleResolver r = new SimpleResolver(dns);
    r.setTCP(tcp);
    r.setTimeout(Duration.ofSeconds(3));
    return Records.exact(r.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN))));
  }

  @Test
  void answersTheDemoClusterOverUdpAndTcp() throws Exception {
    for (boolean tcp : List.of(false, true, false, true)) { // twice each: decoded path, then fast path
      Message m = ask("kubernetes.default.svc.cluster.local.", Type.A, tcp);
      assertThat(m.getRcode()).as("tcp=" + tcp).isEqualTo(Rcode.NOERROR);
      assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
      assertThat(m.getSection(Section.ANSWER)).singleElement().satisfies(rr -> {
        assertThat(rr.rdataToString()).isEqualTo("10.96.0.1");
        assertThat(rr.getTTL()).isEqualTo(5);
      });
    }
  }

  @Test
  void exportsViewMetrics() throws Exception {
    ask("kubernetes.default.svc.cluster.local.", Type.A, false);
    String text = server.meters().scrape();
    assertThat(text).contains("nodecache_kubernetes_services{server=").contains("nodecache_kubernetes_synced{");
    assertThat(text).containsPattern("nodecache_kubernetes_services\\{[^}]*\\} 5\\.0");
  }

  @Test
  void answersEveryKindOfRecord() throws Exception {
    assertThat(ask("web.demo.svc.cluster.local.", Type.A, false).getSection(Section.ANSWER)).hasSize(3);
    Message srv = ask("_dns._udp.kube-dns.kube-system.svc.cluster.local.", Type.SRV, true);
    assertThat(srv.getSection(Section.ANSWER)).singleElement()
        .satisfies(rr -> assertThat(rr.rdataToString()).isEqualTo("0 100 53 kube-dns.kube-system.svc.cluster.local."));
    assertThat(srv.getSection(Section.ADDITIONAL)).extracting(Record::rdataToString).contains("10.96.0.10");
    Message ptr = ask("10.0.96.10.in-addr.arpa.", Type.PTR, false);
    assertThat(ptr.getSection(Section.ANSWER)).singleElement()
        .satisfies(rr -> assertThat(rr.rdataToString()).isEqualTo("kube-dns.kube-system.svc.cluster.local."));
    Message missing = ask("nosuch.default.svc.cluster.local.", Type.A, false);
    assertThat(missing.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(missing.getSection(Section.AUTHORITY)).singleElement()
        .satisfies(rr -> assertThat(rr.getType()).isEqualTo(Type.SOA));
    Message ext = ask("search.demo.svc.cluster.local.", Type.A, true);
    assertThat(ext.getSection(Section.ANSWER)).singleElement()
        .satisfies(rr -> assertThat(rr.rdataToString()).isEqualTo("search.example.com."));
  }
}
