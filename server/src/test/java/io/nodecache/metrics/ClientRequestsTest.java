package io.nodecache.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;

class ClientRequestsTest {

  private final Map<String, long[]> totals = new HashMap<>();

  /** One scrape of the counts so far as "namespace/RCODE" → value. */
  private Map<String, Long> scrape(ClientRequests c) {
    Map<String, long[]> copy = new HashMap<>();
    totals.forEach((ns, t) -> copy.put(ns, t.clone()));
    return points(c.collect(copy));
  }

  static Map<String, Long> points(MetricSnapshots snapshots) {
    Map<String, Long> out = new TreeMap<>();
    for (MetricSnapshot s : snapshots) {
      for (CounterSnapshot.CounterDataPointSnapshot p : ((CounterSnapshot) s).getDataPoints()) {
        out.put(p.getLabels().get("namespace") + "/" + p.getLabels().get("rcode"), (long) p.getValue());
      }
    }
    return out;
  }

  private void count(ClientRequests c, String ns, int rcode, int times) {
    totals.computeIfAbsent(ns, k -> new long[ClientRequests.RCODES])[ClientRequests.slot(rcode)] += times;
  }

  @Test
  void countsEachNamespaceByRcode() {
    ClientRequests c = new ClientRequests(20);
    count(c, "shop", Rcode.NOERROR, 3);
    count(c, "shop", Rcode.NXDOMAIN, 2);
    count(c, "batch", Rcode.SERVFAIL, 1);
    count(c, "batch", 4000, 1); // an extended rcode past the named ones
    assertThat(scrape(c))
        .isEqualTo(Map.of("shop/NOERROR", 3L, "shop/NXDOMAIN", 2L, "batch/SERVFAIL", 1L, "batch/other", 1L));
  }

  @Test
  void nothingCountedExportsNothing() {
    assertThat(new ClientRequests(3).collect(Map.of()).size()).isZero();
  }

  @Test
  void allButTheTopKFoldIntoOther() {
    ClientRequests c = new ClientRequests(3);
    String[] names = {"a", "b", "c", "d", "e", "f"};
    for (int i = 0; i < names.length; i++) {
      count(c, names[i], Rcode.NOERROR, 60 - 10 * i);
      count(c, names[i], Rcode.NXDOMAIN, 1);
    }
    Map<String, Long> s = scrape(c);
    assertThat(s)
        .isEqualTo(Map.of(
            "a/NOERROR", 60L, "a/NXDOMAIN", 1L, "b/NOERROR", 50L, "b/NXDOMAIN", 1L, "c/NOERROR", 40L,
            "c/NXDOMAIN", 1L, "other/NOERROR", 60L, "other/NXDOMAIN", 3L));
    assertThat(namespaces(s)).hasSize(3 + 1);
  }

  @Test
  void aNamespaceOvertakingTakesItsPlaceAndNoSeriesGoesDown() {
    ClientRequests c = new ClientRequests(2);
    count(c, "a", Rcode.NOERROR, 10);
    count(c, "b", Rcode.NOERROR, 5);
    count(c, "c", Rcode.NOERROR, 1);
    assertThat(scrape(c)).isEqualTo(Map.of("a/NOERROR", 10L, "b/NOERROR", 5L, "other/NOERROR", 1L));

    count(c, "c", Rcode.NOERROR, 20); // c overtakes b: its new queries are its own, other keeps the 1 it showed
    assertThat(scrape(c)).isEqualTo(Map.of("a/NOERROR", 10L, "c/NOERROR", 20L, "other/NOERROR", 1L));

    count(c, "b", Rcode.NOERROR, 3); // b is out: its queries go to other, its series stays stale at 5
    assertThat(scrape(c)).isEqualTo(Map.of("a/NOERROR", 10L, "c/NOERROR", 20L, "other/NOERROR", 4L));

    count(c, "b", Rcode.NOERROR, 10); // b (18) overtakes a (10) and continues from its last value
    assertThat(scrape(c)).isEqualTo(Map.of("b/NOERROR", 15L, "c/NOERROR", 20L, "other/NOERROR", 4L));
  }

