package io.nodecache.cache;

import io.nodecache.wire.FastQuery;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/** A fixed set of zones, matched against decoded names and against fast-path query bytes. */
final class ZoneSet {

  private final Name[] names;
  private final byte[][] wire;
  private final boolean all;

  ZoneSet(List<String> zones) {
    names = new Name[zones.size()];
    wire = new byte[zones.size()][];
    boolean root = false;
    for (int i = 0; i < names.length; i++) {
      try {
        names[i] = Name.fromString(zones.get(i), Name.root).canonicalize();
      } catch (TextParseException e) {
        throw new IllegalArgumentException("zone '" + zones.get(i) + "': " + e.getMessage(), e);
      }
      wire[i] = names[i].toWireCanonical();
      root |= names[i].equals(Name.root);
    }
    all = root;
  }

  boolean isEmpty() {
    return names.length == 0;
  }

  boolean contains(Name name) {
    if (all) {
      return true;
    }
    for (Name z : names) {
      if (name.subdomain(z)) {
        return true;
      }
    }
    return false;
  }

  boolean contains(FastQuery q) {
    if (all) {
      return true;
    }
    for (byte[] z : wire) {
      if (q.inZone(z)) {
        return true;
      }
    }
    return false;
  }
}
