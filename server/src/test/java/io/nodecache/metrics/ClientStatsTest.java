package io.nodecache.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;

/** The one-minute window of {@code /debug/clients}, on a clock the test moves. */
class ClientStatsTest {

  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong clock = new AtomicLong(5_000 * SECOND);
  private final ClientStats stats = new ClientStats(20, clock::get);

  private void ask(String pod, int rcode, int times) {
    ClientStats.Client c = stats.client(pod);
    if (c == null) {
      c = stats.add(pod, pod.substring(0, pod.indexOf('/')));
    }
    for (int i = 0; i < times; i++) {
      c.record(rcode, clock.get());
    }
  }

  private void advanceSeconds(long s) {
    clock.addAndGet(s * SECOND);
  }

  @Test
  void ranksPodsByQueriesAndByNxdomainInTheLastMinute() {
    ask("shop/web-1", Rcode.NOERROR, 5);
    ask("shop/web-1", Rcode.NXDOMAIN, 1);
    ask("batch/job-7", Rcode.NXDOMAIN, 4);
    ask("shop/web-2", Rcode.NOERROR, 2);
    assertThat(stats.topPodsJson())
        .isEqualTo(
            "{\"window_seconds\":60,\"top\":20,\"by_queries\":["
                + "{\"pod\":\"shop/web-1\",\"namespace\":\"shop\",\"queries\":6,\"nxdomain\":1},"
                + "{\"pod\":\"batch/job-7\",\"namespace\":\"batch\",\"queries\":4,\"nxdomain\":4},"
                + "{\"pod\":\"shop/web-2\",\"namespace\":\"shop\",\"queries\":2,\"nxdomain\":0}],"
                + "\"by_nxdomain\":["
                + "{\"pod\":\"batch/job-7\",\"namespace\":\"batch\",\"queries\":4,\"nxdomain\":4},"
                + "{\"pod\":\"shop/web-1\",\"namespace\":\"shop\",\"queries\":6,\"nxdomain\":1}]}\n");
  }

  @Test
  void queriesLeaveTheWindowAfterAMinuteAndIdlePodsAreForgotten() {
    ask("shop/web-1", Rcode.NOERROR, 3); // bucket 0
    advanceSeconds(25);
    ask("shop/web-1", Rcode.NXDOMAIN, 2); // bucket 2
    advanceSeconds(30); // 55 s: bucket 5, both still in
    assertThat(stats.topPodsJson()).contains("\"queries\":5,\"nxdomain\":2");
    advanceSeconds(10); // 65 s: bucket 6, the first bucket is out
    assertThat(stats.topPodsJson()).contains("\"queries\":2,\"nxdomain\":2");
    advanceSeconds(30); // 95 s: bucket 9, everything out
    assertThat(stats.topPodsJson()).isEqualTo("{\"window_seconds\":60,\"top\":20,\"by_queries\":[],\"by_nxdomain\":[]}\n");
    assertThat(stats.client("shop/web-1")).as("forgotten once idle for a window").isNull();
    // the namespace counter is cumulative and keeps everything
    assertThat(ClientRequestsTest.scrape(requestsOf(stats))).isEqualTo(Map.of("shop/NOERROR", 3L, "shop/NXDOMAIN", 2L));
  }

  @Test
  void aSlotReusedWhenTheRingComesRoundStartsFromZero() {
    SlidingWindow w = new SlidingWindow();
    w.add(1, true);
    w.add(1, false);
    assertThat(w.queries(1)).isEqualTo(2);
    w.add(9, false); // same slot as bucket 1 (ring of 8)
    assertThat(w.queries(9)).isEqualTo(1);
    assertThat(w.nxdomain(9)).isZero(); // the NXDOMAIN slot still holds bucket 1, outside the window
    assertThat(w.queries(1)).as("a bucket newer than 'now' is not counted").isZero();
    w.add(1, false); // a writer 8 buckets late does not clobber the newer bucket
    assertThat(w.queries(9)).isEqualTo(1);
  }

  @Test
  void concurrentWritersOverTwoBucketsLoseNothing() throws Exception {
    SlidingWindow w = new SlidingWindow();
    int threads = 4;
    int perThread = 100_000;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread th = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < perThread; i++) {
          w.add(i < perThread / 2 ? 3 : 4, i % 4 == 0);
        }
      });
      th.start();
      ts.add(th);
    }
    go.countDown();
    for (Thread th : ts) {
      th.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(th.isAlive()).isFalse();
    }
    assertThat(w.queries(4)).isEqualTo((long) threads * perThread);
    assertThat(w.nxdomain(4)).isEqualTo((long) threads * perThread / 4);
  }

  @Test
  void theListIsCutAtTwentyPods() {
    for (int i = 0; i < 25; i++) {
      ask("ns/pod-" + (100 + i), Rcode.NXDOMAIN, i + 1);
    }
    String json = stats.topPodsJson();
    assertThat(json.split("\"pod\":", -1)).hasSize(1 + 2 * ClientStats.TOP_PODS);
    assertThat(json).contains("{\"pod\":\"ns/pod-124\",\"namespace\":\"ns\",\"queries\":25,\"nxdomain\":25}")
        .doesNotContain("ns/pod-104\"");
  }

  @Test
  void namesAreJsonEscaped() {
    ask("we\"ird/p\\od", Rcode.NOERROR, 1);
    assertThat(stats.topPodsJson()).contains("{\"pod\":\"we\\\"ird/p\\\\od\",\"namespace\":\"we\\\"ird\"");
  }

  private static ClientRequests requestsOf(ClientStats s) {
    return s.requests();
  }
}
