package io.nodecache.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.server.NodeCache;
import io.nodecache.testing.Await;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** {@code reload} and {@code fallthrough} of the file plugin, through a real server. */
class FileReloadTest {

  @TempDir Path dir;
  private NodeCache server;
  private TestUpstream upstream;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  private static String zone(long serial, String address) {
    return "$ORIGIN example.org.\n@ 3600 IN SOA ns. admin. " + serial + " 7200 3600 1209600 300\n"
        + "www 60 IN A " + address + "\n";
  }

  private InetSocketAddress start(Path file, String options) throws Exception {
    upstream = TestUpstream.start("missing.example.org. 30 IN A 198.51.100.9", "other.test. 30 IN A 198.51.100.3");
    server = TestServers.start(
        """
        .:0 {
            bind 127.0.0.1
            file %s example.org {
                %s
            }
            forward . %s
        }
        """.formatted(file, options, upstream.hostPort()));
    return TestServers.dns(server);
  }

  private static List<String> www(InetSocketAddress dns) {
    try {
      return Records.answer(DnsClient.udp(dns, DnsClient.query("www.example.org.", Type.A)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aNewSerialIsServedTheSameSerialAndABrokenFileKeepTheOldZone() throws Exception {
    Path f = dir.resolve("db");
    Files.writeString(f, zone(1, "192.0.2.1"));
    InetSocketAddress dns = start(f, "reload 100ms");
    assertThat(www(dns)).isEqualTo(Records.sorted("www.example.org. 60 IN A 192.0.2.1"));

    Files.writeString(f, zone(2, "192.0.2.2"));
    Await.until("serial 2 served", Duration.ofSeconds(10),
        () -> www(dns).equals(Records.sorted("www.example.org. 60 IN A 192.0.2.2")));

    // same serial, other data: CoreDNS does not reload it
    Files.writeString(f, zone(2, "192.0.2.3"));
    FileHandler h = handler();
    h.reloadAll();
    assertThat(www(dns)).isEqualTo(Records.sorted("www.example.org. 60 IN A 192.0.2.2"));

    // a file that no longer parses: the old zone keeps serving
    Files.writeString(f, zone(3, "192.0.2.300"));
    h.reloadAll();
    assertThat(www(dns)).isEqualTo(Records.sorted("www.example.org. 60 IN A 192.0.2.2"));
    Files.delete(f);
    h.reloadAll();
    assertThat(www(dns)).isEqualTo(Records.sorted("www.example.org. 60 IN A 192.0.2.2"));

    Files.writeString(f, zone(4, "192.0.2.4"));
    h.reloadAll();
    assertThat(www(dns)).isEqualTo(Records.sorted("www.example.org. 60 IN A 192.0.2.4"));
  }

  @Test
  void reloadZeroNeverRereads() throws Exception {
    Path f = dir.resolve("db");
    Files.writeString(f, zone(1, "192.0.2.1"));
    InetSocketAddress dns = start(f, "reload 0");
    Files.writeString(f, zone(2, "192.0.2.2"));
    // a reload timer would have fired many times within this bounded wait
    Thread.sleep(300);
    assertThat(www(dns)).isEqualTo(Records.sorted("www.example.org. 60 IN A 192.0.2.1"));
  }

  @Test
  void aMissingFileWithReloadAnswersServfailUntilItAppears() throws Exception {
    Path f = dir.resolve("later.db");
    InetSocketAddress dns = start(f, "reload 100ms");
    Message m = DnsClient.udp(dns, DnsClient.query("www.example.org.", Type.A));
    assertThat(m.getRcode()).isEqualTo(Rcode.SERVFAIL);
    Files.writeString(f, zone(1, "192.0.2.1"));
    Await.until("zone read once it exists", Duration.ofSeconds(10),
        () -> www(dns).equals(Records.sorted("www.example.org. 60 IN A 192.0.2.1")));
  }

  @ParameterizedTest(name = "{0} / {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "reload 0|missing.example.org.|NXDOMAIN|",
        "fallthrough|missing.example.org.|NOERROR|missing.example.org. 30 IN A 198.51.100.9",
        "fallthrough example.org|missing.example.org.|NOERROR|missing.example.org. 30 IN A 198.51.100.9",
        "fallthrough other.org|missing.example.org.|NXDOMAIN|",
        "fallthrough|www.example.org.|NOERROR|www.example.org. 60 IN A 192.0.2.1",
        "upstream|missing.example.org.|NXDOMAIN|",
        "upstream 10.0.0.1|other.test.|NOERROR|other.test. 30 IN A 198.51.100.3",
      })
  void options(String option, String name, String rcode, String answer) throws Exception {
    Path f = dir.resolve("db");
    Files.writeString(f, zone(1, "192.0.2.1"));
    InetSocketAddress dns = start(f, option);
    Message m = DnsClient.udp(dns, DnsClient.query(name, Type.A));
    assertThat(Rcode.string(m.getRcode())).isEqualTo(rcode);
    assertThat(Records.answer(m)).isEqualTo(answer == null ? List.of() : Records.sorted(answer));
  }

  private FileHandler handler() {
    return (FileHandler) server.chains().get(0).handlers().stream().filter(h -> h.name().equals("file")).findFirst().orElseThrow();
  }
}
