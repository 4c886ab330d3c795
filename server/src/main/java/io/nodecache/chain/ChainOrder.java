package io.nodecache.chain;

import java.util.List;
import java.util.Set;

/**
 * The fixed order of handlers in every server block (CoreDNS's plugin.cfg), whatever the order of the
 * directives in the Corefile, and the directives that configure the server rather than the chain.
 */
public final class ChainOrder {

  /** Handler directives in chain order. Metrics are recorded by the listener around the chain. */
  public static final List<String> HANDLERS =
      List.of("errors", "log", "loop", "hosts", "kubernetes", "cache", "forward");

  /** Directives that configure listeners and endpoints, not the chain. */
  public static final Set<String> SERVER = Set.of("bind", "health", "ready", "prometheus", "reload");

  private ChainOrder() {}

  public static boolean known(String directive) {
    return HANDLERS.contains(directive) || SERVER.contains(directive);
  }
}