  @Test
  void anIncumbentKeepsItsPlaceOnATie() {
    ClientRequests c = new ClientRequests(1);
    count(c, "b", Rcode.NOERROR, 5);
    scrape(c);
    count(c, "a", Rcode.NOERROR, 5); // equal counts: "a" sorts first by name, but "b" is in
    assertThat(scrape(c)).isEqualTo(Map.of("b/NOERROR", 5L, "other/NOERROR", 5L));
  }

  @Test
  void aNamespaceCalledOtherIsFoldedNotDoubled() {
    ClientRequests c = new ClientRequests(5);
    count(c, "other", Rcode.NOERROR, 7);
    count(c, "x", Rcode.NOERROR, 1);
    assertThat(scrape(c)).isEqualTo(Map.of("other/NOERROR", 7L, "x/NOERROR", 1L));
  }

  /**
   * Random traffic over 12 namespaces with K = 3 and 300 scrapes: no series ever goes down, at most
   * K + 1 namespace values per scrape, and current values plus the last values of stale series always
   * add up to everything counted.
   */
  @Test
  void everySeriesIsMonotonicAndNothingIsLostUnderChurn() {
    ClientRequests c = new ClientRequests(3);
    SplittableRandom r = new SplittableRandom(42);
    Map<String, Long> last = new HashMap<>();
    long counted = 0;
    int changes = 0;
    TreeSet<String> previousTop = new TreeSet<>();
    for (int scrape = 0; scrape < 300; scrape++) {
      int hot = r.nextInt(12); // a different namespace storms now and then
      for (int q = 0; q < 200; q++) {
        int ns = r.nextInt(4) == 0 ? hot : r.nextInt(12);
        count(c, "ns" + ns, r.nextInt(5) == 0 ? Rcode.NXDOMAIN : Rcode.NOERROR, 1);
        counted++;
      }
      Map<String, Long> s = scrape(c);
      s.forEach((series, v) -> assertThat(v).as(series).isGreaterThanOrEqualTo(last.getOrDefault(series, 0L)));
      last.putAll(s);
      assertThat(namespaces(s)).hasSizeLessThanOrEqualTo(3 + 1);
      assertThat(last.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(counted);
      TreeSet<String> top = namespaces(s);
      top.remove("other");
      changes += top.equals(previousTop) ? 0 : 1;
      previousTop = top;
    }
    assertThat(changes).as("the top K changed during the run").isGreaterThan(2);
  }

  @Test
  void theScrapeCarriesTheNameHelpAndLabels() {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ClientStats stats = ClientStats.of(meters.getPrometheusRegistry(), 1, null);
    for (int i = 0; i < 2; i++) {
      stats.add("shop/web-1", "shop").record(Rcode.NXDOMAIN);
    }
    stats.add("batch/job-1", "batch").record(Rcode.NOERROR);
    assertThat(meters.scrape())
        .contains("# TYPE coredns_nodecache_client_requests_total counter")
        .contains("# HELP coredns_nodecache_client_requests_total Answered queries by client pod namespace")
        .contains("coredns_nodecache_client_requests_total{namespace=\"shop\",rcode=\"NXDOMAIN\"} 2.0")
        .contains("coredns_nodecache_client_requests_total{namespace=\"other\",rcode=\"NOERROR\"} 1.0");
    assertThat(ClientStats.find(meters.getPrometheusRegistry())).containsSame(stats);
  }

  private static TreeSet<String> namespaces(Map<String, Long> scrape) {
    TreeSet<String> out = new TreeSet<>();
    scrape.keySet().forEach(k -> out.add(k.substring(0, k.indexOf('/'))));
    return out;
  }
}
