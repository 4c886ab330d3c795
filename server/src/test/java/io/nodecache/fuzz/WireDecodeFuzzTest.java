package io.nodecache.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.nodecache.chain.Chain;
import io.nodecache.chain.LocalZones;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.Protocol;
import io.nodecache.hosts.HostsPluginFactory;
import io.nodecache.listen.QueryProcessor;
import io.nodecache.listen.Router;
import io.nodecache.metrics.DnsMetrics;
import io.nodecache.testing.TestServers;
import io.nodecache.wire.Edns;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Message;

/**
 * Arbitrary datagrams through the whole query processor (fast path, decode, validation, hosts chain):
 * nothing escapes as an exception, every answer decodes and carries the query's ID.
 */
class WireDecodeFuzzTest {

  private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);
  private final QueryProcessor processor;

  WireDecodeFuzzTest() throws Exception {
    var corefile = TestServers.parse(". {\n  hosts {\n    10.0.0.1 www.example.test\n  }\n}\n");
    var hosts = new HostsPluginFactory();
    var ctx =
        new PluginContext(
            corefile.blocks().get(0), "dns://:53", new SimpleMeterRegistry(), System::nanoTime, null, null,
            new LocalZones(), Map.of());
    Chain chain = new Chain(List.of(hosts.create(corefile.blocks().get(0).directives().get(0), ctx)));
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    processor =
        new QueryProcessor(
            new Router(List.of(Router.route(".", chain, new DnsMetrics(meters, "dns://:53", ".", List.of("hosts"))))),
            "dns://:53",
            meters);
  }

  /** The client's UDP limit as CoreDNS computes it: its advertised EDNS size, at least 512. */
  private static int udpLimit(byte[] query) {
    try {
      return Edns.clientLimit(new Message(query).getOPT());
    } catch (IOException | RuntimeException e) {
      return Edns.CLASSIC_LIMIT; // undecodable: a header-only FORMERR
    }
  }

  @FuzzTest(maxDuration = "60s")
  void neverThrowsAndAnswersDecode(byte[] data) throws Exception {
    for (Protocol proto : Protocol.values()) {
      List<ByteBuf> sent = new ArrayList<>();
      ByteBuf in = Unpooled.wrappedBuffer(data);
      ByteBuf fast = processor.process(in, CLIENT, CLIENT, proto, UnpooledByteBufAllocator.DEFAULT, (b, to) -> sent.add(b));
      if (fast != null) {
        sent.add(fast);
      }
      for (ByteBuf out : sent) {
        try {
          byte[] b = new byte[out.readableBytes()];
          out.getBytes(out.readerIndex(), b);
          Message m = new Message(b);
          assertThat(m.getHeader().getID()).isEqualTo(((data[0] & 0xff) << 8) | (data[1] & 0xff));
          if (proto == Protocol.UDP) {
            assertThat(b.length).as("UDP answer within the client's advertised size (512 without EDNS)").isLessThanOrEqualTo(udpLimit(data));
          }
        } finally {
          out.release();
        }
      }
    }
  }
}
