package io.nodecache.transport;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The Netty transport: native epoll when the platform has it (SO_REUSEPORT, recvmmsg), NIO otherwise.
 * One event-loop group serves listeners and upstream clients alike.
 */
public final class Transport implements AutoCloseable {

  private final boolean epoll;
  private final EventLoopGroup group;
  private final int threads;
  private final ByteBufAllocator allocator;

  private Transport(boolean epoll, int threads) {
    this.epoll = epoll;
    this.threads = threads;
    IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("dns", true), factory);
    this.allocator = pooled(threads);
  }

  /**
   * One pooled direct allocator for every channel of this transport. Netty 4.2's default (adaptive)
   * allocator does not pool the listener's recvmmsg buffer (32 x 4 KiB): it allocated and zeroed a
   * fresh one for every read, a visible share of a core under load. Direct arenas only (nothing here
   * uses heap buffers), one per event loop up to 4, 1 MiB chunks (Netty's default is 4 MiB), and one
   * allocator for every channel: a second one beside the default kept its own chunks resident.
   */
  private static ByteBufAllocator pooled(int threads) {
    int arenas = Math.max(1, Math.min(threads, 4));
    int pageSize = 8192;
    int maxOrder = 7; // chunk = pageSize << maxOrder = 1 MiB
    return new PooledByteBufAllocator(true, 0, arenas, pageSize, maxOrder, 256, 64, false, 0);
  }

  /**
   * @param threads event-loop threads (0: one per core)
   * @param preferNative use epoll when available
   */
  public static Transport create(int threads, boolean preferNative) {
    int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    return new Transport(preferNative && Epoll.isAvailable(), n);
  }

  public boolean isEpoll() {
    return epoll;
  }

  public int threads() {
    return threads;
  }

  public EventLoopGroup group() {
    return group;
  }

  /** The buffer allocator every bootstrap on this transport sets as {@code ChannelOption.ALLOCATOR}. */
  public ByteBufAllocator allocator() {
    return allocator;
  }

  public Class<? extends DatagramChannel> datagramChannel() {
    return epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
  }

  public Class<? extends ServerChannel> serverChannel() {
    return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  public Class<? extends SocketChannel> socketChannel() {
    return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
