package io.nodecache.any;

import io.nodecache.chain.Handler;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;

/** {@code any}: no arguments, no block. */
public final class AnyPluginFactory implements PluginFactory {

  @Override
  public String name() {
    return "any";
  }

  @Override
  public Handler create(Directive d, PluginContext ctx) throws ConfigException {
    d.expectArgs(0, 0).expectNoBlock();
    return new AnyHandler();
  }
}
