package io.nodecache.k8s;

import io.nodecache.chain.Fallthrough;
import io.nodecache.chain.Handler;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import io.nodecache.config.Names;
import io.nodecache.config.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Builds {@code k8s_external [ZONES...] { apex APEX, ttl TTL, headless, fallthrough [ZONES...] }}.
 * It answers from the cluster view of the block's {@code kubernetes} handler, so a block without
 * {@code kubernetes} is refused (CoreDNS would pass every query on).
 */
public final class K8sExternalPluginFactory implements PluginFactory {

  @Override
  public String name() {
    return "k8s_external";
  }

  @Override
  public Handler create(Directive d, PluginContext ctx) throws ConfigException {
    if (ctx.block().all("kubernetes").isEmpty()) {
      throw d.error("needs the kubernetes plugin in the same server block (its cluster view is the data)");
    }
    List<Name> zones = new ArrayList<>();
    for (String z : d.args().isEmpty() ? ctx.block().zones() : d.args()) {
      zones.add(name(d, z));
    }
    String apex = "dns";
    int ttl = 5;
    boolean headless = false;
    List<Name> fallthrough = new ArrayList<>();
    boolean fallthroughAll = false;
    for (Directive o : d.block()) {
      o.expectNoBlock();
      switch (o.name()) {
        case "apex" -> {
          apex = o.expectArgs(1, 1).arg(0).toLowerCase(Locale.ROOT);
          if (!apex.matches("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?")) {
            throw o.error("'" + o.arg(0) + "' is not one DNS label");
          }
        }
        case "ttl" -> ttl = Values.integer(o.expectArgs(1, 1), "ttl", o.arg(0), 0, 3600);
        case "headless" -> {
          o.expectArgs(0, 0);
          headless = true;
        }
        case "fallthrough" -> {
          fallthroughAll = o.args().isEmpty();
          for (String z : o.args()) {
            fallthrough.add(name(o, z));
          }
        }
        default -> throw d.unknownOption(o, "apex", "ttl", "headless", "fallthrough");
      }
    }
    // like the cluster zone, answered from the live view: the block's cache never stores these zones
    // (the root stays cacheable: it would turn the cache off for the whole block)
    for (Name z : zones) {
      if (!z.equals(Name.root)) {
        ctx.localZones().add(z.toString());
      }
    }
    return new K8sExternal(
        new K8sExternal.Settings(zones, apex, ttl, headless, new Fallthrough(fallthroughAll, fallthrough)), ctx.plugins());
  }

  private static Name name(Directive d, String z) throws ConfigException {
    try {
      return Name.fromString(Names.canonical(z)).canonicalize();
    } catch (TextParseException e) {
      throw d.error("'" + z + "' is not a zone name");
    }
  }
}
