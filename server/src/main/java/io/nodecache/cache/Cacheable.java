package io.nodecache.cache;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Decides whether and for how long an upstream response may be cached (CoreDNS {@code response.Typify}). */
final class Cacheable {

  /**
   * A cacheable response: its kind and the TTL it carries (before the cache's floor and cap).
   *
   * @param kind which cache it goes to
   * @param ttl seconds: the smallest record TTL, the RFC 2308 negative TTL, or -1 for SERVFAIL
   */
  record Verdict(CacheEntry.Kind kind, long ttl) {}

  private Cacheable() {}

  /** Null when the response must not be cached. */
  static Verdict classify(Message m) {
    if (m.getHeader().getFlag(Flags.TC)) {
      return null; // truncated: the client retries over TCP and must get the whole answer
    }
    int rcode = m.getRcode();
    switch (rcode) {
      case Rcode.NOERROR -> {
        if (!m.getSection(Section.ANSWER).isEmpty()) {
          return new Verdict(CacheEntry.Kind.SUCCESS, minTtl(m));
        }
        long neg = negativeTtl(m);
        // NODATA needs the SOA (RFC 2308 §5); a referral or a bare empty answer is not cached
        return neg < 0 ? null : new Verdict(CacheEntry.Kind.DENIAL, neg);
      }
      case Rcode.NXDOMAIN -> {
        long neg = negativeTtl(m);
        return neg < 0 ? null : new Verdict(CacheEntry.Kind.DENIAL, neg);
      }
      case Rcode.SERVFAIL -> {
        return new Verdict(CacheEntry.Kind.SERVFAIL, -1);
      }
      default -> {
        return null; // FORMERR, NOTIMP, REFUSED and the rest are never cached
      }
    }
  }

  /** An answer that settles a question, so it replaces a stale entry (CoreDNS's verify mode). */
  static boolean authoritative(Message m) {
    int rcode = m.getRcode();
    return rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN;
  }

  /** True for NXDOMAIN and NODATA. */
  static boolean negative(Message m) {
    return m.getRcode() == Rcode.NXDOMAIN
        || (m.getRcode() == Rcode.NOERROR && m.getSection(Section.ANSWER).isEmpty());
  }

  /**
   * True when the response answers exactly this question (CoreDNS counts the others as drops). {@code
   * name} is the key's name (equal to {@code key.name()} but for case, which does not count): the
   * caller that built the key from a decoded name passes that one, which saves decoding it again.
   */
  static boolean matches(Message m, Question key, Name name) {
    Record q = m.getQuestion();
    return q != null
        && m.getSection(Section.QUESTION).size() == 1
        && q.getType() == key.type()
        && q.getDClass() == key.dclass()
        && q.getName().equals(name);
  }

  private static long minTtl(Message m) {
    long min = Long.MAX_VALUE;
    for (int s : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      for (Record r : m.getSection(s)) {
        if (r.getType() != Type.OPT) {
          min = Math.min(min, r.getTTL());
        }
      }
    }
    return min;
  }

  /** RFC 2308 §5: the negative TTL is min(SOA TTL, SOA MINIMUM); -1 without an SOA. */
  private static long negativeTtl(Message m) {
    for (Record r : m.getSection(Section.AUTHORITY)) {
      if (r instanceof SOARecord soa) {
        return Math.min(soa.getTTL(), soa.getMinimum());
      }
    }
    return -1;
  }
}
