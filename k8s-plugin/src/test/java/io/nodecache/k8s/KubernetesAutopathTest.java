package io.nodecache.k8s;

import static io.nodecache.k8s.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.ThreadMXBean;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Handler;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import io.nodecache.wire.FastQuery;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@code autopath @kubernetes} in the real server with the real kubernetes plugin, its pod map fed by
 * the mock API server: a pod of namespace {@code demo} on this node has the address 127.0.0.3, so its
 * queries (sent from that loopback address) are walked and 127.0.0.1's are not. Repeated queries show
 * that the kubernetes fast path never answers a walked query with its memoized NXDOMAIN first.
 */
class KubernetesAutopathTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final InetAddress POD = Ip.parse("127.0.0.3").address();
  private static final InetAddress NODE = Ip.parse("127.0.0.1").address();

  @TempDir Path dir;

  private static Message ask(NodeCache server, InetAddress from, String name, int type) throws Exception {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(from, 0))) {
      s.setSoTimeout(3000);
      byte[] q = DnsClient.query(name, type).toWire();
      s.send(new DatagramPacket(q, q.length, TestServers.dns(server)));
      byte[] buf = new byte[4096];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      s.receive(p);
      return new Message(Arrays.copyOf(buf, p.getLength()));
    }
  }

  private static List<String> shape(Message m) {
    return m.getSection(Section.ANSWER).stream()
        .map(r -> r.getName() + " " + Type.string(r.getType()) + " " + r.rdataToString()).toList();
  }

  @Test
  void podsOfThisNodeGetTheWholeSearchInOneQuery() throws Exception {
    try (MockApi api = new MockApi(0, true);
        TestUpstream upstream = TestUpstream.start("example.org. 60 IN A 192.0.2.1")) {
      api.admin.services().resource(KubernetesInformerTest.clusterIp("other", "api", "10.96.0.30")).create();
      api.admin.pods().resource(NodePodsInformerTest.pod("demo", "client", "node-a", false, "Running", "127.0.0.3")).create();
      Path noSearch = Files.writeString(dir.resolve("node-resolv.conf"), "nameserver 192.0.2.53\n");
      String corefile = """
          .:0 {
              bind 127.0.0.1
              autopath @kubernetes {
                  node_resolv_conf %s
              }
              kubernetes cluster.local {
                  kubeconfig %s mock
              }
              cache 30
              forward . %s
          }
          """.formatted(noSearch, api.kubeconfig(dir), upstream.hostPort());
      try (NodeCache server = TestServers.start(corefile, s -> s.withEnv(Map.of("NODE_NAME", "node-a")))) {
        KubernetesPlugin k8s = (KubernetesPlugin) handler(server, "kubernetes");
        await("pod mapped", DEADLINE, () -> "demo".equals(k8s.namespaceOf(POD)));
        await("view", DEADLINE, k8s::ready);

        for (int round = 0; round < 3; round++) {
          Message svc = ask(server, POD, "api.other.demo.svc.cluster.local.", Type.A);
          assertThat(shape(svc)).as("round " + round).containsExactly(
              "api.other.demo.svc.cluster.local. CNAME api.other.svc.cluster.local.",
              "api.other.svc.cluster.local. A 10.96.0.30");
          Message ext = ask(server, POD, "example.org.demo.svc.cluster.local.", Type.A);
          assertThat(ext.getRcode()).isEqualTo(Rcode.NOERROR);
          assertThat(shape(ext)).as("round " + round).containsExactly(
              "example.org.demo.svc.cluster.local. CNAME example.org.", "example.org. A 192.0.2.1");
        }
        Message fromNode = ask(server, NODE, "example.org.demo.svc.cluster.local.", Type.A);
        assertThat(fromNode.getRcode()).as("not a pod: no walk").isEqualTo(Rcode.NXDOMAIN);
        assertThat(upstream.received()).extracting(m -> m.getQuestion().getName().toString())
            .as("the bare name once; the cache answers it after").containsExactly("example.org.");

        // the fast-path decision for a pod's walked query allocates nothing
        FastPath autopath = (FastPath) handler(server, "autopath");
        FastQuery walked = fast("example.org.demo.svc.cluster.local.", POD);
        FastQuery other = fast("example.org.other.svc.cluster.local.", POD);
        FastQuery stranger = fast("example.org.demo.svc.cluster.local.", NODE);
        assertThat(autopath.fast(walked)).isEqualTo(FastPath.Result.SLOW);
        assertThat(autopath.fast(other)).isEqualTo(FastPath.Result.PASS);
        assertThat(autopath.fast(stranger)).isEqualTo(FastPath.Result.PASS);
        // a Service of the pod's own namespace: walked until the kubernetes plugin has memoized its
        // answer, then left to the kubernetes fast path (the walk would stop at once with that answer)
        FastQuery web = fast("web.demo.svc.cluster.local.", POD);
        FastQuery nxdomain = fast("nosuch.demo.svc.cluster.local.", POD);
        assertThat(autopath.fast(web)).isEqualTo(FastPath.Result.SLOW);
        api.admin.services().resource(KubernetesInformerTest.clusterIp("demo", "web", "10.96.0.20")).create();
        await("web answered (and memoized)", DEADLINE,
            () -> KubernetesInformerTest.answer(k8s, "web.demo.svc.cluster.local.", Type.A).equals(List.of("10.96.0.20")));
        ask(server, POD, "nosuch.demo.svc.cluster.local.", Type.A);
        assertThat(autopath.fast(web)).isEqualTo(FastPath.Result.PASS);
        assertThat(autopath.fast(nxdomain)).as("a memoized NXDOMAIN is still walked").isEqualTo(FastPath.Result.SLOW);
        assertThat(shape(ask(server, POD, "web.demo.svc.cluster.local.", Type.A)))
            .containsExactly("web.demo.svc.cluster.local. A 10.96.0.20");
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
          sink += autopath.fast(walked).ordinal() + autopath.fast(i % 2 == 0 ? other : stranger).ordinal();
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
          sink += autopath.fast(walked).ordinal() + autopath.fast(i % 2 == 0 ? other : stranger).ordinal();
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(sink).isPositive();
        assertThat(allocated).as("bytes allocated by 200,000 decisions (one allocation each: 3 MB)").isLessThan(50_000);
      }
    }
  }

  @Test
  void aKubernetesPluginThatCannotWatchPodsIsRefusedAtStart() throws Exception {
    String corefile = """
        .:0 {
            bind 127.0.0.1
            autopath @kubernetes
            kubernetes cluster.local {
                snapshot %s
            }
        }
        """.formatted(Fixtures.resource("test-cluster.yaml"));
    assertThatThrownBy(() -> TestServers.start(corefile, s -> s.withEnv(Map.of("NODE_NAME", "node-a"))).close())
        .hasMessageContaining("Corefile:3: autopath: @kubernetes: no API server to watch this node's pods");
  }

  private static Handler handler(NodeCache server, String name) {
    return server.chains().get(0).handlers().stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow();
  }

  private static FastQuery fast(String name, InetAddress from) {
    FastQuery q = new FastQuery();
    assertThat(q.parse(Unpooled.wrappedBuffer(DnsClient.query(name, Type.A).toWire()), true, UnpooledByteBufAllocator.DEFAULT)).isTrue();
    q.client(new InetSocketAddress(from, 40000));
    return q;
  }
}
