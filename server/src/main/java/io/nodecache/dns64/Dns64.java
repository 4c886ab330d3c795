package io.nodecache.dns64;

import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Next;
import io.nodecache.wire.FastQuery;
import io.nodecache.wire.Responses;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * DNS64 (RFC 6147) as CoreDNS does it: an IN AAAA query whose answer holds no AAAA record (or any
 * answer but NXDOMAIN, with {@code translate_all}) is asked again as A, and each A record of that
 * answer becomes an AAAA record inside the prefix (RFC 6052 §2.2).
 */
final class Dns64 implements Handler, FastPath {

  /** RFC 6147 §5.1.7: the TTL cap when the AAAA answer carries no SOA. */
  static final long NO_SOA_TTL = 600;

  private final byte[] prefix;
  private final int length;
  private final boolean translateAll;
  private final boolean allowIpv4;

  Dns64(byte[] prefixAndLength, boolean translateAll, boolean allowIpv4) {
    this.prefix = prefixAndLength;
    this.length = prefixAndLength[16] & 0xFF;
    this.translateAll = translateAll;
    this.allowIpv4 = allowIpv4;
  }

  @Override
  public String name() {
    return "dns64";
  }

  @Override
  public Result fast(FastQuery q) {
    return intercepts(q.qtype(), q.qclass(), q.client()) ? Result.SLOW : Result.PASS;
  }

  private boolean intercepts(int type, int dclass, InetSocketAddress client) {
    if (type != Type.AAAA || dclass != DClass.IN) {
      return false;
    }
    return allowIpv4 || client == null || !(client.getAddress() instanceof Inet4Address);
  }

  @Override
  public CompletionStage<Message> handle(DnsRequest r, Next next) {
    if (!intercepts(r.type(), r.dclass(), r.client())) {
      return next.handle(r);
    }
    return next.handle(r).thenCompose(aaaa -> {
      if (aaaa == null || !translate(aaaa)) {
        return CompletableFuture.completedFuture(aaaa);
      }
      Message q = r.query().clone();
      q.removeAllRecords(Section.QUESTION);
      q.addRecord(Record.newRecord(r.name(), Type.A, DClass.IN), Section.QUESTION);
      DnsRequest asA = new DnsRequest(q, r.client(), r.local(), r.protocol(), r.zone(), r.server());
      return next.handle(asA).thenApply(a -> synthesize(r.query(), aaaa, a));
    });
  }

  /** RFC 6147 §5.1.1/§5.1.2: not after NXDOMAIN; otherwise when no AAAA was found, or always. */
  private boolean translate(Message aaaa) {
    if (aaaa.getRcode() == Rcode.NXDOMAIN) {
      return false;
    }
    if (translateAll) {
      return true;
    }
    for (Record rr : aaaa.getSection(Section.ANSWER)) {
      if (rr.getType() == Type.AAAA) {
        return false;
      }
    }
    return true;
  }

  private Message synthesize(Message query, Message aaaa, Message a) {
    Message out = Responses.error(query, Rcode.NOERROR);
    if (a == null) {
      return out;
    }
    if (a.getHeader().getFlag(Flags.RA)) {
      out.getHeader().setFlag(Flags.RA);
    }
    if (a.getHeader().getFlag(Flags.TC)) {
      out.getHeader().setFlag(Flags.TC);
    }
    long cap = NO_SOA_TTL;
    for (Record rr : aaaa.getSection(Section.AUTHORITY)) {
      if (rr.getType() == Type.SOA) {
        cap = rr.getTTL();
      }
    }
    for (Record rr : a.getSection(Section.ANSWER)) {
      if (rr instanceof ARecord v4) {
        long ttl = Math.min(cap, rr.getTTL());
        out.addRecord(new AAAARecord(rr.getName(), rr.getDClass(), ttl, embed(v4.getAddress().getAddress())), Section.ANSWER);
      } else {
        out.addRecord(rr, Section.ANSWER);
      }
    }
    for (Record rr : a.getSection(Section.AUTHORITY)) {
      out.addRecord(rr, Section.AUTHORITY);
    }
    for (Record rr : a.getSection(Section.ADDITIONAL)) {
      out.addRecord(rr, Section.ADDITIONAL);
    }
    return out;
  }

  /** RFC 6052 §2.2: the IPv4 address after the prefix, skipping bits 64..71 (the u-octet, zero). */
  Inet6Address embed(byte[] v4) {
    byte[] v6 = new byte[16];
    int i = length / 8;
    System.arraycopy(prefix, 0, v6, 0, i);
    for (byte b : v4) {
      if (i == 8) {
        i++;
      }
      v6[i++] = b;
    }
    try {
      return Inet6Address.getByAddress(null, v6, null);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
