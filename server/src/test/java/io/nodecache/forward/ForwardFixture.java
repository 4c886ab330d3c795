package io.nodecache.forward;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.LocalZones;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.Protocol;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Corefile;
import io.nodecache.config.CorefileParser;
import io.nodecache.config.Directive;
import io.nodecache.config.ServerBlock;
import io.nodecache.transport.Transport;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Message;

/** Real transport, scheduler and Prometheus registry for forward tests; builds handlers from Corefile text. */
final class ForwardFixture implements AutoCloseable {

  final Transport transport = Transport.create(2, true);
  final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "forward-test-scheduler");
    t.setDaemon(true);
    return t;
  });
  final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<Forward> started = new ArrayList<>();

  /** Parses {@code . { forward ... }} (the directive text, block included) and starts the handler. */
  Forward forward(String directive) throws ConfigException {
    Directive d = directive(directive);
    ServerBlock block = parse(". {\n" + directive + "\n}\n").blocks().get(0);
    PluginContext ctx =
        new PluginContext(block, "dns://:53", meters, Ticker.systemTicker(), transport, scheduler, new LocalZones(), Map.of());
    Forward f = (Forward) new ForwardPluginFactory().create(d, ctx);
    f.start();
    started.add(f);
    return f;
  }

  static Directive directive(String directive) throws ConfigException {
    return parse(". {\n" + directive + "\n}\n").blocks().get(0).directives().get(0);
  }

  static Corefile parse(String text) throws ConfigException {
    return new CorefileParser("Corefile", Map.of(), 53).parse(text);
  }

  static DnsRequest request(Message q, Protocol p) {
    return new DnsRequest(
        q, new InetSocketAddress("127.0.0.1", 40000), new InetSocketAddress("127.0.0.1", 53), p, ".", "dns://:53");
  }

  /** Handles {@code q} as if received over UDP; the next handler must not be reached. */
  static CompletableFuture<Message> send(Forward f, Message q) {
    return send(f, q, Protocol.UDP);
  }

  static CompletableFuture<Message> send(Forward f, Message q, Protocol p) {
    return f.handle(request(q, p), r -> CompletableFuture.failedFuture(new AssertionError("next reached for " + r.name())))
        .toCompletableFuture();
  }

  static Message ask(Forward f, Message q) throws Exception {
    return send(f, q).get(10, TimeUnit.SECONDS);
  }

  static Message ask(Forward f, Message q, Protocol p) throws Exception {
    return send(f, q, p).get(10, TimeUnit.SECONDS);
  }

  /** Handles {@code q} and returns why it failed (the listener then answers SERVFAIL); fails if it was answered. */
  static Throwable failure(Forward f, Message q) throws Exception {
    return failure(send(f, q));
  }

  static Throwable failure(CompletableFuture<Message> answer) throws Exception {
    try {
      Message m = answer.get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got an answer:\n" + m);
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  String scrape() {
    return meters.scrape();
  }

  @Override
  public void close() {
    started.forEach(Forward::stop);
    scheduler.shutdownNow();
    transport.close();
  }
}
