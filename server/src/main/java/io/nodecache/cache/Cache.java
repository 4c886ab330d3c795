package io.nodecache.cache;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import io.nodecache.cache.CacheEntry.Kind;
import io.nodecache.cache.CacheEntry.Origin;
import io.nodecache.cache.CacheHandoff.Handed;
import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Lifecycle;
import io.nodecache.chain.LocalZones;
import io.nodecache.chain.Next;
import io.nodecache.chain.PluginContext;
import io.nodecache.wire.Edns;
import io.nodecache.wire.FastQuery;
import io.nodecache.wire.PreparedAnswer;
import io.nodecache.wire.WireAnswer;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;

/**
 * The {@code cache} handler: a positive and a negative Caffeine cache of prepared wire answers with
 * CoreDNS's semantics (TTL floor and cap, RFC 2308 negative caching, SERVFAIL caching, prefetch,
 * RFC 8767 serve-stale). Hits are answered from bytes on the fast path; the decoded path answers hits
 * with the same bytes and fills the cache on misses. The background re-queries (prefetch, serve-stale
 * refresh and verify) are in {@link CacheRefresh}, the restart hand-off of the entries in {@link
 * CacheHandoff}.
 */
public final class Cache implements Handler, FastPath, Lifecycle {

  static final long SECOND = 1_000_000_000L;

  // package-private: CacheHandoff reads the config, the zones and the two caches. The Caffeine cache
  // type is spelled out because its simple name is this class's. Each entry is its own key.
  final CacheConfig config;
  final Ticker ticker;
  final LocalZones localZones;
  final ZoneSet zones;
  final ZoneSet noSuccess;
  final ZoneSet noDenial;
  final com.github.benmanes.caffeine.cache.Cache<Question, CacheEntry> success;
  final com.github.benmanes.caffeine.cache.Cache<Question, CacheEntry> denial;
  final long staleNanos;
  /** The rest of the chain, as the last request saw it: refreshes of handed-over entries use it. */
  volatile Next downstream;
  private final CacheConfig.ServeStale stale;
  private final CacheMetrics metrics;
  /** Prefetch, the refresh of entries served stale, serve-stale verify. */
  private final CacheRefresh refresher;
  /** The restart hand-off of the entries to and from another process. */
  private final CacheHandoff handoff;
  /** One lookup key per thread for the fast path, so that a hit allocates no key. */
  private final ThreadLocal<CacheKey> probes = ThreadLocal.withInitial(CacheKey::probe);
  /**
   * One Origin per (zone, server): a block has a handful, the cache has an entry per name. A request's
   * own {@link Next} is a new object per request, so an Origin holding it would be one per stored
   * entry (about 90 bytes each, and this map kept every one of them); the Origins hold {@link #latest}.
   */
  private final ConcurrentHashMap<Where, Origin> origins = new ConcurrentHashMap<>();

  private record Where(String zone, String server) {}

  /** The rest of the chain as the latest request that reached the cache saw it: what refreshes ask. */
  final Next latest =
      r -> {
        Next n = downstream;
        return n == null
            ? CompletableFuture.failedFuture(new IllegalStateException("no query has reached the cache yet"))
            : n.handle(r);
      };

  public Cache(CacheConfig config, PluginContext context) {
    this.config = config;
    this.ticker = context.ticker();
    this.localZones = context.localZones();
    this.zones = new ZoneSet(config.zones());
    this.noSuccess = new ZoneSet(config.disableSuccess());
    this.noDenial = new ZoneSet(config.disableDenial());
    this.stale = config.serveStale();
    this.staleNanos = stale == null ? 0 : stale.maxStale().toNanos();
    this.success = builder(config.success().capacity()).build();
    this.denial = builder(config.denial().capacity()).build();
    this.metrics =
        new CacheMetrics(
            context.meters(),
            context.serverLabel(),
            String.join(",", config.zones()),
            success,
            denial);
    this.refresher = new CacheRefresh(this, config, ticker, context.scheduler(), metrics);
    this.handoff = new CacheHandoff(this, context.serverLabel(), config.zones());
  }

