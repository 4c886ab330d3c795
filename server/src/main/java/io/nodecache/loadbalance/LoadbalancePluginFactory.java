package io.nodecache.loadbalance;

import io.nodecache.chain.Handler;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;

/** {@code loadbalance [round_robin]}; the {@code weighted} policy and {@code prefer} are refused. */
public final class LoadbalancePluginFactory implements PluginFactory {

  @Override
  public String name() {
    return "loadbalance";
  }

  @Override
  public Handler create(Directive d, PluginContext ctx) throws ConfigException {
    if (!d.args().isEmpty()) {
      switch (d.arg(0)) {
        case "round_robin" -> {
          if (d.args().size() > 1) {
            throw d.error("unknown property '" + d.arg(1) + "' for round_robin (it takes no arguments)");
          }
        }
        case "weighted" ->
            throw d.error("the weighted policy is not supported by nodecache (use round_robin, the default)");
        default -> throw d.error("unknown policy '" + d.arg(0) + "' (expected: round_robin)");
      }
    }
    for (Directive o : d.block()) {
      if (o.name().equals("prefer")) {
        throw new ConfigException(
            o.where(), "loadbalance: prefer is not supported by nodecache (answers are shuffled, never reordered by subnet)");
      }
      throw new ConfigException(o.where(), "loadbalance: unknown property '" + o.name() + "'");
    }
    return new Loadbalance();
  }
}
