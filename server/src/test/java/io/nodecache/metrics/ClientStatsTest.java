package io.nodecache.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;

/** Per-pod counting, the one-minute window of {@code /debug/clients} on ticks the test drives, the caps. */
class ClientStatsTest {

  private static final String EMPTY = "{\"window_seconds\":60,\"top\":20,\"by_queries\":[],\"by_nxdomain\":[]}\n";

  private final ClientStats stats = new ClientStats(20);

  private void ask(String pod, int rcode, int times) {
    ClientStats.Client c = stats.client(pod);
    if (c == null) {
      c = stats.add(pod, pod.substring(0, pod.indexOf('/')));
    }
    for (int i = 0; i < times; i++) {
      c.record(rcode);
    }
  }

  private void tick(int times) {
    for (int i = 0; i < times; i++) {
      stats.tick();
    }
  }

  private Map<String, Long> scrape() {
    return ClientRequestsTest.points(stats.collect());
  }

  @Test
  void ranksPodsByQueriesAndByNxdomain() {
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
    assertThat(scrape()).isEqualTo(Map.of("shop/NOERROR", 7L, "shop/NXDOMAIN", 1L, "batch/NXDOMAIN", 4L));
  }

  @Test
  void theWindowHoldsTheLastSixTicksThenIdlePodsRetireIntoTheirNamespace() {
    ask("shop/web-1", Rcode.NOERROR, 3); // before tick 1
    tick(1);
    ask("shop/web-1", Rcode.NXDOMAIN, 2); // between ticks 1 and 2
    tick(5); // tick 6: the window reaches back to tick 0, before the pod: everything
    assertThat(stats.topPodsJson()).contains("\"queries\":5,\"nxdomain\":2");
    tick(1); // tick 7: since tick 1
    assertThat(stats.topPodsJson()).contains("\"queries\":2,\"nxdomain\":2");
    tick(1); // tick 8: since tick 2, nothing: retired
    assertThat(stats.topPodsJson()).isEqualTo(EMPTY);
    assertThat(stats.client("shop/web-1")).isNull();
    assertThat(scrape()).isEqualTo(Map.of("shop/NOERROR", 3L, "shop/NXDOMAIN", 2L)); // retiring: still counted
    tick(1); // folded into the namespace's total
    assertThat(scrape()).isEqualTo(Map.of("shop/NOERROR", 3L, "shop/NXDOMAIN", 2L));
    ask("shop/web-1", Rcode.NOERROR, 1); // back: a fresh window, the namespace keeps counting
    assertThat(stats.topPodsJson()).contains("\"queries\":1,\"nxdomain\":0");
    assertThat(scrape()).isEqualTo(Map.of("shop/NOERROR", 4L, "shop/NXDOMAIN", 2L));
  }

  @Test
  void aPodIsNotRetiredBeforeAWholeWindowHasPassed() {
    tick(20);
    stats.add("shop/web-1", "shop"); // seen, its first answer not counted yet
    tick(ClientStats.WINDOW);
    assertThat(stats.client("shop/web-1")).isNotNull();
    tick(1);
    assertThat(stats.client("shop/web-1")).isNull();
  }

  @Test
  void theListsAreCutAtTwentyPods() {
    for (int i = 0; i < 25; i++) {
      ask("ns/pod-" + (100 + i), Rcode.NXDOMAIN, i + 1);
    }
    String json = stats.topPodsJson();
    assertThat(json.split("\"pod\":", -1)).hasSize(1 + 2 * ClientStats.TOP_PODS);
    assertThat(json)
        .contains("{\"pod\":\"ns/pod-124\",\"namespace\":\"ns\",\"queries\":25,\"nxdomain\":25}")
        .doesNotContain("ns/pod-104\"");
  }

  @Test
  void namespacesPastTheCapCountInOtherAndPodsPastTheCapAreNotTracked() {
    for (int i = 0; i < ClientStats.MAX_NAMESPACES; i++) {
      ask("ns" + i + "/p", Rcode.NOERROR, 1);
    }
    ask("late/p", Rcode.NOERROR, 100);
    Map<String, Long> s = scrape();
    assertThat(s).doesNotContainKey("late/NOERROR").containsEntry("other/NOERROR", 100L + ClientStats.MAX_NAMESPACES - 20);
    for (int i = 0; stats.add("x/p" + i, "x") != null; i++) {
      assertThat(i).isLessThan(ClientStats.MAX_PODS);
    }
    assertThat(stats.client("x/p" + (ClientStats.MAX_PODS - ClientStats.MAX_NAMESPACES - 1))).isNull();
  }

  @Test
  void concurrentAnswersTicksAndScrapesLoseNothing() throws Exception {
    int threads = 4;
    int perThread = 200_000;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread th = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < perThread; i++) {
          ask("ns" + (id % 2) + "/pod-" + id, i % 4 == 0 ? Rcode.NXDOMAIN : Rcode.NOERROR, 1);
        }
      });
      th.start();
      ts.add(th);
    }
    go.countDown();
    long last = 0;
    for (int i = 0; i < 50; i++) {
      stats.tick();
      long sum = scrape().values().stream().mapToLong(Long::longValue).sum();
      assertThat(sum).isGreaterThanOrEqualTo(last);
      last = sum;
    }
    for (Thread th : ts) {
      th.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(th.isAlive()).isFalse();
    }
    tick(2);
    assertThat(scrape())
        .isEqualTo(Map.of(
            "ns0/NOERROR", 2L * perThread * 3 / 4, "ns0/NXDOMAIN", 2L * perThread / 4,
            "ns1/NOERROR", 2L * perThread * 3 / 4, "ns1/NXDOMAIN", 2L * perThread / 4));
  }

  @Test
  void namesAreJsonEscaped() {
    ask("we\"ird/p\\od", Rcode.NOERROR, 1);
    assertThat(stats.topPodsJson()).contains("{\"pod\":\"we\\\"ird/p\\\\od\",\"namespace\":\"we\\\"ird\"");
  }
}
