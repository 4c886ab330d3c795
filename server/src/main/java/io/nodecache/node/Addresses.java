package io.nodecache.node;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** IP literal parsing and RFC 5952 text (the form {@code ip}, {@code ip6tables-save} and nft print). */
final class Addresses {

  private Addresses() {}

  /** Parses an IP literal (never a host name); null when {@code text} is not one. */
  static InetAddress parse(String text) {
    if (text.isEmpty() || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
      return null;
    }
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** Parses {@code ADDR} or {@code ADDR/LEN}; null unless LEN is absent or a host prefix (32 or 128). */
  static InetAddress parseHost(String text) {
    int slash = text.indexOf('/');
    InetAddress ip = parse(slash < 0 ? text : text.substring(0, slash));
    if (ip == null || slash < 0) {
      return ip;
    }
    return text.substring(slash + 1).equals(Integer.toString(hostPrefix(ip))) ? ip : null;
  }

  static int hostPrefix(InetAddress ip) {
    return ip instanceof Inet4Address ? 32 : 128;
  }

  /** Dotted quad for IPv4; RFC 5952 for IPv6 (lower case, longest run of zero groups as {@code ::}). */
  static String format(InetAddress ip) {
    if (!(ip instanceof Inet6Address)) {
      return ip.getHostAddress();
    }
    byte[] b = ip.getAddress();
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 1; // RFC 5952 §4.2.2: a single zero group is not shortened
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLen - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }

  /** {@code ADDR/32} or {@code ADDR/128}. */
  static String hostCidr(InetAddress ip) {
    return format(ip) + "/" + hostPrefix(ip);
  }
}
