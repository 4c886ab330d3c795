package io.nodecache.listen;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * UDP answers go up to the size the client advertised (512 without EDNS), as CoreDNS's {@code Scrub}
 * does, and the answer's OPT record echoes that size ({@code SizeAndDo}), lowered by {@code bufsize}.
 * The answer (100 A records, about 1.7 kB) is larger than 1232 bytes; it is asked twice, once through
 * forward (decoded path) and once from the cache (byte-level path).
 */
class EdnsSizeTest {

  static final int RECORDS = 100;

  private TestUpstream up;
  private NodeCache server;

  @BeforeEach
  void upstream() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 1; i <= RECORDS; i++) {
      lines.add("big.example.test. 300 IN A 10.0.0." + i);
    }
    up = TestUpstream.start(lines.toArray(new String[0]));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    up.close();
  }

  @ParameterizedTest(name = "advertised {0}, bufsize {1}")
  @CsvSource({
    // advertised (-1: no EDNS), bufsize (0: none), truncated, echoed size (-1: no OPT)
    "-1, 0, true, -1",
    "512, 0, true, 512",
    "1232, 0, true, 1232",
    "4096, 0, false, 4096",
    "65535, 0, false, 65535",
    "4096, 1232, true, 1232",
    "4096, 2048, false, 2048",
    "1232, 2048, true, 1232",
  })
  void udpAnswersFitTheAdvertisedSizeAndEchoIt(int advertised, int bufsize, boolean truncated, int echoed)
      throws Exception {
    server =
        TestServers.start(
            ".:0 {\n    bind 127.0.0.1\n" + (bufsize > 0 ? "    bufsize " + bufsize + "\n" : "")
                + "    cache\n    forward . " + up.hostPort() + "\n}\n");
    InetSocketAddress dns = TestServers.dns(server);
    for (String path : new String[] {"forward (decoded)", "cache (byte level)"}) {
      Message q = DnsClient.query("big.example.test.", Type.A);
      if (advertised >= 0) {
        DnsClient.withEdns(q, advertised, false);
      }
      byte[] raw = DnsClient.udpRaw(dns, q.toWire(), 3000);
      assertThat(raw).as(path).isNotNull();
      int limit = advertised < 0 ? 512 : Math.max(512, bufsize > 0 ? Math.min(advertised, bufsize) : advertised);
      assertThat(raw.length).as(path + ": answer size").isLessThanOrEqualTo(limit);
      Message a = Records.exact(new Message(raw));
      assertThat(a.getHeader().getFlag(Flags.TC)).as(path + ": TC").isEqualTo(truncated);
      assertThat(a.getSection(Section.ANSWER).size() == RECORDS).as(path + ": every record").isEqualTo(!truncated);
      OPTRecord opt = a.getOPT();
      if (echoed < 0) {
        assertThat(opt).as(path).isNull();
      } else {
        assertThat(opt).as(path).isNotNull();
        assertThat(opt.getPayloadSize()).as(path + ": echoed size").isEqualTo(echoed);
      }
      // Over TCP the whole answer comes, with the same echo.
      Message t = DnsClient.tcp(dns, q);
      assertThat(t.getSection(Section.ANSWER)).as(path + " over TCP").hasSize(RECORDS);
      if (echoed >= 0) {
        assertThat(t.getOPT().getPayloadSize()).as(path + " over TCP: echoed size").isEqualTo(echoed);
      }
    }
    assertThat(up.queries()).as("everything after the first came from the cache").isEqualTo(1);
  }
}
