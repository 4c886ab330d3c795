package io.nodecache.cache;

import static io.nodecache.cache.CacheHarness.query;
import static io.nodecache.cache.FakeUpstream.soa;
import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.cache.FakeUpstream.Answer;
import io.nodecache.chain.FastPath;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Prefetch and serve-stale, on a fake clock. */
class CacheRefreshTest {

  private static final String NAME = "hot.example.org.";

  private static long ttl(Message m) {
    return m.getSection(Section.ANSWER).get(0).getTTL();
  }

  private static String address(Message m) {
    return m.getSection(Section.ANSWER).stream().map(Record::rdataToString).findFirst().orElse("none");
  }

  private static void answer(CacheHarness h, long ttl, String address) {
    h.upstream.answer(NAME, Type.A, NAME + " " + ttl + " IN A " + address);
  }

  @Test
  void aPopularEntryIsRefreshedInTheBackgroundAndNeverMisses() throws Exception {
    try (CacheHarness h = new CacheHarness("cache {\n prefetch 2 1m 10%\n}")) {
      answer(h, 100, "192.0.2.1");
      h.ask(NAME, Type.A);
      h.ticker.advanceSeconds(50);
      h.ask(NAME, Type.A); // one hit: popular needs two
      h.upstream.hold(true);
      answer(h, 100, "192.0.2.2");
      h.ticker.advanceSeconds(41); // 9 s of 100 left: under 10 %
      Message hit = h.ask(NAME, Type.A);
      assertThat(ttl(hit)).isEqualTo(9);
      assertThat(address(hit)).isEqualTo("192.0.2.1");
      assertThat(h.upstream.calls()).isEqualTo(2); // the prefetch is in flight
      assertThat(h.upstream.held()).isEqualTo(1);

      h.ticker.advanceSeconds(1);
      CacheHarness.Fast fast = h.fast(query(NAME, Type.A, 77, false, false, false));
      assertThat(fast.result()).isEqualTo(FastPath.Result.ANSWERED);
      assertThat(h.upstream.calls()).as("one refresh per entry at a time").isEqualTo(2);

      h.upstream.release(); // stored at t=92 with 100 s
      h.upstream.hold(false);
      h.ticker.advanceSeconds(58); // t=150: the original entry would have expired at t=100
      Message later = h.ask(NAME, Type.A);
      assertThat(address(later)).isEqualTo("192.0.2.2");
      assertThat(ttl(later)).isEqualTo(42);
      assertThat(h.upstream.calls()).isEqualTo(2);
      assertThat(h.count("coredns_cache_misses_total")).isEqualTo(1);
      assertThat(h.count("coredns_cache_prefetch_total")).isEqualTo(1);
    }
  }

  @Test
  void theFastPathStartsAPrefetchToo() throws Exception {
    try (CacheHarness h = new CacheHarness("cache {\n prefetch 1\n}")) {
      answer(h, 100, "192.0.2.1");
      h.ask(NAME, Type.A);
      h.ticker.advanceSeconds(95);
      assertThat(h.fast(query(NAME, Type.A)).result()).isEqualTo(FastPath.Result.ANSWERED);
      assertThat(h.upstream.calls()).isEqualTo(2);
      h.ticker.advanceSeconds(50);
      assertThat(h.fast(query(NAME, Type.A)).result()).isEqualTo(FastPath.Result.ANSWERED);
      assertThat(h.upstream.calls()).isEqualTo(2);
    }
  }

  @Test
  void anUnpopularEntryIsNotPrefetched() throws Exception {
    try (CacheHarness h = new CacheHarness("cache {\n prefetch 3 10s 50%\n}")) {
      answer(h, 100, "192.0.2.1");
      h.ask(NAME, Type.A);
      for (int i = 0; i < 4; i++) {
        h.ticker.advanceSeconds(11); // gaps longer than the window reset the count
        h.ask(NAME, Type.A);
      }
      h.ticker.advanceSeconds(20); // t=64: 36 s left, under 50 %, but never popular
      h.ask(NAME, Type.A);
      assertThat(h.upstream.calls()).isEqualTo(1);
      assertThat(h.count("coredns_cache_prefetch_total")).isZero();
    }
  }

