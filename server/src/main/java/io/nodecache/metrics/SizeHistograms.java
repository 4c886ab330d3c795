package io.nodecache.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;

/**
 * CoreDNS's message-size histograms, {@code coredns_dns_request_size_bytes} and {@code
 * coredns_dns_response_size_bytes} (labels server, zone, view, proto; CoreDNS's buckets 0, 100, 200,
 * 300, 400, 511, 1023, 2047, 4095, 8291, 16000, 32000, 48000, 64000 bytes), recorded with one bucket
 * increment and one sum increment per message and exported at scrape time, as {@link
 * DurationHistograms} does for durations. One set per registry, shared by every server block and
 * generation, so that counts carry over a reload.
 */
public final class SizeHistograms implements MultiCollector {

  static final String REQUEST = "coredns_dns_request_size_bytes";
  static final String RESPONSE = "coredns_dns_response_size_bytes";
  private static final String REQUEST_HELP = "Size of the EDNS0 UDP buffer in bytes (64K for TCP).";
  private static final String RESPONSE_HELP = "Size of the returned response in bytes.";
  /** CoreDNS's upper bounds in bytes ({@code plugin/metrics/vars}), then +Inf. */
  static final double[] BOUNDS = {
    0, 100, 200, 300, 400, 511, 1023, 2047, 4095, 8291, 16e3, 32e3, 48e3, 64e3, Double.POSITIVE_INFINITY
  };

  private static final Map<PrometheusRegistry, SizeHistograms> BY_REGISTRY = new WeakHashMap<>();

  /** Keyed by (metric name, server, zone, proto). */
  private final ConcurrentHashMap<List<String>, Histogram> histograms = new ConcurrentHashMap<>();

  private SizeHistograms() {}

  /** The histograms exported by {@code registry}, registered with it on first use. */
  public static SizeHistograms of(PrometheusRegistry registry) {
    synchronized (BY_REGISTRY) {
      return BY_REGISTRY.computeIfAbsent(
          registry,
          r -> {
            SizeHistograms h = new SizeHistograms();
            r.register(h);
            return h;
          });
    }
  }

  /** The request-size histogram of one label set, the same one on every call. */
  public Histogram request(String server, String zone, boolean tcp) {
    return histograms.computeIfAbsent(List.of(REQUEST, server, zone, proto(tcp)), k -> new Histogram());
  }

  /** The response-size histogram of one label set, the same one on every call. */
  public Histogram response(String server, String zone, boolean tcp) {
    return histograms.computeIfAbsent(List.of(RESPONSE, server, zone, proto(tcp)), k -> new Histogram());
  }

  static String proto(boolean tcp) {
    return tcp ? "tcp" : "udp";
  }

  @Override
  public MetricSnapshots collect() {
    HistogramSnapshot.Builder requests = HistogramSnapshot.builder().name(REQUEST).help(REQUEST_HELP);
    HistogramSnapshot.Builder responses = HistogramSnapshot.builder().name(RESPONSE).help(RESPONSE_HELP);
    boolean[] seen = new boolean[2];
    histograms.forEach(
        (k, h) -> {
          boolean request = k.get(0).equals(REQUEST);
          seen[request ? 0 : 1] = true;
          (request ? requests : responses)
              .dataPoint(
                  HistogramSnapshot.HistogramDataPointSnapshot.builder()
                      .labels(Labels.of("server", k.get(1), "zone", k.get(2), "view", "", "proto", k.get(3)))
                      .classicHistogramBuckets(ClassicHistogramBuckets.of(BOUNDS, h.counts()))
                      .sum(h.sum.sum())
                      .build());
        });
    List<MetricSnapshot> out = new ArrayList<>(2);
    if (seen[0]) {
      out.add(requests.build());
    }
    if (seen[1]) {
      out.add(responses.build());
    }
    return new MetricSnapshots(out);
  }

  @Override
  public List<String> getPrometheusNames() {
    return List.of(REQUEST, RESPONSE);
  }

  /** The bucket of a size: the smallest {@code i} with {@code bytes <= BOUNDS[i]}. */
  static int bucket(int bytes) {
    int i = 0;
    while (bytes > BOUNDS[i]) {
      i++; // the last bound is +Inf
    }
    return i;
  }

  /** One label set's buckets; recording is lock-free and allocates nothing. */
  public static final class Histogram implements IntConsumer {
    private final LongAdder[] buckets = new LongAdder[BOUNDS.length];
    private final LongAdder sum = new LongAdder();

    Histogram() {
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] = new LongAdder();
      }
    }

    /** Records one message of {@code bytes} bytes. */
    @Override
    public void accept(int bytes) {
      int b = Math.max(0, bytes);
      buckets[bucket(b)].increment();
      sum.add(b);
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
