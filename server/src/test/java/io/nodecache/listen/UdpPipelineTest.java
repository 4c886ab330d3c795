package io.nodecache.listen;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.nodecache.chain.Chain;
import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Next;
import io.nodecache.metrics.DnsMetrics;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.wire.FastQuery;
import io.nodecache.wire.PreparedAnswer;
import io.nodecache.wire.Responses;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The UDP pipeline on an EmbeddedChannel: every buffer in and out is released. */
class UdpPipelineTest {

  private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);
  private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 53);

  /** Answers A queries from one stored answer on the fast path, everything else on the slow path. */
  private static final class Stored implements Handler, FastPath {
    final PreparedAnswer answer;

    Stored() {
      Message m = Responses.error(DnsClient.query("fast.test.", Type.A), Rcode.NOERROR);
      m.addRecord(Records.rr("fast.test. 30 IN A 10.0.0.1"), Section.ANSWER);
      answer = PreparedAnswer.of(m);
    }

    @Override
    public String name() {
      return "cache";
    }

    @Override
    public Result fast(FastQuery q) {
      if (q.qtype() != Type.A) {
        return Result.SLOW;
      }
      q.reply(answer.render(q, 30));
      return Result.ANSWERED;
    }

    @Override
    public CompletionStage<Message> handle(DnsRequest r, Next next) {
      return CompletableFuture.completedFuture(Responses.error(r.query(), Rcode.NXDOMAIN));
    }
  }

  @Test
  void fastAndSlowAnswersLeaveAndEveryBufferIsReleased() throws Exception {
    Chain chain = new Chain(List.of(new Stored()));
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Router router = new Router(List.of(Router.route(".", chain, new DnsMetrics(meters, "dns://:53", ".", List.of("cache")))));
    QueryProcessor p = new QueryProcessor(router, "dns://:53", meters);
    EmbeddedChannel ch = new EmbeddedChannel(new UdpQueryHandler(p));
    List<ByteBuf> inputs = new ArrayList<>();
    for (int type : new int[] {Type.A, Type.AAAA}) {
      ByteBuf in = Unpooled.wrappedBuffer(DnsClient.query("fast.test.", type).toWire());
      inputs.add(in);
      ch.writeInbound(new DatagramPacket(in, LOCAL, CLIENT));
    }
    ByteBuf garbage = Unpooled.wrappedBuffer(new byte[] {1, 2, 3});
    inputs.add(garbage);
    ch.writeInbound(new DatagramPacket(garbage, LOCAL, CLIENT));
    ch.runPendingTasks();
    List<Message> answers = new ArrayList<>();
    DatagramPacket out;
    while ((out = ch.readOutbound()) != null) {
      assertThat(out.recipient()).isEqualTo(CLIENT);
      byte[] b = new byte[out.content().readableBytes()];
      out.content().getBytes(0, b);
      answers.add(new Message(b));
      assertThat(out.release()).isTrue();
    }
    assertThat(answers).extracting(Message::getRcode).containsExactly(Rcode.NOERROR, Rcode.NXDOMAIN);
    for (ByteBuf in : inputs) {
      assertThat(in.refCnt()).isZero();
    }
    assertThat(meters.get("coredns.nodecache.malformed.requests").tag("reason", "short").counter().count()).isEqualTo(1.0);
    assertThat(meters.get("coredns.dns.responses").tag("plugin", "cache").counter().count()).isEqualTo(1.0);
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }
}
