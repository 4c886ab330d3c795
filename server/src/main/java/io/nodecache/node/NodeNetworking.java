package io.nodecache.node;

import io.micrometer.core.instrument.MeterRegistry;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Flags;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's network setup for the cache: the interface holding the local IPs and the NOTRACK rules
 * for them, kept in place by a reconcile pass every {@code syncInterval} on its own daemon thread and
 * removed again by {@link #teardown()}. Failures never throw; they are logged as one line and counted
 * in {@code coredns_nodecache_setup_errors_total{errortype}}.
 *
 * <p>Lifecycle: {@link #prepareInterface()} before the listeners bind (they need the addresses),
 * {@link #start()} once they are bound, {@link #teardown()} on SIGTERM, {@link #close()} last.
 */
public final class NodeNetworking implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NodeNetworking.class);

  /** Bounds one iptables/nft/ip run; the xtables lock wait (5 s) fits well inside. */
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

  private final NodeNetConfig config;
  private final CommandRunner runner;
  private final SetupErrors errors;
  private final LinkManager link;
  private final Object lock = new Object();
  private RulesManager rules;
  private ScheduledExecutorService scheduler;
  private boolean firstPassDone;
  private boolean tornDown;
  /** Where fail-open DNS goes: the cluster DNS endpoints, asked again every second. */
  private volatile Supplier<List<InetAddress>> targets = List::of;
  /** The targets the rules were last written for. */
  private volatile List<InetAddress> applied;
  private Heartbeat heartbeat;

  public NodeNetworking(NodeNetConfig config, MeterRegistry registry, CommandRunner runner) {
    this.config = config;
    this.runner = runner;
    this.errors = new SetupErrors(registry);
    this.link = new LinkManager(runner, config.interfaceName(), config.localIps(), errors);
  }

  /** Node networking as the command line asks for it, or empty when there is nothing to manage. */
  public static Optional<NodeNetworking> forFlags(Flags flags, MeterRegistry registry)
      throws ConfigException {
    return NodeNetConfig.fromFlags(flags)
        .map(config -> new NodeNetworking(config, registry, CommandRunner.host(COMMAND_TIMEOUT)));
  }

  /**
   * Where DNS to a fail-open address goes while no socket of ours listens there: the cluster DNS
   * endpoints (both families; each address uses those of its own). Read at every pass and once a
   * second, so a change of the endpoints rewrites the DNAT rules within a second or so.
   */
  public void failOpenTargets(Supplier<List<InetAddress>> source) {
    this.targets = source;
  }

  /** Creates the interface and adds the addresses (when {@code setupInterface}); no rules yet. */
  public ReconcileReport prepareInterface() {
    synchronized (lock) {
      ReconcileReport.Builder report = new ReconcileReport.Builder();
      if (config.setupInterface() && !tornDown) {
        link.ensure(report);
        logAdded(report.build(), false);
      }
      return report.build();
    }
  }

  /**
   * Ensures interface and rules once, then reconciles every {@code syncInterval}. Call only after
   * the listeners are bound, so no rule steers traffic to a cache that failed to start.
   */
  public void start() {
    synchronized (lock) {
      if (scheduler != null || tornDown) {
        return;
      }
      scheduler =
          Executors.newSingleThreadScheduledExecutor(
              task -> {
                Thread thread = new Thread(task, "nodecache-node-sync");
                thread.setDaemon(true);
                return thread;
              });
    }
    if (config.failOpen() && config.setupIptables() && runner.inOwnNetworkNamespace()) {
      synchronized (lock) {
        heartbeat = Heartbeat.start(config.failOpenIps()); // alive before the rules are looked at
      }
    }
    reconcile();
    if (config.failOpen() && config.setupIptables()) {
      Conntrack.forgetFailOpenFlows(runner, config);
    }
    long period = config.syncInterval().toMillis();
    try {
      scheduler.scheduleWithFixedDelay(this::reconcileQuietly, period, period, TimeUnit.MILLISECONDS);
      if (config.failOpen() && config.setupIptables()) {
        scheduler.scheduleWithFixedDelay(this::checkTargets, 1, 1, TimeUnit.SECONDS);
      }
    } catch (RejectedExecutionException e) {
      // teardown() ran meanwhile and stopped the loop before it began.
    }
  }

  /**
   * One idempotent pass: adds what is missing (logged as "added back" after the first pass), removes
   * duplicates of our rules, leaves everything else alone.
   */
  public ReconcileReport reconcile() {
    synchronized (lock) {
      ReconcileReport.Builder report = new ReconcileReport.Builder();
      if (tornDown) {
        return report.build();
      }
      if (config.setupInterface()) {
        link.ensure(report);
      }
      if (config.setupIptables()) {
        List<InetAddress> now = currentTargets();
        if (config.failOpen() && !now.equals(applied)) {
          LOG.info("fail-open: DNS to {} goes to {} while no socket of ours listens there",
              config.failOpenIps().stream().map(Addresses::format).toList(),
              now.isEmpty() ? "nowhere (no cluster DNS endpoint known)" : now.stream().map(Addresses::format).toList());
        }
        rules().reconcile(report, now);
        applied = now;
      }
      ReconcileReport done = report.build();
      logAdded(done, firstPassDone);
      firstPassDone = true;
      return done;
    }
  }

  /**
   * Stops the reconcile loop and, unless {@code skipTeardown}, removes exactly our rules and
   * addresses, and the link if this process created it. Later passes do nothing.
   */
  public ReconcileReport teardown() {
    stopLoop();
    synchronized (lock) {
      ReconcileReport.Builder report = new ReconcileReport.Builder();
      if (tornDown) {
        return report.build();
      }
      tornDown = true;
      if (config.skipTeardown()) {
        LOG.info("Skipping teardown of interface and rules (-skipteardown)");
        return report.build();
      }
      if (config.setupIptables()) {
        rules().teardown(report);
      }
      stopHeartbeat();
      if (config.setupInterface()) {
        link.teardown(report);
      }
      ReconcileReport done = report.build();
      LOG.info("Tore down node networking: removed {} rules and addresses, {} errors",
          done.removed().size(), done.errors().size());
      return done;
    }
  }

  /** Which rules backend is in use, e.g. {@code iptables (nft)}; detects it on first use. */
  public String rulesBackend() {
    synchronized (lock) {
      return rules().describe();
    }
  }

  /**
   * Stops the reconcile loop and the heartbeat; does not tear down (that is {@link #teardown()}): with
   * the rules left in place, host-network DNS to a fail-open address goes to the cluster DNS a second
   * later.
   */
  @Override
  public void close() {
    stopLoop();
    synchronized (lock) {
      stopHeartbeat();
    }
  }

  private void stopHeartbeat() {
    if (heartbeat != null) {
      heartbeat.close();
      heartbeat = null;
    }
  }

  private List<InetAddress> currentTargets() {
    try {
      List<InetAddress> now = targets.get();
      return now == null ? List.of() : List.copyOf(now);
    } catch (RuntimeException e) {
      LOG.warn("fail-open: cannot read the cluster DNS endpoints: {}", e.toString());
      return applied == null ? List.of() : applied;
    }
  }

  /** A full pass when the cluster DNS endpoints changed since the rules were written. */
  private void checkTargets() {
    if (applied != null && !currentTargets().equals(applied)) {
      reconcileQuietly();
    }
  }

  private void stopLoop() {
    ScheduledExecutorService running;
    synchronized (lock) {
      running = scheduler;
    }
    if (running != null) {
      running.shutdownNow();
    }
  }

  private void reconcileQuietly() {
    try {
      reconcile();
    } catch (RuntimeException e) {
      // Keep the loop alive: a pass that failed unexpectedly is retried at the next interval.
      LOG.warn("node networking reconcile failed: {}", e.toString());
    }
  }

  private RulesManager rules() {
    if (rules == null) {
      rules = chooseRules();
      LOG.info("NOTRACK rules via {} for {}", rules.describe(),
          config.localIps().stream().map(Addresses::format).toList());
    }
    return rules;
  }

  private RulesManager chooseRules() {
    boolean nft =
        switch (config.backend()) {
          case NFTABLES -> true;
          case IPTABLES -> false;
          case AUTO -> NftablesRules.kubeProxyUsesNftables(runner);
        };
    return nft
        ? new NftablesRules(runner, config, errors)
        : new IptablesRules(runner, Xtables.detect(runner), config, errors);
  }

  private static void logAdded(ReconcileReport report, boolean back) {
    for (String added : report.added()) {
      LOG.info(back ? "Added back {}" : "Added {}", added);
    }
    for (String removed : report.removed()) {
      LOG.info("Removed {}", removed);
    }
  }
}
