package io.nodecache.node;

import java.net.InetAddress;
import java.util.List;

/** A way of keeping the rule set in the kernel: iptables or nftables. */
interface RulesManager {

  /** For logs: which backend, e.g. {@code iptables (nft)}. */
  String describe();

  /**
   * Brings the kernel's rules to exactly one copy of each of ours, the fail-open DNAT sending to
   * {@code targets} (the cluster DNS endpoints, both families); failures go to the report.
   */
  void reconcile(ReconcileReport.Builder report, List<InetAddress> targets);

  /** Removes every copy of our rules and nothing else. */
  void teardown(ReconcileReport.Builder report);
}
