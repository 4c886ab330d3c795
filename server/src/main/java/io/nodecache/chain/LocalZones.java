package io.nodecache.chain;

import io.nodecache.wire.FastQuery;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Zones a server block answers from its own data (the cluster zone). Answers for them are never cached
 * from upstream data: the local view is the truth (RFC 5452 §6 in spirit, and CoreDNS's advice not to
 * cache the kubernetes zones twice).
 */
public final class LocalZones {

  private final List<Name> zones = new CopyOnWriteArrayList<>();
  private final List<byte[]> wire = new CopyOnWriteArrayList<>();

  public void add(String zone) {
    try {
      Name n = Name.fromString(zone.endsWith(".") ? zone : zone + ".").canonicalize();
      zones.add(n);
      wire.add(n.toWireCanonical());
    } catch (TextParseException e) {
      throw new IllegalArgumentException("zone '" + zone + "': " + e.getMessage(), e);
    }
  }

  public boolean contains(Name name) {
    for (Name z : zones) {
      if (name.subdomain(z)) {
        return true;
      }
    }
    return false;
  }

  public boolean contains(FastQuery q) {
    for (byte[] z : wire) {
      if (q.inZone(z)) {
        return true;
      }
    }
    return false;
  }

  public boolean isEmpty() {
    return zones.isEmpty();
  }
}
