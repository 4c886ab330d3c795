package io.nodecache.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.chain.PluginRegistry;
import io.nodecache.config.ConfigException;
import io.nodecache.config.CorefileParser;
import io.nodecache.config.ServerBlock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CachePluginFactoryTest {

  private static CacheConfig parse(String directive) throws ConfigException {
    ServerBlock block =
        new CorefileParser("Corefile", Map.of(), 53)
            .parse("example.org example.net {\n" + directive + "\n}")
            .blocks()
            .get(0);
    return CachePluginFactory.parse(block.first("cache").orElseThrow(), block.zones());
  }

  @Test
  void defaultsAreCoreDnsDefaults() throws Exception {
    CacheConfig c = parse("cache");
    assertThat(c.zones()).containsExactly("example.org.", "example.net.");
    assertThat(c.success()).isEqualTo(new CacheConfig.Tier(9984, 3600, 5));
    assertThat(c.denial()).isEqualTo(new CacheConfig.Tier(9984, 1800, 5));
    assertThat(c.servfail()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.prefetch()).isNull();
    assertThat(c.serveStale()).isNull();
    assertThat(c.keepTtl()).isFalse();
    assertThat(c.preferPositive()).isFalse();
    assertThat(c.disableSuccess()).isEmpty();
  }

  @Test
  void everyOption() throws Exception {
    CacheConfig c =
        parse(
            """
            cache 600 Example.COM {
              success 5000 300 10
              denial 2000 60 1
              prefetch 10 2m 20%
              serve_stale 2h verify 1s 15 30s
              serve_stale_policy prefer_positive
              servfail 10s
              disable success
              disable denial a.example.com b.example.com
              keepttl
            }""");
    assertThat(c.zones()).containsExactly("example.com.");
    assertThat(c.success()).isEqualTo(new CacheConfig.Tier(4864, 300, 10)); // whole shards of 256
    assertThat(c.denial()).isEqualTo(new CacheConfig.Tier(1792, 60, 1));
    assertThat(c.prefetch()).isEqualTo(new CacheConfig.Prefetch(10, Duration.ofMinutes(2), 20));
    assertThat(c.serveStale())
        .isEqualTo(new CacheConfig.ServeStale(Duration.ofHours(2), true, Duration.ofSeconds(1), 15,
            Duration.ofSeconds(30)));
    assertThat(c.preferPositive()).isTrue();
    assertThat(c.servfail()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.disableSuccess()).containsExactly("example.com.");
    assertThat(c.disableDenial()).containsExactly("a.example.com.", "b.example.com.");
    assertThat(c.keepTtl()).isTrue();
  }

  static Stream<Arguments> variants() {
    return Stream.of(
        Arguments.of("cache 30", "success", new CacheConfig.Tier(9984, 30, 5)),
        Arguments.of("cache 30", "denial", new CacheConfig.Tier(9984, 30, 5)),
        Arguments.of("cache 30 {\n success 100\n}", "success", new CacheConfig.Tier(1024, 30, 5)),
        Arguments.of("cache {\n denial 0 10 0\n}", "denial", new CacheConfig.Tier(1024, 10, 0)),
        Arguments.of("cache {\n serve_stale\n}", "stale",
            new CacheConfig.ServeStale(Duration.ofHours(1), false, Duration.ZERO, 30, Duration.ZERO)),
        Arguments.of("cache {\n serve_stale 10m immediate 5\n}", "stale",
            new CacheConfig.ServeStale(Duration.ofMinutes(10), false, Duration.ZERO, 5, Duration.ZERO)),
        Arguments.of("cache {\n serve_stale 0\n}", "stale", null),
        Arguments.of("cache {\n prefetch 2\n}", "prefetch",
            new CacheConfig.Prefetch(2, Duration.ofMinutes(1), 10)),
        Arguments.of("cache {\n prefetch 0\n}", "prefetch", null));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("variants")
  void variantsParse(String directive, String part, Object expected) throws Exception {
    CacheConfig c = parse(directive);
    Object actual =
        switch (part) {
          case "success" -> c.success();
          case "denial" -> c.denial();
          case "stale" -> c.serveStale();
          default -> c.prefetch();
        };
    assertThat(actual).isEqualTo(expected);
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of("cache 0", "Corefile:2: cache: TTL: 0 (expected: 1..2147483647)"),
        Arguments.of("cache -5", "Corefile:2: cache: TTL: -5 (expected: 1..2147483647)"),
        Arguments.of("cache {\n success\n}", "Corefile:3: success: 0 arguments (expected: 1 to 3)"),
        Arguments.of("cache {\n success x\n}", "Corefile:3: success: CAPACITY: 'x' is not a number"),
        Arguments.of("cache {\n success 100 0\n}", "Corefile:3: success: TTL: 0 (expected: 1.."),
        Arguments.of("cache {\n denial 100 10 -1\n}", "Corefile:3: denial: MINTTL: -1 (expected: 0.."),
        Arguments.of("cache {\n prefetch 1 1m 5%\n}", "Corefile:3: prefetch: PERCENTAGE: 5 (expected: 10..90)"),
        Arguments.of("cache {\n prefetch 1 1m 50\n}", "last character of PERCENTAGE should be '%'"),
        Arguments.of("cache {\n prefetch -1\n}", "Corefile:3: prefetch: AMOUNT: -1"),
        Arguments.of("cache {\n serve_stale 1h sometimes\n}", "mode 'sometimes' (expected: immediate or verify)"),
        Arguments.of("cache {\n serve_stale 1h immediate 30 10s 5\n}", "too many arguments after 'immediate'"),
        Arguments.of("cache {\n serve_stale soon\n}", "'soon' is not a duration"),
        Arguments.of("cache {\n serve_stale_policy prefer_negative\n}", "(expected: prefer_positive)"),
        Arguments.of("cache {\n servfail 10m\n}", "Corefile:3: servfail: '10m' (expected: PT0S..PT5M)"),
        Arguments.of("cache {\n disable everything\n}", "'everything' (expected: success or denial)"),
        Arguments.of("cache {\n keepttl 5\n}", "keepttl: 1 arguments (expected: 0)"),
        Arguments.of("cache {\n sucess 100\n}", "Corefile:3: cache: unknown option 'sucess' (expected one of: success,"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void errorsNameTheLineAndTheReason(String directive, String message) {
    assertThatThrownBy(() -> parse(directive))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }

  @Test
  void theFactoryIsNamedCache() {
    assertThat(new CachePluginFactory().name()).isEqualTo("cache");
    assertThat(PluginRegistry.builtin().chainOrder()).contains("cache");
    assertThat(List.of(new CachePluginFactory().name())).containsExactly("cache");
  }
}
