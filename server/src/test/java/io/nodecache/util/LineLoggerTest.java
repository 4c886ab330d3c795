package io.nodecache.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Properties;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LineLoggerTest {

  private static final DateTimeFormatter ISO =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private static String utc(long millis) {
    StringBuilder b = new StringBuilder();
    LineLogger.appendUtc(b, millis);
    return b.toString();
  }

  @Test
  void timeIsTheSameAsJavaTimeGives() {
    long[] edges = {
      0, -1, 86_399_999, 86_400_000, 951_782_400_000L /* 2000-02-29 */, 1_709_164_800_000L /* 2024-02-29 */,
      1_735_689_599_999L /* 2024-12-31T23:59:59.999 */, 4_102_444_800_000L /* 2100-01-01 */, 253_402_300_799_999L
    };
    for (long t : edges) {
      assertThat(utc(t)).as("%d", t).isEqualTo(ISO.format(Instant.ofEpochMilli(t)));
    }
    SplittableRandom r = new SplittableRandom(42);
    for (int i = 0; i < 200_000; i++) {
      long t = r.nextLong(0, 253_402_300_800_000L); // up to 9999-12-31
      assertThat(utc(t)).as("%d", t).isEqualTo(ISO.format(Instant.ofEpochMilli(t)));
    }
  }

  private static String logged(Properties settings, String name, java.util.function.Consumer<Logger> body) {
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      body.accept(new LineLogger.Factory(settings).getLogger(name));
    } finally {
      System.setErr(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aLineHasTimeThreadLevelShortNameAndTheFormattedMessage() {
    long before = System.currentTimeMillis();
    String out = logged(new Properties(), "io.nodecache.k8s.KubernetesPlugin", l -> l.warn("{} objects from {}", 5, "x.json"));
    long after = System.currentTimeMillis();
    assertThat(out).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z \\[main\\] WARN KubernetesPlugin - 5 objects from x.json\\R");
    long at = Instant.parse(out.substring(0, 24)).toEpochMilli();
    assertThat(at).isBetween(before, after);
  }

  @Test
  void aThrowableLastArgumentIsPrintedWithItsTraceBelowTheLine() {
    String out = logged(new Properties(), "a.B", l -> l.error("failed: {}", "why", new IllegalStateException("boom")));
    assertThat(out.lines().toList().get(0)).endsWith(" ERROR B - failed: why");
    assertThat(out.lines().toList().get(1)).isEqualTo("java.lang.IllegalStateException: boom");
    assertThat(out.lines().toList().get(2)).startsWith("\tat io.nodecache.util.LineLoggerTest");
  }

  @Test
  void levelsComeFromTheDefaultAndTheLongestConfiguredPrefix() {
    Properties p = new Properties();
    p.setProperty(LineLogger.PREFIX + "defaultLogLevel", "warn");
    p.setProperty(LineLogger.PREFIX + "log.io.nodecache", "debug");
    p.setProperty(LineLogger.PREFIX + "log.io.nodecache.forward", "error");
    p.setProperty(LineLogger.PREFIX + "log.io.nodecache.loop.LoopDetector", "off");
    LineLogger.Factory f = new LineLogger.Factory(p);
    assertThat(f.getLogger("org.other.X").isInfoEnabled()).isFalse();
    assertThat(f.getLogger("org.other.X").isWarnEnabled()).isTrue();
    assertThat(f.getLogger("io.nodecache.cache.Cache").isDebugEnabled()).isTrue();
    assertThat(f.getLogger("io.nodecache.cache.Cache").isTraceEnabled()).isFalse();
    assertThat(f.getLogger("io.nodecache.forward.Forward").isWarnEnabled()).isFalse();
    assertThat(f.getLogger("io.nodecache.forward.Forward").isErrorEnabled()).isTrue();
    assertThat(f.getLogger("io.nodecache.loop.LoopDetector").isErrorEnabled()).isFalse();
    assertThat(f.getLogger("Plain").isWarnEnabled()).isTrue();
    assertThat(f.getLogger("io.nodecache.cache.Cache")).isSameAs(f.getLogger("io.nodecache.cache.Cache"));
    String out = logged(p, "io.nodecache.forward.Forward", l -> {
      l.warn("hidden");
      l.error("shown");
    });
    assertThat(out).doesNotContain("hidden").contains("ERROR Forward - shown");
  }

  @Test
  void standardOutputWhenLogFileSaysSo() {
    Properties p = new Properties();
    p.setProperty(LineLogger.PREFIX + "logFile", "System.out");
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      new LineLogger.Factory(p).getLogger("x.Y").info("to stdout");
    } finally {
      System.setOut(old);
    }
    assertThat(buf.toString(StandardCharsets.UTF_8)).contains(" INFO Y - to stdout");
  }

  @Test
  void slf4jFindsThisProviderAndNoOther() {
    assertThat(LoggerFactory.getILoggerFactory()).isInstanceOf(LineLogger.Factory.class);
    assertThat(LoggerFactory.getLogger(LineLoggerTest.class)).isInstanceOf(LineLogger.class);
  }
}
