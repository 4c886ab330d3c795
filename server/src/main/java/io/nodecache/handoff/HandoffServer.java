package io.nodecache.handoff;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.FileDescriptor;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.nodecache.listen.DnsListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running instance's end of the hand-off: listens on the unix socket, passes its DNS sockets to a
 * starting instance over SCM_RIGHTS, and runs {@code onTakenOver} once that instance serves them.
 */
public final class HandoffServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HandoffServer.class);

  private static final int OUR_UID = uid();

  private final Path path;
  private final EventLoopGroup group;
  private final Supplier<Map<InetSocketAddress, DnsListener.Sockets>> sockets;
  private final Runnable onTakenOver;
  private final Runnable onTakerGone;
  private final Consumer<Consumer<String>> cache;
  private final Object lock = new Object();
  private Channel server;
  private Channel taker;
  private boolean closed;
  private volatile boolean takenOver;

  /**
   * @param group an epoll event-loop group
   * @param sockets the current listeners' sockets, keyed by Corefile address
   * @param onTakenOver runs (off the event loop) when the new instance reports it serves the sockets
   * @param onTakerGone runs (off the event loop) when that instance's connection closes before
   *     {@link #close()}: it crashed or stopped, and nobody else reads the sockets
   * @param cache writes our cache entries as {@link CacheTransfer} text, piece by piece, to the sink it is given
   */
  public HandoffServer(
      Path path,
      EventLoopGroup group,
      Supplier<Map<InetSocketAddress, DnsListener.Sockets>> sockets,
      Runnable onTakenOver,
      Runnable onTakerGone,
      Consumer<Consumer<String>> cache) {
    this.path = path;
    this.group = group;
    this.sockets = sockets;
    this.onTakenOver = onTakenOver;
    this.onTakerGone = onTakerGone;
    this.cache = cache;
  }

  /** Binds the unix socket, replacing a stale file left by an earlier instance. */
  public void start() throws IOException, InterruptedException {
    if (path.getParent() != null) {
      Files.createDirectories(path.getParent());
    }
    Files.deleteIfExists(path);
    server =
        new ServerBootstrap()
            .group(group)
            .channel(EpollServerDomainSocketChannel.class)
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(new LineBasedFrameDecoder(256))
                        .addLast(new StringDecoder(StandardCharsets.UTF_8))
                        .addLast(new StringEncoder(StandardCharsets.UTF_8))
                        .addLast(new Session());
                  }
                })
            .bind(new DomainSocketAddress(path.toFile()))
            .sync()
            .channel();
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
  }

  private static int uid() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Whether a new instance took our sockets over. */
  public boolean takenOver() {
    return takenOver;
  }

  /**
   * Stops offering the sockets. Removes the socket file unless a new instance took over (the path is
   * its now).
   */
  @Override
  public void close() {
    Channel t;
    synchronized (lock) {
      closed = true;
      t = taker;
    }
    if (t != null) {
      t.close();
    }
    if (server != null) {
      if (server.isOpen()) {
        server.close().syncUninterruptibly();
      }
      if (!takenOver) {
        try {
          Files.deleteIfExists(path);
        } catch (IOException e) {
          log.debug("cannot remove {}: {}", path, e.toString());
        }
      }
    }
  }

  /** One starting instance's conversation. */
  private final class Session extends SimpleChannelInboundHandler<String> {
    private Map<InetSocketAddress, DnsListener.Sockets> offered;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      synchronized (lock) {
        if (closed || takenOver) {
          ctx.close();
          return;
        }
      }
      int peer;
      try {
        peer = ((EpollDomainSocketChannel) ctx.channel()).peerCredentials().uid();
      } catch (IOException e) {
        ctx.close();
        return;
      }
      if (peer != OUR_UID) {
        log.warn("hand-off: refused a connection from uid {} (we run as {})", peer, OUR_UID);
        ctx.close();
        return;
      }
      offered = sockets.get();
      ctx.writeAndFlush(HandoffProtocol.describe(offered));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, String line) {
      switch (line.trim()) {
        case HandoffProtocol.SEND -> {
          for (int fd : HandoffProtocol.order(offered)) {
            ctx.write(new FileDescriptor(fd)); // sent with SCM_RIGHTS; our copy stays open
          }
          ctx.flush();
        }
        case HandoffProtocol.TAKEN -> taken(ctx.channel());
        case CacheTransfer.REQUEST -> sendCache(ctx);
        default -> {
          log.warn("hand-off: unexpected '{}' from the new instance", line);
          ctx.close();
        }
      }
    }

    /**
     * Writes the cache from a thread of its own, in pieces: this handler runs on one of the DNS event
     * loops, which must not stop answering while thousands of entries are encoded, and one string of the
     * whole cache would be allocated in the old generation and cost a full collection that stops them all.
     */
    private void sendCache(ChannelHandlerContext ctx) {
      Thread t = new Thread(() -> cache.accept(ctx::writeAndFlush), "nodecache-handoff-cache");
      t.setDaemon(true);
      t.start();
    }

    private void taken(Channel ch) {
      synchronized (lock) {
        if (closed || takenOver) {
          ch.close(); // we are stopping ourselves: the new instance keeps its copies anyway
          return;
        }
        takenOver = true;
        taker = ch;
      }
      Thread t =
          new Thread(
              () -> {
                log.info("hand-off: a new instance serves our DNS sockets now; we stop reading them");
                onTakenOver.run();
                server.close().syncUninterruptibly(); // Netty unlinks the path: before the new one binds it
                ch.writeAndFlush(HandoffProtocol.BYE + "\n");
                ch.closeFuture().addListener(f -> takerGone()); // the new instance keeps it open while it runs
              },
              "nodecache-handoff");
      t.setDaemon(true);
      t.start();
    }

    private void takerGone() {
      synchronized (lock) {
        if (closed) {
          return; // we are stopping ourselves
        }
      }
      Thread t = new Thread(onTakerGone, "nodecache-handoff-resume");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.warn("hand-off connection failed: {}", cause.toString());
      ctx.close();
    }
  }
}
