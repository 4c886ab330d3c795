package io.nodecache.node;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rules that make DNS to a fail-open address reach the cluster DNS while no socket of ours
 * listens there, as data for both backends. Beside node-cache's set (where the PREROUTING NOTRACK of
 * a fail-open address carries the socket match, see {@link RuleTable}):
 *
 * <ul>
 *   <li>a heartbeat: {@link Heartbeat} sends a datagram to {@code L:9} every 200 ms; a raw OUTPUT rule
 *       drops it and records L as alive (xt_recent list {@code nodecache}, nft set {@code alive4} /
 *       {@code alive6}), and host-generated DNS to L is NOTRACKed only while L was seen alive within
 *       the last second. The socket match cannot stand in here: xt_socket is refused in OUTPUT and
 *       nft's {@code socket} there looks at the sender's own socket.
 *   <li>DNAT in nat PREROUTING (pods) and nat OUTPUT (host network): tracked DNS to L (so: no socket
 *       of ours, or no heartbeat) is spread evenly over the targets, port 53. Untracked packets never
 *       reach the nat hooks, so these rules need no condition of their own.
 *   <li>MASQUERADE in nat POSTROUTING of what we DNATed from L itself: a host-network query to L has
 *       L as its source, which every node holds, so a reply to it would never leave the target's node.
 * </ul>
 */
final class FailOpenRules {

  /** Where the heartbeat goes (the discard port); dropped in raw OUTPUT, never delivered. */
  static final int HEARTBEAT_PORT = 9;
  /** The cluster DNS port the DNAT sends to. */
  static final int TARGET_PORT = 53;
  static final String COMMENT = "nodecache fail-open";
  static final String RAW_CHAIN = "NODECACHE-OUTPUT";
  static final String DNAT_CHAIN = "NODECACHE-DNAT";
  static final String SNAT_CHAIN = "NODECACHE-SNAT";
  /** The xt_recent list of addresses seen alive. */
  static final String RECENT = "nodecache";

  /** One chain of ours in iptables: its table, the built-in chains that jump to it, its rules. */
  record Chain(String table, String name, List<String> jumpFrom, List<List<String>> rules) {

    /** The comment of each rule, in order: what reconcile compares with {@code iptables-save}. */
    List<String> comments() {
      return rules.stream().map(r -> r.get(r.indexOf("--comment") + 1)).toList();
    }
  }

  private FailOpenRules() {}

  /** The fail-open IPs of one family ({@code ipv6} or not). */
  static List<InetAddress> ips(NodeNetConfig config, boolean ipv6) {
    return config.localIps().stream()
        .filter(config::isFailOpen)
        .filter(ip -> (ip instanceof Inet6Address) == ipv6)
        .toList();
  }

  private static List<InetAddress> sameFamily(List<InetAddress> targets, boolean ipv6) {
    return targets.stream().filter(ip -> (ip instanceof Inet6Address) == ipv6).toList();
  }

  /** Our three iptables chains for one family; empty when no address of that family fails open. */
  static List<Chain> iptables(NodeNetConfig config, List<InetAddress> allTargets, boolean ipv6) {
    List<InetAddress> ips = ips(config, ipv6);
    if (ips.isEmpty()) {
      return List.of();
    }
    List<InetAddress> targets = sameFamily(allTargets, ipv6);
    List<List<String>> raw = new ArrayList<>();
    List<List<String>> dnat = new ArrayList<>();
    List<List<String>> snat = new ArrayList<>();
    String port = Integer.toString(config.dnsPort());
    for (InetAddress ip : ips) {
      String l = Addresses.format(ip);
      String cidr = Addresses.hostCidr(ip);
      raw.add(List.of("-d", cidr, "-p", "udp", "--dport", Integer.toString(HEARTBEAT_PORT), "-m", "recent",
          "--set", "--name", RECENT, "--rdest", "-m", "comment", "--comment", COMMENT + ": heartbeat " + l,
          "-j", "DROP"));
      for (String proto : List.of("tcp", "udp")) {
        raw.add(List.of("-d", cidr, "-p", proto, "--dport", port, "-m", "recent", "--rcheck", "--seconds", "1",
            "--name", RECENT, "--rdest", "-m", "comment", "--comment", COMMENT + ": " + l + " " + proto + " alive",
            "-j", "NOTRACK"));
        for (int i = 0; i < targets.size(); i++) {
          List<String> rule = new ArrayList<>(List.of("-d", cidr, "-p", proto, "--dport", port));
          int left = targets.size() - i;
          if (left > 1) {
            rule.addAll(List.of("-m", "statistic", "--mode", "random", "--probability",
                String.format(Locale.ROOT, "%.11f", 1.0 / left)));
          }
          String to = targets.get(i) instanceof Inet6Address
              ? "[" + Addresses.format(targets.get(i)) + "]:" + TARGET_PORT
              : Addresses.format(targets.get(i)) + ":" + TARGET_PORT;
          rule.addAll(List.of("-m", "comment", "--comment",
              COMMENT + ": " + l + " " + proto + " to " + to + " (" + (i + 1) + " of " + targets.size() + ")",
              "-j", "DNAT", "--to-destination", to));
          dnat.add(List.copyOf(rule));
        }
      }
      snat.add(List.of("-s", cidr, "-m", "conntrack", "--ctstate", "DNAT", "--ctorigdst", l, "-m", "comment",
          "--comment", COMMENT + ": masquerade " + l, "-j", "MASQUERADE"));
    }
    return List.of(
        new Chain("raw", RAW_CHAIN, List.of("OUTPUT"), List.copyOf(raw)),
        new Chain("nat", DNAT_CHAIN, List.of("PREROUTING", "OUTPUT"), List.copyOf(dnat)),
        new Chain("nat", SNAT_CHAIN, List.of("POSTROUTING"), List.copyOf(snat)));
  }

