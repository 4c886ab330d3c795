package io.nodecache.listen;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.nodecache.chain.Protocol;
import java.net.InetSocketAddress;

/**
 * Reads query datagrams and writes answers. Fast-path answers are written during the read batch and
 * flushed once at its end, so several answers leave in one sendmmsg; slow-path answers are flushed
 * when they complete.
 */
final class UdpQueryHandler extends ChannelInboundHandlerAdapter {

  private final QueryProcessor processor;
  private Responder responder;
  private boolean pending;

  UdpQueryHandler(QueryProcessor processor) {
    this.processor = processor;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    Channel ch = ctx.channel();
    responder = (buf, client) -> ch.writeAndFlush(new DatagramPacket(buf, client), ch.voidPromise());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof DatagramPacket packet)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    try {
      InetSocketAddress client = packet.sender();
      ByteBuf answer =
          processor.process(packet.content(), client, packet.recipient(), Protocol.UDP, ctx.alloc(), responder);
      if (answer != null) {
        ctx.write(new DatagramPacket(answer, client), ctx.voidPromise());
        pending = true;
      }
    } finally {
      packet.release();
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
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // ICMP errors and the like: a UDP socket keeps serving.
  }
}
