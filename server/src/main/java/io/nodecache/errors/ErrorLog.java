package io.nodecache.errors;

import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;

/** Where the {@code errors} plugin writes: the process log, or a test's counter. */
interface ErrorLog {

  /** The levels {@code consolidate} may print its summary at. */
  enum Level {
    WARNING,
    ERROR,
    INFO,
    DEBUG;

    static Optional<Level> of(String s) {
      for (Level l : values()) {
        if (l.name().toLowerCase(Locale.ROOT).equals(s)) {
          return Optional.of(l);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * @param trace a stack trace to print with the line ({@code stacktrace}), or null
   */
  void log(Level level, String line, Throwable trace);

  static ErrorLog of(Logger logger) {
    return (level, line, trace) -> {
      switch (level) {
        case WARNING -> logger.warn(line, trace);
        case INFO -> logger.info(line, trace);
        case DEBUG -> logger.debug(line, trace);
        default -> logger.error(line, trace);
      }
    };
  }
}
