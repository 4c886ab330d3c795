package io.nodecache.k8s;

import io.micrometer.core.instrument.MeterRegistry;
import io.nodecache.chain.ClientDirectory;
import io.nodecache.chain.ClientSearchPath;
import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Lifecycle;
import io.nodecache.chain.Next;
import io.nodecache.chain.ServiceEndpoints;
import io.nodecache.wire.FastQuery;
import io.nodecache.wire.PreparedAnswer;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;

/**
 * The {@code kubernetes} handler: answers its zones from the current {@link ClusterView}, on the fast
 * path from memoized wire answers. Until a view exists (API not yet synced and no snapshot) it passes
 * queries to the next handler, normally the block's cache and forward to the cluster DNS.
 */
public final class KubernetesPlugin
    implements Handler, FastPath, Lifecycle, ClientDirectory, ClientSearchPath, ServiceEndpoints {

  private static final Logger log = LoggerFactory.getLogger(KubernetesPlugin.class);
  private static final int CLASS_IN = 1;

  private final K8sConfig config;
  private final Answerer answerer;
  private final ScheduledExecutorService scheduler;
  private final LongSupplier epochSeconds;
  private final Duration rebuildDelay;
  private final Duration snapshotDelay;
  private final byte[][] zoneWire;
  private final Slimmer slimmer;
  private final K8sMetrics metrics;
  private final ClusterState live = new ClusterState();
  private final AtomicReference<ClusterView> view = new AtomicReference<>();
  private final AtomicBoolean rebuildPending = new AtomicBoolean();
  private final AtomicBoolean writePending = new AtomicBoolean();
  private final SnapshotFile snapshot;
  private volatile boolean liveSynced;
  /** The last view built from the informers: the base of the next incremental build. */
  private ClusterView lastLive;
  private volatile boolean stopped;
  private final Object writeLock = new Object();
  private final ApiStarter apiStart = new ApiStarter();
  /** {@code stale_after}, or null when off. */
  private final Staleness staleness;
  private final NodePods nodePods;
  private volatile String nodeName;
  /** The snapshot's objects, kept for {@link #readyEndpoints} until the informers have synced. */
  private volatile ClusterState fromSnapshot;

  /**
   * @param serverLabel the server block's metric label
   * @param epochSeconds wall-clock seconds for the SOA serial
   * @param rebuildDelay how long events are gathered before a new view is built
   * @param snapshotDelay how long changes are gathered before the snapshot file is rewritten
   */
  public KubernetesPlugin(
      K8sConfig config,
      ScheduledExecutorService scheduler,
      MeterRegistry meters,
      String serverLabel,
      LongSupplier epochSeconds,
      Duration rebuildDelay,
      Duration snapshotDelay) {
    this.config = config;
    this.metrics = new K8sMetrics(meters, serverLabel, view::get, () -> liveSynced);
    this.answerer = new Answerer(config);
    this.scheduler = scheduler;
    this.epochSeconds = epochSeconds;
    this.rebuildDelay = rebuildDelay;
    this.snapshotDelay = snapshotDelay;
    this.zoneWire = config.zones().stream().map(Name::toWireCanonical).toArray(byte[][]::new);
    this.slimmer = new Slimmer(config.endpointPodNames());
    this.snapshot = config.snapshot() == null ? null : new SnapshotFile(config.snapshot());
    this.nodePods = new NodePods(config.zones(), slimmer);
    live.onChange(this::liveChanged);
    this.staleness = config.staleAfter() == null ? null : new Staleness(config.staleAfter(), this::watching, System::nanoTime);
  }

  @Override
  public String name() {
    return "kubernetes";
  }

  public K8sConfig config() {
    return config;
  }

  @Override
  public void start() throws Exception {
    if (snapshot != null && Files.exists(snapshot.path())) {
      ClusterState fromFile = new ClusterState();
      try {
        int n = snapshot.load(fromFile, slimmer);
        publish(ClusterView.build(fromFile, config, epochSeconds.getAsLong()));
        fromSnapshot = fromFile;
        log.info("kubernetes: {} objects loaded from snapshot {}", n, snapshot.path());
        HeapCompaction.afterBulkLoad("the snapshot");
      } catch (IOException e) {
        if (!config.hasApi()) {
          throw e;
        }
        log.warn("kubernetes: snapshot {} not loaded: {}", snapshot.path(), e.getMessage());
      }
    } else if (!config.hasApi()) {
      throw new FileNotFoundException("kubernetes: snapshot " + config.snapshot() + " not found");
    }
    if (config.hasApi()) {
      Duration limit = config.startupTimeout();
      boolean waits = (limit != null && !limit.isZero()) || view.get() == null; // ApiStarter says why
      ApiSource source = new ApiSource(config, live, slimmer, RandomGenerator.getDefault()); // a bad kubeconfig fails here
      apiStart.start(source, limit, !waits, this::onSynced, started -> {
        if (staleness != null) {
          staleness.start(scheduler);
        }
        if (nodeName != null) {
          nodePods.watch(started.client(), nodeName); // not part of readiness: clients stay unknown until synced
        }
      });
    }
  }

  private void onSynced() {
    liveSynced = true;
    fromSnapshot = null;
    log.info("kubernetes: informers synced");
    scheduler.execute(() -> {
      rebuild();
      HeapCompaction.afterBulkLoad("the initial lists");
    });
  }

  /** Called by informer callbacks: only flips a flag and schedules a build, never blocks. */
  private void liveChanged() {
    if (liveSynced && !stopped && rebuildPending.compareAndSet(false, true)) {
      scheduler.schedule(this::rebuild, rebuildDelay.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private synchronized void rebuild() {
    rebuildPending.set(false);
    if (stopped) {
      return;
    }
    try {
      long start = System.nanoTime();
      Set<String> dirty = live.drainDirty();
      boolean pods = live.drainPodsChanged();
      ClusterView base = lastLive;
      ClusterView next =
          base == null
              ? ClusterView.build(live, config, epochSeconds.getAsLong())
              : ClusterView.update(base, live, config, epochSeconds.getAsLong(), dirty, pods);
      lastLive = next;
      publish(next);
      metrics.built(System.nanoTime() - start);
    } catch (RuntimeException e) {
      lastLive = null; // start over with a full build next time
      log.error("kubernetes: building the view failed; the previous view keeps serving", e);
      return;
    }
    if (snapshot != null && writePending.compareAndSet(false, true)) {
      scheduler.schedule(() -> writeSnapshot(false), snapshotDelay.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void writeSnapshot(boolean last) {
    synchronized (writeLock) { // not the build lock: a long write must not delay new views
      writePending.set(false);
      if (stopped != last) {
        return; // a write scheduled before stop(): stop() writes the final state
      }
      try {
        snapshot.write(live);
        metrics.snapshotWritten(true);
      } catch (IOException | RuntimeException e) {
        metrics.snapshotWritten(false);
        log.warn("kubernetes: writing snapshot {} failed: {}", snapshot.path(), e.toString());
      }
    }
  }

  private void publish(ClusterView v) {
    view.set(v);
  }

  /** True once a view exists: informers synced, or a snapshot loaded. */
  @Override
  public boolean ready() {
    return view.get() != null;
  }

  /** True while every informer has a live watch (false while the API is unreachable). */
  public boolean watching() {
    ApiSource a = apiStart.api();
    return a != null && a.watching();
  }

  public boolean synced() {
    return liveSynced;
  }

  /** Ready endpoint addresses of a Service: the informers' once synced, the snapshot's before. */
  @Override
  public Optional<List<InetAddress>> readyEndpoints(String namespace, String name) {
    ClusterState state = liveSynced ? live : fromSnapshot;
    return state == null || config.noEndpoints() ? Optional.empty() : state.readyAddresses(namespace, name);
  }

  @Override
  public void stop() {
    stopped = true;
    apiStart.stop();
    if (staleness != null) {
      staleness.stop();
    }
    metrics.close();
    nodePods.close();
    if (snapshot != null && liveSynced) {
      writeSnapshot(true);
    }
  }

  @Override
  public CompletionStage<Message> handle(DnsRequest request, Next next) {
    Name qname = request.name();
    Name zone = answerer.zoneOf(qname);
    ClusterView v = view.get();
    if (zone == null || v == null || stale()) {
      return next.handle(request);
    }
    InetSocketAddress local = request.local();
    Reply r = answerer.reply(request.query(), local == null ? null : local.getAddress(), v, zone);
    Message m = r.toMessage(request.query(), v);
    if (m.getRcode() == Rcode.NXDOMAIN && config.fallsThrough(qname)) {
      return next.handle(request);
    }
    if (m.getRcode() != Rcode.REFUSED && !r.perAddress) { // per-address answers: never on the fast path
      v.memo().put(qname.canonicalize().toWireCanonical(), request.type(), PreparedAnswer.of(m),
          v.sharedKey(Answerer.dependency(qname, zone, m)));
    }
    return CompletableFuture.completedFuture(m);
  }

  @Override
  public Result fast(FastQuery q) {
    if (!inZone(q)) {
      return Result.PASS;
    }
    ClusterView v = view.get();
    if (v == null || q.qclass() != CLASS_IN || stale()) {
      return Result.SLOW;
    }
    PreparedAnswer a = v.memo().get(q);
    if (a == null || a.length() + (q.hasEdns() ? 11 : 0) > q.maxAnswer()) {
      return Result.SLOW; // unknown yet, or too big for this client: the decoded path truncates
    }
    q.reply(a.render(q, -1));
    return Result.ANSWERED;
  }

  /** True while {@code stale_after} holds the view back: queries go to the next handler. */
  private boolean stale() {
    return staleness != null && staleness.stale();
  }

  private boolean inZone(FastQuery q) {
    for (byte[] z : zoneWire) {
      if (q.inZone(z)) {
        return true;
      }
    }
    return false;
  }

  /** The view answers come from, null before the first or while {@code stale_after} holds it back. */
  ClusterView currentView() {
    return stale() ? null : view.get();
  }

  Answerer answerer() {
    return answerer;
  }

  /** Watches the pods of this node (NODE_NAME) once started, for {@link ClientDirectory}. */
  KubernetesPlugin watchNode(String node) {
    this.nodeName = node;
    return this;
  }

  NodePods nodePods() {
    return nodePods;
  }

  @Override
  public String namespaceOf(InetAddress client) {
    return nodePods.namespaceOf(client);
  }

  @Override
  public String podOf(InetAddress client) {
    return nodePods.podOf(client);
  }

  /** A memoized final answer for the asked name is what a walk would return: no walk for it. */
  @Override
  public boolean mustWalk(FastQuery q) {
    if (!nodePods.belowFirstDomain(q)) {
      return false;
    }
    ClusterView v = view.get();
    PreparedAnswer a = v == null || q.qclass() != CLASS_IN ? null : v.memo().get(q);
    return a == null || a.rcode() == Rcode.NXDOMAIN;
  }

  @Override
  public List<Name> searchPath(InetAddress client, Name qname) {
    return nodePods.searchPath(client, qname);
  }

  @Override
  public String unavailable() {
    return nodeName == null ? "NODE_NAME is not set, so this node's pods are not watched"
        : config.hasApi() ? null : "no API server to watch this node's pods (snapshot only)";
  }
}
