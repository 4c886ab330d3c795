package io.nodecache.forward;

import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Address;

/**
 * Parses a forward {@code TO}: {@code IP}, {@code IP:port}, {@code [IPv6]:port}, bare IPv6, an optional
 * {@code dns://} prefix, or a resolv.conf-style file (its {@code nameserver} lines, port 53); or a DNS
 * over TLS upstream {@code tls://IP[%SERVERNAME][:port]} (port 853). No name is ever resolved.
 */
final class UpstreamAddresses {

  static final int DNS_PORT = 53;
  static final int TLS_PORT = 853;

  /**
   * One upstream.
   *
   * @param address where it listens
   * @param tls DNS over TLS (RFC 7858) instead of plain DNS
   * @param serverName the name its certificate must carry ({@code tls://IP%NAME}), or null
   */
  record Target(InetSocketAddress address, boolean tls, String serverName) {}

  private UpstreamAddresses() {}

  static List<Target> parse(Directive d, String raw) throws ConfigException {
    String s = raw;
    boolean tls = false;
    int scheme = s.indexOf("://");
    if (scheme >= 0) {
      String sch = s.substring(0, scheme);
      if (!sch.equals("dns") && !sch.equals("tls")) {
        throw d.error("'" + raw + "': " + sch + ":// upstreams are not supported (expected: IP[:port], tls://IP[:port] or a file)");
      }
      tls = sch.equals("tls");
      s = s.substring(scheme + 3);
    }
    String serverName = null;
    if (tls) {
      // tls://IP%NAME[:port]: the last '%' starts the server name; a port after it belongs to the address.
      int pct = s.lastIndexOf('%');
      if (pct >= 0) {
        String rest = s.substring(pct + 1);
        s = s.substring(0, pct);
        int colon = rest.lastIndexOf(':');
        if (colon >= 0) {
          s = s + rest.substring(colon);
          rest = rest.substring(0, colon);
        }
        if (rest.isEmpty()) {
          throw d.error("'" + raw + "': empty TLS server name after '%'");
        }
        serverName = rest;
      }
    }
    InetSocketAddress a = address(s, tls ? TLS_PORT : DNS_PORT);
    if (a != null) {
      return List.of(new Target(a, tls, serverName));
    }
    if (s.matches(".*:\\d+") && address(s.substring(0, s.lastIndexOf(':')), DNS_PORT) != null) {
      throw d.error("'" + raw + "': port out of range (expected: 1..65535)");
    }
    if (tls) {
      throw d.error("'" + raw + "': a tls:// upstream must be an IP address (expected: tls://IP[%NAME][:port])");
    }
    Path file = Path.of(s);
    if (Files.isRegularFile(file)) {
      return resolvConf(d, file).stream().map(x -> new Target(x, false, null)).toList();
    }
    throw d.error("'" + raw + "' is neither IP[:port], [IPv6]:port nor a readable file");
  }

  /** An address without a lookup (port 53 unless given), or null when {@code s} is not one. */
  static InetSocketAddress address(String s) {
    return address(s, DNS_PORT);
  }

  private static InetSocketAddress address(String s, int defaultPort) {
    String host = s;
    int port = defaultPort;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        return null;
      }
      host = s.substring(1, close);
      String rest = s.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          return null;
        }
        port = port(rest.substring(1));
      }
    } else if (s.indexOf(':') == s.lastIndexOf(':') && s.indexOf(':') >= 0) {
      host = s.substring(0, s.indexOf(':'));
      port = port(s.substring(s.indexOf(':') + 1));
    }
    if (port < 1) {
      return null;
    }
    InetAddress ip = literal(host);
    return ip == null ? null : new InetSocketAddress(ip, port);
  }

  private static int port(String p) {
    if (!p.matches("\\d{1,5}")) {
      return -1;
    }
    int v = Integer.parseInt(p);
    return v <= 65535 ? v : -1;
  }

  private static InetAddress literal(String host) {
    String h = host;
    int zone = h.indexOf('%');
    if (zone >= 0) {
      h = h.substring(0, zone);
    }
    byte[] b = Address.toByteArray(h, Address.IPv4);
    if (b == null) {
      b = Address.toByteArray(h, Address.IPv6);
    }
    if (b == null) {
      return null;
    }
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static List<InetSocketAddress> resolvConf(Directive d, Path file) throws ConfigException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw d.error("cannot read " + file + ": " + e.getMessage());
    }
    List<InetSocketAddress> out = new ArrayList<>();
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 2 && f[0].equals("nameserver")) {
        InetSocketAddress a = address(f[1]);
        if (a == null) {
          throw d.error(file + ": nameserver '" + f[1] + "' is not an IP address");
        }
        out.add(a);
      }
    }
    if (out.isEmpty()) {
      throw d.error(file + " has no nameserver line");
    }
    return out;
  }
}
