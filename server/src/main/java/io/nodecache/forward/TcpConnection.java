package io.nodecache.forward;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.collection.IntObjectHashMap;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Message;

/**
 * One pooled TCP connection to an upstream carrying many queries at once (RFC 7766 §6.2.1.1
 * pipelining). Each query gets a random ID unused on this connection; answers are matched by ID and
 * question in any order. State other than the load counter is touched only on the channel's event loop.
 */
final class TcpConnection extends ChannelInboundHandlerAdapter {

  private final TcpPool pool;
  private final IntObjectHashMap<Pending> pending = new IntObjectHashMap<>();
  private final AtomicInteger load = new AtomicInteger();
  private volatile boolean closed;
  private volatile long lastUsed;
  private ChannelFuture connect;

  TcpConnection(TcpPool pool, long now) {
    this.pool = pool;
    this.lastUsed = now;
  }

  void connected(ChannelFuture f) {
    this.connect = f;
    f.addListener(
        done -> {
          if (!done.isSuccess()) {
            closed = true;
            pool.remove(this);
            failAll(UpstreamException.Kind.NETWORK, "connect to " + pool.label() + ": " + done.cause());
          }
        });
  }

  Channel channel() {
    return connect.channel();
  }

  /** Reserves room for one query; false when closed or at {@code cap}. */
  boolean tryReserve(int cap) {
    while (true) {
      int l = load.get();
      if (closed || l >= cap) {
        return false;
      }
      if (load.compareAndSet(l, l + 1)) {
        return true;
      }
    }
  }

  /** Closes this connection if nothing is in flight or reserved; true when it did. */
  boolean retireIfIdle() {
    if (load.compareAndSet(0, Integer.MAX_VALUE / 2)) {
      close();
      return true;
    }
    return false;
  }

  int load() {
    return load.get();
  }

  long lastUsed() {
    return lastUsed;
  }

  /** Sends {@code wire} (a query, ID to be replaced) after {@link #tryReserve}; completes with the answer. */
  CompletableFuture<Message> send(byte[] wire, Pending p, long timeoutNanos) {
    // Callers see the answer only after the slot is released (Pending frees it before completing).
    p.slot = this;
    EventLoop loop = channel().eventLoop();
    if (loop.inEventLoop()) {
      write(wire, p, timeoutNanos);
    } else {
      loop.execute(() -> write(wire, p, timeoutNanos));
    }
    return p.result;
  }

  void release() {
    load.decrementAndGet();
    lastUsed = pool.now();
  }

  private void write(byte[] wire, Pending p, long timeoutNanos) {
    if (closed) {
      p.fail(UpstreamException.Kind.CLOSED, "connection to " + pool.label() + " closed");
      return;
    }
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    int id;
    do {
      id = rnd.nextInt(1 << 16);
    } while (pending.containsKey(id));
    int key = id;
    pending.put(key, p);
    p.timeout =
        channel()
            .eventLoop()
            .schedule(
                () -> {
                  if (pending.remove(key) != null) {
                    p.fail(UpstreamException.Kind.TIMEOUT, "no answer from " + pool.label() + " (tcp)");
                  }
                },
                timeoutNanos,
                TimeUnit.NANOSECONDS);
    Channel ch = channel();
    ByteBuf b = ch.alloc().buffer(2 + wire.length);
    b.writeShort(wire.length).writeBytes(wire).setShort(2, key);
    Runnable go =
        () ->
            ch.writeAndFlush(b)
                .addListener(
                    w -> {
                      if (!w.isSuccess() && pending.remove(key) != null) {
                        p.fail(UpstreamException.Kind.NETWORK, "write to " + pool.label() + ": " + w.cause());
                      }
                    });
    if (connect.isDone()) {
      if (connect.isSuccess()) {
        go.run();
      } else {
        b.release();
      }
    } else {
      connect.addListener(
          c -> {
            if (c.isSuccess()) {
              go.run();
            } else {
              b.release();
            }
          });
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf frame = (ByteBuf) msg;
    try {
      if (frame.readableBytes() < 12) {
        pool.mismatched();
        return;
      }
      int id = frame.getUnsignedShort(frame.readerIndex());
      Pending p = pending.get(id);
      if (p == null) {
        pool.mismatched();
        return;
      }
      Message m;
      try {
        m = new Message(ByteBufUtil.getBytes(frame));
      } catch (IOException e) {
        pool.mismatched();
        return;
      }
      if (!p.matches(m)) {
        // A wrong question under a live ID: drop it and keep waiting for the real answer.
        pool.mismatched();
        return;
      }
      pending.remove(id);
      p.complete(m);
    } finally {
      frame.release();
    }
  }

  /** A failed TLS handshake fails what waits on this connection with the reason (a bad certificate or name). */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent h && !h.isSuccess()) {
      closed = true;
      pool.remove(this);
      Throwable c = h.cause();
      while (c.getCause() != null && c.getMessage() == null) {
        c = c.getCause();
      }
      failAll(UpstreamException.Kind.NETWORK, "tls handshake with " + pool.label() + ": " + c.getMessage());
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed = true;
    pool.remove(this);
    failAll(UpstreamException.Kind.CLOSED, "connection to " + pool.label() + " closed by peer");
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  private void failAll(UpstreamException.Kind kind, String why) {
    if (pending.isEmpty()) {
      return;
    }
    List<Pending> all = new ArrayList<>(pending.values());
    pending.clear();
    for (Pending p : all) {
      p.fail(kind, why);
    }
  }

  void close() {
    closed = true;
    if (connect != null) {
      connect.channel().close();
    }
  }
}
