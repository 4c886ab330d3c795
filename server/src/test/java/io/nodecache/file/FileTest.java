package io.nodecache.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.config.ConfigException;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The file plugin through a real server: one zone file with apex, glue, MX/SRV additionals, CNAME
 * chains inside and out of the zone, a wildcard, an empty non-terminal, a delegation and a DNAME;
 * names outside the zone and CNAME targets outside it go to {@code forward}.
 */
class FileTest {

  static final String ZONE =
      """
      $ORIGIN example.org.
      $TTL 3600
      @        IN SOA ns1.example.org. admin.example.org. 2024010101 7200 3600 1209600 300
      @        IN NS  ns1.example.org.
      @        IN NS  ns2.elsewhere.net.
      @        IN MX  10 mail
      ns1      IN A   192.0.2.53
      mail     IN A   192.0.2.25
      www  300 IN A   192.0.2.80
      www  300 IN AAAA 2001:db8::80
      alias    IN CNAME www
      chain    IN CNAME alias
      out      IN CNAME target.external.test.
      *.wild   IN A   192.0.2.99
      *.wild   IN TXT "wild"
      deep.ent IN A   192.0.2.7
      sub      IN NS  ns.sub
      sub      IN DS  12345 8 2 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE3F2B8A0F5A1D7C6E2B0B3C4D
      ns.sub   IN A   192.0.2.54
      legacy   IN DNAME example.net.
      _sip._tcp IN SRV 10 5 5060 mail
      """;

  static final String SOA = "example.org. 3600 IN SOA ns1.example.org. admin.example.org. 2024010101 7200 3600 1209600 300";
  static final String[] NS = {"example.org. 3600 IN NS ns1.example.org.", "example.org. 3600 IN NS ns2.elsewhere.net."};

  @TempDir static Path dir;
  static TestUpstream upstream;
  static NodeCache server;
  static InetSocketAddress dns;

  @BeforeAll
  static void start() throws Exception {
    upstream = TestUpstream.start(
        "target.external.test. 60 IN A 198.51.100.1",
        "x.example.net. 60 IN A 198.51.100.2",
        "other.test. 60 IN A 198.51.100.3");
    Path zone = dir.resolve("db.example.org");
    Files.writeString(zone, ZONE);
    server = TestServers.start(
        """
        .:0 {
            bind 127.0.0.1
            file %s example.org {
                reload 0
            }
            forward . %s
        }
        """.formatted(zone, upstream.hostPort()));
    dns = TestServers.dns(server);
  }

  @AfterAll
  static void stop() {
    server.close();
    upstream.close();
  }

  /** One query and the whole expected answer: rcode, AA, and each section as zone-file lines. */
  record Case(String name, int type, int rcode, boolean aa, List<String> answer, List<String> authority, List<String> additional) {
    @Override
    public String toString() {
      return name + " " + Type.string(type);
    }
  }

  static List<String> rrs(String... lines) {
    return Records.sorted(lines);
  }

