package io.nodecache.listen;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.channel.unix.UnixChannel;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.nodecache.transport.Transport;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP and TCP sockets of one address and port. With epoll, one SO_REUSEPORT UDP socket per event loop
 * (the kernel spreads datagrams across them) reading with recvmmsg; TCP also sets SO_REUSEPORT so a
 * second instance can bind during an upgrade.
 */
public final class DnsListener implements AutoCloseable {

  private static final int MAX_QUERY = 4096;
  private static final Logger log = LoggerFactory.getLogger(DnsListener.class);
  /** setsockopt(SOL_SOCKET, SO_RCVBUFFORCE): Linux's SOL_SOCKET is 1, SO_RCVBUFFORCE 33. */
  private static final IntegerUnixChannelOption SO_RCVBUFFORCE = new IntegerUnixChannelOption("SO_RCVBUFFORCE", 1, 33);
  private static final AtomicBoolean BUFFER_REPORTED = new AtomicBoolean();

  private final Transport transport;
  private final InetSocketAddress requested;
  private final QueryProcessor processor;
  private final ListenerOptions options;
  private final List<Channel> channels = new ArrayList<>();
  private final AtomicInteger openTcp = new AtomicInteger();
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private InetSocketAddress bound;
  /** The Corefile's {@code timeouts} for this address; a reload changes them for new connections. */
  private volatile TcpTimeouts tcpTimeouts = TcpTimeouts.NONE;

  /** The sockets of one listener as file descriptors: the TCP listener and the UDP sockets. */
  public record Sockets(InetSocketAddress bound, int tcp, List<Integer> udp) {
    public Sockets {
      udp = List.copyOf(udp);
    }

    /** Closes this process's copies of the descriptors (the sockets live on where others hold them). */
    public void close() {
      List<Integer> all = new ArrayList<>(udp);
      all.add(tcp);
      for (int fd : all) {
        try {
          new FileDescriptor(fd).close();
        } catch (IOException e) {
          // already closed: nothing to release
        }
      }
    }
  }

  public DnsListener(
      Transport transport, InetSocketAddress address, QueryProcessor processor, ListenerOptions options) {
    this.transport = transport;
    this.requested = address;
    this.processor = processor;
    this.options = options;
  }

  public void tcpTimeouts(TcpTimeouts t) {
    tcpTimeouts = t;
  }

