package io.nodecache.template;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.config.ConfigException;
import io.nodecache.testing.TestServers;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What CoreDNS refuses, and what we do not implement, stops the start with file:line. */
class TemplateRefusalTest {

  record Case(String directive, String message) {}

  static List<Case> cases() {
    return List.of(
        new Case("template IN", "Corefile:3: template: 1 arguments (expected: at least 2)"),
        new Case("template XX A {\n rcode NXDOMAIN\n }", "Corefile:3: template: invalid query class XX"),
        new Case("template IN BOGUS {\n rcode NXDOMAIN\n }", "Corefile:3: template: invalid RR type BOGUS"),
        new Case("template IN AAAA . {\n rcode NOERROR\n }", "Corefile:3: template: no answer section for template found"),
        new Case("template ANY ANY {\n }", "Corefile:3: template: no answer section for template found"),
        new Case("template ANY ANY {\n rcode\n }", "Corefile:4: rcode: 0 arguments (expected: 1)"),
        new Case("template ANY ANY {\n rcode UNDEFINED\n }", "Corefile:4: rcode: unknown rcode UNDEFINED"),
        new Case("template ANY ANY {\n rcode BADVERS\n }", "Corefile:4: rcode: rcode BADVERS is an extended RCODE"),
        new Case("template ANY ANY {\n answer\n }", "Corefile:4: answer: 0 arguments (expected: at least 1)"),
        new Case("template ANY ANY {\n additional \"{{\"\n }", "Corefile:4: additional: could not compile template '{{': unclosed action"),
        new Case("template ANY ANY {\n authority \"{{ .Name \"\n }", "Corefile:4: authority: could not compile template"),
        new Case("template ANY ANY {\n match (?P<x>\n rcode NXDOMAIN\n }", "Corefile:4: match: could not parse regex: (?P<x>"),
        new Case("template ANY ANY {\n match (a)\\1\n rcode NXDOMAIN\n }", "Corefile:4: match: could not parse regex: (a)\\1: invalid escape sequence"),
        new Case("template ANY ANY {\n match a(?=b)\n rcode NXDOMAIN\n }", "Corefile:4: match: could not parse regex: a(?=b): invalid or unsupported Perl syntax"),
        new Case("template ANY ANY {\n match a++\n rcode NXDOMAIN\n }", "Corefile:4: match: could not parse regex: a++: invalid nested repetition operator"),
        new Case("template ANY ANY {\n notavailable\n }",
            "Corefile:4: template: unknown option 'notavailable' (expected one of: match, answer, additional, authority, rcode, fallthrough, ederror, upstream)"),
        new Case("template ANY ANY {\n answer \"{{ if .Name }}x{{ end }}\"\n }", "Corefile:4: answer: could not compile template '{{ if .Name }}x{{ end }}': 'if' is not supported by nodecache"),
        new Case("template ANY ANY {\n answer \"{{ nosuch .Name }}\"\n }", "function \"nosuch\" not defined"),
        new Case("template ANY ANY {\n answer \"{{ urlquery .Name }}\"\n }", "function \"urlquery\" is not supported by nodecache"),
        new Case("template ANY ANY {\n answer \"{{ .Message.Answer }}\"\n }", ".Message.Answer is not supported by nodecache"),
        new Case("template ANY ANY {\n answer \"{{ $x := .Name }}\"\n }", "template variables ($...) are not supported by nodecache"),
        new Case("template ANY ANY {\n rcode NXDOMAIN\n ederror x\n }", "Corefile:5: ederror: extended DNS error code: 'x' is not a number"),
        new Case("template ANY ANY {\n rcode NXDOMAIN\n ederror 1 a b\n }", "Corefile:5: ederror: 3 arguments (expected: 1 to 2)"),
        new Case("template ANY ANY {\n rcode NXDOMAIN\n ederror 65536\n }", "Corefile:5: ederror: extended DNS error code: 65536 (expected: 0..65535)"));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void refused(Case c) {
    String corefile = ".:0 {\n  bind 127.0.0.1\n  " + c.directive() + "\n}\n";
    assertThatThrownBy(() -> TestServers.start(corefile).close())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(c.message());
  }
}
