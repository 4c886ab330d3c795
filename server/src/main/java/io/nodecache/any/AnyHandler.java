package io.nodecache.any;

import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Next;
import io.nodecache.wire.FastQuery;
import io.nodecache.wire.Responses;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.DClass;
import org.xbill.DNS.HINFORecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** CoreDNS's {@code any}: an ANY query gets one HINFO record (RFC 8482 §4.2); others pass on. */
final class AnyHandler implements Handler, FastPath {

  static final long TTL = 8482;
  static final String CPU = "ANY obsoleted";
  static final String OS = "See RFC 8482";

  @Override
  public String name() {
    return "any";
  }

  @Override
  public Result fast(FastQuery q) {
    return q.qtype() == Type.ANY ? Result.SLOW : Result.PASS;
  }

  @Override
  public CompletionStage<Message> handle(DnsRequest r, Next next) {
    if (r.type() != Type.ANY) {
      return next.handle(r);
    }
    Message m = Responses.error(r.query(), Rcode.NOERROR);
    m.addRecord(new HINFORecord(r.name(), DClass.IN, TTL, CPU, OS), Section.ANSWER);
    return CompletableFuture.completedFuture(m);
  }
}
