package io.nodecache.whoami;

import io.nodecache.chain.Handler;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;

/** {@code whoami}: no arguments, no block. */
public final class WhoamiPluginFactory implements PluginFactory {

  @Override
  public String name() {
    return "whoami";
  }

  @Override
  public Handler create(Directive d, PluginContext ctx) throws ConfigException {
    d.expectArgs(0, 0).expectNoBlock();
    return new Whoami();
  }
}
