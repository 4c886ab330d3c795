package io.nodecache.k8s;

import static io.nodecache.k8s.Fixtures.query;
import static io.nodecache.k8s.Fixtures.records;
import static io.nodecache.k8s.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.nodecache.chain.FastPath;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.TestServers;
import io.nodecache.wire.FastQuery;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@code ns.dns.<zone>} and the apex NS by CoreDNS's rule: the address the query came in on, unless
 * that address is an endpoint of a service (then the service); never memoized, since it depends on
 * the address.
 */
class KubernetesNameServerTest {

  private static final String NS_DNS = "ns.dns.cluster.local.";

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private KubernetesPlugin plugin;

  @BeforeEach
  void start() throws Exception {
    plugin = Fixtures.fromTestCluster("ttl 5", scheduler);
  }

  @AfterEach
  void stop() {
    plugin.stop();
    scheduler.shutdownNow();
  }

  @Test
  void theAddressTheQueryArrivedOn() {
    assertThat(query(plugin, request(NS_DNS, Type.A, "169.254.20.10")).getSection(Section.ANSWER))
        .containsExactlyElementsOf(records(List.of("ns.dns.cluster.local. 5 IN A 169.254.20.10")));
    // the same name asked on another address (the kube-dns ClusterIP bound on the node): that address
    assertThat(query(plugin, request(NS_DNS, Type.A, "10.96.0.10")).getSection(Section.ANSWER))
        .containsExactlyElementsOf(records(List.of("ns.dns.cluster.local. 5 IN A 10.96.0.10")));
    Message v6 = query(plugin, request(NS_DNS, Type.AAAA, "fd00::53"));
    assertThat(v6.getSection(Section.ANSWER))
        .containsExactlyElementsOf(records(List.of("ns.dns.cluster.local. 5 IN AAAA fd00::53")));
    Message noA = query(plugin, request(NS_DNS, Type.A, "fd00::53"));
    assertThat(noA.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(noA.getSection(Section.ANSWER)).isEmpty();

    Message ns = query(plugin, request("cluster.local.", Type.NS, "169.254.20.10"));
    assertThat(ns.getSection(Section.ANSWER))
        .containsExactlyElementsOf(records(List.of("cluster.local. 5 IN NS ns.dns.cluster.local.")));
    assertThat(ns.getSection(Section.ADDITIONAL))
        .containsExactlyElementsOf(records(List.of("ns.dns.cluster.local. 5 IN A 169.254.20.10")));
  }

  @Test
  void aWildcardListenerNamesItsInterfaceAddresses() throws Exception {
    Message m = query(plugin, request(NS_DNS, Type.A, "0.0.0.0"));
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    boolean hasV4 = NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
        .anyMatch(a -> a.getAddress().length == 4 && !a.isLoopbackAddress());
    assertThat(m.getSection(Section.ANSWER).isEmpty()).as("an A record a non-loopback IPv4 address").isEqualTo(!hasV4);
    for (Record r : m.getSection(Section.ANSWER)) {
      InetAddress a = ((ARecord) r).getAddress();
      assertThat(a.isAnyLocalAddress() || a.isLoopbackAddress()).as(r.toString()).isFalse();
      assertThat(NetworkInterface.getByInetAddress(a)).as("an interface holds " + a).isNotNull();
    }
  }

  @Test
  void behindAServiceWhenTheAddressIsItsEndpoint() {
    // 10.244.0.2 is the kube-dns endpoint (pod coredns-1) in test-cluster.yaml: CoreDNS behind kube-dns
    Message a = query(plugin, request(NS_DNS, Type.A, "10.244.0.2"));
    assertThat(a.getSection(Section.ANSWER))
        .containsExactlyElementsOf(records(List.of("ns.dns.cluster.local. 5 IN A 10.96.0.10")));
    Message ns = query(plugin, request("cluster.local.", Type.NS, "10.244.0.2"));
    assertThat(ns.getSection(Section.ANSWER))
        .containsExactlyElementsOf(records(List.of("cluster.local. 5 IN NS kube-dns.kube-system.svc.cluster.local.")));
    assertThat(ns.getSection(Section.ADDITIONAL))
        .containsExactlyElementsOf(records(List.of("kube-dns.kube-system.svc.cluster.local. 5 IN A 10.96.0.10")));
  }

  @Test
  void neverAnsweredOnTheFastPath() throws Exception {
    query(plugin, request(NS_DNS, Type.A, "169.254.20.10"));
    query(plugin, request("cluster.local.", Type.NS, "169.254.20.10"));
    query(plugin, request("kubernetes.default.svc.cluster.local.", Type.A, "169.254.20.10"));
    assertThat(fast(DnsClient.query(NS_DNS, Type.A))).isEqualTo(FastPath.Result.SLOW);
    assertThat(fast(DnsClient.query("cluster.local.", Type.NS))).isEqualTo(FastPath.Result.SLOW);
    assertThat(fast(DnsClient.query("kubernetes.default.svc.cluster.local.", Type.A)))
        .as("other names still are").isEqualTo(FastPath.Result.ANSWERED);
  }

  @Test
  void overUdpTheListenerAddress() throws Exception {
    String corefile = """
        cluster.local:0 {
            bind 127.0.0.1
            kubernetes {
                snapshot %s
            }
        }
        """.formatted(Fixtures.resource("test-cluster.yaml"));
    NodeCache server = TestServers.start(corefile);
    try {
      InetSocketAddress dns = TestServers.dns(server);
      for (int i = 0; i < 3; i++) {
        Message m = DnsClient.udp(dns, DnsClient.query(NS_DNS, Type.A));
        assertThat(m.getSection(Section.ANSWER)).as("query " + i)
            .containsExactlyElementsOf(records(List.of("ns.dns.cluster.local. 5 IN A 127.0.0.1")));
      }
    } finally {
      server.close();
    }
  }

  private FastPath.Result fast(Message query) {
    FastQuery fq = new FastQuery();
    ByteBuf in = Unpooled.wrappedBuffer(query.toWire());
    try {
      assertThat(fq.parse(in, true, UnpooledByteBufAllocator.DEFAULT)).isTrue();
      FastPath.Result r = plugin.fast(fq);
      ByteBuf out = fq.takeReply();
      if (out != null) {
        out.release();
      }
      return r;
    } finally {
      in.release();
    }
  }
}
