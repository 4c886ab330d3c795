package io.nodecache.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntConsumer;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * CoreDNS's per-query metrics for one server and zone ({@code coredns_dns_requests_total},
 * {@code coredns_dns_responses_total}, {@code coredns_dns_request_duration_seconds}, {@code
 * coredns_dns_request_size_bytes}, {@code coredns_dns_response_size_bytes}, {@code
 * coredns_dns_do_requests_total}), with meters looked up by array index so that recording on the hot
 * path does not allocate.
 */
public final class DnsMetrics {

  /** The {@code type} label values CoreDNS keeps; everything else is {@code other}. */
  static final List<String> TYPES =
      List.of("A", "AAAA", "MX", "SOA", "CNAME", "PTR", "TXT", "NS", "SRV", "DS", "DNSKEY", "RRSIG",
          "NSEC", "NSEC3", "HTTPS", "IXFR", "AXFR", "ANY", "other");

  private static final int[] TYPE_CODES = {
    Type.A, Type.AAAA, Type.MX, Type.SOA, Type.CNAME, Type.PTR, Type.TXT, Type.NS, Type.SRV, Type.DS,
    Type.DNSKEY, Type.RRSIG, Type.NSEC, Type.NSEC3, Type.HTTPS, Type.IXFR, Type.AXFR, Type.ANY
  };

  private static final Duration[] BUCKETS = buckets();

  /** CoreDNS's size buckets without 0 and +Inf (Micrometer takes neither), for other registries. */
  private static final double[] SIZE_BOUNDS =
      Arrays.copyOfRange(SizeHistograms.BOUNDS, 1, SizeHistograms.BOUNDS.length - 1);

  private final MeterRegistry registry;
  private final String server;
  private final String zone;
  private final AtomicReferenceArray<Counter> requests = new AtomicReferenceArray<>(2 * 2 * 19);
  /** Set when the registry is Prometheus's (production): the cheap histograms; else Micrometer timers. */
  private final DurationHistograms histograms;
  private final AtomicReferenceArray<DurationHistograms.Histogram> fastDurations = new AtomicReferenceArray<>(19);
  private final AtomicReferenceArray<Timer> durations = new AtomicReferenceArray<>(19);
  /** Indexed by rcode (0..23) and plugin, so that counting an answer boxes nothing. */
  private final AtomicReferenceArray<Counter> responses;
  private final ConcurrentHashMap<Integer, Counter> rareResponses = new ConcurrentHashMap<>();
  private final List<String> plugins;
  /** Set when the registry is Prometheus's: the cheap size histograms; else Micrometer summaries. */
  private final SizeHistograms sizes;
  /** Request then response size, by proto (udp 0, tcp 1): [0] [1] requests, [2] [3] responses. */
  private final AtomicReferenceArray<IntConsumer> sizeRecorders = new AtomicReferenceArray<>(4);
  private volatile Counter doRequests;

  /**
   * @param plugins names usable as the {@code plugin} label, indexed by the caller
   */
  public DnsMetrics(MeterRegistry registry, String server, String zone, List<String> plugins) {
    this.registry = registry;
    this.server = server;
    this.zone = zone;
    this.plugins = List.copyOf(plugins);
    this.responses = new AtomicReferenceArray<>(24 * (this.plugins.size() + 1));
    this.histograms =
        registry instanceof PrometheusMeterRegistry p
            ? DurationHistograms.of(p.getPrometheusRegistry())
            : null;
    this.sizes =
        registry instanceof PrometheusMeterRegistry p ? SizeHistograms.of(p.getPrometheusRegistry()) : null;
  }

  public static int typeIndex(int qtype) {
    for (int i = 0; i < TYPE_CODES.length; i++) {
      if (TYPE_CODES[i] == qtype) {
        return i;
      }
    }
    return TYPES.size() - 1;
  }

  /**
   * @param tcp protocol
   * @param ipv6 client address family
   */
  public void request(boolean tcp, boolean ipv6, int qtype) {
    int t = typeIndex(qtype);
    int i = ((tcp ? 1 : 0) * 2 + (ipv6 ? 1 : 0)) * 19 + t;
    Counter c = requests.get(i);
    if (c == null) {
      c =
          Counter.builder("coredns.dns.requests")
              .description("Counter of DNS requests made per zone, protocol and family.")
              .tags("server", server, "zone", zone, "view", "", "proto", tcp ? "tcp" : "udp")
              .tag("family", ipv6 ? "2" : "1")
              .tag("type", TYPES.get(t))
              .register(registry);
      requests.set(i, c);
    }
    c.increment();
  }

