package io.nodecache.hosts;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * CoreDNS's hosts metrics, {@code coredns_hosts_entries} (addresses of every name plus reverse
 * names, inline and file together) and {@code coredns_hosts_reload_timestamp_seconds} (the
 * modification time of the file last read). As in CoreDNS they have no labels and the last hosts
 * table loaded by any block sets them: a handler that loads a new table takes the gauges over
 * (Micrometer would otherwise keep the first handler's gauge for the name).
 */
final class HostsMetrics {

  static final String ENTRIES = "coredns_hosts_entries";
  static final String RELOAD = "coredns_hosts_reload_timestamp_seconds";

  private final MeterRegistry registry;
  private final AtomicLong entries = new AtomicLong();
  /** Milliseconds since the epoch; 0 until a file was read. */
  private final AtomicLong reloadMillis = new AtomicLong();
  private final List<Gauge> gauges = new ArrayList<>();

  HostsMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The table now served ({@code fileMillis} its file's modification time, or -1 if no file was read). */
  synchronized void loaded(HostsTable t, long fileMillis) {
    entries.set(count(t));
    if (fileMillis >= 0) {
      reloadMillis.set(fileMillis);
    }
    if (gauges.isEmpty() || registry.find(ENTRIES).gauge() != gauges.get(0)) {
      close();
      gauges.add(
          replace(
              Gauge.builder(ENTRIES, entries, AtomicLong::get)
                  .description("The combined number of entries in hosts and Corefile."),
              ENTRIES));
      gauges.add(
          replace(
              Gauge.builder(RELOAD, reloadMillis, m -> m.get() / 1000.0)
                  .description("The timestamp of the last reload of hosts file."),
              RELOAD));
    }
  }

  /** Registers {@code b}, first removing a gauge of the same name that another handler registered. */
  private Gauge replace(Gauge.Builder<?> b, String name) {
    Gauge existing = registry.find(name).gauge();
    if (existing != null) {
      registry.remove(existing);
    }
    return b.register(registry);
  }

  /** CoreDNS's count: every address of every name, and every name of every reverse entry. */
  static long count(HostsTable t) {
    long n = 0;
    for (List<?> l : t.byName.values()) {
      n += l.size();
    }
    for (List<?> l : t.byReverse.values()) {
      n += l.size();
    }
    return n;
  }

  /** Removes this handler's gauges unless another handler took them over. */
  synchronized void close() {
    for (Gauge g : gauges) {
      if (registry.find(g.getId().getName()).gauge() == g) {
        registry.remove(g);
      }
    }
    gauges.clear();
  }
}
