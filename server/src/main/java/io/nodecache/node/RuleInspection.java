package io.nodecache.node;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The doctor's look at node-cache's rule set on the node, read-only: which of the expected rules are
 * missing, whether any sits behind a kube-proxy jump in its chain, and whether any is there twice.
 * Reads iptables ({@code *-save -t TABLE} of the detected variant) or {@code table inet nodecache}.
 */
final class RuleInspection {

  static final String RULES = "rules";
  static final String ORDER = "rule order";
  static final String DUPLICATES = "duplicates";

  private static final String MISSING_FIX =
      "nodecache adds missing rules back within -syncinterval (60 s by default); if they stay missing,"
          + " check that nodecache runs on this node, its log and coredns_nodecache_setup_errors_total,"
          + " and whether another agent (a firewall service, a CNI) flushes the raw or filter table";
  private static final String ORDER_FIX =
      "kube-proxy put its jumps first (it prepends them when it restarts): restart nodecache on this"
          + " node, which inserts its rules at the top again";
  private static final String DUPLICATE_FIX =
      "two writers add the same rules (a second nodecache or an old node-cache DaemonSet on this node):"
          + " keep one; nodecache deletes duplicates at its next sync";

  private final CommandRunner runner;
  private final NodeNetConfig config;
  private final List<Rule> rules;

  RuleInspection(CommandRunner runner, NodeNetConfig config) {
    this.runner = runner;
    this.config = config;
    this.rules = RuleTable.build(config);
  }

  /** Three checks: {@link #RULES}, {@link #ORDER}, {@link #DUPLICATES}; {@code tools} is used for iptables. */
  List<Doctor.Check> inspect(boolean nftables, Xtables tools) {
    try {
      return nftables ? nftables() : iptables(tools);
    } catch (SetupException e) {
      String fix = "run the doctor as root (or in the nodecache pod, which has NET_ADMIN) with iptables/nft installed";
      return List.of(
          Doctor.Check.fail(RULES, "cannot read the rules: " + e.getMessage(), fix),
          Doctor.Check.fail(ORDER, "cannot read the rules", fix),
          Doctor.Check.fail(DUPLICATES, "cannot read the rules", fix));
    }
  }

  private List<Doctor.Check> iptables(Xtables tools) throws SetupException {
    Map<String, List<Rule>> groups = new LinkedHashMap<>();
    for (Rule rule : rules) {
      groups.computeIfAbsent((rule.ipv6() ? "6 " : "4 ") + rule.table(), k -> new ArrayList<>()).add(rule);
    }
    List<String> missing = new ArrayList<>();
    List<String> duplicates = new ArrayList<>();
    List<String> misordered = new ArrayList<>();
    for (List<Rule> group : groups.values()) {
      Rule sample = group.get(0);
      CommandRunner.Result saved = runner.run(tools.save(sample.ipv6()), "-t", sample.table());
      if (!saved.ok()) {
        throw IptablesRules.failure(saved);
      }
      Map<String, Integer> counts = IptablesSave.countRules(saved.stdout());
      Map<String, Rule> ours = new LinkedHashMap<>();
      for (Rule rule : group) {
        ours.put(rule.key(), rule);
        int count = counts.getOrDefault(rule.key(), 0);
        if (count == 0) {
          missing.add(brief(rule));
        } else if (count > 1) {
          duplicates.add(brief(rule) + " (" + count + " times)");
        }
      }
      misordered.addAll(behindKubeJumps(saved.stdout(), ours));
    }
    String where = "iptables (" + tools.mode() + ")";
    return List.of(
        missing.isEmpty()
            ? Doctor.Check.pass(RULES, "all " + rules.size() + " rules for " + ips() + " in " + where)
            : Doctor.Check.fail(RULES, missing.size() + " of " + rules.size() + " rules missing in " + where + ": "
                + list(missing), MISSING_FIX),
        misordered.isEmpty()
            ? Doctor.Check.pass(ORDER, "no -j KUBE-* jump ahead of our rules in their chains")
            : Doctor.Check.fail(ORDER, list(misordered), ORDER_FIX),
        duplicates.isEmpty()
            ? Doctor.Check.pass(DUPLICATES, "each rule once")
            : Doctor.Check.fail(DUPLICATES, list(duplicates), DUPLICATE_FIX));
  }

  /**
   * Our rules that come after a jump to a kube-proxy chain in the same chain: packets the jump
   * catches (e.g. KUBE-FIREWALL's drops) never reach them.
   */
  static List<String> behindKubeJumps(String save, Map<String, Rule> ours) {
    Map<String, String> firstJump = new LinkedHashMap<>();
    Set<String> reported = new HashSet<>();
    List<String> found = new ArrayList<>();
    for (String line : save.split("\n")) {
      if (!line.startsWith("-A ")) {
        continue;
      }
      List<String> tokens = IptablesSave.tokenize(line);
      String chain = tokens.get(1);
      String key = IptablesSave.keyOf(tokens);
      // One line per chain: the first of our rules that a kube-proxy jump precedes.
      if (key != null && ours.containsKey(key) && firstJump.containsKey(chain) && reported.add(chain)) {
        found.add("-j " + firstJump.get(chain) + " comes before " + brief(ours.get(key)));
      }
      for (int i = 0; i + 1 < tokens.size(); i++) {
        boolean jump = tokens.get(i).equals("-j") || tokens.get(i).equals("-g");
        if (jump && tokens.get(i + 1).startsWith("KUBE-")) {
          firstJump.putIfAbsent(chain, tokens.get(i + 1));
        }
      }
    }
    return found;
  }

