package io.nodecache.util;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Waiting without a checked exception, for loops that poll. */
public final class Pause {

  private Pause() {}

  /** Waits {@code ms}, or less when the thread is interrupted (its flag stays set). */
  public static void sleep(long ms) {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    for (long left; (left = end - System.nanoTime()) > 0 && !Thread.currentThread().isInterrupted(); ) {
      LockSupport.parkNanos(left);
    }
  }
}
