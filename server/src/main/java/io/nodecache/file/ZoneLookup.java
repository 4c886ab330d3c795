package io.nodecache.file;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DNAMERecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;

/**
 * CoreDNS's file lookup over one {@link ZoneData}: walk the query name label by label from the apex
 * (DNAME substitution, delegation at an NS cut), then the name itself (CNAME chasing inside the zone,
 * the asked type, NODATA), else the deepest wildcard seen on the way, else NXDOMAIN (NOERROR for an
 * empty non-terminal); with DNSSEC records when the query has DO.
 */
final class ZoneLookup {

  enum Kind { SUCCESS, NODATA, NXDOMAIN, DELEGATION }

  /**
   * What the zone says. NODATA is a name with records but none of the type; an empty non-terminal and
   * a wildcard without the type are SUCCESS without answer records, as CoreDNS classes them. {@code external} is a CNAME target the zone has no node for: its records of
   * the asked type are looked up outside the zone and appended to the answer.
   */
  record Result(Kind kind, List<Record> answer, List<Record> authority, List<Record> additional, Name external) {}

  /** CoreDNS follows at most this many CNAMEs inside the zone after the first. */
  private static final int MAX_CHASE = 8;

  private ZoneLookup() {}

  static Result lookup(ZoneData z, Name qname, int qtype, boolean dnssec) {
    Name origin = z.origin;
    if (qtype == Type.SOA && qname.equals(origin)) {
      return new Result(Kind.SUCCESS, z.soa(dnssec), z.ns(dnssec), List.of(), null);
    }
    if (qtype == Type.NS && qname.equals(origin)) {
      List<Record> ns = z.ns(dnssec);
      return new Result(Kind.SUCCESS, ns, List.of(), z.glue(ns, dnssec), null);
    }
    int below = qname.labels() - origin.labels();
    Map<Integer, List<Record>> node = null;
    Map<Integer, List<Record>> wild = null;
    for (int i = 0; i <= below; i++) {
      Name part = new Name(qname, below - i);
      node = z.tree.get(part);
      if (node == null) {
        Name w = wildcardOf(part);
        Map<Integer, List<Record>> wn = w == null ? null : z.tree.get(w);
        if (wn != null) {
          wild = wn;
        }
        continue;
      }
      List<Record> dnames = ZoneData.type(node, Type.DNAME);
      if (!dnames.isEmpty() && !part.equals(qname)) {
        DNAMERecord dname = (DNAMERecord) dnames.get(0);
        Record cname = synthesize(qname, dname);
        if (cname != null) {
          Result r = follow(z, qname, qtype, dnssec, List.of(cname), node);
          List<Record> answer = new ArrayList<>(dnames);
          if (dnssec) {
            answer.addAll(ZoneData.sigs(node, Type.DNAME));
          }
          answer.addAll(r.answer());
          return new Result(r.kind(), answer, r.authority(), r.additional(), r.external());
        }
      }
      List<Record> ns = ZoneData.type(node, Type.NS);
      if (!ns.isEmpty() && !part.equals(origin)) {
        if (qtype == Type.DS && part.equals(qname)) {
          continue;
        }
        List<Record> glue = z.glue(ns, dnssec);
        List<Record> auth = new ArrayList<>(ns);
        if (dnssec) {
          auth.addAll(ZoneData.typeSigned(node, Type.DS, true));
        }
        return new Result(Kind.DELEGATION, List.of(), auth, glue, null);
      }
    }
    if (node != null) {
      List<Record> cnames = ZoneData.type(node, Type.CNAME);
      if (!cnames.isEmpty() && qtype != Type.CNAME) {
        return follow(z, qname, qtype, dnssec, cnames, node);
      }
      List<Record> rrs = ZoneData.type(node, qtype);
      if (rrs.isEmpty()) {
        List<Record> auth = z.soa(dnssec);
        if (dnssec) {
          auth.addAll(ZoneData.typeSigned(node, Type.NSEC, true));
        }
        return new Result(Kind.NODATA, List.of(), auth, List.of(), null);
      }
      List<Record> additional = additional(z, rrs, dnssec);
      List<Record> answer = ZoneData.typeSigned(node, qtype, dnssec);
      return new Result(Kind.SUCCESS, answer, z.ns(dnssec), additional, null);
    }
    if (wild != null) {
      List<Record> cnames = renamed(ZoneData.type(wild, Type.CNAME), qname);
      if (!cnames.isEmpty()) {
        return follow(z, qname, qtype, dnssec, cnames, wild);
      }
      List<Record> rrs = renamed(ZoneData.typeSigned(wild, qtype, dnssec), qname);
      if (ZoneData.type(wild, qtype).isEmpty()) {
        List<Record> auth = z.soa(dnssec);
        if (dnssec) {
          auth.addAll(ZoneData.typeSigned(wild, Type.NSEC, true));
        }
        return new Result(Kind.SUCCESS, List.of(), auth, List.of(), null);
      }
      List<Record> auth = z.ns(dnssec);
      if (dnssec) {
        Map.Entry<Name, Map<Integer, List<Record>>> deny = z.tree.lowerEntry(qname);
        if (deny != null) {
          auth.addAll(ZoneData.typeSigned(deny.getValue(), Type.NSEC, true));
        }
      }
      return new Result(Kind.SUCCESS, rrs, auth, List.of(), null);
    }
    return denial(z, qname, dnssec);
  }