  /**
   * Binds TCP first (to learn the port when 0 was asked for), then the UDP sockets on that port. With
   * port 0 the UDP port may be taken by another socket already; then everything is let go and a new
   * port tried, a few times.
   */
  public void bind() throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        bindOnce();
        return;
      } catch (Exception e) {
        if (requested.getPort() != 0 || attempt >= 8 || !String.valueOf(e.getMessage()).contains("Address already in use")) {
          throw e;
        }
        for (Channel c : channels) {
          c.close().sync();
        }
        channels.clear();
      }
    }
  }

  private void bindOnce() throws InterruptedException {
    ServerBootstrap tcp = tcpBootstrap();
    if (transport.isEpoll()) {
      SocketProtocolFamily family = family(requested);
      tcp.channelFactory(() -> new EpollServerSocketChannel(family)).option(UnixChannelOption.SO_REUSEPORT, true);
    } else {
      tcp.channel(transport.serverChannel());
    }
    Channel server = tcp.bind(requested).sync().channel();
    channels.add(server);
    bound = (InetSocketAddress) server.localAddress();
    InetSocketAddress udpAddr = new InetSocketAddress(requested.getAddress(), bound.getPort());
    int sockets = transport.isEpoll() ? transport.threads() : 1;
    for (int i = 0; i < sockets; i++) {
      Bootstrap udp = udpBootstrap();
      if (transport.isEpoll()) {
        SocketProtocolFamily family = family(requested);
        udp.channelFactory(() -> new EpollDatagramChannel(family)).option(UnixChannelOption.SO_REUSEPORT, true);
      } else {
        udp.channel(transport.datagramChannel());
      }
      Channel ch = udp.bind(udpAddr).sync().channel();
      forceReceiveBuffer(ch);
      channels.add(ch);
    }
  }

  /**
   * A socket of the address's own family: an IPv4 address on an AF_INET6 socket (as ::ffff:a.b.c.d)
   * costs every datagram the mapped-address detour through the IPv6 send and receive paths. The
   * wildcard (no {@code bind}) stays dual-stack, as CoreDNS listens.
   */
  private static SocketProtocolFamily family(InetSocketAddress address) {
    InetAddress ip = address.getAddress();
    return ip instanceof Inet4Address && !ip.isAnyLocalAddress()
        ? SocketProtocolFamily.INET
        : SocketProtocolFamily.INET6;
  }

  /**
   * SO_RCVBUF is capped by {@code net.core.rmem_max} (208 KiB on most distributions: about 200 small
   * queries); with CAP_NET_ADMIN, SO_RCVBUFFORCE sets the asked size regardless, so a burst or a pause
   * (a cold JIT, a GC) queues in the kernel instead of being dropped. Reports the size once.
   */
  private void forceReceiveBuffer(Channel ch) {
    boolean forced = false;
    if (transport.isEpoll()) {
      try {
        forced = ch.config().setOption(SO_RCVBUFFORCE, options.udpReceiveBuffer());
      } catch (ChannelException notPermitted) {
        forced = false; // no CAP_NET_ADMIN: SO_RCVBUF as set, capped
      }
    }
    if (BUFFER_REPORTED.compareAndSet(false, true)) {
      int kib = ch.config().getOption(ChannelOption.SO_RCVBUF) / 2 / 1024; // Linux reports twice the size
      if (forced || kib >= options.udpReceiveBuffer() / 1024) {
        log.info("UDP receive buffer {} KiB per socket", kib);
      } else {
        log.warn(
            "UDP receive buffer {} KiB per socket, not {} KiB: net.core.rmem_max caps it and SO_RCVBUFFORCE"
                + " needs CAP_NET_ADMIN; queries beyond it in a burst are dropped by the kernel",
            kib,
            options.udpReceiveBuffer() / 1024);
      }
    }
  }

  /**
   * Serves on sockets another process bound and handed over (epoll only): registers them with this
   * listener's pipelines instead of binding, so the kernel sockets and their queues never close.
   */
  public void adopt(Sockets sockets) throws InterruptedException {
    int tcpFd = sockets.tcp();
    Channel server =
        tcpBootstrap().channelFactory(() -> new EpollServerSocketChannel(tcpFd)).register().sync().channel();
    channels.add(server);
    bound = (InetSocketAddress) server.localAddress();
    for (int fd : sockets.udp()) {
      channels.add(udpBootstrap().channelFactory(() -> new EpollDatagramChannel(fd)).register().sync().channel());
    }
  }

  private ServerBootstrap tcpBootstrap() {
    return new ServerBootstrap()
        .group(transport.group())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.ALLOCATOR, transport.allocator())
        .childOption(ChannelOption.ALLOCATOR, transport.allocator())
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(
            new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel ch) {
                connections.add(ch); // leaves the group when it closes
                ch.pipeline().addLast(PipelineConfigurator.tcp(processor, options, openTcp, () -> tcpTimeouts));
              }
            });
  }

  private Bootstrap udpBootstrap() {
    Bootstrap udp =
        new Bootstrap()
            .group(transport.group())
            .option(ChannelOption.ALLOCATOR, transport.allocator())
            .option(ChannelOption.SO_RCVBUF, options.udpReceiveBuffer())
            .option(ChannelOption.SO_REUSEADDR, true)
            .handler(PipelineConfigurator.udp(processor));
    if (transport.isEpoll()) {
      udp.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_QUERY)
          .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_QUERY * options.udpBatch()));
    } else {
      udp.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_QUERY));
    }
    return udp;
  }

  /** The file descriptors of this listener's sockets (epoll only), for a hand-off to a new process. */
  public Sockets sockets() {
    List<Integer> udp = new ArrayList<>();
    for (Channel c : channels.subList(1, channels.size())) {
      udp.add(((UnixChannel) c).fd().intValue());
    }
    return new Sockets(bound, ((UnixChannel) channels.get(0)).fd().intValue(), udp);
  }

  /**
   * Stops reading queries and accepting connections; open TCP connections keep being served. Used
   * once another process serves the same sockets.
   */
  public void stopReading() {
    for (Channel c : channels) {
      c.config().setAutoRead(false);
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

  /** Reads and accepts again after {@link #stopReading()}. */
  public void startReading() {
    for (Channel c : channels) {
      c.config().setAutoRead(true);
    }
  }

  /** Closes the open TCP connections (after their queries were answered: see {@link #close()}). */
  public void closeConnections() {
    connections.close().syncUninterruptibly();
  }

  /** Stops accepting: closes every socket of this listener; open TCP connections stay. */
  @Override
  public void close() {
    for (Channel c : channels) {
      c.close().syncUninterruptibly();
    }
    channels.clear();
  }
}
