package io.nodecache.node;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps node-cache's rules in iptables/ip6tables: reads each table with {@code iptables-save -t},
 * counts our rules by shape (never trusting {@code -C}), then inserts the missing ones at the top and
 * deletes duplicates in one {@code iptables-restore --noflush -w} transaction per table.
 */
final class IptablesRules implements RulesManager {

  /** Seconds to wait for the xtables lock (node-cache uses {@code -w 5} too). */
  static final String LOCK_WAIT_SECONDS = "5";

  private final CommandRunner runner;
  private final Xtables tools;
  private final SetupErrors errors;
  /** Rules grouped by family and table, each group in node-cache's insertion order. */
  private final Map<String, List<Rule>> groups = new LinkedHashMap<>();
  /** The fail-open chains, or null without {@code -failopen}. */
  private final FailOpenIptables failOpen;

  IptablesRules(CommandRunner runner, Xtables tools, NodeNetConfig config, SetupErrors errors) {
    this.runner = runner;
    this.tools = tools;
    this.errors = errors;
    this.failOpen = config.failOpen() ? new FailOpenIptables(runner, tools, config) : null;
    List<Rule> rules = RuleTable.build(config);
    for (Rule rule : rules) {
      groups.computeIfAbsent((rule.ipv6() ? "6 " : "4 ") + rule.table(), k -> new ArrayList<>()).add(rule);
    }
  }

  @Override
  public String describe() {
    return "iptables (" + tools.mode() + ")";
  }

  @Override
  public void reconcile(ReconcileReport.Builder report, List<InetAddress> targets) {
    for (List<Rule> group : groups.values()) {
      try {
        Map<String, Integer> present = save(group.get(0));
        List<String> script = new ArrayList<>();
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        int found = 0;
        for (Rule rule : group) {
          int count = present.getOrDefault(rule.key(), 0);
          if (count == 0) {
            script.add(rule.restoreLine("-I"));
            added.add(rule.describe());
          } else {
            found++;
            for (int extra = 1; extra < count; extra++) {
              script.add(rule.restoreLine("-D"));
              removed.add("duplicate " + rule.describe());
            }
          }
        }
        restore(group.get(0), script);
        added.forEach(report::added);
        removed.forEach(report::removed);
        report.found(found);
      } catch (SetupException e) {
        errors.record(e, report);
      }
    }
    if (failOpen != null) {
      try {
        failOpen.reconcile(report, targets);
      } catch (SetupException e) {
        errors.record(e, report);
      }
    }
  }

  @Override
  public void teardown(ReconcileReport.Builder report) {
    if (failOpen != null) {
      try {
        failOpen.teardown(report);
      } catch (SetupException e) {
        errors.record(e, report);
      }
    }
    for (List<Rule> group : groups.values()) {
      try {
        Map<String, Integer> present = save(group.get(0));
        List<String> script = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (Rule rule : group) {
          for (int i = present.getOrDefault(rule.key(), 0); i > 0; i--) {
            script.add(rule.restoreLine("-D"));
            removed.add(rule.describe());
          }
        }
        restore(group.get(0), script);
        removed.forEach(report::removed);
      } catch (SetupException e) {
        errors.record(e, report);
      }
    }
  }

  private Map<String, Integer> save(Rule sample) throws SetupException {
    CommandRunner.Result result = runner.run(tools.save(sample.ipv6()), "-t", sample.table());
    if (!result.ok()) {
      throw failure(result);
    }
    return IptablesSave.countRules(result.stdout());
  }

  private void restore(Rule sample, List<String> lines) throws SetupException {
    if (lines.isEmpty()) {
      return;
    }
    StringBuilder script = new StringBuilder("*").append(sample.table()).append('\n');
    lines.forEach(line -> script.append(line).append('\n'));
    script.append("COMMIT\n");
    CommandRunner.Result result =
        runner.run(
            List.of(tools.restore(sample.ipv6()), "-w", LOCK_WAIT_SECONDS, "--noflush"),
            script.toString());
    if (!result.ok()) {
      throw failure(result);
    }
  }

  /** One line naming the cause: lock held, missing binary, missing privilege, or the tool's words. */
  static SetupException failure(CommandRunner.Result result) {
    String binary = result.argv().get(0);
    String line = result.firstErrorLine();
    if (result.binaryMissing()) {
      return new SetupException(
          SetupErrors.IPTABLES,
          binary + " not found: install iptables, or use -rules-backend nftables or -setupiptables=false");
    }
    if (line.contains("xtables lock") || result.stderr().contains("xtables lock")) {
      return new SetupException(
          SetupErrors.IPTABLES_LOCK,
          binary + ": another program is holding the xtables lock (share the host's /run/xtables.lock): "
              + line);
    }
    if (line.contains("Permission denied") || line.contains("must be root")
        || line.contains("Operation not permitted")) {
      return new SetupException(
          SetupErrors.IPTABLES,
          binary + ": permission denied; nodecache must run as root or with CAP_NET_ADMIN (" + line + ")");
    }
    return new SetupException(SetupErrors.IPTABLES, result.command() + " failed: " + line);
  }
}
