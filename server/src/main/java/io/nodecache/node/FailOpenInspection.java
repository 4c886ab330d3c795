package io.nodecache.node;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The doctor's {@code fail-open} check (with {@code -failopen} only), read-only: every piece of
 * {@link FailOpenRules} is in place for each address (iptables: our three chains with their jumps;
 * nftables: the heartbeat, NOTRACK-while-alive, DNAT and masquerade statements), and the DNAT has at
 * least one target, so DNS to the addresses has somewhere to go while nodecache is away. The detail
 * names the targets and whether the heartbeat is seen now.
 */
final class FailOpenInspection {

  static final String CHECK = "fail-open";
  private static final String FIX =
      "nodecache writes these rules at start and every -syncinterval; check its log and"
          + " coredns_nodecache_setup_errors_total";
  private static final String NO_TARGET_FIX =
      "the kubernetes plugin gives the ready endpoints of -upstreamsvc (kube-dns-upstream; check its"
          + " EndpointSlices and that the Corefile has a kubernetes block without noendpoints), or pass"
          + " -failopen-targets with the kube-dns pod addresses";
  private static final Pattern IPT_TARGET = Pattern.compile("--to-destination \\[?([0-9a-fA-F.:]+?)\\]?:\\d+");
  private static final Pattern NFT_TARGET = Pattern.compile("\\d+ : ([0-9a-fA-F.:]+)");

  private FailOpenInspection() {}

  static Doctor.Check inspect(CommandRunner runner, NodeNetConfig config, boolean nftables, Xtables tools) {
    List<String> missing = new ArrayList<>();
    TreeSet<String> targets = new TreeSet<>();
    boolean alive;
    try {
      alive = nftables ? nft(runner, config, missing, targets) : iptables(runner, config, tools, missing, targets);
    } catch (SetupException e) {
      return Doctor.Check.fail(CHECK, "cannot read the rules: " + e.getMessage(),
          "run the doctor as root (or in the nodecache pod, which has NET_ADMIN)");
    }
    String ips = String.join(",", config.failOpenIps().stream().map(Addresses::format).toList());
    if (!missing.isEmpty()) {
      return Doctor.Check.fail(CHECK, "missing for " + ips + ": " + String.join("; ", missing), FIX);
    }
    if (targets.isEmpty()) {
      return Doctor.Check.fail(CHECK, "the DNAT for " + ips + " has no target: while nodecache is away, DNS to"
          + " them goes nowhere", NO_TARGET_FIX);
    }
    return Doctor.Check.pass(CHECK, "while no socket of ours listens, DNS to " + ips + " is DNATed to "
        + String.join(", ", targets) + "; now " + (alive
            ? "answered on the node (heartbeat seen within 1 s)"
            : "failing open (no heartbeat: is nodecache running?)"));
  }

  private static boolean iptables(
      CommandRunner runner, NodeNetConfig config, Xtables tools, List<String> missing, TreeSet<String> targets)
      throws SetupException {
    for (boolean ipv6 : List.of(false, true)) {
      for (FailOpenRules.Chain chain : FailOpenRules.iptables(config, List.of(), ipv6)) {
        CommandRunner.Result saved = runner.run(tools.save(ipv6), "-t", chain.table());
        if (!saved.ok()) {
          throw IptablesRules.failure(saved);
        }
        String text = saved.stdout();
        String family = ipv6 ? "ip6tables " : "iptables ";
        if (!text.contains("\n:" + chain.name() + " ")) {
          missing.add(family + chain.table() + " chain " + chain.name());
          continue;
        }
        for (String from : chain.jumpFrom()) {
          if (!text.contains("-A " + from + " -m comment --comment \"" + FailOpenRules.COMMENT + "\" -j " + chain.name())) {
            missing.add(family + chain.table() + " " + from + " -j " + chain.name());
          }
        }
        for (String comment : chain.comments()) {
          if (!text.contains("--comment \"" + comment + "\"")) {
            missing.add(family + chain.name() + ": " + comment.substring(FailOpenRules.COMMENT.length() + 2));
          }
        }
        if (chain.name().equals(FailOpenRules.DNAT_CHAIN)) {
          text.lines().filter(l -> l.startsWith("-A " + FailOpenRules.DNAT_CHAIN + " "))
              .map(IPT_TARGET::matcher).filter(Matcher::find).forEach(m -> targets.add(m.group(1)));
        }
      }
    }
    return heartbeatMoves(runner);
  }

  /**
   * Whether the heartbeat beats now: xt_recent keeps an address's last-seen time (in jiffies) after the
   * beats stop, so the list is read twice, 500 ms apart (two and a half beats), and must have changed.
   */
  private static boolean heartbeatMoves(CommandRunner runner) {
    String path = "/proc/net/xt_recent/" + FailOpenRules.RECENT;
    CommandRunner.Result before = runner.run("cat", path);
    try {
      Thread.sleep(500); // the interval being measured, not a wait for a condition
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    CommandRunner.Result after = runner.run("cat", path);
    return before.ok() && after.ok() && !before.stdout().isBlank() && !before.stdout().equals(after.stdout());
  }

  private static boolean nft(CommandRunner runner, NodeNetConfig config, List<String> missing, TreeSet<String> targets)
      throws SetupException {
    CommandRunner.Result listed = runner.run("nft", "list", "table", "inet", NftablesRules.TABLE);
    if (!listed.ok() && !listed.stderr().contains("No such file or directory")) {
      throw new SetupException(SetupErrors.NFTABLES, listed.command() + " failed: " + listed.firstErrorLine());
    }
    String text = listed.ok() ? listed.stdout().replaceAll("[ \\t]+", " ") : "";
    // Without targets: the DNAT statements are what tells where DNS goes, read below, not a shape to miss.
    FailOpenRules.nft(config, List.of()).forEach((chain, statements) -> {
      for (String statement : statements) {
        if (!text.contains(statement)) {
          missing.add(chain + ": " + statement.replaceFirst(" comment \".*\"$", ""));
        }
      }
    });
    text.lines().filter(l -> l.contains(" dnat ") && l.contains("comment \"" + FailOpenRules.COMMENT))
        .forEach(l -> NFT_TARGET.matcher(l).results().forEach(m -> targets.add(m.group(1))));
    return config.failOpenIps().stream()
        .allMatch(ip -> text.contains("elements = { ") && text.contains(" " + Addresses.format(ip) + " timeout"));
  }
}
