package io.nodecache.cache;

import static io.nodecache.cache.CacheHarness.query;
import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.chain.FastPath;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/** Fast-path hits, slow-path fills and prefetches from several threads at once (bounded). */
class CacheConcurrencyTest {

  @Test
  void threadsSharingTheCacheAlwaysGetTheirOwnAnswer() throws Exception {
    int names = 300;
    try (CacheHarness h = new CacheHarness("cache {\n success 1024 30\n prefetch 1 1m 50%\n}")) {
      for (int i = 0; i < names; i++) {
        h.upstream.answer("n" + i + ".example.org.", Type.A, "n" + i + ".example.org. 300 IN A 192.0.2.1");
      }
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          final int seed = t;
          results.add(
              pool.submit(
                  () -> {
                    int fast = 0;
                    for (int i = 0; i < 2_000; i++) {
                      int n = (i * 7 + seed * 13) % names;
                      String name = (i % 2 == 0 ? "N" : "n") + n + ".example.org.";
                      Message q = query(name, Type.A, i & 0xffff, seed % 2 == 0, false, false);
                      CacheHarness.Fast f = h.fast(q);
                      Message a = f.result() == FastPath.Result.ANSWERED ? f.message() : h.ask(q);
                      if (f.result() == FastPath.Result.ANSWERED) {
                        fast++;
                      }
                      assertThat(a.getHeader().getID()).isEqualTo(i & 0xffff);
                      assertThat(a.getQuestion().getName().toString()).isEqualTo(name);
                      if (i % 500 == 499) {
                        h.ticker.advanceSeconds(4); // entries age, prefetch and expire meanwhile
                      }
                    }
                    return fast;
                  }));
        }
        int fast = 0;
        for (Future<Integer> f : results) {
          fast += f.get(60, TimeUnit.SECONDS);
        }
        assertThat(fast).isGreaterThan(4_000);
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