  /**
   * A size-bounded map and nothing more: no expiry policy (an entry past its lifetime is a miss to
   * {@link #find}, and stays until it is replaced or evicted by size, as in CoreDNS, whose entry
   * gauge counts it too). Caffeine's expiry would add a timestamp and two timer links to every entry,
   * 16 bytes of its 48.
   */
  private Caffeine<Question, CacheEntry> builder(int capacity) {
    return Caffeine.newBuilder()
        .maximumSize(capacity)
        .executor(Runnable::run) // maintenance on the calling thread: no pool, deterministic in tests
        .evictionListener(this::evicted);
  }

  @Override
  public String name() {
    return "cache";
  }

  @Override
  public Result fast(FastQuery q) {
    if (!zones.contains(q) || (!localZones.isEmpty() && localZones.contains(q))) {
      return Result.PASS;
    }
    long now = ticker.read();
    CacheEntry e = find(probes.get().set(q), now);
    if (e == null || e.renderedLength(q) > q.maxAnswer()) {
      return Result.SLOW; // a miss, or too big for UDP: the decoded path truncates
    }
    int ttl;
    if (e.fresh(now)) {
      ttl = config.keepTtl() ? -1 : e.remaining(now);
      refresher.prefetch(e, now);
    } else if (!stale.verify()) {
      ttl = stale.responseTtl();
      metrics.servedStale.increment();
      refresher.refresh(e, now);
    } else {
      return Result.SLOW; // verify mode asks the upstream first
    }
    q.reply(e.render(q, ttl));
    metrics.requests.increment();
    metrics.hits(e.kind()).increment();
    return Result.ANSWERED;
  }

  @Override
  public CompletionStage<Message> handle(DnsRequest r, Next next) {
    if (downstream != next) {
      downstream = next;
    }
    Name name = r.name();
    if (!zones.contains(name) || localZones.contains(name)) {
      return next.handle(r);
    }
    CacheKey key = CacheKey.of(name, r.type(), r.dclass(), r.dnssecOk(), r.checkingDisabled());
    long now = ticker.read();
    metrics.requests.increment();
    CacheEntry e = find(key, now);
    if (e == null) {
      metrics.misses.increment();
      return next.handle(r).thenApply(resp -> fromUpstream(r, name, key, resp));
    }
    metrics.hits(e.kind()).increment();
    if (e.fresh(now)) {
      refresher.prefetch(e, now);
      return CompletableFuture.completedFuture(
          message(e, r, config.keepTtl() ? -1 : e.remaining(now)));
    }
    if (!stale.verify()) {
      metrics.servedStale.increment();
      refresher.refresh(e, now);
      return CompletableFuture.completedFuture(message(e, r, stale.responseTtl()));
    }
    return refresher.verify(r, next, key, e);
  }

  /** A fresh entry, else one that may be served stale (a positive one first), else null. */
  private CacheEntry find(Question key, long now) {
    CacheEntry p = success.getIfPresent(key);
    if (p != null && p.fresh(now)) {
      return p;
    }
    CacheEntry n = denial.getIfPresent(key);
    if (n != null && n.fresh(now)) {
      return n;
    }
    if (stale == null) {
      return null;
    }
    if (p != null && p.servable(now)) {
      return p;
    }
    return n != null && n.kind() != Kind.SERVFAIL && n.servable(now) ? n : null;
  }

  Origin origin(String zone, String server) {
    return origins.computeIfAbsent(new Where(zone, server), w -> new Origin(latest, zone, server));
  }

  /** How many distinct origins the entries share (a handful per block, whatever the entry count). */
  int origins() {
    return origins.size();
  }

  /** {@code name}: the name {@code key} was made of (not decoded again from the key to compare). */
  private Message fromUpstream(DnsRequest r, Name name, CacheKey key, Message resp) {
    CacheEntry e = store(key, name, resp, origin(r.zone(), r.server()));
    // Serve what later hits will serve: the capped TTL, not "1799 then 8" (CoreDNS).
    return e == null ? resp : message(e, r, config.keepTtl() ? -1 : e.ttl);
  }

  /** Stores a cacheable response; returns the new entry or null. */
  CacheEntry store(Question key, Message resp, Origin origin) {
    return store(key, key.name(), resp, origin);
  }

