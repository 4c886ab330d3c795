package io.nodecache.whoami;

import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Next;
import io.nodecache.chain.Protocol;
import io.nodecache.wire.Responses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;

/**
 * CoreDNS's {@code whoami}: every query is answered with the client's address (A or AAAA, owned by the
 * question name) and port (SRV {@code _udp.NAME} or {@code _tcp.NAME}), both in the additional section.
 */
final class Whoami implements Handler {

  @Override
  public String name() {
    return "whoami";
  }

  @Override
  public CompletionStage<Message> handle(DnsRequest r, Next next) {
    Name qname = r.name();
    int dclass = r.dclass();
    InetAddress ip = r.client().getAddress();
    Record address =
        ip instanceof Inet4Address
            ? new ARecord(qname, dclass, 0, ip)
            : new AAAARecord(qname, dclass, 0, ip);
    String proto = r.protocol() == Protocol.TCP ? "_tcp" : "_udp";
    Message m = Responses.error(r.query(), Rcode.NOERROR);
    m.getHeader().setFlag(Flags.AA);
    m.addRecord(address, Section.ADDITIONAL);
    try {
      Name owner = Name.concatenate(Name.fromConstantString(proto), qname);
      m.addRecord(new SRVRecord(owner, dclass, 0, 0, 0, r.client().getPort(), Name.root), Section.ADDITIONAL);
    } catch (NameTooLongException e) {
      // a 254-byte question name leaves no room for the label: the address alone
    }
    return CompletableFuture.completedFuture(m);
  }
}
