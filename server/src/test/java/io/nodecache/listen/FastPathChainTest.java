package io.nodecache.listen;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.nodecache.server.NodeCache;
import io.nodecache.chain.Chain;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import io.nodecache.wire.FastQuery;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/**
 * In node-local-dns's Corefile shape (errors, loop, hosts, cache, forward) a cache hit is answered on
 * the byte-level fast path: errors and loop pass, hosts passes names it does not have.
 */
class FastPathChainTest {

  private static String fastAnswerer(Chain chain, String name) {
    FastQuery q = new FastQuery();
    ByteBuf b = Unpooled.wrappedBuffer(DnsClient.query(name, Type.A).toWire());
    assertThat(q.parse(b, true, UnpooledByteBufAllocator.DEFAULT)).isTrue();
    String by = chain.fast(q);
    ByteBuf reply = q.takeReply();
    if (reply != null) {
      reply.release();
    }
    return by;
  }

  @Test
  void cacheHitsTakeTheFastPathBehindErrorsLoopAndHosts() throws Exception {
    try (TestUpstream upstream = TestUpstream.start("www.example.com. 60 IN A 192.0.2.1", "node-a.example.com. 60 IN A 192.0.2.2");
        NodeCache server =
            TestServers.start(
                """
                .:0 {
                    bind 127.0.0.1
                    errors
                    loop
                    hosts {
                        10.1.1.1 node-a.example.com
                        fallthrough
                    }
                    cache 30
                    forward . 127.0.0.1:%d {
                        force_tcp
                    }
                }
                """.formatted(upstream.address().getPort()))) {
      Chain chain = server.chains().get(0);
      assertThat(fastAnswerer(chain, "www.example.com.")).as("miss").isNull();
      DnsClient.udp(TestServers.dns(server), DnsClient.query("www.example.com.", Type.A));
      long deadline = System.nanoTime() + 5_000_000_000L;
      String by = fastAnswerer(chain, "WWW.example.com.");
      while (by == null && System.nanoTime() < deadline) {
        Thread.sleep(10); // the answer may reach the client a moment before the cache stores it
        by = fastAnswerer(chain, "WWW.example.com.");
      }
      assertThat(by).isEqualTo("cache");
      assertThat(fastAnswerer(chain, "node-a.example.com.")).as("a hosts name goes to hosts").isNull();
    }
  }
}
