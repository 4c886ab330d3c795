package io.nodecache.cache;

import io.nodecache.chain.Handler;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import io.nodecache.config.Names;
import io.nodecache.config.Values;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the {@code cache} directive with CoreDNS's syntax and defaults ({@code plugin/cache/setup.go})
 * and builds a {@link Cache}.
 */
public final class CachePluginFactory implements PluginFactory {

  private static final String[] OPTIONS = {
    "success", "denial", "prefetch", "serve_stale", "serve_stale_policy", "servfail", "disable", "keepttl"
  };

  @Override
  public String name() {
    return "cache";
  }

  @Override
  public Handler create(Directive directive, PluginContext context) throws ConfigException {
    return new Cache(parse(directive, context.block().zones()), context);
  }

  /** Validates {@code d}; {@code blockZones} are the default zones. */
  public static CacheConfig parse(Directive d, List<String> blockZones) throws ConfigException {
    List<String> args = d.args();
    int maxSuccess = CacheConfig.MAX_SUCCESS_TTL;
    int maxDenial = CacheConfig.MAX_DENIAL_TTL;
    int from = 0;
    if (!args.isEmpty() && args.get(0).matches("-?\\d+")) {
      // "TTL only caps the cache duration and does not extend it" (both caches)
      int ttl = Values.integer(d, "TTL", args.get(0), 1, Integer.MAX_VALUE);
      maxSuccess = ttl;
      maxDenial = ttl;
      from = 1;
    }
    List<String> zones = canonical(args.subList(from, args.size()));
    if (zones.isEmpty()) {
      zones = canonical(blockZones);
    }
    Builder b = new Builder(zones, maxSuccess, maxDenial);
    for (Directive o : d.block()) {
      o.expectNoBlock();
      option(d, o, b);
    }
    return b.build();
  }

  private static void option(Directive d, Directive o, Builder b) throws ConfigException {
    List<String> a = o.args();
    switch (o.name()) {
      case "success", "denial" -> {
        o.expectArgs(1, 3);
        boolean success = o.name().equals("success");
        int capacity = Values.integer(o, "CAPACITY", a.get(0), 0, Integer.MAX_VALUE);
        int max = success ? b.maxSuccess : b.maxDenial;
        int min = success ? b.minSuccess : b.minDenial;
        if (a.size() > 1) {
          max = Values.integer(o, "TTL", a.get(1), 1, Integer.MAX_VALUE);
        }
        if (a.size() > 2) {
          min = Values.integer(o, "MINTTL", a.get(2), 0, Integer.MAX_VALUE);
        }
        if (success) {
          b.capSuccess = capacity(capacity);
          b.maxSuccess = max;
          b.minSuccess = min;
        } else {
          b.capDenial = capacity(capacity);
          b.maxDenial = max;
          b.minDenial = min;
        }
      }
      case "prefetch" -> {
        o.expectArgs(1, 3);
        int amount = Values.integer(o, "AMOUNT", a.get(0), 0, Integer.MAX_VALUE);
        Duration window = Duration.ofMinutes(1);
        int pct = 10;
        if (a.size() > 1) {
          window = Values.duration(o, a.get(1), Duration.ofSeconds(1), Duration.ofDays(1));
        }
        if (a.size() > 2) {
          String p = a.get(2);
          if (!p.endsWith("%")) {
            throw o.error("'" + p + "': last character of PERCENTAGE should be '%'");
          }
          pct = Values.integer(o, "PERCENTAGE", p.substring(0, p.length() - 1), 10, 90);
        }
        b.prefetch = amount == 0 ? null : new CacheConfig.Prefetch(amount, window, pct);
      }
      case "serve_stale" -> b.serveStale = serveStale(o);
      case "serve_stale_policy" -> {
        o.expectArgs(1, 1);
        if (!a.get(0).equalsIgnoreCase("prefer_positive")) {
          throw o.error("'" + a.get(0) + "' (expected: prefer_positive)");
        }
        b.preferPositive = true;
      }
      case "servfail" -> {
        o.expectArgs(1, 1);
        b.servfail = Values.duration(o, a.get(0), Duration.ZERO, CacheConfig.MAX_SERVFAIL);
      }
      case "disable" -> {
        o.expectArgs(1, Integer.MAX_VALUE);
        List<String> zones = a.size() > 1 ? canonical(a.subList(1, a.size())) : b.zones;
        switch (a.get(0).toLowerCase(Locale.ROOT)) {
          case "success" -> b.disableSuccess.addAll(zones);
          case "denial" -> b.disableDenial.addAll(zones);
          default -> throw o.error("'" + a.get(0) + "' (expected: success or denial)");
        }
      }
      case "keepttl" -> {
        o.expectArgs(0, 0);
        b.keepTtl = true;
      }
      default -> throw d.unknownOption(o, OPTIONS);
    }
  }

