package io.nodecache.forward;

import io.nodecache.chain.Handler;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.RepeatablePluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import io.nodecache.config.Values;
import io.nodecache.config.Zones;
import io.nodecache.forward.UpstreamAddresses.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The {@code forward} directive, with CoreDNS's syntax: {@code forward FROM TO... { options }}. TO is
 * {@code IP[:port]}, {@code [IPv6]:port}, {@code tls://IP[%NAME][:port]}, or a resolv.conf-style file
 * whose {@code nameserver} lines are used. A block may hold several {@code forward} lines: they are
 * tried in file order, as in CoreDNS.
 */
public final class ForwardPluginFactory implements RepeatablePluginFactory {

  private static final Logger LOG = LoggerFactory.getLogger(ForwardPluginFactory.class);

  static final String[] OPTIONS = {
    "except", "force_tcp", "prefer_udp", "expire", "max_idle_conns", "max_fails", "max_connect_attempts",
    "health_check", "policy", "max_concurrent", "read_timeout", "failfast_all_unhealthy_upstreams", "next",
    "next_on_nodata", "failover", "tls", "tls_servername"
  };

  private static final List<String> UNSUPPORTED = List.of("doh_method", "source_address", "resolver");

  /** The rcode names CoreDNS takes ({@code dns.StringToRcode}), case-insensitive. */
  private static final Map<String, Integer> RCODES =
      Map.ofEntries(
          Map.entry("NOERROR", 0), Map.entry("FORMERR", 1), Map.entry("SERVFAIL", 2), Map.entry("NXDOMAIN", 3),
          Map.entry("NOTIMP", 4), Map.entry("REFUSED", 5), Map.entry("YXDOMAIN", 6), Map.entry("YXRRSET", 7),
          Map.entry("NXRRSET", 8), Map.entry("NOTAUTH", 9), Map.entry("NOTZONE", 10), Map.entry("DSOTYPENI", 11),
          Map.entry("BADSIG", 16), Map.entry("BADKEY", 17), Map.entry("BADTIME", 18), Map.entry("BADMODE", 19),
          Map.entry("BADNAME", 20), Map.entry("BADALG", 21), Map.entry("BADTRUNC", 22), Map.entry("BADCOOKIE", 23));

  @Override
  public String name() {
    return "forward";
  }

  /**
   * Builds every {@code forward} of the block, chained in file order: one whose FROM or except does not
   * take a query, or whose {@code next}/{@code next_on_nodata} matches the answer, passes it to the
   * following one; the last passes to the next plugin.
   */
  @Override
  public Handler create(List<Directive> directives, PluginContext context) throws ConfigException {
    List<ForwardConfig> configs = new ArrayList<>();
    for (Directive d : directives) {
      configs.add(parse(d));
    }
    Directive last = directives.get(directives.size() - 1);
    ForwardConfig lastConfig = configs.get(configs.size() - 1);
    if (!lastConfig.nextRcodes().isEmpty() || lastConfig.nextOnNodata()) {
      LOG.warn("{}: forward: next/next_on_nodata has no effect on the last forward of a block (as in CoreDNS)", last.where());
    }
    Forward following = null;
    for (int i = configs.size() - 1; i >= 0; i--) {
      following = new Forward(configs.get(i), context, following);
    }
    return following;
  }

  /** Validates the directive into a config; errors name the file and line. */
  public static ForwardConfig parse(Directive d) throws ConfigException {
    d.expectArgs(2, Integer.MAX_VALUE);
    Name from = zone(d, d.arg(0));
    List<Target> to = new ArrayList<>();
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
    boolean anyTls = false;
    for (Target t : to) {
      anyTls |= t.tls();
      if (t.serverName() != null && o.tlsServerName != null) {
        throw d.error("both tls_servername '" + o.tlsServerName + "' and the server name of 'tls://" + Upstream.label(t.address()) + "%"
            + t.serverName() + "' are set (expected: one of them)");
      }
    }
    TlsClient tls = o.tls;
    if (tls == null && anyTls) {
      tls = TlsClient.systemDefault(d);
    }
    return new ForwardConfig(
        from, to, o.except, o.forceTcp, o.preferUdp && !o.forceTcp, o.maxFails, o.healthCheck,
        o.hcRecursion, o.hcDomain, o.expire, o.policy, o.maxConcurrent, o.maxConnectAttempts,
        o.readTimeout, ForwardConfig.DEFAULT_DEADLINE, o.idleConns, o.failFast, o.next, o.nextOnNodata,
        o.failover, anyTls ? tls : null, o.tlsServerName);
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
    Set<Integer> next = new HashSet<>();
    boolean nextOnNodata;
    Set<Integer> failover = new HashSet<>();
    TlsClient tls;
    String tlsServerName;
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
      case "expire" -> o.expire = Values.duration(opt, one(opt), Duration.ofMillis(1), Values.LONGEST); // CoreDNS: no upper bound
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
      case "next" -> o.next.addAll(rcodes(opt, false));
      case "failover" -> o.failover.addAll(rcodes(opt, true));
      case "next_on_nodata" -> {
        opt.expectArgs(0, 0);
        o.nextOnNodata = true;
      }
      case "tls" -> o.tls = TlsClient.of(opt);
      case "tls_servername" -> o.tlsServerName = one(opt);
      default -> {
        if (UNSUPPORTED.contains(opt.name())) {
          throw opt.error("not supported by nodecache (plain DNS and DNS over TLS upstreams given by IP only)");
        }
        throw d.unknownOption(opt, OPTIONS);
      }
    }
  }

  private static void healthCheck(Directive opt, Options o) throws ConfigException {
    List<String> a = opt.args();
    opt.expectArgs(1, 4);
    o.healthCheck = Values.duration(opt, a.get(0), Duration.ofMillis(1), Values.LONGEST); // CoreDNS: no upper bound
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

  /** RCODE names, as CoreDNS reads them; {@code failover} refuses NOERROR. */
  private static Set<Integer> rcodes(Directive opt, boolean failover) throws ConfigException {
    opt.expectArgs(1, Integer.MAX_VALUE);
    Set<Integer> out = new HashSet<>();
    for (String a : opt.args()) {
      Integer rc = RCODES.get(a.toUpperCase(Locale.ROOT));
      if (rc == null) {
        throw opt.error("'" + a + "' is not an rcode (expected e.g. NXDOMAIN, SERVFAIL, REFUSED)");
      }
      if (failover && rc == 0) {
        throw opt.error("NOERROR cannot be used in failover");
      }
      out.add(rc);
    }
    return out;
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
    // As CoreDNS (plugin.Host.NormalizeExact): a CIDR stands for its reverse zone; one that spans
    // several zones (off the octet or nibble boundary) forwards only the first, with a warning.
    List<String> zones = Zones.normalizeExact(s);
    if (zones.isEmpty()) {
      throw d.error("'" + raw + "' is not a domain name");
    }
    if (zones.size() > 1) {
      LOG.warn("{}: forward: '{}' stands for {} zones; only '{}' is forwarded (as CoreDNS)", d.where(), raw, zones.size(), zones.get(0));
    }
    try {
      return Name.fromString(zones.get(0)).canonicalize();
    } catch (TextParseException e) {
      throw d.error("'" + raw + "' is not a domain name: " + e.getMessage());
    }
  }
}
