package io.nodecache.local;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Next;
import io.nodecache.wire.FastQuery;
import io.nodecache.wire.Responses;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * CoreDNS's {@code local}: fixed answers for {@code localhost.}, names under it (and, unless turned
 * off, names whose first label is {@code localhost}), and the reverse zones 0, 127 and 255.in-addr.arpa.
 */
final class Local implements Handler, FastPath {

  static final long TTL = 604800;
  static final String METRIC = "coredns_local_localhost_requests_total";

  private static final Name LOCALHOST = Name.fromConstantString("localhost.");
  private static final Name ROOT_LOCALHOST = Name.fromConstantString("root.localhost.");
  private static final Name LOOPBACK_PTR = Name.fromConstantString("1.0.0.127.in-addr.arpa.");
  private static final List<Name> ZONES =
      List.of(
          LOCALHOST,
          Name.fromConstantString("0.in-addr.arpa."),
          Name.fromConstantString("127.in-addr.arpa."),
          Name.fromConstantString("255.in-addr.arpa."));
  private static final byte[] LOCALHOST_WIRE = LOCALHOST.toWireCanonical();
  private static final InetAddress V4 = address(new byte[] {127, 0, 0, 1});
  private static final InetAddress V6 = address(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});

  private final byte[][] zoneWires = ZONES.stream().map(Name::toWireCanonical).toArray(byte[][]::new);
  private final boolean prefix;
  private final Counter localhostRequests;

  Local(boolean prefix, MeterRegistry meters) {
    this.prefix = prefix;
    this.localhostRequests =
        Counter.builder(METRIC)
            .description("Queries for names under localhost. (or starting with localhost.) answered by local.")
            .register(meters);
  }

  @Override
  public String name() {
    return "local";
  }

  @Override
  public Result fast(FastQuery q) {
    for (byte[] z : zoneWires) {
      if (q.inZone(z)) {
        return Result.SLOW;
      }
    }
    return prefix && firstLabelIsLocalhost(q) ? Result.SLOW : Result.PASS;
  }

  /** Whether the query name is {@code localhost.<something>} (more than the bare {@code localhost.}). */
  private static boolean firstLabelIsLocalhost(FastQuery q) {
    byte[] n = q.qnameLower();
    byte[] l = LOCALHOST_WIRE;
    if (q.qnameLength() <= l.length) {
      return false;
    }
    for (int i = 0; i < l.length - 1; i++) {
      if (n[i] != l[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public CompletionStage<Message> handle(DnsRequest request, Next next) {
    Name asked = request.name();
    Name name = asked.canonicalize();
    boolean under = name.labels() > LOCALHOST.labels() && name.subdomain(LOCALHOST);
    boolean legacy = prefix && name.labels() > LOCALHOST.labels() && name.getLabelString(0).equals("localhost");
    Message m = Responses.error(request.query(), Rcode.NOERROR);
    int type = request.type();
    if (under || legacy) {
      localhostRequests.increment();
      answerLocalhost(m, asked, type);
      return CompletableFuture.completedFuture(m);
    }
    Name zone = null;
    for (Name z : ZONES) {
      if (name.subdomain(z)) {
        zone = z;
        break;
      }
    }
    if (zone == null) {
      return next.handle(request);
    }
    Name zoneAsAsked = new Name(asked, asked.labels() - zone.labels());
    if (ZONES.contains(name)) {
      switch (type) {
        case Type.A, Type.AAAA -> {
          if (name.equals(LOCALHOST)) {
            answerLocalhost(m, asked, type);
          } else {
            m.addRecord(soa(asked), Section.AUTHORITY);
          }
        }
        case Type.SOA -> m.addRecord(soa(asked), Section.ANSWER);
        case Type.NS -> m.addRecord(new NSRecord(asked, DClass.IN, TTL, LOCALHOST), Section.ANSWER);
        default -> m.addRecord(soa(asked), Section.AUTHORITY);
      }
    } else if (name.equals(LOOPBACK_PTR)) {
      if (type == Type.PTR) {
        m.addRecord(new PTRRecord(asked, DClass.IN, TTL, LOCALHOST), Section.ANSWER);
      } else {
        m.addRecord(soa(zoneAsAsked), Section.AUTHORITY);
      }
    } else {
      m.addRecord(soa(zoneAsAsked), Section.AUTHORITY);
      m.getHeader().setRcode(Rcode.NXDOMAIN);
    }
    return CompletableFuture.completedFuture(m);
  }

  /** A and AAAA get the loopback address, other types NODATA with an SOA owned by the asked name. */
  private static void answerLocalhost(Message m, Name asked, int type) {
    switch (type) {
      case Type.A -> m.addRecord(new ARecord(asked, DClass.IN, TTL, V4), Section.ANSWER);
      case Type.AAAA -> m.addRecord(new AAAARecord(asked, DClass.IN, TTL, V6), Section.ANSWER);
      default -> m.addRecord(soa(asked), Section.AUTHORITY);
    }
  }

  private static InetAddress address(byte[] raw) {
    try {
      return InetAddress.getByAddress(raw);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static Record soa(Name origin) {
    return new SOARecord(origin, DClass.IN, TTL, LOCALHOST, ROOT_LOCALHOST, 1, 0, 0, 0, TTL);
  }
}
