package io.nodecache.k8s;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code stale_after DURATION}: a bound on how long the view answers with no watch connected. While
 * every informer watches, the view is current (a live watch delivers every change). "Older than
 * DURATION" counts from the moment a missing watch was first seen (the watch disconnected), or from
 * start when no watch has connected yet (a view loaded from the snapshot file). Past DURATION the
 * view is stale and queries for the zones go to the next handler; once every watch is connected again
 * (the informers resumed or relisted) it answers again. The watches are sampled every tenth of
 * DURATION (10 ms to 1 s), so the switch comes DURATION to DURATION plus one sample after the
 * disconnect, never before; {@link #stale()} is one volatile read, for the fast path.
 */
final class Staleness {

  private static final Logger log = LoggerFactory.getLogger(Staleness.class);

  private final long limitNanos;
  private final BooleanSupplier watching;
  private final LongSupplier nanoClock;
  /** When the current stretch without a watch began (start, or the first sample missing a watch). */
  private long since;
  private boolean watched;
  private volatile boolean stale;
  private ScheduledFuture<?> check;

  Staleness(Duration limit, BooleanSupplier watching, LongSupplier nanoClock) {
    this.limitNanos = limit.toNanos();
    this.watching = watching;
    this.nanoClock = nanoClock;
  }

  /** Starts the age at now and samples on {@code scheduler}. */
  synchronized void start(ScheduledExecutorService scheduler) {
    since = nanoClock.getAsLong();
    long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(limitNanos / 10, TimeUnit.SECONDS.toNanos(1)));
    check = scheduler.scheduleAtFixedRate(this::check, period, period, TimeUnit.NANOSECONDS);
  }

  synchronized void check() {
    long now = nanoClock.getAsLong();
    if (watching.getAsBoolean()) {
      watched = true;
      if (stale) {
        stale = false;
        log.info("kubernetes: watching again; answering from the view");
      }
    } else if (watched) {
      watched = false;
      since = now; // the disconnect, as first seen
    } else if (!stale && now - since > limitNanos) {
      stale = true;
      log.warn("kubernetes: no watch for more than {}; queries go to the next handler",
          Duration.ofNanos(limitNanos));
    }
  }

  /** True while the view is older than the limit with no watch connected. */
  boolean stale() {
    return stale;
  }

  synchronized void stop() {
    if (check != null) {
      check.cancel(false);
    }
  }
}
