package io.nodecache.server;

import io.nodecache.config.ConfigException;
import io.nodecache.config.Corefile;
import io.nodecache.config.Directive;
import io.nodecache.config.ServerBlock;
import io.nodecache.config.Values;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server-level directives of a Corefile ({@code bind}, {@code health}, {@code ready},
 * {@code prometheus}, {@code reload}) read into values, with CoreDNS's defaults.
 *
 * @param health the {@code health} addresses and lameduck, if any block has one
 * @param ready {@code ready} address, if any
 * @param prometheus {@code prometheus} address, if any
 * @param reload {@code reload} interval and jitter, if any
 * @param debug {@code debug} in any block: process-wide, as CoreDNS
 * @param pprof the {@code pprof} address serving the JVM's thread dump, if any
 */
record ServerConfig(
    Optional<Health> health,
    Optional<String> ready,
    Optional<String> prometheus,
    Optional<Reload> reload,
    boolean debug,
    Optional<String> pprof) {

  /**
   * Every {@code health} of the Corefile: each distinct address serves {@code /health} (blocks naming
   * the same address share its listener, as CoreDNS's share one socket), and the lameduck is the
   * longest any of them asks for (CoreDNS waits each one's out).
   */
  record Health(List<String> addresses, Duration lameduck) {
    Health {
      addresses = List.copyOf(addresses);
    }

    /** The first address, the one node-cache's setup reports. */
    String address() {
      return addresses.get(0);
    }

    static Health merge(Health h, String address, Duration lameduck) {
      if (h == null) {
        return new Health(List.of(address), lameduck);
      }
      List<String> all = new ArrayList<>(h.addresses());
      if (!all.contains(address)) {
        all.add(address);
      }
      return new Health(all, lameduck.compareTo(h.lameduck()) > 0 ? lameduck : h.lameduck());
    }
  }

  record Reload(Duration interval, Duration jitter) {}

  private static final Logger log = LoggerFactory.getLogger(ServerConfig.class);

  static ServerConfig of(Corefile corefile) throws ConfigException {
    Health health = null;
    String ready = null;
    String prometheus = null;
    Reload reload = null;
    boolean debug = false;
    String pprof = null;
    for (ServerBlock b : corefile.blocks()) {
      for (Directive d : b.directives()) {
        switch (d.name()) {
          case "health" -> {
            d.expectArgs(0, 1);
            Duration lameduck = Duration.ZERO;
            for (Directive o : d.block()) {
              if (!o.name().equals("lameduck")) {
                throw d.unknownOption(o, "lameduck");
              }
              lameduck = Values.duration(o.expectArgs(1, 1), o.arg(0));
            }
            health = Health.merge(health, address(d, ":8080"), lameduck);
          }
          case "ready" -> {
            d.expectArgs(0, 1).expectNoBlock();
            ready = address(d, ":8181");
          }
          case "prometheus" -> {
            d.expectArgs(0, 1).expectNoBlock();
            prometheus = address(d, ":9253");
          }
          case "reload" -> {
            d.expectArgs(0, 2).expectNoBlock();
            Duration interval =
                d.args().isEmpty() ? Duration.ofSeconds(30) : Values.duration(d, d.arg(0), Duration.ofSeconds(2), Values.LONGEST);
            Duration jitter =
                d.args().size() < 2 ? Duration.ofSeconds(15) : Values.duration(d, d.arg(1), Duration.ofSeconds(1), Values.LONGEST);
            // Not Duration.dividedBy: it divides through BigDecimal, and BigDecimal's class initialisation
            // was 8 of the 184 main-thread samples of a start profile (JFR). At most a year of nanos.
            Duration half = Duration.ofNanos(interval.toNanos() / 2);
            if (jitter.compareTo(half) > 0) {
              jitter = half;
            }
            reload = new Reload(interval, jitter);
          }
          case "pprof" -> pprof = pprof(d);
          case "trace" -> log.warn("{}: trace: tracing is not implemented in nodecache; the directive has no effect", d.where());
          case "debug" -> {
            d.expectArgs(0, 0).expectNoBlock();
            debug = true;
          }
          default -> {}
        }
      }
    }
    return new ServerConfig(
        Optional.ofNullable(health), Optional.ofNullable(ready), Optional.ofNullable(prometheus), Optional.ofNullable(reload), debug, Optional.ofNullable(pprof));
  }

  /**
   * CoreDNS's {@code pprof [ADDRESS] { block [RATE] }}, default {@code localhost:6053}. The JVM has
   * no Go profiles: the address serves a thread dump ({@code /debug/pprof/goroutine}); {@code block}
   * is checked and answered with a one-line warning (no blocking profile exists here).
   */
  private static String pprof(Directive d) throws ConfigException {
    d.expectArgs(0, 1);
    for (Directive o : d.block()) {
      if (!o.name().equals("block")) {
        throw d.unknownOption(o, "block");
      }
      o.expectArgs(0, 1).expectNoBlock();
      if (!o.args().isEmpty()) {
        Values.integer(o, "block", o.arg(0), 1, Integer.MAX_VALUE);
      }
      log.warn("{}: pprof: block: the JVM has no blocking profile; only /debug/pprof/goroutine (a thread dump) is served",
          o.where());
    }
    return address(d, "localhost:6053");
  }

  private static String address(Directive d, String dflt) throws ConfigException {
    String a = d.args().isEmpty() ? dflt : d.arg(0);
    if (!a.contains(":")) {
      throw d.error("'" + a + "' (expected: [HOST]:PORT)");
    }
    try {
      Integer.parseInt(a.substring(a.lastIndexOf(':') + 1));
    } catch (NumberFormatException e) {
      throw d.error("'" + a + "': port is not a number");
    }
    return a;
  }

  /** The addresses a block listens on at its first key's port: its {@code bind} arguments, or the wildcard. */
  static List<InetSocketAddress> binds(ServerBlock b) throws ConfigException {
    return binds(b, b.port());
  }

  /**
   * The addresses a block listens on at {@code port}: its {@code bind} arguments, or the wildcard (a
   * block whose keys name several ports listens on each, as CoreDNS).
   */
  static List<InetSocketAddress> binds(ServerBlock b, int port) throws ConfigException {
    List<InetSocketAddress> out = new ArrayList<>();
    List<Directive> binds = b.all("bind");
    for (Directive d : binds) {
      d.expectArgs(1, Integer.MAX_VALUE);
      List<InetAddress> except = new ArrayList<>();
      for (Directive o : d.block()) {
        if (!o.name().equals("except")) {
          throw d.unknownOption(o, "except");
        }
        except.addAll(addresses(o.expectArgs(1, Integer.MAX_VALUE).expectNoBlock()));
      }
      for (InetAddress a : addresses(d)) {
        InetSocketAddress listen = new InetSocketAddress(a, port);
        if (!except.contains(a) && !out.contains(listen)) {
          out.add(listen);
        }
      }
    }
    if (!binds.isEmpty() && out.isEmpty()) {
      throw binds.get(0).error("no address left to bind once 'except' is applied");
    }
    if (out.isEmpty()) {
      out.add(new InetSocketAddress(port));
    }
    return out;
  }

  /**
   * CoreDNS's bind arguments: an IP address, or the name of an interface of this host standing for its
   * addresses, link-local ones left out (as CoreDNS does, IPv4 169.254/16 included).
   */
  private static List<InetAddress> addresses(Directive d) throws ConfigException {
    List<InetAddress> out = new ArrayList<>();
    for (String a : d.args()) {
      boolean literal = a.matches("[0-9a-fA-F:.]+") && (a.contains(".") || a.contains(":"));
      NetworkInterface nic;
      try {
        nic = literal ? null : NetworkInterface.getByName(a);
      } catch (SocketException e) {
        throw d.error("'" + a + "': cannot list this host's interfaces: " + e.getMessage());
      }
      if (nic != null) {
        for (InetAddress ia : Collections.list(nic.getInetAddresses())) {
          if (!ia.isLinkLocalAddress()) {
            out.add(ia instanceof Inet6Address six ? withoutScope(six) : ia);
          }
        }
        continue;
      }
      if (!literal) {
        throw d.error("'" + a + "' is neither an IP address nor an interface of this host");
      }
      try {
        out.add(InetAddress.getByName(a));
      } catch (UnknownHostException e) {
        throw d.error("'" + a + "' is not an IP address");
      }
    }
    return out;
  }

  private static InetAddress withoutScope(Inet6Address a) {
    try {
      return InetAddress.getByAddress(a.getAddress());
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // 16 bytes are always an address
    }
  }
}
