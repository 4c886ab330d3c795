package io.nodecache.forward;

import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.nodecache.transport.Transport;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;

/**
 * The pooled, pipelined TCP connections to one upstream. A query goes to the first open connection with
 * room (so queries share few connections); a new connection is opened only when all are full. Total
 * in-flight queries are capped at {@link #MAX_CONNECTIONS} × {@link #MAX_IN_FLIGHT}, which bounds memory
 * when the upstream hangs.
 */
final class TcpPool {

  /** Queries in flight on one connection (of the 65,536 IDs). */
  static final int MAX_IN_FLIGHT = 256;

  /** Connections per upstream. */
  static final int MAX_CONNECTIONS = 16;

  private final InetSocketAddress to;
  private final String label;
  private final Bootstrap bootstrap;
  private final Ticker ticker;
  private final ForwardMetrics.To meters;
  private final CopyOnWriteArrayList<TcpConnection> connections = new CopyOnWriteArrayList<>();
  private final Tls tls;
  private final long handshakeMillis;
  private volatile boolean closed;

  /** DNS over TLS on this pool's connections: the client, and the name the server certificate must carry. */
  record Tls(TlsClient client, String serverName) {}

  TcpPool(InetSocketAddress to, String label, Transport transport, Ticker ticker, long connectTimeoutMillis,
      ForwardMetrics.To meters, Tls tls) {
    this.to = to;
    this.tls = tls;
    this.handshakeMillis = Math.max(1, connectTimeoutMillis);
    this.label = label;
    this.ticker = ticker;
    this.meters = meters;
    this.bootstrap =
        new Bootstrap()
            .group(transport.group())
            .option(ChannelOption.ALLOCATOR, transport.allocator())
            .channel(transport.socketChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, connectTimeoutMillis));
  }

  /** Sends a query and waits up to {@code timeoutNanos}; a query lost to a closed connection is retried once. */
  CompletableFuture<Message> exchange(byte[] wire, Record question, long timeoutNanos) {
    long until = now() + timeoutNanos;
    return send(wire, question, timeoutNanos)
        .exceptionallyCompose(
            e -> {
              long left = until - now();
              if (UpstreamException.kindOf(e) == UpstreamException.Kind.CLOSED && left > 0 && !closed) {
                return send(wire, question, left);
              }
              return CompletableFuture.failedFuture(e);
            });
  }

  private CompletableFuture<Message> send(byte[] wire, Record question, long timeoutNanos) {
    Pending p = new Pending(question);
    TcpConnection c = acquire();
    if (c == null) {
      p.fail(UpstreamException.Kind.OVERLOADED, closed ? "forwarder stopped" : label + ": too many queries in flight");
      return p.result;
    }
    try {
      return c.send(wire, p, timeoutNanos);
    } catch (RuntimeException e) {
      // Never leave a query without an outcome: the client would wait forever.
      p.fail(UpstreamException.Kind.NETWORK, "send to " + label + ": " + e);
      return p.result;
    }
  }

  private TcpConnection acquire() {
    if (closed) {
      return null;
    }
    for (TcpConnection c : connections) {
      if (c.tryReserve(MAX_IN_FLIGHT)) {
        meters.connHitsTcp.increment();
        return c;
      }
    }
    synchronized (this) {
      for (TcpConnection c : connections) {
        if (c.tryReserve(MAX_IN_FLIGHT)) {
          meters.connHitsTcp.increment();
          return c;
        }
      }
      if (connections.size() >= MAX_CONNECTIONS) {
        return null;
      }
      TcpConnection c = new TcpConnection(this, now());
      c.tryReserve(MAX_IN_FLIGHT);
      meters.connMissesTcp.increment();
      // Published to other threads only once its connect future is set: another event loop may pick
      // it from the list at once (found under a cold burst: a send on it met no channel and its query
      // never completed).
      c.connected(
          bootstrap
              .clone()
              .handler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      if (tls != null) {
                        ch.pipeline()
                            .addLast("tls", tls.client().handler(ch.alloc(), tls.serverName(), to.getPort(), handshakeMillis));
                      }
                      ch.pipeline()
                          .addLast("frame", new LengthFieldBasedFrameDecoder(65535 + 2, 0, 2, 0, 2))
                          .addLast("answers", c);
                    }
                  })
              .connect(to));
      connections.add(c);
      return c;
    }
  }

  /** Closes connections idle longer than {@code expireNanos}, and idle ones beyond {@code maxIdle} (0: no cap). */
  void expire(long expireNanos, int maxIdle) {
    long now = now();
    List<TcpConnection> idle = new ArrayList<>();
    for (TcpConnection c : connections) {
      if (c.load() == 0) {
        idle.add(c);
      }
    }
    idle.sort(Comparator.comparingLong(TcpConnection::lastUsed).reversed());
    for (int i = 0; i < idle.size(); i++) {
      TcpConnection c = idle.get(i);
      if (now - c.lastUsed() >= expireNanos || (maxIdle > 0 && i >= maxIdle)) {
        if (c.retireIfIdle()) {
          connections.remove(c);
        }
      }
    }
  }

  /** Queries in flight (or reserved) over all connections. */
  int inFlight() {
    int sum = 0;
    for (TcpConnection c : connections) {
      sum += c.load();
    }
    return sum;
  }

  int size() {
    return connections.size();
  }

  void remove(TcpConnection c) {
    connections.remove(c);
  }

  void mismatched() {
    meters.mismatched.increment();
  }

  String label() {
    return label;
  }

  long now() {
    return ticker.read();
  }

  void close() {
    closed = true;
    for (TcpConnection c : connections) {
      c.close();
    }
    connections.clear();
  }
}
