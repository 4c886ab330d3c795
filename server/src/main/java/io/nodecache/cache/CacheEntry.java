package io.nodecache.cache;

import com.github.benmanes.caffeine.cache.Expiry;
import io.nodecache.chain.Next;
import io.nodecache.wire.PreparedAnswer;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One cached answer: its wire form, when it stops being fresh and when it may no longer be served even
 * stale, plus the few mutable fields prefetch and serve-stale need. Hit counts are updated without
 * synchronization: a lost update only delays a prefetch.
 */
final class CacheEntry {

  /** What an answer is, for the cache it goes to and its metric label. */
  enum Kind {
    SUCCESS("success"),
    DENIAL("denial"),
    SERVFAIL("denial");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /**
   * Where an entry came from, so that a background refresh can ask the same chain again.
   *
   * @param next the rest of the chain after the cache (the cache's {@code latest}: never one request's
   *     own Next, which would make an Origin per entry)
   * @param zone the server-block zone of the original request
   * @param server the server label of the original request
   */
  record Origin(Next next, String zone, String server) {}

  private static final AtomicIntegerFieldUpdater<CacheEntry> REFRESHING =
      AtomicIntegerFieldUpdater.newUpdater(CacheEntry.class, "refreshing");

  final CacheKey key;
  final PreparedAnswer answer;
  final Kind kind;
  final Origin origin;
  /** The cache duration in seconds: the TTL served at store time. */
  final int ttl;
  final long freshUntil;
  final long keepUntil;

  private int hits;
  private long lastHit;
  private volatile int refreshing;
  private volatile long retryAfter;

  CacheEntry(
      CacheKey key,
      PreparedAnswer answer,
      Kind kind,
      Origin origin,
      int ttl,
      long now,
      long freshNanos,
      long staleNanos) {
    this.key = key;
    this.answer = answer;
    this.kind = kind;
    this.origin = origin;
    this.ttl = ttl;
    this.freshUntil = now + freshNanos;
    this.keepUntil = freshUntil + staleNanos;
    this.lastHit = now;
    this.retryAfter = now;
  }

  boolean fresh(long now) {
    return now - freshUntil < 0;
  }

  /** True while the entry may be served stale. */
  boolean servable(long now) {
    return now - keepUntil < 0;
  }

  /** Whole seconds left, rounded up, as CoreDNS serves {@code origTTL - floor(elapsed)}. */
  int remaining(long now) {
    long left = freshUntil - now;
    return left <= 0 ? 0 : (int) ((left + 999_999_999L) / 1_000_000_000L);
  }

  /** Counts a hit; returns the hits seen with no gap of {@code window} nanoseconds or more. */
  int hit(long now, long window) {
    int h = now - lastHit > window ? 1 : hits + 1;
    hits = h;
    lastHit = now;
    return h;
  }

  /** Claims the one refresh this entry may have in flight, unless a failed one asked to wait. */
  boolean startRefresh(long now) {
    return now - retryAfter >= 0 && REFRESHING.compareAndSet(this, 0, 1);
  }

  void endRefresh(boolean failed, long now, long recheckNanos) {
    if (failed && recheckNanos > 0) {
      retryAfter = now + recheckNanos;
    }
    refreshing = 0;
  }

  /** Each entry lives until it can no longer be served, even stale: no timer per entry. */
  static final class UntilUnservable implements Expiry<CacheKey, CacheEntry> {
    @Override
    public long expireAfterCreate(CacheKey key, CacheEntry e, long now) {
      return Math.max(1, e.keepUntil - now);
    }

    @Override
    public long expireAfterUpdate(CacheKey key, CacheEntry e, long now, long current) {
      return Math.max(1, e.keepUntil - now);
    }

    @Override
    public long expireAfterRead(CacheKey key, CacheEntry e, long now, long current) {
      return current;
    }
  }
}
