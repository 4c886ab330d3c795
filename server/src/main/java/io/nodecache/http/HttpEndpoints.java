package io.nodecache.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.nodecache.transport.Transport;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The HTTP side: {@code /health}, {@code /ready}, {@code /metrics}, {@code /debug/clients}. Endpoints
 * that name the same address share one listener; listeners set SO_REUSEPORT so two instances can
 * overlap in an upgrade.
 */
public final class HttpEndpoints implements AutoCloseable {

  /** An HTTP answer. */
  public record Reply(int status, String contentType, String body) {
    public static Reply text(int status, String body) {
      return new Reply(status, "text/plain; charset=utf-8", body);
    }
  }

  private final Transport transport;
  private final Map<String, Map<String, Supplier<Reply>>> routes = new LinkedHashMap<>();
  private final Map<String, Channel> channels = new ConcurrentHashMap<>();

  public HttpEndpoints(Transport transport) {
    this.transport = transport;
  }

  /** Adds {@code path} on {@code address} ({@code :8080}, {@code 127.0.0.1:0}, {@code [::1]:9253}). */
  public void route(String address, String path, Supplier<Reply> handler) {
    routes.computeIfAbsent(address, a -> new ConcurrentHashMap<>()).put(path, handler);
  }

  public void bind() throws InterruptedException {
    for (var e : routes.entrySet()) {
      Map<String, Supplier<Reply>> paths = e.getValue();
      ServerBootstrap b =
          new ServerBootstrap()
              .group(transport.group())
              .channel(transport.serverChannel())
              .option(ChannelOption.SO_REUSEADDR, true)
              .childOption(ChannelOption.ALLOCATOR, transport.allocator())
              .childHandler(
                  new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      ch.pipeline()
                          .addLast("http", new HttpServerCodec())
                          .addLast("aggregate", new HttpObjectAggregator(8192))
                          .addLast("route", new Router(paths));
                    }
                  });
      if (transport.isEpoll()) {
        b.option(UnixChannelOption.SO_REUSEPORT, true);
      }
      channels.put(e.getKey(), b.bind(socketAddress(e.getKey())).sync().channel());
    }
  }

  /** The bound address of a configured address (its real port when 0 was asked for). */
  public InetSocketAddress bound(String address) {
    Channel c = channels.get(address);
    return c == null ? null : (InetSocketAddress) c.localAddress();
  }

  /** Parses {@code host:port}, {@code :port}, {@code [v6]:port}; an empty host is the wildcard. */
  public static InetSocketAddress socketAddress(String address) {
    int colon = address.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("'" + address + "' (expected: [HOST]:PORT)");
    }
    String host = address.substring(0, colon);
    int port = Integer.parseInt(address.substring(colon + 1));
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }

  @Override
  public void close() {
    channels.values().forEach(c -> c.close().syncUninterruptibly());
    channels.clear();
  }

  private static final class Router extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Map<String, Supplier<Reply>> paths;

    Router(Map<String, Supplier<Reply>> paths) {
      this.paths = paths;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      String path = req.uri();
      int q = path.indexOf('?');
      if (q >= 0) {
        path = path.substring(0, q);
      }
      Supplier<Reply> h = paths.get(path);
      Reply r = h == null ? Reply.text(404, "404 page not found\n") : h.get();
      byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
      FullHttpResponse resp =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()), Unpooled.wrappedBuffer(body));
      resp.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
      resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
      ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
