package io.nodecache.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits on a condition with a deadline instead of sleeping a fixed time. */
public final class Await {

  private Await() {}

  /** Polls {@code condition} every few milliseconds until it holds; fails after {@code max}. */
  public static void until(String what, Duration max, BooleanSupplier condition) {
    long end = System.nanoTime() + max.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("timed out after " + max + " waiting for: " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for: " + what, e);
      }
    }
  }
}
