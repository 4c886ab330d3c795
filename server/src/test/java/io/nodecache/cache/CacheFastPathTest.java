package io.nodecache.cache;

import static io.nodecache.cache.CacheHarness.query;
import static io.nodecache.cache.FakeUpstream.soa;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.nodecache.cache.FakeUpstream.Answer;
import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Next;
import io.nodecache.chain.Protocol;
import io.nodecache.wire.FastQuery;
import io.nodecache.wire.PreparedAnswer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The byte-level hit path against the decoded one. */
class CacheFastPathTest {

  private static void fill(CacheHarness h) {
    h.upstream.answer("www.example.org.", Type.A, "www.example.org. 300 IN CNAME web.example.org.",
        "web.example.org. 600 IN A 192.0.2.1", "web.example.org. 600 IN A 192.0.2.2");
    h.upstream.set("nx.example.org.", Type.A,
        new Answer(Rcode.NXDOMAIN, List.of(), List.of(soa("example.org.", 3600, 900)), false));
    h.upstream.set("nodata.example.org.", Type.MX,
        new Answer(Rcode.NOERROR, List.of(), List.of(soa("example.org.", 3600, 900)), false));
    h.upstream.set("sf.example.org.", Type.A, new Answer(Rcode.SERVFAIL, List.of(), List.of(), false));
  }

