package io.nodecache.file;

import io.nodecache.chain.Fallthrough;
import io.nodecache.chain.Handler;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import io.nodecache.config.Names;
import io.nodecache.config.Values;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * {@code file DBFILE [ZONES...] { reload DURATION, fallthrough [ZONES...], upstream [...] }}: every
 * zone read here, so a file that does not parse stops the start at the directive's line.
 */
public final class FilePluginFactory implements PluginFactory {

  private static final Logger log = LoggerFactory.getLogger(FilePluginFactory.class);

  @Override
  public String name() {
    return "file";
  }

  @Override
  public Handler create(Directive d, PluginContext ctx) throws ConfigException {
    d.expectArgs(1, Integer.MAX_VALUE);
    Path file = Path.of(d.arg(0));
    List<Name> origins = new ArrayList<>();
    for (String z : d.args().size() > 1 ? d.args().subList(1, d.args().size()) : ctx.block().zones()) {
      origins.add(name(d, z));
    }
    Duration reload = Duration.ofMinutes(1);
    List<Name> fallthrough = new ArrayList<>();
    boolean fallthroughAll = false;
    for (Directive o : d.block()) {
      switch (o.name()) {
        case "reload" -> reload = Values.duration(o.expectArgs(1, 1), o.arg(0));
        case "fallthrough" -> {
          fallthroughAll = o.args().isEmpty();
          for (String z : o.args()) {
            fallthrough.add(name(o, z));
          }
        }
        case "upstream" -> {
          // CoreDNS reads and ignores it: CNAME targets outside the zone are always resolved.
        }
        default -> throw d.unknownOption(o, "reload", "fallthrough", "upstream");
      }
      o.expectNoBlock();
    }
    List<FileHandler.Slot> slots = new ArrayList<>();
    for (Name origin : origins) {
      slots.add(new FileHandler.Slot(origin, file, read(d, file, origin, reload)));
    }
    return new FileHandler(slots, reload, new Fallthrough(fallthroughAll, fallthrough), ctx.scheduler());
  }

  /**
   * The zone as read now. A zone file that does not parse is refused; a missing or unreadable one is
   * refused when {@code reload} is 0, and otherwise, as CoreDNS, tried again every interval while
   * the zone answers SERVFAIL.
   */
  private static ZoneData read(Directive d, Path file, Name origin, Duration reload) throws ConfigException {
    try {
      return ZoneData.read(file, origin);
    } catch (TextParseException e) {
      throw d.error("zone " + origin + ": " + e.getMessage());
    } catch (IOException e) {
      String why = e instanceof NoSuchFileException || !Files.exists(file) ? "no such file" : e.getMessage();
      if (reload.isZero()) {
        throw d.error("cannot read zone file " + file + ": " + why);
      }
      log.warn("file: cannot read zone file {} for {} ({}): trying again in {}", file, origin, why, reload);
      return null;
    }
  }

  private static Name name(Directive d, String z) throws ConfigException {
    try {
      return Name.fromString(Names.canonical(z)).canonicalize();
    } catch (TextParseException e) {
      throw d.error("'" + z + "' is not a zone name");
    }
  }
}
