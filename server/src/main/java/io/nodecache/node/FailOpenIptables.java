package io.nodecache.node;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the fail-open chains of {@link FailOpenRules} in iptables/ip6tables: a chain whose rules
 * (compared by their comments, which name every address, target and share) differ from the expected
 * ones is rewritten whole in one {@code iptables-restore --noflush} transaction per table (declaring
 * a chain there empties it), and each jump to it sits once at the top of its built-in chain.
 */
final class FailOpenIptables {

  private final CommandRunner runner;
  private final Xtables tools;
  private final NodeNetConfig config;

  FailOpenIptables(CommandRunner runner, Xtables tools, NodeNetConfig config) {
    this.runner = runner;
    this.tools = tools;
    this.config = config;
  }

  /** Brings our chains and jumps to exactly the expected ones for {@code targets}. */
  void reconcile(ReconcileReport.Builder report, List<InetAddress> targets) throws SetupException {
    for (boolean ipv6 : List.of(false, true)) {
      List<FailOpenRules.Chain> chains = FailOpenRules.iptables(config, targets, ipv6);
      if (chains.isEmpty()) {
        continue;
      }
      for (String table : List.of("raw", "nat")) {
        List<FailOpenRules.Chain> ours = chains.stream().filter(c -> c.table().equals(table)).toList();
        if (ours.isEmpty()) {
          continue;
        }
        List<List<String>> saved = save(ipv6, table);
        List<String> script = new ArrayList<>();
        List<String> jumps = new ArrayList<>();
        for (FailOpenRules.Chain chain : ours) {
          if (!declared(saved, chain.name()) || !comments(saved, chain.name()).equals(chain.comments())) {
            script.add(":" + chain.name() + " - [0:0]");
            chain.rules().forEach(rule -> script.add(line("-A", chain.name(), rule)));
            report.added(family(ipv6) + " -t " + table + " chain " + chain.name() + " (" + chain.rules().size()
                + " rules)");
          } else {
            report.found(chain.rules().size());
          }
          for (String from : chain.jumpFrom()) {
            List<String> jump = FailOpenRules.jump(chain.name());
            long count = count(saved, from, jump);
            if (count == 0) {
              jumps.add(line("-I", from, jump));
              report.added(family(ipv6) + " -t " + table + " -I " + from + " -j " + chain.name());
            }
            for (long extra = 1; extra < count; extra++) {
              jumps.add(line("-D", from, jump));
              report.removed("duplicate " + family(ipv6) + " -t " + table + " -j " + chain.name());
            }
          }
        }
        script.addAll(jumps); // after the declarations: a jump needs its chain
        restore(ipv6, table, script);
      }
    }
  }

  /** Removes the jumps, then empties and deletes our chains; leaves everything else alone. */
  void teardown(ReconcileReport.Builder report) throws SetupException {
    for (boolean ipv6 : List.of(false, true)) {
      if (FailOpenRules.ips(config, ipv6).isEmpty()) {
        continue;
      }
      for (String table : List.of("raw", "nat")) {
        List<List<String>> saved = save(ipv6, table);
        List<String> script = new ArrayList<>();
        List<String> deletions = new ArrayList<>();
        for (String chain : table.equals("raw")
            ? List.of(FailOpenRules.RAW_CHAIN)
            : List.of(FailOpenRules.DNAT_CHAIN, FailOpenRules.SNAT_CHAIN)) {
          for (List<String> rule : saved) {
            if (rule.size() > 2 && rule.subList(2, rule.size()).equals(FailOpenRules.jump(chain))) {
              script.add(line("-D", rule.get(1), FailOpenRules.jump(chain)));
            }
          }
          if (declared(saved, chain)) {
            deletions.add("-F " + chain);
            deletions.add("-X " + chain);
            report.removed(family(ipv6) + " -t " + table + " chain " + chain);
          }
        }
        script.addAll(deletions);
        restore(ipv6, table, script);
      }
    }
  }

  private static String family(boolean ipv6) {
    return ipv6 ? "ip6tables" : "iptables";
  }

  private static String line(String operation, String chain, List<String> args) {
    StringBuilder line = new StringBuilder(operation).append(' ').append(chain);
    for (String arg : args) {
      line.append(' ').append(arg.contains(" ") ? '"' + arg + '"' : arg);
    }
    return line.toString();
  }

  /** Whether {@code chain} is declared in the table ({@code :NAME - [0:0]} in the dump). */
  private static boolean declared(List<List<String>> saved, String chain) {
    return saved.stream().anyMatch(t -> t.size() == 1 && t.get(0).equals(chain));
  }

  private static List<String> comments(List<List<String>> saved, String chain) {
    List<String> comments = new ArrayList<>();
    for (List<String> rule : saved) {
      if (rule.size() > 1 && rule.get(0).equals("-A") && rule.get(1).equals(chain)) {
        int at = rule.indexOf("--comment");
        comments.add(at < 0 || at + 1 >= rule.size() ? "" : rule.get(at + 1));
      }
    }
    return comments;
  }

  private static long count(List<List<String>> saved, String from, List<String> jump) {
    return saved.stream()
        .filter(rule -> rule.size() == jump.size() + 2 && rule.get(0).equals("-A") && rule.get(1).equals(from)
            && rule.subList(2, rule.size()).equals(jump))
        .count();
  }

  /** The table's rules as words ({@code -A CHAIN ...}) and its chain names as one-word entries. */
  private List<List<String>> save(boolean ipv6, String table) throws SetupException {
    CommandRunner.Result result = runner.run(tools.save(ipv6), "-t", table);
    if (!result.ok()) {
      throw IptablesRules.failure(result);
    }
    List<List<String>> out = new ArrayList<>();
    for (String line : result.stdout().split("\n")) {
      if (line.startsWith("-A ")) {
        out.add(IptablesSave.tokenize(line));
      } else if (line.startsWith(":")) {
        out.add(List.of(line.substring(1).split(" ", 2)[0]));
      }
    }
    return out;
  }

  private void restore(boolean ipv6, String table, List<String> lines) throws SetupException {
    if (lines.isEmpty()) {
      return;
    }
    StringBuilder script = new StringBuilder("*").append(table).append('\n');
    lines.forEach(line -> script.append(line).append('\n'));
    script.append("COMMIT\n");
    CommandRunner.Result result =
        runner.run(
            List.of(tools.restore(ipv6), "-w", IptablesRules.LOCK_WAIT_SECONDS, "--noflush"), script.toString());
    if (!result.ok()) {
      throw IptablesRules.failure(result);
    }
  }
}
