package io.nodecache.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Process-wide meters: {@code coredns_build_info}, {@code coredns_panics_total},
 * {@code coredns_plugin_enabled}, node-cache's pre-zeroed {@code coredns_nodecache_setup_errors_total},
 * the standard {@code process_*} family that CoreDNS's Go client exports and dashboards plot ({@code
 * process_resident_memory_bytes}, {@code process_cpu_seconds_total}, {@code process_open_fds},
 * {@code process_max_fds}, {@code process_virtual_memory_bytes}, {@code process_start_time_seconds}),
 * taken from the Prometheus Java client's {@link ProcessMetrics} (read at scrape time, nothing on the
 * request path), and the JVM's own through Micrometer (memory, GC, threads, classes, CPU usage), the last
 * two from {@link #bindJvm()}.
 */
public final class ServerMetrics implements AutoCloseable {

  /** node-cache's setup error types, pre-zeroed so that dashboards and alerts see them from the start. */
  public static final String[] SETUP_ERRORS = {
    "iptables", "iptables_lock", "interface_add", "interface_check", "configmap", "nftables"
  };

  /** Registries that already have the process collector (it may be registered once per registry). */
  private static final Set<PrometheusRegistry> WITH_PROCESS = Collections.newSetFromMap(new WeakHashMap<>());

  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final MeterRegistry registry;
  private boolean jvmBound;
  private boolean closed;

  public ServerMetrics(MeterRegistry registry, String version) {
    Gauge.builder("coredns.build.info", () -> 1)
        .description("A metric with a constant '1' value labeled by version, revision, and goversion from which CoreDNS was built.")
        .tags("version", version, "revision", "", "goversion", "java" + Runtime.version().feature())
        .register(registry);
    Counter.builder("coredns.panics").description("A metrics that counts the number of panics.").register(registry);
    for (String type : SETUP_ERRORS) {
      setupError(registry, type);
    }
    this.registry = registry;
  }

  /**
   * The JVM's and the process's meters. Separate from the constructor because binding them (MBeans, GC
   * notification listeners) is one of the slower steps of a start: the server binds them once its DNS
   * listeners serve, before its HTTP endpoints do, so they are off the path to the first answer and
   * present at the first scrape. Once; later calls do nothing.
   */
  public synchronized void bindJvm() {
    if (jvmBound || closed) {
      return;
    }
    jvmBound = true;
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    // Not Micrometer's UptimeMetrics: its process_start_time_seconds would clash with the collector's.
    if (registry instanceof PrometheusMeterRegistry p) {
      processMetrics(p.getPrometheusRegistry());
    }
  }

  private static void processMetrics(PrometheusRegistry registry) {
    synchronized (WITH_PROCESS) {
      if (WITH_PROCESS.add(registry)) {
        ProcessMetrics.builder().register(registry);
      }
    }
  }

  /** The counter of one node-cache setup error type. */
  public static Counter setupError(MeterRegistry registry, String type) {
    return Counter.builder("coredns.nodecache.setup.errors")
        .description("The number of errors during periodic network setup for node-cache")
        .tag("errortype", type)
        .register(registry);
  }

  /** {@code coredns_plugin_enabled{server,zone,view,name} 1} for a handler of a block. */
  public static void pluginEnabled(MeterRegistry registry, String server, String zone, String name) {
    Gauge.builder("coredns.plugin.enabled", () -> 1)
        .description("A metric that indicates whether a plugin is enabled on per server and zone basis.")
        .tags("server", server, "zone", zone, "view", "", "name", name)
        .register(registry);
  }

  @Override
  public synchronized void close() {
    closed = true;
    gc.close();
  }
}
