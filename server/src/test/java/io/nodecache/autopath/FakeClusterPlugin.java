package io.nodecache.autopath;

import io.nodecache.chain.ClientSearchPath;
import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Next;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.Directive;
import io.nodecache.testing.Records;
import io.nodecache.wire.FastQuery;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Stands in for the kubernetes plugin (which lives in another module): {@code kubernetes ZONE} answers
 * the zone from fixed records (NODATA for a name with other types, NXDOMAIN otherwise) and knows each
 * client's namespace from a fixed table, giving {@code <ns>.svc.ZONE svc.ZONE ZONE} as its search path.
 */
final class FakeClusterPlugin implements Handler, ClientSearchPath {

  private final Name zone;
  private final Map<Name, List<Record>> records = new HashMap<>();
  private final Map<InetAddress, String> namespaces;
  final ConcurrentLinkedQueue<String> asked = new ConcurrentLinkedQueue<>();

  FakeClusterPlugin(Name zone, Map<InetAddress, String> namespaces, String... lines) {
    this.zone = zone;
    this.namespaces = namespaces;
    for (String l : lines) {
      Record r = Records.rr(l);
      records.computeIfAbsent(r.getName(), k -> new ArrayList<>()).add(r);
    }
  }

  /** A factory for {@code kubernetes ZONE} handing out {@code plugin}. */
  static PluginFactory factory(FakeClusterPlugin plugin) {
    return new PluginFactory() {
      @Override
      public String name() {
        return "kubernetes";
      }

      @Override
      public Handler create(Directive d, PluginContext ctx) {
        // as the real kubernetes plugin: its zones are answered locally, never stored by the cache
        d.args().forEach(ctx.localZones()::add);
        return plugin;
      }
    };
  }

  @Override
  public String name() {
    return "kubernetes";
  }

  @Override
  public CompletionStage<Message> handle(DnsRequest r, Next next) {
    if (!r.name().subdomain(zone)) {
      return next.handle(r);
    }
    asked.add(r.name() + " " + Type.string(r.type()));
    Message m = new Message(r.query().getHeader().getID());
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setFlag(Flags.AA);
    m.addRecord(r.question(), Section.QUESTION);
    List<Record> rs = records.get(r.name());
    if (rs == null) {
      m.getHeader().setRcode(Rcode.NXDOMAIN);
    } else {
      rs.stream().filter(x -> x.getType() == r.type()).forEach(x -> m.addRecord(x, Section.ANSWER));
    }
    return CompletableFuture.completedFuture(m);
  }

  @Override
  public boolean mustWalk(FastQuery q) {
    InetSocketAddress sender = q.client();
    String ns = sender == null ? null : namespaces.get(sender.getAddress());
    if (ns == null) {
      return false;
    }
    byte[] first = Records.name(ns + ".svc." + zone).toWireCanonical();
    return q.qnameLength() > first.length && q.inZone(first);
  }

  @Override
  public List<Name> searchPath(InetAddress client, Name qname) {
    String ns = namespaces.get(client);
    if (ns == null || !qname.subdomain(zone)) {
      return List.of();
    }
    return List.of(Records.name(ns + ".svc." + zone), Records.name("svc." + zone), zone);
  }

  @Override
  public String unavailable() {
    return null;
  }
}
