package io.nodecache.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nodecache.http.HttpEndpoints;
import io.nodecache.metrics.ClientStats;
import io.nodecache.transport.Transport;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The HTTP endpoints a Corefile asks for ({@code health}, {@code ready}, {@code prometheus}; the
 * last also serves {@code /debug/clients} when client attribution is on).
 */
final class Endpoints {

  private static final String METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final String JSON_TYPE = "application/json";

  private Endpoints() {}

  /** The {@code /metrics} reply: the whole registry in Prometheus text format. */
  static HttpEndpoints.Reply metrics(PrometheusMeterRegistry meters) {
    return new HttpEndpoints.Reply(200, METRICS_TYPE, meters.scrape());
  }

  /**
   * The {@code /debug/clients} reply: the busiest client pods of the last minute (README), or 404 while
   * no generation attributes clients ({@code -client-metrics-top 0}, or no block has a pod map).
   */
  static HttpEndpoints.Reply clients(PrometheusMeterRegistry meters) {
    return ClientStats.find(meters.getPrometheusRegistry())
        .map(s -> new HttpEndpoints.Reply(200, JSON_TYPE, s.topPodsJson()))
        .orElseGet(() -> HttpEndpoints.Reply.text(404, "client attribution is off\n"));
  }

  /**
   * The endpoints of {@code sc}, not yet bound.
   *
   * @param health the {@code /health} reply (the last self-check's verdict)
   * @param notReady the plugins still loading, or "shutting down" (empty: ready)
   */
  static HttpEndpoints of(
      Transport transport,
      ServerConfig sc,
      PrometheusMeterRegistry meters,
      Supplier<HttpEndpoints.Reply> health,
      Supplier<List<String>> notReady) {
    HttpEndpoints h = new HttpEndpoints(transport);
    sc.health().ifPresent(x -> x.addresses().forEach(a -> h.route(a, "/health", health)));
    sc.ready().ifPresent(a -> h.route(a, "/ready", () -> ready(notReady.get())));
    sc.prometheus().ifPresent(a -> h.route(a, "/metrics", () -> metrics(meters)));
    sc.prometheus().ifPresent(a -> h.route(a, "/debug/clients", () -> clients(meters)));
    sc.pprof().ifPresent(a -> h.route(a, "/debug/pprof/", Endpoints::pprofIndex));
    sc.pprof().ifPresent(a -> h.route(a, "/debug/pprof/goroutine", Endpoints::threads));
    return h;
  }

  /** A single endpoint serving {@code /metrics} on {@code address} (node-cache's setup metrics). */
  static HttpEndpoints metricsOnly(Transport transport, String address, PrometheusMeterRegistry meters) {
    HttpEndpoints h = new HttpEndpoints(transport);
    h.route(address, "/metrics", () -> metrics(meters));
    return h;
  }

  /** The configured address of an endpoint kind: "health", "ready", "prometheus" or "pprof"; null if none. */
  static String configured(ServerConfig sc, String kind) {
    return switch (kind) {
      case "health" -> sc.health().map(ServerConfig.Health::address).orElse(null);
      case "ready" -> sc.ready().orElse(null);
      case "prometheus" -> sc.prometheus().orElse(null);
      case "pprof" -> sc.pprof().orElse(null);
      default -> null;
    };
  }

  /** {@code pprof}'s index: what this JVM serves in place of Go's profiles. */
  static HttpEndpoints.Reply pprofIndex() {
    return HttpEndpoints.Reply.text(200,
        "nodecache runs on the JVM: /debug/pprof/goroutine is a thread dump of every thread;\n"
            + "CPU and heap profiles: jcmd PID JFR.start / GC.heap_dump\n");
  }

  /** {@code /debug/pprof/goroutine}: every live thread with its whole stack, as Go's {@code debug=2}. */
  static HttpEndpoints.Reply threads() {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      Thread t = e.getKey();
      b.append('"').append(t.getName()).append("\" #").append(t.getId())
          .append(t.isDaemon() ? " daemon" : "").append(' ').append(t.getState()).append('\n');
      for (StackTraceElement f : e.getValue()) {
        b.append("\tat ").append(f).append('\n');
      }
      b.append('\n');
    }
    return HttpEndpoints.Reply.text(200, b.toString());
  }

  private static HttpEndpoints.Reply ready(List<String> waiting) {
    return waiting.isEmpty()
        ? HttpEndpoints.Reply.text(200, "OK")
        : HttpEndpoints.Reply.text(503, String.join(",", waiting) + "\n");
  }
}
