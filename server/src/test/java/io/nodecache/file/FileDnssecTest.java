package io.nodecache.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** A signed zone served by the file plugin: RRSIGs and NSECs only for queries with the DO bit, as CoreDNS. */
class FileDnssecTest {

  static final String SIG = " 8 2 300 20300101000000 20200101000000 12345 example.org. AAAA";

  static final String ZONE =
      """
      $ORIGIN example.org.
      @   300 IN SOA ns. admin. 1 7200 3600 1209600 300
      @   300 IN NS  ns.
      @   300 IN NSEC www.example.org. NS SOA RRSIG NSEC
      @   300 IN RRSIG NSEC%1$s
      www 300 IN A   192.0.2.1
      www 300 IN RRSIG A%1$s
      www 300 IN NSEC example.org. A RRSIG NSEC
      www 300 IN RRSIG NSEC%1$s
      """.formatted(SIG);

  @TempDir static Path dir;
  static NodeCache server;
  static InetSocketAddress dns;

  @BeforeAll
  static void start() throws Exception {
    Path f = dir.resolve("db.signed");
    Files.writeString(f, ZONE);
    server = TestServers.start(".:0 {\n    bind 127.0.0.1\n    file " + f + " example.org\n}\n");
    dns = TestServers.dns(server);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest(name = "{0} {1} DO={2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "www.example.org.|A|true|NOERROR|www.example.org. 300 IN A 192.0.2.1;www.example.org. 300 IN RRSIG A" + SIG + "|example.org. 300 IN NS ns.",
        "www.example.org.|A|false|NOERROR|www.example.org. 300 IN A 192.0.2.1|example.org. 300 IN NS ns.",
        "www.example.org.|MX|true|NOERROR||example.org. 300 IN SOA ns. admin. 1 7200 3600 1209600 300;"
            + "www.example.org. 300 IN NSEC example.org. A RRSIG NSEC;www.example.org. 300 IN RRSIG NSEC" + SIG,
        "www.example.org.|MX|false|NOERROR||example.org. 300 IN SOA ns. admin. 1 7200 3600 1209600 300",
        "a.example.org.|A|true|NXDOMAIN||example.org. 300 IN SOA ns. admin. 1 7200 3600 1209600 300;"
            + "example.org. 300 IN NSEC www.example.org. NS SOA RRSIG NSEC;example.org. 300 IN RRSIG NSEC" + SIG,
        "a.example.org.|A|false|NXDOMAIN||example.org. 300 IN SOA ns. admin. 1 7200 3600 1209600 300",
      })
  void signaturesAndDenialOnlyWithDo(String name, String type, boolean dnssecOk, String rcode, String answer, String authority)
      throws Exception {
    Message m = DnsClient.udp(dns, DnsClient.withEdns(DnsClient.query(name, Type.value(type)), 1232, dnssecOk));
    assertThat(Rcode.string(m.getRcode())).isEqualTo(rcode);
    assertThat(Records.lines(m, Section.ANSWER)).isEqualTo(rrs(answer));
    assertThat(Records.lines(m, Section.AUTHORITY)).isEqualTo(rrs(authority));
  }

  private static List<String> rrs(String joined) {
    return joined == null ? List.of() : Records.sorted(joined.split(";"));
  }
}
