package io.nodecache.file;

import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.Fallthrough;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Lifecycle;
import io.nodecache.chain.Next;
import io.nodecache.wire.FastQuery;
import io.nodecache.wire.Responses;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * CoreDNS's {@code file}: authoritative answers from zone files, one {@link ZoneData} per origin,
 * re-read every {@code reload} interval and swapped in when the SOA serial changed.
 */
final class FileHandler implements Handler, FastPath, Lifecycle {

  private static final Logger log = LoggerFactory.getLogger(FileHandler.class);
  /** Out-of-zone CNAME targets resolved inside our own zones, at most this deep. */
  private static final int MAX_LOCAL_HOPS = 8;

  /** One origin and the zone serving it; {@code data} is null while the file could not be read. */
  static final class Slot {
    final Name origin;
    final byte[] wire;
    final Path file;
    volatile ZoneData data;

    Slot(Name origin, Path file, ZoneData data) {
      this.origin = origin;
      this.wire = origin.toWireCanonical();
      this.file = file;
      this.data = data;
    }
  }

  private final List<Slot> slots;
  private final Duration reload;
  private final Fallthrough fallthrough;
  private final ScheduledExecutorService scheduler;
  private ScheduledFuture<?> reloader;

  FileHandler(List<Slot> slots, Duration reload, Fallthrough fallthrough, ScheduledExecutorService scheduler) {
    this.slots = List.copyOf(slots);
    this.reload = reload;
    this.fallthrough = fallthrough;
    this.scheduler = scheduler;
  }

  @Override
  public String name() {
    return "file";
  }

  @Override
  public Result fast(FastQuery q) {
    for (Slot s : slots) {
      if (q.inZone(s.wire)) {
        return Result.SLOW;
      }
    }
    return Result.PASS;
  }

  @Override
  public void start() {
    if (!reload.isZero()) {
      long ms = reload.toMillis();
      reloader = scheduler.scheduleWithFixedDelay(this::reloadAll, ms, ms, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void stop() {
    if (reloader != null) {
      reloader.cancel(false);
    }
  }

  /** One reload tick: every zone re-read; a new serial is swapped in, a failure keeps the old zone. */
  void reloadAll() {
    for (Slot s : slots) {
      ZoneData old = s.data;
      try {
        ZoneData fresh = ZoneData.read(s.file, s.origin);
        if (old != null && fresh.serial() == old.serial()) {
          continue;
        }
        s.data = fresh;
        log.info("file: reloaded zone {} from {} with SOA serial {}", s.origin, s.file, fresh.serial());
      } catch (IOException | RuntimeException e) {
        log.error("file: zone {} from {}: {} (still serving {})", s.origin, s.file, e.getMessage(),
            old == null ? "SERVFAIL" : "serial " + old.serial());
      }
    }
  }

  List<Slot> slots() {
    return slots;
  }

  @Override
  public CompletionStage<Message> handle(DnsRequest request, Next next) {
    Name qname = request.name().canonicalize();
    Slot slot = slotFor(qname);
    if (slot == null) {
      return next.handle(request);
    }
    int qtype = request.type();
    if (qtype == Type.AXFR || qtype == Type.IXFR) {
      return CompletableFuture.completedFuture(Responses.error(request.query(), Rcode.REFUSED));
    }
    ZoneData z = slot.data;
    if (z == null) {
      return CompletableFuture.completedFuture(Responses.error(request.query(), Rcode.SERVFAIL));
    }
    ZoneLookup.Result r = ZoneLookup.lookup(z, qname, qtype, request.dnssecOk());
    if (r.answer().isEmpty() && r.kind() != ZoneLookup.Kind.NODATA && r.kind() != ZoneLookup.Kind.DELEGATION
        && fallthrough.matches(qname)) {
      return next.handle(request);
    }
    Message m = Responses.error(request.query(), r.kind() == ZoneLookup.Kind.NXDOMAIN ? Rcode.NXDOMAIN : Rcode.NOERROR);
    if (r.kind() != ZoneLookup.Kind.DELEGATION) {
      m.getHeader().setFlag(Flags.AA);
    }
    Set<Record> answer = new LinkedHashSet<>(r.answer());
    add(m, r.authority(), Section.AUTHORITY);
    add(m, r.additional(), Section.ADDITIONAL);
    Name external = r.external();
    // A target in one of our zones is looked up there, as CoreDNS's lookup through the server would.
    for (int hop = 0; external != null && hop < MAX_LOCAL_HOPS; hop++) {
      Slot other = slotFor(external.canonicalize());
      if (other == null || other.data == null) {
        break;
      }
      ZoneLookup.Result more = ZoneLookup.lookup(other.data, external.canonicalize(), qtype, request.dnssecOk());
      answer.addAll(more.answer());
      external = more.external();
    }
    if (external == null || slotFor(external.canonicalize()) != null) {
      add(m, answer, Section.ANSWER);
      return CompletableFuture.completedFuture(m);
    }
    Message q = Message.newQuery(Record.newRecord(external, qtype, DClass.IN));
    DnsRequest sub = new DnsRequest(q, request.client(), request.local(), request.protocol(), request.zone(), request.server());
    return next.handle(sub).handle((up, err) -> {
      if (up != null) {
        answer.addAll(up.getSection(Section.ANSWER));
      }
      add(m, answer, Section.ANSWER);
      return m;
    });
  }

  private static void add(Message m, Iterable<Record> rrs, int section) {
    Set<Record> seen = new LinkedHashSet<>();
    for (Record r : rrs) {
      if (seen.add(r)) {
        m.addRecord(r, section);
      }
    }
  }

  /** The zone with the longest origin holding {@code qname}, or null. */
  private Slot slotFor(Name qname) {
    Slot best = null;
    for (Slot s : slots) {
      if (qname.subdomain(s.origin) && (best == null || s.origin.labels() > best.origin.labels())) {
        best = s;
      }
    }
    return best;
  }

}
