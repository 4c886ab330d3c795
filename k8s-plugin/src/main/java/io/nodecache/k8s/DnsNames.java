package io.nodecache.k8s;

import java.util.Locale;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/** Name helpers of the cluster zone. */
final class DnsNames {

  static final Name IN_ADDR = Name.fromConstantString("in-addr.arpa.");
  static final Name IP6 = Name.fromConstantString("ip6.arpa.");

  private DnsNames() {}

  /** {@code label.parent}, or null when the result would be too long for a name. */
  static Name child(String label, Name parent) {
    try {
      return Name.fromString(label, parent);
    } catch (TextParseException e) {
      return null; // too long for a name: no record, as CoreDNS drops it
    }
  }

  /** CoreDNS's name server name: {@code ns.dns.<zone>}. */
  static Name nsName(Name zone) {
    return child("ns", child("dns", zone));
  }

  static boolean isReverse(Name zone) {
    return zone.subdomain(IN_ADDR) || zone.subdomain(IP6);
  }

  static Name absolute(String name) {
    try {
      return Name.fromString(name);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("name '" + name + "': " + e.getMessage(), e);
    }
  }

  /** The lower-case labels of {@code name} left of {@code zone}, left to right. */
  static String[] labels(Name name, Name zone) {
    int n = name.labels() - zone.labels();
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      out[i] = name.getLabelString(i).toLowerCase(Locale.ROOT);
    }
    return out;
  }
}
