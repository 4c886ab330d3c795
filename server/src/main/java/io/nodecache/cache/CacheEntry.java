package io.nodecache.cache;

import io.nodecache.chain.Next;
import io.nodecache.wire.FastQuery;
import io.nodecache.wire.PreparedAnswer;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * One cached answer, and its own key: the answer's wire form (it is the {@link PreparedAnswer}, sharing
 * its one array), the question in those bytes with the DO and CD bits ({@link Question}), when it stops
 * being fresh and when it may no longer be served even stale, plus the few mutable fields prefetch and
 * serve-stale need. Hit counts are updated without synchronization: a lost update only delays a
 * prefetch.
 *
 * <p>Kept small on purpose, since a cache holds up to hundreds of thousands: no key object, no second
 * copy of the name, the kind and the key bits in one byte, the refresh claim and its retry time in one
 * field, the last hit an int; the hash is computed from the bytes when a map asks (on a store or an
 * eviction, not on a hit). 56 bytes, on JDK 25 with compact headers as on JDK 17.
 */
final class CacheEntry extends PreparedAnswer implements Question {

  /** What an answer is, for the cache it goes to and its metric label. */
  enum Kind {
    SUCCESS("success"),
    DENIAL("denial"),
    SERVFAIL("denial");

    static final Kind[] ALL = values();

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

  private static final AtomicLongFieldUpdater<CacheEntry> RETRY =
      AtomicLongFieldUpdater.newUpdater(CacheEntry.class, "retryAfter");

  /** {@link #retryAfter} while a refresh is in flight. */
  private static final long IN_FLIGHT = Long.MIN_VALUE;

  /** {@link Kind#ordinal()} in the low two bits, then {@link Question#DO} and {@link Question#CD}. */
  private final byte bits;

  final Origin origin;
  /** The cache duration in seconds: the TTL served at store time. */
  final int ttl;
  final long freshUntil;
  final long keepUntil;

  private int hits;
  /**
   * The last counted hit in ticks of 2^20 ns (about 1 ms), an int rather than a long: gaps compare
   * correctly up to 2^31 ticks (26 days), far beyond the longest prefetch window (1 day); a longer gap
   * may pass for a short one, which at worst counts one hit too many.
   */
  private int lastHit;
  /** When the next refresh may start, or {@link #IN_FLIGHT} while one runs. */
  private volatile long retryAfter;

  /**
   * An entry for {@code answer}, keyed by its first question (which the caller checked is the one
   * asked) and {@code keyBits}.
   */
  CacheEntry(
      PreparedAnswer answer,
      int keyBits,
      Kind kind,
      Origin origin,
      int ttl,
      long now,
      long freshNanos,
      long staleNanos) {
    super(answer);
    this.bits = (byte) (kind.ordinal() | keyBits << 2);
    this.origin = origin;
    this.ttl = ttl;
    this.freshUntil = now + freshNanos;
    this.keepUntil = freshUntil + staleNanos;
    this.lastHit = tick(now);
    this.retryAfter = now;
  }

  Kind kind() {
    return Kind.ALL[bits & 3];
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
    int t = tick(now);
    int h = t - lastHit > tick(window) ? 1 : hits + 1;
    hits = h;
    lastHit = t;
    return h;
  }

  private static int tick(long nanos) {
    return (int) (nanos >> 20);
  }

  /** Claims the one refresh this entry may have in flight, unless a failed one asked to wait. */
  boolean startRefresh(long now) {
    long r = retryAfter;
    return r != IN_FLIGHT && now - r >= 0 && RETRY.compareAndSet(this, r, IN_FLIGHT);
  }

  void endRefresh(boolean failed, long now, long recheckNanos) {
    retryAfter = failed && recheckNanos > 0 ? now + recheckNanos : now;
  }

  @Override
  public byte[] questionBytes() {
    return bytes();
  }

  @Override
  public int questionOffset() {
    return FastQuery.HEADER;
  }

  @Override
  public int questionLength() {
    byte[] w = bytes();
    int p = FastQuery.HEADER;
    for (int len = w[p] & 0xff; len != 0; len = w[p] & 0xff) {
      p += len + 1;
    }
    return p + 5 - FastQuery.HEADER;
  }

  @Override
  public int keyBits() {
    return (bits >>> 2) & (DO | CD);
  }

  @Override
  public boolean equals(Object o) {
    return Question.same(this, o);
  }

  @Override
  public int hashCode() {
    int nameLength = questionLength() - 4;
    return Question.hash(
        Question.nameHash(bytes(), FastQuery.HEADER, nameLength), bytes(), FastQuery.HEADER,
        nameLength + 4, keyBits());
  }

  @Override
  public String toString() {
    return Question.describe(this);
  }
}
