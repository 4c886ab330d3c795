package io.nodecache.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.xbill.DNS.Rcode;

/**
 * Who asks: per client pod, the namespace counters of {@link ClientRequests} and a one-minute
 * {@link SlidingWindow} for {@code /debug/clients}. One per registry, shared by every generation, so
 * that counts carry over a reload. Recording allocates nothing once a pod has been seen; a scrape of
 * {@code /metrics} or {@code /debug/clients} forgets the pods idle for a whole window.
 */
public final class ClientStats implements MultiCollector {

  /** Pods listed in each ranking of {@code /debug/clients}. */
  public static final int TOP_PODS = 20;
  /** Pods with a window at most; beyond that a new pod is counted in its namespace only. */
  static final int MAX_PODS = 4096;

  private static final Map<PrometheusRegistry, ClientStats> BY_REGISTRY = new WeakHashMap<>();

  private final ClientRequests requests;
  private final LongSupplier clock;
  private final long origin;
  private final ConcurrentHashMap<String, Client> pods = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Client> windowless = new ConcurrentHashMap<>();

  /**
   * @param top K of {@link ClientRequests}
   * @param clock nanoseconds, the time base of the {@code nanos} given to {@link Client#record}
   */
  ClientStats(int top, LongSupplier clock) {
    this.requests = new ClientRequests(top);
    this.clock = clock;
    this.origin = clock.getAsLong();
  }

  /** The stats exported by {@code registry}, created and registered with it on first use. */
  public static ClientStats of(PrometheusRegistry registry, int top) {
    synchronized (BY_REGISTRY) {
      return BY_REGISTRY.computeIfAbsent(
          registry,
          r -> {
            ClientStats s = new ClientStats(top, System::nanoTime);
            r.register(s);
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

  ClientRequests requests() {
    return requests;
  }

  /** The pod's counters if it was seen and not forgotten since; null otherwise. */
  public Client client(String pod) {
    return pods.get(pod);
  }

  /** Starts tracking a pod (allocates; once per pod, not per query). */
  public Client add(String pod, String namespace) {
    ClientRequests.Namespace ns = requests.namespace(namespace);
    if (pods.size() >= MAX_PODS) {
      return windowless.computeIfAbsent(namespace, n -> new Client(n, n, ns, null, origin));
    }
    return pods.computeIfAbsent(pod, p -> new Client(p, namespace, ns, new SlidingWindow(), origin));
  }

  /** One client pod: its namespace's counters and its own window. */
  public static final class Client {
    final String pod;
    final String namespace;
    private final ClientRequests.Namespace counters;
    private final SlidingWindow window;
    private final long origin;

    Client(String pod, String namespace, ClientRequests.Namespace counters, SlidingWindow window, long origin) {
      this.pod = pod;
      this.namespace = namespace;
      this.counters = counters;
      this.window = window;
      this.origin = origin;
    }

    /** Counts one answer with this rcode, at {@code nanos} (the stats' clock); allocates nothing. */
    public void record(int rcode, long nanos) {
      counters.count(rcode);
      if (window != null) {
        window.add(SlidingWindow.bucket(nanos, origin), rcode == Rcode.NXDOMAIN);
      }
    }
  }

  @Override
  public MetricSnapshots collect() {
    forgetIdle(SlidingWindow.bucket(clock.getAsLong(), origin));
    return requests.collect();
  }

  @Override
  public List<String> getPrometheusNames() {
    return requests.getPrometheusNames();
  }

  private void forgetIdle(int now) {
    pods.forEach((name, c) -> {
      if (c.window.queries(now) == 0) {
        pods.remove(name, c); // a query racing this only misses the window of a pod idle for a minute
      }
    });
  }

  private record Row(String pod, String namespace, long queries, long nxdomain) {}

  /**
   * The {@code /debug/clients} document: the {@link #TOP_PODS} pods with the most queries and the
   * {@link #TOP_PODS} with the most NXDOMAIN answers in the last minute (README, "Client attribution").
   */
  public String topPodsJson() {
    int now = SlidingWindow.bucket(clock.getAsLong(), origin);
    forgetIdle(now);
    List<Row> rows = new ArrayList<>();
    pods.forEach((name, c) -> rows.add(new Row(c.pod, c.namespace, c.window.queries(now), c.window.nxdomain(now))));
    List<Row> byQueries =
        rows.stream()
            .filter(r -> r.queries() > 0)
            .sorted(Comparator.comparingLong(Row::queries).reversed().thenComparing(Row::pod))
            .limit(TOP_PODS)
            .toList();
    List<Row> byNxdomain =
        rows.stream()
            .filter(r -> r.nxdomain() > 0)
            .sorted(Comparator.comparingLong(Row::nxdomain).reversed().thenComparing(Row::pod))
            .limit(TOP_PODS)
            .toList();
    StringBuilder sb = new StringBuilder();
    sb.append("{\"window_seconds\":").append(SlidingWindow.BUCKETS * SlidingWindow.BUCKET_NANOS / 1_000_000_000L);
    sb.append(",\"top\":").append(TOP_PODS);
    sb.append(",\"by_queries\":");
    rows(sb, byQueries);
    sb.append(",\"by_nxdomain\":");
    rows(sb, byNxdomain);
    return sb.append("}\n").toString();
  }

  private static void rows(StringBuilder sb, List<Row> rows) {
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
