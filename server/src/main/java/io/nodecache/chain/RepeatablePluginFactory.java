package io.nodecache.chain;

import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import java.util.List;

/**
 * A plugin a server block may name several times ({@code log}, {@code rewrite}, {@code template}):
 * one handler is built from all its lines, in file order.
 */
public interface RepeatablePluginFactory extends PluginFactory {

  @Override
  default boolean repeatable() {
    return true;
  }

  @Override
  default Handler create(Directive directive, PluginContext context) throws ConfigException {
    return create(List.of(directive), context);
  }

  @Override
  Handler create(List<Directive> directives, PluginContext context) throws ConfigException;
}
