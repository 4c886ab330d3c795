package io.nodecache.rewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.nodecache.chain.FastPath;
import io.nodecache.config.ConfigException;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import io.nodecache.wire.FastQuery;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** The rewrite plugin through a real server with a real upstream behind {@code forward}. */
class RewriteTest {

  private static TestUpstream upstream;

  @BeforeAll
  static void upstream() throws Exception {
    upstream =
        TestUpstream.start(
            "new.example.org. 30 IN A 10.0.0.2",
            "web.example.org. 30 IN A 10.0.0.3",
            "web.svc.cluster.local. 30 IN A 10.0.0.4",
            "alias.svc.cluster.local. 30 IN CNAME web.svc.cluster.local.",
            "ftp.service.us-west-1.consul. 30 IN A 10.0.0.5",
            "b.example.org. 30 IN A 10.0.0.7",
            "c.example.org. 30 IN A 10.0.0.6",
            "plain.example.org. 30 IN A 10.0.0.8",
            "ch.example.org. 30 IN TXT \"in-class\"");
  }

  @AfterAll
  static void close() {
    upstream.close();
  }

  private static NodeCache start(String rules) throws Exception {
    return TestServers.start(
        """
        .:0 {
            bind 127.0.0.1
        %s
            forward . %s
        }
        """.formatted(rules, upstream.hostPort()));
  }

  /**
   * @param rules the rewrite lines
   * @param name the client's question
   * @param type its type
   * @param asked the question name and type the upstream receives
   * @param rcode what the client gets
   * @param answer the client's answer section, zone-file text
   */
  record Case(String rules, String name, int type, String asked, int rcode, List<String> answer) {
    @Override
    public String toString() {
      return rules.strip() + " / " + name;
    }
  }

