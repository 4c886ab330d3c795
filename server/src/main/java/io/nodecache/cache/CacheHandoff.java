package io.nodecache.cache;

import io.nodecache.cache.CacheEntry.Kind;
import io.nodecache.cache.CacheEntry.Origin;
import io.nodecache.wire.PreparedAnswer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * The restart hand-off of a {@link Cache}: its live entries as {@link Handed} values for a new process,
 * and the entries a previous process handed over put back, each with the lifetime it had left.
 * {@code handoff.CacheTransfer} carries them between processes through {@link Cache#handOver} and
 * {@link Cache#takeOver}.
 */
public final class CacheHandoff {

  /**
   * One entry as it travels to a new process in a restart hand-off: the answer's wire form and what is
   * left of its lifetime.
   */
  public record Handed(
      byte[] answer, boolean dnssecOk, boolean checkingDisabled, int kind, int ttl, long freshLeftNanos,
      long keepLeftNanos, String zone, String server) {}

  private final Cache cache;
  private final String key;
  CacheHandoff(Cache cache, String serverLabel, List<String> zones) {
    this.cache = cache;
    this.key = serverLabel + " " + String.join(",", zones);
  }

  /** Identifies the cache across processes: its server block's label and zones. */
  String key() {
    return key;
  }

  /**
   * Gives {@code to} the entries that may still be served, with their remaining lifetimes, for a new
   * process: one at a time, so that a large cache does not become one long-lived list while it is
   * sent (that list was promoted and filled the old generation: a full collection in the middle of the
   * hand-over, docs/restart.md).
   */
  void handOver(Consumer<Handed> to) {
    long now = cache.ticker.read();
    for (var c : List.of(cache.success, cache.denial)) {
      for (CacheEntry e : c.asMap().values()) {
        if (!e.servable(now)) {
          continue;
        }
        byte[] wire = e.patched(0, 0, e.dnssecOk(), e.name().toWire(), -1);
        to.accept(
            new Handed(
                wire, e.dnssecOk(), e.checkingDisabled(), e.kind().ordinal(), e.ttl,
                e.freshUntil - now, e.keepUntil - now, e.origin.zone(), e.origin.server()));
      }
    }
  }

  /**
   * Takes entries a previous process handed over, each keeping its remaining lifetime (capped by the
   * cache's TTL cap); entries the cache's config would not cache are skipped. Returns how many were
   * taken.
   */
  int takeOver(List<Handed> entries) {
    int taken = 0;
    long now = cache.ticker.read();
    for (Handed h : entries) {
      Message m;
      try {
        m = new Message(h.answer());
      } catch (IOException e) {
        continue;
      }
      Record q = m.getQuestion();
      if (q == null || m.getSection(Section.QUESTION).size() != 1 || h.kind() < 0
          || h.kind() >= Kind.ALL.length || h.keepLeftNanos() <= 0) {
        continue;
      }
      Kind kind = Kind.ALL[h.kind()];
      Name name = q.getName();
      boolean off = kind == Kind.SUCCESS ? cache.noSuccess.contains(name) : cache.noDenial.contains(name);
      PreparedAnswer answer = PreparedAnswer.of(m);
      if (off || answer == null || !cache.zones.contains(name) || cache.localZones.contains(name)) {
        continue;
      }
      CacheConfig.Tier tier = kind == Kind.SUCCESS ? cache.config.success() : cache.config.denial();
      long fresh = Math.min(h.freshLeftNanos(), tier.maxTtl() * Cache.SECOND);
      long keep = Math.max(0, Math.min(h.keepLeftNanos() - h.freshLeftNanos(), cache.staleNanos));
      int bits = CacheKey.bits(h.dnssecOk(), h.checkingDisabled());
      Origin origin = cache.origin(h.zone(), h.server());
      CacheEntry e = new CacheEntry(answer, bits, kind, origin, Math.min(h.ttl(), tier.maxTtl()), now, fresh, keep);
      Cache.put(kind == Kind.SUCCESS ? cache.success : cache.denial, e);
      taken++;
    }
    return taken;
  }
}
