package io.nodecache.node;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Keeps the rule set in its own {@code table inet nodecache}: {@code notrack} in base chains at raw
 * priority on prerouting and output, {@code accept} at filter priority on input and output. The
 * table is compared with {@code nft list table} and, on any difference, replaced in one atomic
 * {@code nft -f} transaction. An {@code accept} here does not overrule a {@code drop} in another
 * table (nftables verdicts are final only when they drop), so a node whose iptables filter policy is
 * DROP still needs the iptables backend.
 */
final class NftablesRules implements RulesManager {

  static final String TABLE = "nodecache";
  private static final Pattern HANDLE = Pattern.compile("\\s+# handle \\d+$");
  private static final Pattern COUNTER = Pattern.compile("\\bcounter packets \\d+ bytes \\d+\\s*");
  private static final Map<String, String> HEADERS =
      Map.of(
          "raw_prerouting", "type filter hook prerouting priority raw; policy accept;",
          "raw_output", "type filter hook output priority raw; policy accept;",
          "filter_input", "type filter hook input priority filter; policy accept;",
          "filter_output", "type filter hook output priority filter; policy accept;",
          "nat_prerouting", "type nat hook prerouting priority dstnat; policy accept;",
          "nat_output", "type nat hook output priority -100; policy accept;",
          "nat_postrouting", "type nat hook postrouting priority srcnat; policy accept;");

  private final CommandRunner runner;
  private final SetupErrors errors;
  private final NodeNetConfig config;
  private final List<Rule> rules;
  /** Chain name → header line followed by the statements, for the targets of the last pass. */
  private Map<String, List<String>> expected;
  private Map<String, String> sets = Map.of();

  NftablesRules(CommandRunner runner, NodeNetConfig config, SetupErrors errors) {
    this.runner = runner;
    this.errors = errors;
    this.config = config;
    this.rules = RuleTable.build(config);
    this.expected = expected(List.of());
  }

  /** node-cache's statements by chain, plus the fail-open ones for {@code targets}. */
  private Map<String, List<String>> expected(List<InetAddress> targets) {
    Map<String, List<String>> failOpen = config.failOpen() ? FailOpenRules.nft(config, targets) : Map.of();
    sets = config.failOpen() ? FailOpenRules.nftSets(config) : Map.of();
    Map<String, List<String>> chains = new LinkedHashMap<>();
    for (String chain : List.of("raw_prerouting", "raw_output", "filter_input", "filter_output",
        "nat_prerouting", "nat_output", "nat_postrouting")) {
      List<String> lines = new ArrayList<>();
      lines.add(HEADERS.get(chain));
      for (Rule rule : rules) {
        if (rule.nftChain().equals(chain)) {
          lines.add(rule.nftStatement());
        }
      }
      lines.addAll(failOpen.getOrDefault(chain, List.of()));
      if (lines.size() > 1 || !chain.startsWith("nat_")) {
        chains.put(chain, lines);
      }
    }
    return chains;
  }

  /** True when kube-proxy runs in nftables mode here (its {@code ip}/{@code ip6 kube-proxy} table exists). */
  static boolean kubeProxyUsesNftables(CommandRunner runner) {
    CommandRunner.Result tables = runner.run("nft", "list", "tables");
    return tables.ok()
        && tables.stdout().lines().map(String::strip)
            .anyMatch(l -> l.equals("table ip kube-proxy") || l.equals("table ip6 kube-proxy"));
  }

  @Override
  public String describe() {
    return "nftables (table inet " + TABLE + ")";
  }