  static Stream<Arguments> queries() {
    List<Arguments> out = new ArrayList<>();
    String[][] names = {
      {"www.example.org.", "WWW.Example.Org."}, {"nx.example.org.", "Nx.EXAMPLE.org."},
      {"nodata.example.org.", "NODATA.example.ORG."}, {"sf.example.org.", "sF.example.org."}
    };
    for (String[] n : names) {
      int type = n[0].startsWith("nodata") ? Type.MX : Type.A;
      for (int flags = 0; flags < 8; flags++) {
        out.add(Arguments.of(n[0], n[1], type, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{1} type {2} edns={3} do={4} cd={5}")
  @MethodSource("queries")
  void fastAndSlowPathsAnswerTheSameBytes(
      String stored, String asked, int type, boolean edns, boolean dnssecOk, boolean cd) throws Exception {
    try (CacheHarness h = new CacheHarness("cache")) {
      fill(h);
      h.ask(query(stored, type, 1, edns, dnssecOk, cd));
      h.ticker.advanceSeconds(1.5);
      Message q = query(asked, type, 0xBEEF, edns, dnssecOk, cd);
      CacheHarness.Fast fast = h.fast(q);
      assertThat(fast.result()).isEqualTo(FastPath.Result.ANSWERED);
      byte[] slow = h.ask(q).toWire();
      assertThat(fast.bytes()).isEqualTo(slow);
      assertThat(h.upstream.calls()).isEqualTo(1);

      Message m = fast.message();
      assertThat(m.getHeader().getID()).isEqualTo(0xBEEF);
      assertThat(m.getHeader().getFlag(Flags.CD)).isEqualTo(cd);
      assertThat(m.getQuestion().getName().toString()).isEqualTo(asked);
      assertThat(m.getOPT() != null).isEqualTo(edns || dnssecOk);
      m.getSection(Section.ANSWER).forEach(r -> assertThat(r.getTTL()).isEqualTo(299));
    }
  }

  @Test
  void theFastPathRendersTheRemainingTtlAndTheClientsName() throws Exception {
    try (CacheHarness h = new CacheHarness("cache")) {
      fill(h);
      h.ask("www.example.org.", Type.A);
      h.ticker.advanceSeconds(100);
      Message m = h.fast(query("wWw.example.org.", Type.A, 31337, true, false, false)).message();
      assertThat(m.getHeader().getID()).isEqualTo(31337);
      assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(m.getSection(Section.ANSWER)).hasSize(3);
      assertThat(m.getSection(Section.ANSWER).get(0).getName().toString()).isEqualTo("wWw.example.org.");
      assertThat(m.getSection(Section.ANSWER)).allSatisfy(r -> assertThat(r.getTTL()).isEqualTo(200));
      assertThat(m.getOPT().getPayloadSize()).as("the client's size echoed").isEqualTo(4096);
      assertThat(h.count("coredns_cache_hits_total", "type", "success")).isEqualTo(1);
      assertThat(h.count("coredns_cache_requests_total")).isEqualTo(2);
    }
  }

  @Test
  void missesOtherZonesAndLocalZonesLeaveTheFastPath() throws Exception {
    try (CacheHarness h = new CacheHarness("cache 300 example.org")) {
      h.localZones.add("cluster.example.org");
      assertThat(h.fast(query("www.example.org.", Type.A)).result()).isEqualTo(FastPath.Result.SLOW);
      assertThat(h.fast(query("www.example.com.", Type.A)).result()).isEqualTo(FastPath.Result.PASS);
      assertThat(h.fast(query("a.cluster.example.org.", Type.A)).result()).isEqualTo(FastPath.Result.PASS);
      assertThat(h.count("coredns_cache_requests_total")).isZero();
    }
  }

  @Test
  void anAnswerTooBigForTheClientTakesTheSlowPath() throws Exception {
    try (CacheHarness h = new CacheHarness("cache")) {
      String[] txt = new String[12];
      for (int i = 0; i < txt.length; i++) {
        txt[i] = "big.example.org. 300 IN TXT \"" + "x".repeat(60) + i + "\"";
      }
      h.upstream.answer("big.example.org.", Type.TXT, txt);
      h.ask(query("big.example.org.", Type.TXT, 1, true, false, false));
      assertThat(h.fast(query("big.example.org.", Type.TXT)).result()).isEqualTo(FastPath.Result.SLOW);
      assertThat(h.fast(query("big.example.org.", Type.TXT, 2, true, false, false)).result())
          .isEqualTo(FastPath.Result.ANSWERED);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {".", "a.", "www.example.org.", "WWW.Example.ORG.", "x-y_z.a.b.c.d.e.f.", "\\000.\\255."})
  void bytesAndDecodedQuestionsGiveEqualKeys(String name) throws Exception {
    Message q = query(name, Type.AAAA, 3, true, true, true);
    ByteBuf in = Unpooled.wrappedBuffer(q.toWire());
    try {
      FastQuery fq = new FastQuery();
      assertThat(fq.parse(in, true, UnpooledByteBufAllocator.DEFAULT)).isTrue();
      CacheKey fast = CacheKey.of(fq);
      CacheKey slow = CacheKey.of(Name.fromString(name), Type.AAAA, 1, true, true);
      assertThat(fast).isEqualTo(slow);
      assertThat(fast.hashCode()).isEqualTo(slow.hashCode());
      CacheKey probe = CacheKey.probe();
      probe.set(fq); // twice: a reused probe must not keep bytes of a longer name
      assertThat(probe.set(fq)).isEqualTo(slow).hasSameHashCodeAs(slow);
      assertThat(slow).isEqualTo(probe);
      assertThat(fast).isNotEqualTo(CacheKey.of(Name.fromString(name), Type.AAAA, 1, true, false));
      assertThat(fast).isNotEqualTo(CacheKey.of(Name.fromString(name), Type.A, 1, true, true));
      assertThat(slow.name()).isEqualTo(Name.fromString(name));
    } finally {
      in.release();
    }
  }

  /**
   * A stored entry is its own key: it reads the question from its answer's bytes (kept lower-cased,
   * whatever case the response had) and equals, and hashes like, the keys built from a query.
   */
  @ParameterizedTest
  @ValueSource(strings = {".", "a.", "www.example.org.", "WWW.Example.ORG.", "x-y_z.a.b.c.d.e.f.", "\\000.\\255."})
  void aStoredEntryEqualsTheKeysOfItsQuestion(String name) throws Exception {
    Message q = query(name, Type.AAAA, 3, true, true, true);
    Message resp = q.clone();
    resp.getHeader().setFlag(Flags.QR);
    resp.addRecord(Record.fromString(Name.fromString(name), Type.AAAA, 1, 60, "2001:db8::1", Name.root),
        Section.ANSWER);
    CacheEntry e = new CacheEntry(PreparedAnswer.of(resp), CacheKey.bits(true, true),
        CacheEntry.Kind.SUCCESS, null, 60, 0, Cache.SECOND, 0);
    ByteBuf in = Unpooled.wrappedBuffer(q.toWire());
    try {
      FastQuery fq = new FastQuery();
      assertThat(fq.parse(in, true, UnpooledByteBufAllocator.DEFAULT)).isTrue();
      CacheKey slow = CacheKey.of(Name.fromString(name), Type.AAAA, 1, true, true);
      assertThat(e).isEqualTo(slow).hasSameHashCodeAs(slow).isEqualTo(CacheKey.probe().set(fq));
      assertThat(slow).isEqualTo(e);
      assertThat(CacheKey.probe().set(fq)).isEqualTo(e).hasSameHashCodeAs(e);
      assertThat(e).isNotEqualTo(CacheKey.of(Name.fromString(name), Type.AAAA, 1, true, false));
      assertThat(e).isNotEqualTo(CacheKey.of(Name.fromString(name), Type.AAAA, 1, false, true));
      assertThat(e).isNotEqualTo(CacheKey.of(Name.fromString(name), Type.A, 1, true, true));
      assertThat(CacheKey.of(Name.fromString(name), Type.AAAA, 3, true, true)).isNotEqualTo(e);
      assertThat(e.name().toWire()).isEqualTo(Name.fromString(name).toWireCanonical());
      assertThat(e.type()).isEqualTo(Type.AAAA);
      assertThat(e.dclass()).isEqualTo(1);
      assertThat(e.dnssecOk()).isTrue();
      assertThat(e.checkingDisabled()).isTrue();
      assertThat(e.kind()).isEqualTo(CacheEntry.Kind.SUCCESS);
    } finally {
      in.release();
    }
  }

  /**
   * A map that replaces a value keeps its old key. Since an entry is its own key, the cache removes
   * the old mapping first: otherwise the replaced entry, and its bytes, would stay as the key.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"cache {\n serve_stale\n}", "cache {\n serve_stale 1h verify\n}", "cache {\n prefetch 1\n}"})
  void aReplacedEntryLeavesNoOldEntryAsItsKey(String directive) throws Exception {
    try (CacheHarness h = new CacheHarness(directive)) {
      String name = "r.example.org.";
      h.upstream.answer(name, Type.A, name + " 100 IN A 192.0.2.1");
      h.ask(name, Type.A);
      CacheEntry first = h.cache.success.getIfPresent(CacheKey.of(Name.fromString(name), Type.A, 1, false, false));
      assertThat(first).isNotNull();
      h.upstream.answer(name, Type.A, name + " 100 IN A 192.0.2.2");
      h.ticker.advanceSeconds(directive.contains("prefetch") ? 95 : 101);
      h.ask(name, Type.A); // a prefetch, a stale answer with a refresh, or a verified answer
      assertThat(h.upstream.calls()).isEqualTo(2);
      var stored = h.cache.success.asMap().entrySet();
      assertThat(stored).hasSize(1);
      var mapping = stored.iterator().next();
      assertThat(mapping.getValue()).isNotSameAs(first);
      assertThat(mapping.getKey()).isSameAs(mapping.getValue());
      assertThat(h.ask(name, Type.A).getSection(Section.ANSWER).get(0).rdataToString()).isEqualTo("192.0.2.2");
    }
  }

  @ParameterizedTest(name = "AD in query {0}, DO {1}: AD in answer {2}")
  @org.junit.jupiter.params.provider.CsvSource({"false,false,false", "true,false,true", "false,true,true"})
  void theAdBitIsOnlyGivenToClientsThatAskForIt(boolean ad, boolean dnssecOk, boolean expected)
      throws Exception {
    try (CacheHarness h = new CacheHarness("cache")) {
      h.upstream.answer("ad.example.org.", Type.A, "ad.example.org. 300 IN A 192.0.2.1");
      Next validating =
          r -> h.upstream.handle(r).thenApply(m -> {
            m.getHeader().setFlag(Flags.AD);
            return m;
          });
      Message first = query("ad.example.org.", Type.A, 1, false, dnssecOk, false);
      first.getHeader().setFlag(Flags.AD);
      h.cache.handle(new DnsRequest(first, CacheHarness.CLIENT, CacheHarness.CLIENT,
          Protocol.UDP, ".", "dns://:53"), validating).toCompletableFuture().get();
      Message q = query("ad.example.org.", Type.A, 2, false, dnssecOk, false);
      if (ad) {
        q.getHeader().setFlag(Flags.AD);
      }
      CacheHarness.Fast fast = h.fast(q);
      assertThat(fast.message().getHeader().getFlag(Flags.AD)).isEqualTo(expected);
      assertThat(h.ask(q).toWire()).isEqualTo(fast.bytes());
    }
  }
}
