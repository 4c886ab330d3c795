package io.nodecache.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.server.NodeCache;
import io.nodecache.testing.DelayingPlugin;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** The hosts plugin through a real server: a hosts file plus inline entries, fallthrough in one zone. */
class HostsTest {

  @TempDir static Path dir;
  private NodeCache server;
  private InetSocketAddress dns;
  private Path hostsFile;

  @BeforeEach
  void start() throws Exception {
    hostsFile = dir.resolve("hosts");
    Files.writeString(hostsFile, "127.0.0.1 localhost\n# comment\n10.1.1.1 node-a node-a.local  # trailing\nbogus line\nfd00::a node-a.local\n");
    server =
        TestServers.start(
            """
            .:0 {
                bind 127.0.0.1
                hosts %s {
                    10.2.2.2 inline.local
                    ttl 60
                    reload 0
                    fallthrough other.local
                }
                forward . 127.0.0.1
            }
            """.formatted(hostsFile),
            new DelayingPlugin());
    dns = TestServers.dns(server);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  record Case(String name, int type, int rcode, List<String> answer) {}

  static List<Case> cases() {
    return List.of(
        new Case("node-a.local.", Type.A, Rcode.NOERROR, Records.sorted("node-a.local. 60 IN A 10.1.1.1")),
        new Case("NODE-A.Local.", Type.A, Rcode.NOERROR, Records.sorted("NODE-A.Local. 60 IN A 10.1.1.1")),
        new Case("node-a.local.", Type.AAAA, Rcode.NOERROR, Records.sorted("node-a.local. 60 IN AAAA fd00::a")),
        new Case("node-a.", Type.A, Rcode.NOERROR, Records.sorted("node-a. 60 IN A 10.1.1.1")),
        new Case("inline.local.", Type.A, Rcode.NOERROR, Records.sorted("inline.local. 60 IN A 10.2.2.2")),
        new Case("inline.local.", Type.MX, Rcode.NOERROR, List.of()),
        new Case("1.1.1.10.in-addr.arpa.", Type.PTR, Rcode.NOERROR,
            Records.sorted("1.1.1.10.in-addr.arpa. 60 IN PTR node-a.", "1.1.1.10.in-addr.arpa. 60 IN PTR node-a.local.")),
        new Case("missing.local.", Type.A, Rcode.NXDOMAIN, List.of()),
        new Case("x.other.local.", Type.A, Rcode.NOERROR, Records.sorted("x.other.local. 60 IN A 192.0.2.2")));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void answers(Case c) throws Exception {
    Message m = DnsClient.udp(dns, DnsClient.query(c.name(), c.type()));
    assertThat(m.getRcode()).isEqualTo(c.rcode());
    List<String> answer = Records.answer(m);
    if (c.name().startsWith("x.other")) {
      assertThat(answer).hasSize(1).allMatch(l -> l.matches("x\\.other\\.local\\.\\s+60\\s+IN\\s+A\\s+192\\.0\\.2\\.\\d+"));
    } else {
      assertThat(answer).isEqualTo(c.answer());
    }
  }

  @Test
  void reReadsTheFileWhenItChanges() throws Exception {
    Files.writeString(hostsFile, "10.9.9.9 fresh.local\n");
    Files.setLastModifiedTime(hostsFile, FileTime.fromMillis(System.currentTimeMillis() + 5000));
    server.scheduler().submit(() -> {}).get(); // the scheduler is alive
    // reload 0 disables the timer; trigger the same load the timer would run
    ((Hosts) handler()).load();
    Message m = DnsClient.udp(dns, DnsClient.query("fresh.local.", Type.A));
    assertThat(Records.answer(m)).isEqualTo(Records.sorted("fresh.local. 60 IN A 10.9.9.9"));
    assertThat(DnsClient.udp(dns, DnsClient.query("inline.local.", Type.A)).getRcode()).isEqualTo(Rcode.NOERROR);
  }

  private Object handler() {
    return server.chains().get(0).handlers().stream().filter(h -> h.name().equals("hosts")).findFirst().orElseThrow();
  }
}
