package io.nodecache.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CorefileParserTest {

  private static Corefile parse(String text) throws ConfigException {
    return new CorefileParser("Corefile", Map.of("UPSTREAM", "10.0.0.53"), 53).parse(text);
  }

  @Test
  void readsTheNodeLocalDnsTemplateShape() throws Exception {
    Corefile c =
        parse(
            """
            cluster.local:53 {
                errors
                cache {
                        success 9984 30
                        denial 9984 5
                }
                reload
                loop
                bind 169.254.20.10 10.96.0.10
                forward . 10.0.0.1 {
                        force_tcp
                }
                prometheus :9253
                health 169.254.20.10:8080
                }
            in-addr.arpa:53 ip6.arpa {
                forward . {$UPSTREAM} # a comment
            }
            .:53 {
                forward . /etc/resolv.conf
            }
            """);
    assertThat(c.blocks()).hasSize(3);
    ServerBlock first = c.blocks().get(0);
    assertThat(first.keys()).containsExactly(new ZoneKey("cluster.local.", 53));
    assertThat(first.directives()).extracting(Directive::name)
        .containsExactly("errors", "cache", "reload", "loop", "bind", "forward", "prometheus", "health");
    Directive cache = first.first("cache").orElseThrow();
    assertThat(cache.block()).extracting(Directive::name).containsExactly("success", "denial");
    assertThat(cache.block().get(0).args()).containsExactly("9984", "30");
    assertThat(cache.where().line()).isEqualTo(3);
    assertThat(first.first("bind").orElseThrow().args()).containsExactly("169.254.20.10", "10.96.0.10");
    assertThat(first.first("forward").orElseThrow().block().get(0).name()).isEqualTo("force_tcp");
    assertThat(c.blocks().get(1).keys()).containsExactly(new ZoneKey("in-addr.arpa.", 53), new ZoneKey("ip6.arpa.", 53));
    assertThat(c.blocks().get(1).first("forward").orElseThrow().args()).containsExactly(".", "10.0.0.53");
    assertThat(c.blocks().get(2).keys()).containsExactly(new ZoneKey(".", 53));
  }

  @Test
  void keysTakePortsSchemesCommasAndCase() throws Exception {
    Corefile c = parse("dns://Example.COM:5353,b.test :1053 {\n}\n");
    assertThat(c.blocks().get(0).keys())
        .containsExactly(new ZoneKey("example.com.", 5353), new ZoneKey("b.test.", 53), new ZoneKey(".", 1053));
  }

  @Test
  void quotedArgumentsKeepSpaces() throws Exception {
    Corefile c = parse(". {\n  log \"{remote} {name}\"\n}\n");
    assertThat(c.blocks().get(0).directives().get(0).args()).containsExactly("{remote} {name}");
  }

  record Bad(String text, String message) {}

  static List<Bad> bad() {
    return List.of(
        new Bad(". {\n  cache\n", "Corefile:1: '{' is never closed"),
        new Bad(". {\n}\n}\n", "Corefile:3: unexpected '}'"),
        new Bad("example.com:http {\n}\n", "Corefile:1: port 'http' in 'example.com:http' is not a number"),
        new Bad("tls://. {\n}\n",
            "Corefile:1: zone 'tls://.': 'tls://' is DNS over TLS, which nodecache does not serve (plain DNS only: dns:// or no scheme)"),
        new Bad(". {\n  log \"open\n}\n", "Corefile:2: unterminated quoted string"),
        new Bad("", "Corefile:1: no server blocks"));
  }

  @ParameterizedTest
  @MethodSource("bad")
  void rejectsBadSyntaxWithFileAndLine(Bad c) {
    assertThatThrownBy(() -> parse(c.text())).isInstanceOf(ConfigException.class).hasMessage(c.message());
  }

  @Test
  void durationsFollowGoSyntax() throws Exception {
    Directive d = new Directive("x", List.of(), List.of(), new Location("Corefile", 1));
    assertThat(Values.duration(d, "1m30s").toMillis()).isEqualTo(90_000);
    assertThat(Values.duration(d, "500ms").toMillis()).isEqualTo(500);
    assertThat(Values.duration(d, "0")).isZero();
    assertThatThrownBy(() -> Values.duration(d, "30")).hasMessage("Corefile:1: x: '30' is not a duration: it needs a unit (e.g. 30s)");
    assertThat(Values.durationOrSeconds(d, "30").toSeconds()).isEqualTo(30);
    assertThatThrownBy(() -> Values.duration(d, "5x")).hasMessage("Corefile:1: x: '5x' is not a duration (expected: e.g. 500ms, 5s, 1m)");
  }
}
