package io.nodecache.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.config.ConfigException;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.Await;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.TestServers;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** The {@code log} plugin on a real server: which queries give a line, and the line itself. */
class LogPluginTest {

  private static final String HOSTS =
      "  hosts example.org {\n    10.0.0.1 a.example.org\n  }\n";

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private NodeCache server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private InetSocketAddress start(String logLines) throws Exception {
    server = TestServers.start(".:0 {\n  bind 127.0.0.1\n" + logLines + HOSTS + "}\n", new LogPluginFactory(lines::add));
    return TestServers.dns(server);
  }

  private static Message ask(InetSocketAddress dns, String name, int type) throws Exception {
    return DnsClient.udp(dns, DnsClient.query(name, type));
  }

  /** Asks three queries (success, NODATA, NXDOMAIN) and returns the lines they gave. */
  private List<String> askAll(InetSocketAddress dns) throws Exception {
    assertThat(ask(dns, "a.example.org.", Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(ask(dns, "a.example.org.", Type.AAAA).getSection(1)).isEmpty();
    assertThat(ask(dns, "nope.example.org.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    Thread.sleep(100); // a line is written as the answer completes; give the last one a moment
    return List.copyOf(lines);
  }

  @Test
  void plainLogWritesTheCommonLogFormatForEveryQuery() throws Exception {
    InetSocketAddress dns = start("  log\n");
    List<String> got = askAll(dns);
    assertThat(got).hasSize(3);
    assertThat(got.get(0))
        .matches(
            "127\\.0\\.0\\.1:\\d+ - \\d+ \"A IN a\\.example\\.org\\. udp \\d+ false 512\" NOERROR qr,aa,rd \\d+ [0-9.]+s");
    assertThat(got.get(2)).contains("\"A IN nope.example.org. udp").contains("\" NXDOMAIN ");
  }

  @Test
  void tcpReportsTheMaximumBufferSizeAsCoreDns() throws Exception {
    InetSocketAddress dns = start("  log\n");
    DnsClient.tcp(dns, DnsClient.query("a.example.org.", Type.A));
    Await.until("a line", Duration.ofSeconds(5), () -> !lines.isEmpty());
    assertThat(lines.get(0)).contains(" tcp ").contains(" false 65535\" NOERROR ");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "log . {combined}                          | 3 | \"0\"",
        "log example.org                           | 3 | NOERROR",
        "log other.test                            | 0 | -",
        "log other.test example.org                | 3 | NOERROR",
        "log . combined                            | 3 | NOERROR",
        "log {combined}                            | 0 | -",
        "log {\\n    class denial\\n  }             | 2 | NXDOMAIN",
        "log {\\n    class success\\n  }            | 1 | NOERROR",
        "log {\\n    class error\\n  }              | 0 | -",
        "log {\\n    class success denial\\n  }     | 3 | NOERROR",
        "log {\\n    class all denial\\n  }         | 3 | NOERROR",
      })
  void namesFormatsAndClassesSelectTheLines(String directive, int expected, String contains) throws Exception {
    InetSocketAddress dns = start("  " + directive.replace("\\n", "\n") + "\n");
    List<String> got = askAll(dns);
    assertThat(got).as(directive).hasSize(expected);
    if (expected > 0) {
      assertThat(String.join("\n", got)).contains(contains);
    }
  }

  @Test
  void aCustomFormatReplacesKnownLabelsAndKeepsTheRest() throws Exception {
    InetSocketAddress dns = start("  log . \"{type} {name} {rcode} {>rflags} {/meta} {nope} {>opcode} {local}\"\n");
    ask(dns, "a.example.org.", Type.A);
    Await.until("a line", Duration.ofSeconds(5), () -> !lines.isEmpty());
    assertThat(lines.get(0)).isEqualTo("A a.example.org. NOERROR qr,aa,rd - {nope} 0 127.0.0.1");
  }

  @Test
  void severalLogLinesMakeRulesAndTheFirstMatchingNameDecides() throws Exception {
    InetSocketAddress dns = start("  log a.example.org \"first {name}\"\n  log . \"second {name}\"\n");
    ask(dns, "a.example.org.", Type.A);
    ask(dns, "nope.example.org.", Type.A);
    Await.until("two lines", Duration.ofSeconds(5), () -> lines.size() >= 2);
    assertThat(lines).containsExactlyInAnyOrder("first a.example.org.", "second nope.example.org.");
  }

  @Test
  void badClassesAndOptionsAreRefusedWithTheLine() {
    assertThatThrownBy(() -> start("  log {\n    class sometimes\n  }\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Corefile:4")
        .hasMessageContaining("unknown class 'sometimes'");
    assertThatThrownBy(() -> start("  log {\n    class\n  }\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Corefile:4");
    assertThatThrownBy(() -> start("  log {\n    format json\n  }\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Corefile:4: log: unknown option 'format' (expected one of: class)");
  }
}
