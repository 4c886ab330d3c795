package io.nodecache.chain;

import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;

/**
 * Builds the handler for one Corefile directive. Built-in plugins are registered explicitly by the
 * server; plugins in other modules (the kubernetes plugin) through {@link java.util.ServiceLoader}.
 */
public interface PluginFactory {

  /** The directive name, e.g. {@code cache}. Must be one of {@link ChainOrder#HANDLERS}. */
  String name();

  /**
   * Validates {@code directive} and builds its handler. Errors name the file and line ({@link
   * Directive#error}). The handler may also implement {@link Lifecycle} and {@link FastPath}.
   */
  Handler create(Directive directive, PluginContext context) throws ConfigException;
}
