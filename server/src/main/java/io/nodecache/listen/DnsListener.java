package io.nodecache.listen;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.unix.UnixChannelOption;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * UDP and TCP sockets of one address and port. With epoll, one SO_REUSEPORT UDP socket per event loop
 * (the kernel spreads datagrams across them) reading with recvmmsg; TCP also sets SO_REUSEPORT so a
 * second instance can bind during an upgrade.
 */
public final class DnsListener implements AutoCloseable {

  private static final int MAX_QUERY = 4096;

  private final Transport transport;
  private final InetSocketAddress requested;
  private final QueryProcessor processor;
  private final ListenerOptions options;
  private final List<Channel> channels = new ArrayList<>();
  private final AtomicInteger openTcp = new AtomicInteger();
  private InetSocketAddress bound;

  public DnsListener(
      Transport transport, InetSocketAddress address, QueryProcessor processor, ListenerOptions options) {
    this.transport = transport;
    this.requested = address;
    this.processor = processor;
    this.options = options;
  }

  /** Binds TCP first (to learn the port when 0 was asked for), then the UDP sockets on that port. */
  public void bind() throws InterruptedException {
    ServerBootstrap tcp =
        new ServerBootstrap()
            .group(transport.group())
            .channel(transport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(PipelineConfigurator.tcp(processor, options, openTcp));
    if (transport.isEpoll()) {
      tcp.option(UnixChannelOption.SO_REUSEPORT, true);
    }
    Channel server = tcp.bind(requested).sync().channel();
    channels.add(server);
    bound = (InetSocketAddress) server.localAddress();
    InetSocketAddress udpAddr = new InetSocketAddress(requested.getAddress(), bound.getPort());
    int sockets = transport.isEpoll() ? transport.threads() : 1;
    for (int i = 0; i < sockets; i++) {
      Bootstrap udp =
          new Bootstrap()
              .group(transport.group())
              .channel(transport.datagramChannel())
              .option(ChannelOption.SO_RCVBUF, options.udpReceiveBuffer())
              .option(ChannelOption.SO_REUSEADDR, true)
              .handler(PipelineConfigurator.udp(processor));
      if (transport.isEpoll()) {
        udp.option(UnixChannelOption.SO_REUSEPORT, true)
            .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_QUERY)
            .option(
                ChannelOption.RCVBUF_ALLOCATOR,
                new FixedRecvByteBufAllocator(MAX_QUERY * options.udpBatch()));
      } else {
        udp.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_QUERY));
      }
      channels.add(udp.bind(udpAddr).sync().channel());
    }
  }

  /** The bound address (with the real port when port 0 was requested). */
  public InetSocketAddress address() {
    return bound;
  }

  public QueryProcessor processor() {
    return processor;
  }

  public int openTcpConnections() {
    return openTcp.get();
  }

  /** Stops accepting: closes every socket of this listener. */
  @Override
  public void close() {
    for (Channel c : channels) {
      c.close().syncUninterruptibly();
    }
    channels.clear();
  }
}
