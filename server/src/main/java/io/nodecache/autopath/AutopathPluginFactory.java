package io.nodecache.autopath;

import io.micrometer.core.instrument.Counter;
import io.nodecache.chain.Handler;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import io.nodecache.config.Names;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/** Builds the {@code autopath} handler; the syntax is in this package's {@code package-info.java}. */
public final class AutopathPluginFactory implements PluginFactory {

  /** The plugin {@code @NAME} may name: the only one here that knows a client's search path. */
  static final String KUBERNETES = "kubernetes";

  /** Where kubelet's resolv.conf for pods is found in our container (dnsPolicy: Default). */
  static final Path DEFAULT_NODE_RESOLV_CONF = Path.of("/etc/resolv.conf");

  @Override
  public String name() {
    return "autopath";
  }

  @Override
  public Handler create(Directive d, PluginContext ctx) throws ConfigException {
    d.expectArgs(1, Integer.MAX_VALUE);
    String resolv = d.arg(d.args().size() - 1);
    List<Name> zones = new ArrayList<>();
    for (String z : d.args().size() > 1 ? d.args().subList(0, d.args().size() - 1) : ctx.block().zones()) {
      zones.add(zone(d, z));
    }
    Path nodeResolv = null;
    for (Directive o : d.block()) {
      if (!o.name().equals("node_resolv_conf")) {
        throw d.unknownOption(o, "node_resolv_conf");
      }
      o.expectArgs(1, 1).expectNoBlock();
      if (!resolv.startsWith("@")) {
        throw o.error("only with @" + KUBERNETES + " (a RESOLV-CONF file is the whole search path)");
      }
      nodeResolv = Path.of(o.arg(0));
    }
    Counter success =
        Counter.builder("coredns.autopath.success.count")
            .description("Counter of successfully autopath-ed queries.")
            .tag("server", ctx.serverLabel())
            .register(ctx.meters());
    if (!resolv.startsWith("@")) {
      List<Name> search = read(d, Path.of(resolv));
      if (search.isEmpty()) {
        throw d.error("'" + resolv + "' has no search domains");
      }
      return new Autopath(zones, new Autopath.Fixed(search), success);
    }
    String plugin = resolv.substring(1);
    if (!plugin.equals(KUBERNETES)) {
      throw d.error("'" + resolv + "' (expected: a resolv.conf file or @" + KUBERNETES + ")");
    }
    if (ctx.block().first(KUBERNETES).isEmpty()) {
      throw d.error(resolv + " needs a " + KUBERNETES + " directive in the same server block");
    }
    String node = ctx.env().get("NODE_NAME");
    if (node == null || node.isBlank()) {
      throw d.error(resolv + " needs NODE_NAME in the environment (the downward API's spec.nodeName): "
          + "only this node's pods are known by their address");
    }
    List<Name> after;
    if (nodeResolv != null) {
      after = read(d, nodeResolv);
    } else {
      after = Files.exists(DEFAULT_NODE_RESOLV_CONF) ? read(d, DEFAULT_NODE_RESOLV_CONF) : List.of();
    }
    return new Autopath(zones, new Autopath.FromPlugin(plugin, ctx.plugins(), after, d.where()), success);
  }

  private static List<Name> read(Directive d, Path file) throws ConfigException {
    try {
      return SearchDomains.read(file);
    } catch (NoSuchFileException e) {
      throw d.error("'" + file + "' not found");
    } catch (IOException e) {
      throw d.error("reading '" + file + "': " + e.getMessage());
    }
  }

  private static Name zone(Directive d, String z) throws ConfigException {
    try {
      return Name.fromString(Names.canonical(z));
    } catch (TextParseException e) {
      throw d.error("'" + z + "' is not a zone name");
    }
  }
}
