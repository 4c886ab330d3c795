package io.nodecache.minimal;

import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Next;
import io.nodecache.wire.FastQuery;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * CoreDNS's {@code minimal}: a positive answer loses its authority and additional sections; NXDOMAIN,
 * NODATA, delegations and errors are left whole.
 */
final class Minimal implements Handler, FastPath {

  @Override
  public String name() {
    return "minimal";
  }

  @Override
  public Result fast(FastQuery q) {
    if (q.dnssecOk()) {
      return Result.SLOW; // an expired signature keeps the answer whole: decided on the decoded path
    }
    q.minimalReply(true);
    return Result.PASS;
  }

  @Override
  public CompletionStage<Message> handle(DnsRequest r, Next next) {
    if (r.type() == Type.AXFR || r.type() == Type.IXFR) {
      return next.handle(r);
    }
    return next.handle(r).thenApply(m -> m != null && positive(m, r.dnssecOk()) ? minimal(m) : m);
  }

  /** CoreDNS's response type NoError: what {@code minimal} strips. */
  static boolean positive(Message m, boolean dnssecOk) {
    if (m.getRcode() != Rcode.NOERROR) {
      return false;
    }
    if (dnssecOk && expiredSignature(m)) {
      return false;
    }
    if (!m.getSection(Section.ANSWER).isEmpty()) {
      return true;
    }
    for (Record rr : m.getSection(Section.AUTHORITY)) {
      if (rr.getType() == Type.SOA || rr.getType() == Type.NS) {
        return false; // NODATA, or a delegation
      }
    }
    return true;
  }

  private static boolean expiredSignature(Message m) {
    Instant now = Instant.now();
    for (int s : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      for (Record rr : m.getSection(s)) {
        if (rr instanceof RRSIGRecord sig && (now.isAfter(sig.getExpire()) || now.isBefore(sig.getTimeSigned()))) {
          return true;
        }
      }
    }
    return false;
  }

  /** A copy with the header, question and answer of {@code m}, and its OPT record. */
  private static Message minimal(Message m) {
    Message out = m.clone();
    out.removeAllRecords(Section.AUTHORITY);
    OPTRecord opt = out.getOPT();
    out.removeAllRecords(Section.ADDITIONAL);
    if (opt != null) {
      out.addRecord(opt, Section.ADDITIONAL);
    }
    return out;
  }
}
