package io.nodecache.nsid;

import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Next;
import io.nodecache.wire.Edns;
import io.nodecache.wire.FastQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSIDOption;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;

/** CoreDNS's {@code nsid}: the answer to a query carrying an NSID option carries ours (RFC 5001). */
final class Nsid implements Handler, FastPath {

  private final byte[] data;

  Nsid(byte[] data) {
    this.data = data;
  }

  @Override
  public String name() {
    return "nsid";
  }

  @Override
  public Result fast(FastQuery q) {
    return q.nsidRequested() ? Result.SLOW : Result.PASS;
  }

  @Override
  public CompletionStage<Message> handle(DnsRequest r, Next next) {
    OPTRecord qopt = r.query().getOPT();
    if (qopt == null || qopt.getOptions(EDNSOption.Code.NSID).isEmpty()) {
      return next.handle(r);
    }
    return next.handle(r).thenApply(this::withNsid);
  }

  /** A copy of {@code answer} whose OPT record carries our NSID in place of any other. */
  private Message withNsid(Message answer) {
    if (answer == null) {
      return null;
    }
    Message m = answer.clone();
    OPTRecord old = m.getOPT();
    List<EDNSOption> options = new ArrayList<>();
    int payload = Edns.OUR_PAYLOAD;
    int xrcode = 0;
    int flags = 0;
    if (old != null) {
      m.removeRecord(old, Section.ADDITIONAL);
      payload = old.getPayloadSize();
      xrcode = old.getExtendedRcode();
      flags = old.getFlags();
      for (EDNSOption o : old.getOptions()) {
        if (o.getCode() != EDNSOption.Code.NSID) {
          options.add(o);
        }
      }
    }
    options.add(new NSIDOption(data.clone()));
    m.addRecord(new OPTRecord(payload, xrcode, 0, flags, options), Section.ADDITIONAL);
    return m;
  }
}
