package io.nodecache.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.config.ConfigException;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.TestServers;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** CoreDNS's {@code timeouts} on the TCP side of a real listener: read, idle, write, and refusals. */
class TimeoutsTest {

  @TempDir Path dir;

  private static NodeCache start(String timeouts, String more) throws Exception {
    return TestServers.start(
        """
        .:0 {
            bind 127.0.0.1
            %s
            %s
            template IN A . {
                answer "{{ .Name }} 60 IN A 192.0.2.1"
            }
        }
        """.formatted(timeouts.replace("\\n", "\n"), more));
  }

  /**
   * A connection opened, optionally asked one query, then left silent: whether the server closed it
   * within {@code closedWithinMs}, or (0) kept it open for {@code openForMs}.
   */
  @ParameterizedTest(name = "{0} / query first: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "timeouts {\\n read 1s\\n }|false|4000|0",
        "timeouts {\\n read 1s\\n }|true|0|2500",
        "timeouts {\\n idle 1s\\n }|true|4000|0",
        "timeouts {\\n idle 1s\\n }|false|4000|0",
        "timeouts {\\n read 1s\\n idle 2s\\n }|true|5000|0",
        "timeouts {\\n read 1m\\n idle 1s\\n }|false|0|2500",
        "|false|0|2500",
      })
  void silentConnections(String timeouts, boolean queryFirst, long closedWithinMs, long openForMs) throws Exception {
    try (NodeCache server = start(timeouts == null ? "" : timeouts, "");
        Socket s = new Socket()) {
      InetSocketAddress dns = TestServers.dns(server);
      s.connect(dns, 2000);
      if (queryFirst) {
        DnsClient.writeFrame(s, DnsClient.query("a.example.", Type.A).toWire());
        Message m = new Message(DnsClient.readFrame(s));
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
      }
      long t0 = System.nanoTime();
      int wait = (int) (closedWithinMs > 0 ? closedWithinMs : openForMs);
      s.setSoTimeout(wait);
      boolean closed;
      try {
        closed = s.getInputStream().read() < 0;
      } catch (SocketTimeoutException e) {
        closed = false;
      } catch (SocketException e) {
        closed = true; // reset
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      if (closedWithinMs > 0) {
        assertThat(closed).as("closed within " + closedWithinMs + " ms").isTrue();
        assertThat(ms).as("not before the timeout").isGreaterThanOrEqualTo(800);
      } else {
        assertThat(closed).as("still open after " + openForMs + " ms").isFalse();
      }
    }
  }

  /**
   * {@code write 1s}: a client that asks for 200 answers of about 50 KB and does not read makes the
   * server's writes wait; the connection is closed before every answer went out. Without it the
   * server waits for the reader as long as it takes.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {"timeouts {\\n write 1s\\n }|true", "|false"})
  void writeTimeout(String timeouts, boolean cut) throws Exception {
    StringBuilder zone = new StringBuilder("@ 60 IN SOA ns. admin. 1 7200 3600 1209600 300\n");
    for (int i = 0; i < 200; i++) {
      zone.append("big 60 IN TXT \"").append(String.format("%03d", i)).append("x".repeat(240)).append("\"\n");
    }
    Path f = dir.resolve("db.big");
    Files.writeString(f, zone.toString());
    int queries = 200;
    try (NodeCache server = start(timeouts == null ? "" : timeouts, "file " + f + " big.test");
        Socket s = new Socket()) {
      s.setReceiveBufferSize(4096);
      s.connect(TestServers.dns(server), 2000);
      OutputStream out = s.getOutputStream();
      byte[] q = DnsClient.query("big.big.test.", Type.TXT).toWire();
      for (int i = 0; i < queries; i++) {
        out.write(new byte[] {(byte) (q.length >> 8), (byte) q.length});
        out.write(q);
      }
      out.flush();
      Thread.sleep(3000); // not reading: the server's writes stall
      s.setSoTimeout(3000);
      int answers = 0;
      DataInputStream in = new DataInputStream(s.getInputStream());
      try {
        while (answers < queries) {
          int len = in.readUnsignedShort();
          in.readFully(new byte[len]);
          answers++;
        }
      } catch (EOFException | SocketException e) {
        // closed by the server
      }
      if (cut) {
        assertThat(answers).as("answers before the server closed").isLessThan(queries);
      } else {
        assertThat(answers).isEqualTo(queries);
      }
    }
  }

  @Test
  void aReloadAppliesNewTimeoutsToNewConnections() throws Exception {
    try (NodeCache server = start("", "")) {
      InetSocketAddress dns = TestServers.dns(server);
      String corefile = """
          .:%d {
              bind 127.0.0.1
              timeouts {
                  read 1s
              }
              template IN A . {
                  answer "{{ .Name }} 60 IN A 192.0.2.1"
              }
          }
          """.formatted(dns.getPort());
      assertThat(server.reload(TestServers.parse(corefile))).isTrue();
      try (Socket s = new Socket()) {
        s.connect(dns, 2000);
        s.setSoTimeout(4000);
        assertThat(s.getInputStream().read()).as("closed by the new read timeout").isEqualTo(-1);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "timeouts|Corefile:3: timeouts: timeouts block with no timeouts specified (expected: read, write or idle)",
        "timeouts x {\\n read 2s\\n }|Corefile:3: timeouts: 1 arguments (expected: 0)",
        "timeouts {\\n read 500ms\\n }|Corefile:4: read: timeout '500ms' needs to be between 1 second and 24 hours",
        "timeouts {\\n idle 25h\\n }|Corefile:4: idle: timeout '25h' needs to be between 1 second and 24 hours",
        "timeouts {\\n write\\n }|Corefile:4: write: 0 arguments (expected: 1)",
        "timeouts {\\n write soon\\n }|Corefile:4: write: 'soon' is not a duration (expected: e.g. 500ms, 5s, 1m)",
        "timeouts {\\n maxtcpqueries 5\\n }|Corefile:4: timeouts: unknown option 'maxtcpqueries' (expected one of: read, write, idle)",
      })
  void refusedWithTheLine(String timeouts, String message) {
    assertThatThrownBy(() -> start(timeouts, "").close()).isInstanceOf(ConfigException.class).hasMessage(message);
  }
}
