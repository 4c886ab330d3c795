package io.nodecache.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** What the new instance's Corefile lets it take from the old instance's cache. */
class CacheTransferTest {

  private static final int NAMES = 20;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private NodeCache start(String corefile) throws Exception {
    NodeCache n = TestServers.start(corefile);
    open.add(n);
    return n;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "cache 300                                   | 20 | 300",
        "cache 60                                    | 20 | 60", // its own TTL cap applies
        "cache 300 {~ disable success example.test~} | 0  | -1", // names it would not cache stay behind
        "cache 300 example.test                      | 0  | -1", // another cache (zones differ)
      })
  void takesWhatItsOwnCacheWouldHold(String cache, int taken, int ttl) throws Exception {
    TestUpstream upstream = TestUpstream.start(CacheHandoffTestAnswers::answer);
    open.add(upstream);
    String block = ".:0 {\n    bind 127.0.0.1\n    %s\n    forward . " + upstream.hostPort() + "\n}\n";
    NodeCache old = start(block.formatted("cache 300"));
    for (int i = 0; i < NAMES; i++) {
      DnsClient.udp(TestServers.dns(old), DnsClient.query(CacheHandoffTestAnswers.name(i), Type.A));
    }
    StringBuilder encoded = new StringBuilder();
    CacheTransfer.encode(old, encoded::append);
    String lines = encoded.toString();
    assertThat(lines).endsWith(CacheTransfer.END + " " + NAMES + "\n");

    NodeCache next = start(block.formatted(cache.trim().replace("~", "\n")));
    assertThat(CacheTransfer.restore(next, lines.lines().toList())).isEqualTo(taken);
    if (ttl > 0) {
      int before = upstream.queries();
      Message m = DnsClient.udp(TestServers.dns(next), DnsClient.query(CacheHandoffTestAnswers.name(3), Type.A));
      assertThat(upstream.queries()).isEqualTo(before);
      assertThat(m.getSection(Section.ANSWER).get(0).getTTL()).isBetween((long) ttl - 1, (long) ttl);
    }
  }

  @Test
  void aLargeCacheGoesInPiecesOfAtMostPieceLines() throws Exception {
    TestUpstream upstream = TestUpstream.start(CacheHandoffTestAnswers::answer);
    open.add(upstream);
    NodeCache old = start(".:0 {\n    bind 127.0.0.1\n    cache 300\n    forward . " + upstream.hostPort() + "\n}\n");
    int names = 2 * CacheTransfer.PIECE + 7;
    for (int i = 0; i < names; i++) {
      DnsClient.udp(TestServers.dns(old), DnsClient.query(CacheHandoffTestAnswers.name(i), Type.A));
    }
    List<String> pieces = new ArrayList<>();
    CacheTransfer.encode(old, pieces::add);
    assertThat(pieces).hasSize(3);
    assertThat(pieces.subList(0, 2)).allSatisfy(p -> assertThat(p.lines().count()).isEqualTo(CacheTransfer.PIECE));
    assertThat(pieces.get(2)).endsWith(CacheTransfer.END + " " + names + "\n");
    assertThat(pieces.get(2).lines().count()).isEqualTo(8); // 7 entries and the end line
    assertThat(String.join("", pieces).lines().filter(l -> l.startsWith("entry ")).distinct().count()).isEqualTo(names);
  }
}
