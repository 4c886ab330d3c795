package io.nodecache.metrics;

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
import org.xbill.DNS.Rcode;

/**
 * {@code coredns_nodecache_client_requests_total{namespace,rcode}} from cumulative counts per
 * namespace, with at most K + 1 namespace values: which namespaces have their own series is decided
 * at each scrape, the K with the highest cumulative counts (an incumbent keeps its place on a tie);
 * everything else is {@code namespace="other"}.
 *
 * <p>Monotonic for {@code rate()}: each namespace's count is split, over time, between its own series
 * (while in the top K) and {@code other} (while not), at scrape boundaries. A namespace entering the
 * top K leaves in {@code other} what {@code other} has already shown of it and counts in its own series
 * what came since the last scrape; one leaving the top K stops at its last value (the series goes
 * stale) and later queries go to {@code other}; one coming back continues from its last value. So no
 * series ever goes down, and the current values plus the last values of the stale series add up to
 * the total counted. Not thread-safe: {@link ClientStats} calls it under its lock.
 */
final class ClientRequests {

  static final String NAME = "coredns_nodecache_client_requests";
  static final String OTHER = "other";
  static final String HELP =
      "Answered queries by client pod namespace and rcode (pods of this node only). The top K namespaces"
          + " by cumulative count, chosen at scrape time, have their own series; the rest is"
          + " namespace=\"other\". A namespace counts in its own series only while in the top K and in"
          + " other otherwise, so every series is monotonic.";
  /** Rcodes 0..23 by name, anything above in one slot labelled {@code other}. */
  static final int RCODES = 25;

  private final int top;
  private final Map<String, Place> places = new HashMap<>();
  /** Counts moved into {@code other} by admissions. */
  private final long[] otherMoved = new long[RCODES];

  /** Where one namespace's counts go. */
  private static final class Place {
    boolean admitted;
    /** The count at the last change of place; since then the counts belong to the current place. */
    final long[] mark = new long[RCODES];
    /** What the own series holds from earlier stays in the top K. */
    final long[] own = new long[RCODES];
    /** The count at the previous scrape. */
    final long[] prev = new long[RCODES];
  }

  /** @param top K, the namespaces with their own series (at least 1) */
  ClientRequests(int top) {
    if (top < 1) {
      throw new IllegalArgumentException("top " + top + " (expected: at least 1)");
    }
    this.top = top;
  }

  /** The rcode slot of an answer: its rcode up to 23, else the {@code other} slot. */
  static int slot(int rcode) {
    return rcode >= 0 && rcode < RCODES - 1 ? rcode : RCODES - 1;
  }

  /**
   * One scrape.
   *
   * @param totals cumulative counts by namespace, each never lower than at the previous call; the
   *     namespace {@code other} (a real one, or those past a tracking cap) never gets its own series
   */
  MetricSnapshots collect(Map<String, long[]> totals) {
    List<String> ranked = new ArrayList<>();
    totals.forEach((ns, c) -> {
      if (!ns.equals(OTHER) && total(c) > 0) {
        ranked.add(ns);
      }
    });
    ranked.sort(
        Comparator.comparingLong((String ns) -> total(totals.get(ns))).reversed()
            .thenComparing(ns -> !places.containsKey(ns) || !places.get(ns).admitted)
            .thenComparing(ns -> ns));
    Set<String> winners = new HashSet<>(ranked.subList(0, Math.min(top, ranked.size())));
    long[] other = otherMoved.clone();
    CounterSnapshot.Builder family = CounterSnapshot.builder().name(NAME).help(HELP);
    boolean any = false;
    for (Map.Entry<String, long[]> e : totals.entrySet()) {
      long[] c = e.getValue();
      if (e.getKey().equals(OTHER)) {
        add(other, c);
        continue;
      }
      Place n = places.computeIfAbsent(e.getKey(), k -> new Place());
      boolean wins = winners.contains(e.getKey());
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
          any |= point(family, e.getKey(), r, n.own[r] + c[r] - n.mark[r]);
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

  static long total(long[] c) {
    long t = 0;
    for (long x : c) {
      t += x;
    }
    return t;
  }

  static void add(long[] into, long[] c) {
    for (int i = 0; i < into.length; i++) {
      into[i] += c[i];
    }
  }
}
