package io.nodecache.handoff;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.ReferenceCountUtil;
import io.nodecache.listen.DnsListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The starting instance's end of the hand-off: asks the running instance on the unix socket for its DNS
 * sockets and receives them as descriptors; {@link Received#confirm} tells it we serve them.
 */
public final class HandoffClient {

  private static final Logger log = LoggerFactory.getLogger(HandoffClient.class);

  private HandoffClient() {}

  /** Sockets received from the running instance, keyed by Corefile address. */
  public static final class Received {
    private final Map<InetSocketAddress, DnsListener.Sockets> sockets;
    private final Channel channel;
    private final CompletableFuture<Void> bye;
    private final CompletableFuture<List<String>> cache;

    private Received(Map<InetSocketAddress, DnsListener.Sockets> sockets, Channel channel, Exchange exchange) {
      this.sockets = sockets;
      this.channel = channel;
      this.bye = exchange.bye;
      this.cache = exchange.cache;
    }

    /** Asks for the old instance's cache entries ({@link CacheTransfer} lines); empty on failure. */
    public List<String> cache(Duration timeout) {
      channel.writeAndFlush(Unpooled.copiedBuffer(CacheTransfer.REQUEST + "\n", StandardCharsets.UTF_8));
      try {
        return cache.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        log.warn("hand-off: no cache from the old instance within {}: {}", timeout, e.toString());
        return List.of();
      }
    }

    public Map<InetSocketAddress, DnsListener.Sockets> sockets() {
      return sockets;
    }

    /**
     * Tells the old instance that we serve the sockets; returns once it has stopped reading them (or
     * the timeout passed, or it went away). The connection stays open while we run: when it closes
     * (we stop or crash) an old instance still running serves the sockets again.
     */
    public boolean confirm(Duration timeout) {
      channel.writeAndFlush(Unpooled.copiedBuffer(HandoffProtocol.TAKEN + "\n", StandardCharsets.UTF_8));
      try {
        bye.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return true;
      } catch (Exception e) {
        log.warn("hand-off: the old instance did not confirm within {}: {}", timeout, e.toString());
        channel.close();
        return false;
      }
    }

    /** Gives up without taking over, or closes the connection when we stop. */
    public void abandon() {
      channel.close();
    }
  }

  /**
   * Connects to {@code path}; empty when nobody listens there (then the caller binds as usual) or the
   * exchange fails or takes longer than {@code timeout}.
   */
  public static Optional<Received> receive(Path path, EventLoopGroup group, Duration timeout) {
    if (!Files.exists(path)) {
      return Optional.empty();
    }
    Exchange exchange = new Exchange();
    new Bootstrap()
        .group(group)
        .channel(EpollDomainSocketChannel.class)
        .handler(exchange)
        .connect(new DomainSocketAddress(path.toFile()))
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                exchange.sockets.completeExceptionally(f.cause());
              }
            });
    try {
      Map<InetSocketAddress, DnsListener.Sockets> got =
          exchange.sockets.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      log.info("hand-off: took over {} listener(s) from the running instance via {}", got.size(), path);
      return Optional.of(new Received(got, exchange.channel, exchange));
    } catch (Exception e) {
      log.info("hand-off: no running instance at {} ({}); binding our own sockets", path, rootCause(e));
      exchange.fail();
      return Optional.empty();
    }
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.toString();
  }

  /** Reads the announcement as text, then switches the socket to descriptor reading. */
  private static final class Exchange extends ChannelInboundHandlerAdapter {
    final CompletableFuture<Map<InetSocketAddress, DnsListener.Sockets>> sockets = new CompletableFuture<>();
    final CompletableFuture<Void> bye = new CompletableFuture<>();
    final CompletableFuture<List<String>> cache = new CompletableFuture<>();
    private final List<String> cacheLines = new ArrayList<>();
    private final HandoffProtocol.Parser parser = new HandoffProtocol.Parser();
    private final StringBuilder text = new StringBuilder();
    private final List<Integer> fds = new ArrayList<>();
    private volatile Channel channel;
    private boolean announced;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      channel = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof FileDescriptor fd) {
          if (sockets.isDone()) {
            fd.close(); // late, after we gave up: not ours to keep
            return;
          }
          fds.add(fd.intValue());
          if (fds.size() == parser.expected()) {
            ((EpollDomainSocketChannel) ctx.channel()).config().setReadMode(DomainSocketReadMode.BYTES);
            if (!sockets.complete(parser.assign(fds))) {
              closeFds();
            }
          }
        } else if (msg instanceof ByteBuf buf) {
          text.append(buf.toString(StandardCharsets.UTF_8));
          lines(ctx);
        }
      } catch (RuntimeException | IOException e) {
        sockets.completeExceptionally(e);
        ctx.close();
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void lines(ChannelHandlerContext ctx) {
      int nl;
      while ((nl = text.indexOf("\n")) >= 0) {
        String line = text.substring(0, nl);
        text.delete(0, nl + 1);
        if (!announced) {
          if (parser.line(line)) {
            announced = true;
            ((EpollDomainSocketChannel) ctx.channel()).config().setReadMode(DomainSocketReadMode.FILE_DESCRIPTORS);
            if (parser.expected() == 0) {
              sockets.complete(Map.of());
            } else {
              ctx.writeAndFlush(Unpooled.copiedBuffer(HandoffProtocol.SEND + "\n", StandardCharsets.UTF_8));
            }
          }
        } else if (line.startsWith("entry ")) {
          cacheLines.add(line);
        } else if (line.startsWith(CacheTransfer.END)) {
          cache.complete(List.copyOf(cacheLines));
          cacheLines.clear();
        } else if (line.trim().equals(HandoffProtocol.BYE)) {
          bye.complete(null);
        }
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      sockets.completeExceptionally(new IllegalStateException("the old instance closed the hand-off"));
      bye.completeExceptionally(new IllegalStateException("the old instance closed the hand-off"));
      cache.completeExceptionally(new IllegalStateException("the old instance closed the hand-off"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      sockets.completeExceptionally(cause);
      ctx.close();
    }

    /** The exchange failed or timed out: close the connection and any descriptor received. */
    void fail() {
      Channel c = channel;
      if (c != null) {
        c.close();
        c.eventLoop().execute(this::closeFds);
      }
    }

    private void closeFds() {
      for (int fd : fds) {
        try {
          new FileDescriptor(fd).close();
        } catch (IOException e) {
          // already closed
        }
      }
      fds.clear();
    }
  }
}
