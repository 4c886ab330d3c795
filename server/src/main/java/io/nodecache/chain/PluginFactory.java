package io.nodecache.chain;

import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import java.util.List;

/**
 * Builds the handler for one Corefile directive. Every plugin, built in or from another module (the
 * kubernetes plugin), is listed with its factory class in {@link PluginRegistry}'s {@code plugin.cfg};
 * a factory has a no-argument constructor and takes everything else from its {@link PluginContext}.
 */
public interface PluginFactory {

  /** The directive name, e.g. {@code cache}. Must be a chain directive of {@link PluginRegistry}. */
  String name();

  /**
   * Validates {@code directive} and builds its handler. Errors name the file and line ({@link
   * Directive#error}). The handler may also implement {@link Lifecycle} and {@link FastPath}.
   */
  Handler create(Directive directive, PluginContext context) throws ConfigException;

  /**
   * Whether a server block may hold this directive more than once (CoreDNS's {@code log}); then
   * {@link #create(List, PluginContext)} builds one handler from all of them, in file order.
   */
  default boolean repeatable() {
    return false;
  }

  /** Builds the handler of every occurrence of the directive in one block (one unless {@link #repeatable}). */
  default Handler create(List<Directive> directives, PluginContext context) throws ConfigException {
    return create(directives.get(0), context);
  }
}
