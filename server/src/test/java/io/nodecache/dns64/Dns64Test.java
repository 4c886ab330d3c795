package io.nodecache.dns64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.config.ConfigException;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** dns64 through a real server with {@code forward} to an upstream holding A, AAAA, CNAME and SOA data. */
class Dns64Test {

  /** The upstream's zone: a name with an SOA line answers NODATA with that SOA in the authority section. */
  private static final String[] ZONE = {
    "v4only.example. 300 IN A 192.0.2.33",
    "both.example. 300 IN A 192.0.2.1",
    "both.example. 300 IN AAAA 2001:db8::1",
    "multi.example. 120 IN A 192.0.2.1",
    "multi.example. 120 IN A 192.0.2.2",
    "cname.example. 300 IN CNAME alias.example.",
    "alias.example. 300 IN CNAME v4only.example.",
    "soa.example. 300 IN A 192.0.2.7",
    "soa.example. 60 IN SOA ns.example. host.example. 1 7200 3600 86400 30",
    "txt.example. 300 IN TXT \"no address\"",
    "txt.example. 45 IN SOA ns.example. host.example. 1 7200 3600 86400 30",
  };

  private TestUpstream upstream;
  private NodeCache server;

  @BeforeEach
  void upstream() throws Exception {
    Map<Name, List<Record>> byName = new HashMap<>();
    for (String line : ZONE) {
      Record r = Records.rr(line);
      byName.computeIfAbsent(r.getName(), k -> new ArrayList<>()).add(r);
    }
    upstream = TestUpstream.start(q -> {
      Message a = Records.reply(q);
      Name name = q.getQuestion().getName();
      int type = q.getQuestion().getType();
      if (!byName.containsKey(name)) {
        if (!name.equals(Name.root)) {
          a.getHeader().setRcode(Rcode.NXDOMAIN);
        }
        return a;
      }
      List<Record> soa = List.of();
      for (int hops = 0; hops < 8 && byName.containsKey(name); hops++) {
        Name next = null;
        soa = byName.get(name).stream().filter(r -> r.getType() == Type.SOA).toList();
        for (Record r : byName.get(name)) {
          if (r.getType() == type) {
            a.addRecord(r, Section.ANSWER);
          } else if (r instanceof CNAMERecord c) {
            a.addRecord(r, Section.ANSWER);
            next = c.getTarget();
          }
        }
        if (next == null) {
          break;
        }
        name = next;
      }
      if (a.getSection(Section.ANSWER).stream().noneMatch(r -> r.getType() == type)) {
        soa.forEach(r -> a.addRecord(r, Section.AUTHORITY));
      }
      return a;
    });
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    upstream.close();
  }

  private Message ask(String bind, String directive, String name, String type) throws Exception {
    server =
        TestServers.start(
            """
            .:0 {
                bind %s
                %s
                forward . %s
            }
            """.formatted(bind, directive.replace("\\n", "\n"), upstream.hostPort()));
    return DnsClient.udp(TestServers.dns(server), Records.query(name, type));
  }

