package io.nodecache.server;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nodecache.chain.Chain;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Corefile;
import io.nodecache.forward.ForwardPluginFactory;
import io.nodecache.hosts.HostsPluginFactory;
import io.nodecache.listen.DnsListener;
import io.nodecache.listen.ListenerOptions;
import io.nodecache.listen.QueryProcessor;
import io.nodecache.listen.Router;
import io.nodecache.transport.Transport;
import io.nodecache.errors.ErrorsPluginFactory;
import io.nodecache.http.HttpEndpoints;
import io.nodecache.log.LogPluginFactory;
import io.nodecache.loop.LoopDetector;
import io.nodecache.metrics.ServerMetrics;
import io.nodecache.util.BuildInfo;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one server: a {@link Generation} of chains built from the Corefile, one listener per address
 * and port, the HTTP endpoints; reloads swap generations without dropping a query. All wiring happens
 * here.
 */
public final class NodeCache implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NodeCache.class);

  /** Inputs of a server. */
  public record Setup(
      Corefile corefile,
      Map<String, String> env,
      PrometheusMeterRegistry meters,
      Ticker ticker,
      ListenerOptions listenerOptions,
      int threads,
      List<PluginFactory> extraPlugins) {

    /** Defaults for everything but the Corefile: system ticker, fresh registry, one thread per core. */
    public static Setup of(Corefile corefile) {
      return new Setup(
          corefile,
          System.getenv(),
          new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
          Ticker.systemTicker(),
          ListenerOptions.DEFAULTS,
          0,
          List.of());
    }

    public Setup withPlugins(List<PluginFactory> plugins) {
      return new Setup(corefile, env, meters, ticker, listenerOptions, threads, plugins);
    }

    public Setup withTicker(Ticker t) {
      return new Setup(corefile, env, meters, t, listenerOptions, threads, extraPlugins);
    }

    public Setup withListenerOptions(ListenerOptions o) {
      return new Setup(corefile, env, meters, ticker, o, threads, extraPlugins);
    }

    public Setup withEnv(Map<String, String> e) {
      return new Setup(corefile, e, meters, ticker, listenerOptions, threads, extraPlugins);
    }
  }

  /** The plugins compiled into the server module, in no particular order. */
  public static List<PluginFactory> builtinPlugins() {
    return List.of(
        new ErrorsPluginFactory(),
        new LogPluginFactory(),
        new HostsPluginFactory(),
        new io.nodecache.cache.CachePluginFactory(),
        new ForwardPluginFactory());
  }

  private final Setup setup;
  private final Transport transport;
  private final ScheduledExecutorService scheduler;
  private final Map<String, PluginFactory> factories;
  private final Map<InetSocketAddress, DnsListener> listeners = new LinkedHashMap<>();
  private final ReloadMetrics reloadMetrics;
  private final ServerMetrics serverMetrics;
  private volatile Generation gen;
  private volatile HttpEndpoints http;
  private volatile boolean lameduck;
  private Map<InetSocketAddress, DnsListener.Sockets> adopted = new HashMap<>();
  private volatile boolean handedOver;
  private volatile boolean stopping;
  private volatile Consumer<String> onFatal =
      msg -> {
        log.error(msg);
        close();
      };

  private NodeCache(Setup setup) {
    this.setup = setup;
    this.transport = Transport.create(setup.threads(), true);
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "nodecache-timer");
              t.setDaemon(true);
              return t;
            });
    this.factories = factories(setup);
    this.factories.put("loop", new LoopDetector(this::listenerFor, msg -> onFatal.accept(msg)));
    this.reloadMetrics = new ReloadMetrics(setup.meters());
    this.serverMetrics = new ServerMetrics(setup.meters(), BuildInfo.VERSION);
  }

  /** Validates the whole Corefile and builds every chain without binding anything. */
  public static NodeCache build(Setup setup) throws ConfigException {
    NodeCache n = new NodeCache(setup);
    try {
      n.gen = Generation.build(setup, setup.corefile(), n.factories, n.transport, n.scheduler);
    } catch (ConfigException | RuntimeException e) {
      n.close();
      throw e;
    }
    return n;
  }

  private static Map<String, PluginFactory> factories(Setup setup) {
    Map<String, PluginFactory> f = new HashMap<>();
    for (PluginFactory p : builtinPlugins()) {
      f.put(p.name(), p);
    }
    for (PluginFactory p : ServiceLoader.load(PluginFactory.class)) {
      f.put(p.name(), p);
    }
    for (PluginFactory p : setup.extraPlugins()) {
      f.put(p.name(), p);
    }
    return f;
  }

  /** Starts plugins, binds every listener and endpoint. */
  public synchronized void start() throws Exception {
    Generation g = gen;
    g.start();
    bindListeners(g);
    adopted.values().forEach(DnsListener.Sockets::close); // handed-over addresses this Corefile lacks
    adopted.clear();
    http = endpoints(g.server());
    http.bind();
    reloadMetrics.loaded(g.corefile());
  }

  private void bindListeners(Generation g) throws InterruptedException {
    for (var e : g.routes().entrySet()) {
      DnsListener existing = listeners.get(e.getKey());
      Router router = new Router(e.getValue());
      if (existing != null) {
        existing.processor().router(router);
        continue;
      }
      String label = Generation.serverLabel(e.getKey(), e.getKey().getPort());
      QueryProcessor p = new QueryProcessor(router, label, setup.meters());
      DnsListener l = new DnsListener(transport, e.getKey(), p, setup.listenerOptions());
      DnsListener.Sockets handed = adopted.remove(e.getKey());
      if (handed != null) {
        l.adopt(handed);
      } else {
        l.bind();
      }
      listeners.put(e.getKey(), l);
    }
  }

  private HttpEndpoints endpoints(ServerConfig sc) {
    HttpEndpoints h = new HttpEndpoints(transport);
    sc.health().ifPresent(x -> h.route(x.address(), "/health", () -> HttpEndpoints.Reply.text(200, "OK")));
    sc.ready().ifPresent(a -> h.route(a, "/ready", this::readyReply));
    sc.prometheus()
        .ifPresent(
            a ->
                h.route(
                    a,
                    "/metrics",
                    () -> new HttpEndpoints.Reply(200, "text/plain; version=0.0.4; charset=utf-8", setup.meters().scrape())));
    return h;
  }

  /**
   * Applies a new Corefile without dropping a query: builds and starts the new chains, points existing
   * listeners at them, binds new addresses, closes vanished ones, and stops the old chains once their
   * queries had time to finish. A bad Corefile leaves the running one in place.
   *
   * @return false when the new Corefile was rejected (the reason is logged and counted)
   */
  public synchronized boolean reload(Corefile corefile) {
    if (handedOver) {
      return false; // the new instance serves our sockets and reloads for itself
    }
    Generation old = gen;
    Generation next;
    try {
      next = Generation.build(setup, corefile, factories, transport, scheduler);
      next.start();
    } catch (Exception e) {
      reloadMetrics.failed();
      log.error("reload rejected, the running config keeps serving: {}", e.getMessage());
      return false;
    }
    try {
      bindListeners(next);
    } catch (Exception e) {
      next.stop();
      for (var entry : old.routes().entrySet()) {
        DnsListener l = listeners.get(entry.getKey());
        if (l != null) {
          l.processor().router(new Router(entry.getValue()));
        }
      }
      reloadMetrics.failed();
      log.error("reload rejected, cannot bind: {}", e.toString());
      return false;
    }
    listeners.entrySet().removeIf(
        e -> {
          if (!next.routes().containsKey(e.getKey())) {
            e.getValue().close();
            return true;
          }
          return false;
        });
    if (!next.server().equals(old.server())) {
      HttpEndpoints fresh = endpoints(next.server());
      http.close();
      try {
        fresh.bind();
      } catch (Exception e) {
        log.error("reload: cannot bind the HTTP endpoints: {}", e.toString());
      }
      http = fresh;
    }
    gen = next;
    scheduler.schedule(old::stop, 5, TimeUnit.SECONDS);
    reloadMetrics.loaded(corefile);
    log.info("reloaded {}", corefile.source());
    return true;
  }

  /**
   * Sockets a previous instance handed over, keyed by Corefile address: {@link #start()} serves on them
   * instead of binding those addresses.
   */
  public synchronized void adopt(Map<InetSocketAddress, DnsListener.Sockets> sockets) {
    adopted = new HashMap<>(sockets);
  }

  /** The DNS sockets of every listener, keyed by Corefile address, to hand over to a new instance. */
  public synchronized Map<InetSocketAddress, DnsListener.Sockets> listenerSockets() {
    Map<InetSocketAddress, DnsListener.Sockets> m = new LinkedHashMap<>();
    listeners.forEach((a, l) -> m.put(a, l.sockets()));
    return m;
  }

  /**
   * A new instance serves our sockets now: stop reading them, leave the probes to it (close the HTTP
   * endpoints), keep answering in-flight queries and open TCP connections until {@link #shutdown}.
   */
  public synchronized void handedOver() {
    handedOver = true;
    lameduck = true;
    listeners.values().forEach(DnsListener::stopReading);
    if (http != null) {
      http.close();
    }
  }

  /**
   * The instance that took our sockets over went away while we still run: read and answer on them
   * again, with our probes back.
   *
   * @return false when we are stopping anyway
   */
  public synchronized boolean resume() {
    if (!handedOver || stopping) {
      return false;
    }
    listeners.values().forEach(DnsListener::startReading);
    http = endpoints(gen.server());
    try {
      http.bind();
    } catch (Exception e) {
      log.error("cannot bind the HTTP endpoints again: {}", e.toString());
    }
    // Last, so that whoever sees us serving again also sees the endpoints bound.
    lameduck = false;
    handedOver = false;
    return true;
  }

  public boolean isHandedOver() {
    return handedOver;
  }

  /** Counts a reload whose Corefile could not even be parsed; the running config keeps serving. */
  public void reloadFailed(String reason) {
    reloadMetrics.failed();
    log.error("reload rejected, the running config keeps serving: {}", reason);
  }

  private HttpEndpoints.Reply readyReply() {
    if (lameduck) {
      return HttpEndpoints.Reply.text(503, "shutting down\n");
    }
    List<String> waiting = gen.notReady();
    return waiting.isEmpty()
        ? HttpEndpoints.Reply.text(200, "OK")
        : HttpEndpoints.Reply.text(503, String.join(",", waiting) + "\n");
  }

  public boolean ready() {
    return !lameduck && gen.ready();
  }

  /** What happens on a fatal condition such as a detected forwarding loop; Main exits the process. */
  public void onFatal(Consumer<String> action) {
    this.onFatal = action;
  }

  private synchronized InetSocketAddress listenerFor(int port) {
    for (DnsListener l : listeners.values()) {
      if (port == 0 || l.address().getPort() == port) {
        InetSocketAddress a = l.address();
        return a.getAddress().isAnyLocalAddress() ? new InetSocketAddress("127.0.0.1", a.getPort()) : a;
      }
    }
    return null;
  }

  /** The bound DNS addresses (real ports when 0 was configured). */
  public synchronized List<InetSocketAddress> dnsAddresses() {
    return listeners.values().stream().map(DnsListener::address).toList();
  }

  /** The bound address of an HTTP endpoint kind: "health", "ready" or "prometheus". */
  public InetSocketAddress httpAddress(String kind) {
    ServerConfig sc = gen.server();
    String a =
        switch (kind) {
          case "health" -> sc.health().map(ServerConfig.Health::address).orElse(null);
          case "ready" -> sc.ready().orElse(null);
          case "prometheus" -> sc.prometheus().orElse(null);
          default -> null;
        };
    return a == null || http == null ? null : http.bound(a);
  }

  /** The chains of the server blocks in file order (tests look at their handlers). */
  public List<Chain> chains() {
    return gen.chains();
  }

  /** The Corefile's {@code reload} settings, if it has the directive. */
  public java.util.Optional<ServerConfig.Reload> reloadSettings() {
    return gen.server().reload();
  }

  public Transport transport() {
    return transport;
  }

  public ScheduledExecutorService scheduler() {
    return scheduler;
  }

  public PrometheusMeterRegistry meters() {
    return setup.meters();
  }

  /**
   * Graceful stop: {@code /ready} turns 503, the health lameduck period passes while serving, the
   * listeners close, in-flight queries drain (bounded by {@code drainMillis}), plugins stop.
   */
  public void shutdown(long drainMillis) {
    shutdown(drainMillis, () -> { });
  }

  /** As {@link #shutdown(long)}, running {@code afterLameduck} (node teardown) before the listeners close. */
  public void shutdown(long drainMillis, Runnable afterLameduck) {
    stopping = true;
    lameduck = true;
    long lame = handedOver ? 0 : gen.server().health().map(h -> h.lameduck().toMillis()).orElse(0L);
    sleep(lame);
    afterLameduck.run();
    synchronized (this) {
      listeners.values().forEach(DnsListener::close);
    }
    long deadline = System.currentTimeMillis() + drainMillis;
    while (System.currentTimeMillis() < deadline && inFlight() > 0) {
      sleep(10);
    }
    if (inFlight() > 0) {
      log.warn("stopping with {} queries still in flight", inFlight());
    }
    close();
  }

  private synchronized int inFlight() {
    int n = 0;
    for (DnsListener l : listeners.values()) {
      n += l.processor().inFlight();
    }
    return n;
  }

  private static void sleep(long ms) {
    if (ms <= 0) {
      return;
    }
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public synchronized void close() {
    stopping = true;
    listeners.values().forEach(DnsListener::close);
    listeners.values().forEach(DnsListener::closeConnections); // a client sees them close, then retries
    if (gen != null) {
      gen.stop();
    }
    if (http != null) {
      http.close();
    }
    scheduler.shutdownNow();
    transport.close();
    serverMetrics.close();
  }
}
