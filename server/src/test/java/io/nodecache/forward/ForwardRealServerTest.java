package io.nodecache.forward;

import static io.nodecache.forward.ForwardFixture.ask;
import static io.nodecache.forward.ForwardFixture.send;
import static io.nodecache.testing.Records.answers;
import static io.nodecache.testing.Records.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nodecache.chain.Protocol;
import io.nodecache.testing.LocalResolver;
import io.nodecache.testing.LocalResolver.Kind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.Message;

/** Forwarding to a real Debian unbound or dnsmasq on loopback, serving local data only. */
class ForwardRealServerTest {

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Kind.class)
  void forwardsOverTcpAndUdp(Kind kind) throws Exception {
    boolean installed = kind.find().isPresent();
    // .ci/run installs both: under CI=true a skip would hide that this test never ran.
    assertThat(installed || !"true".equalsIgnoreCase(System.getenv("CI")))
        .as(kind.binary() + " must be installed in CI").isTrue();
    assumeTrue(installed, kind.binary() + " is not installed (apt-get install " + kind.binary() + ")");
    List<String> records = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      records.add("h" + i + ".example.test");
      records.add("192.0.2." + (i + 1));
    }
    try (LocalResolver r = LocalResolver.start(kind, dir, records.toArray(String[]::new));
        ForwardFixture fx = new ForwardFixture()) {
      Forward tcp = fx.forward("forward . " + r.hostPort() + " {\n force_tcp\n}");
      Message a = ask(tcp, query("h0.example.test", "A"));
      assertThat(answers(a)).singleElement().asString().endsWith("IN A 192.0.2.1");

      // Several queries in flight at once over the pooled connection(s).
      List<CompletableFuture<Message>> all = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        all.add(send(tcp, query("h" + i + ".example.test", "A")));
      }
      for (int i = 0; i < 20; i++) {
        assertThat(answers(all.get(i).get(10, TimeUnit.SECONDS)))
            .singleElement().asString().endsWith("IN A 192.0.2." + (i + 1));
      }

      Forward udp = fx.forward("forward . " + r.hostPort());
      assertThat(answers(ask(udp, query("h5.example.test", "A"), Protocol.UDP)))
          .singleElement().asString().endsWith("IN A 192.0.2.6");
    }
  }
}
