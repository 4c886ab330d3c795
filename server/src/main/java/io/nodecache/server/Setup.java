package io.nodecache.server;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nodecache.chain.PluginFactory;
import io.nodecache.chain.PluginRegistry;
import io.nodecache.config.Corefile;
import io.nodecache.config.Flags;
import io.nodecache.listen.ListenerOptions;
import java.util.List;
import java.util.Map;

/**
 * The inputs of a server.
 *
 * @param corefile the parsed Corefile
 * @param env the process environment
 * @param meters the registry every meter goes to
 * @param ticker nanosecond time source (tests pass a fake one)
 * @param listenerOptions socket options and limits of the DNS listeners
 * @param threads event-loop threads (0: one per core)
 * @param plugins the plugin list, {@link PluginRegistry#builtin()} unless a test replaces a factory
 * @param clientMetricsTop K of {@code coredns_nodecache_client_requests_total} ({@code
 *     -client-metrics-top}); 0 turns client attribution off
 */
public record Setup(
    Corefile corefile,
    Map<String, String> env,
    PrometheusMeterRegistry meters,
    Ticker ticker,
    ListenerOptions listenerOptions,
    int threads,
    PluginRegistry plugins,
    int clientMetricsTop) {

  /** Defaults for everything but the Corefile: system ticker, fresh registry, one thread per core. */
  public static Setup of(Corefile corefile) {
    return new Setup(
        corefile,
        System.getenv(),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
        Ticker.systemTicker(),
        ListenerOptions.DEFAULTS,
        0,
        PluginRegistry.builtin(),
        Flags.DEFAULT_CLIENT_METRICS_TOP);
  }

  /** The same setup with these factories in place of the listed ones of the same name. */
  public Setup withPlugins(List<PluginFactory> replacements) {
    return new Setup(
        corefile, env, meters, ticker, listenerOptions, threads, plugins.with(replacements), clientMetricsTop);
  }

  public Setup withThreads(int n) {
    return new Setup(corefile, env, meters, ticker, listenerOptions, n, plugins, clientMetricsTop);
  }

  public Setup withTicker(Ticker t) {
    return new Setup(corefile, env, meters, t, listenerOptions, threads, plugins, clientMetricsTop);
  }

  public Setup withListenerOptions(ListenerOptions o) {
    return new Setup(corefile, env, meters, ticker, o, threads, plugins, clientMetricsTop);
  }

  public Setup withClientMetricsTop(int top) {
    return new Setup(corefile, env, meters, ticker, listenerOptions, threads, plugins, top);
  }

  public Setup withEnv(Map<String, String> e) {
    return new Setup(corefile, e, meters, ticker, listenerOptions, threads, plugins, clientMetricsTop);
  }
}
