package io.nodecache.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.xbill.DNS.Rcode;

/**
 * {@code coredns_nodecache_client_requests_total{namespace,rcode}}: answered queries by the client
 * pod's namespace, with at most K + 1 namespace values. Counting is one {@link LongAdder} increment;
 * which namespaces have their own series is decided at scrape time: the K with the highest cumulative
 * counts (an incumbent keeps its place on a tie), everything else is {@code namespace="other"}.
 *
 * <p>Monotonic for {@code rate()}: each namespace's count is split, over time, between its own series
 * (while in the top K) and {@code other} (while not), at scrape boundaries. A namespace entering the
 * top K leaves in {@code other} what {@code other} has already shown of it and counts in its own series
 * what came since the last scrape; one leaving the top K stops at its last value (the series goes
 * stale) and later queries go to {@code other}; one coming back continues from its last value. So no series ever goes down, and the current values plus the last values of
 * the stale series add up to the total counted. See the package documentation.
 */
public final class ClientRequests implements MultiCollector {

  static final String NAME = "coredns_nodecache_client_requests";
  static final String OTHER = "other";
  static final String HELP =
      "Answered queries by client pod namespace and rcode (pods of this node only). The top K namespaces"
          + " by cumulative count, chosen at scrape time, have their own series; the rest is"
          + " namespace=\"other\". A namespace counts in its own series only while in the top K and in"
          + " other otherwise, so every series is monotonic.";
  /** Rcodes 0..23 by name, anything above in one slot labelled {@code other}. */
  static final int RCODES = 25;
  /** Namespaces tracked at most; beyond that a new namespace counts straight into {@code other}. */
  static final int MAX_NAMESPACES = 512;

  private final int top;
  private final ConcurrentHashMap<String, Namespace> namespaces = new ConcurrentHashMap<>();
  private final Namespace overflow = new Namespace(OTHER);
  /** Counts moved into {@code other} by admissions (guarded by this). */
  private final long[] otherMoved = new long[RCODES];

  /** @param top K, the namespaces with their own series (at least 1) */
  public ClientRequests(int top) {
    if (top < 1) {
      throw new IllegalArgumentException("top " + top + " (expected: at least 1)");
    }
    this.top = top;
  }

  /** The counters of one namespace, the same object on every call; allocates only the first time. */
  public Namespace namespace(String name) {
    Namespace n = namespaces.get(name);
    if (n != null) {
      return n;
    }
    if (namespaces.size() >= MAX_NAMESPACES) {
      return overflow;
    }
    return namespaces.computeIfAbsent(name, Namespace::new);
  }

  /** One namespace's answers by rcode. */
  public static final class Namespace {
    final String name;
    private final LongAdder[] byRcode = new LongAdder[RCODES];
    // Guarded by the ClientRequests (scrapes only).
    private boolean admitted;
    /** The count at the last change of place; since then the counts belong to the current place. */
    private final long[] mark = new long[RCODES];
    /** What the own series holds from earlier stays in the top K. */
    private final long[] own = new long[RCODES];
    /** The count at the previous scrape. */
    private final long[] prev = new long[RCODES];

    Namespace(String name) {
      this.name = name;
      for (int i = 0; i < RCODES; i++) {
        byRcode[i] = new LongAdder();
      }
    }

    /** Counts one answer; allocates nothing. */
    public void count(int rcode) {
      byRcode[rcode >= 0 && rcode < RCODES - 1 ? rcode : RCODES - 1].increment();
    }

    long[] counts() {
      long[] c = new long[RCODES];
      for (int i = 0; i < RCODES; i++) {
        c[i] = byRcode[i].sum();
      }
      return c;
    }
  }

  @Override
  public synchronized MetricSnapshots collect() {
    Map<Namespace, long[]> snap = new HashMap<>();
    namespaces.values().forEach(n -> snap.put(n, n.counts()));
    List<Namespace> ranked = new ArrayList<>(snap.keySet());
    ranked.removeIf(n -> n.name.equals(OTHER) || total(snap.get(n)) == 0);
    ranked.sort(
        Comparator.comparingLong((Namespace n) -> total(snap.get(n))).reversed()
            .thenComparing(n -> !n.admitted)
            .thenComparing(n -> n.name));
    Set<Namespace> winners = new HashSet<>(ranked.subList(0, Math.min(top, ranked.size())));
    long[] other = otherMoved.clone();
    add(other, overflow.counts());
    CounterSnapshot.Builder family = CounterSnapshot.builder().name(NAME).help(HELP);
    boolean any = false;
    for (Map.Entry<Namespace, long[]> e : snap.entrySet()) {
      Namespace n = e.getKey();
      long[] c = e.getValue();
      boolean wins = winners.contains(n);
      if (n.admitted && !wins) { // leaves: its series stops where the last scrape left it
        for (int r = 0; r < RCODES; r++) {
          n.own[r] += n.prev[r] - n.mark[r];
          n.mark[r] = n.prev[r];
        }
      } else if (!n.admitted && wins) { // enters: other keeps what it has shown of it, no more
        for (int r = 0; r < RCODES; r++) {
          otherMoved[r] += n.prev[r] - n.mark[r];
          other[r] += n.prev[r] - n.mark[r];
          n.mark[r] = n.prev[r];
        }
      }
      n.admitted = wins;
      for (int r = 0; r < RCODES; r++) {
        if (wins) {
          any |= point(family, n.name, r, n.own[r] + c[r] - n.mark[r]);
        } else {
          other[r] += c[r] - n.mark[r];
        }
      }
      System.arraycopy(c, 0, n.prev, 0, RCODES);
    }
    for (int r = 0; r < RCODES; r++) {
      any |= point(family, OTHER, r, other[r]);
    }
    return any ? MetricSnapshots.of(family.build()) : MetricSnapshots.of();
  }

  private static boolean point(CounterSnapshot.Builder family, String namespace, int rcode, long value) {
    if (value <= 0) {
      return false;
    }
    family.dataPoint(
        CounterDataPointSnapshot.builder()
            .labels(Labels.of("namespace", namespace, "rcode", rcodeLabel(rcode)))
            .value(value)
            .build());
    return true;
  }

  static String rcodeLabel(int slot) {
    return slot < RCODES - 1 ? Rcode.string(slot) : "other";
  }

  private static long total(long[] c) {
    long t = 0;
    for (long x : c) {
      t += x;
    }
    return t;
  }

  private static void add(long[] into, long[] c) {
    for (int i = 0; i < into.length; i++) {
      into[i] += c[i];
    }
  }

  @Override
  public List<String> getPrometheusNames() {
    return List.of(NAME);
  }
}
