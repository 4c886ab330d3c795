package io.nodecache.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import io.nodecache.cache.CacheEntry.Kind;
import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.Next;
import io.nodecache.chain.Protocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * The background re-queries of a {@link Cache}: prefetch of popular entries near expiry, the refresh
 * of an entry served stale, and RFC 8767 serve-stale verify (ask the upstream first, fall back to the
 * stale entry). Answers that replace an entry go back into the cache through {@link Cache#store}.
 */
final class CacheRefresh {

  private static final InetSocketAddress SELF =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  private final Cache cache;
  private final CacheConfig config;
  private final CacheConfig.Prefetch prefetch;
  private final long prefetchWindow;
  private final CacheConfig.ServeStale stale;
  private final Ticker ticker;
  private final ScheduledExecutorService scheduler;
  private final CacheMetrics metrics;

  CacheRefresh(
      Cache cache,
      CacheConfig config,
      Ticker ticker,
      ScheduledExecutorService scheduler,
      CacheMetrics metrics) {
    this.cache = cache;
    this.config = config;
    this.prefetch = config.prefetch();
    this.prefetchWindow = prefetch == null ? 0 : prefetch.window().toNanos();
    this.stale = config.serveStale();
    this.ticker = ticker;
    this.scheduler = scheduler;
    this.metrics = metrics;
  }

  /** Counts a hit on a fresh entry and starts a prefetch when it is popular and close to expiry. */
  void prefetch(CacheEntry e, long now) {
    CacheConfig.Prefetch p = prefetch;
    if (p == null) {
      return;
    }
    int hits = e.hit(now, prefetchWindow);
    // CoreDNS: popular, and at most PERCENTAGE% of the TTL left (at the latest 1 s before expiry)
    int threshold = Math.max(1, (p.percentage() * e.ttl + 99) / 100);
    if (hits >= p.amount() && e.remaining(now) <= threshold && refresh(e, now)) {
      metrics.prefetches.increment();
    }
  }

  /** Starts the one background refresh an entry may have; returns whether it started. */
  boolean refresh(CacheEntry e, long now) {
    if (!e.startRefresh(now)) {
      return false;
    }
    long recheck = stale == null ? 0 : stale.failureRecheck().toNanos();
    CompletionStage<Message> up;
    try {
      up = e.origin.next().handle(refreshRequest(e));
    } catch (RuntimeException ex) {
      e.endRefresh(true, now, recheck);
      return true;
    }
    up.whenComplete(
        (resp, err) -> {
          boolean ok = err == null && replaces(resp, e);
          if (ok) {
            cache.store(e, resp, e.origin);
          }
          e.endRefresh(!ok, ticker.read(), recheck);
        });
    return true;
  }

  private static DnsRequest refreshRequest(CacheEntry e) {
    Message q = Message.newQuery(Record.newRecord(e.name(), e.type(), e.dclass()));
    if (e.checkingDisabled()) {
      q.getHeader().setFlag(Flags.CD);
    }
    q.addRecord(Cache.opt(e.dnssecOk()), Section.ADDITIONAL);
    // TCP: the refreshed answer is stored whole; UDP clients get it truncated by the listener
    return new DnsRequest(q, SELF, SELF, Protocol.TCP, e.origin.zone(), e.origin.server());
  }

  /** RFC 8767 verify: ask the upstream; serve the stale entry when it fails, errs or is too slow. */
  CompletionStage<Message> verify(DnsRequest r, Next next, Question key, CacheEntry e) {
    CompletableFuture<Message> out = new CompletableFuture<>();
    ScheduledFuture<?> timer =
        stale.verifyTimeout().isZero()
            ? null
            : scheduler.schedule(
                () -> serveStale(out, e, r), stale.verifyTimeout().toNanos(), TimeUnit.NANOSECONDS);
    CompletionStage<Message> up;
    try {
      up = next.handle(r);
    } catch (RuntimeException ex) {
      up = CompletableFuture.failedFuture(ex);
    }
    up.whenComplete(
        (resp, err) -> {
          if (timer != null) {
            timer.cancel(false);
          }
          if (err == null && replaces(resp, e)) {
            CacheEntry fresh = cache.store(key, resp, cache.origin(r.zone(), r.server()));
            out.complete(
                fresh == null ? resp : Cache.message(fresh, r, config.keepTtl() ? -1 : fresh.ttl));
          } else {
            serveStale(out, e, r);
          }
        });
    return out;
  }

  private void serveStale(CompletableFuture<Message> out, CacheEntry e, DnsRequest r) {
    if (!out.isDone() && out.complete(Cache.message(e, r, stale.responseTtl()))) {
      metrics.servedStale.increment();
    }
  }

  /**
   * Whether an upstream answer replaces an entry we hold: only NOERROR and NXDOMAIN do (CoreDNS's
   * verify writer), so a SERVFAIL or REFUSED never displaces a good answer; with {@code prefer_positive}
   * a negative answer does not displace a positive one either.
   */
  private boolean replaces(Message resp, CacheEntry old) {
    if (!Cacheable.authoritative(resp)) {
      return false;
    }
    return !(config.preferPositive() && old.kind() == Kind.SUCCESS && Cacheable.negative(resp));
  }
}
