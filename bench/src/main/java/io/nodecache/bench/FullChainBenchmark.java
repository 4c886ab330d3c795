package io.nodecache.bench;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.nodecache.cache.CachePluginFactory;
import io.nodecache.chain.Chain;
import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Lifecycle;
import io.nodecache.chain.LocalZones;
import io.nodecache.chain.Next;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.Protocol;
import io.nodecache.config.CorefileParser;
import io.nodecache.config.ServerBlock;
import io.nodecache.listen.QueryProcessor;
import io.nodecache.listen.Responder;
import io.nodecache.listen.Router;
import io.nodecache.metrics.DnsMetrics;
import io.nodecache.wire.Responses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The whole query path above the socket: query bytes into {@link QueryProcessor#process}, the same
 * dispatch the UDP and TCP listeners call; the
 * server block's chain ({@code cache} in front of a stub upstream that answers at once, as a forward
 * with a zero-latency upstream would), answer bytes out. {@code hit}: a cached name, answered on the
 * fast path with the per-query metrics; {@code miss}: a name never asked before, so the decoded path
 * runs end to end: decode, validate, route, cache miss, the upstream's answer stored in the cache,
 * EDNS finished, encoded. What is left out is Netty and the syscalls (see the load generator).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FullChainBenchmark {

  private static final int SAMPLES = BenchSupport.SAMPLES;
  private static final InetSocketAddress CLIENT = BenchSupport.CLIENT;
  private static final String SERVER = "dns://:53";
  /** Offset of the serial's first digit in the miss query: the header, the label length, 'm'. */
  private static final int MISS_DIGITS = 12 + 1 + 1;

  /** Names asked in {@code hit}; all of them are cached in setup. */
  @Param("100000")
  int names;

  private ScheduledExecutorService scheduler;
  private Handler cache;
  private QueryProcessor processor;
  private ByteBuf[] hits;
  private int[] order;
  private int next;
  private int missSerial;
  private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
  private ByteBuf missQuery;
  private int answered;
  private final Responder responder =
      (answer, client) -> {
        answered += answer.readableBytes();
        answer.release();
      };

  @Setup(Level.Trial)
  public void setup() throws Exception {
    int capacity = (names / 256 + 1) * 256;
    ServerBlock block =
        new CorefileParser("bench", Map.of(), 53)
            .parse(". {\n cache {\n  success " + capacity + "\n }\n}")
            .blocks()
            .get(0);
    scheduler = Executors.newSingleThreadScheduledExecutor();
    MeterRegistry meters = new SimpleMeterRegistry();
    PluginContext ctx =
        new PluginContext(block, SERVER, meters, Ticker.systemTicker(), null, scheduler, new LocalZones(), Map.of());
    cache = new CachePluginFactory().create(block.first("cache").orElseThrow(), ctx);
    Chain chain = new Chain(List.of(cache, new StubUpstream()));
    Router router =
        new Router(List.of(Router.route(".", chain, new DnsMetrics(meters, SERVER, ".", List.of("cache", "forward")))));
    processor = new QueryProcessor(router, SERVER, meters);
    hits = new ByteBuf[names];
    for (int i = 0; i < names; i++) {
      hits[i] = BenchSupport.queryBuffer(query(Name.fromString("host-" + i + ".svc" + (i % 97) + ".example.com."), i).toWire());
      processor.process(hits[i], CLIENT, CLIENT, Protocol.UDP, alloc, responder); // the miss that caches it
    }
    for (int i = 0; i < names; i++) {
      int before = answered;
      ByteBuf a = processor.process(hits[i], CLIENT, CLIENT, Protocol.UDP, alloc, responder);
      if (a == null || answered != before) {
        throw new IllegalStateException("not a fast-path hit: host-" + i);
      }
      a.release();
    }
    order = CacheHitBenchmark.zipf(names, 1.0, SAMPLES, new SplittableRandom(42));
    byte[] template = query(Name.fromString("m0000000.miss.example.com."), 0).toWire();
    missQuery = BenchSupport.queryBuffer(template);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    ((Lifecycle) cache).stop();
    scheduler.shutdownNow();
    for (ByteBuf q : hits) {
      q.release();
    }
    missQuery.release();
    if (answered == 0) {
      throw new IllegalStateException("no answer was produced");
    }
  }

  @Benchmark
  public int hit() {
    ByteBuf a = processor.process(hits[order[next++ & (SAMPLES - 1)]], CLIENT, CLIENT, Protocol.UDP, alloc, responder);
    if (a == null) {
      return 0;
    }
    int n = a.readableBytes();
    a.release();
    return n;
  }

  /**
   * A new name each time (a 7-digit serial patched into the first label of a prepared query, so no
   * encoding is measured), so every operation is a cache miss; the cache evicts as it fills, as a busy
   * node's does.
   */
  @Benchmark
  public int miss() {
    int serial = missSerial++ % 10_000_000;
    missQuery.setShort(0, serial);
    for (int i = MISS_DIGITS + 6, v = serial; i >= MISS_DIGITS; i--, v /= 10) {
      missQuery.setByte(i, '0' + v % 10);
    }
    int before = answered;
    ByteBuf a = processor.process(missQuery, CLIENT, CLIENT, Protocol.UDP, alloc, responder);
    if (a != null) {
      a.release();
      throw new IllegalStateException("a new name was a hit");
    }
    return answered - before;
  }

  private static Message query(Name name, int id) {
    Message q = Message.newQuery(Record.newRecord(name, Type.A, DClass.IN));
    q.getHeader().setID(id & 0xffff);
    q.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ADDITIONAL);
    return q;
  }

  /** The last handler: answers every name with two A records, synchronously, as a zero-latency upstream. */
  private static final class StubUpstream implements Handler {
    @Override
    public String name() {
      return "forward";
    }

    @Override
    public CompletionStage<Message> handle(DnsRequest r, Next next) {
      Message m = Responses.error(r.query(), Rcode.NOERROR);
      Name name = r.name();
      int h = name.hashCode();
      try {
        for (int k = 0; k < 2; k++) {
          byte[] a = {(byte) 10, (byte) (h >>> 16), (byte) (h >>> 8), (byte) k};
          m.addRecord(new ARecord(name, DClass.IN, 300, InetAddress.getByAddress(a)), Section.ANSWER);
        }
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
      return CompletableFuture.completedFuture(m);
    }
  }
}
