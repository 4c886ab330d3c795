package io.nodecache.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Next;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.TestServers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** {@code debug}, {@code pprof} and {@code trace} through a real server. */
class DebugPprofTraceTest {

  private static NodeCache start(String directives) throws Exception {
    return TestServers.start(
        """
        .:0 {
            bind 127.0.0.1
            %s
            template IN A . {
                answer "{{ .Name }} 60 IN A 192.0.2.1"
            }
        }
        """.formatted(directives.replace("\\n", "\n")));
  }

  /** Runs {@code body} with System.err captured (the logger, util/LineLogger, writes to the current System.err). */
  private static String stderrOf(Callable<?> body) throws Exception {
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      body.call();
    } finally {
      System.setErr(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  /** A query whose question is cut short: it does not decode and gets FORMERR. */
  private static final byte[] CUT = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 'a', 'b'};

  @ParameterizedTest(name = "[{0}]")
  @CsvSource(delimiter = '|', value = {"debug|true", "|false"})
  void debugDumpsUndecodableQueriesInCorednsHexFormat(String directive, boolean dumped) throws Exception {
    try (NodeCache server = start(directive == null ? "" : directive)) {
      InetSocketAddress dns = TestServers.dns(server);
      String err = stderrOf(() -> {
        byte[] answer = DnsClient.udpRaw(dns, CUT, 3000);
        assertThat(answer).isNotNull();
        assertThat(answer[3] & 0xF).as("FORMERR").isEqualTo(Rcode.FORMERR);
        // the answer is sent after the dump is written: ask once more so the log line is surely out
        return DnsClient.udp(dns, DnsClient.query("a.example.", Type.A));
      });
      String dump = "debug: 000000 12 34 01 00 00 01 00 00 00 00 00 00 03 61 62\ndebug: 00000f";
      if (dumped) {
        assertThat(err).contains(dump);
      } else {
        assertThat(err).doesNotContain("debug: 000000");
      }
    }
  }

  /** A last handler that fails every query, to see what {@code debug} logs of a failure. */
  static final class Failing implements PluginFactory {
    @Override
    public String name() {
      return "forward";
    }

    @Override
    public Handler create(Directive directive, PluginContext context) {
      return new Handler() {
        @Override
        public String name() {
          return "forward";
        }

        @Override
        public CompletionStage<Message> handle(DnsRequest request, Next next) {
          return CompletableFuture.failedFuture(new IllegalStateException("boom in forward"));
        }
      };
    }
  }

  @ParameterizedTest(name = "[{0}]")
  @CsvSource(delimiter = '|', value = {"debug|true", "|false"})
  void debugLogsAHandlerFailureWithItsStackTrace(String directive, boolean logged) throws Exception {
    String corefile = ".:0 {\n    bind 127.0.0.1\n    " + (directive == null ? "" : directive) + "\n    forward . 127.0.0.1\n}\n";
    try (NodeCache server = TestServers.start(corefile, new Failing())) {
      InetSocketAddress dns = TestServers.dns(server);
      String err = stderrOf(() -> {
        Message m = DnsClient.udp(dns, DnsClient.query("x.example.", Type.TXT));
        assertThat(m.getRcode()).isEqualTo(Rcode.SERVFAIL);
        return m;
      });
      if (logged) {
        assertThat(err).contains("debug: x.example. TXT failed, SERVFAIL", "java.lang.IllegalStateException: boom in forward", "\tat ");
      } else {
        assertThat(err).doesNotContain("boom in forward");
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "pprof 127.0.0.1:0|/debug/pprof/goroutine|200|\"main\" #",
        "pprof 127.0.0.1:0|/debug/pprof/goroutine?debug=2|200|\tat ",
        "pprof 127.0.0.1:0 {\\n block\\n }|/debug/pprof/|200|/debug/pprof/goroutine is a thread dump",
        "pprof 127.0.0.1:0 {\\n block 10\\n }|/debug/pprof/heap|404|404 page not found",
      })
  void pprofServesAThreadDump(String directive, String path, int status, String contains) throws Exception {
    try (NodeCache server = start(directive)) {
      InetSocketAddress at = server.httpAddress("pprof");
      HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
      HttpResponse<String> r = c.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + at.getPort() + path)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(status);
      assertThat(r.body()).contains(contains);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "trace|Corefile:3: trace: tracing is not implemented in nodecache; the directive has no effect",
        "trace zipkin localhost:9411 {\\n every 100\\n }|Corefile:3: trace: tracing is not implemented in nodecache; the directive has no effect",
        "pprof 127.0.0.1:0 {\\n block\\n }|Corefile:4: pprof: block: the JVM has no blocking profile",
      })
  void aProfilingDirectiveWarnsOnceAndServes(String directive, String warning) throws Exception {
    String err = stderrOf(() -> {
      try (NodeCache server = start(directive)) {
        Message m = DnsClient.udp(TestServers.dns(server), DnsClient.query("a.example.", Type.A));
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
      }
      return null;
    });
    assertThat(err).contains(warning);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "debug x|Corefile:3: debug: 1 arguments (expected: 0)",
        "debug {\\n x\\n }|Corefile:3: debug: takes no block, found 'x'",
        "pprof nohost|Corefile:3: pprof: 'nohost' (expected: [HOST]:PORT)",
        "pprof a:1 b:2|Corefile:3: pprof: 2 arguments (expected: 0 to 1)",
        "pprof {\\n goroutines\\n }|Corefile:4: pprof: unknown option 'goroutines' (expected one of: block)",
        "pprof {\\n block x\\n }|Corefile:4: block: block: 'x' is not a number (expected: 1..2147483647)",
      })
  void refusedWithTheLine(String directive, String message) {
    assertThatThrownBy(() -> start(directive).close()).isInstanceOf(ConfigException.class).hasMessage(message);
  }
}
