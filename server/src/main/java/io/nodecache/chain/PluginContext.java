package io.nodecache.chain;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.nodecache.config.ServerBlock;
import io.nodecache.transport.Transport;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What a plugin may use while it builds its handler. Everything is passed in: no static state.
 *
 * @param block the server block the directive belongs to
 * @param serverLabel the CoreDNS {@code server} metric label of the block, e.g. {@code dns://:53}
 * @param meters the registry every meter goes to
 * @param ticker nanosecond time source (tests pass a fake one)
 * @param transport event loops and channel classes for network clients
 * @param scheduler background timers (health checks, prefetch, snapshot writes); never for I/O waits
 * @param localZones zones answered from local data in this block (kubernetes adds its zones)
 * @param env the process environment (placeholders, service-link variables)
 * @param hooks what the plugin may ask of the running server (its listen address, a fatal stop)
 * @param plugins the other handlers of the block, known once the block is built
 */
public record PluginContext(
    ServerBlock block,
    String serverLabel,
    MeterRegistry meters,
    Ticker ticker,
    Transport transport,
    ScheduledExecutorService scheduler,
    LocalZones localZones,
    Map<String, String> env,
    ServerHooks hooks,
    BlockPlugins plugins) {

  /** A context outside a running server ({@link ServerHooks#NONE}): benchmarks and unit tests. */
  public PluginContext(
      ServerBlock block,
      String serverLabel,
      MeterRegistry meters,
      Ticker ticker,
      Transport transport,
      ScheduledExecutorService scheduler,
      LocalZones localZones,
      Map<String, String> env) {
    this(block, serverLabel, meters, ticker, transport, scheduler, localZones, env, ServerHooks.NONE, new BlockPlugins());
  }
}
