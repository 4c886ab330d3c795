package io.nodecache.node;

/** A way of keeping the rule set in the kernel: iptables or nftables. */
interface RulesManager {

  /** For logs: which backend, e.g. {@code iptables (nft)}. */
  String describe();

  /** Brings the kernel's rules to exactly one copy of each of ours; failures go to the report. */
  void reconcile(ReconcileReport.Builder report);

  /** Removes every copy of our rules and nothing else. */
  void teardown(ReconcileReport.Builder report);
}
