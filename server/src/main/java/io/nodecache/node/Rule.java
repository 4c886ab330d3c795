package io.nodecache.node;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One netfilter rule of node-cache's set: {@code -p PROTO -d IP --dport PORT} (or {@code -s/--sport})
 * in {@code table}/{@code chain}, jumping to {@code target}, with node-cache's comment. A rule with
 * {@code socketMatch} only matches while a socket is bound to the address ({@code -m socket}).
 */
record Rule(
    String table,
    String chain,
    String proto,
    boolean matchDestination,
    InetAddress ip,
    int port,
    String target,
    String comment,
    boolean socketMatch) {

  static final String SKIP_CONNTRACK = "NodeLocal DNS Cache: skip conntrack";
  static final String ALLOW_TRAFFIC = "NodeLocal DNS Cache: allow DNS traffic";

  boolean ipv6() {
    return ip instanceof Inet6Address;
  }

  /**
   * node-cache's argument order ({@code -p tcp -d L --dport P -j NOTRACK -m comment --comment C}),
   * with {@code -m socket} before the target when the rule is fail-open.
   */
  List<String> iptablesArgs() {
    List<String> args = new ArrayList<>();
    args.add("-p");
    args.add(proto);
    args.add(matchDestination ? "-d" : "-s");
    args.add(Addresses.format(ip));
    args.add(matchDestination ? "--dport" : "--sport");
    args.add(Integer.toString(port));
    if (socketMatch) {
      // Matches while any socket (listener, half-open, established) exists for the packet. With
      // --nowildcard a wildcard-bound one counts too; that is what nft's "socket transparent 0" can
      // express, and it cannot coexist with our own bind of this address and port anyway.
      args.add("-m");
      args.add("socket");
      args.add("--nowildcard");
    }
    args.add("-j");
    args.add(target);
    args.add("-m");
    args.add("comment");
    args.add("--comment");
    args.add(comment);
    return args;
  }

  /** The rule as one {@code iptables-restore} line, e.g. {@code -I PREROUTING -p tcp ...}. */
  String restoreLine(String operation) {
    StringBuilder line = new StringBuilder(operation).append(' ').append(chain);
    for (String arg : iptablesArgs()) {
      line.append(' ').append(arg.contains(" ") ? '"' + arg + '"' : arg);
    }
    return line.toString();
  }

  /** For logs: the table and the rule as {@code iptables} would be given it. */
  String describe() {
    return (ipv6() ? "ip6tables" : "iptables") + " -t " + table + " " + restoreLine("-I");
  }

  /** The identity of the rule, equal for a rule parsed back from {@code iptables-save}. */
  String key() {
    return key(chain, proto, matchDestination, ip, port, target, comment, socketMatch);
  }

  static String key(
      String chain, String proto, boolean destination, InetAddress ip, int port, String target,
      String comment, boolean socket) {
    return chain + '|' + proto + '|' + (destination ? "d " : "s ") + Addresses.format(ip) + ':' + port
        + '|' + target + '|' + comment + '|' + (socket ? "socket" : "");
  }

  /** The chain of {@code table inet nodecache} this rule goes to. */
  String nftChain() {
    return table + "_" + chain.toLowerCase(Locale.ROOT);
  }

  /** The rule as an nft statement, in the form {@code nft list} prints it back. */
  String nftStatement() {
    return (ipv6() ? "ip6 " : "ip ") + (matchDestination ? "daddr " : "saddr ") + Addresses.format(ip)
        + ' ' + proto + (matchDestination ? " dport " : " sport ") + port
        // nft's equivalent of -m socket --nowildcard: a socket exists for the packet (and is not a
        // transparent proxy's). Not "socket wildcard 0": that key needs a full socket, so a TCP
        // handshake's final ACK (half-open request socket) would miss it, fall through to conntrack
        // and be DNATed away mid-connection.
        + (socketMatch ? " socket transparent 0" : "")
        + ' ' + ("NOTRACK".equals(target) ? "notrack" : "accept")
        + " comment \"" + comment + '"';
  }
}
