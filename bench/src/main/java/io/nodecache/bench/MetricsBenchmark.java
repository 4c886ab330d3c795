package io.nodecache.bench;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nodecache.metrics.DnsMetrics;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * What the per-query CoreDNS metrics cost on the hot path: {@code coredns_dns_requests_total} plus
 * {@code coredns_dns_responses_total} and the {@code coredns_dns_request_duration_seconds} histogram
 * (Micrometer on a Prometheus registry), for a mix of NOERROR and NXDOMAIN answers of A and AAAA
 * queries with realistic durations (prepared in set-up).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled", "-Xmx512m"})
public class MetricsBenchmark {

  private static final int RING = 4096;
  private static final int MASK = RING - 1;

  private DnsMetrics metrics;
  private Timer timer;
  private Counter counter;
  private int[] rcodes;
  private int[] types;
  private long[] nanos;
  private int next;

  @Setup
  public void setUp() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    metrics = new DnsMetrics(registry, "dns://:53", ".", List.of("cache", "forward"));
    Duration[] slos = new Duration[16];
    for (int i = 0; i < slos.length; i++) {
      slos[i] = Duration.ofNanos(250_000L << i); // CoreDNS's ExponentialBuckets(0.00025, 2, 16)
    }
    timer = Timer.builder("bench.timer").serviceLevelObjectives(slos).register(registry);
    counter = Counter.builder("bench.counter").register(registry);
    SplittableRandom r = new SplittableRandom(3);
    rcodes = new int[RING];
    types = new int[RING];
    nanos = new long[RING];
    for (int i = 0; i < RING; i++) {
      rcodes[i] = r.nextInt(10) == 0 ? Rcode.NXDOMAIN : Rcode.NOERROR;
      types[i] = r.nextBoolean() ? Type.A : Type.AAAA;
      nanos[i] = 2_000 + r.nextLong(200_000); // 2-200 µs, cache hits and local misses
    }
  }

  /** Both calls the listener makes per answered query. */
  @Benchmark
  public void requestAndResponse() {
    int i = next++ & MASK;
    metrics.request(false, false, types[i]);
    metrics.response(rcodes[i], 0, types[i], nanos[i]);
  }

  /** Only the Micrometer timer with CoreDNS's 16 histogram buckets (count, sum, max, buckets). */
  @Benchmark
  public void timerOnly() {
    timer.record(nanos[next++ & MASK], TimeUnit.NANOSECONDS);
  }

  /** Only one Micrometer counter increment. */
  @Benchmark
  public void counterOnly() {
    counter.increment();
  }
}
