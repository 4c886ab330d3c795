package io.nodecache.k8s;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;

/** The records and rcode of one cluster-zone answer while it is built, and the message they make. */
final class Reply {

  final Name zone;
  final List<Record> answer = new ArrayList<>();
  final List<Record> additional = new ArrayList<>();
  int rcode = Rcode.NOERROR;
  /** The address the query arrived on, or null when not known. */
  final InetAddress local;
  /** True when the records depend on {@link #local}: such an answer is not memoized. */
  boolean perAddress;
  /** ExternalName services followed so far in this answer (shared with inner replies): no CNAME loop. */
  final Set<Name> aliases;
  private final int ttl;

  Reply(Name zone, int ttl, InetAddress local) {
    this(zone, ttl, local, new HashSet<>());
  }

  private Reply(Name zone, int ttl, InetAddress local, Set<Name> aliases) {
    this.zone = zone;
    this.ttl = ttl;
    this.local = local;
    this.aliases = aliases;
  }

  /** A reply for a name in {@code zone} whose records become part of this one. */
  Reply inner(Name zone) {
    return new Reply(zone, ttl, local, aliases);
  }

  /** CoreDNS's SOA: {@code ns.dns.<zone>. hostmaster.<zone>. serial 7200 1800 86400 ttl}, RR TTL min(ttl, 300). */
  SOARecord soa(ClusterView view) {
    return new SOARecord(
        zone, DClass.IN, Math.min(ttl, 300), DnsNames.nsName(zone), DnsNames.child("hostmaster", zone),
        view.serial() & 0xffffffffL, 7200, 1800, 86400, ttl);
  }

  /** The response to {@code query}: AA set, RD and CD copied, the SOA in every negative answer. */
  Message toMessage(Message query, ClusterView view) {
    Message m = new Message(query.getHeader().getID());
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setOpcode(query.getHeader().getOpcode());
    if (query.getHeader().getFlag(Flags.RD)) {
      m.getHeader().setFlag(Flags.RD);
    }
    if (query.getHeader().getFlag(Flags.CD)) {
      m.getHeader().setFlag(Flags.CD);
    }
    m.getHeader().setRcode(rcode);
    m.addRecord(query.getQuestion(), Section.QUESTION);
    if (rcode == Rcode.REFUSED) {
      return m;
    }
    m.getHeader().setFlag(Flags.AA);
    answer.forEach(rr -> m.addRecord(rr, Section.ANSWER));
    if (answer.isEmpty()) {
      m.addRecord(soa(view), Section.AUTHORITY); // RFC 2308 §3: negative answers carry the SOA
    }
    Set<Record> dedup = new HashSet<>(answer);
    additional.stream().filter(dedup::add).forEach(rr -> m.addRecord(rr, Section.ADDITIONAL));
    return m;
  }
}
