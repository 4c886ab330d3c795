package io.nodecache.listen;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.nodecache.chain.Protocol;
import java.net.InetSocketAddress;

/**
 * One TCP connection (RFC 7766): each frame is a query, several may be in flight, answers leave in
 * completion order. Reading pauses while the in-flight cap is reached; an idle connection is closed.
 */
final class TcpQueryHandler extends ChannelInboundHandlerAdapter {

  private final QueryProcessor processor;
  private final int maxInFlight;
  private Responder responder;
  private int inFlight;
  private boolean pending;

  TcpQueryHandler(QueryProcessor processor, int maxInFlight) {
    this.processor = processor;
    this.maxInFlight = maxInFlight;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    Channel ch = ctx.channel();
    responder =
        new Responder() {
          @Override
          public void send(ByteBuf buf, InetSocketAddress client) {
            if (ch.eventLoop().inEventLoop()) {
              answered(ch, buf);
            } else {
              ch.eventLoop().execute(() -> answered(ch, buf));
            }
          }

          @Override
          public void dropped() {
            inFlight--; // called on the event loop, from channelRead: the query gets no answer
            resume(ch);
          }
        };
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf frame = (ByteBuf) msg;
    try {
      if (frame.readableBytes() < 12) {
        ctx.close(); // a frame without a DNS header: not a DNS client
        return;
      }
      Channel ch = ctx.channel();
      inFlight++;
      if (inFlight >= maxInFlight) {
        ch.config().setAutoRead(false);
      }
      InetSocketAddress client = (InetSocketAddress) ch.remoteAddress();
      ByteBuf answer =
          processor.process(
              frame, client, (InetSocketAddress) ch.localAddress(), Protocol.TCP, ctx.alloc(), responder);
      if (answer != null) {
        inFlight--;
        ctx.write(answer, ctx.voidPromise());
        pending = true;
        resume(ch);
      }
    } finally {
      frame.release();
    }
  }

  private void answered(Channel ch, ByteBuf buf) {
    inFlight--;
    if (ch.isActive()) {
      ch.writeAndFlush(buf, ch.voidPromise());
    } else {
      buf.release();
    }
    resume(ch);
  }

  private void resume(Channel ch) {
    if (inFlight < maxInFlight && !ch.config().isAutoRead()) {
      ch.config().setAutoRead(true);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (pending) {
      pending = false;
      ctx.flush();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent && inFlight == 0) {
      ctx.close();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // framing errors, resets: this connection only
  }
}
