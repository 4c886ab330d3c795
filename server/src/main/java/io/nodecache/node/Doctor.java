package io.nodecache.node;

import io.nodecache.config.ConfigException;
import io.nodecache.config.Flags;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code nodecache doctor}: checks a node the way an operator would when pod DNS misbehaves (interface,
 * rules and their order, kube-proxy mode, conntrack drops, real queries, upstreams, resolv.conf) and
 * prints one {@code PASS}/{@code FAIL} line per check, each failure with its fix.
 */
public final class Doctor {

  /** Bounds each command the doctor runs. */
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
  /** Deadline of each DNS query. */
  static final Duration QUERY_TIMEOUT = Duration.ofSeconds(2);
  static final String IPVS_LINK = "kube-ipvs0";
  private static final Pattern INSERT_FAILED = Pattern.compile("\\binsert_failed=(\\d+)");

  /** The outcome of one check; {@code fix} is null when it passed. */
  public record Check(String name, boolean passed, String detail, String fix) {

    static Check pass(String name, String detail) {
      return new Check(name, true, detail, null);
    }

    static Check fail(String name, String detail, String fix) {
      return new Check(name, false, detail, fix);
    }

    /** {@code PASS name: detail} or {@code FAIL name: detail — fix: fix}. */
    public String line() {
      return passed ? "PASS " + name + ": " + detail : "FAIL " + name + ": " + detail + " — fix: " + fix;
    }
  }

  private final NodeNetConfig config;
  private final Path resolvConf;
  private final CommandRunner runner;
  private final DnsProbe probe;

  /**
   * A doctor for the node {@code runner} runs commands on and {@code probe} queries from, reading
   * the upstreams from {@code resolvConf}.
   */
  public Doctor(NodeNetConfig config, Path resolvConf, CommandRunner runner, DnsProbe probe) {
    this.config = config;
    this.resolvConf = resolvConf;
    this.runner = runner;
    this.probe = probe;
  }

  /**
   * {@code nodecache doctor [flags]} on this host: prints the checks to stdout and returns the exit
   * code, 0 when all pass, 1 when any fails, 2 for bad flags.
   */
  public static int command(String... args) {
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    NodeNetConfig config;
    try {
      Flags flags = Flags.parse(args);
      if (flags.help()) {
        out.print("usage: nodecache doctor -localip IP[,IP...] [-interfacename NAME] [-dns.port N]"
            + " [-health-port N] [-rules-backend iptables|nftables|auto] [-failopen]\n"
            + "Checks this node's DNS setup for nodecache; one PASS/FAIL line per check, exit code 0 when all"
            + " pass.\n");
        return 0;
      }
      config = config(flags);
    } catch (ConfigException e) {
      System.err.println("nodecache doctor: " + e.getMessage());
      return 2;
    }
    Doctor doctor =
        new Doctor(config, Path.of("/etc/resolv.conf"), CommandRunner.host(COMMAND_TIMEOUT), DnsProbe.inProcess());
    return doctor.run(out);
  }

  /** What to check, from the server's own flags: the rules for exactly these flags are expected. */
  static NodeNetConfig config(Flags flags) throws ConfigException {
    if (!flags.positional().isEmpty()) {
      throw new ConfigException("unexpected argument '" + flags.positional().get(0) + "' (see doctor -help)");
    }
    if (flags.localIps().isEmpty()) {
      throw new ConfigException(
          "-localip is required: the addresses nodecache serves, e.g. -localip 169.254.20.10,10.96.0.10");
    }
    try {
      return new NodeNetConfig(
          flags.localIps(), flags.dnsPort(), flags.healthPort(), flags.interfaceName(), flags.setupInterface(),
          flags.setupIptables(), false,
          Duration.ofSeconds(flags.syncIntervalSeconds()), RulesBackend.parse(flags.rulesBackend()),
          flags.failOpen(),
          flags.failOpen() ? flags.localIps() : List.of()); // as NodeNetConfig.fromFlags: every address
    } catch (IllegalArgumentException e) {
      throw new ConfigException("-" + e.getMessage());
    }
  }

