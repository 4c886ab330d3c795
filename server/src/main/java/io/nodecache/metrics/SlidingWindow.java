package io.nodecache.metrics;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Queries and NXDOMAIN answers of one client over the last minute: six 10-second buckets in a ring of
 * eight. Each slot packs its bucket number (high 32 bits) with its count (low 32 bits), so that a slot
 * found holding an older bucket is restarted by the same compare-and-set that counts: exact under
 * concurrent writers, lock-free, no allocation.
 */
final class SlidingWindow {

  static final long BUCKET_NANOS = 10_000_000_000L;
  /** Buckets summed: the current one (partly filled) and the five before it. */
  static final int BUCKETS = 6;
  private static final int RING = 8;
  private static final int MASK = RING - 1;

  /** Slots 0..7 queries, 8..15 NXDOMAIN answers. */
  private final AtomicLongArray slots = new AtomicLongArray(2 * RING);

  /** The bucket number of a time, counted from {@code origin}; earlier times fall in bucket 0. */
  static int bucket(long nanos, long origin) {
    long d = nanos - origin;
    return d <= 0 ? 0 : (int) (d / BUCKET_NANOS);
  }

  void add(int bucket, boolean nxdomain) {
    bump(bucket & MASK, bucket);
    if (nxdomain) {
      bump(RING + (bucket & MASK), bucket);
    }
  }

  private void bump(int i, int bucket) {
    for (;;) {
      long v = slots.get(i);
      int held = (int) (v >>> 32);
      if (held > bucket) {
        return; // a late writer 8+ buckets behind: outside any window, never clobber the newer bucket
      }
      long next = held == bucket ? v + 1 : ((long) bucket << 32) | 1;
      if (slots.compareAndSet(i, v, next)) {
        return;
      }
    }
  }

  /** Queries in the window ending with bucket {@code now}. */
  long queries(int now) {
    return sum(0, now);
  }

  long nxdomain(int now) {
    return sum(RING, now);
  }

  private long sum(int from, int now) {
    long s = 0;
    for (int i = 0; i < RING; i++) {
      long v = slots.get(from + i);
      int b = (int) (v >>> 32);
      if (b <= now && now - b < BUCKETS) {
        s += v & 0xFFFF_FFFFL;
      }
    }
    return s;
  }
}
