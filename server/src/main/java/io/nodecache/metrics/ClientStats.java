package io.nodecache.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongFunction;
import org.xbill.DNS.Rcode;

/**
 * Who asks: cumulative answers by rcode per client pod, the only thing the hot path touches (one
 * {@link LongAdder} increment). A tick every 10 s snapshots each pod's totals into a ring, from which
 * {@code /debug/clients} reads the last minute, and retires pods idle for a minute into their
 * namespace's total; a scrape sums pods by namespace for {@link ClientRequests}. One per registry,
 * shared by every generation, so that counts carry over a reload.
 */
public final class ClientStats implements MultiCollector {

  /** Pods listed in each ranking of {@code /debug/clients}. */
  public static final int TOP_PODS = 20;
  static final long TICK_SECONDS = 10;
  /** Ticks in the window: the counts since the snapshot this many ticks ago. */
  static final int WINDOW = 6;
  private static final int RING = 8;
  /** Pods tracked at most; beyond that a new pod's answers are not counted (a node runs ~110). */
  static final int MAX_PODS = 2048;
  /** Namespaces with a total of their own at most; beyond that a new one counts into {@code other}. */
  static final int MAX_NAMESPACES = 512;

  private static final Map<PrometheusRegistry, ClientStats> BY_REGISTRY = new WeakHashMap<>();

