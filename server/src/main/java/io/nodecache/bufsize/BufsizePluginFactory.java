package io.nodecache.bufsize;

import io.nodecache.chain.Handler;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import io.nodecache.config.Values;

/** {@code bufsize [SIZE]}, no block. */
public final class BufsizePluginFactory implements PluginFactory {

  /** CoreDNS's default, DNS Flag Day 2020's size. */
  static final int DEFAULT_SIZE = 1232;

  @Override
  public String name() {
    return "bufsize";
  }

  @Override
  public Handler create(Directive d, PluginContext ctx) throws ConfigException {
    d.expectArgs(0, 1).expectNoBlock();
    int size = d.args().isEmpty() ? DEFAULT_SIZE : Values.integer(d, "SIZE", d.args().get(0), 512, 4096);
    return new Bufsize(size);
  }
}
