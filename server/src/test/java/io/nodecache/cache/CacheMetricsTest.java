package io.nodecache.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** Metric names and labels are a contract with CoreDNS dashboards. */
class CacheMetricsTest {

  @Test
  void prometheusShowsCoreDnsNamesAndLabels() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (CacheHarness h = new CacheHarness("cache", registry)) {
      h.upstream.answer("m.example.org.", Type.A, "m.example.org. 300 IN A 192.0.2.1");
      h.ask("m.example.org.", Type.A);
      h.ask("m.example.org.", Type.A);
      String text = registry.scrape();
      assertThat(text)
          .contains("coredns_cache_entries{server=\"dns://:53\",type=\"success\",view=\"\",zones=\".\"} 1")
          .contains("coredns_cache_entries{server=\"dns://:53\",type=\"denial\",view=\"\",zones=\".\"} 0")
          .contains("coredns_cache_hits_total{server=\"dns://:53\",type=\"success\",view=\"\",zones=\".\"} 1")
          .contains("coredns_cache_hits_total{server=\"dns://:53\",type=\"denial\",view=\"\",zones=\".\"} 0")
          .contains("coredns_cache_misses_total{server=\"dns://:53\",view=\"\",zones=\".\"} 1")
          .contains("coredns_cache_requests_total{server=\"dns://:53\",view=\"\",zones=\".\"} 2")
          .contains("coredns_cache_prefetch_total{server=\"dns://:53\",view=\"\",zones=\".\"} 0")
          .contains("coredns_cache_drops_total{server=\"dns://:53\",view=\"\",zones=\".\"} 0")
          .contains("coredns_cache_served_stale_total{server=\"dns://:53\",view=\"\",zones=\".\"} 0")
          .contains("coredns_cache_evictions_total{server=\"dns://:53\",type=\"success\",view=\"\",zones=\".\"} 0");
    }
    assertThat(registry.scrape()).as("stop() removes the entry gauges").doesNotContain("coredns_cache_entries");
  }

  @Test
  void aReloadedCacheOwnsTheEntriesGaugeAfterTheOldOneStops() throws Exception {
    SimpleMeterRegistry registry =
        new SimpleMeterRegistry();
    CacheHarness old = new CacheHarness("cache", registry);
    try (CacheHarness next = new CacheHarness("cache", registry)) {
      next.upstream.answer("m.example.org.", Type.A, "m.example.org. 300 IN A 192.0.2.1");
      next.ask("m.example.org.", Type.A);
      old.close(); // the generation swap stops the old handler after the new one is built
      assertThat(registry.get("coredns_cache_entries").tag("type", "success").gauge().value()).isEqualTo(1);
      next.ask("m.example.org.", Type.A);
      assertThat(registry.get("coredns_cache_hits_total").tag("type", "success").counter().count()).isEqualTo(1);
    }
  }
}