  /** The window either side of its edge: gaps just under it count, gaps just over it reset the count. */
  @ParameterizedTest(name = "hits {0} s apart, window 10 s: prefetched {1}")
  @CsvSource({"9.9,true", "10.1,false"})
  void hitsCountAsPopularOnlyWithinTheWindow(double gap, boolean prefetched) throws Exception {
    try (CacheHarness h = new CacheHarness("cache {\n prefetch 3 10s 50%\n}")) {
      answer(h, 100, "192.0.2.1");
      h.ask(NAME, Type.A);
      for (int i = 0; i < 5; i++) {
        h.ticker.advanceSeconds(gap);
        h.ask(NAME, Type.A);
      }
      h.ticker.advanceSeconds(gap); // past 50 s: under 50 % of the TTL left
      h.ask(NAME, Type.A);
      assertThat(h.count("coredns_cache_prefetch_total")).isEqualTo(prefetched ? 1 : 0);
      assertThat(h.upstream.calls()).isEqualTo(prefetched ? 2 : 1);
    }
  }

  @Test
  void aFailedPrefetchKeepsTheGoodEntry() throws Exception {
    try (CacheHarness h = new CacheHarness("cache {\n prefetch 1\n}")) {
      answer(h, 100, "192.0.2.1");
      h.ask(NAME, Type.A);
      h.upstream.rcodeForAll(Rcode.SERVFAIL);
      h.ticker.advanceSeconds(95);
      h.ask(NAME, Type.A);
      assertThat(h.upstream.calls()).isEqualTo(2);
      h.ticker.advanceSeconds(1);
      Message m = h.ask(NAME, Type.A);
      assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(address(m)).isEqualTo("192.0.2.1");
    }
  }

