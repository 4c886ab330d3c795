package io.nodecache.listen;

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

  private Transport(boolean epoll, int threads) {
    this.epoll = epoll;
    this.threads = threads;
    IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("dns", true), factory);
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
