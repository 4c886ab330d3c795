package io.nodecache.forward;

import static io.nodecache.forward.ForwardFixture.send;
import static io.nodecache.testing.Records.query;
import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.testing.Records;
import io.nodecache.testing.TestUpstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/** Identical queries in flight share one upstream exchange; each client gets its own ID and case. */
class ForwardCoalescingTest {

  private static final String WWW = "www.example.test. 30 IN A 192.0.2.80";

  private ForwardFixture fx;
  private TestUpstream up;
  private ExecutorService clients;

  @BeforeEach
  void setUp() throws Exception {
    fx = new ForwardFixture();
    up = TestUpstream.start(WWW, "www.example.test. 30 IN AAAA 2001:db8::80");
    clients = Executors.newFixedThreadPool(8);
  }

  @AfterEach
  void tearDown() {
    clients.shutdownNow();
    fx.close();
    up.close();
  }

  /** {@code www.example.test} with the case of each letter taken from the bits of {@code i}. */
  private static String mixedCase(int i) {
    char[] c = "www.example.test".toCharArray();
    for (int k = 0; k < c.length; k++) {
      if (((i >> (k % 10)) & 1) == 1) {
        c[k] = Character.toUpperCase(c[k]);
      }
    }
    return new String(c);
  }

  @ParameterizedTest
  @ValueSource(strings = {"force_tcp", "prefer_udp"})
  void thousandIdenticalConcurrentMissesSendOneUpstreamQuery(String transport) throws Exception {
    Forward f = fx.forward("forward . " + up.hostPort() + " {\n " + transport + "\n}");
    up.delay(Duration.ofMillis(500));
    int n = 1000;
    List<Future<CompletableFuture<Message>>> submitted = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int id = i;
      submitted.add(
          clients.submit(
              () -> {
                Message q = query(mixedCase(id), "A");
                q.getHeader().setID(id);
                return send(f, q);
              }));
    }
    for (int i = 0; i < n; i++) {
      Message a = submitted.get(i).get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
      assertThat(a.getHeader().getID()).isEqualTo(i);
      assertThat(a.getQuestion().getName().toString()).isEqualTo(mixedCase(i) + ".");
      assertThat(a.getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(Records.answers(a)).hasSize(1);
    }
    assertThat(up.queries()).as("one upstream exchange for the whole burst").isEqualTo(1);
    assertThat(f.inFlight()).isZero();
  }

  @Test
  void differentTypeDoOrCdAreSeparateExchanges() throws Exception {
    Forward f = fx.forward("forward . " + up.hostPort() + " {\n force_tcp\n}");
    up.delay(Duration.ofMillis(300));
    Message cd = query("www.example.test", "A");
    cd.getHeader().setFlag(Flags.CD);
    List<CompletableFuture<Message>> all =
        List.of(
            send(f, query("www.example.test", "A")),
            send(f, query("WWW.example.test", "A")),
            send(f, query("www.example.test", "AAAA")),
            send(f, Records.queryEdns("www.example.test", "A", true)),
            send(f, cd));
    for (CompletableFuture<Message> c : all) {
      assertThat(c.get(10, TimeUnit.SECONDS).getRcode()).isEqualTo(Rcode.NOERROR);
    }
    assertThat(up.queries()).isEqualTo(4);
    assertThat(all.get(0).get().getOPT()).isNull();
    assertThat(all.get(3).get().getOPT()).isNotNull();
  }

  @Test
  void aQueryAfterTheAnswerStartsANewExchange() throws Exception {
    Forward f = fx.forward("forward . " + up.hostPort() + " {\n force_tcp\n}");
    for (int i = 0; i < 3; i++) {
      ForwardFixture.ask(f, query("www.example.test", "A"));
    }
    assertThat(up.queries()).isEqualTo(3);
  }
}
