package io.nodecache.local;

import io.nodecache.chain.Handler;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;

/** {@code local [{ localhost_prefix on|off }]}: no arguments. */
public final class LocalPluginFactory implements PluginFactory {

  @Override
  public String name() {
    return "local";
  }

  @Override
  public Handler create(Directive d, PluginContext ctx) throws ConfigException {
    d.expectArgs(0, 0);
    boolean prefix = true;
    for (Directive o : d.block()) {
      if (!o.name().equals("localhost_prefix")) {
        throw d.unknownOption(o, "localhost_prefix");
      }
      o.expectArgs(1, 1);
      prefix =
          switch (o.arg(0)) {
            case "on" -> true;
            case "off" -> false;
            default -> throw o.error("expected 'on' or 'off', got '" + o.arg(0) + "'");
          };
    }
    return new Local(prefix, ctx.meters());
  }
}
