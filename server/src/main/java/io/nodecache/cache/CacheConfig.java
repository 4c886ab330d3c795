package io.nodecache.cache;

import java.time.Duration;
import java.util.List;

/**
 * The validated settings of one {@code cache} directive, with CoreDNS's defaults.
 *
 * @param zones zones whose answers are cached (canonical, e.g. {@code "example.org."}, or {@code "."})
 * @param success the positive cache
 * @param denial the negative cache (NXDOMAIN, NODATA and SERVFAIL)
 * @param prefetch background refresh of popular entries, or null when off
 * @param serveStale RFC 8767 serve-stale, or null when off
 * @param servfail how long a SERVFAIL is cached; zero disables
 * @param disableSuccess zones for which positive answers are not cached
 * @param disableDenial zones for which negative answers are not cached
 * @param keepTtl serve the TTLs as received instead of the remaining cache duration
 * @param preferPositive {@code serve_stale_policy prefer_positive}: a stale positive answer wins over a
 *     fresh negative one
 */
public record CacheConfig(
    List<String> zones,
    Tier success,
    Tier denial,
    Prefetch prefetch,
    ServeStale serveStale,
    Duration servfail,
    List<String> disableSuccess,
    List<String> disableDenial,
    boolean keepTtl,
    boolean preferPositive) {

  /** CoreDNS's default capacity: 256 shards of 39 entries. */
  public static final int DEFAULT_CAPACITY = 9984;

  public static final int MAX_SUCCESS_TTL = 3600;
  public static final int MAX_DENIAL_TTL = 1800;
  public static final int MIN_TTL = 5;
  public static final Duration DEFAULT_SERVFAIL = Duration.ofSeconds(5);
  public static final Duration MAX_SERVFAIL = Duration.ofMinutes(5);

  public CacheConfig {
    zones = List.copyOf(zones);
    disableSuccess = List.copyOf(disableSuccess);
    disableDenial = List.copyOf(disableDenial);
  }

  /**
   * Capacity, maximum and minimum TTL of one of the two caches.
   *
   * @param capacity maximum number of entries
   * @param maxTtl cap in seconds
   * @param minTtl floor in seconds
   */
  public record Tier(int capacity, int maxTtl, int minTtl) {}

  /**
   * Prefetch: an entry hit {@code amount} times with no gap of {@code window} or more is refreshed once
   * {@code percentage} percent of its TTL remains.
   */
  public record Prefetch(int amount, Duration window, int percentage) {}

  /**
   * Serve-stale (RFC 8767).
   *
   * @param maxStale how long past expiry an entry may still be served
   * @param verify ask the upstream first and serve stale only when it fails (else serve stale at once
   *     and refresh in the background)
   * @param verifyTimeout in verify mode, serve stale when the upstream has not answered by then (zero:
   *     wait for the upstream's own timeout)
   * @param responseTtl TTL of stale answers in seconds (RFC 8767 §4 recommends 30)
   * @param failureRecheck after a failed refresh, wait this long before the next one
   */
  public record ServeStale(
      Duration maxStale,
      boolean verify,
      Duration verifyTimeout,
      int responseTtl,
      Duration failureRecheck) {}
}
