package io.nodecache.server.warmup;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nodecache.config.Corefile;
import io.nodecache.server.NodeCache;
import io.nodecache.server.Setup;
import io.nodecache.util.Pause;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles the hot paths before the sockets are taken over (flags {@code -warmup}, {@code
 * -warmup-queries}): a throw-away server built from the same Corefile ({@link ScratchCorefile}: its
 * own chains, caches and meter registry, on {@code 127.0.0.1} port 0, forwarding to an in-process
 * {@link StubUpstream}) answers a synthetic load over real UDP and TCP sockets ({@link WarmupLoad}),
 * then is closed. The JIT's work stays: the real server runs the same classes. Nothing reaches the
 * real caches, the real metrics or a real upstream; the running instance keeps serving meanwhile.
 *
 * <p>Bounded three ways: the time limit, the query budget, and the JIT going quiet (no compilation
 * finished for {@link #QUIET} once at least {@link #MIN_BEFORE_QUIET} queries, or the whole budget
 * if smaller, were answered). Any failure is logged and the start goes on. It ends with a full
 * collection, so that the copy's garbage never costs the real server a pause.
 */
public final class Warmup {

  private static final Logger log = LoggerFactory.getLogger(Warmup.class);

  static final Duration QUIET = Duration.ofMillis(400);
  static final int MIN_BEFORE_QUIET = 20_000;
  private static final long TICK_MILLIS = 20;

  private Warmup() {}

  /**
   * @param limit the longest the warm-up may take, the scratch server's start included (0: none)
   * @param maxQueries the most queries it sends (0: none)
   */
  public record Options(Duration limit, int maxQueries) {

    public boolean off() {
      return limit.isZero() || maxQueries == 0;
    }
  }

  /**
   * What the warm-up did.
   *
   * @param sent queries sent
   * @param udp answers received over UDP
   * @param tcp answers received over TCP
   * @param millis how long it took, scratch server start and stop included
   * @param ended why it ended: {@code off}, {@code time}, {@code queries}, {@code jit quiet},
   *     {@code clients ended} (the copy stopped answering before the budget was spent), or {@code
   *     failed: REASON}
   */
  public record Result(long sent, long udp, long tcp, long millis, String ended) {

    public long answered() {
      return udp + tcp;
    }

    @Override
    public String toString() {
      return sent + " queries, " + answered() + " answered (" + udp + " udp, " + tcp + " tcp) in " + millis
          + " ms, ended by " + ended;
    }
  }

  /** Runs the warm-up for the server {@code setup} describes; never throws. */
  public static Result run(Setup setup, Options options) {
    return run(setup, options, scratch -> { });
  }

  /**
   * As {@link #run(Setup, Options)}, giving {@code whileRunning} the scratch server's address once
   * while it is up and answering (tests check what it answers, and what the running instance does
   * meanwhile).
   */
  public static Result run(Setup setup, Options options, Consumer<InetSocketAddress> whileRunning) {
    long t0 = System.nanoTime();
    if (options.off()) {
      return new Result(0, 0, 0, 0, "off");
    }
    long deadline = t0 + options.limit().toNanos();
    WarmupLoad load = null;
    String ended;
    try (StubUpstream stub = new StubUpstream()) {
      Corefile scratch = ScratchCorefile.of(setup.corefile(), setup.plugins(), stub.address());
      NodeCache server = NodeCache.build(scratchSetup(setup, scratch));
      try {
        server.onFatal(msg -> log.warn("warm-up: {}", msg));
        server.start();
        InetSocketAddress dns = server.dnsAddresses().get(0);
        load = new WarmupLoad(scratch, dns, options.maxQueries());
        load.start(server.transport().threads());
        ended = drive(load, deadline, options.maxQueries(), () -> whileRunning.accept(dns));
      } finally {
        try {
          if (load != null) {
            // The clients' last answers still come from a live copy: closed first, it would fail the
            // queries in flight and its errors plugin would log them as the real server's.
            load.stop();
            load.join();
          }
        } finally {
          server.close();
        }
      }
    } catch (Exception e) {
      ended = "failed: " + e;
      log.warn("warm-up failed, starting without it: {}", e.toString());
    }
    // The copy's caches and buffers are garbage now, some of it promoted: collect it here, before we
    // serve, rather than in a full collection that would stop the real server later.
    System.gc();
    long millis = (System.nanoTime() - t0) / 1_000_000;
    return load == null
        ? new Result(0, 0, 0, millis, ended)
        : new Result(load.sent.get(), load.udpAnswered.get(), load.tcpAnswered.get(), millis, ended);
  }

  /** Watches the load until a bound is reached; returns which one. */
  private static String drive(WarmupLoad load, long deadline, int maxQueries, Runnable whileRunning) {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    boolean watchJit = jit != null && jit.isCompilationTimeMonitoringSupported();
    long minBeforeQuiet = Math.min(MIN_BEFORE_QUIET, maxQueries);
    long compiled = watchJit ? jit.getTotalCompilationTime() : 0;
    long changed = System.nanoTime();
    boolean ran = false;
    while (true) {
      Pause.sleep(TICK_MILLIS);
      long answered = load.udpAnswered.get() + load.tcpAnswered.get();
      if (!ran && (answered > 0 || load.done())) {
        ran = true;
        whileRunning.run();
      }
      long now = System.nanoTime();
      if (load.done()) {
        return load.sent.get() >= maxQueries ? "queries" : "clients ended";
      }
      if (now - deadline >= 0) {
        return "time";
      }
      if (watchJit) {
        long c = jit.getTotalCompilationTime();
        if (c != compiled) {
          compiled = c;
          changed = now;
        } else if (answered >= minBeforeQuiet && now - changed >= QUIET.toNanos()) {
          return "jit quiet";
        }
      }
    }
  }

  /** The real setup with the scratch Corefile, a registry of its own, and no API server in sight. */
  private static Setup scratchSetup(Setup real, Corefile scratch) {
    Map<String, String> env = new HashMap<>(real.env());
    env.remove("KUBERNETES_SERVICE_HOST"); // kubernetes: no in-cluster API, the snapshot only
    env.remove("NODE_NAME"); // no watch of this node's pods
    return new Setup(
        scratch, env, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), real.ticker(),
        real.listenerOptions(), real.threads(), real.plugins(), real.clientMetricsTop());
  }
}
