package io.nodecache.cache;

import com.github.benmanes.caffeine.cache.Cache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;

/**
 * The CoreDNS cache metrics ({@code plugin/cache/metrics.go}) with their names and labels: {@code
 * server}, {@code zones} (the directive's zones joined by commas), {@code view} (empty: no views) and,
 * where CoreDNS has it, {@code type} ({@code success} or {@code denial}).
 */
final class CacheMetrics {

  private static final String ENTRIES = "coredns_cache_entries";

  final Counter requests;
  final Counter hitsSuccess;
  final Counter hitsDenial;
  final Counter misses;
  final Counter prefetches;
  final Counter drops;
  final Counter servedStale;
  final Counter evictionsSuccess;
  final Counter evictionsDenial;
  private final MeterRegistry registry;
  private final List<Gauge> gauges = new ArrayList<>();

  CacheMetrics(
      MeterRegistry registry,
      String server,
      String zones,
      Cache<?, ?> success,
      Cache<?, ?> denial) {
    this.registry = registry;
    Tags base = Tags.of("server", server, "zones", zones, "view", "");
    Tags ok = base.and("type", "success");
    Tags neg = base.and("type", "denial");
    requests = counter("coredns_cache_requests_total", "The count of cache requests.", base);
    hitsSuccess = counter("coredns_cache_hits_total", "The count of cache hits.", ok);
    hitsDenial = counter("coredns_cache_hits_total", "The count of cache hits.", neg);
    misses = counter("coredns_cache_misses_total", "The count of cache misses. Deprecated.", base);
    prefetches = counter("coredns_cache_prefetch_total", "The number of times the cache has prefetched a cached item.", base);
    drops = counter("coredns_cache_drops_total", "The number responses that are not cached, because the reply is malformed.", base);
    servedStale = counter("coredns_cache_served_stale_total", "The number of requests served from stale cache entries.", base);
    evictionsSuccess = counter("coredns_cache_evictions_total", "The count of cache evictions.", ok);
    evictionsDenial = counter("coredns_cache_evictions_total", "The count of cache evictions.", neg);
    entries(success, ok);
    entries(denial, neg);
  }

  /**
   * A reload builds the new handler before it stops the old one, and Micrometer would hand the new
   * handler the old gauge (same name and tags), bound to the old cache: replace it instead.
   */
  private void entries(Cache<?, ?> cache, Tags tags) {
    Gauge existing = registry.find(ENTRIES).tags(tags).gauge();
    if (existing != null) {
      registry.remove(existing);
    }
    gauges.add(
        Gauge.builder(ENTRIES, cache, Cache::estimatedSize)
            .description("The number of elements in the cache.")
            .tags(tags)
            .register(registry));
  }

  Counter hits(CacheEntry.Kind kind) {
    return kind == CacheEntry.Kind.SUCCESS ? hitsSuccess : hitsDenial;
  }

  Counter evictions(CacheEntry.Kind kind) {
    return kind == CacheEntry.Kind.SUCCESS ? evictionsSuccess : evictionsDenial;
  }

  /** Removes this handler's entry gauges unless a newer handler replaced them (counters carry on). */
  void close() {
    for (Gauge g : gauges) {
      if (registry.find(ENTRIES).tags(g.getId().getTags()).gauge() == g) {
        registry.remove(g);
      }
    }
  }

  private Counter counter(String name, String help, Tags tags) {
    return Counter.builder(name).description(help).tags(tags).register(registry);
  }
}
