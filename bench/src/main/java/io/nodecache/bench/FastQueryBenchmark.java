package io.nodecache.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.nodecache.wire.FastQuery;
import io.nodecache.wire.PreparedAnswer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The byte-level fast path's pieces: {@link FastQuery#parse} of query packets (names Zipf over
 * 100,000, 0x20 mixed case, half with an EDNS OPT) against dnsjava's full decode of the same bytes, and
 * {@link PreparedAnswer#render} (copy the stored answer, patch ID, flags, question case, TTLs, OPT) into
 * a pooled direct buffer, released after each call as the listener's write does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled", "-Xmx512m"})
public class FastQueryBenchmark {

  private static final int RING = 65536;
  private static final int MASK = RING - 1;

  private ByteBuf[] packets;
  private byte[][] bytes;
  private PreparedAnswer[] answers;
  private final FastQuery query = new FastQuery();
  private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
  private int next;

  @Setup
  public void setUp() throws Exception {
    int[] keys = new Zipf(100_000, 1.0, 7).draw(RING);
    packets = new ByteBuf[RING];
    bytes = new byte[RING][];
    answers = new PreparedAnswer[RING];
    for (int i = 0; i < RING; i++) {
      String label = "h" + keys[i];
      // 0x20 case randomisation, as resolvers send it
      String mixed = (i & 1) == 0 ? label.toUpperCase(Locale.ROOT) : label;
      Message q = Message.newQuery(Record.newRecord(Name.fromString(mixed + ".Bench.Test."), Type.A, DClass.IN));
      q.getHeader().setID(i & 0xffff);
      if ((i & 2) == 0) {
        q.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
      }
      bytes[i] = q.toWire();
      packets[i] = Unpooled.directBuffer(bytes[i].length).writeBytes(bytes[i]);
      answers[i] = PreparedAnswer.of(WireBenchmark.response("A", keys[i]));
    }
  }

  @TearDown
  public void tearDown() {
    for (ByteBuf b : packets) {
      b.release();
    }
  }

  /** Header + question + OPT from the bytes, lower-cased name and its hash: the fast path's parse. */
  @Benchmark
  public int parse() {
    return query.parse(packets[next++ & MASK], true, alloc) ? query.qnameHash() : -1;
  }

  /** The same packets through dnsjava (what the slow path pays before the chain). */
  @Benchmark
  public Message dnsjavaDecode() throws Exception {
    return new Message(bytes[next++ & MASK]);
  }

  /** Parse, then render the stored answer for it (a cache hit without the lookup). */
  @Benchmark
  public int parseAndRender() {
    int i = next++ & MASK;
    if (!query.parse(packets[i], true, alloc)) {
      return -1;
    }
    ByteBuf out = answers[i].render(query, 299);
    int n = out.readableBytes();
    out.release();
    return n;
  }
}
