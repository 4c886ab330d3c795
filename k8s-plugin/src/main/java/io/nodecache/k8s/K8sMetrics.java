package io.nodecache.k8s;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The plugin's meters ({@code nodecache_kubernetes_*}): view size and freshness, builds, snapshot
 * writes. Registered once per plugin instance on the registry it is given.
 */
final class K8sMetrics {

  private final MeterRegistry meters;
  private final List<Gauge> gauges = new ArrayList<>();
  private final Timer builds;
  private final Counter snapshotWrites;
  private final Counter snapshotFailures;

  K8sMetrics(MeterRegistry meters, String server, Supplier<ClusterView> view, Supplier<Boolean> synced) {
    this.meters = meters;
    gauges.add(Gauge.builder("nodecache.kubernetes.services", () -> {
          ClusterView v = view.get();
          return v == null ? 0 : v.serviceCount();
        })
        .description("Services in the current cluster view")
        .tag("server", server)
        .register(meters));
    gauges.add(Gauge.builder("nodecache.kubernetes.synced", () -> synced.get() ? 1 : 0)
        .description("1 once the informers have listed everything, 0 before (snapshot or forwarding)")
        .tag("server", server)
        .register(meters));
    gauges.add(Gauge.builder("nodecache.kubernetes.memoized.answers", () -> {
          ClusterView v = view.get();
          return v == null ? 0 : v.memo().size();
        })
        .description("Wire answers memoized in the current view for the fast path")
        .tag("server", server)
        .register(meters));
    builds = Timer.builder("nodecache.kubernetes.view.build.duration")
        .description("Time to build a new cluster view after informer events")
        .tag("server", server)
        .register(meters);
    snapshotWrites = Counter.builder("nodecache.kubernetes.snapshot.writes")
        .description("Snapshot file writes").tag("server", server).tag("result", "ok").register(meters);
    snapshotFailures = Counter.builder("nodecache.kubernetes.snapshot.writes")
        .description("Snapshot file writes").tag("server", server).tag("result", "error").register(meters);
  }

  /** Unregisters the gauges, which read this plugin instance (a reload registers its successor's). */
  void close() {
    gauges.forEach(meters::remove);
  }

  void built(long nanos) {
    builds.record(nanos, TimeUnit.NANOSECONDS);
  }

  void snapshotWritten(boolean ok) {
    (ok ? snapshotWrites : snapshotFailures).increment();
  }
}
