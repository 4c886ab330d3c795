package io.nodecache;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nodecache.chain.Chain;
import io.nodecache.chain.ChainOrder;
import io.nodecache.chain.Handler;
import io.nodecache.chain.LocalZones;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Corefile;
import io.nodecache.config.Directive;
import io.nodecache.config.ServerBlock;
import io.nodecache.forward.ForwardPluginFactory;
import io.nodecache.hosts.HostsPluginFactory;
import io.nodecache.listen.DnsListener;
import io.nodecache.listen.ListenerOptions;
import io.nodecache.listen.QueryProcessor;
import io.nodecache.listen.Router;
import io.nodecache.listen.Transport;
import io.nodecache.observe.DnsMetrics;
import io.nodecache.observe.ErrorsPluginFactory;
import io.nodecache.observe.HttpEndpoints;
import io.nodecache.observe.LogPluginFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and runs one server from a parsed Corefile: the handler chains of its blocks, one listener
 * per address and port, and the HTTP endpoints. All wiring happens here.
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
          new PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT),
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
    return List.of(new ErrorsPluginFactory(), new LogPluginFactory(), new HostsPluginFactory(), new ForwardPluginFactory());
  }

  private final Setup setup;
  private final Transport transport;
  private final ScheduledExecutorService scheduler;
  private final ServerConfig serverConfig;
  private final List<Chain> chains = new ArrayList<>();
  private final Map<InetSocketAddress, DnsListener> listeners = new LinkedHashMap<>();
  private final HttpEndpoints http;
  private volatile boolean lameduck;

  private NodeCache(Setup setup) throws ConfigException {
    this.setup = setup;
    this.serverConfig = ServerConfig.of(setup.corefile());
    this.transport = Transport.create(setup.threads(), true);
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "nodecache-timer");
              t.setDaemon(true);
              return t;
            });
    this.http = new HttpEndpoints(transport);
  }

  /** Validates the whole Corefile and builds every chain without binding anything. */
  public static NodeCache build(Setup setup) throws ConfigException {
    NodeCache n = new NodeCache(setup);
    try {
      n.buildChains();
    } catch (ConfigException | RuntimeException e) {
      n.close();
      throw e;
    }
    return n;
  }

  private Map<String, PluginFactory> factories() {
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

  private final Map<InetSocketAddress, List<Router.Route>> routes = new LinkedHashMap<>();

  private void buildChains() throws ConfigException {
    Map<String, PluginFactory> factories = factories();
    for (ServerBlock block : setup.corefile().blocks()) {
      Map<String, Directive> byName = new HashMap<>();
      for (Directive d : block.directives()) {
        if (!ChainOrder.known(d.name())) {
          throw new ConfigException(d.where(), "unknown directive '" + d.name() + "'");
        }
        if (ChainOrder.HANDLERS.contains(d.name())) {
          if (byName.putIfAbsent(d.name(), d) != null) {
            throw d.error("appears twice in this server block");
          }
          if (!factories.containsKey(d.name())) {
            throw d.error("directive is not available in this build (plugin missing from the classpath)");
          }
        }
      }
      List<InetSocketAddress> binds = ServerConfig.binds(block);
      String label = "dns://" + (block.all("bind").isEmpty() ? "" : hostOf(binds.get(0))) + ":" + block.port();
      LocalZones local = new LocalZones();
      PluginContext ctx =
          new PluginContext(block, label, setup.meters(), setup.ticker(), transport, scheduler, local, setup.env());
      List<Handler> handlers = new ArrayList<>();
      for (String name : ChainOrder.HANDLERS) {
        Directive d = byName.get(name);
        if (d != null) {
          handlers.add(factories.get(name).create(d, ctx));
        }
      }
      Chain chain = new Chain(handlers);
      chains.add(chain);
      List<String> names = handlers.stream().map(Handler::name).toList();
      for (InetSocketAddress addr : binds) {
        String server = "dns://" + (block.all("bind").isEmpty() ? "" : hostOf(addr)) + ":" + block.port();
        List<Router.Route> list = routes.computeIfAbsent(addr, a -> new ArrayList<>());
        for (String zone : block.zones()) {
          for (Router.Route r : list) {
            if (r.zone().equals(zone)) {
              throw new ConfigException(block.where(), "zone '" + zone + "' is defined twice for " + server);
            }
          }
          list.add(Router.route(zone, chain, new DnsMetrics(setup.meters(), server, zone, names)));
        }
      }
    }
  }

  private static String hostOf(InetSocketAddress a) {
    String h = a.getAddress().getHostAddress();
    return h.contains(":") ? "[" + h + "]" : h;
  }

  /** Starts plugins, binds every listener and endpoint. */
  public void start() throws Exception {
    for (Chain c : chains) {
      c.start();
    }
    for (var e : routes.entrySet()) {
      QueryProcessor p = new QueryProcessor(new Router(e.getValue()), "dns://" + hostOf(e.getKey()) + ":" + e.getKey().getPort(), setup.meters());
      DnsListener l = new DnsListener(transport, e.getKey(), p, setup.listenerOptions());
      l.bind();
      listeners.put(e.getKey(), l);
    }
    serverConfig.health().ifPresent(h -> http.route(h.address(), "/health", () -> HttpEndpoints.Reply.text(200, "OK")));
    serverConfig.ready().ifPresent(a -> http.route(a, "/ready", this::readyReply));
    serverConfig
        .prometheus()
        .ifPresent(
            a ->
                http.route(
                    a,
                    "/metrics",
                    () -> new HttpEndpoints.Reply(200, "text/plain; version=0.0.4; charset=utf-8", setup.meters().scrape())));
    http.bind();
  }

  private HttpEndpoints.Reply readyReply() {
    if (lameduck) {
      return HttpEndpoints.Reply.text(503, "shutting down\n");
    }
    List<String> waiting = new ArrayList<>();
    for (Chain c : chains) {
      waiting.addAll(c.notReady());
    }
    return waiting.isEmpty() ? HttpEndpoints.Reply.text(200, "OK") : HttpEndpoints.Reply.text(503, String.join(",", waiting) + "\n");
  }

  public boolean ready() {
    return !lameduck && chains.stream().allMatch(Chain::ready);
  }

  /** The bound DNS addresses (real ports when 0 was configured). */
  public List<InetSocketAddress> dnsAddresses() {
    return listeners.values().stream().map(DnsListener::address).toList();
  }

  /** The bound address of an HTTP endpoint kind: "health", "ready" or "prometheus". */
  public InetSocketAddress httpAddress(String kind) {
    String a =
        switch (kind) {
          case "health" -> serverConfig.health().map(ServerConfig.Health::address).orElse(null);
          case "ready" -> serverConfig.ready().orElse(null);
          case "prometheus" -> serverConfig.prometheus().orElse(null);
          default -> null;
        };
    return a == null ? null : http.bound(a);
  }

  /** The chains of the server blocks in file order (tests look at their handlers). */
  public List<Chain> chains() {
    return List.copyOf(chains);
  }

  public Transport transport() {
    return transport;
  }

  public ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /**
   * Graceful stop: {@code /ready} turns 503, the health lameduck period passes while serving, the
   * listeners close, in-flight queries drain (bounded by {@code drainMillis}), plugins stop.
   */
  public void shutdown(long drainMillis) {
    lameduck = true;
    long lame = serverConfig.health().map(h -> h.lameduck().toMillis()).orElse(0L);
    sleep(lame);
    for (DnsListener l : listeners.values()) {
      l.close();
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

  private int inFlight() {
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
  public void close() {
    for (DnsListener l : listeners.values()) {
      l.close();
    }
    for (Chain c : chains) {
      c.stop();
    }
    http.close();
    scheduler.shutdownNow();
    transport.close();
  }
}
