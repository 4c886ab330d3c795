package io.nodecache.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.testing.TestServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Durations as CoreDNS reads them: Go's time.ParseDuration (a unit is required, "0" alone is zero)
 * everywhere except where a plugin takes a bare number of seconds (timeouts, through CoreDNS's
 * durations.NewDurationFromArg). A Corefile CoreDNS refuses must be refused, with its line.
 */
class DurationsTest {

  @TempDir Path dir;

  private static final Directive AT = new Directive("x", List.of(), List.of(), new Location("Corefile", 1));

  @ParameterizedTest
  @CsvSource({"0, 0", "500ms, 500", "5s, 5000", "1m30s, 90000", "1.5h, 5400000", "250us, 0", "2h0m0s, 7200000"})
  void goDurations(String token, long millis) throws Exception {
    assertThat(Values.duration(AT, token).toMillis()).isEqualTo(millis);
  }

  @ParameterizedTest
  @ValueSource(strings = {"30", "1.5", "5 s", "5S", "s", "1d", "5s5", ""})
  void refusedAsGoRefusesThem(String token) {
    assertThatThrownBy(() -> Values.duration(AT, token)).isInstanceOf(ConfigException.class).hasMessageContaining("Corefile:1");
  }

  @Test
  void aBareNumberIsSecondsOnlyWhereCoreDnsTakesIt() throws Exception {
    assertThat(Values.durationOrSeconds(AT, "30")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Values.durationOrSeconds(AT, "1m")).isEqualTo(Duration.ofMinutes(1));
    assertThatThrownBy(() -> Values.durationOrSeconds(AT, "1.5")).isInstanceOf(ConfigException.class);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "health 127.0.0.1:0 {\\n lameduck 5\\n }            | Corefile:4: lameduck: '5' is not a duration: it needs a unit (e.g. 5s)",
        "hosts {\\n reload 30\\n }                          | Corefile:4: reload: '30' is not a duration",
        "reload 30                                         | Corefile:3: reload: '30' is not a duration",
        "errors {\\n consolidate 5 \"^x\"\\n }              | Corefile:4: consolidate: '5' is not a duration",
        "forward . 127.0.0.1:9 {\\n expire 10\\n }          | Corefile:4: expire: '10' is not a duration",
        "forward . 127.0.0.1:9 {\\n health_check 1\\n }     | Corefile:4: health_check: '1' is not a duration",
        "cache {\\n prefetch 10 60\\n }                     | Corefile:4: prefetch: '60' is not a duration",
        "cache {\\n serve_stale 3600\\n }                   | Corefile:4: serve_stale: '3600' is not a duration",
        "cache {\\n servfail 5\\n }                         | Corefile:4: servfail: '5' is not a duration",
      })
  void aCorefileWithABareNumberForADurationIsRefusedAtItsLine(String directive, String message) {
    String corefile = ".:0 {\n  bind 127.0.0.1\n  " + directive.replace("\\n", "\n") + "\n}\n";
    assertThatThrownBy(() -> TestServers.start(corefile).close())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }

  @Test
  void timeoutsTakeABareNumberOfSecondsAsCoreDnsDoes() throws Exception {
    TestServers.start(".:0 {\n  bind 127.0.0.1\n  timeouts {\n    read 30\n    write 10s\n  }\n  whoami\n}\n").close();
  }

  @Test
  void longIntervalsCoreDnsTakesStartToo() throws Exception {
    TestServers.start(
            ".:0 {\n  bind 127.0.0.1\n  reload 48h 2h\n  forward . 127.0.0.1:9 {\n    expire 48h\n    health_check 2h\n  }\n}\n")
        .close();
  }
}
