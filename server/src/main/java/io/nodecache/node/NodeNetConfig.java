package io.nodecache.node;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Flags;

/**
 * What node networking sets up: the local IPs (mixed IPv4 and IPv6 allowed), the ports the rules name,
 * the interface holding the addresses, and which parts to manage. With {@code failOpen}, the NOTRACK
 * rules for {@code failOpenIps} (a subset of the local IPs; from the flags, all of them) only match
 * while a socket of ours is there, and DNS to them is DNATed to the cluster DNS otherwise.
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

  /**
   * The config the command line asks for, or empty when there is nothing to manage (no
   * {@code -localip}, or neither {@code -setupinterface} nor {@code -setupiptables}). With
   * {@code -failopen}, every local IP fails open: the link-local address and the kube-dns ClusterIP
   * alike are DNATed to the cluster DNS endpoints while no socket of ours listens there.
   */
  public static Optional<NodeNetConfig> fromFlags(Flags flags) throws ConfigException {
    if (flags.localIps().isEmpty() || !(flags.setupInterface() || flags.setupIptables())) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new NodeNetConfig(
              flags.localIps(), flags.dnsPort(), flags.healthPort(), flags.interfaceName(),
              flags.setupInterface(), flags.setupIptables(), flags.skipTeardown(),
              Duration.ofSeconds(flags.syncIntervalSeconds()), RulesBackend.parse(flags.rulesBackend()),
              flags.failOpen(),
              flags.failOpen() ? flags.localIps() : List.of()));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("-" + e.getMessage());
    }
  }

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
    if (failOpen && failOpenIps.isEmpty()) {
      throw new IllegalArgumentException(
          "failopen: no address to fail open (expected: some of the -localip addresses)");
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
    return failOpen && failOpenIps.contains(ip);
  }

  private static void checkPort(String name, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(name + ": " + port + " (expected: 1..65535)");
    }
  }
}
