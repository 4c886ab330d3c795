package io.nodecache.forward;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.nodecache.transport.Transport;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;

/**
 * UDP exchanges with one upstream. A socket, bound to a kernel-chosen random port, carries one query at
 * a time with an unpredictable ID (RFC 5452 §9.2); it is reused for at most {@link #MAX_USES} queries
 * and dropped after a timeout, so ports keep changing. An answer counts only if it comes from the
 * upstream's address and port with the current ID and question; anything else is dropped and counted.
 */
final class UdpClient {

  /** UDP queries in flight towards one upstream (one socket each). */
  static final int MAX_IN_FLIGHT = 4096;

  /** Queries one socket carries, one after the other, before it is closed. */
  static final int MAX_USES = 100;

  /** Idle sockets kept for reuse. */
  static final int MAX_IDLE = 256;

  private final InetSocketAddress to;
  private final String label;
  private final Bootstrap bootstrap;
  private final InetSocketAddress local;
  private final ForwardMetrics.To meters;
  private final SecureRandom ids;
  private final LongSupplier clock;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final ConcurrentLinkedDeque<Socket> idle = new ConcurrentLinkedDeque<>();
  private volatile boolean closed;

  UdpClient(InetSocketAddress to, String label, Transport transport, SecureRandom ids, LongSupplier clock,
      ForwardMetrics.To meters) {
    this.to = to;
    this.label = label;
    this.ids = ids;
    this.clock = clock;
    this.meters = meters;
    this.bootstrap =
        new Bootstrap()
            .group(transport.group())
            .option(ChannelOption.ALLOCATOR, transport.allocator())
            .channel(transport.datagramChannel())
            // Room for any answer: the query's EDNS size may be up to 64 KiB.
            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65535));
    try {
      byte[] any = new byte[to.getAddress() instanceof Inet4Address ? 4 : 16];
      this.local = new InetSocketAddress(InetAddress.getByAddress(any), 0);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  int inFlight() {
    return inFlight.get();
  }

  /** Sends {@code wire} (ID replaced) and waits up to {@code timeoutNanos} for the answer. */
  CompletableFuture<Message> exchange(byte[] wire, Record question, long timeoutNanos) {
    Pending p = new Pending(question);
    if (closed || inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
      if (!closed) {
        inFlight.decrementAndGet();
      }
      p.fail(UpstreamException.Kind.OVERLOADED, closed ? "forwarder stopped" : label + ": too many UDP queries in flight");
      return p.result;
    }
    Socket s = idle.pollFirst();
    if (s != null && s.bound.channel().isActive()) {
      meters.connHitsUdp.increment();
    } else {
      if (s != null) {
        s.close();
      }
      s = new Socket();
      s.bound = bootstrap.clone().handler(s).bind(local);
      meters.connMissesUdp.increment();
    }
    Socket sock = s;
    int id = ids.nextInt(1 << 16);
    sock.uses++;
    sock.id = id;
    sock.current = p;
    // Callers see the answer only after the socket is back in the pool (or closed).
    CompletableFuture<Message> result = p.result.whenComplete((m, e) -> sock.done(e == null));
    ByteBuf q = Unpooled.wrappedBuffer(wire.clone());
    q.setShort(0, id);
    Runnable send =
        () -> {
          p.timeout =
              sock.bound.channel().eventLoop()
                  .schedule(
                      () -> p.fail(UpstreamException.Kind.TIMEOUT, "no answer from " + label + " (udp)"),
                      timeoutNanos,
                      TimeUnit.NANOSECONDS);
          if (p.result.isDone()) {
            p.cancelTimeout();
            q.release();
            return;
          }
          sock.bound.channel()
              .writeAndFlush(new DatagramPacket(q, to))
              .addListener(
                  w -> {
                    if (!w.isSuccess()) {
                      p.fail(UpstreamException.Kind.NETWORK, "send to " + label + ": " + w.cause());
                    }
                  });
        };
    if (sock.bound.isDone()) {
      var loop = sock.bound.channel().eventLoop();
      if (loop.inEventLoop()) {
        send.run();
      } else {
        loop.execute(send);
      }
    } else {
      sock.bound.addListener(
          b -> {
            if (b.isSuccess()) {
              send.run();
            } else {
              q.release();
              p.fail(UpstreamException.Kind.NETWORK, "udp socket for " + label + ": " + b.cause());
            }
          });
    }
    return result;
  }

  /** Closes sockets idle for {@code expireNanos} or more. */
  void expire(long expireNanos) {
    long now = clock.getAsLong();
    for (Iterator<Socket> it = idle.iterator(); it.hasNext(); ) {
      Socket s = it.next();
      if (now - s.lastUsed >= expireNanos && idle.remove(s)) {
        s.close();
      }
    }
  }

  void close() {
    closed = true;
    Socket s;
    while ((s = idle.pollFirst()) != null) {
      s.close();
    }
  }

  /** One socket and the query it currently carries. */
  private final class Socket extends SimpleChannelInboundHandler<DatagramPacket> {
    ChannelFuture bound;
    int uses;
    volatile int id;
    volatile Pending current;
    volatile long lastUsed;

    /** After the query: back to the idle pool if answered and not worn out, else closed. */
    void done(boolean answered) {
      current = null;
      lastUsed = clock.getAsLong();
      inFlight.decrementAndGet();
      if (answered && !closed && uses < MAX_USES && idle.size() < MAX_IDLE) {
        idle.offerFirst(this);
      } else {
        // A timed-out socket is not reused: a late answer must not meet the next query.
        close();
      }
    }

    void close() {
      bound.channel().close();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      Pending p = current;
      InetSocketAddress from = packet.sender();
      ByteBuf buf = packet.content();
      if (p == null
          || p.result.isDone()
          || from == null
          || from.getPort() != to.getPort()
          || !from.getAddress().equals(to.getAddress())
          || buf.readableBytes() < 12
          || buf.getUnsignedShort(buf.readerIndex()) != id) {
        meters.mismatched.increment();
        return;
      }
      Message m;
      try {
        m = new Message(ByteBufUtil.getBytes(buf));
      } catch (IOException e) {
        meters.mismatched.increment();
        return;
      }
      if (!p.matches(m)) {
        meters.mismatched.increment();
        return;
      }
      p.complete(m);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      Pending p = current;
      if (p != null) {
        p.fail(UpstreamException.Kind.NETWORK, "udp " + label + ": " + cause);
      }
    }
  }
}
