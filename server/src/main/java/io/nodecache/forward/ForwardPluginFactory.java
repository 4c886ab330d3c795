package io.nodecache.forward;

import io.nodecache.chain.Handler;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import io.nodecache.config.Values;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The {@code forward} directive, with CoreDNS's syntax: {@code forward FROM TO... { options }}. TO is
 * {@code IP[:port]}, {@code [IPv6]:port}, or a resolv.conf-style file whose {@code nameserver} lines are
 * used.
 */
public final class ForwardPluginFactory implements PluginFactory {

  static final String[] OPTIONS = {
    "except", "force_tcp", "prefer_udp", "expire", "max_idle_conns", "max_fails", "max_connect_attempts",
    "health_check", "policy", "max_concurrent", "read_timeout", "failfast_all_unhealthy_upstreams"
  };

  private static final List<String> UNSUPPORTED =
      List.of("tls", "tls_servername", "doh_method", "next", "next_on_nodata", "failover", "source_address", "resolver");

  @Override
  public String name() {
    return "forward";
  }

  @Override
  public Handler create(Directive directive, PluginContext context) throws ConfigException {
    return new Forward(parse(directive), context);
  }

  /** Validates the directive into a config; errors name the file and line. */
  public static ForwardConfig parse(Directive d) throws ConfigException {
    d.expectArgs(2, Integer.MAX_VALUE);
    Name from = zone(d, d.arg(0));
    List<InetSocketAddress> to = new ArrayList<>();
    for (String t : d.args().subList(1, d.args().size())) {
      to.addAll(UpstreamAddresses.parse(d, t));
    }
    if (to.isEmpty()) {
      throw d.error("no upstream in " + d.args().subList(1, d.args().size()));
    }
    if (to.size() > ForwardConfig.MAX_UPSTREAMS) {
      throw d.error(to.size() + " upstreams (expected: at most " + ForwardConfig.MAX_UPSTREAMS + ")");
    }
    Options o = new Options();
    for (Directive opt : d.block()) {
      option(d, opt, o);
    }
    return new ForwardConfig(
        from, to, o.except, o.forceTcp, o.preferUdp && !o.forceTcp, o.maxFails, o.healthCheck,
        o.hcRecursion, o.hcDomain, o.expire, o.policy, o.maxConcurrent, o.maxConnectAttempts,
        o.readTimeout, ForwardConfig.DEFAULT_DEADLINE, o.idleConns, o.failFast);
  }

  private static final class Options {
    List<Name> except = new ArrayList<>();
    boolean forceTcp;
    boolean preferUdp;
    int maxFails = ForwardConfig.DEFAULT_MAX_FAILS;
    Duration healthCheck = ForwardConfig.DEFAULT_HEALTH_CHECK;
    boolean hcRecursion = true;
    Name hcDomain = Name.root;
    Duration expire = ForwardConfig.DEFAULT_EXPIRE;
    Policy policy = Policy.RANDOM;
    int maxConcurrent;
    int maxConnectAttempts;
    Duration readTimeout = ForwardConfig.DEFAULT_READ_TIMEOUT;
    int idleConns;
    boolean failFast;
  }

  private static void option(Directive d, Directive opt, Options o) throws ConfigException {
    List<String> a = opt.args();
    switch (opt.name()) {
      case "except" -> {
        opt.expectArgs(1, Integer.MAX_VALUE);
        for (String n : a) {
          o.except.add(zone(opt, n));
        }
      }
      case "force_tcp" -> {
        opt.expectArgs(0, 0);
        o.forceTcp = true;
      }
      case "prefer_udp" -> {
        opt.expectArgs(0, 0);
        o.preferUdp = true;
      }
      case "failfast_all_unhealthy_upstreams" -> {
        opt.expectArgs(0, 0);
        o.failFast = true;
      }
      case "expire" -> o.expire = Values.duration(opt, one(opt), Duration.ofMillis(1), Duration.ofHours(24));
      case "max_idle_conns" -> o.idleConns = Values.integer(opt, "max_idle_conns", one(opt), 0, 1 << 16);
      case "max_fails" -> o.maxFails = Values.integer(opt, "max_fails", one(opt), 0, 1 << 20);
      case "max_connect_attempts" ->
          o.maxConnectAttempts = Values.integer(opt, "max_connect_attempts", one(opt), 0, 1 << 10);
      case "max_concurrent" -> o.maxConcurrent = Values.integer(opt, "max_concurrent", one(opt), 0, 1 << 24);
      case "read_timeout" ->
          o.readTimeout = Values.duration(opt, one(opt), Duration.ofMillis(1), Duration.ofMinutes(1));
      case "policy" -> {
        String p = one(opt).toLowerCase(Locale.ROOT);
        o.policy =
            switch (p) {
              case "random" -> Policy.RANDOM;
              case "round_robin" -> Policy.ROUND_ROBIN;
              case "sequential" -> Policy.SEQUENTIAL;
              default -> throw opt.error("'" + p + "' (expected: random, round_robin or sequential)");
            };
      }
      case "health_check" -> healthCheck(opt, o);
      default -> {
        if (UNSUPPORTED.contains(opt.name())) {
          throw opt.error("not supported by nodecache (plain DNS upstreams only)");
        }
        throw d.unknownOption(opt, OPTIONS);
      }
    }
  }

  private static void healthCheck(Directive opt, Options o) throws ConfigException {
    List<String> a = opt.args();
    opt.expectArgs(1, 4);
    o.healthCheck = Values.duration(opt, a.get(0), Duration.ofMillis(1), Duration.ofHours(1));
    for (int i = 1; i < a.size(); i++) {
      switch (a.get(i)) {
        case "no_rec" -> o.hcRecursion = false;
        case "domain" -> {
          if (i + 1 >= a.size()) {
            throw opt.error("'domain' needs a name");
          }
          o.hcDomain = zone(opt, a.get(++i));
        }
        default -> throw opt.error("'" + a.get(i) + "' (expected: no_rec or domain FQDN)");
      }
    }
  }

  private static String one(Directive opt) throws ConfigException {
    opt.expectArgs(1, 1);
    return opt.arg(0);
  }

  private static Name zone(Directive d, String raw) throws ConfigException {
    String s = raw.startsWith("dns://") ? raw.substring(6) : raw;
    if (s.contains("://")) {
      throw d.error("'" + raw + "': only dns:// zones are supported");
    }
    try {
      return Name.fromString(s.endsWith(".") ? s : s + ".").canonicalize();
    } catch (TextParseException e) {
      throw d.error("'" + raw + "' is not a domain name: " + e.getMessage());
    }
  }
}
