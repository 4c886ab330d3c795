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
 * {@code dns://} prefix, or a resolv.conf-style file (its {@code nameserver} lines, port 53). No name is
 * ever resolved.
 */
final class UpstreamAddresses {

  static final int DNS_PORT = 53;

  private UpstreamAddresses() {}

  static List<InetSocketAddress> parse(Directive d, String raw) throws ConfigException {
    String s = raw;
    int scheme = s.indexOf("://");
    if (scheme >= 0) {
      String sch = s.substring(0, scheme);
      if (!sch.equals("dns")) {
        throw d.error("'" + raw + "': " + sch + ":// upstreams are not supported (expected: IP[:port] or a file)");
      }
      s = s.substring(scheme + 3);
    }
    InetSocketAddress a = address(s);
    if (a != null) {
      return List.of(a);
    }
    if (s.matches(".*:\\d+") && address(s.substring(0, s.lastIndexOf(':'))) != null) {
      throw d.error("'" + raw + "': port out of range (expected: 1..65535)");
    }
    Path file = Path.of(s);
    if (Files.isRegularFile(file)) {
      return resolvConf(d, file);
    }
    throw d.error("'" + raw + "' is neither IP[:port], [IPv6]:port nor a readable file");
  }

  /** An address without a lookup, or null when {@code s} is not one. */
  static InetSocketAddress address(String s) {
    String host = s;
    int port = DNS_PORT;
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
