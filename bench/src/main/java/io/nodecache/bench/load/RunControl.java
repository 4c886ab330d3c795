package io.nodecache.bench.load;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What all clients of one run share: the start time, the sending deadline, the global query budget
 * (claimed once per query, so the count bound holds across clients) and the latch they count down when
 * finished.
 */
final class RunControl {

  final long startNanos;
  final long deadlineNanos;
  final long timeoutNanos;
  private final long maxCount;
  private final AtomicLong claimed = new AtomicLong();
  final CountDownLatch finished;

  RunControl(long startNanos, long durationNanos, long timeoutNanos, long maxCount, int clients) {
    this.startNanos = startNanos;
    this.deadlineNanos = startNanos + durationNanos;
    this.timeoutNanos = timeoutNanos;
    this.maxCount = maxCount;
    this.finished = new CountDownLatch(clients);
  }

  /** Takes one query from the budget; returns its sequence number, or -1 when the budget is spent. */
  long claim() {
    long n = claimed.getAndIncrement();
    return n < maxCount ? n : -1;
  }
}
