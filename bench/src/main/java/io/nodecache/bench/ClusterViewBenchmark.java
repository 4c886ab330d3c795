package io.nodecache.bench;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Lifecycle;
import io.nodecache.chain.LocalZones;
import io.nodecache.chain.Next;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.Protocol;
import io.nodecache.config.CorefileParser;
import io.nodecache.config.ServerBlock;
import io.nodecache.k8s.K8sPluginFactory;
import io.nodecache.wire.FastQuery;
import java.io.IOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The cluster-view lookup: {@code svcN.nsM.svc.cluster.local. A} against the kubernetes plugin loaded
 * from a generated snapshot ({@code services} ClusterIP Services in 100 namespaces, 5 ready endpoints
 * each, the shape bench/cluster.sh generates), names drawn Zipf(1.0). {@code fast}: query bytes to
 * answer bytes from the memoized wire answer (what the listener runs); {@code decoded}: the Answerer on
 * a decoded query (view lookup and building the Message: the first query for a name, or any query a
 * chain without the fast path sends).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ClusterViewBenchmark {

  private static final int SAMPLES = BenchSupport.SAMPLES;
  private static final int NAMESPACES = 100;
  private static final InetSocketAddress CLIENT = BenchSupport.CLIENT;

  @Param("10000")
  int services;

  private Path dir;
  private Handler plugin;
  private FastPath fastPath;
  private ScheduledExecutorService scheduler;
  private ByteBuf[] queries;
  private Message[] decoded;
  private int[] order;
  private int next;
  private final FastQuery fastQuery = new FastQuery();
  private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
  private final Next refuse =
      r -> CompletableFuture.failedFuture(new IllegalStateException("not in the view: " + r.name()));

  @Setup(Level.Trial)
  public void setup() throws Exception {
    dir = Files.createTempDirectory("nodecache-bench");
    Path snapshot = dir.resolve("cluster.json");
    writeSnapshot(snapshot, services);
    ServerBlock block =
        new CorefileParser("bench", Map.of(), 53)
            .parse("cluster.local {\n kubernetes cluster.local {\n  snapshot " + snapshot + "\n }\n}")
            .blocks()
            .get(0);
    scheduler = Executors.newSingleThreadScheduledExecutor();
    PluginContext ctx =
        new PluginContext(block, "dns://:53", new SimpleMeterRegistry(), Ticker.systemTicker(), null,
            scheduler, new LocalZones(), Map.of());
    plugin = new K8sPluginFactory().create(block.first("kubernetes").orElseThrow(), ctx);
    ((Lifecycle) plugin).start();
    fastPath = (FastPath) plugin;
    int n = Math.min(services, 10_000); // the memo holds 32,768 answers; keep every name in it
    queries = new ByteBuf[n];
    decoded = new Message[n];
    for (int i = 0; i < n; i++) {
      Message q = Message.newQuery(Record.newRecord(name(i), Type.A, DClass.IN));
      q.getHeader().setID(i & 0xffff);
      decoded[i] = q;
      queries[i] = BenchSupport.queryBuffer(q.toWire());
      Message a = decoded(i); // the first answer fills the memo the fast path reads
      if (a.getRcode() != Rcode.NOERROR || a.getSection(Section.ANSWER).isEmpty()) {
        throw new IllegalStateException("no answer for " + name(i) + ": " + a);
      }
    }
    for (int i = 0; i < n; i++) {
      if (fast(queries[i]) == 0) {
        throw new IllegalStateException("not answered on the fast path: " + name(i));
      }
    }
    order = CacheHitBenchmark.zipf(n, 1.0, SAMPLES, new SplittableRandom(42));
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    ((Lifecycle) plugin).stop();
    scheduler.shutdownNow();
    for (ByteBuf q : queries) {
      q.release();
    }
    try (var files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  @Benchmark
  public int fast() {
    return fast(queries[order[next++ & (SAMPLES - 1)]]);
  }

  @Benchmark
  public int decoded() throws Exception {
    return decoded(order[next++ & (SAMPLES - 1)]).getHeader().getCount(Section.ANSWER);
  }

  private Message decoded(int i) throws Exception {
    DnsRequest r = new DnsRequest(decoded[i], CLIENT, CLIENT, Protocol.UDP, "cluster.local.", "dns://:53");
    return plugin.handle(r, refuse).toCompletableFuture().get();
  }

  private int fast(ByteBuf query) {
    return BenchSupport.fastAnswer(fastQuery, query, fastPath, alloc);
  }

  private static Name name(int i) throws Exception {
    return Name.fromString("svc" + i + ".ns" + (i % NAMESPACES) + ".svc.cluster.local.");
  }

  /** Namespaces, ClusterIP Services and their EndpointSlices as one Kubernetes List in JSON. */
  static void writeSnapshot(Path file, int services) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[");
      for (int i = 0; i < NAMESPACES; i++) {
        w.write("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"ns" + i + "\"}},");
      }
      for (int i = 0; i < services; i++) {
        String ns = "ns" + (i % NAMESPACES);
        String name = "svc" + i;
        String ip = "10.96." + (1 + i / 250) + "." + (1 + i % 250);
        w.write("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\""
            + ns + "\"},\"spec\":{\"type\":\"ClusterIP\",\"clusterIP\":\"" + ip + "\",\"clusterIPs\":[\"" + ip
            + "\"],\"ipFamilies\":[\"IPv4\"],\"ports\":[{\"name\":\"http\",\"port\":80,\"protocol\":\"TCP\","
            + "\"targetPort\":8080}]}},");
        w.write("{\"apiVersion\":\"discovery.k8s.io/v1\",\"kind\":\"EndpointSlice\",\"metadata\":{\"name\":\"" + name
            + "-abcde\",\"namespace\":\"" + ns + "\",\"labels\":{\"kubernetes.io/service-name\":\"" + name
            + "\"}},\"addressType\":\"IPv4\",\"endpoints\":[");
        for (int j = 0; j < 5; j++) {
          w.write((j > 0 ? "," : "") + "{\"addresses\":[\"10." + (100 + j) + "." + ((i >> 8) & 255) + "." + (i & 255)
              + "\"],\"conditions\":{\"ready\":true}}");
        }
        w.write("],\"ports\":[{\"name\":\"http\",\"port\":8080,\"protocol\":\"TCP\"}]}");
        w.write(i + 1 < services ? "," : "");
      }
      w.write("]}");
    }
  }
}
