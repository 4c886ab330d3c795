package io.nodecache.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * A dnsperf-style DNS load generator on Netty (epoll when available): several UDP sockets or pipelined
 * TCP connections, closed loop (fixed outstanding queries) or open loop (target rate). The run stops by
 * itself: sending ends at the duration or the count bound, whichever comes first, and every query still
 * in flight is answered or timed out at most one timeout later.
 */
public final class LoadGenerator {

  private static final int MAX_ANSWER = 4096;
  private static final int RECV_BATCH = 16;
  /** Extra time after duration + timeout before clients are abandoned (a safety net, not the plan). */
  private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final LoadOptions options;
  private final QuerySet queries;

  public LoadGenerator(LoadOptions options, QuerySet queries) {
    this.options = options;
    this.queries = queries;
  }

  public LoadGenerator(LoadOptions options) throws IOException {
    this(options, QuerySet.of(options));
  }

  /** Runs to completion and reports. */
  public LoadReport run() throws InterruptedException {
    LoadOptions o = options;
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(o.threads(), new DefaultThreadFactory("load", true), io);
    try {
      boolean[] expected = new boolean[16];
      for (String e : o.expect()) {
        expected[Rcodes.value(e)] = true;
      }
      long durationNanos = o.duration().toNanos();
      long timeoutNanos = o.timeout().toNanos();
      List<Client> clients = new ArrayList<>();
      List<Channel> channels = new ArrayList<>();
      SplittableRandom ids = new SplittableRandom();
      // Connect first so that connection setup is not part of the measured time.
      for (int i = 0; i < o.clients(); i++) {
        int window = o.outstanding() / o.clients() + (i < o.outstanding() % o.clients() ? 1 : 0);
        double rate = o.rate() > 0 ? (double) o.rate() / o.clients() : 0;
        Client c = new Client(queries, o.tcp(), window, rate, expected, ids.nextInt(65536));
        clients.add(c);
        channels.add(connect(group, epoll, c));
      }
      RunControl run = new RunControl(System.nanoTime(), durationNanos, timeoutNanos, o.count(), o.clients());
      long tick =
          o.rate() > 0
              ? TimeUnit.MILLISECONDS.toNanos(1)
              : Math.min(TimeUnit.MILLISECONDS.toNanos(5), Math.max(timeoutNanos / 4, 100_000));
      for (int i = 0; i < clients.size(); i++) {
        clients.get(i).start(run, channels.get(i), tick);
      }
      long limit = durationNanos + timeoutNanos + GRACE_NANOS;
      if (!run.finished.await(limit, TimeUnit.NANOSECONDS)) {
        for (int i = 0; i < clients.size(); i++) {
          Client c = clients.get(i);
          channels.get(i).eventLoop().submit(c::abandon).await(1, TimeUnit.SECONDS);
        }
      }
      double elapsed = (System.nanoTime() - run.startNanos) / 1e9;
      for (Channel ch : channels) {
        ch.close().await(1, TimeUnit.SECONDS);
      }
      // Reading the clients' counters on this thread after their event loops ran the final tasks.
      List<Client> read = new ArrayList<>();
      for (int i = 0; i < clients.size(); i++) {
        channels.get(i).eventLoop().submit(() -> {}).await(1, TimeUnit.SECONDS);
        read.add(clients.get(i));
      }
      return LoadReport.of(o, read, elapsed);
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
  }

  private Channel connect(EventLoopGroup group, boolean epoll, Client c) throws InterruptedException {
    Bootstrap b = new Bootstrap().group(group);
    if (options.tcp()) {
      b.channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
          .handler(
              new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                  ch.pipeline()
                      .addLast("frames", new LengthFieldBasedFrameDecoder(65537, 0, 2, 0, 2))
                      .addLast("client", c);
                }
              });
    } else {
      b.channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
          .option(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024)
          .option(ChannelOption.SO_SNDBUF, 4 * 1024 * 1024)
          .handler(c);
      if (epoll) {
        b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_ANSWER)
            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_ANSWER * RECV_BATCH));
      } else {
        b.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65535));
      }
    }
    return b.connect(options.server()).sync().channel();
  }
}
