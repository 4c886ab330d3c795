package io.nodecache.errors;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * One {@code consolidate DURATION REGEXP [LEVEL] [show_first]}: errors whose message matches are
 * counted; DURATION after the first of a period, one line says how many there were: {@code N errors
 * like 'REGEXP' occurred in last DURATION}. With {@code show_first} the first error of a period is
 * logged at once and the summary printed only when more followed.
 */
final class Consolidation {

  private final Duration period;
  private final Pattern regex;
  private final ErrorLog.Level level;
  private final boolean showFirst;
  private final ScheduledExecutorService scheduler;
  private final ErrorLog out;
  private final AtomicInteger count = new AtomicInteger();

  Consolidation(
      Duration period, Pattern regex, ErrorLog.Level level, boolean showFirst, ScheduledExecutorService scheduler, ErrorLog out) {
    this.period = period;
    this.regex = regex;
    this.level = level;
    this.showFirst = showFirst;
    this.scheduler = scheduler;
    this.out = out;
  }

  boolean matches(String message) {
    return regex.matcher(message).find();
  }

  /**
   * Counts one matching error.
   *
   * @param line the error's own line, logged at once when it is the first of a period with {@code
   *     show_first}
   * @return true: the error is taken care of (not to be logged on its own)
   */
  boolean count(String line) {
    if (count.incrementAndGet() == 1) {
      if (showFirst) {
        out.log(level, "plugin/errors: 2 " + line, null);
      }
      scheduler.schedule(this::flush, period.toNanos(), TimeUnit.NANOSECONDS);
    }
    return true;
  }

  /** Prints the period's summary and starts a new period. */
  void flush() {
    int n = count.getAndSet(0);
    if (n > 1 || (n == 1 && !showFirst)) {
      out.log(level, String.format("plugin/errors: %d errors like '%s' occurred in last %s", n, regex.pattern(), goDuration(period)), null);
    }
  }

  /** A duration the way Go prints it: 30s, 5m0s, 1h0m0s, 1.5s. */
  static String goDuration(Duration d) {
    long h = d.toHours();
    long m = d.toMinutesPart();
    double s = d.toSecondsPart() + d.toNanosPart() / 1e9;
    String secs = s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
    if (h > 0) {
      return h + "h" + m + "m" + secs + "s";
    }
    if (m > 0) {
      return m + "m" + secs + "s";
    }
    return secs + "s";
  }
}
