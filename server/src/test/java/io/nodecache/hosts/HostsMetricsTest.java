package io.nodecache.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Scrape;
import io.nodecache.testing.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Type;

/**
 * {@code coredns_hosts_entries} and {@code coredns_hosts_reload_timestamp_seconds} through a real
 * server: CoreDNS counts every address of every name plus every name of every reverse entry, the
 * file's and the inline ones together, and stamps the file's modification time when it reads it.
 */
class HostsMetricsTest {

  @TempDir Path dir;

  record Case(String what, String file, String options, long entries) {}

  static List<Case> cases() {
    String file = "10.0.0.1 a.test b.test\n::1 c.test\n# comment\nbogus line\n";
    return List.of(
        // names: a, b (10.0.0.1), c (::1) = 3; reverse: 10.0.0.1 -> a, b; ::1 -> c = 3
        new Case("file", file, "", 6),
        new Case("file, no_reverse", file, "no_reverse", 3),
        // plus d.test (1) and its reverse (1)
        new Case("file and inline", file, "10.0.0.2 d.test", 8),
        new Case("inline alone (empty file)", "", "10.0.0.2 d.test e.test", 4));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void entriesCountAsCoreDnsCountsThem(Case c) throws Exception {
    Path hosts = dir.resolve("hosts");
    Files.writeString(hosts, c.file());
    Instant mtime = Instant.parse("2026-01-02T03:04:05Z");
    Files.setLastModifiedTime(hosts, FileTime.from(mtime));
    try (NodeCache server = start(hosts, c.options() + "\nreload 0")) {
      Scrape s = Scrape.of(server.httpAddress("prometheus"));
      assertThat(s.labelSets(HostsMetrics.ENTRIES)).containsExactly(Map.of());
      assertThat(s.sum(HostsMetrics.ENTRIES)).isEqualTo(c.entries());
      assertThat(s.sum(HostsMetrics.RELOAD)).isEqualTo(mtime.getEpochSecond());
    }
  }

  @Test
  void aChangedFileIsReadAgainAndStamped() throws Exception {
    Path hosts = dir.resolve("hosts");
    Files.writeString(hosts, "10.0.0.1 a.test\n");
    Files.setLastModifiedTime(hosts, FileTime.from(Instant.parse("2026-01-02T03:04:05Z")));
    try (NodeCache server = start(hosts, "no_reverse\nreload 100ms")) {
      assertThat(Scrape.of(server.httpAddress("prometheus")).sum(HostsMetrics.ENTRIES)).isEqualTo(1);
      Files.writeString(hosts, "10.0.0.1 a.test\n10.0.0.2 b.test\n");
      Instant later = Instant.parse("2026-01-02T03:05:00Z");
      Files.setLastModifiedTime(hosts, FileTime.from(later));
      long deadline = System.nanoTime() + 5_000_000_000L;
      Scrape s = Scrape.of(server.httpAddress("prometheus"));
      while (s.sum(HostsMetrics.ENTRIES) != 2 && System.nanoTime() < deadline) {
        Thread.sleep(50);
        s = Scrape.of(server.httpAddress("prometheus"));
      }
      assertThat(s.sum(HostsMetrics.ENTRIES)).isEqualTo(2);
      assertThat(s.sum(HostsMetrics.RELOAD)).isEqualTo(later.getEpochSecond());
      assertThat(DnsClient.udp(TestServers.dns(server), DnsClient.query("b.test.", Type.A)).getRcode()).isZero();
    }
  }

  @Test
  void aBlockWithoutHostsExportsNoHostsMetrics() throws Exception {
    try (NodeCache server =
        TestServers.start(
            """
            .:0 {
                bind 127.0.0.1
                whoami
                prometheus 127.0.0.1:0
            }
            """)) {
      assertThat(Scrape.of(server.httpAddress("prometheus")).names())
          .doesNotContain(HostsMetrics.ENTRIES, HostsMetrics.RELOAD);
    }
  }

  private static NodeCache start(Path hosts, String options) throws Exception {
    return TestServers.start(
        """
        .:0 {
            bind 127.0.0.1
            hosts %s {
                %s
            }
            prometheus 127.0.0.1:0
        }
        """
            .formatted(hosts, options));
  }
}
