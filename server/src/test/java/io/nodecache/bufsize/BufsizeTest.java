package io.nodecache.bufsize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.config.ConfigException;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * UDP answer sizes through a real server: up to the client's advertised EDNS size (as CoreDNS answers),
 * 512 without EDNS, and bufsize's ceiling on that advertised size.
 */
class BufsizeTest {

  /** 90 A records: about 1,480 bytes on the wire, over 1232 and under 4096. */
  private static final int RECORDS = 90;

  private TestUpstream upstream;
  private NodeCache server;

  @BeforeEach
  void upstream() throws Exception {
    upstream =
        TestUpstream.start(
            q -> {
              Message a = Records.reply(q);
              for (int i = 1; i <= RECORDS; i++) {
                a.addRecord(Records.rr("big.example.org. 60 IN A 10.0." + (i / 200) + "." + (i % 200 + 1)), Section.ANSWER);
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

  /**
   * Each case asks three times over UDP through a cache: the first answer comes through forward on the
   * decoded path, the next two are cache hits (the fast path when the answer fits the client's limit).
   * Payload 0 means no EDNS.
   */
  @ParameterizedTest(name = "[{0}] payload={1}: truncated={2}, at most {3} bytes")
  @CsvSource({
    "'', 4096, false, 4096",
    "'', 1232, true, 1232",
    "'', 0, true, 512",
    "'', 100, true, 512",
    "bufsize, 4096, true, 1232",
    "bufsize 1232, 4096, true, 1232",
    "bufsize 1232, 1232, true, 1232",
    "bufsize 1232, 0, true, 512",
    "bufsize 4096, 4096, false, 4096",
    "bufsize 2048, 4096, false, 2048",
    "bufsize 1400, 4096, true, 1400",
  })
  void udpAnswerFitsTheAdvertisedSizeLoweredByBufsize(String directive, int payload, boolean truncated, int limit)
      throws Exception {
    server =
        TestServers.start(
            """
            .:0 {
                bind 127.0.0.1
                %s
                cache 30
                forward . %s
            }
            """.formatted(directive, upstream.hostPort()));
    Message q = DnsClient.query("big.example.org.", Type.A);
    if (payload > 0) {
      q = DnsClient.withEdns(q, payload, false);
    }
    for (int i = 0; i < 3; i++) {
      byte[] raw = DnsClient.udpRaw(TestServers.dns(server), q.toWire(), 3000);
      assertThat(raw).as("an answer %d", i).isNotNull();
      assertThat(raw.length).as("answer %d within the client's limit", i).isLessThanOrEqualTo(limit);
      Message m = Records.exact(new Message(raw));
      assertThat(m.getHeader().getFlag(Flags.TC)).as("TC %d", i).isEqualTo(truncated);
      if (!truncated) {
        assertThat(raw.length).as("answer %d larger than our 1232, sent whole", i).isGreaterThan(1232);
        assertThat(m.getSection(Section.ANSWER)).as("answer %d", i).hasSize(RECORDS);
      }
      assertThat(m.getOPT() != null).as("OPT echoed %d", i).isEqualTo(payload > 0);
    }
    Message tcp = DnsClient.tcp(TestServers.dns(server), q);
    assertThat(tcp.getHeader().getFlag(Flags.TC)).as("TCP is never truncated").isFalse();
    assertThat(tcp.getSection(Section.ANSWER)).hasSize(RECORDS);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "bufsize 511|Corefile:3: bufsize: SIZE: 511 (expected: 512..4096)",
        "bufsize 4097|Corefile:3: bufsize: SIZE: 4097 (expected: 512..4096)",
        "bufsize 0|Corefile:3: bufsize: SIZE: 0 (expected: 512..4096)",
        "bufsize big|Corefile:3: bufsize: SIZE: 'big' is not a number (expected: 512..4096)",
        "bufsize 1232 4096|Corefile:3: bufsize: 2 arguments (expected: 0 to 1)",
        "bufsize {\\n        1232\\n    }|Corefile:3: bufsize: takes no block, found '1232'",
        "bufsize\\n    bufsize 4096|Corefile:4: bufsize: appears twice in this server block",
      })
  void refusedWithTheLine(String directive, String message) {
    assertThatThrownBy(() -> TestServers.start(".:0 {\n    bind 127.0.0.1\n    %s\n}\n".formatted(directive.replace("\\n", "\n"))))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }
}
