package io.nodecache.hosts;

import io.nodecache.chain.Handler;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import io.nodecache.config.Names;
import io.nodecache.config.Values;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * {@code hosts [FILE [ZONES...]] { [INLINE] ttl SECONDS, no_reverse, reload DURATION, fallthrough
 * [ZONES...] }} with CoreDNS's defaults (TTL 3600, reload 5s).
 */
public final class HostsPluginFactory implements PluginFactory {

  @Override
  public String name() {
    return "hosts";
  }

  @Override
  public Handler create(Directive d, PluginContext ctx) throws ConfigException {
    Path file = d.args().isEmpty() ? Path.of("/etc/hosts") : Path.of(d.arg(0));
    List<Name> zones = new ArrayList<>();
    for (String z : d.args().size() > 1 ? d.args().subList(1, d.args().size()) : ctx.block().zones()) {
      zones.add(name(d, z));
    }
    List<String> inline = new ArrayList<>();
    long ttl = 3600;
    boolean reverse = true;
    Duration reload = Duration.ofSeconds(5);
    List<Name> fallthrough = new ArrayList<>();
    boolean fallthroughAll = false;
    for (Directive o : d.block()) {
      switch (o.name()) {
        case "ttl" -> ttl = Values.integer(o.expectArgs(1, 1), "ttl", o.arg(0), 0, 2147483647);
        case "no_reverse" -> reverse = false;
        case "reload" -> reload = Values.duration(o.expectArgs(1, 1), o.arg(0));
        case "fallthrough" -> {
          if (o.args().isEmpty()) {
            fallthroughAll = true;
          }
          for (String z : o.args()) {
            fallthrough.add(name(o, z));
          }
        }
        default -> {
          if (o.name().matches("[0-9a-f:.]+") && !o.args().isEmpty()) {
            inline.add(o.name() + " " + String.join(" ", o.args()));
          } else {
            throw d.unknownOption(o, "ttl", "no_reverse", "reload", "fallthrough", "IP NAME...");
          }
        }
      }
    }
    return new Hosts(
        new Hosts.Settings(file, zones, inline, ttl, reverse, reload, fallthrough, fallthroughAll),
        ctx.scheduler(),
        new HostsMetrics(ctx.meters()));
  }

  private static Name name(Directive d, String z) throws ConfigException {
    try {
      return Name.fromString(Names.canonical(z)).canonicalize();
    } catch (TextParseException e) {
      throw d.error("'" + z + "' is not a zone name");
    }
  }
}
