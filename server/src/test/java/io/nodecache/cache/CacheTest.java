package io.nodecache.cache;

import static io.nodecache.cache.CacheHarness.query;
import static io.nodecache.cache.FakeUpstream.rr;
import static io.nodecache.cache.FakeUpstream.soa;
import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.cache.FakeUpstream.Answer;
import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Next;
import io.nodecache.chain.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class CacheTest {

  private static List<Long> ttls(Message m) {
    return Stream.concat(m.getSection(Section.ANSWER).stream(), m.getSection(Section.AUTHORITY).stream())
        .map(Record::getTTL)
        .toList();
  }

  @Test
  void secondQueryIsAnsweredFromCacheWithTheClientsIdAndCase() throws Exception {
    try (CacheHarness h = new CacheHarness("cache")) {
      h.upstream.answer("www.example.org.", Type.A, "www.example.org. 300 IN A 192.0.2.1");
      Message first = h.ask(query("www.example.org.", Type.A, 7, false, false, false));
      Message second = h.ask(query("WwW.ExAmple.ORG.", Type.A, 4242, false, false, false));

      assertThat(h.upstream.calls()).isEqualTo(1);
      assertThat(first.getHeader().getID()).isEqualTo(7);
      assertThat(second.getHeader().getID()).isEqualTo(4242);
      assertThat(second.getQuestion().getName().toString(true)).isEqualTo("WwW.ExAmple.ORG");
      assertThat(second.getSection(Section.ANSWER).get(0).rdataToString()).isEqualTo("192.0.2.1");
      assertThat(second.getHeader().getFlag(Flags.QR)).isTrue();
      assertThat(h.count("coredns_cache_hits_total", "type", "success")).isEqualTo(1);
      assertThat(h.count("coredns_cache_misses_total")).isEqualTo(1);
      assertThat(h.count("coredns_cache_requests_total")).isEqualTo(2);
    }
  }

  @Test
  void servedTtlsCountDownAndTheEntryExpires() throws Exception {
    try (CacheHarness h = new CacheHarness("cache")) {
      h.upstream.answer("a.example.org.", Type.A, "a.example.org. 300 IN A 192.0.2.1",
          "a.example.org. 600 IN A 192.0.2.2");
      assertThat(ttls(h.ask("a.example.org.", Type.A))).containsExactly(300L, 300L);
      h.ticker.advanceSeconds(10.5);
      assertThat(ttls(h.ask("a.example.org.", Type.A))).containsExactly(290L, 290L);
      h.ticker.advanceSeconds(289.4);
      assertThat(ttls(h.ask("a.example.org.", Type.A))).containsExactly(1L, 1L);
      assertThat(h.upstream.calls()).isEqualTo(1);
      h.ticker.advanceSeconds(0.1);
      assertThat(ttls(h.ask("a.example.org.", Type.A))).containsExactly(300L, 300L);
      assertThat(h.upstream.calls()).isEqualTo(2);
    }
  }

  static Stream<Arguments> caps() {
    return Stream.of(
        Arguments.of("cache", 7200L, 3600L),
        Arguments.of("cache", 1L, 5L), // MINTTL 5
        Arguments.of("cache", 0L, 5L),
        Arguments.of("cache 30", 7200L, 30L),
        Arguments.of("cache {\n success 2048 60 20\n}", 10L, 20L),
        Arguments.of("cache {\n success 2048 60 20\n}", 100L, 60L),
        Arguments.of("cache {\n success 2048 60 0\n}", 7L, 7L));
  }

  @ParameterizedTest(name = "{0}: record TTL {1} is served as {2}")
  @MethodSource("caps")
  void ttlIsFlooredAndCapped(String directive, long recordTtl, long served) throws Exception {
    try (CacheHarness h = new CacheHarness(directive)) {
      h.upstream.answer("c.example.org.", Type.A, "c.example.org. " + recordTtl + " IN A 192.0.2.3");
      assertThat(ttls(h.ask("c.example.org.", Type.A))).containsExactly(served);
      h.ticker.advanceSeconds(served - 0.5);
      assertThat(ttls(h.ask("c.example.org.", Type.A))).containsExactly(1L);
      h.ticker.advanceSeconds(0.5);
      h.ask("c.example.org.", Type.A);
      assertThat(h.upstream.calls()).isEqualTo(2);
    }
  }

  @Test
  void minTtlZeroAndTtlZeroIsNotCached() throws Exception {
    try (CacheHarness h = new CacheHarness("cache {\n success 2048 60 0\n}")) {
      h.upstream.answer("z.example.org.", Type.A, "z.example.org. 0 IN A 192.0.2.3");
      h.ask("z.example.org.", Type.A);
      h.ask("z.example.org.", Type.A);
      assertThat(h.upstream.calls()).isEqualTo(2);
    }
  }

  static Stream<Arguments> negatives() {
    return Stream.of(
        // name, rcode, SOA TTL, SOA MINIMUM, directive, expected duration (RFC 2308 §5: min of the two)
        Arguments.of("nx", Rcode.NXDOMAIN, 3600L, 60L, "cache", 60L),
        Arguments.of("nx", Rcode.NXDOMAIN, 30L, 900L, "cache", 30L),
        Arguments.of("nx", Rcode.NXDOMAIN, 7200L, 7200L, "cache", 1800L),
        Arguments.of("nx", Rcode.NXDOMAIN, 7200L, 7200L, "cache {\n denial 2048 20\n}", 20L),
        Arguments.of("nx", Rcode.NXDOMAIN, 1L, 1L, "cache", 5L),
        Arguments.of("nodata", Rcode.NOERROR, 3600L, 120L, "cache", 120L),
        Arguments.of("nodata", Rcode.NOERROR, 3600L, 120L, "cache 10", 10L));
  }

  @ParameterizedTest(name = "{0} rcode {1} SOA {2}/{3} with ''{4}'' is cached {5}s")
  @MethodSource("negatives")
  void negativeAnswersAreCachedFromTheSoa(
      String label, int rcode, long soaTtl, long minimum, String directive, long expected)
      throws Exception {
    try (CacheHarness h = new CacheHarness(directive)) {
      String name = label + ".example.org.";
      h.upstream.set(name, Type.AAAA,
          new Answer(rcode, List.of(), List.of(soa("example.org.", soaTtl, minimum)), false));
      Message first = h.ask(name, Type.AAAA);
      assertThat(first.getRcode()).isEqualTo(rcode);
      assertThat(ttls(first)).containsExactly(expected);
      h.ticker.advanceSeconds(expected - 0.5);
      Message hit = h.ask(name, Type.AAAA);
      assertThat(hit.getRcode()).isEqualTo(rcode);
      assertThat(ttls(hit)).containsExactly(1L);
      assertThat(h.upstream.calls()).isEqualTo(1);
      assertThat(h.count("coredns_cache_hits_total", "type", "denial")).isEqualTo(1);
      h.ticker.advanceSeconds(0.5);
      h.ask(name, Type.AAAA);
      assertThat(h.upstream.calls()).isEqualTo(2);
    }
  }

  static Stream<Arguments> neverCached() {
    Record a = rr("n.example.org. 300 IN A 192.0.2.9");
    return Stream.of(
        Arguments.of("truncated", new Answer(Rcode.NOERROR, List.of(a), List.of(), true)),
        Arguments.of("NXDOMAIN without SOA", new Answer(Rcode.NXDOMAIN, List.of(), List.of(), false)),
        Arguments.of("NODATA without SOA", new Answer(Rcode.NOERROR, List.of(), List.of(), false)),
        Arguments.of("FORMERR", new Answer(Rcode.FORMERR, List.of(), List.of(), false)),
        Arguments.of("NOTIMP", new Answer(Rcode.NOTIMP, List.of(), List.of(), false)),
        Arguments.of("REFUSED", new Answer(Rcode.REFUSED, List.of(), List.of(), false)));
  }

  @ParameterizedTest(name = "{0} is never cached")
  @MethodSource("neverCached")
  void someAnswersAreNeverCached(String label, Answer answer) throws Exception {
    try (CacheHarness h = new CacheHarness("cache")) {
      h.upstream.set("n.example.org.", Type.A, answer);
      Message first = h.ask("n.example.org.", Type.A);
      h.ask("n.example.org.", Type.A);
      assertThat(first.getRcode()).isEqualTo(answer.rcode());
      assertThat(h.upstream.calls()).isEqualTo(2);
      assertThat(h.cache.size()).isZero();
    }
  }

  static Stream<Arguments> servfails() {
    return Stream.of(
        Arguments.of("cache", 5.0), Arguments.of("cache {\n servfail 2s\n}", 2.0),
        Arguments.of("cache {\n servfail 1500ms\n}", 1.5), Arguments.of("cache {\n servfail 0\n}", 0.0));
  }

  @ParameterizedTest(name = "''{0}'' caches SERVFAIL for {1}s")
  @MethodSource("servfails")
  void servfailIsCachedForTheServfailDuration(String directive, double seconds) throws Exception {
    try (CacheHarness h = new CacheHarness(directive)) {
      h.upstream.set("sf.example.org.", Type.A, new Answer(Rcode.SERVFAIL, List.of(), List.of(), false));
      assertThat(h.ask("sf.example.org.", Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
      if (seconds > 0) {
        h.ticker.advanceSeconds(seconds - 0.01);
        assertThat(h.ask("sf.example.org.", Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(h.upstream.calls()).isEqualTo(1);
        h.ticker.advanceSeconds(0.01);
      }
      h.ask("sf.example.org.", Type.A);
      assertThat(h.upstream.calls()).isEqualTo(2);
    }
  }

  @Test
  void dnssecOkAndCheckingDisabledArePartOfTheKey() throws Exception {
    try (CacheHarness h = new CacheHarness("cache")) {
      h.upstream.answer("k.example.org.", Type.A, "k.example.org. 300 IN A 192.0.2.4");
      for (int round = 0; round < 2; round++) {
        h.ask(query("k.example.org.", Type.A, 1, false, false, false));
        h.ask(query("k.example.org.", Type.A, 2, true, true, false));
        h.ask(query("k.example.org.", Type.A, 3, false, false, true));
        h.ask(query("k.example.org.", Type.A, 4, true, true, true));
        h.ask(query("k.example.org.", Type.A, 5, true, false, false)); // EDNS without DO: same key as 1
      }
      assertThat(h.upstream.calls()).isEqualTo(4);
    }
  }

  @Test
  void answersKeepTheClientsRdAndCdBitsAndEdns() throws Exception {
    try (CacheHarness h = new CacheHarness("cache")) {
      h.upstream.answer("f.example.org.", Type.A, "f.example.org. 300 IN A 192.0.2.4");
      h.ask(query("f.example.org.", Type.A, 1, false, false, false));
      Message q = query("f.example.org.", Type.A, 9, true, false, false);
      q.getHeader().unsetFlag(Flags.RD);
      Message hit = h.ask(q);
      assertThat(hit.getHeader().getFlag(Flags.RD)).isFalse();
      assertThat(hit.getOPT()).isNotNull();
      Message plain = h.ask(query("f.example.org.", Type.A, 10, false, false, false));
      assertThat(plain.getOPT()).isNull();
      assertThat(plain.getHeader().getFlag(Flags.RD)).isTrue();
      assertThat(h.upstream.calls()).isEqualTo(1);
    }
  }

  @Test
  void evictsAtCapacity() throws Exception {
    try (CacheHarness h = new CacheHarness("cache {\n success 1024\n}")) {
      for (int i = 0; i < 1500; i++) {
        h.upstream.answer("n" + i + ".example.org.", Type.A, "n" + i + ".example.org. 300 IN A 192.0.2.5");
        h.ask("n" + i + ".example.org.", Type.A);
      }
      assertThat(h.cache.size()).isEqualTo(1024);
      assertThat(h.count("coredns_cache_evictions_total", "type", "success")).isEqualTo(1500 - 1024);
      assertThat(h.meters.get("coredns_cache_entries").tag("type", "success").gauge().value())
          .isEqualTo(1024);
    }
  }

  @Test
  void keepTtlServesTheTtlsAsReceived() throws Exception {
    try (CacheHarness h = new CacheHarness("cache {\n keepttl\n}")) {
      h.upstream.answer("kt.example.org.", Type.A, "kt.example.org. 7200 IN A 192.0.2.6",
          "kt.example.org. 100 IN A 192.0.2.7");
      assertThat(ttls(h.ask("kt.example.org.", Type.A))).containsExactly(7200L, 100L);
      h.ticker.advanceSeconds(50);
      assertThat(ttls(h.ask("kt.example.org.", Type.A))).containsExactly(7200L, 100L);
      assertThat(h.upstream.calls()).isEqualTo(1);
    }
  }

  @Test
  void onlyTheDirectivesZonesAreCachedAndDisableApplies() throws Exception {
    String directive = "cache 300 example.org example.net {\n disable denial example.net\n"
        + " disable success sub.example.org\n}";
    try (CacheHarness h = new CacheHarness(directive)) {
      h.upstream.answer("a.example.com.", Type.A, "a.example.com. 300 IN A 192.0.2.8");
      h.upstream.answer("a.sub.example.org.", Type.A, "a.sub.example.org. 300 IN A 192.0.2.8");
      h.upstream.answer("b.example.org.", Type.A, "b.example.org. 300 IN A 192.0.2.8");
      h.upstream.set("nx.example.net.", Type.A,
          new Answer(Rcode.NXDOMAIN, List.of(), List.of(soa("example.net.", 300, 300)), false));
      for (String name : List.of("a.example.com.", "a.sub.example.org.", "b.example.org.", "nx.example.net.")) {
        h.ask(name, Type.A);
        h.ask(name, Type.A);
      }
      // cached: only b.example.org
      assertThat(h.upstream.calls()).isEqualTo(7);
      assertThat(h.count("coredns_cache_requests_total", "zones", "example.org.,example.net.")).isEqualTo(6);
    }
  }

  @Test
  void localZonesAreNeverCached() throws Exception {
    try (CacheHarness h = new CacheHarness("cache")) {
      h.localZones.add("cluster.local");
      h.upstream.answer("svc.cluster.local.", Type.A, "svc.cluster.local. 30 IN A 10.96.0.1");
      h.ask("svc.cluster.local.", Type.A);
      h.ask("svc.cluster.local.", Type.A);
      assertThat(h.upstream.calls()).isEqualTo(2);
      assertThat(h.cache.size()).isZero();
      assertThat(h.count("coredns_cache_requests_total")).isZero();
    }
  }

  @Test
  void aResponseForAnotherQuestionIsDropped() throws Exception {
    try (CacheHarness h = new CacheHarness("cache")) {
      h.upstream.answer("d.example.org.", Type.A, "d.example.org. 300 IN A 192.0.2.8");
      h.upstream.answer("e.example.org.", Type.A, "e.example.org. 300 IN A 192.0.2.9");
      Message wrong = h.upstream.handle(new DnsRequest(query("e.example.org.", Type.A),
          CacheHarness.CLIENT, CacheHarness.CLIENT, Protocol.UDP, ".", "x"))
          .toCompletableFuture().get();
      Next liar = r -> CompletableFuture.completedFuture(wrong);
      DnsRequest r = new DnsRequest(query("d.example.org.", Type.A),
          CacheHarness.CLIENT, CacheHarness.CLIENT, Protocol.UDP, ".", "dns://:53");
      h.cache.handle(r, liar).toCompletableFuture().get();
      assertThat(h.cache.size()).isZero();
      assertThat(h.count("coredns_cache_drops_total")).isEqualTo(1);
    }
  }

  /**
   * No expiry policy in the map: an entry past its lifetime is a miss and is not handed over, but it
   * stays (and counts in coredns_cache_entries, as CoreDNS's own cache counts it) until it is replaced
   * or evicted by size.
   */
  @Test
  void anExpiredEntryIsAMissAndStaysCountedUntilReplaced() throws Exception {
    try (CacheHarness h = new CacheHarness("cache")) {
      h.upstream.answer("old.example.org.", Type.A, "old.example.org. 30 IN A 192.0.2.1");
      h.ask("old.example.org.", Type.A);
      h.ticker.advanceSeconds(30);
      assertThat(h.fast(query("old.example.org.", Type.A)).result()).isEqualTo(FastPath.Result.SLOW);
      assertThat(handedOver(h.cache)).isEmpty();
      assertThat(h.cache.size()).isEqualTo(1);
      assertThat(h.meters.get("coredns_cache_entries").tag("type", "success").gauge().value()).isEqualTo(1);
      h.upstream.answer("old.example.org.", Type.A, "old.example.org. 30 IN A 192.0.2.2");
      Message fresh = h.ask("old.example.org.", Type.A);
      assertThat(fresh.getSection(Section.ANSWER).get(0).rdataToString()).isEqualTo("192.0.2.2");
      assertThat(h.upstream.calls()).isEqualTo(2);
      assertThat(h.cache.size()).isEqualTo(1);
      assertThat(handedOver(h.cache)).hasSize(1);
    }
  }

  @Test
  void aPositiveAnswerReplacesANegativeOne() throws Exception {
    try (CacheHarness h = new CacheHarness("cache")) {
      h.upstream.set("p.example.org.", Type.A,
          new Answer(Rcode.NXDOMAIN, List.of(), List.of(soa("example.org.", 10, 10)), false));
      assertThat(h.ask("p.example.org.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
      h.ticker.advanceSeconds(10);
      h.upstream.answer("p.example.org.", Type.A, "p.example.org. 300 IN A 192.0.2.8");
      assertThat(h.ask("p.example.org.", Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(h.ask("p.example.org.", Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(h.cache.size()).isEqualTo(1);
    }
  }

  private static List<CacheHandoff.Handed> handedOver(Cache cache) {
    List<CacheHandoff.Handed> out = new ArrayList<>();
    cache.handOver(out::add);
    return out;
  }
}
