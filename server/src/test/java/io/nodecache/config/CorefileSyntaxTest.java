package io.nodecache.config;

import static java.util.stream.Collectors.joining;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The Corefile grammar as CoreDNS's parser reads it: what parses to what, and what is refused where. */
class CorefileSyntaxTest {

  static Corefile parse(String text) throws ConfigException {
    return new CorefileParser("Corefile", Map.of("ZONE", "env.test"), 53).parse(text);
  }

  /** One line a block: its keys, then its directives with their arguments and nested options. */
  static String render(Corefile c) {
    return c.blocks().stream()
        .map(b -> b.keys().stream().map(ZoneKey::toString).collect(joining(" ")) + " {" + render(b.directives()) + "}")
        .collect(joining("\n"));
  }

  private static String render(List<Directive> ds) {
    return ds.stream()
        .map(d -> Stream.concat(Stream.of(d.name()), d.args().stream()).collect(joining(" "))
            + (d.block().isEmpty() ? "" : " {" + render(d.block()) + "}"))
        .collect(joining("; "));
  }

  record Good(String what, String text, String blocks) {}

  static List<Good> good() {
    return List.of(
        new Good("comment after a token and inside one", ". { # opens\n  forward . 10.0.0.1#53 not read\n  errors# too\n}\n",
            ".:53 {forward . 10.0.0.1; errors}"),
        new Good("'#' inside quotes is text", ". {\n  log \"a # b\"\n}\n", ".:53 {log a # b}"),
        new Good("comment glued to the opening brace", ". {# note\n  errors\n}\n", ".:53 {errors}"),
        new Good("empty blocks on one line", ". { }\nexample.org {\n  cache { }\n}\n", ".:53 {}\nexample.org.:53 {cache}"),
        new Good("brace on the next line", "example.org\n{\n  errors\n}\n", "example.org.:53 {errors}"),
        new Good("block without braces (to the end)", ".:1053\nerrors\nlog\n", ".:1053 {errors; log}"),
        new Good("block without braces (to a '}')", "a.test\nerrors\n}\nb.test {\n}\n", "a.test.:53 {errors}\nb.test.:53 {}"),
        new Good("keys end at the line: the next line is a directive", "a.test\nb.test {\n  x\n}\n", "a.test.:53 {b.test {x}}"),
        new Good("'{' glued to the last key", "example.org:5353{\n  errors\n}\n", "example.org.:5353 {errors}"),
        new Good("a trailing comma continues the keys", "a.test,\nb.test {\n}\n", "a.test.:53 b.test.:53 {}"),
        new Good("dns:// scheme", "dns://Example.ORG:5353 dns://.:53 {\n}\n", "example.org.:5353 .:53 {}"),
        new Good("octet CIDR", "10.0.0.0/8 192.168.0.0/16:5353 {\n}\n", "10.in-addr.arpa.:53 168.192.in-addr.arpa.:5353 {}"),
        new Good("classless CIDR expands", "dns://172.16.0.0/12 {\n}\n",
            Stream.iterate(16, i -> i <= 31, i -> i + 1).map(i -> i + ".172.in-addr.arpa.:53").collect(joining(" ")) + " {}"),
        new Good("IPv6 CIDR", "fd00::/8 2001:db8::/32:5353 fd00::/7 {\n}\n",
            "d.f.ip6.arpa.:53 8.b.d.0.1.0.0.2.ip6.arpa.:5353 c.f.ip6.arpa.:53 d.f.ip6.arpa.:53 {}"),
        new Good("CIDR with host bits is its network", "10.1.2.3/24 {\n}\n", "2.1.10.in-addr.arpa.:53 {}"),
        new Good("env placeholders", "{$ZONE} {\n  log {$MISSING}x\n}\n", "env.test.:53 {log x}"),
        new Good("snippet imported in a block", "(common) {\n  errors\n  cache 30\n}\n. {\n  import common\n  log\n}\n",
            ".:53 {errors; cache 30; log}"),
        new Good("snippet imported as whole blocks", "(blocks) {\n  a.test {\n    errors\n  }\n}\nimport blocks\n",
            "a.test.:53 {errors}"),
        new Good("snippet imported in a nested block", "(opts) {\n  success 10\n}\n. {\n  cache {\n    import opts\n    denial 5\n  }\n}\n",
            ".:53 {cache {success 10; denial 5}}"),
        new Good("a snippet alone is no server block", "(unused) {\n  errors\n}\n. {\n}\n", ".:53 {}"),
        new Good("'import' as an argument is an argument", ". {\n  log import\n}\n", ".:53 {log import}"),
        new Good("a glob matching nothing is nothing", ". {\n  import no-such-dir-here/*.conf\n  errors\n}\n", ".:53 {errors}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("good")
  void parsesAsCoreDns(Good c) throws Exception {
    assertThat(render(parse(c.text()))).isEqualTo(c.blocks());
  }

  @Test
  void subnetOffTheOctetExpandsToEveryZone() throws Exception {
    List<ZoneKey> keys = parse("192.168.1.0/26 {\n}\n").blocks().get(0).keys();
    assertThat(keys).hasSize(64);
    assertThat(keys.get(0)).isEqualTo(new ZoneKey("0.1.168.192.in-addr.arpa.", 53));
    assertThat(keys.get(63)).isEqualTo(new ZoneKey("63.1.168.192.in-addr.arpa.", 53));
  }

  @Test
  void quotesEscapeOnlyQuotes() throws Exception {
    Directive d = parse(". {\n  log \"a\\\"b\\\\c\" x\"y\n}\n").blocks().get(0).directives().get(0);
    assertThat(d.args()).containsExactly("a\"b\\\\c", "x\"y");
  }

  @Test
  void linesOfSnippetsAndBlocksAreTheirOwn() throws Exception {
    Corefile c = parse("(s) {\n  errors\n}\n\n. {\n  import s\n  log\n}\n");
    assertThat(c.blocks().get(0).where().line()).isEqualTo(5);
    assertThat(c.blocks().get(0).directives()).extracting(d -> d.where().line()).containsExactly(2, 7);
  }

  @Test
  void importRefusesDevicesAndUnusablePatterns() {
    assertThatThrownBy(() -> parse(". {\n  import /dev/null\n}\n")).hasMessage("Corefile:2: import: /dev/null is not a regular file");
    assertThatThrownBy(() -> parse(". {\n  import \"a\0b\"\n}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("Corefile:2: import: 'a\0b' is not a usable file pattern: ");
  }

  record Bad(String what, String text, String message) {}

  static List<Bad> bad() {
    return List.of(
        new Bad("block on one line", ". { errors }\n",
            "Corefile:1: unexpected '}' after 'errors': a closing brace starts its own line, as CoreDNS reads it"),
        new Bad("'}' after a directive", ". {\n  errors\n  log }\n",
            "Corefile:3: unexpected '}' after 'log': a closing brace starts its own line, as CoreDNS reads it"),
        new Bad("'}' after an option", ". {\n  forward . 10.0.0.1 {\n    force_tcp }\n}\n",
            "Corefile:3: unexpected '}' after 'force_tcp': a closing brace starts its own line, as CoreDNS reads it"),
        new Bad("text after a nested '}'", ". {\n  cache {\n  } 30\n}\n", "Corefile:3: unexpected '30' after '}'"),
        new Bad("'{' glued to an argument", ". {\n  forward . 10.0.0.1{\n  }\n}\n",
            "Corefile:2: '{' glued to '10.0.0.1': put a space before '{' (CoreDNS's parser drops a glued brace)"),
        new Bad("'{' glued to a directive", ". {\n  cache{\n  }\n}\n",
            "Corefile:2: '{' glued to 'cache': put a space before '{' (CoreDNS's parser drops a glued brace)"),
        new Bad("leading dot", ".svc {\n}\n", "Corefile:1: zone is not a valid domain name: '.svc'"),
        new Bad("empty label", "a..test:53 {\n}\n", "Corefile:1: zone is not a valid domain name: 'a..test'"),
        new Bad("label over 63", "a".repeat(64) + ".test {\n}\n", "Corefile:1: zone is not a valid domain name: '" + "a".repeat(64) + ".test'"),
        new Bad("colon without port", "example.org: {\n}\n", "Corefile:1: expecting data after last colon: 'example.org:'"),
        new Bad("port too large", "example.org:65536 {\n}\n", "Corefile:1: port 65536 in 'example.org:65536' (expected: 0..65535)"),
        new Bad("IPv6 CIDR from '::'", "::/0 {\n}\n", "Corefile:1: invalid CIDR '::/0'"),
        new Bad("trailing comma before '{'", "a.test, {\n}\n", "Corefile:1: expected another zone after ',' but found '{'"),
        new Bad("trailing comma at the end", "a.test,", "Corefile:1: expected another zone after ','"),
        new Bad("https://", "https://. {\n}\n",
            "Corefile:1: zone 'https://.': 'https://' is DNS over HTTPS, which nodecache does not serve (plain DNS only: dns:// or no scheme)"),
        new Bad("grpc://", "grpc://.:443 {\n}\n",
            "Corefile:1: zone 'grpc://.:443': 'grpc://' is DNS over GRPC, which nodecache does not serve (plain DNS only: dns:// or no scheme)"),
        new Bad("quic://", "dns://. quic://. {\n}\n",
            "Corefile:1: zone 'quic://.': 'quic://' is DNS over QUIC, which nodecache does not serve (plain DNS only: dns:// or no scheme)"),
        new Bad("unknown scheme", "udp://. {\n}\n", "Corefile:1: zone 'udp://.': unsupported scheme 'udp://' (expected: dns:// or none)"),
        new Bad("snippet twice", "(a) {\n}\n(a) {\n}\n. {\n}\n", "Corefile:3: snippet (a) is defined twice"),
        new Bad("snippet without braces", "(a)\nerrors\n", "Corefile:1: snippet (a) has no opening '{'"),
        new Bad("snippet never closed", "(a) {\n  errors\n", "Corefile:1: '{' is never closed"),
        new Bad("only a snippet", "(a) {\n  errors\n}\n", "Corefile:1: no server blocks"),
        new Bad("import without argument", ". {\n  import\n}\n", "Corefile:2: import: no argument (expected: a file, glob or snippet name)"),
        new Bad("import with two arguments", ". {\n  import a b\n}\n",
            "Corefile:2: import: one argument (a file, glob or snippet name), found also 'b'"),
        new Bad("import glob with two wildcards", ". {\n  import */*.conf\n}\n",
            "Corefile:2: import: '*/*.conf' may hold one '*' and one '?' at most, and no '[...]', as in CoreDNS"),
        new Bad("snippet importing itself", "(a) {\n  import a\n}\n. {\n  import a\n}\n", "Corefile:2: import cycle: (a) -> (a)"),
        new Bad("snippets importing each other", "(a) {\n  import b\n}\n(b) {\n  import a\n}\n. {\n  import a\n}\n",
            "Corefile:5: import cycle: (a) -> (b) -> (a)"),
        new Bad("error inside a snippet names the snippet's line", "(a) {\n  cache {\n  } 30\n}\n. {\n  import a\n}\n",
            "Corefile:3: unexpected '30' after '}'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bad")
  void refusedWithFileAndLine(Bad c) {
    assertThatThrownBy(() -> parse(c.text())).isInstanceOf(ConfigException.class).hasMessage(c.message());
  }
}