  static List<Case> cases() {
    return List.of(
        new Case("rewrite name exact old.example.org new.example.org", "old.example.org.", Type.A,
            "new.example.org. A", Rcode.NOERROR, Records.sorted("old.example.org. 30 IN A 10.0.0.2")),
        new Case("rewrite name old.example.org new.example.org", "OLD.example.org.", Type.A,
            "new.example.org. A", Rcode.NOERROR, Records.sorted("OLD.example.org. 30 IN A 10.0.0.2")),
        new Case("rewrite name prefix www web answer auto", "www.example.org.", Type.A,
            "web.example.org. A", Rcode.NOERROR, Records.sorted("www.example.org. 30 IN A 10.0.0.3")),
        new Case("rewrite name prefix www web", "www.example.org.", Type.A,
            "web.example.org. A", Rcode.NOERROR, Records.sorted("web.example.org. 30 IN A 10.0.0.3")),
        new Case("rewrite name suffix .cluster.local. .svc.cluster.local. answer auto", "web.cluster.local.", Type.A,
            "web.svc.cluster.local. A", Rcode.NOERROR, Records.sorted("web.cluster.local. 30 IN A 10.0.0.4")),
        new Case("rewrite name suffix .cluster.local. .svc.cluster.local. answer auto", "alias.cluster.local.", Type.CNAME,
            "alias.svc.cluster.local. CNAME", Rcode.NOERROR, Records.sorted("alias.cluster.local. 30 IN CNAME web.cluster.local.")),
        new Case("rewrite name suffix .cluster.local. .svc.cluster.local. answer name (.*)\\.svc\\.cluster\\.local {1}.cluster.local",
            "alias.cluster.local.", Type.CNAME, "alias.svc.cluster.local. CNAME", Rcode.NOERROR,
            Records.sorted("alias.cluster.local. 30 IN CNAME web.svc.cluster.local.")),
        new Case("rewrite name suffix .cluster.local. .svc.cluster.local. answer name (.*)\\.svc\\.(cluster)\\.local {1}.{2}.local answer value (.*)\\.svc\\.cluster\\.local\\. {1}.elsewhere",
            "alias.cluster.local.", Type.CNAME, "alias.svc.cluster.local. CNAME", Rcode.NOERROR,
            Records.sorted("alias.cluster.local. 30 IN CNAME web.elsewhere.")),
        new Case("rewrite name substring us-west-1.example.org us-west-1.consul answer auto", "ftp.service.us-west-1.example.org.", Type.A,
            "ftp.service.us-west-1.consul. A", Rcode.NOERROR, Records.sorted("ftp.service.us-west-1.example.org. 30 IN A 10.0.0.5")),
        new Case("rewrite name regex (.*)-(us-west-1)\\.example\\.org {1}.service.{2}.consul answer name (.*)\\.service\\.(us-west-1)\\.consul {1}-{2}.example.org",
            "ftp-us-west-1.example.org.", Type.A, "ftp.service.us-west-1.consul. A", Rcode.NOERROR,
            Records.sorted("ftp-us-west-1.example.org. 30 IN A 10.0.0.5")),
        new Case("rewrite stop {\n    name regex (.*)-(us-west-1)\\.example\\.org {1}.service.{2}.consul\n    answer name (.*)\\.service\\.(us-west-1)\\.consul {1}-{2}.example.org\n}",
            "ftp-us-west-1.example.org.", Type.A, "ftp.service.us-west-1.consul. A", Rcode.NOERROR,
            Records.sorted("ftp-us-west-1.example.org. 30 IN A 10.0.0.5")),
        new Case("rewrite name regex (.*)-(us-west-1)\\.example\\.org {1}.service.{2}.consul", "plain.example.org.", Type.A,
            "plain.example.org. A", Rcode.NOERROR, Records.sorted("plain.example.org. 30 IN A 10.0.0.8")),
        new Case("rewrite type AAAA A", "web.example.org.", Type.AAAA,
            "web.example.org. A", Rcode.NOERROR, Records.sorted("web.example.org. 30 IN A 10.0.0.3")),
        new Case("rewrite ttl web.example.org 5", "web.example.org.", Type.A,
            "web.example.org. A", Rcode.NOERROR, Records.sorted("web.example.org. 5 IN A 10.0.0.3")),
        new Case("rewrite ttl suffix example.org 100-200", "web.example.org.", Type.A,
            "web.example.org. A", Rcode.NOERROR, Records.sorted("web.example.org. 100 IN A 10.0.0.3")),
        new Case("rewrite ttl regex ^web\\. -10", "web.example.org.", Type.A,
            "web.example.org. A", Rcode.NOERROR, Records.sorted("web.example.org. 10 IN A 10.0.0.3")),
        new Case("rewrite ttl prefix plain 100-", "web.example.org.", Type.A,
            "web.example.org. A", Rcode.NOERROR, Records.sorted("web.example.org. 30 IN A 10.0.0.3")),
        new Case("rewrite rcode gone.example.org NXDOMAIN NOERROR", "gone.example.org.", Type.A,
            "gone.example.org. A", Rcode.NOERROR, List.of()),
        new Case("rewrite rcode substring gone 3 2", "gone.example.org.", Type.A,
            "gone.example.org. A", Rcode.SERVFAIL, List.of()),
        new Case("rewrite name substring example.org a..b", "web.example.org.", Type.A,
            null, Rcode.SERVFAIL, List.of()),
        // stop (the default) ends the walk at the first matching rule; continue lets the next rule see the result
        new Case("rewrite name exact a.example.org b.example.org\nrewrite name exact b.example.org c.example.org", "a.example.org.", Type.A,
            "b.example.org. A", Rcode.NOERROR, Records.sorted("a.example.org. 30 IN A 10.0.0.7")),
        new Case("rewrite continue name exact a.example.org b.example.org\nrewrite name exact b.example.org c.example.org", "a.example.org.", Type.A,
            "c.example.org. A", Rcode.NOERROR, Records.sorted("a.example.org. 30 IN A 10.0.0.6")),
        new Case("rewrite continue name exact a.example.org b.example.org\nrewrite ttl exact b.example.org 7", "a.example.org.", Type.A,
            "b.example.org. A", Rcode.NOERROR, Records.sorted("a.example.org. 7 IN A 10.0.0.7")),
        new Case("rewrite name exact a.example.org b.example.org\nrewrite ttl exact b.example.org 7", "a.example.org.", Type.A,
            "b.example.org. A", Rcode.NOERROR, Records.sorted("a.example.org. 30 IN A 10.0.0.7")));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void rewritesTheQueryAndTheAnswer(Case c) throws Exception {
    try (NodeCache server = start(c.rules())) {
      upstream.forgetReceived();
      Message m = DnsClient.udp(TestServers.dns(server), DnsClient.query(c.name(), c.type()));
      assertThat(m.getRcode()).isEqualTo(c.rcode());
      assertThat(m.getQuestion().getName().toString()).isEqualTo(c.name());
      assertThat(m.getQuestion().getType()).isEqualTo(c.type());
      assertThat(Records.answer(m)).isEqualTo(c.answer());
      List<String> asked = upstream.received().stream()
          .map(q -> q.getQuestion().getName() + " " + Type.string(q.getQuestion().getType())).toList();
      assertThat(asked).isEqualTo(c.asked() == null ? List.of() : List.of(c.asked()));
    }
  }

  @Test
  void classRewriteAsksTheUpstreamInTheNewClass() throws Exception {
    try (NodeCache server = start("rewrite class CH IN")) {
      upstream.forgetReceived();
      Message q = Message.newQuery(Record.newRecord(Records.name("ch.example.org."), Type.TXT, DClass.CH));
      Message m = DnsClient.udp(TestServers.dns(server), q);
      assertThat(m.getQuestion().getDClass()).isEqualTo(DClass.CH);
      assertThat(Records.answer(m)).isEqualTo(Records.sorted("ch.example.org. 30 IN TXT \"in-class\""));
      assertThat(upstream.received()).singleElement().satisfies(r -> assertThat(r.getQuestion().getDClass()).isEqualTo(DClass.IN));
    }
  }

  record EdnsCase(String rule, boolean clientEdns, int code, String data) {}

  static List<EdnsCase> ednsCases() {
    return List.of(
        new EdnsCase("rewrite edns0 local set 0xffee 0x61626364", false, 0xffee, "abcd"),
        new EdnsCase("rewrite edns0 local append 65518 abcd", true, 0xffee, "abcd"),
        new EdnsCase("rewrite edns0 local set 0xffee {protocol}", true, 0xffee, "udp"),
        new EdnsCase("rewrite edns0 local set 0xffee {qname}", true, 0xffee, "web.example.org."),
        new EdnsCase("rewrite edns0 nsid set", true, 3, ""),
        new EdnsCase("rewrite edns0 local replace 0xffee abcd", true, 0xffee, null));
  }

  @ParameterizedTest
  @MethodSource("ednsCases")
  void edns0RulesSetTheOptionTheUpstreamSees(EdnsCase c) throws Exception {
    try (NodeCache server = start(c.rule())) {
      upstream.forgetReceived();
      Message q = DnsClient.query("web.example.org.", Type.A);
      if (c.clientEdns()) {
        q = DnsClient.withEdns(q, 1232, false);
      }
      Message m = DnsClient.udp(TestServers.dns(server), q);
      assertThat(Records.answer(m)).isEqualTo(Records.sorted("web.example.org. 30 IN A 10.0.0.3"));
      OPTRecord opt = upstream.received().get(0).getOPT();
      assertThat(opt).isNotNull();
      List<EDNSOption> options = opt.getOptions(c.code());
      if (c.data() == null) {
        assertThat(options).isEmpty();
      } else {
        assertThat(options).hasSize(1);
        byte[] wire = options.get(0).toWire();
        assertThat(new String(wire, 4, wire.length - 4, StandardCharsets.UTF_8)).isEqualTo(c.data());
      }
      if (!c.clientEdns()) {
        assertThat(m.getOPT()).as("the client sent no OPT").isNull();
      }
    }
  }

  @Test
  void edns0SubnetCarriesTheClientsNetwork() throws Exception {
    try (NodeCache server = start("rewrite edns0 subnet set 24 56")) {
      upstream.forgetReceived();
      DnsClient.udp(TestServers.dns(server), DnsClient.query("web.example.org.", Type.A));
      ClientSubnetOption ecs = (ClientSubnetOption) upstream.received().get(0).getOPT().getOptions(8).get(0);
      assertThat(ecs.getSourcePrefixLength()).isEqualTo(24);
      assertThat(ecs.getAddress().getHostAddress()).isEqualTo("127.0.0.0");
    }
  }

  record Refusal(String line, String reason) {}

  static List<Refusal> refusals() {
    return List.of(
        new Refusal("rewrite", "no rule type specified"),
        new Refusal("rewrite stop", "stop rule must begin with a rule type"),
        new Refusal("rewrite frobnicate a b", "invalid rule type 'frobnicate'"),
        new Refusal("rewrite answer name a b", "response rewrites must begin with a name rule"),
        new Refusal("rewrite cname exact a b", "not supported"),
        new Refusal("rewrite name a", "too few arguments for a name rule"),
        new Refusal("rewrite name fuzzy a b", "name rule supports only exact, prefix, suffix, substring, and regex"),
        new Refusal("rewrite name regex (a b", "invalid regex matching pattern"),
        new Refusal("rewrite name regex (a) {1}{2}", "uses more subexpressions"),
        new Refusal("rewrite name exact a b answer", "invalid arguments for a name rule"),
        new Refusal("rewrite name exact a b extra x", "exceeded the number of arguments"),
        new Refusal("rewrite name suffix a b answer bogus", "invalid type 'bogus'"),
        new Refusal("rewrite name suffix a b answer name x", "2 arguments required"),
        new Refusal("rewrite name regex (.*) {1} answer auto answer name (.*) {1}", "cannot be combined"),
        new Refusal("rewrite type A", "type rules must have exactly two arguments"),
        new Refusal("rewrite type A BOGUS", "invalid type 'BOGUS'"),
        new Refusal("rewrite class IN XX", "invalid class 'XX'"),
        new Refusal("rewrite ttl a.example.org", "too few"),
        new Refusal("rewrite ttl a.example.org 20-10", "invalid TTL '20-10'"),
        new Refusal("rewrite ttl a.example.org -", "invalid TTL '-'"),
        new Refusal("rewrite ttl exact a.example.org 5 6", "too many"),
        new Refusal("rewrite ttl fuzzy a.example.org 5", "ttl rule supports only"),
        new Refusal("rewrite rcode a.example.org NXDOMAIN NOPE", "invalid replacement RCODE 'NOPE'"),
        new Refusal("rewrite rcode a.example.org BADCOOKIE NOERROR", "extended RCODE"),
        new Refusal("rewrite edns0 local", "too few arguments"),
        new Refusal("rewrite edns0 local put 1 2", "invalid action 'put'"),
        new Refusal("rewrite edns0 local set 0xffee", "exactly three args"),
        new Refusal("rewrite edns0 local set 70000 x", "invalid option code '70000'"),
        new Refusal("rewrite edns0 local set 0xffee 0xzz", "is not hex data"),
        new Refusal("rewrite edns0 local set 0xffee {nope}", "unsupported variable name {nope}"),
        new Refusal("rewrite edns0 local set 0xffee {kubernetes/pod}", "needs the metadata plugin"),
        new Refusal("rewrite edns0 nsid set x", "do not accept args"),
        new Refusal("rewrite edns0 subnet set 33 56", "invalid IPv4 bit mask length '33'"),
        new Refusal("rewrite edns0 cookie set", "invalid EDNS0 rule type 'cookie'"),
        new Refusal("rewrite name a b {\n        answer auto\n    }", "a block is only allowed after"));
  }

  @ParameterizedTest
  @MethodSource("refusals")
  void badRulesAreRefusedWithTheLine(Refusal c) {
    assertThatThrownBy(() -> start("    " + c.line()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("Corefile:3: rewrite: ")
        .hasMessageContaining(c.reason());
  }

  record FastCase(String rule, String name, int type, FastPath.Result expected) {}

  static List<FastCase> fastCases() {
    return List.of(
        new FastCase("rewrite name exact old.example.org new.example.org", "Old.Example.org.", Type.A, FastPath.Result.SLOW),
        new FastCase("rewrite name exact old.example.org new.example.org", "older.example.org.", Type.A, FastPath.Result.PASS),
        new FastCase("rewrite name prefix www web", "www.example.org.", Type.A, FastPath.Result.SLOW),
        new FastCase("rewrite name prefix www web", "wwwx.example.org.", Type.A, FastPath.Result.PASS),
        new FastCase("rewrite name suffix .cluster.local. .svc.cluster.local.", "a.b.cluster.local.", Type.A, FastPath.Result.SLOW),
        new FastCase("rewrite name suffix .cluster.local. .svc.cluster.local.", "cluster.local.", Type.A, FastPath.Result.PASS),
        new FastCase("rewrite name substring west-1 east-1", "a.us-west-1.org.", Type.A, FastPath.Result.SLOW),
        new FastCase("rewrite name substring west-1 east-1", "a.us-west-2.org.", Type.A, FastPath.Result.PASS),
        new FastCase("rewrite ttl exact a.org 5", "a.org.", Type.A, FastPath.Result.SLOW),
        new FastCase("rewrite type AAAA A", "a.org.", Type.AAAA, FastPath.Result.SLOW),
        new FastCase("rewrite type AAAA A", "a.org.", Type.A, FastPath.Result.PASS),
        new FastCase("rewrite name regex ^zzz z", "a.org.", Type.A, FastPath.Result.SLOW),
        new FastCase("rewrite edns0 nsid set", "a.org.", Type.A, FastPath.Result.SLOW));
  }

  @ParameterizedTest
  @MethodSource("fastCases")
  void theFastPathPassesOnlyQueriesNoRuleCanMatch(FastCase c) throws Exception {
    try (NodeCache server = start(c.rule())) {
      FastPath rewrite = (FastPath) server.chains().get(0).handlers().stream()
          .filter(h -> h.name().equals("rewrite")).findFirst().orElseThrow();
      FastQuery q = new FastQuery();
      assertThat(q.parse(Unpooled.wrappedBuffer(DnsClient.query(c.name(), c.type()).toWire()), true, UnpooledByteBufAllocator.DEFAULT)).isTrue();
      assertThat(rewrite.fast(q)).isEqualTo(c.expected());
    }
  }
}
