package io.nodecache.forward;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Rcode;

/**
 * CoreDNS's forward and proxy metrics, names and labels as dashboards know them: {@code
 * coredns_forward_*} (still used by node-local-dns dashboards) and {@code coredns_proxy_*{proxy_name=
 * "forward"}} (CoreDNS 1.11+), plus nodecache's count of dropped mismatched answers.
 */
final class ForwardMetrics {

  /** CoreDNS {@code plugin.TimeBuckets}: 0.25 ms doubling 16 times. */
  private static final Duration[] BUCKETS = new Duration[16];

  static {
    for (int i = 0; i < BUCKETS.length; i++) {
      BUCKETS[i] = Duration.ofNanos(250_000L << i);
    }
  }

  private final MeterRegistry registry;
  private final Counter healthcheckBroken;
  private final Counter maxConcurrentRejects;

  ForwardMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.healthcheckBroken =
        Counter.builder("coredns_forward_healthcheck_broken")
            .description("Counter of the number of complete failures of the healthchecks.")
            .register(registry);
    this.maxConcurrentRejects =
        Counter.builder("coredns_forward_max_concurrent_rejects")
            .description("Counter of the number of queries rejected because the concurrent queries were at maximum.")
            .register(registry);
  }

  /** Meters of one upstream, looked up once. */
  final class To {
    final String to;
    final Counter requests;
    final Counter hcFailures;
    final Counter proxyHcFailures;
    final Counter connHitsTcp;
    final Counter connMissesTcp;
    final Counter connMissesUdp;
    final Counter connHitsUdp;
    final Counter mismatched;
    private final ConcurrentMap<Integer, ByRcode> byRcode = new ConcurrentHashMap<>();

    To(String to) {
      this.to = to;
      requests =
          Counter.builder("coredns_forward_requests")
              .description("Counter of requests made per upstream.")
              .tag("to", to)
              .register(registry);
      hcFailures =
          Counter.builder("coredns_forward_healthcheck_failures")
              .description("Counter of the number of failed healthchecks.")
              .tag("to", to)
              .register(registry);
      proxyHcFailures =
          Counter.builder("coredns_proxy_healthcheck_failures")
              .description("Counter of the number of failed healthchecks.")
              .tags("proxy_name", "forward", "to", to, "rcode", "")
              .register(registry);
      connHitsTcp = conn("coredns_proxy_conn_cache_hits", "tcp", "Counter of connection cache hits per upstream and protocol.");
      connMissesTcp = conn("coredns_proxy_conn_cache_misses", "tcp", "Counter of connection cache misses per upstream and protocol.");
      connHitsUdp = conn("coredns_proxy_conn_cache_hits", "udp", "Counter of connection cache hits per upstream and protocol.");
      connMissesUdp = conn("coredns_proxy_conn_cache_misses", "udp", "Counter of connection cache misses per upstream and protocol.");
      mismatched =
          Counter.builder("coredns_nodecache_forward_mismatched_answers")
              .description("Answers dropped because their ID, question or source did not match a query in flight.")
              .tag("to", to)
              .register(registry);
    }

    private Counter conn(String name, String proto, String help) {
      return Counter.builder(name).description(help).tags("proxy_name", "forward", "to", to, "proto", proto).register(registry);
    }

    /** Records one answer from this upstream. */
    void response(int rcode, long nanos) {
      ByRcode m = byRcode.get(rcode);
      if (m == null) {
        m = byRcode.computeIfAbsent(rcode, r -> new ByRcode(registry, to, r));
      }
      m.responses.increment();
      m.forward.record(nanos, TimeUnit.NANOSECONDS);
      m.proxy.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  private record ByRcode(Counter responses, Timer forward, Timer proxy) {
    ByRcode(MeterRegistry registry, String to, int rcode) {
      this(
          Counter.builder("coredns_forward_responses")
              .description("Counter of responses received per upstream.")
              .tags("to", to, "rcode", Rcode.string(rcode))
              .register(registry),
          timer("coredns_forward_request_duration", to, rcode).register(registry),
          timer("coredns_proxy_request_duration", to, rcode).tag("proxy_name", "forward").register(registry));
    }
  }

  private static Timer.Builder timer(String name, String to, int rcode) {
    return Timer.builder(name)
        .description("Histogram of the time each request took.")
        .serviceLevelObjectives(BUCKETS)
        .tags("to", to, "rcode", Rcode.string(rcode));
  }

  To to(String to) {
    return new To(to);
  }

  void healthcheckBroken() {
    healthcheckBroken.increment();
  }

  void maxConcurrentReject() {
    maxConcurrentRejects.increment();
  }
}
