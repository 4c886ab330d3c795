package io.nodecache.node;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** node-cache's rule set ({@code cache_app.go initIptables}): twelve rules per local IP, as data. */
final class RuleTable {

  private RuleTable() {}

  /**
   * The rules for every local IP, in node-cache's order. For a fail-open IP the PREROUTING NOTRACK
   * rules carry {@code -m socket}, and the raw OUTPUT rules for locally generated queries (#9, #10)
   * are left out: the socket match is not allowed in OUTPUT (xt_socket hooks PREROUTING and INPUT
   * only, and nft's {@code socket} looks at the sender's own socket there), so a host-network client
   * of that IP is conntracked and reaches kube-proxy's DNAT, which keeps working when we are gone.
   */
  static List<Rule> build(NodeNetConfig config) {
    List<Rule> rules = new ArrayList<>();
    for (InetAddress ip : config.localIps()) {
      boolean failOpen = config.isFailOpen(ip);
      int p = config.dnsPort();
      int h = config.healthPort();
      String skip = Rule.SKIP_CONNTRACK;
      String allow = Rule.ALLOW_TRAFFIC;
      rules.add(new Rule("raw", "PREROUTING", "tcp", true, ip, p, "NOTRACK", skip, failOpen));
      rules.add(new Rule("raw", "PREROUTING", "udp", true, ip, p, "NOTRACK", skip, failOpen));
      rules.add(new Rule("filter", "INPUT", "tcp", true, ip, p, "ACCEPT", allow, false));
      rules.add(new Rule("filter", "INPUT", "udp", true, ip, p, "ACCEPT", allow, false));
      rules.add(new Rule("raw", "OUTPUT", "tcp", false, ip, p, "NOTRACK", skip, false));
      rules.add(new Rule("raw", "OUTPUT", "udp", false, ip, p, "NOTRACK", skip, false));
      rules.add(new Rule("filter", "OUTPUT", "tcp", false, ip, p, "ACCEPT", allow, false));
      rules.add(new Rule("filter", "OUTPUT", "udp", false, ip, p, "ACCEPT", allow, false));
      if (!failOpen) {
        rules.add(new Rule("raw", "OUTPUT", "tcp", true, ip, p, "NOTRACK", skip, false));
        rules.add(new Rule("raw", "OUTPUT", "udp", true, ip, p, "NOTRACK", skip, false));
      }
      rules.add(new Rule("raw", "OUTPUT", "tcp", true, ip, h, "NOTRACK", skip, false));
      rules.add(new Rule("raw", "OUTPUT", "tcp", false, ip, h, "NOTRACK", skip, false));
    }
    return List.copyOf(rules);
  }
}
