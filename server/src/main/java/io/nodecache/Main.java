package io.nodecache;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nodecache.chain.PluginRegistry;
import io.nodecache.chain.ServiceEndpoints;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Corefile;
import io.nodecache.config.Flags;
import io.nodecache.handoff.Handoff;
import io.nodecache.http.HttpEndpoints;
import io.nodecache.listen.ListenerOptions;
import io.nodecache.node.Doctor;
import io.nodecache.node.NodeNetworking;
import io.nodecache.server.ConfigSource;
import io.nodecache.server.NodeCache;
import io.nodecache.server.Reloader;
import io.nodecache.server.Setup;
import io.nodecache.server.Signals;
import io.nodecache.server.warmup.Warmup;
import io.nodecache.server.warmup.WarmupPriority;
import io.nodecache.util.BuildInfo;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command line: {@code java -jar nodecache.jar [flags]}, or {@code doctor [flags]} to check the node
 * ({@link Doctor}). Exit codes: 0 after a graceful stop, 2 for
 * a bad flag or Corefile (one line naming the place and the reason), 1 when the server cannot start.
 */
public final class Main {

  /**
   * The longest a stop waits for a new instance that is taking the sockets over: its warm-up (3 s by
   * default) and overlap (2 s) with room, inside the DaemonSet's 30 s grace period with the 5 s lameduck.
   */
  private static final Duration TAKER_WAIT = Duration.ofSeconds(20);

  private Main() {}

