package io.nodecache.listen;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.handler.timeout.WriteTimeoutHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Builds the Netty pipelines of the DNS listeners, with named handlers. */
public final class PipelineConfigurator {

  private PipelineConfigurator() {}

  public static ChannelInitializer<Channel> udp(QueryProcessor processor) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast("dns-udp", new UdpQueryHandler(processor));
      }
    };
  }

  /** {@link #tcp(QueryProcessor, ListenerOptions, AtomicInteger, Supplier)} without {@code timeouts}. */
  public static ChannelInitializer<Channel> tcp(QueryProcessor processor, ListenerOptions options, AtomicInteger open) {
    return tcp(processor, options, open, () -> TcpTimeouts.NONE);
  }

  /**
   * TCP per RFC 7766: 2-byte length framing both ways, idle timeout, a cap on connections (counted in
   * {@code open}) and on in-flight queries per connection; the listener's current {@code timeouts}
   * (read for the first query, write, idle), read when the connection opens.
   */
  public static ChannelInitializer<Channel> tcp(
      QueryProcessor processor, ListenerOptions options, AtomicInteger open, Supplier<TcpTimeouts> timeouts) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        if (open.incrementAndGet() > options.tcpMaxConnections()) {
          open.decrementAndGet();
          ch.close();
          return;
        }
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        TcpTimeouts t = timeouts.get();
        long idle = (t.idle() != null ? t.idle() : options.tcpIdle()).toMillis();
        ChannelPipeline p = ch.pipeline();
        if (t.write() != null) {
          p.addLast("write-timeout", new WriteTimeoutHandler(t.write().toMillis(), TimeUnit.MILLISECONDS));
        }
        if (t.read() == null) {
          p.addLast("idle", new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS));
        }
        p.addLast("frame-decoder", new LengthFieldBasedFrameDecoder(65537, 0, 2, 0, 2))
            .addLast("frame-encoder", new LengthFieldPrepender(2));
        if (t.read() != null) {
          p.addLast("first-query", new FirstQueryTimeout(t.read().toMillis(), idle));
        }
        p.addLast("dns-tcp", new TcpQueryHandler(processor, options.tcpMaxInFlight()))
            .addLast("last", new Swallow());
      }
    };
  }

  /** Ends the pipeline so nothing is logged as unhandled after the connection is closed. */
  private static final class Swallow extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