  @Test
  void immediateServesStaleAtOnceAndRefreshesInTheBackground() throws Exception {
    try (CacheHarness h = new CacheHarness("cache {\n serve_stale\n}")) {
      answer(h, 10, "192.0.2.1");
      h.ask(NAME, Type.A);
      h.upstream.rcodeForAll(Rcode.SERVFAIL);
      h.ticker.advanceSeconds(20);
      Message stale = h.ask(NAME, Type.A);
      assertThat(stale.getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(ttl(stale)).isEqualTo(30); // RFC 8767 §4
      assertThat(h.upstream.calls()).isEqualTo(2); // background refresh, answered SERVFAIL

      CacheHarness.Fast fast = h.fast(query(NAME, Type.A, 5, false, false, false));
      assertThat(fast.result()).isEqualTo(FastPath.Result.ANSWERED);
      assertThat(ttl(fast.message())).isEqualTo(30);
      assertThat(address(fast.message())).isEqualTo("192.0.2.1");
      assertThat(h.upstream.calls()).isEqualTo(3);
      assertThat(h.count("coredns_cache_served_stale_total")).isEqualTo(2);

      h.upstream.normal();
      answer(h, 300, "192.0.2.2");
      assertThat(address(h.ask(NAME, Type.A))).isEqualTo("192.0.2.1"); // stale, refresh succeeds
      Message fresh = h.ask(NAME, Type.A);
      assertThat(address(fresh)).isEqualTo("192.0.2.2");
      assertThat(ttl(fresh)).isEqualTo(300);
    }
  }

  @Test
  void staleEntriesAreServedForAtMostTheConfiguredDuration() throws Exception {
    try (CacheHarness h = new CacheHarness("cache {\n serve_stale 1m immediate\n}")) {
      answer(h, 10, "192.0.2.1");
      h.ask(NAME, Type.A);
      h.upstream.rcodeForAll(Rcode.SERVFAIL);
      h.ticker.advanceSeconds(69.9);
      assertThat(h.ask(NAME, Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
      h.ticker.advanceSeconds(0.1);
      assertThat(h.ask(NAME, Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
    }
  }

  @Test
  void failureRecheckSpacesOutRefreshes() throws Exception {
    try (CacheHarness h = new CacheHarness("cache {\n serve_stale 1h immediate 15 10s\n}")) {
      answer(h, 10, "192.0.2.1");
      h.ask(NAME, Type.A);
      h.upstream.rcodeForAll(Rcode.SERVFAIL);
      h.ticker.advanceSeconds(20);
      assertThat(ttl(h.ask(NAME, Type.A))).isEqualTo(15);
      h.ticker.advanceSeconds(5);
      h.ask(NAME, Type.A);
      assertThat(h.upstream.calls()).isEqualTo(2);
      h.ticker.advanceSeconds(5);
      h.ask(NAME, Type.A);
      assertThat(h.upstream.calls()).isEqualTo(3);
    }
  }

  @Test
  void verifyAsksFirstAndServesStaleOnlyWhenTheUpstreamFails() throws Exception {
    try (CacheHarness h = new CacheHarness("cache {\n serve_stale 1h verify\n}")) {
      answer(h, 10, "192.0.2.1");
      h.ask(NAME, Type.A);
      h.ticker.advanceSeconds(20);
      assertThat(h.fast(query(NAME, Type.A)).result()).isEqualTo(FastPath.Result.SLOW);

      h.upstream.rcodeForAll(Rcode.SERVFAIL);
      Message stale = h.ask(NAME, Type.A);
      assertThat(stale.getRcode()).as("stale positive preferred over a fresh SERVFAIL").isEqualTo(Rcode.NOERROR);
      assertThat(ttl(stale)).isEqualTo(30);

      h.upstream.failAll(new IllegalStateException("upstream timeout"));
      assertThat(address(h.ask(NAME, Type.A))).isEqualTo("192.0.2.1");
      assertThat(h.count("coredns_cache_served_stale_total")).isEqualTo(2);

      h.upstream.normal();
      answer(h, 300, "192.0.2.2");
      Message fresh = h.ask(NAME, Type.A);
      assertThat(address(fresh)).isEqualTo("192.0.2.2");
      assertThat(ttl(fresh)).isEqualTo(300);
      assertThat(h.fast(query(NAME, Type.A)).result()).isEqualTo(FastPath.Result.ANSWERED);
      assertThat(h.upstream.calls()).isEqualTo(4);
    }
  }

  @Test
  void verifyServesStaleWhenTheUpstreamIsTooSlow() throws Exception {
    try (CacheHarness h = new CacheHarness("cache {\n serve_stale 1h verify 50ms\n}")) {
      answer(h, 10, "192.0.2.1");
      h.ask(NAME, Type.A);
      h.ticker.advanceSeconds(20);
      h.upstream.hold(true);
      answer(h, 300, "192.0.2.2");
      Message stale = h.ask(NAME, Type.A); // completes on the scheduler's timeout
      assertThat(address(stale)).isEqualTo("192.0.2.1");
      assertThat(ttl(stale)).isEqualTo(30);
      h.upstream.hold(false);
      h.upstream.release(); // the late answer still refreshes the entry
      assertThat(address(h.ask(NAME, Type.A))).isEqualTo("192.0.2.2");
      assertThat(h.upstream.calls()).isEqualTo(2);
    }
  }

  @Test
  void verifyServesANewNxdomainUnlessPreferPositive() throws Exception {
    Answer nx = new Answer(Rcode.NXDOMAIN, List.of(), List.of(soa("example.org.", 60, 60)), false);
    try (CacheHarness h = new CacheHarness("cache {\n serve_stale 1h verify\n}")) {
      answer(h, 10, "192.0.2.1");
      h.ask(NAME, Type.A);
      h.ticker.advanceSeconds(20);
      h.upstream.set(NAME, Type.A, nx);
      assertThat(h.ask(NAME, Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }
    try (CacheHarness h =
        new CacheHarness("cache {\n serve_stale 1h verify\n serve_stale_policy prefer_positive\n}")) {
      answer(h, 10, "192.0.2.1");
      h.ask(NAME, Type.A);
      h.ticker.advanceSeconds(20);
      h.upstream.set(NAME, Type.A, nx);
      Message m = h.ask(NAME, Type.A);
      assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(address(m)).isEqualTo("192.0.2.1");
    }
  }

  @Test
  void servfailIsNeverServedStale() throws Exception {
    try (CacheHarness h = new CacheHarness("cache {\n serve_stale 1h\n}")) {
      h.upstream.rcodeForAll(Rcode.SERVFAIL);
      h.ask(NAME, Type.A);
      h.ticker.advanceSeconds(6);
      h.ask(NAME, Type.A);
      assertThat(h.upstream.calls()).isEqualTo(2);
      assertThat(h.count("coredns_cache_served_stale_total")).isZero();
    }
  }
}