  private final ClientRequests requests;
  private final ConcurrentHashMap<String, Client> pods = new ConcurrentHashMap<>();
  private final Set<String> namespaces = ConcurrentHashMap.newKeySet();
  /** Ticks so far; written under the lock, read by {@link #add} without it. */
  private volatile int ticks;
  // Guarded by this.
  private final List<Client> retiring = new ArrayList<>();
  /**
   * How long a retired pod's counters stay live (summed from its adders) before they are folded into
   * its namespace's total: a query whose thread looked the pod up just before it retired still
   * counts unless that thread stalls longer than this between the look-up and the increment.
   */
  static final long FOLD_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);
  private final Map<String, long[]> retired = new HashMap<>();

  /** @param top K of {@link ClientRequests}; ticks come from {@link #tick()} */
  ClientStats(int top) {
    this.requests = new ClientRequests(top);
  }

  /**
   * The stats exported by {@code registry}, created, registered with it and ticking every 10 s on
   * {@code scheduler} (none: only when called) on first use.
   */
  public static ClientStats of(PrometheusRegistry registry, int top, ScheduledExecutorService scheduler) {
    synchronized (BY_REGISTRY) {
      return BY_REGISTRY.computeIfAbsent(
          registry,
          r -> {
            ClientStats s = new ClientStats(top);
            r.register(s);
            if (scheduler != null) {
              scheduler.scheduleAtFixedRate(s::tick, TICK_SECONDS, TICK_SECONDS, TimeUnit.SECONDS);
            }
            return s;
          });
    }
  }

  /** The stats of {@code registry} if a generation created them (attribution enabled). */
  public static Optional<ClientStats> find(PrometheusRegistry registry) {
    synchronized (BY_REGISTRY) {
      return Optional.ofNullable(BY_REGISTRY.get(registry));
    }
  }

  /** The pod's counters if it was seen and not retired since; null otherwise. */
  public Client client(String pod) {
    return pods.get(pod);
  }

  /** Starts tracking a pod (allocates; once per pod, not per query); null past {@link #MAX_PODS}. */
  public Client add(String pod, String namespace) {
    if (pods.size() >= MAX_PODS) {
      return null;
    }
    String counted = namespace;
    if (!namespaces.contains(namespace)) {
      if (namespaces.size() < MAX_NAMESPACES) {
        namespaces.add(namespace); // never removed: a namespace's pods always add to the same total
      } else {
        counted = ClientRequests.OTHER;
      }
    }
    String key = counted;
    return pods.computeIfAbsent(pod, p -> new Client(p, namespace, key, ticks));
  }

  /** One client pod: cumulative answers by rcode, and its totals at the last ticks. */
  public static final class Client {
    final String pod;
    final String namespace;
    /** The namespace its counts add to: its own, or {@code other} past the namespace cap. */
    final String counted;
    private final LongAdder[] byRcode = new LongAdder[ClientRequests.RCODES];
    /** Guarded by the stats: [tick % RING] queries, [RING + tick % RING] NXDOMAIN answers. */
    private final long[] ring = new long[2 * RING];
    private final int born;
    /** When it was retired (guarded by the stats). */
    private long retiredAt;

    Client(String pod, String namespace, String counted, int born) {
      this.pod = pod;
      this.namespace = namespace;
      this.counted = counted;
      this.born = born;
      for (int i = 0; i < byRcode.length; i++) {
        byRcode[i] = new LongAdder();
      }
    }

    /** Counts one answer; allocates nothing. */
    public void record(int rcode) {
      byRcode[ClientRequests.slot(rcode)].increment();
    }

    long[] counts() {
      long[] c = new long[byRcode.length];
      for (int i = 0; i < c.length; i++) {
        c[i] = byRcode[i].sum();
      }
      return c;
    }

    /** Queries and NXDOMAIN answers since tick {@code now - WINDOW} (all, if born after it). */
    long[] window(long[] counts, int now) {
      long queries = ClientRequests.total(counts);
      long nx = counts[Rcode.NXDOMAIN];
      if (now - WINDOW > born) {
        int i = (now - WINDOW) & (RING - 1);
        queries -= ring[i];
        nx -= ring[RING + i];
      }
      return new long[] {queries, nx};
    }
  }

  /**
   * Every 10 s: snapshots each pod's totals, retires the pods without a query in the window, and
   * folds the pods retired at least {@link #FOLD_GRACE_NANOS} ago into their namespace's total (until
   * then their adders are still summed, so an increment racing the retirement still counts).
   */
  public synchronized void tick() {
    long nowNanos = System.nanoTime();
    retiring.removeIf(
        c -> {
          if (nowNanos - c.retiredAt < FOLD_GRACE_NANOS) {
            return false;
          }
          ClientRequests.add(total(retired, c.counted), c.counts());
          return true;
        });
    int now = ++ticks;
    pods.forEach((name, c) -> {
      long[] counts = c.counts();
      if (now - WINDOW > c.born && c.window(counts, now)[0] == 0 && pods.remove(name, c)) {
        c.retiredAt = System.nanoTime();
        retiring.add(c);
        return;
      }
      c.ring[now & (RING - 1)] = ClientRequests.total(counts);
      c.ring[RING + (now & (RING - 1))] = counts[Rcode.NXDOMAIN];
    });
  }

  @Override
  public synchronized MetricSnapshots collect() {
    Map<String, long[]> totals = new HashMap<>();
    retired.forEach((ns, c) -> ClientRequests.add(total(totals, ns), c));
    for (Client c : retiring) {
      ClientRequests.add(total(totals, c.counted), c.counts());
    }
    pods.values().forEach(c -> ClientRequests.add(total(totals, c.counted), c.counts()));
    return requests.collect(totals);
  }

  private static long[] total(Map<String, long[]> totals, String namespace) {
    return totals.computeIfAbsent(namespace, k -> new long[ClientRequests.RCODES]);
  }

  @Override
  public List<String> getPrometheusNames() {
    return List.of(ClientRequests.NAME);
  }

  private record Row(String pod, String namespace, long queries, long nxdomain) {}

  /**
   * The {@code /debug/clients} document: the {@link #TOP_PODS} pods with the most queries and the
   * {@link #TOP_PODS} with the most NXDOMAIN answers in the last minute (README, "Client attribution").
   */
  public synchronized String topPodsJson() {
    List<Row> rows = new ArrayList<>();
    pods.values().forEach(c -> {
      long[] w = c.window(c.counts(), ticks);
      rows.add(new Row(c.pod, c.namespace, w[0], w[1]));
    });
    StringBuilder sb = new StringBuilder();
    sb.append("{\"window_seconds\":").append(WINDOW * TICK_SECONDS).append(",\"top\":").append(TOP_PODS);
    sb.append(",\"by_queries\":");
    rows(sb, rows, Comparator.comparingLong(Row::queries), Row::queries);
    sb.append(",\"by_nxdomain\":");
    rows(sb, rows, Comparator.comparingLong(Row::nxdomain), Row::nxdomain);
    return sb.append("}\n").toString();
  }

  private static void rows(
      StringBuilder sb, List<Row> all, Comparator<Row> by, ToLongFunction<Row> count) {
    List<Row> rows =
        all.stream()
            .filter(r -> count.applyAsLong(r) > 0)
            .sorted(by.reversed().thenComparing(Row::pod))
            .limit(TOP_PODS)
            .toList();
    sb.append('[');
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      sb.append(i == 0 ? "" : ",").append("{\"pod\":");
      string(sb, r.pod());
      sb.append(",\"namespace\":");
      string(sb, r.namespace());
      sb.append(",\"queries\":").append(r.queries()).append(",\"nxdomain\":").append(r.nxdomain()).append('}');
    }
    sb.append(']');
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    sb.append('"');
  }
}
