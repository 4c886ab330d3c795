package io.nodecache.node;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The doctor's DNS checks: a real query to every local IP over UDP and TCP, the resolv.conf the
 * node's upstreams come from (loopback nameservers loop), and each upstream answering over TCP.
 */
final class DnsChecks {

  private final NodeNetConfig config;
  private final Path resolvConf;
  private final DnsProbe probe;

  DnsChecks(NodeNetConfig config, Path resolvConf, DnsProbe probe) {
    this.config = config;
    this.resolvConf = resolvConf;
    this.probe = probe;
  }

  /** The nameservers of a resolv.conf, in order, as written (comments stripped). */
  static List<String> nameservers(String text) {
    List<String> servers = new ArrayList<>();
    for (String raw : text.split("\n")) {
      String line = raw.replaceFirst("[#;].*", "").strip();
      String[] words = line.split("\\s+");
      if (words.length >= 2 && words[0].equals("nameserver")) {
        servers.add(words[1]);
      }
    }
    return servers;
  }

  /** Local queries, the resolv.conf check, then one line per upstream. */
  List<Doctor.Check> run() {
    List<DnsProbe.Target> targets = new ArrayList<>();
    for (InetAddress ip : config.localIps()) {
      targets.add(new DnsProbe.Target(ip, config.dnsPort(), false, Name.root, Type.NS));
      targets.add(new DnsProbe.Target(ip, config.dnsPort(), true, Name.root, Type.NS));
    }
    int local = targets.size();
    List<String> servers;
    String unreadable = null;
    try {
      servers = nameservers(Files.readString(resolvConf));
    } catch (NoSuchFileException e) {
      servers = List.of();
      unreadable = resolvConf + " does not exist";
    } catch (IOException e) {
      servers = List.of();
      unreadable = "cannot read " + resolvConf + ": " + e.getMessage();
    }
    List<InetAddress> upstreams = new ArrayList<>();
    for (String server : servers) {
      InetAddress ip = Addresses.parse(server);
      if (ip != null) {
        upstreams.add(ip);
        targets.add(new DnsProbe.Target(ip, 53, true, Name.root, Type.NS));
      }
    }
    List<DnsProbe.Outcome> outcomes = probe.query(targets, Doctor.QUERY_TIMEOUT);
    List<Doctor.Check> checks = new ArrayList<>();
    for (int i = 0; i < local; i++) {
      checks.add(localCheck(targets.get(i), outcomes.get(i)));
    }
    checks.add(resolvConfCheck(servers, unreadable));
    if (upstreams.isEmpty()) {
      checks.add(Doctor.Check.fail("upstream", "no nameserver to query in " + resolvConf,
          "see the resolv.conf line"));
    }
    for (int i = local; i < targets.size(); i++) {
      checks.add(upstreamCheck(targets.get(i), outcomes.get(i)));
    }
    return checks;
  }

  private Doctor.Check localCheck(DnsProbe.Target target, DnsProbe.Outcome outcome) {
    String name = "dns " + (target.tcp() ? "tcp " : "udp ") + hostPort(target.server(), target.port());
    if (outcome.answered()) {
      return Doctor.Check.pass(name, "answered " + target.describe() + ": " + outcome.rcodeName() + ", "
          + Doctor.count(outcome.answers(), "answer record") + " in " + outcome.millis() + " ms");
    }
    return Doctor.Check.fail(name, target.describe() + ": " + outcome.error(),
        "check that nodecache runs on this node and listens there (ss -lnup; ss -lntp), its log, and the"
            + " interface and rule lines above; -dns.port must match the server's");
  }

  private Doctor.Check upstreamCheck(DnsProbe.Target target, DnsProbe.Outcome outcome) {
    String name = "upstream " + hostPort(target.server(), target.port());
    String fix =
        target.server().isLoopbackAddress()
            ? "a loopback nameserver is no upstream for the cluster: see the resolv.conf line"
            : "the node's resolver must answer recursive queries over TCP (nodecache forwards with force_tcp):"
                + " check firewalls and security groups for TCP 53 to " + Addresses.format(target.server())
                + ", and that it serves this node";
    if (!outcome.answered()) {
      return Doctor.Check.fail(name, ". NS over TCP: " + outcome.error(), fix);
    }
    if (outcome.rcode() != Rcode.NOERROR) {
      return Doctor.Check.fail(name, "answered . NS over TCP with " + outcome.rcodeName()
          + " (expected: NOERROR from a recursive resolver)", fix);
    }
    return Doctor.Check.pass(name, "answered . NS over TCP: NOERROR, "
        + Doctor.count(outcome.answers(), "answer record") + " in " + outcome.millis() + " ms");
  }

  private Doctor.Check resolvConfCheck(List<String> servers, String unreadable) {
    String name = "resolv.conf";
    String kubeletFix =
        "point kubelet at the real upstreams: --resolv-conf=/run/systemd/resolve/resolv.conf (KubeletConfiguration"
            + " resolvConf), as nodecache runs with dnsPolicy Default and gets that file; then restart the"
            + " nodecache pods";
    if (unreadable != null) {
      return Doctor.Check.fail(name, unreadable, kubeletFix);
    }
    if (servers.isEmpty()) {
      return Doctor.Check.fail(name, resolvConf + " names no nameserver (resolvers then use 127.0.0.1: a loop)",
          kubeletFix);
    }
    List<String> problems = new ArrayList<>();
    for (String server : servers) {
      InetAddress ip = Addresses.parse(server);
      if (ip == null) {
        problems.add("nameserver " + server + " is not an IP address");
      } else if (ip.isLoopbackAddress()) {
        problems.add("nameserver " + server + " is a loopback address"
            + (server.equals("127.0.0.53") ? " (systemd-resolved's stub)" : "")
            + ": pods with dnsPolicy Default (CoreDNS, nodecache's upstream) get this file and forward to"
            + " their own loopback, a forwarding loop");
      } else if (config.localIps().contains(ip)) {
        problems.add("nameserver " + server + " is nodecache's own -localip: nodecache would forward to itself");
      }
    }
    if (!problems.isEmpty()) {
      return Doctor.Check.fail(name, resolvConf + ": " + String.join("; ", problems), kubeletFix);
    }
    return Doctor.Check.pass(name, resolvConf + " names " + String.join(", ", servers)
        + ": no loopback nameserver, none of -localip");
  }

  static String hostPort(InetAddress ip, int port) {
    return ip instanceof Inet6Address ? "[" + Addresses.format(ip) + "]:" + port : Addresses.format(ip) + ":" + port;
  }
}