  @ParameterizedTest(name = "[{0}] {1} {2} {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        // NODATA for AAAA: synthesized from A in the default prefix; no SOA, so the A TTL (< 600)
        "::1|dns64|v4only.example.|AAAA|NOERROR|v4only.example. 300 IN AAAA 64:ff9b::c000:221",
        "::1|dns64|multi.example.|AAAA|NOERROR|multi.example. 120 IN AAAA 64:ff9b::c000:201;multi.example. 120 IN AAAA 64:ff9b::c000:202",
        // a real AAAA is kept, unless translate_all
        "::1|dns64|both.example.|AAAA|NOERROR|both.example. 300 IN AAAA 2001:db8::1",
        "::1|dns64 {\\n translate_all\\n }|both.example.|AAAA|NOERROR|both.example. 300 IN AAAA 64:ff9b::c000:201",
        // CNAMEs of the A answer are kept
        "::1|dns64|cname.example.|AAAA|NOERROR|cname.example. 300 IN CNAME alias.example.;alias.example. 300 IN CNAME v4only.example.;v4only.example. 300 IN AAAA 64:ff9b::c000:221",
        // the SOA TTL of the NODATA answer caps the TTL
        "::1|dns64|soa.example.|AAAA|NOERROR|soa.example. 60 IN AAAA 64:ff9b::c000:207",
        // NXDOMAIN passes untouched; NODATA for both types stays NODATA
        "::1|dns64|nothing.example.|AAAA|NXDOMAIN|",
        "::1|dns64 {\\n translate_all\\n }|nothing.example.|AAAA|NXDOMAIN|",
        "::1|dns64|txt.example.|AAAA|NOERROR|",
        // other types untouched
        "::1|dns64|v4only.example.|A|NOERROR|v4only.example. 300 IN A 192.0.2.33",
        "::1|dns64|txt.example.|TXT|NOERROR|txt.example. 300 IN TXT \"no address\"",
        // IPv4 clients only with allow_ipv4
        "127.0.0.1|dns64|v4only.example.|AAAA|NOERROR|",
        "127.0.0.1|dns64 {\\n allow_ipv4\\n }|v4only.example.|AAAA|NOERROR|v4only.example. 300 IN AAAA 64:ff9b::c000:221",
        "''|''|v4only.example.|AAAA|NOERROR|",
        // RFC 6052 §2.4's examples, one per prefix length, as argument and as option
        "::1|dns64 2001:db8::/32|v4only.example.|AAAA|NOERROR|v4only.example. 300 IN AAAA 2001:db8:c000:221::",
        "::1|dns64 {\\n prefix 2001:db8:100::/40\\n }|v4only.example.|AAAA|NOERROR|v4only.example. 300 IN AAAA 2001:db8:1c0:2:21::",
        "::1|dns64 2001:db8:122::/48|v4only.example.|AAAA|NOERROR|v4only.example. 300 IN AAAA 2001:db8:122:c000:2:2100::",
        "::1|dns64 {\\n prefix 2001:db8:122:300::/56\\n }|v4only.example.|AAAA|NOERROR|v4only.example. 300 IN AAAA 2001:db8:122:3c0:0:221::",
        "::1|dns64 2001:db8:122:344::/64|v4only.example.|AAAA|NOERROR|v4only.example. 300 IN AAAA 2001:db8:122:344:c0:2:2100:0",
        "::1|dns64 64:ff9b::/32 {\\n prefix 2001:db8:122:344::/96\\n }|v4only.example.|AAAA|NOERROR|v4only.example. 300 IN AAAA 2001:db8:122:344::c000:221",
        // bits past the length are ignored
        "::1|dns64 64:ff9b::ffff:ffff/96|v4only.example.|AAAA|NOERROR|v4only.example. 300 IN AAAA 64:ff9b::c000:221",
      })
  void answers(String bind, String directive, String name, String type, String rcode, String expected)
      throws Exception {
    Message m = ask(bind.isEmpty() ? "::1" : bind, directive, name, type);
    assertThat(Rcode.string(m.getRcode())).isEqualTo(rcode);
    String[] lines = expected == null ? new String[0] : expected.split(";");
    assertThat(Records.answer(m)).isEqualTo(Records.sorted(lines));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "dns64 64:ff9b::/72|Corefile:3: dns64: invalid prefix length in '64:ff9b::/72' (expected 32, 40, 48, 56, 64 or 96)",
        "dns64 {\\n prefix 64:ff9b::/104\\n }|Corefile:4: prefix: invalid prefix length in '64:ff9b::/104' (expected 32, 40, 48, 56, 64 or 96)",
        "dns64 {\\n prefix 8.8.8.8/24\\n }|Corefile:4: prefix: '8.8.8.8/24' is not an IPv6 prefix (ADDRESS/LENGTH, e.g. 64:ff9b::/96)",
        "dns64 foobar|Corefile:3: dns64: 'foobar' is not an IPv6 prefix (ADDRESS/LENGTH, e.g. 64:ff9b::/96)",
        "dns64 64:ff9b::|Corefile:3: dns64: '64:ff9b::' is not an IPv6 prefix (ADDRESS/LENGTH, e.g. 64:ff9b::/96)",
        "dns64 64:ff9b::/96 64:ff9c::/96|Corefile:3: dns64: 2 arguments (expected: 0 to 1)",
        "dns64 {\\n prefix\\n }|Corefile:4: prefix: 0 arguments (expected: 1)",
        "dns64 {\\n translate_all yes\\n }|Corefile:4: translate_all: 1 arguments (expected: 0)",
        "dns64 {\\n foobar\\n }|Corefile:4: dns64: unknown option 'foobar' (expected one of: prefix, translate_all, allow_ipv4)",
        "dns64 {\\n filter_a\\n }|Corefile:4: dns64: unknown option 'filter_a' (expected one of: prefix, translate_all, allow_ipv4)",
        "dns64\\n dns64|Corefile:4: dns64: appears twice in this server block",
      })
  void refusedWithTheLine(String directive, String message) {
    assertThatThrownBy(() -> ask("::1", directive, "v4only.example.", "AAAA"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }
}
