package io.nodecache.hosts;

import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.Fallthrough;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Lifecycle;
import io.nodecache.chain.Next;
import io.nodecache.wire.FastQuery;
import io.nodecache.wire.Responses;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * CoreDNS's {@code hosts}: answers A, AAAA and PTR from a hosts file and inline entries; a known name
 * without records of the asked type gets NODATA; unknown names fall through or get NXDOMAIN.
 */
final class Hosts implements Handler, Lifecycle, FastPath {

  private static final Logger log = LoggerFactory.getLogger(Hosts.class);

  /** What the directive configured. */
  record Settings(
      Path file,
      List<Name> zones,
      List<String> inline,
      long ttl,
      boolean reverse,
      Duration reload,
      List<Name> fallthrough,
      boolean fallthroughAll) {}

  private final Settings settings;
  private final ScheduledExecutorService scheduler;
  private final HostsTable inline;
  private volatile HostsTable table;
  /** Sorted hashes of every name in the table, so the fast path can pass on names we do not have. */
  private volatile int[] hashes = new int[0];
  private final byte[][] zoneWires;
  private final byte[][] fallthroughWires;
  private final Fallthrough fallthrough;
  private volatile FileTime seen;
  private ScheduledFuture<?> reloader;
  private final HostsMetrics metrics;

  Hosts(Settings settings, ScheduledExecutorService scheduler, HostsMetrics metrics) {
    this.settings = settings;
    this.scheduler = scheduler;
    this.metrics = metrics;
    this.inline = HostsTable.parse(settings.inline(), settings.reverse());
    this.zoneWires = settings.zones().stream().map(Name::toWireCanonical).toArray(byte[][]::new);
    this.fallthroughWires = settings.fallthrough().stream().map(Name::toWireCanonical).toArray(byte[][]::new);
    this.fallthrough = new Fallthrough(settings.fallthroughAll(), settings.fallthrough());
    use(inline);
  }

  private void use(HostsTable t) {
    int[] h =
        Stream.concat(t.byName.keySet().stream(), t.byReverse.keySet().stream())
            .mapToInt(n -> FastQuery.hashOf(n.toWireCanonical()))
            .sorted()
            .toArray();
    table = t;
    hashes = h;
  }

  @Override
  public Result fast(FastQuery q) {
    if (!matches(q, zoneWires, false)) {
      return Result.PASS;
    }
    if (Arrays.binarySearch(hashes, q.qnameHash()) >= 0) {
      return Result.SLOW; // (probably) ours: answered on the decoded path
    }
    return matches(q, fallthroughWires, settings.fallthroughAll()) ? Result.PASS : Result.SLOW;
  }

  private static boolean matches(FastQuery q, byte[][] zones, boolean all) {
    if (all) {
      return true;
    }
    for (byte[] z : zones) {
      if (q.inZone(z)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String name() {
    return "hosts";
  }

  @Override
  public void start() {
    load();
    if (seen == null) {
      metrics.loaded(table, -1); // no file read: the inline entries alone
    }
    if (settings.file() != null && !settings.reload().isZero()) {
      long ms = settings.reload().toMillis();
      reloader = scheduler.scheduleWithFixedDelay(this::load, ms, ms, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void stop() {
    if (reloader != null) {
      reloader.cancel(false);
    }
    metrics.close();
  }

  /** Re-reads the file when its modification time changed; a missing file leaves the inline entries. */
  void load() {
    Path f = settings.file();
    if (f == null) {
      return;
    }
    try {
      FileTime t = Files.getLastModifiedTime(f);
      if (t.equals(seen)) {
        return;
      }
      HostsTable fromFile = HostsTable.parse(Files.readAllLines(f), settings.reverse());
      use(HostsTable.merge(inline, fromFile));
      seen = t;
      metrics.loaded(table, t.toMillis());
    } catch (IOException e) {
      if (seen != null || table != inline) {
        log.warn("hosts: cannot read {}: {}", f, e.toString());
      }
      if (seen != null) {
        metrics.loaded(inline, -1);
      }
      use(inline);
      seen = null;
    }
  }

  @Override
  public CompletionStage<Message> handle(DnsRequest request, Next next) {
    Name name = request.name().canonicalize();
    if (!inZones(name)) {
      return next.handle(request);
    }
    HostsTable t = table;
    int type = request.type();
    Message m = Responses.error(request.query(), Rcode.NOERROR);
    m.getHeader().setFlag(Flags.AA);
    List<InetAddress> ips = t.byName.get(name);
    List<Name> ptrs = t.byReverse.get(name);
    if (ips == null && ptrs == null) {
      if (fallthrough.matches(name)) {
        return next.handle(request);
      }
      m.getHeader().setRcode(Rcode.NXDOMAIN);
      return CompletableFuture.completedFuture(m);
    }
    Name owner = request.name();
    if (ips != null && (type == Type.A || type == Type.AAAA)) {
      for (InetAddress ip : ips) {
        if (type == Type.A && ip instanceof Inet4Address) {
          m.addRecord(new ARecord(owner, DClass.IN, settings.ttl(), ip), Section.ANSWER);
        } else if (type == Type.AAAA && ip instanceof Inet6Address) {
          m.addRecord(new AAAARecord(owner, DClass.IN, settings.ttl(), ip), Section.ANSWER);
        }
      }
    }
    if (ptrs != null && type == Type.PTR) {
      for (Name target : ptrs) {
        m.addRecord(new PTRRecord(owner, DClass.IN, settings.ttl(), target), Section.ANSWER);
      }
    }
    return CompletableFuture.completedFuture(m);
  }

  private boolean inZones(Name name) {
    for (Name z : settings.zones()) {
      if (name.subdomain(z)) {
        return true;
      }
    }
    return false;
  }

}
