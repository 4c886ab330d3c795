package io.nodecache.node;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The iptables binaries to use: {@code iptables-legacy-*} or {@code iptables-nft-*}, chosen as
 * kubernetes-sigs/iptables-wrappers does (whichever holds kubelet's canary chains, else the one with
 * more rules), or the plain {@code iptables-save}/{@code iptables-restore} when no variant exists.
 */
record Xtables(String mode, String save4, String restore4, String save6, String restore6) {

  private static final Pattern KUBELET_CHAINS =
      Pattern.compile("(?m)^:(KUBE-IPTABLES-HINT|KUBE-KUBELET-CANARY) ");
  private static final Pattern RULE_LINE = Pattern.compile("(?m)^-");

  static Xtables of(String mode) {
    String infix = mode.isEmpty() ? "" : "-" + mode;
    return new Xtables(
        mode.isEmpty() ? "default" : mode,
        "iptables" + infix + "-save",
        "iptables" + infix + "-restore",
        "ip6tables" + infix + "-save",
        "ip6tables" + infix + "-restore");
  }

  String save(boolean ipv6) {
    return ipv6 ? save6 : save4;
  }

  String restore(boolean ipv6) {
    return ipv6 ? restore6 : restore4;
  }

  /** Detects the mode the node uses from the rules that already exist (one full save per variant). */
  static Xtables detect(CommandRunner runner) {
    Dump nft = Dump.of(runner, "nft");
    Dump legacy = Dump.of(runner, "legacy");
    if (!nft.available && !legacy.available) {
      return of("");
    }
    if (!legacy.available) {
      return of("nft");
    }
    if (!nft.available) {
      return of("legacy");
    }
    if (count(KUBELET_CHAINS, nft.text) > 0) {
      return of("nft");
    }
    if (count(KUBELET_CHAINS, legacy.text) > 0) {
      return of("legacy");
    }
    // Neither kubelet nor kube-proxy has run yet: the wrapper picks legacy only with more rules.
    return count(RULE_LINE, legacy.text) > count(RULE_LINE, nft.text) ? of("legacy") : of("nft");
  }

  private static int count(Pattern pattern, String text) {
    return (int) pattern.matcher(text).results().count();
  }

  private record Dump(boolean available, String text) {
    static Dump of(CommandRunner runner, String mode) {
      Xtables tools = Xtables.of(mode);
      StringBuilder text = new StringBuilder();
      boolean available = false;
      for (String save : List.of(tools.save4, tools.save6)) {
        CommandRunner.Result result = runner.run(save);
        available |= !result.binaryMissing();
        if (result.ok()) {
          text.append(result.stdout());
        }
      }
      return new Dump(available, text.toString());
    }
  }
}
