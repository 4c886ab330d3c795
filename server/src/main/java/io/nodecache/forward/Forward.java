package io.nodecache.forward;

import com.github.benmanes.caffeine.cache.Ticker;
import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Lifecycle;
import io.nodecache.chain.Next;
import io.nodecache.chain.PluginContext;
import io.nodecache.transport.Transport;
import io.nodecache.wire.Responses;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * The {@code forward} handler: sends queries under its zone to upstream servers, coalescing identical
 * queries in flight into one exchange, and restores each client's ID and question case in the answer.
 * All tries of a query share one deadline; when it passes or every try failed, the returned stage fails
 * with the last error (as CoreDNS returns it: {@code errors} logs it, the listener answers SERVFAIL).
 */
public final class Forward implements Handler, Lifecycle {

  /** Identical queries in flight share one upstream exchange (dnsjava names compare case-insensitively). */
  record Key(Name name, int type, int dclass, boolean dnssecOk, boolean checkingDisabled) {}

  private final ForwardConfig config;
  private final Ticker ticker;
  private final ScheduledExecutorService scheduler;
  private final ForwardMetrics metrics;
  private final List<Upstream> upstreams;
  private final ConcurrentHashMap<Key, CompletableFuture<Message>> inFlight = new ConcurrentHashMap<>();
  private final AtomicInteger concurrent = new AtomicInteger();
  private final AtomicInteger turn = new AtomicInteger();
  private final Forward following;
  private volatile ScheduledFuture<?> expiry;

  public Forward(ForwardConfig config, PluginContext context) {
    this(config, context, null);
  }

  /** A forwarder followed by {@code following} (the block's next {@code forward} line), or by none. */
  Forward(ForwardConfig config, PluginContext context, Forward following) {
    this(config, context.transport(), context.ticker(), context.scheduler(), new ForwardMetrics(context.meters()), following);
  }

  Forward(ForwardConfig config, Transport transport, Ticker ticker, ScheduledExecutorService scheduler,
      ForwardMetrics metrics, Forward following) {
    this.following = following;
    this.config = config;
    this.ticker = ticker;
    this.scheduler = scheduler;
    this.metrics = metrics;
    SecureRandom ids = idSource();
    List<Upstream> ups = new ArrayList<>();
    for (var t : config.targets()) {
      ups.add(new Upstream(t, config, transport, ticker, scheduler, ids, metrics));
    }
    this.upstreams = List.copyOf(ups);
  }

  /** A DRBG (NIST SP 800-90A): unpredictable IDs without a read of /dev/urandom per query on the event loop. */
  private static SecureRandom idSource() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }

  @Override
  public String name() {
    return "forward";
  }

  public ForwardConfig config() {
    return config;
  }

  @Override
  public void start() {
    if (following != null) {
      following.start();
    }
    long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(config.expire().toNanos() / 2, TimeUnit.SECONDS.toNanos(1)));
    expiry = scheduler.scheduleWithFixedDelay(this::expire, tick, tick, TimeUnit.NANOSECONDS);
  }

  @Override
  public void stop() {
    ScheduledFuture<?> e = expiry;
    if (e != null) {
      e.cancel(false);
    }
    upstreams.forEach(Upstream::stop);
    if (following != null) {
      following.stop();
    }
  }

  /** The block's next {@code forward} line, or null for the last. */
  Forward following() {
    return following;
  }

  private void expire() {
    for (Upstream u : upstreams) {
      u.expire();
    }
  }

  /** Whether this forwarder takes {@code name}: under FROM and not under an {@code except} name (FROM itself always). */
  boolean accepts(Name name) {
    if (!name.subdomain(config.from())) {
      return false;
    }
    if (name.equals(config.from())) {
      return true;
    }
    for (Name x : config.except()) {
      if (name.subdomain(x)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public CompletionStage<Message> handle(DnsRequest request, Next next) {
    if (!accepts(request.name())) {
      return passOn(request, next);
    }
    int max = config.maxConcurrent();
    if (max > 0 && concurrent.incrementAndGet() > max) {
      concurrent.decrementAndGet();
      metrics.maxConcurrentReject();
      return CompletableFuture.completedFuture(Responses.recursiveError(request.query(), Rcode.REFUSED));
    }
    Key key =
        new Key(request.name(), request.type(), request.dclass(), request.dnssecOk(), request.checkingDisabled());
    CompletableFuture<Message> shared = inFlight.get(key);
    if (shared == null) {
      CompletableFuture<Message> mine = new CompletableFuture<>();
      shared = inFlight.putIfAbsent(key, mine);
      if (shared == null) {
        shared = mine;
        // The resolution leaves the map before anyone sees the answer, so a later query starts a new exchange.
        new Resolution(this, request, key, mine).start();
      }
    }
    CompletionStage<Message> answer =
        shared.handle(
            (m, e) -> {
              if (max > 0) {
                concurrent.decrementAndGet();
              }
              if (e != null) {
                throw e instanceof CompletionException ce ? ce : new CompletionException(e);
              }
              return personalize(m, request);
            });
    if (following == null || (config.nextRcodes().isEmpty() && !config.nextOnNodata())) {
      return answer;
    }
    // CoreDNS's next/next_on_nodata: only towards a following forward; the last one answers.
    return answer.thenCompose(
        m -> config.handsOn(m.getRcode(), m.getSection(Section.ANSWER).size())
            ? following.handle(request, next)
            : CompletableFuture.completedFuture(m));
  }

  /** A query this forwarder does not take: to the block's next forward line, else to the next plugin. */
  private CompletionStage<Message> passOn(DnsRequest request, Next next) {
    return following != null ? following.handle(request, next) : next.handle(request);
  }

  /** The shared upstream answer made this client's: its ID, its question (case preserved), OPT only if it sent one. */
  static Message personalize(Message upstream, DnsRequest request) {
    Message r = upstream.clone();
    r.getHeader().setID(request.query().getHeader().getID());
    r.removeAllRecords(Section.QUESTION);
    r.addRecord(request.question(), Section.QUESTION);
    if (request.query().getOPT() == null) {
      OPTRecord opt = r.getOPT();
      if (opt != null) {
        r.removeRecord(opt, Section.ADDITIONAL);
      }
    }
    return r;
  }

  // ---- for Resolution and tests ----

  /** The exchange for {@code key} is over: later identical queries start their own. */
  void leave(Key key, CompletableFuture<Message> exchange) {
    inFlight.remove(key, exchange);
  }

  ForwardConfig cfg() {
    return config;
  }

  Ticker ticker() {
    return ticker;
  }

  List<Upstream> upstreams() {
    return upstreams;
  }

  ForwardMetrics metrics() {
    return metrics;
  }

  AtomicInteger turn() {
    return turn;
  }

  /** Distinct queries waiting for an upstream (coalesced keys). */
  int inFlight() {
    return inFlight.size();
  }
}
