package io.nodecache.view;

import io.nodecache.chain.Handler;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import io.nodecache.view.Expr.Node;
import java.util.ArrayList;
import java.util.List;

/** {@code view NAME { expr EXPRESSION... }}: one view per block, any number of {@code expr} lines. */
public final class ViewPluginFactory implements PluginFactory {

  @Override
  public String name() {
    return "view";
  }

  @Override
  public Handler create(Directive d, PluginContext ctx) throws ConfigException {
    d.expectArgs(1, 1);
    List<Node> expressions = new ArrayList<>();
    for (Directive opt : d.block()) {
      if (!opt.name().equals("expr")) {
        throw d.unknownOption(opt, "expr");
      }
      opt.expectArgs(1, Integer.MAX_VALUE);
      String text = String.join(" ", opt.args());
      try {
        expressions.add(Expr.compile(text));
      } catch (IllegalArgumentException e) {
        throw opt.error("'" + text + "': " + e.getMessage());
      }
    }
    return new View(d.arg(0), expressions);
  }
}
