package io.nodecache.bufsize;

import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Next;
import io.nodecache.chain.PayloadLimit;
import io.nodecache.chain.Protocol;
import io.nodecache.wire.FastQuery;
import io.nodecache.wire.Responses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * CoreDNS's {@code bufsize}: a query advertising an EDNS UDP size above {@code size} is handled as if it
 * advertised {@code size}, so the rest of the chain (and {@code forward}'s upstream query) sees the
 * lowered size and the UDP answer is truncated to it.
 */
final class Bufsize implements Handler, FastPath, PayloadLimit {

  private final int size;

  Bufsize(int size) {
    this.size = size;
  }

  int size() {
    return size;
  }

  @Override
  public int udpPayloadLimit() {
    return size;
  }

  @Override
  public String name() {
    return "bufsize";
  }

  @Override
  public Result fast(FastQuery q) {
    q.lowerUdpPayload(size);
    return Result.PASS;
  }

  @Override
  public CompletionStage<Message> handle(DnsRequest r, Next next) {
    OPTRecord opt = r.query().getOPT();
    if (opt == null || opt.getPayloadSize() <= size) {
      return next.handle(r);
    }
    Message lowered = lower(r.query(), opt);
    DnsRequest request = new DnsRequest(lowered, r.client(), r.local(), r.protocol(), r.zone(), r.server());
    if (r.protocol() != Protocol.UDP) {
      return next.handle(request);
    }
    return next.handle(request).thenApply(m -> m == null ? null : fit(lowered, m));
  }

  /** A copy of {@code query} whose OPT record advertises {@code size}. */
  private Message lower(Message query, OPTRecord opt) {
    Message copy = query.clone();
    copy.removeAllRecords(Section.ADDITIONAL);
    for (Record rr : query.getSection(Section.ADDITIONAL)) {
      if (rr instanceof OPTRecord) {
        rr = new OPTRecord(size, opt.getExtendedRcode(), opt.getVersion(), opt.getFlags(), opt.getOptions());
      }
      copy.addRecord(rr, Section.ADDITIONAL);
    }
    return copy;
  }

  /**
   * The answer as the listener will send it, truncated to {@code size} bytes when larger: the listener
   * bounds UDP answers by the size the client advertised, which is above ours.
   */
  private Message fit(Message lowered, Message answer) {
    Message out = Responses.finish(lowered, answer, size);
    if (out.toWire().length <= size) {
      return out;
    }
    try {
      return new Message(Responses.encode(out, size));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
