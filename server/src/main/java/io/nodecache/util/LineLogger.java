package io.nodecache.util;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** One named logger of {@link LineLogProvider}: a level, and a line per event on the configured stream. */
final class LineLogger extends LegacyAbstractLogger {

  private static final long serialVersionUID = 1L;
  static final String PREFIX = "org.slf4j.simpleLogger.";
  /** Above ERROR: nothing is logged. */
  static final int OFF = Level.ERROR.toInt() + 10;

  private final String shortName;
  private final int threshold;
  private final boolean toStdout;

  LineLogger(String name, int threshold, boolean toStdout) {
    this.name = name;
    this.shortName = name.substring(name.lastIndexOf('.') + 1);
    this.threshold = threshold;
    this.toStdout = toStdout;
  }

  /** The loggers by name, each made once, with the level its settings give it. */
  static final class Factory implements ILoggerFactory {
    private final Map<String, Logger> loggers = new ConcurrentHashMap<>();
    private final Properties settings;
    private final int defaultThreshold;
    private final boolean toStdout;

    Factory(Properties settings) {
      this.settings = settings;
      this.defaultThreshold = level(settings.getProperty(PREFIX + "defaultLogLevel"), Level.INFO.toInt());
      this.toStdout = "System.out".equals(settings.getProperty(PREFIX + "logFile"));
    }

    @Override
    public Logger getLogger(String name) {
      return loggers.computeIfAbsent(name, n -> new LineLogger(n, threshold(n), toStdout));
    }

    /** The level of the longest configured prefix of {@code name} (at dots), else the default. */
    int threshold(String name) {
      for (String n = name; ; n = n.substring(0, n.lastIndexOf('.'))) {
        String v = settings.getProperty(PREFIX + "log." + n);
        if (v != null) {
          return level(v, defaultThreshold);
        }
        if (n.lastIndexOf('.') < 0) {
          return defaultThreshold;
        }
      }
    }

    static int level(String text, int otherwise) {
      if (text == null) {
        return otherwise;
      }
      return switch (text.strip().toLowerCase(Locale.ROOT)) {
        case "trace" -> Level.TRACE.toInt();
        case "debug" -> Level.DEBUG.toInt();
        case "info" -> Level.INFO.toInt();
        case "warn" -> Level.WARN.toInt();
        case "error" -> Level.ERROR.toInt();
        case "off" -> OFF;
        default -> otherwise;
      };
    }
  }

  private boolean on(Level level) {
    return level.toInt() >= threshold;
  }

  @Override
  public boolean isTraceEnabled() {
    return on(Level.TRACE);
  }

  @Override
  public boolean isDebugEnabled() {
    return on(Level.DEBUG);
  }

  @Override
  public boolean isInfoEnabled() {
    return on(Level.INFO);
  }

  @Override
  public boolean isWarnEnabled() {
    return on(Level.WARN);
  }

  @Override
  public boolean isErrorEnabled() {
    return on(Level.ERROR);
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable t) {
    StringBuilder b = new StringBuilder(96);
    appendUtc(b, System.currentTimeMillis());
    b.append(" [").append(Thread.currentThread().getName()).append("] ").append(level.name()).append(' ')
        .append(shortName).append(" - ").append(MessageFormatter.basicArrayFormat(pattern, args))
        .append(System.lineSeparator());
    if (t != null) {
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      b.append(trace);
    }
    PrintStream out = toStdout ? System.out : System.err; // the current one: tests swap System.err
    out.print(b);
    out.flush();
  }

  /** {@code yyyy-MM-ddTHH:mm:ss.SSSZ} in UTC, from the proleptic Gregorian calendar (days to a civil date). */
  static void appendUtc(StringBuilder b, long epochMillis) {
    long days = Math.floorDiv(epochMillis, 86_400_000L);
    long ms = Math.floorMod(epochMillis, 86_400_000L);
    // Howard Hinnant's civil_from_days: eras of 400 years, years starting in March.
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long day = doy - (153 * mp + 2) / 5 + 1;
    long month = mp < 10 ? mp + 3 : mp - 9;
    long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    digits(b, year, 4).append('-');
    digits(b, month, 2).append('-');
    digits(b, day, 2).append('T');
    digits(b, ms / 3_600_000, 2).append(':');
    digits(b, ms / 60_000 % 60, 2).append(':');
    digits(b, ms / 1_000 % 60, 2).append('.');
    digits(b, ms % 1_000, 3).append('Z');
  }

  private static StringBuilder digits(StringBuilder b, long v, int width) {
    String s = Long.toString(v);
    for (int i = s.length(); i < width; i++) {
      b.append('0');
    }
    return b.append(s);
  }
}
