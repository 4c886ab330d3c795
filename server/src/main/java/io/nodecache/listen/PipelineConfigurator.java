package io.nodecache.listen;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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

  /**
   * TCP per RFC 7766: 2-byte length framing both ways, idle timeout, a cap on connections (counted in
   * {@code open}) and on in-flight queries per connection.
   */
  public static ChannelInitializer<Channel> tcp(
      QueryProcessor processor, ListenerOptions options, AtomicInteger open) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        if (open.incrementAndGet() > options.tcpMaxConnections()) {
          open.decrementAndGet();
          ch.close();
          return;
        }
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        long idle = options.tcpIdle().toMillis();
        ch.pipeline()
            .addLast("idle", new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS))
            .addLast("frame-decoder", new LengthFieldBasedFrameDecoder(65537, 0, 2, 0, 2))
            .addLast("frame-encoder", new LengthFieldPrepender(2))
            .addLast("dns-tcp", new TcpQueryHandler(processor, options.tcpMaxInFlight()))
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