  /** As {@link #store(Question, Message, Origin)}, with the key's name already decoded. */
  private CacheEntry store(Question key, Name keyName, Message resp, Origin origin) {
    if (!Cacheable.matches(resp, key, keyName)) {
      metrics.drops.increment();
      return null;
    }
    Cacheable.Verdict v = Cacheable.classify(resp);
    if (v == null) {
      return null;
    }
    Name name = resp.getQuestion().getName();
    long freshNanos;
    int ttl;
    switch (v.kind()) {
      case SUCCESS -> {
        if (noSuccess.contains(name)) {
          return null;
        }
        ttl = clamp(v.ttl(), config.success());
        freshNanos = ttl * SECOND;
      }
      case DENIAL -> {
        if (noDenial.contains(name)) {
          return null;
        }
        ttl = clamp(v.ttl(), config.denial());
        freshNanos = ttl * SECOND;
      }
      default -> {
        if (noDenial.contains(name)) {
          return null;
        }
        freshNanos = config.servfail().toNanos();
        ttl = (int) ((freshNanos + SECOND - 1) / SECOND);
      }
    }
    if (freshNanos <= 0) {
      return null;
    }
    PreparedAnswer answer = PreparedAnswer.of(resp);
    if (answer == null) {
      return null;
    }
    long keep = v.kind() == Kind.SERVFAIL ? 0 : staleNanos;
    CacheEntry e = new CacheEntry(answer, key.keyBits(), v.kind(), origin, ttl, ticker.read(), freshNanos, keep);
    put(v.kind() == Kind.SUCCESS ? success : denial, e);
    (v.kind() == Kind.SUCCESS ? denial : success).invalidate(key);
    return e;
  }

  /**
   * Stores {@code e} under itself. A map that replaces a value keeps the key it had, which would be
   * the old entry, its bytes kept alive for nothing: so the old mapping goes first. A reader in between
   * sees a miss, as it would just before the first store.
   */
  static void put(com.github.benmanes.caffeine.cache.Cache<Question, CacheEntry> map, CacheEntry e) {
    map.invalidate(e);
    map.put(e, e);
  }

  /** CoreDNS {@code computeTTL}: raise to the floor, then lower to the cap. */
  private static int clamp(long ttl, CacheConfig.Tier tier) {
    long t = Math.max(ttl, tier.minTtl());
    return (int) Math.min(t, tier.maxTtl());
  }

  /** The decoded form of what {@link #fast} sends for the same query. */
  static Message message(CacheEntry e, DnsRequest r, int ttl) {
    Message q = r.query();
    Header h = q.getHeader();
    int flags =
        (h.getFlag(Flags.RD) ? 0x0100 : 0)
            | (h.getFlag(Flags.AD) ? 0x0020 : 0)
            | (h.getFlag(Flags.CD) ? 0x0010 : 0);
    byte[] wire = e.patched(h.getID(), flags, r.dnssecOk(), r.name().toWire(), ttl);
    // Decoded only if a plugin looks inside; else the listener sends these bytes (with the requester's
    // size echoed in the OPT record, as the listener and CoreDNS do).
    return new WireAnswer(wire, q.getOPT() != null ? q.getOPT().getPayloadSize() : -1, r.dnssecOk());
  }

  static OPTRecord opt(boolean dnssecOk) {
    return new OPTRecord(Edns.OUR_PAYLOAD, 0, 0, dnssecOk ? ExtendedFlags.DO : 0);
  }

  private void evicted(Question key, CacheEntry e, RemovalCause cause) {
    if (cause == RemovalCause.SIZE && e != null) {
      metrics.evictions(e.kind()).increment();
    }
  }

  /** Identifies this cache across processes: its server block's label and zones. */
  public String handoffKey() {
    return handoff.key();
  }

  /**
   * Gives {@code to} the entries that may still be served, with their remaining lifetimes, for a new
   * process, one at a time.
   */
  public void handOver(Consumer<Handed> to) {
    handoff.handOver(to);
  }

  /**
   * Takes entries a previous process handed over, each keeping its remaining lifetime (capped by this
   * config's TTL cap); entries this config would not cache are skipped. Returns how many were taken.
   */
  public int takeOver(List<Handed> entries) {
    return handoff.takeOver(entries);
  }

  /** Entries in the positive and the negative cache, after pending maintenance. */
  long size() {
    success.cleanUp();
    denial.cleanUp();
    return success.estimatedSize() + denial.estimatedSize();
  }

  @Override
  public void stop() {
    metrics.close();
    success.invalidateAll();
    denial.invalidateAll();
  }
}
