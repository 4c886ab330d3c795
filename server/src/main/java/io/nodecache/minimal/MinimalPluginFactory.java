package io.nodecache.minimal;

import io.nodecache.chain.Handler;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;

/** {@code minimal}: no arguments, no block. */
public final class MinimalPluginFactory implements PluginFactory {

  @Override
  public String name() {
    return "minimal";
  }

  @Override
  public Handler create(Directive d, PluginContext ctx) throws ConfigException {
    d.expectArgs(0, 0).expectNoBlock();
    return new Minimal();
  }
}
