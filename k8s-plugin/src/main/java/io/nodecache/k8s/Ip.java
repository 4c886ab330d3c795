package io.nodecache.k8s;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 address, usable as a map key; with the textual, dashed and reverse-name forms DNS
 * needs. An IPv4 address is held in an int, with no array: a 10,000-Service cluster view holds 60,000
 * addresses, and a 4-byte array is 16 bytes more each.
 */
public final class Ip {

  /** The IPv4 address's bits, or the hash of the IPv6 address. */
  private final int bits;
  /** The 16 bytes of an IPv6 address; null for IPv4. */
  private final byte[] v6;

  private Ip(byte[] bytes) {
    this.v6 = bytes.length == 4 ? null : bytes;
    this.bits = hash(bytes);
  }

  /**
   * The address's own bits for IPv4 (no two addresses collide), a mixed fold of them for IPv6.
   * {@link Arrays#hashCode(byte[])} collides for neighbouring addresses ({@code a.b.c.d} and {@code
   * a.b.(c+1).(d-31)}), and a cluster's addresses are mostly neighbours: the reverse map's buckets
   * turned into trees.
   */
  private static int hash(byte[] b) {
    int h = 0;
    for (int i = 0; i < b.length; i += 4) {
      int word = (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
      h = b.length == 4 ? word : h * 0x9E3779B1 + word;
    }
    return b.length == 4 ? h : h ^ (h >>> 15);
  }

  public static Ip of(byte[] bytes) {
    if (bytes.length != 4 && bytes.length != 16) {
      throw new IllegalArgumentException("address of " + bytes.length + " bytes");
    }
    return new Ip(bytes.clone());
  }

  /** Parses a literal IPv4 or IPv6 address (no host names); null when {@code text} is not one. */
  public static Ip parse(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    if (text.indexOf(':') >= 0) {
      return parseV6(text);
    }
    return parseV4(text);
  }

  private static Ip parseV4(String text) {
    byte[] b = new byte[4];
    int part = 0;
    int value = -1;
    for (int i = 0; i <= text.length(); i++) {
      char c = i == text.length() ? '.' : text.charAt(i);
      if (c == '.') {
        if (value < 0 || part == 4) {
          return null;
        }
        b[part++] = (byte) value;
        value = -1;
      } else if (c >= '0' && c <= '9') {
        value = value < 0 ? c - '0' : value * 10 + (c - '0');
        if (value > 255) {
          return null;
        }
      } else {
        return null;
      }
    }
    return part == 4 ? new Ip(b) : null;
  }

  private static Ip parseV6(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok = c == ':' || c == '.' || Character.digit(c, 16) >= 0;
      if (!ok) {
        return null; // no zone ids, no host names: InetAddress must not resolve anything
      }
    }
    try {
      byte[] b = InetAddress.getByName(text).getAddress();
      return b.length == 16 ? new Ip(b) : null;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  public boolean isV4() {
    return v6 == null;
  }

  public byte[] bytes() {
    return v6 == null
        ? new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits}
        : v6.clone();
  }

  public InetAddress address() {
    try {
      return InetAddress.getByAddress(bytes());
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // cannot happen for 4 or 16 bytes
    }
  }

  /** The canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run as "::"). */
  @Override
  public String toString() {
    if (isV4()) {
      return (bits >>> 24) + "." + (bits >>> 16 & 0xff) + "." + (bits >>> 8 & 0xff) + "." + (bits & 0xff);
    }
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((v6[2 * i] & 0xff) << 8) | (v6[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 1; // RFC 5952 §4.2.2: a single zero group is not shortened
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }

  /**
   * The endpoint label CoreDNS derives from an address: dots or colons become dashes, and a trailing
   * dash gets a zero ({@code 10-0-0-1}, {@code fd00--1}, {@code fd00--0}).
   */
  public String dashed() {
    String s = toString().replace('.', '-').replace(':', '-');
    if (s.endsWith("-")) {
      s = s + "0";
    }
    return s;
  }

  /** Parses a dashed pod label ({@code 10-0-0-1}, {@code fd00--1}) back to an address, or null. */
  public static Ip fromDashed(String label) {
    Ip v4 = parseV4(label.replace('-', '.'));
    if (v4 != null) {
      return v4;
    }
    return label.indexOf('-') >= 0 ? parseV6(label.replace('-', ':')) : null;
  }

  /**
   * The address of a reverse name given its labels below {@code in-addr.arpa} or {@code ip6.arpa}, in
   * query order (least significant first); null unless all 4 octets or all 32 nibbles are present.
   */
  public static Ip fromReverse(String[] labels, boolean v6) {
    if (!v6) {
      if (labels.length != 4) {
        return null;
      }
      byte[] b = new byte[4];
      for (int i = 0; i < 4; i++) {
        String l = labels[3 - i];
        if (l.isEmpty() || l.length() > 3 || (l.length() > 1 && l.charAt(0) == '0')) {
          return null;
        }
        int v = 0;
        for (int k = 0; k < l.length(); k++) {
          char c = l.charAt(k);
          if (c < '0' || c > '9') {
            return null;
          }
          v = v * 10 + (c - '0');
        }
        if (v > 255) {
          return null;
        }
        b[i] = (byte) v;
      }
      return new Ip(b);
    }
    if (labels.length != 32) {
      return null;
    }
    byte[] b = new byte[16];
    for (int i = 0; i < 32; i++) {
      String l = labels[31 - i];
      int d = l.length() == 1 ? Character.digit(l.charAt(0), 16) : -1;
      if (d < 0) {
        return null;
      }
      b[i / 2] |= (byte) (i % 2 == 0 ? d << 4 : d);
    }
    return new Ip(b);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Ip other && bits == other.bits && Arrays.equals(v6, other.v6);
  }

  @Override
  public int hashCode() {
    return bits;
  }
}