  /** Runs every check, prints one line each to {@code out}; 0 when all passed, else 1. */
  public int run(PrintStream out) {
    List<Check> checks = checks(out);
    return checks.stream().allMatch(Check::passed) ? 0 : 1;
  }

  /** Runs every check in an operator's order, printing each line as soon as it is known. */
  List<Check> checks(PrintStream out) {
    List<Check> checks = new ArrayList<>();
    Consumer<Check> report =
        check -> {
          checks.add(check);
          out.println(check.line());
        };
    report.accept(interfaceCheck());
    boolean nftables =
        switch (config.backend()) {
          case NFTABLES -> true;
          case IPTABLES -> false;
          case AUTO -> NftablesRules.kubeProxyUsesNftables(runner);
        };
    Xtables tools = Xtables.detect(runner);
    if (config.setupIptables()) {
      new RuleInspection(runner, config).inspect(nftables, tools).forEach(report);
      if (config.failOpen()) {
        report.accept(FailOpenInspection.inspect(runner, config, nftables, tools));
      }
    } else {
      report.accept(Check.pass(RuleInspection.RULES, "not checked: -setupiptables=false (the rules are managed"
          + " elsewhere)"));
    }
    report.accept(kubeProxy(tools));
    report.accept(conntrack());
    new DnsChecks(config, resolvConf, probe).run().forEach(report);
    return checks;
  }

  private Check interfaceCheck() {
    String name = config.interfaceName();
    String check = "interface";
    CommandRunner.Result link =
        config.setupInterface() ? runner.run("ip", "-o", "link", "show", "dev", name) : null;
    if (link != null && !link.ok()) {
      return link.stderr().contains("does not exist")
          ? Check.fail(check, "interface " + name + " does not exist",
              "nodecache creates it at start (-setupinterface, the default): check that nodecache runs on this"
                  + " node and its log; -interfacename must match the server's")
          : Check.fail(check, link.command() + ": " + link.firstErrorLine(), rootFix());
    }
    CommandRunner.Result addrs = runner.run("ip", "-o", "addr", "show");
    if (!addrs.ok()) {
      return Check.fail(check, addrs.command() + ": " + addrs.firstErrorLine(), rootFix());
    }
    Map<InetAddress, String> owners = owners(addrs.stdout());
    List<String> problems = new ArrayList<>();
    List<String> held = new ArrayList<>();
    for (InetAddress ip : config.localIps()) {
      String owner = owners.get(ip);
      if (name.equals(owner) || (owner != null && !config.setupInterface())) {
        held.add(Addresses.hostCidr(ip) + (config.setupInterface() ? "" : " on " + owner));
      } else if (owner == null) {
        problems.add(Addresses.format(ip) + " is on no interface");
      } else {
        problems.add(Addresses.format(ip) + " is on " + owner + ", not on " + name);
      }
    }
    if (problems.isEmpty()) {
      return Check.pass(check, config.setupInterface()
          ? name + " holds " + String.join(", ", held)
          : String.join(", ", held) + " (-setupinterface=false: any interface will do)");
    }
    return Check.fail(check, String.join("; ", problems),
        "nodecache adds its addresses at start and within -syncinterval (by hand: ip addr add "
            + Addresses.hostCidr(config.localIps().get(0)) + " dev " + name + "); an address that another"
            + " interface holds must be dropped from -localip (on " + IPVS_LINK + ": see kube-proxy)");
  }

