package io.nodecache.bench.load;

import org.xbill.DNS.Rcode;

/** RCODE names for the 4-bit header field, and the parser for {@code --expect}. */
final class Rcodes {

  private Rcodes() {}

  static int value(String name) {
    int v = Rcode.value(name);
    if (v < 0 || v > 15) {
      throw new IllegalArgumentException("--expect: unknown rcode '" + name + "'");
    }
    return v;
  }

  static String name(int rcode) {
    return Rcode.string(rcode);
  }
}
