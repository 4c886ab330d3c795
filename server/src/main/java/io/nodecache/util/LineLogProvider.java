package io.nodecache.util;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The process's SLF4J backend ({@code META-INF/services}): one line per event, in the format
 * slf4j-simple printed with the settings {@code Main} used to give it, so log readers see no change:
 *
 * <pre>2026-12-07T16:22:58.012Z [main] INFO KubernetesPlugin - 5 objects loaded from snapshot ...</pre>
 *
 * <p>Why not slf4j-simple: its {@code SimpleDateFormat} (a Calendar and the locale providers behind it)
 * cost a cold JVM tens of milliseconds of the main thread before the first answer, and formatting every
 * line through it is more of the same. Here the time is UTC, written digit by digit ({@link LineLogger}).
 *
 * <p>Settings, read once, with slf4j-simple's names so existing {@code -D} flags keep working:
 * {@code org.slf4j.simpleLogger.defaultLogLevel} (trace, debug, info (default), warn, error, off),
 * {@code org.slf4j.simpleLogger.log.NAME} for a logger and the loggers below it (the longest prefix
 * wins), and {@code org.slf4j.simpleLogger.logFile} ({@code System.out}, or standard error otherwise).
 * There is no MDC: nothing here sets one.
 */
public final class LineLogProvider implements SLF4JServiceProvider {

  private ILoggerFactory loggers;
  private IMarkerFactory markers;
  private MDCAdapter mdc;

  /** For the service loader. */
  public LineLogProvider() {}

  @Override
  public void initialize() {
    markers = new BasicMarkerFactory();
    mdc = new NOPMDCAdapter();
    loggers = new LineLogger.Factory(System.getProperties());
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return loggers;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }
}
