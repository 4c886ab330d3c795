package io.nodecache.log;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * One name of a {@code log} line: the queries under {@code scope} are logged with {@code format} when
 * their answer falls in one of {@code classes}.
 */
record LogRule(Name scope, byte[] scopeWire, LogFormat format, Set<LogRule.Kind> classes) {

  /** CoreDNS's response classes. */
  enum Kind {
    SUCCESS,
    DENIAL,
    ERROR,
    ALL;

    static Optional<Kind> of(String s) {
      for (Kind k : values()) {
        if (k.name().toLowerCase(Locale.ROOT).equals(s)) {
          return Optional.of(k);
        }
      }
      return Optional.empty();
    }
  }

  /** Whether the answer (null: the chain failed, answered SERVFAIL) is of a logged class. */
  boolean selects(Message answer) {
    return classes.contains(Kind.ALL) || classes.contains(classify(answer));
  }

  /**
   * CoreDNS's classification: NOERROR with answers, or a referral, is success; NXDOMAIN and NODATA
   * are denial; any other rcode is error.
   */
  static Kind classify(Message m) {
    if (m == null) {
      return Kind.ERROR;
    }
    int rcode = m.getRcode();
    if (rcode == Rcode.NXDOMAIN) {
      return Kind.DENIAL;
    }
    if (rcode != Rcode.NOERROR) {
      return Kind.ERROR;
    }
    if (!m.getSection(Section.ANSWER).isEmpty()) {
      return Kind.SUCCESS;
    }
    boolean ns = false;
    for (Record r : m.getSection(Section.AUTHORITY)) {
      if (r.getType() == Type.SOA) {
        return Kind.DENIAL;
      }
      ns |= r.getType() == Type.NS;
    }
    return ns ? Kind.SUCCESS : Kind.DENIAL;
  }
}