  @Override
  public void reconcile(ReconcileReport.Builder report, List<InetAddress> targets) {
    expected = expected(targets);
    try {
      Map<String, List<String>> present = list();
      List<String> added = new ArrayList<>();
      List<String> removed = new ArrayList<>();
      int found = 0;
      boolean headerChanged = false;
      for (Map.Entry<String, List<String>> chain : expected.entrySet()) {
        List<String> have = new ArrayList<>(present.getOrDefault(chain.getKey(), List.of()));
        List<String> want = chain.getValue();
        // The first line is the chain's hook and priority: rewritten silently when missing, and a
        // wrong one present is reported among the removed lines below.
        headerChanged |= !have.remove(want.get(0));
        for (String line : want.subList(1, want.size())) {
          if (have.remove(line)) {
            found++;
          } else {
            added.add("nft inet " + TABLE + " " + chain.getKey() + ": " + line);
          }
        }
        have.forEach(line -> removed.add("nft inet " + TABLE + " " + chain.getKey() + ": " + line));
      }
      present.keySet().stream()
          .filter(chain -> !expected.containsKey(chain))
          .forEach(chain -> removed.add("nft inet " + TABLE + " chain " + chain));
      if (headerChanged || !added.isEmpty() || !removed.isEmpty()) {
        apply();
      }
      added.forEach(report::added);
      removed.forEach(report::removed);
      report.found(found);
    } catch (SetupException e) {
      errors.record(e, report);
    }
  }

  @Override
  public void teardown(ReconcileReport.Builder report) {
    CommandRunner.Result result = runner.run("nft", "delete", "table", "inet", TABLE);
    if (result.ok()) {
      report.removed("nft table inet " + TABLE);
    } else if (!result.stderr().contains("No such file or directory") || result.binaryMissing()) {
      errors.record(failure(result), report);
    }
  }

  /** The whole table as {@code nft -f} input, for the targets of the last pass (none before it). */
  String script() {
    StringBuilder text = new StringBuilder("table inet ").append(TABLE).append(" {\n");
    sets.forEach((name, definition) -> text.append("\tset ").append(name).append(" { ").append(definition).append(" }\n"));
    for (Map.Entry<String, List<String>> chain : expected.entrySet()) {
      text.append("\tchain ").append(chain.getKey()).append(" {\n");
      chain.getValue().forEach(line -> text.append("\t\t").append(line).append('\n'));
      text.append("\t}\n");
    }
    return text.append("}\n").toString();
  }

  private void apply() throws SetupException {
    // "add, delete, define" in one transaction: the table is replaced atomically whether or not it
    // existed, and packets never see a half-written rule set.
    String transaction =
        "table inet " + TABLE + "\ndelete table inet " + TABLE + "\n" + script();
    CommandRunner.Result result = runner.run(List.of("nft", "-f", "-"), transaction);
    if (!result.ok()) {
      throw failure(result);
    }
  }

  /** Chain → header and statements as nft prints them (handles and counters stripped). */
  private Map<String, List<String>> list() throws SetupException {
    CommandRunner.Result result = runner.run("nft", "list", "table", "inet", TABLE);
    Map<String, List<String>> chains = new LinkedHashMap<>();
    if (!result.ok()) {
      if (result.stderr().contains("No such file or directory") && !result.binaryMissing()) {
        return chains;
      }
      throw failure(result);
    }
    List<String> current = null;
    for (String raw : result.stdout().split("\n")) {
      String line = COUNTER.matcher(HANDLE.matcher(raw).replaceFirst("")).replaceAll("").strip();
      if (line.startsWith("chain ") && line.endsWith("{")) {
        current = new ArrayList<>();
        chains.put(line.substring(6, line.length() - 1).strip(), current);
      } else if (line.equals("}")) {
        current = null;
      } else if (current != null && !line.isEmpty()) {
        current.add(line.replaceAll("\\s+", " "));
      }
    }
    return chains;
  }

  private static SetupException failure(CommandRunner.Result result) {
    String line = result.firstErrorLine();
    if (result.binaryMissing()) {
      return new SetupException(
          SetupErrors.NFTABLES, "nft not found: install nftables, or use -rules-backend iptables");
    }
    if (line.contains("Operation not permitted") || line.contains("Permission denied")) {
      return new SetupException(
          SetupErrors.NFTABLES,
          "nft: permission denied; nodecache must run as root or with CAP_NET_ADMIN (" + line + ")");
    }
    return new SetupException(SetupErrors.NFTABLES, result.command() + " failed: " + line);
  }
}
