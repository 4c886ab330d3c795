package io.nodecache.autopath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.ThreadMXBean;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Handler;
import io.nodecache.config.ConfigException;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * autopath in a real server with real hosts, cache and forward handlers and a stand-in for the
 * kubernetes plugin ({@link FakeClusterPlugin}) that says 127.0.0.1 is a pod of namespace {@code demo}
 * and 127.0.0.2 is nobody; external names come from a {@link TestUpstream} on loopback.
 */
class AutopathTest {

  private static final InetAddress POD = address("127.0.0.1");
  private static final InetAddress STRANGER = address("127.0.0.2");

  @TempDir Path dir;
  private TestUpstream upstream;
  private NodeCache server;
  private FakeClusterPlugin cluster;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  private static InetAddress address(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A server whose block has {@code autopathLine}, the fake cluster zone, a cache and a forward. */
  private void start(String autopathLine, Map<String, String> env) throws Exception {
    upstream = TestUpstream.start("example.org. 60 IN A 192.0.2.1", "only.corp.test. 60 IN A 192.0.2.7");
    cluster = new FakeClusterPlugin(Records.name("cluster.local"), Map.of(POD, "demo"),
        "web.demo.svc.cluster.local. 5 IN A 10.96.0.20",
        "api.other.svc.cluster.local. 5 IN A 10.96.0.30");
    String corefile = """
        .:0 {
            bind 127.0.0.1
            %s
            kubernetes cluster.local
            cache 30
            forward . %s
        }
        """.formatted(autopathLine, upstream.hostPort());
    server = TestServers.start(corefile, s -> s.withEnv(env), FakeClusterPlugin.factory(cluster));
  }

  private void startWithKubernetes() throws Exception {
    Path node = Files.writeString(dir.resolve("node-resolv.conf"), "nameserver 192.0.2.53\nsearch corp.test\n");
    start("autopath @kubernetes {\n node_resolv_conf " + node + "\n }", Map.of("NODE_NAME", "node-a"));
  }

  /** One UDP query sent from {@code from}. */
  private Message ask(InetAddress from, String name, int type) throws Exception {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(from, 0))) {
      s.setSoTimeout(3000);
      byte[] q = DnsClient.query(name, type).toWire();
      InetSocketAddress to = TestServers.dns(server);
      s.send(new DatagramPacket(q, q.length, to));
      byte[] buf = new byte[4096];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      s.receive(p);
      return new Message(Arrays.copyOf(buf, p.getLength()));
    }
  }

  private List<String> upstreamNames() {
    return upstream.received().stream().map(m -> m.getQuestion().getName() + " " + Type.string(m.getQuestion().getType())).toList();
  }

  /** The answer section as "NAME TYPE RDATA" (TTLs apart: the cache counts them down). */
  private static List<String> shape(Message m) {
    return m.getSection(Section.ANSWER).stream()
        .map(r -> r.getName() + " " + Type.string(r.getType()) + " " + r.rdataToString()).toList();
  }

  /** The TTLs of the answer section. */
  private static List<Long> ttls(Message m) {
    return m.getSection(Section.ANSWER).stream().map(Record::getTTL).toList();
  }

  private static String question(Message m) {
    return m.getQuestion().getName().toString();
  }

  @Test
  void aServiceOfAnotherNamespaceIsFoundInTheClusterZoneWithACname() throws Exception {
    startWithKubernetes();
    Message m = ask(POD, "api.other.demo.svc.cluster.local.", Type.A);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(question(m)).isEqualTo("api.other.demo.svc.cluster.local.");
    assertThat(m.getSection(Section.ANSWER)).map(Record::toString).containsExactly(
        "api.other.demo.svc.cluster.local.\t5\tIN\tCNAME\tapi.other.svc.cluster.local.",
        "api.other.svc.cluster.local.\t5\tIN\tA\t10.96.0.30");
    assertThat(cluster.asked).containsExactly(
        "api.other.demo.svc.cluster.local. A", "api.other.svc.cluster.local. A");
    assertThat(upstream.queries()).isZero();
  }

  @Test
  void anExternalNameIsFoundThroughForwardAndThenFromTheCache() throws Exception {
    startWithKubernetes();
    for (int round = 0; round < 2; round++) {
      Message m = ask(POD, "example.org.demo.svc.cluster.local.", Type.A);
      assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(question(m)).isEqualTo("example.org.demo.svc.cluster.local.");
      assertThat(shape(m)).containsExactly(
          "example.org.demo.svc.cluster.local. CNAME example.org.", "example.org. A 192.0.2.1");
      assertThat(ttls(m).get(0)).as("the CNAME has the TTL of the record it points to").isEqualTo(ttls(m).get(1));
    }
    // the three cluster candidates in order, twice (a local zone: never cached); upstream's NXDOMAIN
    // has no SOA, so it is not cached (RFC 2308 section 5) and asked again; the hit comes from the cache
    assertThat(cluster.asked).containsExactly(
        "example.org.demo.svc.cluster.local. A", "example.org.svc.cluster.local. A", "example.org.cluster.local. A",
        "example.org.demo.svc.cluster.local. A", "example.org.svc.cluster.local. A", "example.org.cluster.local. A");
    assertThat(upstreamNames()).containsExactly("example.org.corp.test. A", "example.org. A", "example.org.corp.test. A");
    assertThat(server.meters().scrape()).containsPattern("coredns_autopath_success_count_total\\{server=\"[^\"]+\"\\} 2\\.0");
  }

  @Test
  void aNameUnderANodeSearchDomainIsFoundThere() throws Exception {
    startWithKubernetes();
    Message m = ask(POD, "only.demo.svc.cluster.local.", Type.A);
    assertThat(shape(m)).containsExactly(
        "only.demo.svc.cluster.local. CNAME only.corp.test.", "only.corp.test. A 192.0.2.7");
    assertThat(upstreamNames()).containsExactly("only.corp.test. A");
  }

  @Test
  void withoutAHitTheClientGetsTheNxdomainOfTheNameItAsked() throws Exception {
    startWithKubernetes();
    Message m = ask(POD, "nosuch.demo.svc.cluster.local.", Type.A);
    assertThat(m.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(question(m)).isEqualTo("nosuch.demo.svc.cluster.local.");
    assertThat(m.getSection(Section.ANSWER)).isEmpty();
    assertThat(m.getSection(Section.AUTHORITY)).isEmpty(); // the fake's NXDOMAIN has no SOA: it is its answer
    assertThat(upstreamNames()).containsExactly("nosuch.corp.test. A", "nosuch. A");
  }

  @Test
  void nodataEndsTheWalkAsTheAnswerForTheAskedName() throws Exception {
    startWithKubernetes();
    Message m = ask(POD, "example.org.demo.svc.cluster.local.", Type.AAAA);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(question(m)).isEqualTo("example.org.demo.svc.cluster.local.");
    assertThat(m.getSection(Section.ANSWER)).isEmpty();
    assertThat(upstreamNames()).containsExactly("example.org.corp.test. AAAA", "example.org. AAAA");
  }

  @Test
  void aHitOnTheAskedNameIsAnsweredAsIs() throws Exception {
    startWithKubernetes();
    Message m = ask(POD, "web.demo.svc.cluster.local.", Type.A);
    assertThat(m.getSection(Section.ANSWER)).map(Record::toString)
        .containsExactly("web.demo.svc.cluster.local.\t5\tIN\tA\t10.96.0.20");
    assertThat(cluster.asked).containsExactly("web.demo.svc.cluster.local. A");
  }

  @Test
  void unknownClientsOtherTypesAndOtherNamesAreNotWalked() throws Exception {
    startWithKubernetes();
    Message stranger = ask(STRANGER, "example.org.demo.svc.cluster.local.", Type.A);
    assertThat(stranger.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    Message txt = ask(POD, "example.org.demo.svc.cluster.local.", Type.TXT);
    assertThat(txt.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    Message inOtherNamespace = ask(POD, "example.org.other.svc.cluster.local.", Type.A);
    assertThat(inOtherNamespace.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    Message firstDomainItself = ask(POD, "demo.svc.cluster.local.", Type.A);
    assertThat(firstDomainItself.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    Message bare = ask(POD, "example.org.", Type.A);
    assertThat(shape(bare)).containsExactly("example.org. A 192.0.2.1");
    assertThat(cluster.asked).containsExactly(
        "example.org.demo.svc.cluster.local. A", "example.org.demo.svc.cluster.local. TXT",
        "example.org.other.svc.cluster.local. A", "demo.svc.cluster.local. A");
    assertThat(upstreamNames()).containsExactly("example.org. A");
  }

  @Test
  void aResolvConfFileIsTheSearchPathOfEveryClient() throws Exception {
    Path file = Files.writeString(dir.resolve("resolv.conf"),
        "# pods of demo\nnameserver 10.96.0.10\nsearch demo.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n");
    start("autopath " + file, Map.of());
    Message m = ask(STRANGER, "api.other.demo.svc.cluster.local.", Type.A);
    assertThat(m.getSection(Section.ANSWER)).map(Record::toString).containsExactly(
        "api.other.demo.svc.cluster.local.\t5\tIN\tCNAME\tapi.other.svc.cluster.local.",
        "api.other.svc.cluster.local.\t5\tIN\tA\t10.96.0.30");
    Message ext = ask(STRANGER, "example.org.demo.svc.cluster.local.", Type.A);
    assertThat(ext.getSection(Section.ANSWER)).hasSize(2);
    assertThat(upstreamNames()).containsExactly("example.org. A");
  }

  /** The fast path: walked queries go SLOW, everything else PASSes, and deciding allocates nothing. */
  @Test
  void theFastPathSendsOnlyWalkedQueriesToTheDecodedPathWithoutAllocating() throws Exception {
    Path file = Files.writeString(dir.resolve("resolv.conf"), "search demo.svc.cluster.local svc.cluster.local\n");
    start("autopath cluster.local " + file, Map.of());
    FastPath autopath = (FastPath) server.chains().get(0).handlers().stream()
        .filter(h -> h.name().equals("autopath")).findFirst().map(Handler.class::cast).orElseThrow();
    FastQuery walked = fast("x.demo.svc.cluster.local.", Type.A);
    FastQuery[] passed = {
      fast("x.demo.svc.cluster.local.", Type.MX), fast("demo.svc.cluster.local.", Type.A),
      fast("x.other.svc.cluster.local.", Type.AAAA), fast("example.org.", Type.A)
    };
    assertThat(autopath.fast(walked)).isEqualTo(FastPath.Result.SLOW);
    assertThat(autopath.fast(fast("x.Demo.SVC.cluster.local.", Type.AAAA))).isEqualTo(FastPath.Result.SLOW);
    for (FastQuery q : passed) {
      assertThat(autopath.fast(q)).isEqualTo(FastPath.Result.PASS);
    }
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long sink = 0;
    for (int warm = 0; warm < 20_000; warm++) {
      sink += autopath.fast(walked).ordinal() + autopath.fast(passed[warm & 3]).ordinal();
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 100_000; i++) {
      sink += autopath.fast(walked).ordinal() + autopath.fast(passed[i & 3]).ordinal();
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertThat(sink).isPositive();
    // one allocation per decision would be 3 MB or more; a few stray bytes (JIT, TLAB accounting) are not one
    assertThat(allocated).as("bytes allocated by 200,000 fast-path decisions").isLessThan(50_000);
  }

  private static FastQuery fast(String name, int type) {
    FastQuery q = new FastQuery();
    assertThat(q.parse(Unpooled.wrappedBuffer(DnsClient.query(name, type).toWire()), true, UnpooledByteBufAllocator.DEFAULT)).isTrue();
    q.client(new InetSocketAddress(POD, 40000));
    return q;
  }

  @Test
  void configurationErrorsNameTheFileAndLine() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.conf"), "nameserver 10.0.0.1\n");
    Path good = Files.writeString(dir.resolve("good.conf"), "search a.test\n");
    Map<String, String> node = Map.of("NODE_NAME", "node-a");
    assertRefused("autopath", node, "Corefile:3: autopath: 0 arguments (expected: at least 1)");
    assertRefused("autopath @etcd", node, "Corefile:3: autopath: '@etcd' (expected: a resolv.conf file or @kubernetes)");
    assertRefused("autopath " + dir.resolve("missing.conf"), node, "Corefile:3: autopath: '" + dir.resolve("missing.conf") + "' not found");
    assertRefused("autopath " + empty, node, "Corefile:3: autopath: '" + empty + "' has no search domains");
    assertRefused("autopath @kubernetes", Map.of(), "Corefile:3: autopath: @kubernetes needs NODE_NAME in the environment");
    assertRefused("autopath @kubernetes {\n bogus 1\n }", node,
        "Corefile:4: autopath: unknown option 'bogus' (expected one of: node_resolv_conf)");
    assertRefused("autopath " + good + " {\n node_resolv_conf " + good + "\n }", node,
        "Corefile:4: node_resolv_conf: only with @kubernetes");
    assertRefused("autopath @kubernetes {\n node_resolv_conf " + dir.resolve("nope") + "\n }", node,
        "Corefile:3: autopath: '" + dir.resolve("nope") + "' not found");
    ConfigException noCluster = refusal("""
        .:0 {
            bind 127.0.0.1
            autopath @kubernetes
        }
        """, node);
    assertThat(noCluster).hasMessageStartingWith("Corefile:3: autopath: @kubernetes needs a kubernetes directive in the same server block");
  }

  private void assertRefused(String line, Map<String, String> env, String message) {
    String corefile = ".:0 {\n    bind 127.0.0.1\n    " + line + "\n    kubernetes cluster.local\n}\n";
    assertThat(refusal(corefile, env)).hasMessageStartingWith(message);
  }

  private ConfigException refusal(String corefile, Map<String, String> env) {
    FakeClusterPlugin fake = new FakeClusterPlugin(Name.root, Map.of());
    Throwable[] caught = new Throwable[1];
    assertThatThrownBy(() -> {
          try {
            NodeCache n = TestServers.start(corefile, s -> s.withEnv(env), FakeClusterPlugin.factory(fake));
            n.close();
          } catch (Throwable t) {
            caught[0] = t;
            throw t;
          }
        })
        .isInstanceOf(ConfigException.class);
    return (ConfigException) caught[0];
  }
}