  /**
   * NXDOMAIN, or NOERROR (kind SUCCESS without answer, as CoreDNS) when a longer name exists (an empty
   * non-terminal), with the SOA and, for DO, the covering NSECs.
   */
  private static Result denial(ZoneData z, Name qname, boolean dnssec) {
    Name after = z.tree.higherKey(qname);
    boolean emptyNonTerminal = qname.equals(z.origin) || (after != null && after.subdomain(qname));
    List<Record> auth = z.soa(dnssec);
    Kind kind = emptyNonTerminal ? Kind.SUCCESS : Kind.NXDOMAIN;
    if (dnssec) {
      Map.Entry<Name, Map<Integer, List<Record>>> deny = z.tree.lowerEntry(qname);
      if (deny != null) {
        auth.addAll(ZoneData.typeSigned(deny.getValue(), Type.NSEC, true));
        if (kind == Kind.NXDOMAIN) {
          Name encloser = closestEncloser(z, qname);
          if (encloser != null) {
            Name star = wildcardChild(encloser);
            Map.Entry<Name, Map<Integer, List<Record>>> ss = star == null ? null : z.tree.lowerEntry(star);
            if (ss != null && !ss.getKey().equals(deny.getKey())) {
              auth.addAll(ZoneData.typeSigned(ss.getValue(), Type.NSEC, true));
            }
          }
        }
      }
    }
    return new Result(kind, List.of(), auth, List.of(), null);
  }

  /**
   * The CNAME answer: the CNAMEs found, then, while the target is a node of the zone, its CNAMEs (at
   * most {@value #MAX_CHASE} more) and finally its records of the asked type. A target the zone has
   * no node for is left for the caller to resolve outside.
   */
  private static Result follow(
      ZoneData z, Name qname, int qtype, boolean dnssec, List<Record> cnames, Map<Integer, List<Record>> at) {
    List<Record> answer = new ArrayList<>(cnames);
    if (dnssec) {
      answer.addAll(renamed(ZoneData.sigs(at, Type.CNAME), cnames.get(0).getName()));
    }
    Name target = ((CNAMERecord) cnames.get(0)).getTarget();
    Map<Integer, List<Record>> node = z.tree.get(target.canonicalize());
    if (node == null) {
      return new Result(Kind.SUCCESS, answer, z.ns(dnssec), List.of(), target);
    }
    for (int i = 0; ; i++) {
      List<Record> more = ZoneData.type(node, Type.CNAME);
      if (more.isEmpty()) {
        break;
      }
      answer.addAll(ZoneData.typeSigned(node, Type.CNAME, dnssec));
      target = ((CNAMERecord) more.get(0)).getTarget();
      node = z.tree.get(target.canonicalize());
      if (node == null) {
        return new Result(Kind.SUCCESS, answer, z.ns(dnssec), List.of(), target);
      }
      if (i + 1 > MAX_CHASE) {
        return new Result(Kind.SUCCESS, answer, z.ns(dnssec), List.of(), null);
      }
    }
    answer.addAll(ZoneData.typeSigned(node, qtype, dnssec));
    return new Result(Kind.SUCCESS, answer, z.ns(dnssec), List.of(), null);
  }

  /** A and AAAA of in-zone MX and SRV targets, as CoreDNS adds them. */
  private static List<Record> additional(ZoneData z, List<Record> rrs, boolean dnssec) {
    List<Record> out = new ArrayList<>();
    for (Record r : rrs) {
      Name target = r instanceof MXRecord mx ? mx.getTarget() : r instanceof SRVRecord srv ? srv.getTarget() : null;
      if (target == null || !target.subdomain(z.origin)) {
        continue;
      }
      Map<Integer, List<Record>> node = z.tree.get(target.canonicalize());
      if (node != null) {
        out.addAll(ZoneData.typeSigned(node, Type.A, dnssec));
        out.addAll(ZoneData.typeSigned(node, Type.AAAA, dnssec));
      }
    }
    return out;
  }

  /** {@code part} with its first label replaced by {@code *}; null for the root. */
  private static Name wildcardOf(Name part) {
    if (part.labels() <= 1) {
      return null;
    }
    return wildcardChild(new Name(part, 1));
  }

  private static Name wildcardChild(Name parent) {
    try {
      return Name.concatenate(Name.fromConstantString("*"), parent);
    } catch (NameTooLongException e) {
      return null;
    }
  }

  /** The longest existing ancestor of {@code qname} in the zone. */
  private static Name closestEncloser(ZoneData z, Name qname) {
    for (int strip = 1; qname.labels() - strip >= z.origin.labels(); strip++) {
      Name up = new Name(qname, strip);
      if (z.tree.containsKey(up)) {
        return up;
      }
    }
    return null;
  }

  /** The CNAME a DNAME makes of a name below its owner (RFC 6672); null when it would be too long. */
  private static Record synthesize(Name qname, DNAMERecord dname) {
    try {
      Name to = qname.fromDNAME(dname);
      return to == null ? null : new CNAMERecord(qname, dname.getDClass(), dname.getTTL(), to);
    } catch (NameTooLongException e) {
      return null;
    }
  }

  /** Copies of wildcard records owned by {@code name}. */
  private static List<Record> renamed(List<Record> rrs, Name name) {
    List<Record> out = new ArrayList<>(rrs.size());
    for (Record r : rrs) {
      out.add(r.getName().equals(name) ? r : r.withName(name));
    }
    return out;
  }
}
