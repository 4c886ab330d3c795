package io.nodecache.file;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.xbill.DNS.Master;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * One zone file read for one origin, immutable: the apex (SOA, NS and their signatures) and every
 * other record by owner name, in DNSSEC canonical order so that the names before and after a query
 * name (NSEC denial, empty non-terminals) are one map step away.
 */
final class ZoneData {

  final Name origin;
  final SOARecord soa;
  final List<Record> soaSigs;
  final List<Record> ns;
  final List<Record> nsSigs;
  /** Owner name (lower case) to its records by type; RRSIGs under {@link Type#RRSIG}. */
  final NavigableMap<Name, Map<Integer, List<Record>>> tree;
  final int entries;

  private ZoneData(
      Name origin,
      SOARecord soa,
      List<Record> soaSigs,
      List<Record> ns,
      List<Record> nsSigs,
      NavigableMap<Name, Map<Integer, List<Record>>> tree,
      int entries) {
    this.origin = origin;
    this.soa = soa;
    this.soaSigs = List.copyOf(soaSigs);
    this.ns = List.copyOf(ns);
    this.nsSigs = List.copyOf(nsSigs);
    this.tree = tree;
    this.entries = entries;
  }

  long serial() {
    return soa.getSerial();
  }

  /**
   * Reads {@code file} with {@code origin} for relative names ({@code $ORIGIN}, {@code $TTL} and
   * {@code $INCLUDE} honoured, TTL 3600 where none is given). Errors name the zone file and its
   * line. As CoreDNS, the zone must have a SOA (the last one read wins) and must not hold NSEC3.
   */
  static ZoneData read(Path file, Name origin) throws IOException {
    SOARecord soa = null;
    List<Record> soaSigs = new ArrayList<>();
    List<Record> ns = new ArrayList<>();
    List<Record> nsSigs = new ArrayList<>();
    NavigableMap<Name, Map<Integer, List<Record>>> tree = new TreeMap<>();
    int entries = 0;
    try (Master m = new Master(file.toString(), origin, 3600)) {
      Record r;
      while ((r = m.nextRecord()) != null) {
        Name owner = r.getName().canonicalize();
        if (!owner.equals(r.getName())) {
          r = r.withName(owner);
        }
        int type = r.getType();
        if (type == Type.NSEC3 || type == Type.NSEC3PARAM) {
          throw new TextParseException(
              file + ": NSEC3 zones are not supported (" + Type.string(type) + " at " + owner + ")");
        }
        if (r instanceof SOARecord s) {
          soa = s;
          continue;
        }
        if (r instanceof NSRecord && owner.equals(origin)) {
          ns.add(r);
          continue;
        }
        if (r instanceof RRSIGRecord sig && (sig.getTypeCovered() == Type.SOA
            || (sig.getTypeCovered() == Type.NS && owner.equals(origin)))) {
          (sig.getTypeCovered() == Type.SOA ? soaSigs : nsSigs).add(r);
          continue;
        }
        List<Record> set = tree.computeIfAbsent(owner, k -> new HashMap<>()).computeIfAbsent(type, k -> new ArrayList<>());
        if (!set.contains(r)) {
          set.add(r);
          entries++;
        }
      }
    }
    if (soa == null) {
      throw new TextParseException(file + ": no SOA record for origin " + origin);
    }
    return new ZoneData(origin, soa, soaSigs, ns, nsSigs, tree, entries);
  }

  /** The records of {@code type} at {@code node} (empty when none). */
  static List<Record> type(Map<Integer, List<Record>> node, int type) {
    if (node == null) {
      return List.of();
    }
    return node.getOrDefault(type, List.of());
  }

  /** The signatures at {@code node} covering {@code covered}. */
  static List<Record> sigs(Map<Integer, List<Record>> node, int covered) {
    List<Record> out = new ArrayList<>();
    for (Record r : type(node, Type.RRSIG)) {
      if (((RRSIGRecord) r).getTypeCovered() == covered) {
        out.add(r);
      }
    }
    return out;
  }

  /** The records of {@code type} at {@code node}, with their signatures when {@code dnssec}. */
  static List<Record> typeSigned(Map<Integer, List<Record>> node, int type, boolean dnssec) {
    List<Record> out = new ArrayList<>(type(node, type));
    if (dnssec) {
      out.addAll(sigs(node, type));
    }
    return out;
  }

  List<Record> soa(boolean dnssec) {
    List<Record> out = new ArrayList<>();
    out.add(soa);
    if (dnssec) {
      out.addAll(soaSigs);
    }
    return out;
  }

  List<Record> ns(boolean dnssec) {
    List<Record> out = new ArrayList<>(ns);
    if (dnssec) {
      out.addAll(nsSigs);
    }
    return out;
  }

  /**
   * Glue for {@code nsRecords}: the A and AAAA records held for each NS target that lies under the
   * NS owner (in bailiwick), as CoreDNS's tree does.
   */
  List<Record> glue(List<Record> nsRecords, boolean dnssec) {
    List<Record> out = new ArrayList<>();
    for (Record r : nsRecords) {
      if (r instanceof NSRecord n && n.getTarget().subdomain(n.getName())) {
        Map<Integer, List<Record>> node = tree.get(n.getTarget().canonicalize());
        out.addAll(typeSigned(node, Type.A, dnssec));
        out.addAll(typeSigned(node, Type.AAAA, dnssec));
      }
    }
    return out;
  }
}
