package io.nodecache.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * CoreDNS's per-query metrics for one server and zone ({@code coredns_dns_requests_total},
 * {@code coredns_dns_responses_total}, {@code coredns_dns_request_duration_seconds}), with meters
 * looked up by array index so that recording on the hot path does not allocate.
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
