package io.nodecache.loadbalance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.nodecache.chain.Chain;
import io.nodecache.config.ConfigException;
import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import io.nodecache.wire.FastQuery;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** loadbalance round_robin through a real server, on the decoded path and on cache hits (fast path). */
class LoadbalanceTest {

  private static final String CNAME = "www.example.org. 60 IN CNAME web.example.org.";
  private static final List<String> WEB =
      List.of("web.example.org. 60 IN A 192.0.2.1", "web.example.org. 60 IN A 192.0.2.2", "web.example.org. 60 IN A 192.0.2.3");
  private static final List<String> MX =
      List.of("example.org. 60 IN MX 10 a.example.org.", "example.org. 60 IN MX 20 b.example.org.", "example.org. 60 IN MX 30 c.example.org.");
  private static final int QUERIES = 200; // 6 orders: one is missed with probability about 6 * (5/6)^200

  private TestUpstream upstream;
  private NodeCache server;

  @BeforeEach
  void upstream() throws Exception {
    upstream =
        TestUpstream.start(
            q -> {
              Message a = Records.reply(q);
              String name = q.getQuestion().getName().toString();
              List<String> lines =
                  name.equals("example.org.") ? MX
                      : name.equals("www.example.org.") ? List.of(CNAME, WEB.get(0), WEB.get(1), WEB.get(2))
                      : WEB;
              for (String l : lines) {
                a.addRecord(Records.rr(l), Section.ANSWER);
              }
              return a;
            });
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    upstream.close();
  }

  private void start(String directive, boolean cache) throws Exception {
    server =
        TestServers.start(
            """
            .:0 {
                bind 127.0.0.1
                %s
                %s
                forward . %s
            }
            """.formatted(directive, cache ? "cache 30" : "", upstream.hostPort()));
  }

  /** The distinct answer orders seen over {@link #QUERIES} UDP queries; CNAMEs must come first. */
  private Set<List<String>> orders(String name, int type) throws Exception {
    Set<List<String>> seen = new HashSet<>();
    for (int i = 0; i < QUERIES; i++) {
      Message m = DnsClient.udp(TestServers.dns(server), DnsClient.query(name, type));
      List<String> answer = Records.answers(m);
      if (name.startsWith("www")) {
        assertThat(answer.get(0)).matches("www\\.example\\.org\\. \\d+ IN CNAME web\\.example\\.org\\.");
        answer = answer.subList(1, answer.size());
      }
      seen.add(answer);
    }
    return seen;
  }

  @ParameterizedTest(name = "[{0}] {1} {2} cache={3}: {4} orders")
  @CsvSource({
    "loadbalance, web.example.org., A, false, 6",
    "loadbalance round_robin, web.example.org., A, false, 6",
    "loadbalance, www.example.org., A, false, 6",
    "loadbalance, www.example.org., A, true, 6",
    "loadbalance round_robin, web.example.org., A, true, 6",
    "loadbalance, example.org., MX, false, 6",
    "loadbalance, example.org., MX, true, 6",
    "'', web.example.org., A, false, 1",
    "'', www.example.org., A, true, 1",
  })
  void everyOrderAppears(String directive, String name, String type, boolean cache, int orders) throws Exception {
    start(directive, cache);
    assertThat(orders(name, Type.value(type))).hasSize(orders);
  }

  @ParameterizedTest
  @ValueSource(strings = {"web.example.org.", "www.example.org."})
  void cacheHitsAreShuffledOnTheFastPath(String name) throws Exception {
    start("loadbalance", true);
    DnsClient.udp(TestServers.dns(server), DnsClient.query(name, Type.A));
    Chain chain = server.chains().get(0);
    Set<List<String>> seen = new HashSet<>();
    FastQuery q = new FastQuery();
    long deadline = System.nanoTime() + 5_000_000_000L;
    for (int i = 0; i < QUERIES; i++) {
      ByteBuf packet = Unpooled.wrappedBuffer(DnsClient.query(name, Type.A).toWire());
      assertThat(q.parse(packet, true, UnpooledByteBufAllocator.DEFAULT)).isTrue();
      String by = chain.fast(q);
      if (by == null && seen.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10); // the answer may reach the client a moment before the cache stores it
        i--;
        continue;
      }
      assertThat(by).isEqualTo("cache");
      ByteBuf reply = q.takeReply();
      Message m = Records.exact(new Message(ByteBufUtil.getBytes(reply)));
      reply.release();
      List<String> answer = Records.answers(m);
      if (name.startsWith("www")) {
        assertThat(answer.get(0)).matches("www\\.example\\.org\\. \\d+ IN CNAME web\\.example\\.org\\.");
        answer = answer.subList(1, answer.size());
      }
      assertThat(answer).hasSize(3);
      seen.add(answer.stream().map(r -> r.replaceFirst(" \\d+ IN ", " IN ")).toList()); // the order, not the TTL's tick
    }
    assertThat(seen).hasSize(6);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "loadbalance weighted /etc/weights|Corefile:3: loadbalance: the weighted policy is not supported by nodecache (use round_robin, the default)",
        "loadbalance random|Corefile:3: loadbalance: unknown policy 'random' (expected: round_robin)",
        "loadbalance round_robin now|Corefile:3: loadbalance: unknown property 'now' for round_robin (it takes no arguments)",
        "loadbalance {\\n        prefer 10.0.0.0/8\\n    }|Corefile:4: loadbalance: prefer is not supported by nodecache (answers are shuffled, never reordered by subnet)",
        "loadbalance {\\n        shuffle\\n    }|Corefile:4: loadbalance: unknown property 'shuffle'",
      })
  void refusedWithTheLine(String directive, String message) {
    assertThatThrownBy(() -> start(directive.replace("\\n", "\n"), false))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }

  @Test
  void aSecondLoadbalanceIsRefused() {
    assertThatThrownBy(() -> start("loadbalance\n    loadbalance round_robin", false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Corefile:4");
  }
}
