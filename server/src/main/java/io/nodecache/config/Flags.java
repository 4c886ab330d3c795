package io.nodecache.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line, node-cache compatible: Go flag syntax ({@code -name value}, {@code -name=value},
 * {@code --name}; booleans only as {@code -name} or {@code -name=false}). Defaults live here.
 */
public record Flags(
    List<InetAddress> localIps,
    String conf,
    int dnsPort,
    String upstreamSvc,
    String pidfile,
    boolean setupInterface,
    boolean setupIptables,
    String interfaceName,
    int syncIntervalSeconds,
    int healthPort,
    boolean skipTeardown,
    String metricsListenAddress,
    String kubednscm,
    String baseCorefile,
    boolean reloadWithSignal,
    String prometheusListenAddress,
    String rulesBackend,
    boolean failOpen,
    List<InetAddress> failOpenTargets,
    String handoff,
    Duration handoffOverlap,
    int clientMetricsTop,
    Duration warmup,
    Duration warmupCold,
    int warmupQueries,
    int warmupNice,
    boolean help,
    boolean version,
    boolean plugins,
    boolean quiet,
    List<String> positional) {

  /** K of {@code coredns_nodecache_client_requests_total}: namespaces with their own series. */
  public static final int DEFAULT_CLIENT_METRICS_TOP = 20;
  /** The largest K accepted: the metric's cardinality is (K + 1) × rcodes seen. */
  public static final int MAX_CLIENT_METRICS_TOP = 200;
  /** The longest {@code -handoff-overlap} accepted. */
  public static final Duration MAX_HANDOFF_OVERLAP = Duration.ofSeconds(10);
  /** The longest {@code -warmup} accepted. */
  public static final Duration MAX_WARMUP = Duration.ofSeconds(60);
  /** The longest {@code -warmup-cold} accepted: nobody answers the node's DNS meanwhile. */
  public static final Duration MAX_WARMUP_COLD = Duration.ofSeconds(2);

  /** Flag name to its help text and default, in the order {@code --help} prints them. */
  public static final Map<String, String[]> SPEC = spec();

  private static Map<String, String[]> spec() {
    Map<String, String[]> m = new LinkedHashMap<>();
    m.put("localip", new String[] {"", "comma-separated IP addresses to bind to and set up (IPv4 and IPv6 may be mixed)"});
    m.put("conf", new String[] {"", "Corefile path (default: the embedded demo Corefile)"});
    m.put("dns.port", new String[] {"53", "port of server blocks that name none, and of the NOTRACK rules"});
    m.put("upstreamsvc", new String[] {"kube-dns", "Service whose ClusterIP fills __PILLAR__CLUSTER__DNS__ (from NAME_SERVICE_HOST)"});
    m.put("pidfile", new String[] {"", "file to write the pid to once the listeners are bound"});
    m.put("setupinterface", new String[] {"true", "create the dummy interface holding -localip (only with -localip)"});
    m.put("setupiptables", new String[] {"true", "install NOTRACK rules for -localip (only with -localip)"});
    m.put("interfacename", new String[] {"nodelocaldns", "name of the interface holding -localip"});
    m.put("syncinterval", new String[] {"60", "seconds between re-checks of the interface and rules"});
    m.put("health-port", new String[] {"8080", "port of the health endpoint (for its NOTRACK rules)"});
    m.put("skipteardown", new String[] {"false", "leave rules and interface in place on exit"});
    m.put("metrics-listen-address", new String[] {"0.0.0.0:9353", "address of the node setup metrics endpoint"});
    m.put("kubednscm", new String[] {"", "directory where the kube-dns ConfigMap is mounted"});
    m.put("basecorefile", new String[] {"/etc/coredns/Corefile.base", "template Corefile used with -kubednscm"});
    m.put("corefile", new String[] {"/etc/Corefile", "accepted for node-cache compatibility; -conf is used"});
    m.put("reloadwithsignal", new String[] {"false", "accepted for node-cache compatibility; reload is always graceful"});
    m.put("prometheus-listen-address", new String[] {":9253", "fills __PROMETHEUS__ENDPOINT__"});
    m.put("rules-backend", new String[] {"auto", "iptables, nftables or auto"});
    m.put("failopen", new String[] {"false", "while no socket of ours listens on a -localip address, send DNS to it to the cluster DNS (DNAT) instead of dropping it"});
    m.put("failopen-targets", new String[] {"", "comma-separated cluster DNS addresses for -failopen when the kubernetes plugin does not know the -upstreamsvc endpoints"});
    m.put("handoff", new String[] {"", "unix socket path for the zero-loss restart: take over the running instance's DNS sockets there, then serve them to the next one"});
    m.put("handoff-overlap", new String[] {"2s", "with -handoff, when taking over: how long both instances read the sockets before the old one stops, so that it answers what the new one, compiling on its first real traffic, is slow to take (0 stops it at once; at most 10s)"});
    m.put("client-metrics-top", new String[] {String.valueOf(DEFAULT_CLIENT_METRICS_TOP), "namespaces with their own series in coredns_nodecache_client_requests_total, the rest is namespace=\"other\" (0.." + MAX_CLIENT_METRICS_TOP + "; 0 turns client attribution and /debug/clients off)"});
    m.put("warmup", new String[] {"3s", "with -handoff, when a running instance hands its sockets over: longest warm-up (synthetic queries through a throw-away copy of the server) before taking them; it keeps serving meanwhile (0 turns it off)"});
    m.put("warmup-cold", new String[] {"0", "longest warm-up of a start that takes over from nobody: nothing answers meanwhile (0 turns it off; at most 2s)"});
    m.put("warmup-queries", new String[] {"50000", "most queries of a warm-up (0 turns it off)"});
    m.put("warmup-nice", new String[] {"10", "with -handoff, when taking over: how much lower the CPU priority (nice) of this process is from its start to the take-over, so the serving instance keeps its CPU; needs CAP_SYS_NICE to get the priority back, else it stays unchanged (0 turns it off; at most 19)"});
    m.put("help", new String[] {"false", "print this help"});
    m.put("version", new String[] {"false", "print the version"});
    m.put("plugins", new String[] {"false", "list the plugins this build holds, in chain order, and exit"});
    m.put("quiet", new String[] {"false", "no start-up output (the listening addresses); errors are still logged"});
    return m;
  }

  private static final List<String> BOOLEANS =
      List.of("setupinterface", "setupiptables", "skipteardown", "reloadwithsignal", "failopen", "help", "version", "plugins", "quiet");

  public static Flags parse(String... argv) throws ConfigException {
    Map<String, String> v = new LinkedHashMap<>();
    SPEC.forEach((k, s) -> v.put(k, s[0]));
    List<String> positional = new ArrayList<>();
    for (int i = 0; i < argv.length; i++) {
      String a = argv[i];
      if (!a.startsWith("-") || a.equals("-") || !positional.isEmpty()) {
        positional.add(a);
        continue;
      }
      String name = a.replaceFirst("^--?", "");
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (name.equals("h")) {
        name = "help";
      }
      if (name.equals("p")) {
        name = "dns.port";
      }
      if (!SPEC.containsKey(name)) {
        throw new ConfigException("flag provided but not defined: -" + name + " (see --help)");
      }
      if (BOOLEANS.contains(name)) {
        value = value == null ? "true" : value;
        if (!value.equals("true") && !value.equals("false")) {
          throw new ConfigException("-" + name + ": '" + value + "' (expected: true or false)");
        }
      } else if (value == null) {
        if (i + 1 >= argv.length) {
          throw new ConfigException("-" + name + ": missing value");
        }
        value = argv[++i];
      }
      v.put(name, value);
    }
    return new Flags(
        ips("localip", v.get("localip")),
        v.get("conf"),
        port("dns.port", v.get("dns.port")),
        v.get("upstreamsvc"),
        v.get("pidfile"),
        bool(v, "setupinterface"),
        bool(v, "setupiptables"),
        nonEmpty("interfacename", v.get("interfacename")),
        range("syncinterval", v.get("syncinterval"), 1, 86400),
        port("health-port", v.get("health-port")),
        bool(v, "skipteardown"),
        v.get("metrics-listen-address"),
        v.get("kubednscm"),
        v.get("basecorefile"),
        bool(v, "reloadwithsignal"),
        v.get("prometheus-listen-address"),
        backend(v.get("rules-backend")),
        bool(v, "failopen"),
        ips("failopen-targets", v.get("failopen-targets")),
        v.get("handoff"),
        duration("handoff-overlap", v.get("handoff-overlap"), MAX_HANDOFF_OVERLAP),
        range("client-metrics-top", v.get("client-metrics-top"), 0, MAX_CLIENT_METRICS_TOP),
        duration("warmup", v.get("warmup"), MAX_WARMUP),
        duration("warmup-cold", v.get("warmup-cold"), MAX_WARMUP_COLD),
        range("warmup-queries", v.get("warmup-queries"), 0, 10_000_000),
        range("warmup-nice", v.get("warmup-nice"), 0, 19),
        bool(v, "help"),
        bool(v, "version"),
        bool(v, "plugins"),
        bool(v, "quiet"),
        List.copyOf(positional));
  }

  private static boolean bool(Map<String, String> v, String name) {
    return Boolean.parseBoolean(v.get(name));
  }

  private static List<InetAddress> ips(String flag, String s) throws ConfigException {
    List<InetAddress> out = new ArrayList<>();
    if (s.isBlank()) {
      return out;
    }
    for (String part : s.split(",")) {
      String p = part.trim();
      if (!p.matches("[0-9a-fA-F:.]+") || (!p.contains(".") && !p.contains(":"))) {
        throw new ConfigException("-" + flag + ": '" + p + "' is not an IP address (expected: e.g. 169.254.20.10,fd00::10)");
      }
      try {
        out.add(InetAddress.getByName(p));
      } catch (UnknownHostException e) {
        throw new ConfigException("-" + flag + ": '" + p + "' is not an IP address");
      }
    }
    return List.copyOf(out);
  }

  private static int port(String flag, String s) throws ConfigException {
    return range(flag, s, 0, 65535);
  }

  private static int range(String flag, String s, int min, int max) throws ConfigException {
    try {
      int n = Integer.parseInt(s.trim());
      if (n < min || n > max) {
        throw new ConfigException("-" + flag + ": " + n + " (expected: " + min + ".." + max + ")");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ConfigException("-" + flag + ": '" + s + "' is not a number (expected: " + min + ".." + max + ")");
    }
  }

  private static Duration duration(String flag, String s, Duration max) throws ConfigException {
    Duration d;
    try {
      d = Values.durationOrSeconds(new Directive(flag, List.of(s), List.of(), new Location("-" + flag, 0)), s.trim());
    } catch (ConfigException e) {
      throw new ConfigException("-" + flag + ": '" + s + "' is not a duration (expected: e.g. 500ms, 3s; 0 turns it off)");
    }
    if (d.compareTo(max) > 0) {
      throw new ConfigException("-" + flag + ": " + s + " (expected: at most " + max.toSeconds() + "s)");
    }
    return d;
  }

  private static String nonEmpty(String flag, String s) throws ConfigException {
    if (s.isBlank()) {
      throw new ConfigException("-" + flag + ": empty (expected: a name)");
    }
    return s;
  }

  private static String backend(String s) throws ConfigException {
    if (!List.of("iptables", "nftables", "auto").contains(s)) {
      throw new ConfigException("-rules-backend: '" + s + "' (expected: iptables, nftables or auto)");
    }
    return s;
  }

  /** The text {@code --help} prints. */
  public static String usage() {
    StringBuilder sb = new StringBuilder("Usage: java -jar nodecache.jar [flags]\n\nFlags:\n");
    SPEC.forEach(
        (k, s) ->
            sb.append(String.format("  -%-26s %s%s%n", k, s[1], s[0].isEmpty() ? "" : " (default " + s[0] + ")")));
    return sb.toString();
  }
}
