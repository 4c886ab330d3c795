package io.nodecache.server.warmup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.config.ConfigException;
import io.nodecache.config.Flags;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The warm-up's flags: {@code -warmup}, {@code -warmup-cold}, {@code -warmup-queries}, {@code
 * -warmup-nice}, and the take-over's {@code -handoff-overlap}.
 */
class WarmupFlagsTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "                                  | PT3S    | PT0S   | 50000 | 10",
        "-warmup 500ms                     | PT0.5S  | PT0S   | 50000 | 10",
        "-warmup=0                         | PT0S    | PT0S   | 50000 | 10",
        "-warmup 1m -warmup-queries 7      | PT1M    | PT0S   | 7     | 10",
        "-warmup-cold 2s -warmup-queries=0 | PT3S    | PT2S   | 0     | 10",
        "-warmup-nice 0                    | PT3S    | PT0S   | 50000 | 0",
        "-warmup-nice=19                   | PT3S    | PT0S   | 50000 | 19",
      })
  void accepted(String args, Duration warmup, Duration cold, int queries, int nice) throws ConfigException {
    Flags f = Flags.parse(args == null ? new String[0] : args.trim().split(" "));
    assertThat(f.warmup()).isEqualTo(warmup);
    assertThat(f.warmupCold()).isEqualTo(cold);
    assertThat(f.warmupQueries()).isEqualTo(queries);
    assertThat(f.warmupNice()).isEqualTo(nice);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "-warmup soon          | -warmup: 'soon' is not a duration (expected: e.g. 500ms, 3s; 0 turns it off)",
        "-warmup 61s           | -warmup: 61s (expected: at most 60s)",
        "-warmup-cold 3s       | -warmup-cold: 3s (expected: at most 2s)",
        "-warmup-queries -1    | -warmup-queries: -1 (expected: 0..10000000)",
        "-warmup-queries lots  | -warmup-queries: 'lots' is not a number (expected: 0..10000000)",
        "-warmup-nice 20       | -warmup-nice: 20 (expected: 0..19)",
        "-warmup-nice -1       | -warmup-nice: -1 (expected: 0..19)",
      })
  void refused(String args, String message) {
    assertThatThrownBy(() -> Flags.parse(args.trim().split(" "))).isInstanceOf(ConfigException.class).hasMessage(message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "                         | PT2S",
        "-handoff-overlap 0       | PT0S",
        "-handoff-overlap=500ms   | PT0.5S",
        "-handoff-overlap 10s     | PT10S",
      })
  void handoffOverlap(String args, Duration overlap) throws ConfigException {
    assertThat(Flags.parse(args == null ? new String[0] : args.trim().split(" ")).handoffOverlap()).isEqualTo(overlap);
    assertThatThrownBy(() -> Flags.parse("-handoff-overlap", "11s")).hasMessage("-handoff-overlap: 11s (expected: at most 10s)");
  }
}
