package io.nodecache.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Next;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.Await;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.TestServers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** The {@code errors} plugin on a real server whose upstream fails every query with a set reason. */
class ErrorsPluginTest {

  /** One logged line, with its level and whether it carried a stack trace. */
  record Line(ErrorLog.Level level, String text, boolean trace) {}

  private final List<Line> lines = new CopyOnWriteArrayList<>();
  private NodeCache server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** A {@code forward} stand-in: fails names starting with "io" with an I/O error, others with a bug. */
  private static final class Failing implements PluginFactory {
    @Override
    public String name() {
      return "forward";
    }

    @Override
    public Handler create(Directive d, PluginContext ctx) {
      return new Handler() {
        @Override
        public String name() {
          return "forward";
        }

        @Override
        public CompletionStage<Message> handle(DnsRequest r, Next next) {
          if (r.name().toString().startsWith("io")) {
            return CompletableFuture.failedFuture(new IOException("read udp 10.0.0.1:40342->10.0.0.2:53: i/o timeout"));
          }
          throw new IllegalStateException("a bug");
        }
      };
    }
  }

  private InetSocketAddress start(String errors) throws Exception {
    server =
        TestServers.start(
            ".:0 {\n  bind 127.0.0.1\n" + errors + "  forward . 127.0.0.1:9\n}\n",
            new ErrorsPluginFactory((level, text, trace) -> lines.add(new Line(level, text, trace != null))),
            new Failing());
    return TestServers.dns(server);
  }

  private static void fail(InetSocketAddress dns, String name, int times) throws Exception {
    for (int i = 0; i < times; i++) {
      assertThat(DnsClient.udp(dns, DnsClient.query(name, Type.A)).getRcode()).isEqualTo(Rcode.SERVFAIL);
    }
  }

  @Test
  void eachFailureIsOneLineWithRcodeNameTypeAndReason() throws Exception {
    InetSocketAddress dns = start("  errors\n");
    fail(dns, "io1.example.org.", 3);
    Await.until("three lines", Duration.ofSeconds(5), () -> lines.size() == 3);
    assertThat(lines.get(0))
        .isEqualTo(
            new Line(ErrorLog.Level.ERROR, "plugin/errors: 2 io1.example.org. A: read udp 10.0.0.1:40342->10.0.0.2:53: i/o timeout", false));
  }

  @Test
  void stacktraceAddsTheTraceOfABugButNotOfAnIoError() throws Exception {
    InetSocketAddress dns = start("  errors {\n    stacktrace\n  }\n");
    fail(dns, "io1.example.org.", 1);
    fail(dns, "bug.example.org.", 1);
    Await.until("two lines", Duration.ofSeconds(5), () -> lines.size() == 2);
    assertThat(lines).extracting(Line::trace).containsExactly(false, true);
  }

  @Test
  void consolidateCountsMatchingErrorsIntoOneLinePerPeriod() throws Exception {
    InetSocketAddress dns = start("  errors {\n    consolidate 1s \".* i/o timeout$\" warning\n  }\n");
    fail(dns, "io1.example.org.", 5);
    fail(dns, "bug.example.org.", 1);
    Await.until("the summary", Duration.ofSeconds(5), () -> lines.size() == 2);
    assertThat(lines)
        .containsExactlyInAnyOrder(
            new Line(ErrorLog.Level.ERROR, "plugin/errors: 2 bug.example.org. A: a bug", false),
            new Line(ErrorLog.Level.WARNING, "plugin/errors: 5 errors like '.* i/o timeout$' occurred in last 1s", false));
    fail(dns, "io2.example.org.", 2); // a new period
    Await.until("the second summary", Duration.ofSeconds(5), () -> lines.size() == 3);
    assertThat(lines.get(2).text()).isEqualTo("plugin/errors: 2 errors like '.* i/o timeout$' occurred in last 1s");
  }

  @Test
  void showFirstLogsTheFirstAtOnceAndSumsUpOnlyWhenMoreFollowed() throws Exception {
    InetSocketAddress dns = start("  errors {\n    consolidate 1s \"timeout$\" show_first\n  }\n");
    fail(dns, "io1.example.org.", 3);
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0).text()).startsWith("plugin/errors: 2 io1.example.org. A: read udp");
    Await.until("the summary", Duration.ofSeconds(5), () -> lines.size() == 2);
    assertThat(lines.get(1).text()).isEqualTo("plugin/errors: 3 errors like 'timeout$' occurred in last 1s");
    fail(dns, "io2.example.org.", 1);
    Thread.sleep(1_500);
    assertThat(lines).hasSize(3); // one error in that period: no summary
  }

  @Test
  void wrongArgumentsAreRefusedWithTheLine() {
    for (String bad :
        List.of(
            "  errors stderr\n",
            "  errors {\n    consolidate 1s\n  }\n",
            "  errors {\n    consolidate 1s \"(\" \n  }\n",
            "  errors {\n    consolidate 1s x loud\n  }\n",
            "  errors {\n    consolidate x y\n  }\n",
            "  errors {\n    stacktrace now\n  }\n",
            "  errors {\n    verbose\n  }\n")) {
      assertThatThrownBy(() -> start(bad)).as(bad).isInstanceOf(ConfigException.class).hasMessageMatching("Corefile:[34]: .*");
    }
  }

  @Test
  void goDurationsPrintAsGoPrintsThem() {
    assertThat(Consolidation.goDuration(Duration.ofSeconds(30))).isEqualTo("30s");
    assertThat(Consolidation.goDuration(Duration.ofMinutes(5))).isEqualTo("5m0s");
    assertThat(Consolidation.goDuration(Duration.ofMinutes(90))).isEqualTo("1h30m0s");
    assertThat(Consolidation.goDuration(Duration.ofMillis(1500))).isEqualTo("1.5s");
  }
}
