package io.nodecache.server;

import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import io.nodecache.config.ServerBlock;
import io.nodecache.config.Values;
import io.nodecache.listen.TcpTimeouts;
import java.time.Duration;

/**
 * CoreDNS's {@code timeouts { read D; write D; idle D }} of a server block: each between 1 s and 24 h,
 * at least one given; a second {@code timeouts} in the block overrides what it sets.
 */
final class TimeoutsConfig {

  private static final Duration MIN = Duration.ofSeconds(1);
  private static final Duration MAX = Duration.ofHours(24);

  private TimeoutsConfig() {}

  static TcpTimeouts of(ServerBlock block) throws ConfigException {
    TcpTimeouts t = TcpTimeouts.NONE;
    for (Directive d : block.all("timeouts")) {
      d.expectArgs(0, 0);
      if (d.block().isEmpty()) {
        throw d.error("timeouts block with no timeouts specified (expected: read, write or idle)");
      }
      Duration read = null;
      Duration write = null;
      Duration idle = null;
      for (Directive o : d.block()) {
        o.expectNoBlock();
        switch (o.name()) {
          case "read" -> read = duration(o);
          case "write" -> write = duration(o);
          case "idle" -> idle = duration(o);
          default -> throw d.unknownOption(o, "read", "write", "idle");
        }
      }
      t = t.then(new TcpTimeouts(read, write, idle));
    }
    return t;
  }

  private static Duration duration(Directive o) throws ConfigException {
    Duration v = Values.durationOrSeconds(o.expectArgs(1, 1), o.arg(0)); // NewDurationFromArg: 30 is 30s
    if (v.compareTo(MIN) < 0 || v.compareTo(MAX) > 0) {
      throw o.error("timeout '" + o.arg(0) + "' needs to be between 1 second and 24 hours");
    }
    return v;
  }
}