  private Check kubeProxy(Xtables tools) {
    String check = "kube-proxy";
    CommandRunner.Result ipvs = runner.run("ip", "-o", "addr", "show", "dev", IPVS_LINK);
    if (ipvs.ok()) {
      Map<InetAddress, String> services = owners(ipvs.stdout());
      List<String> taken =
          config.localIps().stream().filter(services::containsKey).map(Addresses::format).toList();
      if (taken.isEmpty()) {
        return Check.pass(check, "IPVS mode: " + IPVS_LINK + " holds " + count(services.size(), "service IP")
            + ", none of them in -localip");
      }
      List<String> keep =
          config.localIps().stream().filter(ip -> !services.containsKey(ip)).map(Addresses::format).toList();
      return Check.fail(check,
          "IPVS mode: " + IPVS_LINK + " holds " + String.join(", ", taken) + ", which -localip names too; IPVS"
              + " owns that address on this node and schedules its packets to the kube-dns pods at INPUT, so"
              + " they never reach the cache's socket",
          "in IPVS mode give nodecache only the link-local address (-localip "
              + (keep.isEmpty() ? "169.254.20.10" : String.join(",", keep))
              + ") and point kubelet at it (KubeletConfiguration clusterDNS: [" + (keep.isEmpty() ? "169.254.20.10" : keep.get(0))
              + "]), then restart the nodecache pods");
    }
    if (NftablesRules.kubeProxyUsesNftables(runner)) {
      return Check.pass(check, "nftables mode (table ip kube-proxy); no " + IPVS_LINK);
    }
    CommandRunner.Result nat = runner.run(tools.save(false), "-t", "nat");
    if (nat.ok() && nat.stdout().lines().anyMatch(l -> l.startsWith(":KUBE-SERVICES "))) {
      return Check.pass(check, "iptables mode (nat chain KUBE-SERVICES, " + tools.mode() + "); no " + IPVS_LINK);
    }
    return Check.pass(check, "no kube-proxy found (no " + IPVS_LINK + ", no nft table ip kube-proxy, no nat"
        + " chain KUBE-SERVICES): a kube-proxy replacement may handle services");
  }

  private Check conntrack() {
    String check = "conntrack";
    CommandRunner.Result stats = runner.run("conntrack", "-S");
    if (stats.binaryMissing()) {
      return Check.fail(check, "conntrack not found", "install it (Debian/Ubuntu: apt-get install conntrack)");
    }
    long failed = insertFailed(stats.stdout());
    if (!stats.ok() || failed < 0) {
      return Check.fail(check, stats.command() + ": " + stats.firstErrorLine(), rootFix());
    }
    long cpus = stats.stdout().lines().filter(l -> INSERT_FAILED.matcher(l).find()).count();
    if (failed == 0) {
      return Check.pass(check, "insert_failed=0 (sum over " + cpus + " CPUs)");
    }
    return Check.fail(check,
        "insert_failed=" + failed + " (sum over " + cpus + " CPUs): packets were dropped because two UDP"
            + " packets of one flow (a pod's parallel A and AAAA queries through the DNAT to kube-dns) raced to"
            + " insert the same conntrack entry, the cause of 5 s DNS timeouts",
        "send pod DNS through nodecache (kubelet clusterDNS " + Addresses.format(config.localIps().get(0))
            + ", or the kube-dns ClusterIP in -localip): its NOTRACK path creates no conntrack entries, so the"
            + " race cannot happen there; the counter only grows until reboot, so compare two runs");
  }

  /** Sum of {@code insert_failed=N} over the per-CPU lines of {@code conntrack -S}; -1 when absent. */
  static long insertFailed(String stats) {
    long sum = -1;
    for (String line : stats.split("\n")) {
      Matcher m = INSERT_FAILED.matcher(line);
      if (m.find()) {
        sum = Math.max(sum, 0) + Long.parseLong(m.group(1));
      }
    }
    return sum;
  }

  /** Which interface holds each address, from {@code ip -o addr show} lines. */
  static Map<InetAddress, String> owners(String ipAddrOutput) {
    Map<InetAddress, String> owners = new HashMap<>();
    for (String line : ipAddrOutput.split("\n")) {
      // "1: lo    inet 169.254.20.10/32 scope global lo\       valid_lft forever ..."
      String[] words = line.trim().split("\\s+");
      if (words.length >= 4 && (words[2].equals("inet") || words[2].equals("inet6"))) {
        int slash = words[3].indexOf('/');
        InetAddress ip = Addresses.parse(slash < 0 ? words[3] : words[3].substring(0, slash));
        if (ip != null) {
          int at = words[1].indexOf('@');
          owners.put(ip, at < 0 ? words[1] : words[1].substring(0, at));
        }
      }
    }
    return owners;
  }

  /** {@code 1 service IP}, {@code 3 service IPs}. */
  static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  private static String rootFix() {
    return "run the doctor as root on the node (or in the nodecache pod: kubectl exec, it has NET_ADMIN)";
  }
}