  /** The jump from a built-in chain to one of ours, as {@code iptables} arguments after the chain. */
  static List<String> jump(String chain) {
    return List.of("-m", "comment", "--comment", COMMENT, "-j", chain);
  }

  /** nft set names and definitions for the families that fail open. */
  static Map<String, String> nftSets(NodeNetConfig config) {
    Map<String, String> sets = new LinkedHashMap<>();
    for (boolean ipv6 : List.of(false, true)) {
      if (!ips(config, ipv6).isEmpty()) {
        sets.put(set(ipv6), "type " + (ipv6 ? "ipv6_addr" : "ipv4_addr") + "; flags dynamic,timeout;");
      }
    }
    return sets;
  }

  private static String set(boolean ipv6) {
    return ipv6 ? "alive6" : "alive4";
  }

  /**
   * The statements added to {@code raw_output} (heartbeat, NOTRACK while alive) and those of the
   * nat chains, by chain name, in the form {@code nft list} prints them back.
   */
  static Map<String, List<String>> nft(NodeNetConfig config, List<InetAddress> allTargets) {
    Map<String, List<String>> chains = new LinkedHashMap<>();
    for (String chain : List.of("raw_output", "nat_prerouting", "nat_output", "nat_postrouting")) {
      chains.put(chain, new ArrayList<>());
    }
    for (boolean ipv6 : List.of(false, true)) {
      String family = ipv6 ? "ip6" : "ip";
      List<InetAddress> targets = sameFamily(allTargets, ipv6);
      for (InetAddress ip : ips(config, ipv6)) {
        String l = Addresses.format(ip);
        chains.get("raw_output").add(family + " daddr " + l + " udp dport " + HEARTBEAT_PORT + " update @"
            + set(ipv6) + " { " + family + " daddr timeout 1s } drop comment \"" + COMMENT + ": heartbeat " + l + "\"");
        for (String proto : List.of("tcp", "udp")) {
          chains.get("raw_output").add(family + " daddr " + l + " " + proto + " dport " + config.dnsPort() + " "
              + family + " daddr @" + set(ipv6) + " notrack comment \"" + COMMENT + ": " + l + " " + proto + " alive\"");
          if (!targets.isEmpty()) {
            StringBuilder map = new StringBuilder();
            for (int i = 0; i < targets.size(); i++) {
              map.append(i == 0 ? "" : ", ").append(i).append(" : ").append(Addresses.format(targets.get(i)));
            }
            String dnat = family + " daddr " + l + " " + proto + " dport " + config.dnsPort() + " dnat " + family
                + " to numgen random mod " + targets.size() + " map { " + map + " }:" + TARGET_PORT
                + " comment \"" + COMMENT + ": " + l + " " + proto + "\"";
            chains.get("nat_prerouting").add(dnat);
            chains.get("nat_output").add(dnat);
          }
        }
        chains.get("nat_postrouting").add(family + " saddr " + l + " ct status dnat ct original " + family
            + " daddr " + l + " masquerade comment \"" + COMMENT + ": masquerade " + l + "\"");
      }
    }
    return chains;
  }
}
