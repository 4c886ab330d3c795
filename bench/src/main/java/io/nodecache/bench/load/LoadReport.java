package io.nodecache.bench.load;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The outcome of a run. Every sent query is either answered or timed out ({@code sent == answered +
 * timeouts}); {@code late} timed-out queries were answered after their timeout, the rest are {@code
 * lost}. {@code skipped}: open-loop sends that did not happen (IDs exhausted or the loop stalled).
 */
public record LoadReport(
    String server,
    String transport,
    String loop,
    int clients,
    long sent,
    long answered,
    long timeouts,
    long late,
    long lost,
    long unmatched,
    long malformed,
    long skipped,
    long unexpectedRcode,
    Map<String, Long> rcodes,
    double elapsedSeconds,
    double qps,
    double p50Ms,
    double p90Ms,
    double p99Ms,
    double p999Ms,
    double maxMs,
    double meanMs) {

  static LoadReport of(LoadOptions o, Iterable<Client> clients, double elapsedSeconds) {
    Histogram h = new Histogram(3);
    long sent = 0;
    long answered = 0;
    long timeouts = 0;
    long late = 0;
    long unmatched = 0;
    long malformed = 0;
    long skipped = 0;
    long unexpected = 0;
    long[] rc = new long[16];
    int n = 0;
    for (Client c : clients) {
      n++;
      h.add(c.latency);
      sent += c.sent;
      answered += c.answered;
      timeouts += c.timeouts;
      late += c.late;
      unmatched += c.unmatched;
      malformed += c.malformed;
      skipped += c.skipped;
      unexpected += c.unexpected;
      for (int i = 0; i < 16; i++) {
        rc[i] += c.rcodes[i];
      }
    }
    Map<String, Long> rcodes = new LinkedHashMap<>();
    for (int i = 0; i < 16; i++) {
      if (rc[i] > 0) {
        rcodes.put(Rcodes.name(i), rc[i]);
      }
    }
    boolean any = h.getTotalCount() > 0;
    String loop = o.rate() > 0 ? "open, " + o.rate() + " qps" : "closed, " + o.outstanding() + " outstanding";
    return new LoadReport(
        o.server().getAddress().getHostAddress() + ":" + o.server().getPort(),
        o.tcp() ? "tcp" : "udp",
        loop,
        n,
        sent,
        answered,
        timeouts,
        late,
        timeouts - late,
        unmatched,
        malformed,
        skipped,
        unexpected,
        rcodes,
        elapsedSeconds,
        elapsedSeconds > 0 ? answered / elapsedSeconds : 0,
        any ? ms(h.getValueAtPercentile(50)) : 0,
        any ? ms(h.getValueAtPercentile(90)) : 0,
        any ? ms(h.getValueAtPercentile(99)) : 0,
        any ? ms(h.getValueAtPercentile(99.9)) : 0,
        any ? ms(h.getMaxValue()) : 0,
        any ? h.getMean() / 1e6 : 0);
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  /** A dnsperf-like text summary. */
  public String text() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "Statistics (%s, %s, %s loop, %d clients):%n", server, transport, loop, clients));
    b.append(String.format(Locale.ROOT, "  Queries sent:         %d%n", sent));
    b.append(String.format(Locale.ROOT, "  Queries answered:     %d (%.2f%%)%n", answered, pct(answered, sent)));
    b.append(String.format(Locale.ROOT, "  Timeouts:             %d (late answers %d, lost %d)%n", timeouts, late, lost));
    b.append(String.format(Locale.ROOT, "  Unexpected rcode:     %d%n", unexpectedRcode));
    b.append(String.format(Locale.ROOT, "  Response codes:       %s%n", rcodes));
    if (skipped + unmatched + malformed > 0) {
      b.append(String.format(Locale.ROOT, "  Skipped/unmatched/malformed: %d / %d / %d%n", skipped, unmatched, malformed));
    }
    b.append(String.format(Locale.ROOT, "  Run time (s):         %.3f%n", elapsedSeconds));
    b.append(String.format(Locale.ROOT, "  Queries per second:   %.0f%n", qps));
    b.append(
        String.format(
            Locale.ROOT,
            "  Latency (ms):         p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  mean %.3f%n",
            p50Ms, p90Ms, p99Ms, p999Ms, maxMs, meanMs));
    return b.toString();
  }

  private static double pct(long a, long b) {
    return b == 0 ? 0 : 100.0 * a / b;
  }

  /** The report as one JSON object. */
  public String json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("server", server);
    m.put("transport", transport);
    m.put("loop", loop);
    m.put("clients", clients);
    m.put("sent", sent);
    m.put("answered", answered);
    m.put("timeouts", timeouts);
    m.put("late", late);
    m.put("lost", lost);
    m.put("unmatched", unmatched);
    m.put("malformed", malformed);
    m.put("skipped", skipped);
    m.put("unexpected_rcode", unexpectedRcode);
    m.put("rcodes", rcodes);
    m.put("elapsed_s", elapsedSeconds);
    m.put("qps", qps);
    Map<String, Object> lat = new LinkedHashMap<>();
    lat.put("p50", p50Ms);
    lat.put("p90", p90Ms);
    lat.put("p99", p99Ms);
    lat.put("p99.9", p999Ms);
    lat.put("max", maxMs);
    lat.put("mean", meanMs);
    m.put("latency_ms", lat);
    StringBuilder b = new StringBuilder();
    write(b, m);
    return b.append('\n').toString();
  }

  private static void write(StringBuilder b, Object v) {
    if (v instanceof Map<?, ?> map) {
      b.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          b.append(", ");
        }
        first = false;
        b.append('"').append(e.getKey()).append("\": ");
        write(b, e.getValue());
      }
      b.append('}');
    } else if (v instanceof Double d) {
      b.append(Double.isFinite(d) ? String.format(Locale.ROOT, "%.6f", d) : "null");
    } else if (v instanceof Number) {
      b.append(v);
    } else {
      b.append('"').append(String.valueOf(v).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
  }
}
