package io.nodecache.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for directive arguments; every error names the value and what was expected. */
public final class Values {

  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  /**
   * The longest duration taken where CoreDNS sets no upper bound (Go's durations end at about 292
   * years): a year, so that timers never overflow.
   */
  public static final Duration LONGEST = Duration.ofDays(365);

  private Values() {}

  /**
   * A duration as Go's {@code time.ParseDuration} reads it, which is what CoreDNS's plugins use
   * ({@code 500ms}, {@code 5s}, {@code 1m30s}, and {@code 0}): a number without a unit is refused, as
   * CoreDNS refuses it ("missing unit in duration").
   */
  public static Duration duration(Directive d, String token) throws ConfigException {
    if (token.equals("0")) {
      return Duration.ZERO;
    }
    if (token.matches("\\d+(\\.\\d+)?")) {
      throw d.error("'" + token + "' is not a duration: it needs a unit (e.g. " + token + "s)");
    }
    return units(d, token);
  }

  /**
   * A duration, or a bare integer as seconds: CoreDNS's {@code durations.NewDurationFromArg}, which
   * only some directives use ({@code timeouts}); our own flags take it too.
   */
  public static Duration durationOrSeconds(Directive d, String token) throws ConfigException {
    if (token.matches("\\d+")) {
      return Duration.ofSeconds(Long.parseLong(token));
    }
    return duration(d, token);
  }

  private static Duration units(Directive d, String token) throws ConfigException {
    Matcher m = PART.matcher(token);
    int at = 0;
    long nanos = 0;
    while (m.find() && m.start() == at) {
      double v = Double.parseDouble(m.group(1));
      long unit =
          switch (m.group(2)) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
          };
      nanos += (long) (v * unit);
      at = m.end();
    }
    if (at == 0 || at != token.length()) {
      throw d.error("'" + token + "' is not a duration (expected: e.g. 500ms, 5s, 1m)");
    }
    return Duration.ofNanos(nanos);
  }

  /** A duration within bounds. */
  public static Duration duration(Directive d, String token, Duration min, Duration max)
      throws ConfigException {
    return within(d, token, duration(d, token), min, max);
  }

  /** A duration or a bare number of seconds ({@link #durationOrSeconds(Directive, String)}) within bounds. */
  public static Duration durationOrSeconds(Directive d, String token, Duration min, Duration max)
      throws ConfigException {
    return within(d, token, durationOrSeconds(d, token), min, max);
  }

  private static Duration within(Directive d, String token, Duration v, Duration min, Duration max)
      throws ConfigException {
    if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
      throw d.error("'" + token + "' (expected: " + min + ".." + max + ")");
    }
    return v;
  }

  public static int integer(Directive d, String what, String token, int min, int max)
      throws ConfigException {
    long v;
    try {
      v = Long.parseLong(token);
    } catch (NumberFormatException e) {
      throw d.error(what + ": '" + token + "' is not a number (expected: " + min + ".." + max + ")");
    }
    if (v < min || v > max) {
      throw d.error(what + ": " + v + " (expected: " + min + ".." + max + ")");
    }
    return (int) v;
  }
}
