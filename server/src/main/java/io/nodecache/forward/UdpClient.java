package io.nodecache.forward;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.nodecache.listen.Transport;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;

/**
 * UDP exchanges with one upstream. Every query uses its own socket on a kernel-chosen random port and an
 * unpredictable ID (RFC 5452 §9.2); an answer counts only if it comes from the upstream's address and
 * port with our ID and question, anything else is dropped and counted.
 */
final class UdpClient {

  /** UDP queries in flight towards one upstream. */
  static final int MAX_IN_FLIGHT = 4096;

  private final InetSocketAddress to;
  private final String label;
  private final Bootstrap bootstrap;
  private final InetSocketAddress local;
  private final ForwardMetrics.To meters;
  private final SecureRandom ids;
  private final AtomicInteger inFlight = new AtomicInteger();

  UdpClient(InetSocketAddress to, String label, Transport transport, SecureRandom ids, ForwardMetrics.To meters) {
    this.to = to;
    this.label = label;
    this.ids = ids;
    this.meters = meters;
    this.bootstrap = new Bootstrap().group(transport.group()).channel(transport.datagramChannel());
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

  /** Sends {@code wire} (ID replaced) and waits up to {@code timeoutNanos} for an answer of at most {@code maxSize} bytes. */
  CompletableFuture<Message> exchange(byte[] wire, Record question, long timeoutNanos, int maxSize) {
    Pending p = new Pending(question);
    if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
      inFlight.decrementAndGet();
      p.fail(UpstreamException.Kind.OVERLOADED, label + ": too many UDP queries in flight");
      return p.result;
    }
    meters.connMissesUdp.increment();
    int id = ids.nextInt(1 << 16);
    byte[] q = wire.clone();
    q[0] = (byte) (id >>> 8);
    q[1] = (byte) id;
    ChannelFuture bind =
        bootstrap
            .clone()
            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(Math.max(512, maxSize)))
            .handler(new Answer(p, id))
            .bind(local);
    Channel ch = bind.channel();
    p.result.whenComplete(
        (m, e) -> {
          inFlight.decrementAndGet();
          ch.close();
        });
    bind.addListener(
        b -> {
          if (!b.isSuccess()) {
            p.fail(UpstreamException.Kind.NETWORK, "udp socket for " + label + ": " + b.cause());
            return;
          }
          p.timeout =
              ch.eventLoop()
                  .schedule(
                      () -> p.fail(UpstreamException.Kind.TIMEOUT, "no answer from " + label + " (udp)"),
                      timeoutNanos,
                      TimeUnit.NANOSECONDS);
          if (p.result.isDone()) {
            p.cancelTimeout();
            return;
          }
          ch.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(q), to))
              .addListener(
                  w -> {
                    if (!w.isSuccess()) {
                      p.fail(UpstreamException.Kind.NETWORK, "send to " + label + ": " + w.cause());
                    }
                  });
        });
    return p.result;
  }

  private final class Answer extends SimpleChannelInboundHandler<DatagramPacket> {
    private final Pending p;
    private final int id;

    Answer(Pending p, int id) {
      this.p = p;
      this.id = id;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      if (p.result.isDone()) {
        return;
      }
      InetSocketAddress from = packet.sender();
      if (from == null || from.getPort() != to.getPort() || !from.getAddress().equals(to.getAddress())) {
        meters.mismatched.increment();
        return;
      }
      var buf = packet.content();
      if (buf.readableBytes() < 12 || buf.getUnsignedShort(buf.readerIndex()) != id) {
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
      p.fail(UpstreamException.Kind.NETWORK, "udp " + label + ": " + cause);
    }
  }
}
