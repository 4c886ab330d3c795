package io.nodecache.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code coredns_dns_request_duration_seconds}: CoreDNS's per-query duration histogram (buckets
 * 0.25 ms × 2^0..15), recorded with one bucket increment and one sum increment per query and exported
 * to the Prometheus registry at scrape time. Replaces a Micrometer {@code Timer} with the same buckets,
 * which also kept a time-window max and rotated histogram windows on every record, many times the cost
 * of a counter increment (JMH {@code MetricsBenchmark} compares them). One set per registry, shared by
 * every server block and every generation, so that counts carry over a reload as Micrometer's meters
 * do.
 */
public final class DurationHistograms implements MultiCollector {

  static final String NAME = "coredns_dns_request_duration_seconds";
  private static final String HELP = "Histogram of the time (in seconds) each request took.";
  private static final long FIRST_BOUND_NANOS = 250_000;
  /** Upper bounds in seconds, the last one +Inf. */
  private static final double[] BOUNDS = bounds();

  private static final Map<PrometheusRegistry, DurationHistograms> BY_REGISTRY = new WeakHashMap<>();

  private final ConcurrentHashMap<List<String>, Histogram> histograms = new ConcurrentHashMap<>();

  private DurationHistograms() {}

  /** The histograms exported by {@code registry}, registered with it on first use. */
  public static DurationHistograms of(PrometheusRegistry registry) {
    synchronized (BY_REGISTRY) {
      return BY_REGISTRY.computeIfAbsent(
          registry,
          r -> {
            DurationHistograms h = new DurationHistograms();
            r.register(h);
            return h;
          });
    }
  }

  /** The histogram of one label set (server, zone, type), the same one on every call. */
  public Histogram histogram(String server, String zone, String type) {
    return histograms.computeIfAbsent(List.of(server, zone, type), k -> new Histogram());
  }

  @Override
  public MetricSnapshots collect() {
    HistogramSnapshot.Builder family = HistogramSnapshot.builder().name(NAME).help(HELP);
    histograms.forEach(
        (labels, h) ->
            family.dataPoint(
                HistogramSnapshot.HistogramDataPointSnapshot.builder()
                    .labels(Labels.of("server", labels.get(0), "zone", labels.get(1), "view", "", "type", labels.get(2)))
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(BOUNDS, h.counts()))
                    .sum(h.sumNanos.sum() / 1e9)
                    .build()));
    return histograms.isEmpty() ? MetricSnapshots.of() : MetricSnapshots.of(family.build());
  }

  @Override
  public List<String> getPrometheusNames() {
    return List.of(NAME);
  }

  /** Bucket of a duration: the smallest {@code i} with {@code nanos <= 0.25 ms × 2^i}, 16 for +Inf. */
  static int bucket(long nanos) {
    if (nanos <= FIRST_BOUND_NANOS) {
      return 0;
    }
    int i = 64 - Long.numberOfLeadingZeros((nanos - 1) / FIRST_BOUND_NANOS);
    return Math.min(i, BOUNDS.length - 1);
  }

  private static double[] bounds() {
    double[] b = new double[17];
    for (int i = 0; i < 16; i++) {
      b[i] = FIRST_BOUND_NANOS * (double) (1L << i) / 1e9;
    }
    b[16] = Double.POSITIVE_INFINITY;
    return b;
  }

  /** One label set's buckets; recording is lock-free and allocates nothing. */
  public static final class Histogram {
    private final LongAdder[] buckets = new LongAdder[BOUNDS.length];
    private final LongAdder sumNanos = new LongAdder();

    Histogram() {
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] = new LongAdder();
      }
    }

    public void record(long nanos) {
      long n = Math.max(0, nanos);
      buckets[bucket(n)].increment();
      sumNanos.add(n);
    }

    /** Per-bucket (not cumulative) counts, as the Prometheus model takes them. */
    long[] counts() {
      long[] c = new long[buckets.length];
      for (int i = 0; i < c.length; i++) {
        c[i] = buckets[i].sum();
      }
      return c;
    }
  }
}