  public static void main(String[] args) {
    // Leak tracking creates a stack trace per sampled buffer, a cost every query would pay; tests run
    // paranoid through Surefire, production off unless asked for.
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      System.setProperty("io.netty.leakDetection.level", "disabled");
    }
    // Netty's allocator registers its JFR events at first use: that loads and keeps JFR's event
    // registry (80-110 classes and their metadata) in every process, recorded or not. Off unless
    // asked for (-Dio.netty.jfr.enabled=true); JFR's own JVM and JDK events are unaffected.
    if (System.getProperty("io.netty.jfr.enabled") == null) {
      System.setProperty("io.netty.jfr.enabled", "false");
    }
    // Every channel of ours names the transport's pooled allocator (Transport.allocator); Netty's
    // default one (4.2: adaptive) is only built because a channel's config starts from it: 16 of 711
    // main-thread samples in three start profiles (JFR). Unpooled costs nothing until used.
    if (System.getProperty("io.netty.allocator.type") == null) {
      System.setProperty("io.netty.allocator.type", "unpooled");
    }
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.out"); // util/LineLogProvider
    System.exit(run(args));
  }

  static int run(String[] args) {
    if (args.length > 0 && args[0].equals("doctor")) {
      return Doctor.command(Arrays.copyOfRange(args, 1, args.length));
    }
    Logger log = LoggerFactory.getLogger(Main.class);
    Flags flags;
    try {
      flags = Flags.parse(args);
    } catch (ConfigException e) {
      System.err.println("nodecache: " + e.getMessage());
      return 2;
    }
    if (flags.help()) {
      System.out.print(Flags.usage());
      return 0;
    }
    if (flags.plugins()) {
      System.out.print(PluginRegistry.builtin().describe());
      return 0;
    }
    if (flags.version()) {
      System.out.println("nodecache " + BuildInfo.VERSION);
      return 0;
    }
    // A running instance probably answers at -handoff: start and warm up behind it (-warmup-nice).
    WarmupPriority priority =
        WarmupPriority.lower(!flags.handoff().isEmpty() && Files.exists(Path.of(flags.handoff())) ? flags.warmupNice() : 0);
    Map<String, String> env = System.getenv();
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ConfigSource source = new ConfigSource(flags, env, meters);
    NodeCache server;
    Setup setup;
    Optional<NodeNetworking> node;
    String text;
    try {
      text = source.text();
      Corefile corefile = source.parse(text);
      setup =
          new Setup(
              corefile, env, meters, Ticker.systemTicker(), ListenerOptions.DEFAULTS, 0, PluginRegistry.builtin(),
              flags.clientMetricsTop());
      server = NodeCache.build(setup);
      node = NodeNetworking.forFlags(flags, meters);
    } catch (ConfigException e) {
      System.err.println("nodecache: " + e.getMessage());
      return 2;
    }
    server.onFatal(
        msg -> {
          log.error("plugin/loop: {}", msg);
          System.exit(1);
        });
    Optional<Handoff> handoff =
        flags.handoff().isEmpty()
            ? Optional.empty()
            : Optional.of(new Handoff(Path.of(flags.handoff()), server, Duration.ofSeconds(5), flags.handoffOverlap()));
    // The running instance's sockets, adopted instead of binding; it reads them until h.started().
    boolean takingOver = handoff.map(Handoff::takeOver).orElse(false);
    if (!takingOver) {
      priority.restore(); // nobody serves the node's DNS: every cycle is ours
    }
    warmUp(flags, setup, takingOver, log); // compile the hot paths before the sockets are ours
    if (takingOver) {
      priority.restore(); // from here on we serve the node's DNS
    }
    node.ifPresent(NodeNetworking::prepareInterface); // the listeners bind -localip, so it must exist
    try {
      server.start();
    } catch (BindException e) {
      System.err.println(
          "nodecache: cannot bind: " + e.getMessage()
              + " (port in use, or no such local address; ports below 1024 need root or CAP_NET_BIND_SERVICE)");
      handoff.ifPresent(Handoff::abandon);
      server.close();
      node.ifPresent(NodeNetworking::teardown);
      return 1;
    } catch (Exception e) {
      System.err.println("nodecache: cannot start: " + e);
      handoff.ifPresent(Handoff::abandon);
      server.close();
      node.ifPresent(NodeNetworking::teardown);
      return 1;
    }
    for (Handoff h : handoff.stream().toList()) {
      try {
        h.started(); // the old instance stops reading; we offer our sockets to the next one
      } catch (Exception e) {
        log.warn("hand-off: cannot listen on {}: {}", flags.handoff(), e.toString());
      }
    }
    writePidfile(flags, log);
    node.ifPresent(n -> n.failOpenTargets(failOpenTargets(server, flags, env)));
    node.ifPresent(NodeNetworking::start); // rules only once the listeners are bound
    if (node.isPresent()) {
      setupMetricsEndpoint(flags, server, log);
    }
    for (InetSocketAddress a : flags.quiet() ? List.<InetSocketAddress>of() : server.dnsAddresses()) {
      String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
      log.info("listening on {} udp+tcp; try: dig @{} -p {} demo.nodecache.test", a, host, a.getPort());
    }
    Reloader reloader = new Reloader(server, source, text);
    reloader.start();
    CountDownLatch stopped = new CountDownLatch(1);
    Signals.onReload(() -> server.scheduler().execute(() -> reloader.check(true)));
    Signals.onTerminate(
        () -> {
          log.info("SIGTERM: shutting down (lameduck, drain, stop)");
          for (Handoff h : handoff.stream().toList()) {
            try {
              h.awaitTaker(TAKER_WAIT); // a hand-off in progress: its end decides who owns the node's rules
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          server.shutdown(
              5_000,
              () -> {
                handoff.ifPresent(Handoff::close);
                if (!server.isHandedOver()) { // else the new instance owns the addresses and rules
                  node.ifPresent(NodeNetworking::teardown);
                }
              });
          stopped.countDown();
        });
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deletePidfile(flags);
    return 0;
  }

  /**
   * node-cache's own metrics endpoint ({@code -metrics-listen-address}, default {@code 0.0.0.0:9353}),
   * where node-local-dns dashboards read {@code coredns_nodecache_setup_errors_total}; it serves the same
   * registry as {@code prometheus}. Bound only in node mode ({@code -localip}); a failure is a warning.
   */
  private static void setupMetricsEndpoint(Flags flags, NodeCache server, Logger log) {
    String address = flags.metricsListenAddress();
    if (address.isBlank()) {
      return;
    }
    HttpEndpoints endpoint = server.metricsEndpoint(address);
    try {
      endpoint.bind();
    } catch (Exception e) {
      log.warn("-metrics-listen-address {}: cannot bind: {}", address, e.toString());
    }
  }

  /**
   * Where {@code -failopen} sends DNS while we are away: the ready endpoints of {@code -upstreamsvc}
   * (in {@code POD_NAMESPACE}, else kube-system) as the first kubernetes plugin of the current
   * Corefile sees them, else {@code -failopen-targets}.
   */
  private static Supplier<List<InetAddress>> failOpenTargets(NodeCache server, Flags flags, Map<String, String> env) {
    String namespace = env.getOrDefault("POD_NAMESPACE", "kube-system");
    return () ->
        server.chains().stream()
            .flatMap(chain -> chain.handlers().stream())
            .filter(ServiceEndpoints.class::isInstance)
            .map(handler -> ((ServiceEndpoints) handler).readyEndpoints(namespace, flags.upstreamSvc()))
            .flatMap(Optional::stream)
            .findFirst()
            .orElse(flags.failOpenTargets());
  }

  /**
   * The warm-up: up to {@code -warmup} while the running instance whose sockets we took keeps serving
   * them, up to {@code -warmup-cold} (off by default) when nobody does; {@code -warmup-queries} at most.
   */
  private static void warmUp(Flags flags, Setup setup, boolean takingOver, Logger log) {
    Warmup.Options options =
        new Warmup.Options(takingOver ? flags.warmup() : flags.warmupCold(), flags.warmupQueries());
    Warmup.Result r = Warmup.run(setup, options);
    if (!options.off()) {
      log.info("warm-up: {}", r);
    }
  }

  private static void writePidfile(Flags flags, Logger log) {
    if (flags.pidfile().isEmpty()) {
      return;
    }
    try {
      Path p = Path.of(flags.pidfile());
      Path tmp = p.resolveSibling(p.getFileName() + ".tmp");
      Files.writeString(tmp, ProcessHandle.current().pid() + "\n");
      Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      log.warn("cannot write pidfile {}: {}", flags.pidfile(), e.toString());
    }
  }

  private static void deletePidfile(Flags flags) {
    if (!flags.pidfile().isEmpty()) {
      try {
        Path p = Path.of(flags.pidfile());
        if (Files.readString(p).trim().equals(Long.toString(ProcessHandle.current().pid()))) {
          Files.delete(p); // after a hand-off the file names the new instance: leave it
        }
      } catch (IOException e) {
        // best effort: a stale pidfile is overwritten at the next start
      }
    }
  }
}
