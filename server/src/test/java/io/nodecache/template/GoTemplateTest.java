package io.nodecache.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.template.Evaluator.Struct;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** The Go template subset and the RE2 translation, each line checked against what Go prints. */
class GoTemplateTest {

  static final String NAME = "ip-10-1-2-3.my_zone.example.";

  static Struct data(String regex) throws Exception {
    Template.Regex r = Template.Regex.compile(regex);
    Matcher m = r.pattern().matcher(NAME);
    assertThat(m.find()).isTrue();
    Template t = new Template(DClass.IN, Type.A, List.of(Name.fromString("example.")), List.of(r), List.of(), List.of(), List.of(),
        0, List.of(), false, false, null);
    Message q = Message.newQuery(Record.newRecord(Name.fromString(NAME), Type.A, DClass.IN));
    return t.data(q, "10.0.0.9", Name.fromString("example."), r, m, NAME);
  }

  record Case(String template, String output) {}

  static List<Case> outputs() {
    return List.of(
        new Case("{{ .Name }} 60 IN A {{ .Group.a }}.{{ .Group.b }}", NAME + " 60 IN A ip-10.1"),
        new Case("{{ index .Match 1 }}|{{ index .Match 0 }}", "ip-10|ip-10-1-2-3.my_zone"),
        new Case("{{ .Group.my_zone }}", "my_zone"),
        new Case("{{ .Group.nope }}", "<no value>"),
        new Case("[{{ index .Group \"nope\" }}]", "[]"),
        new Case("{{ .Group.a | printf \"%s-x\" }}", "ip-10-x"),
        new Case("{{ printf \"%s/%d\" .Type 7 }}", "A/7"),
        new Case("{{ print 1 2 \"a\" \"b\" 3 }}", "1 2ab3"),
        new Case("{{ len .Match }} {{ len .Name }}", "5 " + NAME.length()),
        new Case("{{ parseInt \"ff\" 16 8 }} {{ parseInt \"0x10\" 0 64 }} {{ parseInt (index .Match 2) 10 8 }}", "255 16 1"),
        new Case("a  {{- /* note */ -}}  b", "ab"),
        new Case("{{ .Zone }} {{ .Class }} {{ .Remote }} {{ .Question.Qtype }} {{ .Message.RecursionDesired }}", "example. IN 10.0.0.9 1 true"),
        new Case("[{{ .Meta \"kubernetes/client-namespace\" }}]", "[]"),
        new Case("{{ .Question }}", ";" + NAME + "\tIN\t A"),
        new Case("{{ .Match }}", "[ip-10-1-2-3.my_zone ip-10 1 2-3 my_zone]"));
  }

  @ParameterizedTest
  @MethodSource("outputs")
  void printsAsGo(Case c) throws Exception {
    Struct d = data("(?P<a>ip-10)-(?P<b>[0-9])-([[:digit:]]-[0-9])[.](?P<my_zone>[[:word:]]+)");
    assertThat(Evaluator.execute(GoTemplate.parse(c.template()), d)).isEqualTo(c.output());
  }

  static List<Case> failures() {
    return List.of(
        new Case("{{ .Grup.a }}", "can't evaluate field Grup in type *template.templateData"),
        new Case("{{ index .Match 9 }}", "index out of range: 9"),
        new Case("{{ parseInt \"300\" 10 8 }}", "value out of range"),
        new Case("{{ parseInt .Group.nope 10 8 }}", "invalid syntax"),
        new Case("{{ .Meta }}", "wrong number of args for Meta: want 1 got 0"),
        new Case("{{ .Name.x }}", "can't evaluate field x in type string"));
  }

  @ParameterizedTest
  @MethodSource("failures")
  void failsAtExecutionAsGo(Case c) throws Exception {
    Struct d = data("(?P<a>ip-10)");
    GoTemplate t = GoTemplate.parse(c.template());
    assertThatThrownBy(() -> Evaluator.execute(t, d)).hasMessageContaining(c.output());
  }

  static List<Case> trees() {
    return List.of(
        new Case("{{ .Name }} 60 IN A {{ .Group.a }}", "{{.Name}} 60 IN A {{.Group.a}}"),
        new Case("x {{- parseInt .Group.b 16 8 | print }}", "x{{parseInt .Group.b 16 8 | print}}"),
        new Case("{{ index (index .Match 1) 0 }}", "{{index (index .Match 1) 0}}"));
  }

  @ParameterizedTest
  @MethodSource("trees")
  void theMetricLabelIsGosParseTree(Case c) throws Exception {
    assertThat(GoTemplate.parse(c.template()).tree()).isEqualTo(c.output());
  }

  @Test
  void recordsParseAsMiekgNewRr() throws Exception {
    assertThat(Template.parseRecord("foogle.com 60 IN CNAME google.com").toString())
        .isEqualTo("foogle.com.\t\t60\tIN\tCNAME\tgoogle.com.");
    assertThat(Template.parseRecord("a.example IN 30 A 192.0.2.1").toString()).isEqualTo("a.example.\t\t30\tIN\tA\t192.0.2.1");
    assertThat(Template.parseRecord("a.example A 192.0.2.1").toString()).isEqualTo("a.example.\t\t3600\tIN\tA\t192.0.2.1");
    assertThat(Template.parseRecord("x. 60 in a 192.0.2.1").toString()).isEqualTo("x.\t\t\t60\tIN\tA\t192.0.2.1");
  }
}
