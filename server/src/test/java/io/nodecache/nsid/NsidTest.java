package io.nodecache.nsid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.config.ConfigException;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.EDNSOption;
import java.util.Arrays;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSIDOption;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** nsid through a real server, on the decoded path, on cache hits, from hosts and from forward. */
class NsidTest {

  private TestUpstream upstream;
  private NodeCache server;

  @BeforeEach
  void upstream() throws Exception {
    upstream = TestUpstream.start("www.example.org. 60 IN A 192.0.2.1");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    upstream.close();
  }

  private void start(String directive) throws Exception {
    server =
        TestServers.start(
            """
            .:0 {
                bind 127.0.0.1
                %s
                hosts {
                    10.1.1.1 node.local
                    fallthrough
                }
                cache 30
                forward . %s
            }
            """.formatted(directive, upstream.hostPort()));
  }

  private Message ask(String name, boolean edns, boolean nsid, boolean tcp) throws Exception {
    Message q = DnsClient.query(name, Type.A);
    if (edns) {
      List<EDNSOption> options = nsid ? List.of(new NSIDOption(new byte[0])) : List.of();
      q.addRecord(new OPTRecord(1232, 0, 0, 0, options), Section.ADDITIONAL);
    }
    return tcp ? DnsClient.tcp(TestServers.dns(server), q) : DnsClient.udp(TestServers.dns(server), q);
  }

  /** The NSID option's bytes as text, or null when the answer has none. */
  private static String nsid(Message m) {
    OPTRecord opt = m.getOPT();
    if (opt == null || opt.getOptions(EDNSOption.Code.NSID).isEmpty()) {
      return null;
    }
    List<EDNSOption> o = opt.getOptions(EDNSOption.Code.NSID);
    assertThat(o).hasSize(1);
    byte[] wire = o.get(0).toWire(); // code, length, data
    byte[] data = Arrays.copyOfRange(wire, 4, wire.length);
    return new String(data, StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "[{0}] {1} edns={2} nsid={3} tcp={4}")
  @CsvSource(
      delimiter = '|',
      value = {
        "nsid|www.example.org.|true|true|false|HOSTNAME",
        "nsid node-1|www.example.org.|true|true|false|node-1",
        "nsid node-1|www.example.org.|true|true|true|node-1",
        "nsid node 1 ünï|www.example.org.|true|true|false|node 1 ünï",
        "nsid node-1|node.local.|true|true|false|node-1",
        "nsid node-1|nx.local.|true|true|false|node-1",
        "nsid node-1|www.example.org.|true|false|false|",
        "nsid node-1|www.example.org.|false|false|false|",
        "''|www.example.org.|true|true|false|",
      })
  void answers(String directive, String name, boolean edns, boolean asks, boolean tcp, String expected) throws Exception {
    start(directive);
    String want = "HOSTNAME".equals(expected) ? Files.readString(Path.of("/proc/sys/kernel/hostname")).strip() : expected;
    for (int i = 0; i < 3; i++) { // the first fills the cache, the next are hits (fast path without NSID)
      Message m = ask(name, edns, asks, tcp);
      assertThat(nsid(m)).as("answer %d", i).isEqualTo(want);
      assertThat(m.getOPT() != null).isEqualTo(edns);
      if (name.startsWith("www")) {
        assertThat(Records.answer(m)).hasSize(1);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "nsid {\\n        id\\n    }|Corefile:3: nsid: takes no block, found 'id'",
        "nsid a\\n    nsid b|Corefile:4: nsid: appears twice in this server block",
      })
  void refusedWithTheLine(String directive, String message) {
    assertThatThrownBy(() -> start(directive.replace("\\n", "\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }
}
