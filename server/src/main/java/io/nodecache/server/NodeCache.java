package io.nodecache.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nodecache.chain.Chain;
import io.nodecache.chain.ServerHooks;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Corefile;
import io.nodecache.handoff.HandoffHost;
import io.nodecache.http.HttpEndpoints;
import io.nodecache.listen.DnsListener;
import io.nodecache.metrics.ServerMetrics;
import io.nodecache.server.Setup;
import io.nodecache.transport.Transport;
import io.nodecache.util.BuildInfo;
import io.nodecache.util.Pause;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one server: a {@link Generation} of chains built from the Corefile, the {@link Listeners}, the
 * HTTP endpoints, and the {@link ServerState} they are in. Reloads swap generations without dropping
 * a query. Every state change goes through {@link #move}.
 */
public final class NodeCache implements HandoffHost, ServerHooks, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NodeCache.class);

  private final Setup setup;
  private final Transport transport;
  private final ScheduledExecutorService scheduler;
  private final Listeners listeners;
  private final ReloadMetrics reloadMetrics;
  private final ServerMetrics serverMetrics;
  private final HealthCheck health;
  private final AtomicReference<ServerState> state = new AtomicReference<>(ServerState.STARTING);
  private volatile Generation gen;
  private volatile HttpEndpoints http;
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
    this.listeners = new Listeners(transport, setup.meters(), setup.listenerOptions());
    this.reloadMetrics = new ReloadMetrics(setup.meters());
    this.serverMetrics = new ServerMetrics(setup.meters(), BuildInfo.VERSION);
    this.health = new HealthCheck(this::dnsAddresses, this::answering, transport, setup.meters());
  }

  /** Whether to self-check: a {@code health} endpoint, and listeners ours and answering. */
  private boolean answering() {
    boolean ours = state.get() == ServerState.SERVING || state.get() == ServerState.LAMEDUCK;
    return ours && gen.server().health().isPresent();
  }

  /** Validates the whole Corefile and builds every chain without binding anything. */
  public static NodeCache build(Setup setup) throws ConfigException {
    NodeCache n = new NodeCache(setup);
    try {
      n.gen = n.generation(setup.corefile());
    } catch (ConfigException | RuntimeException e) {
      n.close();
      throw e;
    }
    return n;
  }

  private Generation generation(Corefile corefile) throws ConfigException {
    return Generation.build(setup, corefile, transport, scheduler, this);
  }

  /** For plugins ({@code loop}): the address serving {@code port}, known once bound. */
  @Override
  public synchronized InetSocketAddress listenAddress(int port) {
    return listeners.serving(port);
  }

  /** For plugins ({@code loop}): a condition the server cannot serve through. */
  @Override
  public void fatal(String message) {
    onFatal.accept(message);
  }

  /** The one place the state changes: to {@code next} if the lifecycle allows it; else false. */
  private boolean move(ServerState next) {
    while (true) {
      ServerState now = state.get();
      if (!now.canMoveTo(next)) {
        return false;
      }
      if (state.compareAndSet(now, next)) {
        log.debug("state {} -> {}", now, next);
        return true;
      }
    }
  }

  public ServerState state() {
    return state.get();
  }

  /** Starts plugins, binds every listener and endpoint: STARTING to SERVING. */
  public synchronized void start() throws Exception {
    Generation g = gen;
    g.start();
    listeners.serve(g);
    listeners.dropUnadopted();
    serverMetrics.bindJvm(); // answering already; before the first scrape
    http = endpoints(g.server());
    http.bind();
    reloadMetrics.loaded(g.corefile());
    move(ServerState.SERVING);
    health.start();
  }

  private HttpEndpoints endpoints(ServerConfig sc) {
    return Endpoints.of(transport, sc, setup.meters(), health::reply, this::notReady);
  }

  private List<String> notReady() {
    return state.get() == ServerState.SERVING ? gen.notReady() : List.of("shutting down");
  }

  /** An endpoint serving only {@code /metrics} from this server's registry (node-cache's setup metrics). */
  public HttpEndpoints metricsEndpoint(String address) {
    return Endpoints.metricsOnly(transport, address, setup.meters());
  }

  /**
   * Applies a new Corefile without dropping a query: builds and starts the new chains, points existing
   * listeners at them, binds new addresses, closes vanished ones, and stops the old chains once their
   * queries had time to finish. A bad Corefile leaves the running one in place. Only a SERVING server
   * reloads: a handed-over one leaves that to the instance serving its sockets.
   *
   * @return false when the new Corefile was rejected (the reason is logged and counted)
   */
  public synchronized boolean reload(Corefile corefile) {
    if (state.get() != ServerState.SERVING) {
      return false;
    }
    Generation old = gen;
    Generation next;
    try {
      next = generation(corefile);
      next.start();
    } catch (Exception e) {
      reloadFailed(e.getMessage());
      return false;
    }
    try {
      listeners.serve(next);
    } catch (Exception e) {
      next.stop();
      listeners.restore(old);
      reloadMetrics.failed();
      log.error("reload rejected, cannot bind: {}", e.toString());
      return false;
    }
    listeners.closeAllBut(next);
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

  /** Counts a reload whose Corefile could not be used; the running config keeps serving. */
  public void reloadFailed(String reason) {
    reloadMetrics.failed();
    log.error("reload rejected, the running config keeps serving: {}", reason);
  }

  @Override
  public synchronized void adopt(Map<InetSocketAddress, DnsListener.Sockets> sockets) {
    listeners.adopt(sockets);
  }

  @Override
  public synchronized Map<InetSocketAddress, DnsListener.Sockets> listenerSockets() {
    return listeners.sockets();
  }

  /**
   * A new instance serves our sockets now: stop reading them, leave the probes to it (close the HTTP
   * endpoints), keep answering in-flight queries and open TCP connections until {@link #shutdown}.
   */
  @Override
  public synchronized void handedOver() {
    if (!move(ServerState.HANDED_OVER)) {
      return;
    }
    listeners.stopReading();
    if (http != null) {
      http.close();
    }
  }

  /**
   * The instance that took our sockets over went away while we still run: read and answer on them
   * again, with our probes back.
   *
   * @return false unless we were handed over (a stopping server stays stopping)
   */
  @Override
  public synchronized boolean resume() {
    if (state.get() != ServerState.HANDED_OVER) {
      return false;
    }
    listeners.startReading();
    http = endpoints(gen.server());
    try {
      http.bind();
    } catch (Exception e) {
      log.error("cannot bind the HTTP endpoints again: {}", e.toString());
    }
    // Last, so that whoever sees us serving again also sees the endpoints bound.
    return move(ServerState.SERVING);
  }

  @Override
  public boolean isHandedOver() {
    return state.get() == ServerState.HANDED_OVER;
  }

  public boolean ready() {
    return state.get() == ServerState.SERVING && gen.ready();
  }

  /** What happens on a fatal condition such as a detected forwarding loop; Main exits the process. */
  public void onFatal(Consumer<String> action) {
    this.onFatal = action;
  }

  /** The bound DNS addresses (real ports when 0 was configured). */
  public synchronized List<InetSocketAddress> dnsAddresses() {
    return listeners.addresses();
  }

  /** Open client TCP connections over all listeners. */
  public synchronized int openTcpConnections() {
    return listeners.openTcpConnections();
  }

  /** The bound address of an HTTP endpoint kind: "health", "ready" or "prometheus". */
  public InetSocketAddress httpAddress(String kind) {
    String a = Endpoints.configured(gen.server(), kind);
    return a == null || http == null ? null : http.bound(a);
  }

  /** The chains of the server blocks in file order. */
  @Override
  public List<Chain> chains() {
    return gen.chains();
  }

  /** The Corefile's {@code reload} settings, if it has the directive. */
  public Optional<ServerConfig.Reload> reloadSettings() {
    return gen.server().reload();
  }

  @Override
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

  /**
   * As {@link #shutdown(long)}, running {@code afterLameduck} (node teardown, the hand-off's cache
   * file) before the listeners close. A handed-over server skips the lameduck period: the new
   * instance answers the probes.
   */
  public void shutdown(long drainMillis, Runnable afterLameduck) {
    if (move(ServerState.LAMEDUCK)) {
      Pause.sleep(gen.server().health().map(h -> h.lameduck().toMillis()).orElse(0L));
    }
    afterLameduck.run();
    synchronized (this) {
      move(ServerState.STOPPING);
      listeners.close();
    }
    int left = listeners.drain(drainMillis);
    if (left > 0) {
      log.warn("stopping with {} queries still in flight", left);
    }
    close();
  }

  @Override
  public synchronized void close() {
    move(ServerState.STOPPED); // from any state; closing twice is harmless
    health.close();
    listeners.close();
    listeners.closeConnections();
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
