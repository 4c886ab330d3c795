package io.nodecache.handoff;

import io.nodecache.listen.DnsListener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text half of the hand-off: the old instance names its listeners and how many descriptors each
 * has, in the order the descriptors follow over SCM_RIGHTS (the TCP listener, then the UDP sockets).
 *
 * <pre>
 * nodecache-handoff 1
 * listener REQUESTED-IP REQUESTED-PORT BOUND-IP BOUND-PORT UDP-SOCKETS
 * end DESCRIPTORS
 * </pre>
 *
 * The new instance listens on a unix socket of its own beside the hand-off socket and answers
 * {@code send PATH}; the old one connects there and sends the descriptors over SCM_RIGHTS, one per
 * message. The new instance may ask {@code cache} ({@link CacheTransfer}), and answers {@code taken}
 * once it serves the sockets; the old one answers {@code bye} when it has stopped reading them. The
 * new instance keeps the connection open while it runs: its end tells the old one, if that still runs,
 * to serve again.
 *
 * <p>Version 2: version 1 sent the descriptors over the hand-off connection itself, which only a Netty
 * channel could do. An instance of either version finds no hand-off at the other's socket and binds its
 * own (SO_REUSEPORT), which loses only what the old sockets still hold when the old instance stops.
 */
final class HandoffProtocol {

  static final String HELLO = "nodecache-handoff 2";
  static final String SEND = "send";
  static final String TAKEN = "taken";
  static final String BYE = "bye";
  private static final String FDS = ".fds-";

  private HandoffProtocol() {}

  /** Where the new instance receives the descriptors: beside the hand-off socket, named after it. */
  static Path descriptorPath(Path handoff) {
    String name = handoff.getFileName() + FDS + ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime());
    return handoff.toAbsolutePath().normalize().resolveSibling(name);
  }

  /** What the names of {@link #descriptorPath(Path)} for this hand-off socket start with. */
  static String descriptorPrefix(Path descriptorPath) {
    String name = descriptorPath.getFileName().toString();
    return name.substring(0, name.lastIndexOf(FDS) + FDS.length());
  }

  /**
   * The path a {@code send} line names, if it is one {@link #descriptorPath(Path)} could have made for
   * this hand-off socket: the old instance connects only there.
   */
  static Path descriptorPath(Path handoff, String named) {
    Path p;
    try {
      p = Path.of(named);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("not a path: '" + named + "'");
    }
    Path expectedDir = handoff.toAbsolutePath().normalize().getParent();
    if (!p.isAbsolute()
        || !p.normalize().equals(p)
        || !expectedDir.equals(p.getParent())
        || !p.getFileName().toString().startsWith(handoff.getFileName() + FDS)) {
      throw new IllegalArgumentException("not a descriptor socket beside " + handoff + ": '" + named + "'");
    }
    return p;
  }

  /** One listener's layout as announced. */
  record Layout(InetSocketAddress requested, InetSocketAddress bound, int udpSockets) {}

  static String describe(Map<InetSocketAddress, DnsListener.Sockets> sockets) {
    StringBuilder sb = new StringBuilder(HELLO).append('\n');
    int fds = 0;
    for (var e : sockets.entrySet()) {
      InetSocketAddress r = e.getKey();
      InetSocketAddress b = e.getValue().bound();
      sb.append("listener ")
          .append(r.getAddress().getHostAddress()).append(' ').append(r.getPort()).append(' ')
          .append(b.getAddress().getHostAddress()).append(' ').append(b.getPort()).append(' ')
          .append(e.getValue().udp().size()).append('\n');
      fds += 1 + e.getValue().udp().size();
    }
    return sb.append("end ").append(fds).append('\n').toString();
  }

  /** The descriptors in the order {@link #describe} announces them. */
  static List<Integer> order(Map<InetSocketAddress, DnsListener.Sockets> sockets) {
    List<Integer> out = new ArrayList<>();
    for (DnsListener.Sockets s : sockets.values()) {
      out.add(s.tcp());
      out.addAll(s.udp());
    }
    return out;
  }

  /** Reads the announcement line by line. */
  static final class Parser {
    private final List<Layout> layouts = new ArrayList<>();
    private boolean hello;
    private int expected = -1;

    /**
     * @return true once the {@code end} line was read
     * @throws IllegalArgumentException on anything but the expected lines
     */
    boolean line(String line) {
      String[] f = line.trim().split(" ");
      if (!hello) {
        if (!line.trim().equals(HELLO)) {
          throw new IllegalArgumentException("not a nodecache hand-off: '" + line + "'");
        }
        hello = true;
        return false;
      }
      try {
        if (f[0].equals("listener") && f.length == 6) {
          layouts.add(
              new Layout(
                  new InetSocketAddress(ip(f[1]), Integer.parseInt(f[2])),
                  new InetSocketAddress(ip(f[3]), Integer.parseInt(f[4])),
                  Integer.parseInt(f[5])));
          return false;
        }
        if (f[0].equals("end") && f.length == 2) {
          expected = Integer.parseInt(f[1]);
          if (expected != layouts.stream().mapToInt(l -> 1 + l.udpSockets()).sum()) {
            throw new IllegalArgumentException("descriptor count does not match the listeners: '" + line + "'");
          }
          return true;
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad hand-off line: '" + line + "'");
      }
      throw new IllegalArgumentException("bad hand-off line: '" + line + "'");
    }

    int expected() {
      return expected;
    }

    /** Pairs the announced listeners with the received descriptors, keyed by Corefile address. */
    Map<InetSocketAddress, DnsListener.Sockets> assign(List<Integer> fds) {
      Map<InetSocketAddress, DnsListener.Sockets> out = new LinkedHashMap<>();
      int i = 0;
      for (Layout l : layouts) {
        int tcp = fds.get(i++);
        List<Integer> udp = new ArrayList<>(fds.subList(i, i + l.udpSockets()));
        i += l.udpSockets();
        out.put(l.requested(), new DnsListener.Sockets(l.bound(), tcp, udp));
      }
      return out;
    }

    private static InetAddress ip(String s) {
      if (!s.matches("[0-9.]+|[0-9a-fA-F.]*:[0-9a-fA-F:.]*(%[\\w.-]+)?")) { // literals only: never a lookup
        throw new IllegalArgumentException("not an IP address: '" + s + "'");
      }
      try {
        return InetAddress.getByName(s);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("not an IP address: '" + s + "'");
      }
    }
  }
}