  /**
   * A query that entered this block: {@link #request(boolean, boolean, int)} plus its size in
   * {@code coredns_dns_request_size_bytes} and, when it has the DO bit, {@code
   * coredns_dns_do_requests_total}.
   *
   * @param bytes the query's length as received (before any plugin rewrites it), without TCP's
   *     length prefix
   */
  public void request(boolean tcp, boolean ipv6, int qtype, int bytes, boolean dnssecOk) {
    request(tcp, ipv6, qtype);
    size(tcp ? 1 : 0).accept(bytes);
    if (dnssecOk) {
      Counter c = doRequests;
      if (c == null) {
        c =
            Counter.builder("coredns.dns.do.requests")
                .description("Counter of DNS requests with DO bit set per zone.")
                .tags("server", server, "zone", zone, "view", "")
                .register(registry);
        doRequests = c;
      }
      c.increment();
    }
  }

  /**
   * The answer's length as sent, without TCP's length prefix, in {@code
   * coredns_dns_response_size_bytes}.
   */
  public void responseSize(boolean tcp, int bytes) {
    size(tcp ? 3 : 2).accept(bytes);
  }

  private IntConsumer size(int slot) {
    IntConsumer r = sizeRecorders.get(slot);
    if (r == null) {
      boolean tcp = (slot & 1) == 1;
      boolean request = slot < 2;
      if (sizes != null) {
        r = request ? sizes.request(server, zone, tcp) : sizes.response(server, zone, tcp);
      } else {
        DistributionSummary s =
            DistributionSummary.builder(request ? "coredns.dns.request.size.bytes" : "coredns.dns.response.size.bytes")
                .description(request ? "Size of the EDNS0 UDP buffer in bytes (64K for TCP)." : "Size of the returned response in bytes.")
                .tags("server", server, "zone", zone, "view", "", "proto", SizeHistograms.proto(tcp))
                .serviceLevelObjectives(SIZE_BOUNDS)
                .register(registry);
        r = s::record;
      }
      sizeRecorders.set(slot, r);
    }
    return r;
  }

  /**
   * @param pluginIndex index into the plugin names, or -1 for none (answered by the server itself)
   */
  public void response(int rcode, int pluginIndex, int qtype, long nanos) {
    int slot = rcode < 24 ? rcode * (plugins.size() + 1) + pluginIndex + 1 : -1;
    Counter c = slot >= 0 ? responses.get(slot) : rareResponses.get((rcode & 0xFFF) * 64 + pluginIndex + 1);
    if (c == null) {
      c =
          Counter.builder("coredns.dns.responses")
              .description("Counter of response status codes.")
              .tags("server", server, "zone", zone, "view", "", "rcode", Rcode.string(rcode))
              .tag("plugin", pluginIndex < 0 ? "" : plugins.get(pluginIndex))
              .register(registry); // the registry returns the same counter for the same tags
      if (slot >= 0) {
        responses.set(slot, c);
      } else {
        rareResponses.put((rcode & 0xFFF) * 64 + pluginIndex + 1, c);
      }
    }
    c.increment();
    int t = typeIndex(qtype);
    if (histograms != null) {
      DurationHistograms.Histogram h = fastDurations.get(t);
      if (h == null) {
        h = histograms.histogram(server, zone, TYPES.get(t));
        fastDurations.set(t, h);
      }
      h.record(nanos);
      return;
    }
    Timer timer = durations.get(t);
    if (timer == null) {
      timer =
          Timer.builder("coredns.dns.request.duration")
              .description("Histogram of the time (in seconds) each request took.")
              .tags("server", server, "zone", zone, "view", "", "type", TYPES.get(t))
              .serviceLevelObjectives(BUCKETS)
              .register(registry);
      durations.set(t, timer);
    }
    timer.record(nanos, TimeUnit.NANOSECONDS);
  }

  public int pluginIndex(String name) {
    return plugins.indexOf(name);
  }

  /** CoreDNS: prometheus.ExponentialBuckets(0.00025, 2, 16). */
  private static Duration[] buckets() {
    Duration[] b = new Duration[16];
    double s = 0.00025;
    for (int i = 0; i < b.length; i++) {
      b[i] = Duration.ofNanos((long) (s * 1e9));
      s *= 2;
    }
    return b;
  }
}