  static List<Case> cases() {
    return List.of(
        new Case("www.example.org.", Type.A, Rcode.NOERROR, true,
            rrs("www.example.org. 300 IN A 192.0.2.80"), rrs(NS), rrs()),
        new Case("www.example.org.", Type.AAAA, Rcode.NOERROR, true,
            rrs("www.example.org. 300 IN AAAA 2001:db8::80"), rrs(NS), rrs()),
        new Case("www.example.org.", Type.MX, Rcode.NOERROR, true, rrs(), rrs(SOA), rrs()),
        new Case("missing.example.org.", Type.A, Rcode.NXDOMAIN, true, rrs(), rrs(SOA), rrs()),
        new Case("ent.example.org.", Type.A, Rcode.NOERROR, true, rrs(), rrs(SOA), rrs()),
        new Case("example.org.", Type.SOA, Rcode.NOERROR, true, rrs(SOA), rrs(NS), rrs()),
        new Case("example.org.", Type.NS, Rcode.NOERROR, true, rrs(NS), rrs(),
            rrs("ns1.example.org. 3600 IN A 192.0.2.53")),
        new Case("example.org.", Type.MX, Rcode.NOERROR, true,
            rrs("example.org. 3600 IN MX 10 mail.example.org."), rrs(NS), rrs("mail.example.org. 3600 IN A 192.0.2.25")),
        new Case("example.org.", Type.A, Rcode.NOERROR, true, rrs(), rrs(SOA), rrs()),
        new Case("_sip._tcp.example.org.", Type.SRV, Rcode.NOERROR, true,
            rrs("_sip._tcp.example.org. 3600 IN SRV 10 5 5060 mail.example.org."), rrs(NS),
            rrs("mail.example.org. 3600 IN A 192.0.2.25")),
        new Case("alias.example.org.", Type.A, Rcode.NOERROR, true,
            rrs("alias.example.org. 3600 IN CNAME www.example.org.", "www.example.org. 300 IN A 192.0.2.80"), rrs(NS), rrs()),
        new Case("alias.example.org.", Type.CNAME, Rcode.NOERROR, true,
            rrs("alias.example.org. 3600 IN CNAME www.example.org."), rrs(NS), rrs()),
        new Case("chain.example.org.", Type.A, Rcode.NOERROR, true,
            rrs("chain.example.org. 3600 IN CNAME alias.example.org.", "alias.example.org. 3600 IN CNAME www.example.org.",
                "www.example.org. 300 IN A 192.0.2.80"), rrs(NS), rrs()),
        new Case("out.example.org.", Type.A, Rcode.NOERROR, true,
            rrs("out.example.org. 3600 IN CNAME target.external.test.", "target.external.test. 60 IN A 198.51.100.1"),
            rrs(NS), rrs()),
        new Case("a.wild.example.org.", Type.A, Rcode.NOERROR, true,
            rrs("a.wild.example.org. 3600 IN A 192.0.2.99"), rrs(NS), rrs()),
        new Case("b.c.wild.example.org.", Type.TXT, Rcode.NOERROR, true,
            rrs("b.c.wild.example.org. 3600 IN TXT \"wild\""), rrs(NS), rrs()),
        new Case("a.wild.example.org.", Type.AAAA, Rcode.NOERROR, true, rrs(), rrs(SOA), rrs()),
        new Case("wild.example.org.", Type.A, Rcode.NOERROR, true, rrs(), rrs(SOA), rrs()),
        new Case("host.sub.example.org.", Type.A, Rcode.NOERROR, false,
            rrs(), rrs("sub.example.org. 3600 IN NS ns.sub.example.org."), rrs("ns.sub.example.org. 3600 IN A 192.0.2.54")),
        new Case("sub.example.org.", Type.NS, Rcode.NOERROR, false,
            rrs(), rrs("sub.example.org. 3600 IN NS ns.sub.example.org."), rrs("ns.sub.example.org. 3600 IN A 192.0.2.54")),
        new Case("sub.example.org.", Type.DS, Rcode.NOERROR, true,
            rrs("sub.example.org. 3600 IN DS 12345 8 2 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE3F2B8A0F5A1D7C6E2B0B3C4D"),
            rrs(NS), rrs()),
        new Case("x.legacy.example.org.", Type.A, Rcode.NOERROR, true,
            rrs("legacy.example.org. 3600 IN DNAME example.net.", "x.legacy.example.org. 3600 IN CNAME x.example.net.",
                "x.example.net. 60 IN A 198.51.100.2"), rrs(NS), rrs()),
        // owners are compressed against the question, so they read in the query's case: compared lower-cased
        new Case("WWW.Example.ORG.", Type.A, Rcode.NOERROR, true,
            rrs("www.example.org. 300 IN A 192.0.2.80"), rrs(NS), rrs()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void answersAsCoreDnsFile(Case c) throws Exception {
    for (Message m : List.of(DnsClient.udp(dns, DnsClient.query(c.name(), c.type())), DnsClient.tcp(dns, DnsClient.query(c.name(), c.type())))) {
      assertThat(Rcode.string(m.getRcode())).isEqualTo(Rcode.string(c.rcode()));
      assertThat(m.getHeader().getFlag(Flags.AA)).as("AA").isEqualTo(c.aa());
      assertThat(lower(Records.lines(m, Section.ANSWER))).as("answer").isEqualTo(lower(c.answer()));
      assertThat(lower(Records.lines(m, Section.AUTHORITY))).as("authority").isEqualTo(lower(c.authority()));
      assertThat(lower(Records.lines(m, Section.ADDITIONAL))).as("additional").isEqualTo(lower(c.additional()));
    }
  }

  private static List<String> lower(List<String> lines) {
    return lines.stream().map(l -> l.toLowerCase(Locale.ROOT)).sorted().toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("outside")
  void namesOutsideTheZonePassOn(String name, String expected) throws Exception {
    Message m = DnsClient.udp(dns, DnsClient.query(name, Type.A));
    assertThat(m.getHeader().getFlag(Flags.AA)).isFalse();
    assertThat(Records.answer(m)).isEqualTo(rrs(expected));
  }

  static List<Object[]> outside() {
    return List.<Object[]>of(new Object[] {"other.test.", "other.test. 60 IN A 198.51.100.3"});
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transfers")
  void zoneTransfersAreRefused(int type) throws Exception {
    Message m = DnsClient.tcp(dns, DnsClient.query("example.org.", type));
    assertThat(m.getRcode()).isEqualTo(Rcode.REFUSED);
  }

  static List<Integer> transfers() {
    return List.of(Type.AXFR, Type.IXFR);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusedWithTheLine(String directive, String zoneFile, String message) throws Exception {
    Path f = dir.resolve("refused.db");
    Files.writeString(f, zoneFile);
    String corefile = ".:0 {\n    bind 127.0.0.1\n    " + directive.replace("FILE", f.toString()) + "\n}\n";
    assertThatThrownBy(() -> TestServers.start(corefile).close())
        .isInstanceOf(ConfigException.class)
        .hasMessage(message.replace("FILE", f.toString()));
  }

  static List<Object[]> refusals() {
    String ok = "@ IN SOA ns. admin. 1 7200 3600 1209600 300\n";
    return List.of(
        new Object[] {"file", ok, "Corefile:3: file: 0 arguments (expected: at least 1)"},
        new Object[] {"file FILE example.org {\n reload\n }", ok, "Corefile:4: reload: 0 arguments (expected: 1)"},
        new Object[] {"file FILE example.org {\n reload soon\n }", ok,
            "Corefile:4: reload: 'soon' is not a duration (expected: e.g. 500ms, 5s, 1m)"},
        new Object[] {"file FILE example.org {\n transfer\n }", ok,
            "Corefile:4: file: unknown option 'transfer' (expected one of: reload, fallthrough, upstream)"},
        new Object[] {"file FILE example.org", "www IN A 192.0.2.1\n",
            "Corefile:3: file: zone example.org.: FILE: no SOA record for origin example.org."},
        new Object[] {"file FILE example.org", ok + "www IN A 300.1.1.1\n",
            "Corefile:3: file: zone example.org.: refused.db:2: Invalid address: 300.1.1.1"},
        new Object[] {"file FILE example.org", ok + "x IN NSEC3PARAM 1 0 10 AABB\n",
            "Corefile:3: file: zone example.org.: FILE: NSEC3 zones are not supported (NSEC3PARAM at x.example.org.)"},
        new Object[] {"file FILE.missing example.org {\n reload 0\n }", ok,
            "Corefile:3: file: cannot read zone file FILE.missing: no such file"},
        new Object[] {"file FILE example.org bad..zone", ok, "Corefile:3: file: 'bad..zone' is not a zone name"});
  }
}
