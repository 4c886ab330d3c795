package io.nodecache.template;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Next;
import io.nodecache.chain.Protocol;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import io.nodecache.wire.Responses;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** CoreDNS's template README examples through a real server, answers checked as zone-file text. */
class TemplateTest {

  static TestUpstream upstream;
  static NodeCache server;
  static InetSocketAddress dns;

  @BeforeAll
  static void start() throws Exception {
    upstream =
        TestUpstream.start(
            "google.test. 300 IN A 192.0.2.80",
            "nothing.example. 300 IN A 192.0.2.50",
            "www.filtered.test. 300 IN A 192.0.2.60",
            "www.filtered.test. 300 IN AAAA 2001:db8::60");
    server =
        TestServers.start(
            """
            .:0 {
                bind 127.0.0.1
                prometheus 127.0.0.1:0
                template IN AAAA filtered.test {
                    rcode NXDOMAIN
                }
                template IN AAAA nodata.test {
                    authority "nodata.test. 60 IN SOA ns.nodata.test. hostmaster.nodata.test. (1 60 60 60 60)"
                }
                template IN A example {
                    match (^|[.])ip-(?P<a>[0-9]*)-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]$
                    answer "{{ .Name }} 60 IN A {{ .Group.a }}.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"
                    fallthrough
                }
                template IN A example {
                    match "^ip0a(?P<b>[a-f0-9]{2})(?P<c>[a-f0-9]{2})(?P<d>[a-f0-9]{2})[.]example[.]$"
                    answer "{{ .Name }} 60 IN A 10.{{ parseInt .Group.b 16 8 }}.{{ parseInt .Group.c 16 8 }}.{{ parseInt .Group.d 16 8 }}"
                    fallthrough
                }
                template IN A example {
                    match "^dc-(?P<a>10)-(?P<b>[0-9]*)[.]multi[.]example[.]$"
                    match "^(?P<a>[0-9]*)[.](?P<b>[0-9]*)[.]ext[.]multi[.]example[.]$"
                    answer "{{ .Name }} 60 IN A {{ .Group.a }}.{{ .Group.b }}.0.1"
                    fallthrough
                }
                template IN MX example {
                    match ^ip-10-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]$
                    answer "{{ .Name }} 60 IN MX 10 {{ .Name }}"
                    additional "{{ .Name }} 60 IN A 10.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"
                    authority "example. 60 IN NS ns0.example."
                    additional "ns0.example. 60 IN A 203.0.113.8"
                    fallthrough
                }
                template IN PTR in-addr.arpa {
                    match ^(?P<d>[0-9]*)[.](?P<c>[0-9]*)[.](?P<b>[0-9]*)[.](?P<a>[0-9]*)[.]in-addr[.]arpa[.]$
                    answer "{{ .Name }} 60 IN PTR ip-{{ .Group.a }}-{{ .Group.b }}-{{ .Group.c }}-{{ .Group.d }}.example."
                }
                template ANY ANY invalid {
                    rcode NXDOMAIN
                    authority "invalid. 60 {{ .Class }} SOA ns.invalid. hostmaster.invalid. (1 60 60 60 60)"
                    ederror 21 "Blocked according to RFC2606"
                }
                template IN ANY example.com.dc1.example.com {
                    match "example\\.com\\.(dc1\\.example\\.com\\.)$"
                    rcode NXDOMAIN
                    authority "{{ index .Match 1 }} 60 IN SOA ns.{{ index .Match 1 }} hostmaster.{{ index .Match 1 }} (1 60 60 60 60)"
                }
                template IN TXT info.test {
                    answer "{{ .Name }} 60 IN TXT \\"{{ .Remote }}\\" \\"{{ .Zone }}\\" \\"{{ .Class }}/{{ .Type }}\\" \\"{{ index .Match 0 }}\\" \\"[{{ .Meta \\"kubernetes/client-namespace\\" }}]\\" \\"{{ .Group.missing }}\\" \\"{{ .Question.Name }}\\""
                }
                template IN A strict.test {
                    match ^www[.]strict[.]test[.]$
                    answer "{{ .Name }} 60 IN A 192.0.2.7"
                }
                template IN A broken.test {
                    answer "{{ .Name }} 60 IN A {{ .Grup.a }}"
                }
                template IN A badrr.test {
                    answer "{{ .Name }} 60 IN A not-an-address"
                }
                template IN A cname.test {
                    match "^foogle\\.cname\\.test\\.$"
                    answer "foogle.cname.test 60 IN CNAME google.test"
                }
                template IN A fail.test {
                    rcode SERVFAIL
                }
                forward . 127.0.0.1:%d
            }
            """.formatted(upstream.address().getPort()));
    dns = TestServers.dns(server);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  record Case(String what, String name, int type, int rcode, List<String> answer, List<String> authority, List<String> additional) {
    @Override
    public String toString() {
      return what;
    }
  }

  static Case c(String what, String name, int type, int rcode, List<String> answer) {
    return new Case(what, name, type, rcode, answer, List.of(), List.of());
  }

  static List<Case> cases() {
    return List.of(
        c("AAAA filtered to NXDOMAIN", "www.filtered.test.", Type.AAAA, Rcode.NXDOMAIN, List.of()),
        c("A of a filtered zone goes on to forward", "www.filtered.test.", Type.A, Rcode.NOERROR,
            Records.sorted("www.filtered.test. 300 IN A 192.0.2.60")),
        new Case("AAAA NODATA with the SOA", "a.nodata.test.", Type.AAAA, Rcode.NOERROR, List.of(),
            Records.sorted("nodata.test. 60 IN SOA ns.nodata.test. hostmaster.nodata.test. 1 60 60 60 60"), List.of()),
        c("named groups make an A record", "ip-10-1-2-3.example.", Type.A, Rcode.NOERROR,
            Records.sorted("ip-10-1-2-3.example. 60 IN A 10.1.2.3")),
        c("a name matches case-insensitively, lowercased .Name", "IP-10-1-2-4.Example.", Type.A, Rcode.NOERROR,
            Records.sorted("ip-10-1-2-4.example. 60 IN A 10.1.2.4")),
        c("parseInt of hex groups", "ip0a7b0cff.example.", Type.A, Rcode.NOERROR,
            Records.sorted("ip0a7b0cff.example. 60 IN A 10.123.12.255")),
        c("first of several matches", "dc-10-20.multi.example.", Type.A, Rcode.NOERROR,
            Records.sorted("dc-10-20.multi.example. 60 IN A 10.20.0.1")),
        c("second of several matches", "172.16.ext.multi.example.", Type.A, Rcode.NOERROR,
            Records.sorted("172.16.ext.multi.example. 60 IN A 172.16.0.1")),
        c("no regex matches: fallthrough to forward", "nothing.example.", Type.A, Rcode.NOERROR,
            Records.sorted("nothing.example. 300 IN A 192.0.2.50")),
        new Case("answer, authority and additional", "ip-10-4-5-6.example.", Type.MX, Rcode.NOERROR,
            Records.sorted("ip-10-4-5-6.example. 60 IN MX 10 ip-10-4-5-6.example."),
            Records.sorted("example. 60 IN NS ns0.example."),
            Records.sorted("ip-10-4-5-6.example. 60 IN A 10.4.5.6", "ns0.example. 60 IN A 203.0.113.8")),
        c("PTR from reversed groups", "4.3.2.1.in-addr.arpa.", Type.PTR, Rcode.NOERROR,
            Records.sorted("4.3.2.1.in-addr.arpa. 60 IN PTR ip-1-2-3-4.example.")),
        new Case("ANY ANY with an rcode and a SOA using .Class", "foo.invalid.", Type.TXT, Rcode.NXDOMAIN, List.of(),
            Records.sorted("invalid. 60 IN SOA ns.invalid. hostmaster.invalid. 1 60 60 60 60"), List.of()),
        new Case("index .Match", "host.example.com.dc1.example.com.", Type.A, Rcode.NXDOMAIN, List.of(),
            Records.sorted("dc1.example.com. 60 IN SOA ns.dc1.example.com. hostmaster.dc1.example.com. 1 60 60 60 60"), List.of()),
        c("the data fields", "a.info.test.", Type.TXT, Rcode.NOERROR,
            Records.sorted("a.info.test. 60 IN TXT \"127.0.0.1\" \"info.test.\" \"IN/TXT\" \"a.info.test.\" \"[]\" \"<no value>\" \"a.info.test.\"")),
        c("matching regex", "www.strict.test.", Type.A, Rcode.NOERROR, Records.sorted("www.strict.test. 60 IN A 192.0.2.7")),
        c("no match and no fallthrough: SERVFAIL", "other.strict.test.", Type.A, Rcode.SERVFAIL, List.of()),
        c("other type of a strict zone goes on", "other.strict.test.", Type.AAAA, Rcode.NXDOMAIN, List.of()),
        c("unknown field fails at execution", "a.broken.test.", Type.A, Rcode.SERVFAIL, List.of()),
        c("output that is no RR", "a.badrr.test.", Type.A, Rcode.SERVFAIL, List.of()),
        c("a CNAME's target looked up further down", "foogle.cname.test.", Type.A, Rcode.NOERROR,
            Records.sorted("foogle.cname.test. 60 IN CNAME google.test.", "google.test. 300 IN A 192.0.2.80")),
        c("rcode SERVFAIL", "x.fail.test.", Type.A, Rcode.SERVFAIL, List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void answersAsCoreDns(Case c) throws Exception {
    for (boolean tcp : new boolean[] {false, true}) {
      Message q = DnsClient.query(c.name(), c.type());
      Message m = tcp ? DnsClient.tcp(dns, q) : DnsClient.udp(dns, q);
      assertThat(Rcode.string(m.getRcode())).as(c.what()).isEqualTo(Rcode.string(c.rcode()));
      // dnsjava compresses an owner name onto the question's, so the client's case may come back
      assertThat(lower(Records.answer(m))).as(c.what()).isEqualTo(lower(c.answer()));
      assertThat(Records.lines(m, Section.AUTHORITY)).as(c.what()).isEqualTo(c.authority());
      assertThat(Records.lines(m, Section.ADDITIONAL)).as(c.what()).isEqualTo(c.additional());
      if (c.rcode() != Rcode.SERVFAIL && !c.what().contains("forward") && !c.what().contains("goes on")) {
        assertThat(m.getHeader().getFlag(Flags.AA)).as(c.what() + ": AA").isTrue();
      }
    }
  }

  @Test
  void ederrorPutsAnExtendedDnsErrorInTheOptRecord() throws Exception {
    Message q = DnsClient.withEdns(DnsClient.query("foo.invalid.", Type.A), 1232, false);
    for (boolean tcp : new boolean[] {false, true}) {
      Message m = tcp ? DnsClient.tcp(dns, q) : DnsClient.udp(dns, q);
      assertThat(m.getRcode()).isEqualTo(Rcode.NXDOMAIN);
      List<EDNSOption> ede = m.getOPT().getOptions(EDNSOption.Code.EDNS_EXTENDED_ERROR);
      assertThat(ede).hasSize(1);
      assertThat(((ExtendedErrorCodeOption) ede.get(0)).getErrorCode()).isEqualTo(21);
      assertThat(((ExtendedErrorCodeOption) ede.get(0)).getText()).isEqualTo("Blocked according to RFC2606");
    }
    Message plain = DnsClient.udp(dns, DnsClient.query("foo.invalid.", Type.A));
    assertThat(plain.getOPT()).as("no OPT record for a query without EDNS").isNull();
  }

  @Test
  void aCnameTargetAnsweredAtOnceIsAppended() throws Exception {
    Handler h = server.chains().get(0).handlers().stream().filter(x -> x.name().equals("template")).findFirst().orElseThrow();
    Message q = DnsClient.query("foogle.cname.test.", Type.A);
    DnsRequest request = new DnsRequest(q, new InetSocketAddress("127.0.0.1", 5300), dns, Protocol.TCP, ".", "dns://:0");
    Next now = r -> {
      Message a = Responses.error(r.query(), Rcode.NOERROR);
      a.addRecord(Records.rr("google.test. 30 IN A 192.0.2.81"), Section.ANSWER);
      return CompletableFuture.completedFuture(a);
    };
    Message m = h.handle(request, now).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(Records.answer(m)).isEqualTo(Records.sorted("foogle.cname.test. 60 IN CNAME google.test.", "google.test. 30 IN A 192.0.2.81"));
  }

  static List<String> lower(List<String> lines) {
    return lines.stream().map(String::toLowerCase).toList();
  }

  @Test
  void metricsCarryCoreDnsNamesAndLabels() throws Exception {
    DnsClient.udp(dns, DnsClient.query("ip-10-9-9-9.example.", Type.A));
    DnsClient.udp(dns, DnsClient.query("b.broken.test.", Type.A));
    DnsClient.udp(dns, DnsClient.query("b.badrr.test.", Type.A));
    DnsClient.udp(dns, DnsClient.query("b.filtered.test.", Type.AAAA));
    InetSocketAddress http = server.httpAddress("prometheus");
    String body =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
            .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.getPort() + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(body)
        .containsPattern("coredns_template_matches_total\\{class=\"IN\",server=\"dns://127.0.0.1:0\",type=\"A\",view=\"\",zone=\"example.\"} [1-9]")
        .containsPattern("coredns_template_matches_total\\{class=\"IN\",server=\"dns://127.0.0.1:0\",type=\"AAAA\",view=\"\",zone=\"filtered.test.\"} [1-9]")
        .containsPattern("coredns_template_template_failures_total\\{class=\"IN\",section=\"answer\",server=\"dns://127.0.0.1:0\","
            + "template=\"\\{\\{.Name}} 60 IN A \\{\\{.Grup.a}}\",type=\"A\",view=\"\",zone=\"broken.test.\"} [1-9]")
        .containsPattern("coredns_template_rr_failures_total\\{class=\"IN\",section=\"answer\",server=\"dns://127.0.0.1:0\","
            + "template=\"\\{\\{.Name}} 60 IN A not-an-address\",type=\"A\",view=\"\",zone=\"badrr.test.\"} [1-9]");
  }
}
