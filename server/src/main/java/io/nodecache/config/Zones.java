package io.nodecache.config;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Zone names as CoreDNS reads them from a Corefile ({@code plugin.SplitHostPort} and {@code
 * Host.NormalizeExact}): an optional {@code :PORT}, a name that must be a valid domain name, and a CIDR
 * such as {@code 10.0.0.0/8} standing for its reverse zones, a prefix off the octet (IPv4) or nibble
 * (IPv6) boundary expanding to every zone it covers ({@code 172.16.0.0/12} is {@code
 * 16.172.in-addr.arpa.} to {@code 31.172.in-addr.arpa.}).
 */
public final class Zones {

  private Zones() {}

  /** A key split into its zones (canonical, absolute) and port ({@code -1} when none is given). */
  record HostPort(List<String> zones, int port) {}

  /**
   * Splits {@code s} (without {@code dns://}) as CoreDNS does.
   *
   * @throws IllegalArgumentException with CoreDNS's reason when {@code s} is not a zone
   */
  static HostPort split(String s) {
    String host = s;
    int port = -1;
    int colon = s.lastIndexOf(':');
    if (colon == s.length() - 1 && colon >= 0) {
      throw new IllegalArgumentException("expecting data after last colon: '" + s + "'");
    }
    if (colon >= 0 && s.substring(colon + 1).matches("\\d{1,9}")) {
      port = Integer.parseInt(s.substring(colon + 1));
      host = s.substring(0, colon);
    }
    if (host.length() > 255) {
      throw new IllegalArgumentException("zone is too long: " + host.length() + " > 255");
    }
    if (!isDomainName(host)) {
      throw new IllegalArgumentException("zone is not a valid domain name: '" + host + "'");
    }
    List<String> reverse = reverseZones(host);
    if (reverse != null) {
      return new HostPort(reverse, port);
    }
    return new HostPort(List.of(Names.canonical(host)), port);
  }

  /**
   * CoreDNS's {@code Host.NormalizeExact}: the zones {@code host} names (several for a classless CIDR),
   * canonical; empty when it is not a valid zone, which callers drop silently as CoreDNS does.
   */
  public static List<String> normalizeExact(String host) {
    String h = host.regionMatches(true, 0, "dns://", 0, 6) ? host.substring(6) : host;
    try {
      return split(h).zones();
    } catch (IllegalArgumentException e) {
      return List.of();
    }
  }

  /**
   * CoreDNS's {@code plugin.OriginsFromArgsOrServerBlock}: the zones a plugin is given as arguments,
   * invalid ones dropped silently, or the server block's zones when there are no arguments.
   */
  public static List<String> originsFromArgsOrBlock(List<String> args, List<String> blockZones) {
    if (args.isEmpty()) {
      return List.copyOf(blockZones);
    }
    List<String> out = new ArrayList<>();
    for (String a : args) {
      out.addAll(normalizeExact(a));
    }
    return out;
  }

  /** miekg/dns {@code IsDomainName}: no empty label, labels under 64 octets, at most 255 on the wire. */
  static boolean isDomainName(String s) {
    if (s.isEmpty()) {
      return false;
    }
    String f = s.endsWith(".") && !s.endsWith("\\.") ? s : s + ".";
    int off = 0;
    int begin = 0;
    boolean wasDot = false;
    for (int i = 0; i < f.length(); i++) {
      char c = f.charAt(i);
      if (c == '\\') {
        boolean ddd = i + 3 < f.length() && Character.isDigit(f.charAt(i + 1)) && Character.isDigit(f.charAt(i + 2))
            && Character.isDigit(f.charAt(i + 3));
        i += ddd ? 3 : 1;
        begin += ddd ? 3 : 1;
        wasDot = false;
      } else if (c == '.') {
        if ((i == 0 && f.length() > 1) || wasDot) {
          return false;
        }
        wasDot = true;
        int len = i - begin;
        if (len >= 64) {
          return false;
        }
        off += 1 + len;
        if (off > 256) {
          return false;
        }
        begin = i + 1;
      } else {
        wasDot = false;
      }
    }
    return true;
  }

  /** The reverse zones of a CIDR, or null when {@code s} is not one. */
  private static List<String> reverseZones(String s) {
    int slash = s.indexOf('/');
    if (slash < 0 || s.indexOf('/', slash + 1) >= 0) {
      return null;
    }
    String ip = s.substring(0, slash);
    String mask = s.substring(slash + 1);
    boolean v4 = ip.matches("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    boolean v6 = !v4 && ip.contains(":") && ip.matches("[0-9A-Fa-f:.]+");
    if ((!v4 && !v6) || !mask.matches("\\d{1,3}") || (mask.length() > 1 && mask.startsWith("0"))) {
      return null;
    }
    if (v6 && (ip.startsWith(":") || ip.startsWith("0"))) {
      throw new IllegalArgumentException("invalid CIDR '" + s + "'");
    }
    byte[] addr;
    try {
      addr = InetAddress.getByName(ip).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
    int bits = addr.length * 8;
    int ones = Integer.parseInt(mask);
    if (ones > bits || (v6 && addr.length != 16)) {
      return null;
    }
    int digit = v4 ? 8 : 4;
    int wanted = (ones + digit - 1) / digit * digit;
    BigInteger network = new BigInteger(1, addr).shiftRight(bits - ones).shiftLeft(bits - ones);
    int count = 1 << (wanted - ones);
    List<String> out = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      BigInteger sub = network.add(BigInteger.valueOf(k).shiftLeft(bits - wanted));
      out.add(reverseName(sub, bits, wanted, digit));
    }
    return out;
  }

  /** The reverse name of the first {@code wanted} bits of {@code value}: {@code 16.172.in-addr.arpa.}. */
  private static String reverseName(BigInteger value, int bits, int wanted, int digit) {
    StringBuilder sb = new StringBuilder();
    for (int d = wanted / digit - 1; d >= 0; d--) {
      int part = value.shiftRight(bits - (d + 1) * digit).intValue() & ((1 << digit) - 1);
      sb.append(digit == 8 ? Integer.toString(part) : Integer.toHexString(part)).append('.');
    }
    sb.append(digit == 8 ? "in-addr.arpa." : "ip6.arpa.");
    return sb.toString().toLowerCase(Locale.ROOT);
  }
}