  private static CacheConfig.ServeStale serveStale(Directive o) throws ConfigException {
    // serve_stale [DURATION] [immediate [RESPONSE_TTL [FAILURE_RECHECK]]
    //                          | verify [VERIFY_TIMEOUT [RESPONSE_TTL [FAILURE_RECHECK]]]]
    o.expectArgs(0, 5);
    List<String> a = o.args();
    Duration max = Duration.ofHours(1);
    if (!a.isEmpty()) {
      max = Values.duration(o, a.get(0), Duration.ZERO, Duration.ofDays(365));
    }
    boolean verify = false;
    Duration verifyTimeout = Duration.ZERO;
    int responseTtl = 30; // RFC 8767 §4: "a TTL of 30 seconds" (CoreDNS's default is 0)
    Duration recheck = Duration.ZERO;
    int i = 2;
    if (a.size() > 1) {
      String mode = a.get(1).toLowerCase(Locale.ROOT);
      if (!mode.equals("immediate") && !mode.equals("verify")) {
        throw o.error("mode '" + a.get(1) + "' (expected: immediate or verify)");
      }
      verify = mode.equals("verify");
      if (verify && a.size() > i) {
        verifyTimeout = Values.duration(o, a.get(i++), Duration.ZERO, Duration.ofMinutes(1));
      }
      if (a.size() > i) {
        responseTtl = // a TTL: a bare number is seconds
            (int) Values.durationOrSeconds(o, a.get(i++), Duration.ZERO, Duration.ofDays(1)).toSeconds();
      }
      if (a.size() > i) {
        recheck = Values.duration(o, a.get(i++), Duration.ZERO, Duration.ofDays(1));
      }
      if (a.size() > i) {
        throw o.error("too many arguments after '" + mode + "'");
      }
    }
    if (max.isZero()) {
      return null;
    }
    return new CacheConfig.ServeStale(max, verify, verifyTimeout, responseTtl, recheck);
  }

  /** CoreDNS rounds to whole shards of 256 and keeps at least 4 entries per shard. */
  static int capacity(int requested) {
    return Math.max(1024, requested / 256 * 256);
  }

  private static List<String> canonical(List<String> zones) {
    List<String> out = new ArrayList<>();
    for (String z : zones) {
      out.add(Names.canonical(z));
    }
    return out;
  }

  private static final class Builder {
    final List<String> zones;
    int capSuccess = CacheConfig.DEFAULT_CAPACITY;
    int capDenial = CacheConfig.DEFAULT_CAPACITY;
    int maxSuccess;
    int maxDenial;
    int minSuccess = CacheConfig.MIN_TTL;
    int minDenial = CacheConfig.MIN_TTL;
    CacheConfig.Prefetch prefetch;
    CacheConfig.ServeStale serveStale;
    Duration servfail = CacheConfig.DEFAULT_SERVFAIL;
    final List<String> disableSuccess = new ArrayList<>();
    final List<String> disableDenial = new ArrayList<>();
    boolean keepTtl;
    boolean preferPositive;

    Builder(List<String> zones, int maxSuccess, int maxDenial) {
      this.zones = zones;
      this.maxSuccess = maxSuccess;
      this.maxDenial = maxDenial;
    }

    CacheConfig build() {
      return new CacheConfig(
          zones,
          new CacheConfig.Tier(capSuccess, maxSuccess, minSuccess),
          new CacheConfig.Tier(capDenial, maxDenial, minDenial),
          prefetch,
          serveStale,
          servfail,
          disableSuccess,
          disableDenial,
          keepTtl,
          preferPositive);
    }
  }
}
