package io.nodecache.listen;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The {@code timeouts read} deadline: a connection that has not sent one complete query within it is
 * closed. At the first query the deadline ends and the idle timeout takes over, as CoreDNS's server
 * uses its read timeout for the first message and its idle timeout between messages.
 */
final class FirstQueryTimeout extends ChannelInboundHandlerAdapter {

  private final long readMillis;
  private final long idleMillis;
  private ScheduledFuture<?> deadline;

  FirstQueryTimeout(long readMillis, long idleMillis) {
    this.readMillis = readMillis;
    this.idleMillis = idleMillis;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    deadline = ctx.executor().schedule(() -> ctx.close(), readMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (deadline != null) {
      deadline.cancel(false);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object frame) {
    deadline.cancel(false);
    ctx.pipeline().addFirst("idle", new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
    ctx.pipeline().remove(this);
    ctx.fireChannelRead(frame);
  }
}
