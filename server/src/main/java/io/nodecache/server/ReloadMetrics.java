package io.nodecache.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nodecache.config.Corefile;

/** CoreDNS's reload metrics: {@code coredns_reload_failed_total} and {@code coredns_reload_version_info}. */
final class ReloadMetrics {

  private final MeterRegistry registry;
  private final Counter failed;
  private Meter version;

  ReloadMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.failed =
        Counter.builder("coredns.reload.failed")
            .description("Counter of the number of failed reload attempts.")
            .register(registry);
  }

  void failed() {
    failed.increment();
  }

  synchronized void loaded(Corefile corefile) {
    if (version != null) {
      registry.remove(version);
    }
    version =
        Gauge.builder("coredns.reload.version.info", () -> 1)
            .description("A metric with a constant '1' value labeled by hash, and value which type of hash generated.")
            .tags("hash", "sha512", "value", ConfigSource.sha512(corefile.source() + "\n" + corefile.blocks()))
            .register(registry);
  }
}
