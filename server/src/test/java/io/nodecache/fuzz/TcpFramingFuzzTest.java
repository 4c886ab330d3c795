package io.nodecache.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.nodecache.chain.Chain;
import io.nodecache.listen.ListenerOptions;
import io.nodecache.listen.QueryProcessor;
import io.nodecache.listen.Router;
import io.nodecache.listen.PipelineConfigurator;
import io.nodecache.metrics.DnsMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Arbitrary byte streams cut into arbitrary chunks through the TCP pipeline (framing, idle handler,
 * query handler): the channel never throws, every buffer is released, every frame out is length-framed.
 */
class TcpFramingFuzzTest {

  private final QueryProcessor processor;

  TcpFramingFuzzTest() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Chain empty = new Chain(List.of());
    processor =
        new QueryProcessor(
            new Router(List.of(Router.route(".", empty, new DnsMetrics(meters, "dns://:53", ".", List.of())))),
            "dns://:53",
            meters);
  }

  @FuzzTest(maxDuration = "60s")
  void framesAreHandledAndReleased(FuzzedDataProvider data) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.pipeline().addLast(PipelineConfigurator.tcp(processor, ListenerOptions.DEFAULTS, new AtomicInteger()));
    ch.pipeline().fireChannelRegistered();
    List<ByteBuf> inputs = new ArrayList<>();
    while (data.remainingBytes() > 0 && ch.isOpen()) {
      byte[] bytes = data.consumeBytes(data.consumeInt(1, 600));
      if (bytes.length == 0) {
        break; // Unpooled's shared empty buffer is never released: nothing to check
      }
      ByteBuf chunk = Unpooled.copiedBuffer(bytes);
      inputs.add(chunk);
      ch.writeInbound(chunk);
      ch.runPendingTasks();
    }
    ByteBuf out;
    while ((out = ch.readOutbound()) != null) {
      try {
        assertThat(out.readableBytes()).isGreaterThanOrEqualTo(2);
      } finally {
        out.release();
      }
    }
    ch.finishAndReleaseAll();
    for (ByteBuf in : inputs) {
      assertThat(in.refCnt()).isZero();
    }
  }
}
