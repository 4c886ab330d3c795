package io.nodecache.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.LocalZones;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.Protocol;
import io.nodecache.config.ConfigException;
import io.nodecache.config.CorefileParser;
import io.nodecache.config.ServerBlock;
import io.nodecache.wire.FastQuery;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;

/** A cache built from Corefile text with a fake clock, a fake upstream and its own meter registry. */
final class CacheHarness implements AutoCloseable {

  static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);

  final FakeTicker ticker = new FakeTicker();
  final FakeUpstream upstream = new FakeUpstream();
  final MeterRegistry meters;
  final LocalZones localZones = new LocalZones();
  final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  final Cache cache;
  private int nextId = 100;

  CacheHarness(String cacheDirective) throws ConfigException {
    this(cacheDirective, new SimpleMeterRegistry());
  }

  CacheHarness(String cacheDirective, MeterRegistry meters) throws ConfigException {
    this.meters = meters;
    ServerBlock block =
        new CorefileParser("Corefile", Map.of(), 53).parse(". {\n" + cacheDirective + "\n}").blocks().get(0);
    PluginContext ctx =
        new PluginContext(block, "dns://:53", meters, ticker, null, scheduler, localZones, Map.of());
    cache = (Cache) new CachePluginFactory().create(block.first("cache").orElseThrow(), ctx);
  }

  static Message query(String name, int type) {
    return query(name, type, 1, false, false, false);
  }

  static Message query(String name, int type, int id, boolean edns, boolean dnssecOk, boolean cd) {
    try {
      Message q = Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), type, 1));
      q.getHeader().setID(id);
      if (cd) {
        q.getHeader().setFlag(Flags.CD);
      }
      if (edns || dnssecOk) {
        q.addRecord(new OPTRecord(4096, 0, 0, dnssecOk ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
      }
      return q;
    } catch (TextParseException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Asks through the decoded path with a fresh ID. */
  Message ask(String name, int type) throws Exception {
    return ask(query(name, type, nextId++, false, false, false));
  }

  Message ask(Message q) throws Exception {
    DnsRequest r = new DnsRequest(q, CLIENT, CLIENT, Protocol.UDP, ".", "dns://:53");
    return cache.handle(r, upstream).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  /** The fast-path result for {@code q} over UDP; {@link Fast#bytes} is null unless answered. */
  Fast fast(Message q) {
    ByteBuf in = Unpooled.wrappedBuffer(q.toWire());
    try {
      FastQuery fq = new FastQuery();
      if (!fq.parse(in, true, UnpooledByteBufAllocator.DEFAULT)) {
        throw new IllegalArgumentException("not a fast-path query");
      }
      FastPath.Result result = cache.fast(fq);
      ByteBuf out = fq.takeReply();
      if (out == null) {
        return new Fast(result, null);
      }
      try {
        return new Fast(result, ByteBufUtil.getBytes(out));
      } finally {
        out.release();
      }
    } finally {
      in.release();
    }
  }

  record Fast(FastPath.Result result, byte[] bytes) {
    Message message() throws Exception {
      return new Message(bytes);
    }
  }

  double count(String name, String... tags) {
    Counter c = meters.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  @Override
  public void close() {
    cache.stop();
    scheduler.shutdownNow();
  }
}
