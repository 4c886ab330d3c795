package io.nodecache.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.nodecache.chain.FastPath;
import io.nodecache.wire.FastQuery;
import java.net.InetSocketAddress;

/** What the byte-level benchmarks share: the query buffers, the client, one fast-path answer. */
final class BenchSupport {

  /** Prepared inputs per benchmark: a ring this long, indexed with {@code & (SAMPLES - 1)}. */
  static final int SAMPLES = 1 << 20;
  /**
   * Direct, as read from a socket; not sampled by the leak detector, or the hot names that happen to
   * be sampled would measure its wrapper.
   */
  private static final ByteBufAllocator QUERY_ALLOC = new UnpooledByteBufAllocator(true, true);
  static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);

  private BenchSupport() {}

  static ByteBuf queryBuffer(byte[] wire) {
    return QUERY_ALLOC.directBuffer(wire.length).writeBytes(wire);
  }

  /** Parses {@code query} and asks {@code path}; the answer's length, or 0 when it did not answer. */
  static int fastAnswer(FastQuery q, ByteBuf query, FastPath path, ByteBufAllocator alloc) {
    if (!q.parse(query, true, alloc) || path.fast(q) != FastPath.Result.ANSWERED) {
      return 0;
    }
    ByteBuf out = q.takeReply();
    int n = out.readableBytes();
    out.release();
    return n;
  }
}
