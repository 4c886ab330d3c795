package io.nodecache.cache;

import static io.nodecache.cache.CacheHarness.query;
import static io.nodecache.cache.FakeUpstream.rr;
import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.Next;
import io.nodecache.chain.Protocol;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Which upstream answers a miss stores: the question must be the one asked, by name, type and class;
 * the name's case does not count (an upstream may echo it in another case, as 0x20 randomization does),
 * a different name or type is a drop ({@code coredns_cache_drops_total}).
 */
class CacheQuestionMatchTest {

  @Test
  void anAnswerWhoseNameDiffersOnlyInCaseIsStoredAndServed() throws Exception {
    Message echoed = answer(query("D.Example.ORG.", Type.A), "D.Example.ORG. 300 IN A 192.0.2.8");
    assertThat(stored("d.example.org.", Type.A, echoed)).isEqualTo(1);
  }

  @Test
  void anAnswerForAnotherTypeIsDropped() throws Exception {
    Message aaaa = answer(query("d.example.org.", Type.AAAA), "d.example.org. 300 IN AAAA 2001:db8::8");
    assertThat(stored("d.example.org.", Type.A, aaaa)).isEqualTo(-1);
  }

  /** The answer {@code reply} gives to a query for {@code name} {@code type}: entries stored, or -1 for a drop. */
  private static long stored(String name, int type, Message reply) throws Exception {
    try (CacheHarness h = new CacheHarness("cache")) {
      Next upstream = r -> CompletableFuture.completedFuture(reply);
      DnsRequest r = new DnsRequest(query(name, type), CacheHarness.CLIENT, CacheHarness.CLIENT, Protocol.UDP, ".", "dns://:53");
      Message got = h.cache.handle(r, upstream).toCompletableFuture().get();
      assertThat(got.getSection(Section.ANSWER)).hasSize(1);
      if (h.count("coredns_cache_drops_total") == 1) {
        assertThat(h.cache.size()).isZero();
        return -1;
      }
      // Stored: the next query is a hit, answered without the upstream.
      Message again = h.cache.handle(r, x -> { throw new AssertionError("asked the upstream for a hit"); })
          .toCompletableFuture().get();
      assertThat(again.getSection(Section.ANSWER).get(0).rdataToString())
          .isEqualTo(reply.getSection(Section.ANSWER).get(0).rdataToString());
      return h.cache.size();
    }
  }

  private static Message answer(Message q, String record) {
    Message m = q.clone();
    m.getHeader().setFlag(Flags.QR);
    m.addRecord(rr(record), Section.ANSWER);
    return m;
  }
}
