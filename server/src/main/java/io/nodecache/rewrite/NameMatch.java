package io.nodecache.rewrite;

import io.nodecache.wire.FastQuery;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a rule matches the question name: CoreDNS's {@code exact}, {@code prefix}, {@code suffix},
 * {@code substring} or {@code regex}, against the lower-cased name in presentation form with its
 * trailing dot ({@code www.example.org.}).
 */
final class NameMatch {

  enum Kind {
    EXACT,
    PREFIX,
    SUFFIX,
    SUBSTRING,
    REGEX
  }

  /** Longest presentation form of a name the fast path builds: 255 wire bytes, no escapes. */
  private static final ThreadLocal<byte[]> TEXT = ThreadLocal.withInitial(() -> new byte[256]);

  final Kind kind;
  /** The normalized text (lower case, trailing dot) or the regular expression as written. */
  final String from;
  final Pattern pattern;
  /** {@link #from} as ASCII bytes for the fast path, or null (regex, or not plain ASCII). */
  private final byte[] fromBytes;

  NameMatch(Kind kind, String from, Pattern pattern) {
    this.kind = kind;
    this.from = from;
    this.pattern = pattern;
    this.fromBytes = kind == Kind.REGEX || !ascii(from) ? null : from.getBytes(StandardCharsets.US_ASCII);
  }

  private static boolean ascii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /** True when {@code name} (lower case, trailing dot) matches. */
  boolean matches(String name) {
    return switch (kind) {
      case EXACT -> name.equals(from);
      case PREFIX -> name.startsWith(from);
      case SUFFIX -> name.endsWith(from);
      case SUBSTRING -> name.contains(from);
      case REGEX -> pattern.matcher(name).find();
    };
  }

  /** The groups of a regex match (index 0 the whole match), or null when the name does not match. */
  static String[] groups(Pattern pattern, String name) {
    Matcher m = pattern.matcher(name);
    if (!m.find()) {
      return null;
    }
    String[] g = new String[m.groupCount() + 1];
    for (int i = 0; i < g.length; i++) {
      g[i] = m.group(i) == null ? "" : m.group(i);
    }
    return g;
  }

  /**
   * The fast path's verdict without allocating: 1 matches, 0 does not, -1 cannot tell here (a regex,
   * a name needing escapes in presentation form, a non-ASCII pattern): decode.
   */
  int fastMatch(FastQuery q) {
    if (fromBytes == null) {
      return -1;
    }
    byte[] text = TEXT.get();
    int n = presentation(q.qnameLower(), q.qnameLength(), text);
    if (n < 0) {
      return -1;
    }
    byte[] f = fromBytes;
    return switch (kind) {
      case EXACT -> n == f.length && regionEquals(text, 0, f) ? 1 : 0;
      case PREFIX -> n >= f.length && regionEquals(text, 0, f) ? 1 : 0;
      case SUFFIX -> n >= f.length && regionEquals(text, n - f.length, f) ? 1 : 0;
      case SUBSTRING -> contains(text, n, f) ? 1 : 0;
      case REGEX -> -1;
    };
  }

  private static boolean regionEquals(byte[] text, int at, byte[] f) {
    for (int i = 0; i < f.length; i++) {
      if (text[at + i] != f[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean contains(byte[] text, int n, byte[] f) {
    for (int at = 0; at + f.length <= n; at++) {
      if (regionEquals(text, at, f)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Writes the lower-cased wire name as {@code a.b.c.} ({@code .} for the root) into {@code out};
   * returns its length, or -1 when a label holds a byte presentation form would escape.
   */
  static int presentation(byte[] wire, int wireLength, byte[] out) {
    int p = 0;
    int n = 0;
    if (wireLength <= 1) {
      out[0] = '.';
      return 1;
    }
    while (p < wireLength) {
      int len = wire[p++] & 0xff;
      if (len == 0) {
        break;
      }
      for (int i = 0; i < len; i++) {
        byte b = wire[p++];
        if (b <= 0x20 || b >= 0x7f || b == '.' || b == '\\' || b == '"' || b == '(' || b == ')'
            || b == ';' || b == '@' || b == '$') {
          return -1;
        }
        out[n++] = b;
      }
      out[n++] = '.';
    }
    return n;
  }
}
