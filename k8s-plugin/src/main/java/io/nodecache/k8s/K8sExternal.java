package io.nodecache.k8s;

import io.nodecache.chain.BlockPlugins;
import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.Fallthrough;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Next;
import io.nodecache.wire.FastQuery;
import io.nodecache.wire.Responses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * CoreDNS's {@code k8s_external}: {@code SERVICE.NAMESPACE.ZONE} answered with the Service's external
 * IPs (and, with {@code headless}, a headless Service's ready endpoints), SRV for its ports, PTR for
 * an external IP, and SOA/NS at the apex with the name server {@code ns1.APEX.ZONE}. The data is the
 * cluster view of the block's {@code kubernetes} handler: no second set of watches.
 */
final class K8sExternal implements Handler, FastPath {

  record Settings(List<Name> zones, String apex, int ttl, boolean headless, Fallthrough fallthrough) {}

  private final Settings settings;
  private final BlockPlugins plugins;
  private final byte[][] zoneWire;

  K8sExternal(Settings settings, BlockPlugins plugins) {
    this.settings = settings;
    this.plugins = plugins;
    this.zoneWire = settings.zones().stream().map(Name::toWireCanonical).toArray(byte[][]::new);
  }

  @Override
  public String name() {
    return "k8s_external";
  }

  @Override
  public Result fast(FastQuery q) {
    for (byte[] z : zoneWire) {
      if (q.inZone(z)) {
        return Result.SLOW;
      }
    }
    return Result.PASS;
  }

  @Override
  public CompletionStage<Message> handle(DnsRequest request, Next next) {
    Name qname = request.name();
    Name lower = qname.canonicalize();
    Name zone = zoneOf(lower);
    KubernetesPlugin k = plugins.find("kubernetes", KubernetesPlugin.class).orElse(null);
    ClusterView view = k == null ? null : k.currentView();
    if (zone == null || view == null) {
      return next.handle(request);
    }
    int type = request.type();
    Message m = Responses.error(request.query(), Rcode.NOERROR);
    m.getHeader().setFlag(Flags.AA);
    Name ns1 = DnsNames.child("ns1", DnsNames.child(settings.apex(), zone));
    InetSocketAddress local = request.local();
    if (lower.equals(zone)) {
      if (type == Type.SOA) {
        m.addRecord(soa(zone, view), Section.ANSWER);
      } else if (type == Type.NS) {
        m.addRecord(new NSRecord(zone, DClass.IN, settings.ttl(), ns1), Section.ANSWER);
        nameServers(m, Section.ADDITIONAL, k, view, zone, local, ns1, Type.ANY);
      } else {
        m.addRecord(soa(zone, view), Section.AUTHORITY);
      }
      return done(m);
    }
    Name apex = DnsNames.child(settings.apex(), zone);
    if (apex != null && lower.subdomain(apex)) {
      int below = lower.labels() - zone.labels();
      if (below == 2 && lower.getLabelString(0).equals("ns1")) {
        nameServers(m, Section.ANSWER, k, view, zone, local, qname, type);
      } else if (below != 1) {
        m.getHeader().setRcode(Rcode.NXDOMAIN);
      }
      if (m.getSection(Section.ANSWER).isEmpty()) {
        m.addRecord(soa(zone, view), Section.AUTHORITY);
      }
      return done(m);
    }
    ExternalLookup.Found found =
        ExternalLookup.find(view, k.answerer().records(), zone, lower, type, settings.headless(), settings.zones().get(0));
    if (found.items().isEmpty() && found.ptrs().isEmpty()) {
      if (found.rcode() == Rcode.NXDOMAIN && settings.fallthrough().matches(lower)) {
        return next.handle(request);
      }
      m.getHeader().setRcode(found.rcode());
      m.addRecord(soa(zone, view), Section.AUTHORITY);
      return done(m);
    }
    switch (type) {
      case Type.A, Type.AAAA -> addresses(m, qname, found.items(), type);
      case Type.SRV -> srv(m, qname, found.items(), k.config().ttl());
      case Type.PTR -> {
        for (Name target : found.ptrs()) {
          m.addRecord(new PTRRecord(qname, DClass.IN, settings.ttl(), target), Section.ANSWER);
        }
      }
      default -> { }
    }
    if (m.getSection(Section.ANSWER).isEmpty()) {
      m.addRecord(soa(zone, view), Section.AUTHORITY);
    }
    return done(m);
  }

  private static CompletionStage<Message> done(Message m) {
    return CompletableFuture.completedFuture(m);
  }

  /** A and AAAA of the external addresses, each address once, TTL {@code ttl}. */
  private void addresses(Message m, Name qname, List<ExternalLookup.Item> items, int type) {
    Set<Ip> seen = new LinkedHashSet<>();
    for (ExternalLookup.Item i : items) {
      if (i.ip().isV4() == (type == Type.A) && seen.add(i.ip())) {
        m.addRecord(address(qname, i.ip()), Section.ANSWER);
      }
    }
  }

  /**
   * CoreDNS's SRV answer: one record per distinct target and port, priority 0, weight floor(100/N)
   * (N counting every item, at least 1), TTL the kubernetes plugin's; the targets' addresses as
   * additional records with TTL {@code ttl}.
   */
  private void srv(Message m, Name qname, List<ExternalLookup.Item> items, int srvTtl) {
    int weight = Math.max(1, (int) Math.floor(100.0 / items.size()));
    Set<String> seen = new LinkedHashSet<>();
    for (ExternalLookup.Item i : items) {
      if (seen.add(i.target() + " " + i.port())) {
        m.addRecord(new SRVRecord(qname, DClass.IN, srvTtl, 0, weight, i.port(), i.target()), Section.ANSWER);
      }
      if (seen.add(i.target() + " " + i.ip())) {
        m.addRecord(address(i.target(), i.ip()), Section.ADDITIONAL);
      }
    }
  }

  private Record address(Name owner, Ip ip) {
    return ip.isV4()
        ? new ARecord(owner, DClass.IN, settings.ttl(), ip.address())
        : new AAAARecord(owner, DClass.IN, settings.ttl(), ip.address());
  }

  /** The name server addresses under {@code owner} (type ANY: both families). */
  private void nameServers(Message m, int section, KubernetesPlugin k, ClusterView view, Name zone,
      InetSocketAddress local, Name owner, int type) {
    InetAddress at = local == null ? null : local.getAddress();
    Set<Ip> seen = new LinkedHashSet<>();
    for (NameServers.Address a : k.answerer().nameServers().of(view, zone, at)) {
      Ip ip = a.ip();
      if ((type == Type.ANY || ip.isV4() == (type == Type.A)) && seen.add(ip)) {
        m.addRecord(address(owner, ip), section);
      }
    }
  }

  /** CoreDNS's SOA of the external zone: the view's serial, 7200 1800 86400, minimum {@code ttl}. */
  private SOARecord soa(Name zone, ClusterView view) {
    Name apex = DnsNames.child(settings.apex(), zone);
    return new SOARecord(zone, DClass.IN, settings.ttl(), DnsNames.child("ns1", apex),
        DnsNames.child("hostmaster", apex), view.serial() & 0xFFFFFFFFL, 7200, 1800, 86400, settings.ttl());
  }

  private Name zoneOf(Name name) {
    Name best = null;
    for (Name z : settings.zones()) {
      if (name.subdomain(z) && (best == null || z.labels() > best.labels())) {
        best = z;
      }
    }
    return best;
  }
}
