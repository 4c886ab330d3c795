package io.nodecache.bench;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.nodecache.cache.Cache;
import io.nodecache.cache.CachePluginFactory;
import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.LocalZones;
import io.nodecache.chain.Next;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.Protocol;
import io.nodecache.config.CorefileParser;
import io.nodecache.config.ServerBlock;
import io.nodecache.wire.FastQuery;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
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
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The cache-hit path: query bytes in, answer bytes out, through {@link Cache#fast} (header and question
 * parse, key, lookup, render with the remaining TTL). Keys follow a Zipf distribution over the prepared
 * names, as real DNS traffic does; every name is cached in setup, so every operation is a hit.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class CacheHitBenchmark {

  private static final int SAMPLES = BenchSupport.SAMPLES;
  private static final InetSocketAddress CLIENT = BenchSupport.CLIENT;

  @Param("100000")
  int names;

  /** Zipf exponent; about 1 for DNS names (Jung et al., "DNS performance and the effectiveness of caching"). */
  @Param("1.0")
  double exponent;

  private Cache cache;
  private final Next refuse =
      r -> CompletableFuture.failedFuture(new IllegalStateException("miss: " + r.name()));
  private ScheduledExecutorService scheduler;
  private ByteBuf[] queries;
  private int[] order;
  private int next;
  private final FastQuery fastQuery = new FastQuery();
  private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT; // what ctx.alloc() gives the listener

  @Setup(Level.Trial)
  public void setup() throws Exception {
    int capacity = (names / 256 + 1) * 256;
    ServerBlock block =
        new CorefileParser("bench", Map.of(), 53)
            .parse(". {\n cache {\n  success " + capacity + "\n }\n}")
            .blocks()
            .get(0);
    scheduler = Executors.newSingleThreadScheduledExecutor();
    PluginContext ctx =
        new PluginContext(block, "dns://:53", new SimpleMeterRegistry(), Ticker.systemTicker(), null,
            scheduler, new LocalZones(), Map.of());
    cache = (Cache) new CachePluginFactory().create(block.first("cache").orElseThrow(), ctx);
    Next upstream = r -> CompletableFuture.completedFuture(answer(r.query()));
    queries = new ByteBuf[names];
    for (int i = 0; i < names; i++) {
      Message q = query(i);
      cache.handle(new DnsRequest(q, CLIENT, CLIENT, Protocol.UDP, ".", "dns://:53"), upstream)
          .toCompletableFuture()
          .get();
      queries[i] = BenchSupport.queryBuffer(q.toWire());
    }
    order = zipf(names, exponent, SAMPLES, new SplittableRandom(42));
    // every prepared name must hit, or the benchmark would measure misses
    for (int i = 0; i < names; i++) {
      if (hit(queries[i]) == 0) {
        throw new IllegalStateException("not a hit: " + query(i).getQuestion());
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    cache.stop();
    scheduler.shutdownNow();
    for (ByteBuf q : queries) {
      q.release();
    }
  }

  @Benchmark
  public int hit() {
    return hit(queries[order[next++ & (SAMPLES - 1)]]);
  }

  /**
   * For contrast, the decoded path of the same hit: decode the query, {@link Cache#handle}, encode the
   * answer (what a chain without fast paths in front of the cache does).
   */
  @Benchmark
  public int decodedHit() throws Exception {
    ByteBuf q = queries[order[next++ & (SAMPLES - 1)]];
    byte[] in = new byte[q.readableBytes()];
    q.getBytes(q.readerIndex(), in);
    Message query = new Message(in);
    DnsRequest r = new DnsRequest(query, CLIENT, CLIENT, Protocol.UDP, ".", "dns://:53");
    return cache.handle(r, refuse).toCompletableFuture().join().toWire().length;
  }

  private int hit(ByteBuf query) {
    return BenchSupport.fastAnswer(fastQuery, query, cache, alloc);
  }

  private static Message query(int i) throws Exception {
    Name name = Name.fromString("host-" + i + ".svc" + (i % 97) + ".example.com.");
    Message q = Message.newQuery(Record.newRecord(name, Type.A, DClass.IN));
    q.getHeader().setID(i & 0xffff);
    q.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ADDITIONAL);
    return q;
  }

  private static Message answer(Message q) {
    Message m = new Message(q.getHeader().getID());
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setFlag(Flags.RD);
    m.getHeader().setFlag(Flags.RA);
    m.addRecord(q.getQuestion(), Section.QUESTION);
    Name name = q.getQuestion().getName();
    int h = name.hashCode();
    for (int k = 0; k < 2; k++) {
      byte[] a = {(byte) 10, (byte) (h >>> 16), (byte) (h >>> 8), (byte) k};
      try {
        m.addRecord(new ARecord(name, DClass.IN, 3600, InetAddress.getByAddress(a)), Section.ANSWER);
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }
    m.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ADDITIONAL);
    return m;
  }

  /** {@code samples} ranks in [0, n) drawn with P(rank k) proportional to 1/(k+1)^s, shuffled over names. */
  static int[] zipf(int n, double s, int samples, SplittableRandom random) {
    double[] cdf = new double[n];
    double sum = 0;
    for (int k = 0; k < n; k++) {
      sum += 1.0 / Math.pow(k + 1, s);
      cdf[k] = sum;
    }
    int[] perm = new int[n]; // popular ranks land on random names, not on neighbours
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    int[] out = new int[samples];
    for (int i = 0; i < samples; i++) {
      int k = Arrays.binarySearch(cdf, random.nextDouble() * sum);
      out[i] = perm[k < 0 ? Math.min(-k - 1, n - 1) : k];
    }
    return out;
  }
}
