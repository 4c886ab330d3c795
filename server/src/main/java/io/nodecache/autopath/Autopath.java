package io.nodecache.autopath;

import io.micrometer.core.instrument.Counter;
import io.nodecache.chain.BlockPlugins;
import io.nodecache.chain.ClientSearchPath;
import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Lifecycle;
import io.nodecache.chain.Next;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Location;
import io.nodecache.wire.FastQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.Type;

/**
 * The {@code autopath} handler: an A or AAAA query for {@code NAME.<first search domain>} is answered
 * with one server-side walk of the rest of the search path ({@link Walk}); everything else goes to the
 * next handler untouched. The search path is fixed (a resolv.conf file) or the client's own, from the
 * block's plugin that implements {@link ClientSearchPath} ({@code @kubernetes}).
 */
final class Autopath implements Handler, FastPath, Lifecycle {

  /** Where the search path comes from. */
  sealed interface Source permits Fixed, FromPlugin {}

  /** A resolv.conf's search domains, for every client. */
  record Fixed(List<Name> search) implements Source {}

  /**
   * The client's search path from the block's {@code plugin}, followed by {@code after} (the search
   * domains of the resolv.conf kubelet gives pods).
   */
  record FromPlugin(String plugin, BlockPlugins plugins, List<Name> after, Location where) implements Source {}

  private final Name[] zones;
  private final byte[][] zoneWire;
  private final Source source;
  private final byte[] fixedFirst;
  private final Counter success;
  private volatile ClientSearchPath clients;

  Autopath(List<Name> zones, Source source, Counter success) {
    this.zones = zones.toArray(Name[]::new);
    this.zoneWire = zones.stream().map(Name::toWireCanonical).toArray(byte[][]::new);
    this.source = source;
    this.fixedFirst = source instanceof Fixed f ? f.search().get(0).toWireCanonical() : null;
    this.success = success;
  }

  @Override
  public String name() {
    return "autopath";
  }

  /** Finds the block's search-path plugin (the block is complete by now) and checks it can serve. */
  @Override
  public void start() throws ConfigException {
    if (source instanceof FromPlugin p) {
      ClientSearchPath found =
          p.plugins()
              .find(p.plugin(), ClientSearchPath.class)
              .orElseThrow(
                  () -> new ConfigException(p.where(), "autopath: @" + p.plugin() + " gives no search path in this block"));
      String why = found.unavailable();
      if (why != null) {
        throw new ConfigException(p.where(), "autopath: @" + p.plugin() + ": " + why);
      }
      clients = found;
    }
  }

  @Override
  public Result fast(FastQuery q) {
    int t = q.qtype();
    if ((t != Type.A && t != Type.AAAA) || q.qclass() != DClass.IN || !inZones(q)) {
      return Result.PASS;
    }
    if (fixedFirst != null) {
      return q.qnameLength() > fixedFirst.length && q.inZone(fixedFirst) ? Result.SLOW : Result.PASS;
    }
    ClientSearchPath c = clients;
    return c != null && c.mustWalk(q) ? Result.SLOW : Result.PASS;
  }

  private boolean inZones(FastQuery q) {
    for (byte[] z : zoneWire) {
      if (q.inZone(z)) {
        return true;
      }
    }
    return false;
  }

  private boolean inZones(Name n) {
    for (Name z : zones) {
      if (n.subdomain(z)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public CompletionStage<Message> handle(DnsRequest request, Next next) {
    int t = request.type();
    Name qname = request.name();
    if ((t != Type.A && t != Type.AAAA) || request.dclass() != DClass.IN || !inZones(qname)) {
      return next.handle(request);
    }
    List<Name> path = searchPath(request);
    if (path.isEmpty() || qname.equals(path.get(0)) || !qname.subdomain(path.get(0))) {
      return next.handle(request);
    }
    return Walk.run(request, candidates(qname, path), next, success::increment);
  }

  private List<Name> searchPath(DnsRequest request) {
    if (source instanceof Fixed f) {
      return f.search();
    }
    ClientSearchPath c = clients;
    FromPlugin p = (FromPlugin) source;
    if (c == null || request.client() == null) {
      return List.of();
    }
    List<Name> own = c.searchPath(request.client().getAddress(), request.name());
    if (own.isEmpty() || p.after().isEmpty()) {
      return own;
    }
    List<Name> all = new ArrayList<>(own);
    all.addAll(p.after());
    return all;
  }

  /**
   * The names to try: the asked name's base under every search domain in order (the first is the
   * asked name itself), then the base alone, as CoreDNS's search path with its empty last element.
   * A name that would be too long is left out.
   */
  static List<Name> candidates(Name qname, List<Name> path) {
    Name base = qname.relativize(path.get(0));
    List<Name> out = new ArrayList<>(path.size() + 1);
    out.add(qname);
    for (int i = 1; i < path.size(); i++) {
      add(out, base, path.get(i));
    }
    add(out, base, Name.root);
    return out;
  }

  private static void add(List<Name> out, Name base, Name domain) {
    try {
      out.add(Name.concatenate(base, domain));
    } catch (NameTooLongException e) {
      // never a name a resolver could ask for: skip it
    }
  }
}
