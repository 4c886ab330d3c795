package io.nodecache.node;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What node networking sets up: the local IPs (mixed IPv4 and IPv6 allowed), the ports the rules name,
 * the interface holding the addresses, and which parts to manage. With {@code failOpen}, the NOTRACK
 * rules for {@code failOpenIps} (all local IPs when empty) only match while a socket is bound to them.
 */
public record NodeNetConfig(
    List<InetAddress> localIps,
    int dnsPort,
    int healthPort,
    String interfaceName,
    boolean setupInterface,
    boolean setupIptables,
    boolean skipTeardown,
    Duration syncInterval,
    RulesBackend backend,
    boolean failOpen,
    List<InetAddress> failOpenIps) {

  /** node-cache's defaults for everything but the addresses. */
  public static NodeNetConfig defaults(List<InetAddress> localIps) {
    return new NodeNetConfig(
        localIps, 53, 8080, "nodelocaldns", true, true, false, Duration.ofSeconds(60),
        RulesBackend.IPTABLES, false, List.of());
  }

  public NodeNetConfig {
    localIps = List.copyOf(Objects.requireNonNull(localIps, "localIps"));
    failOpenIps = List.copyOf(Objects.requireNonNull(failOpenIps, "failOpenIps"));
    Objects.requireNonNull(interfaceName, "interfaceName");
    Objects.requireNonNull(syncInterval, "syncInterval");
    Objects.requireNonNull(backend, "backend");
    if (localIps.isEmpty()) {
      throw new IllegalArgumentException("localip: empty (expected: at least one IP address)");
    }
    if (localIps.stream().distinct().count() != localIps.size()) {
      throw new IllegalArgumentException("localip: an address is given twice (expected: distinct)");
    }
    checkPort("dns.port", dnsPort);
    checkPort("health-port", healthPort);
    // IFNAMSIZ is 16 including the terminating NUL.
    if (interfaceName.isEmpty() || interfaceName.length() > 15 || interfaceName.contains("/")
        || interfaceName.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(
          "interfacename: '" + interfaceName + "' (expected: 1..15 characters, no '/' or space)");
    }
    if (syncInterval.isNegative() || syncInterval.isZero()) {
      throw new IllegalArgumentException("syncinterval: " + syncInterval + " (expected: > 0)");
    }
    for (InetAddress ip : failOpenIps) {
      if (!localIps.contains(ip)) {
        throw new IllegalArgumentException(
            "failopen: " + Addresses.format(ip) + " (expected: one of the -localip addresses)");
      }
    }
  }

  /** Whether the NOTRACK rules for {@code ip} are conditioned on a listening socket. */
  public boolean isFailOpen(InetAddress ip) {
    return failOpen && (failOpenIps.isEmpty() || failOpenIps.contains(ip));
  }

  private static void checkPort(String name, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(name + ": " + port + " (expected: 1..65535)");
    }
  }
}