  private List<Doctor.Check> nftables() throws SetupException {
    NftablesRules writer = new NftablesRules(runner, config, new SetupErrors(new SimpleMeterRegistry()));
    Map<String, List<String>> expected = NftListing.chains(writer.script());
    CommandRunner.Result listed = runner.run("nft", "list", "table", "inet", NftablesRules.TABLE);
    Map<String, List<String>> present;
    if (listed.ok()) {
      present = NftListing.chains(listed.stdout());
    } else if (listed.stderr().contains("No such file or directory") && !listed.binaryMissing()) {
      present = Map.of();
    } else {
      throw new SetupException(SetupErrors.NFTABLES, listed.command() + " failed: " + listed.firstErrorLine());
    }
    List<String> missing = new ArrayList<>();
    List<String> duplicates = new ArrayList<>();
    List<String> misordered = new ArrayList<>();
    for (Map.Entry<String, List<String>> chain : expected.entrySet()) {
      List<String> want = chain.getValue();
      List<String> have = present.getOrDefault(chain.getKey(), List.of());
      if (!have.isEmpty() && !have.get(0).equals(want.get(0))) {
        misordered.add("chain " + chain.getKey() + " hooks '" + have.get(0) + "' (expected: '" + want.get(0) + "')");
      }
      for (String statement : want.subList(1, want.size())) {
        long count = have.stream().filter(statement::equals).count();
        if (count == 0) {
          missing.add(chain.getKey() + ": " + statement.replaceFirst(" comment \".*\"$", ""));
        } else if (count > 1) {
          duplicates.add(chain.getKey() + ": " + statement.replaceFirst(" comment \".*\"$", "") + " (" + count + " times)");
        }
      }
    }
    String where = "nftables table inet " + NftablesRules.TABLE;
    int total = expected.values().stream().mapToInt(l -> l.size() - 1).sum();
    return List.of(
        missing.isEmpty()
            ? Doctor.Check.pass(RULES, "all " + total + " rules for " + ips() + " in " + where)
            : Doctor.Check.fail(RULES, missing.size() + " of " + total + " rules missing in " + where + ": "
                + list(missing), MISSING_FIX),
        misordered.isEmpty()
            ? Doctor.Check.pass(ORDER, "our base chains hook at priority raw (-300) and filter (0): notrack runs"
                + " before conntrack (-200) and kube-proxy's dstnat (-100)")
            : Doctor.Check.fail(ORDER, list(misordered),
                "restart nodecache on this node: it rewrites table inet " + NftablesRules.TABLE + " as a whole"),
        duplicates.isEmpty()
            ? Doctor.Check.pass(DUPLICATES, "each rule once")
            : Doctor.Check.fail(DUPLICATES, list(duplicates), DUPLICATE_FIX));
  }

  private String ips() {
    return String.join(",", config.localIps().stream().map(Addresses::format).toList());
  }

  /** {@code raw PREROUTING tcp -d 169.254.20.10 --dport 53 -j NOTRACK}: a rule, short. */
  static String brief(Rule rule) {
    return (rule.ipv6() ? "ip6 " : "") + rule.table() + " " + rule.chain() + " " + rule.proto()
        + (rule.matchDestination() ? " -d " : " -s ") + Addresses.format(rule.ip())
        + (rule.matchDestination() ? " --dport " : " --sport ") + rule.port()
        + (rule.socketMatch() ? " -m socket" : "") + " -j " + rule.target();
  }

  /** Up to four items, then how many more. */
  private static String list(List<String> items) {
    int shown = Math.min(4, items.size());
    String text = String.join("; ", items.subList(0, shown));
    return items.size() > shown ? text + "; and " + (items.size() - shown) + " more" : text;
  }

  /** {@code nft list} text and {@link NftablesRules#script()} alike, read as chain to lines. */
  static final class NftListing {
    private NftListing() {}

    /** Chain name → its lines (first the hook line), handles, counters and extra blanks removed. */
    static Map<String, List<String>> chains(String text) {
      Map<String, List<String>> chains = new LinkedHashMap<>();
      List<String> current = null;
      for (String raw : text.split("\n")) {
        String line =
            raw.replaceFirst("\\s+# handle \\d+$", "")
                .replaceAll("\\bcounter packets \\d+ bytes \\d+\\s*", "")
                .strip()
                .replaceAll("\\s+", " ");
        if (line.startsWith("chain ") && line.endsWith("{")) {
          current = new ArrayList<>();
          chains.put(line.substring(6, line.length() - 1).strip(), current);
        } else if (line.equals("}")) {
          current = null;
        } else if (current != null && !line.isEmpty()) {
          current.add(line);
        }
      }
      return chains;
    }
  }
}
