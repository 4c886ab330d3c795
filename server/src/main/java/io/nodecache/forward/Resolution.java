package io.nodecache.forward;

import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.Protocol;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;

/**
 * The tries of one upstream exchange, CoreDNS's loop made asynchronous: upstreams in policy order,
 * skipping those down; when all are down, one at random. A failed try starts that upstream's health
 * check and moves on; a TC answer over UDP is retried over TCP on the same upstream. It ends at the
 * first answer, or fails with the last try's error after {@link ForwardConfig#attempts()} failed tries
 * or at the deadline.
 */
final class Resolution implements BiConsumer<Message, Throwable> {

  private final Forward forward;
  private final ForwardConfig config;
  private final List<Upstream> upstreams;
  private final CompletableFuture<Message> out;
  private final Forward.Key key;
  private final byte[] wire;
  private final Record question;
  private final int[] order;
  private long deadline;
  private boolean tcp;
  private int next;
  private int downSkips;
  private int failures;
  private int failoverAnswers;
  private Upstream current;
  private long tryStart;
  private Throwable lastError;

  /** Resolves {@code request} into {@code out}, leaving {@code forward}'s in-flight map under {@code key} first. */
  Resolution(Forward forward, DnsRequest request, Forward.Key key, CompletableFuture<Message> out) {
    this.key = key;
    this.forward = forward;
    this.config = forward.cfg();
    this.upstreams = forward.upstreams();
    this.out = out;
    Message q = request.query();
    this.wire = q.toWire();
    this.question = q.getQuestion();
    this.tcp = config.forceTcp() || (!config.preferUdp() && request.protocol() == Protocol.TCP);
    this.order = new int[upstreams.size()];
  }

  void start() {
    deadline = forward.ticker().read() + config.deadline().toNanos();
    config.policy().order(order, forward.turn());
    tryNext();
  }

  private void tryNext() {
    int n = order.length;
    while (true) {
      long now = forward.ticker().read();
      if (now - deadline >= 0 || failures >= config.attempts()) {
        failed(lastError != null ? lastError : new UpstreamException(UpstreamException.Kind.TIMEOUT, "no upstream answered"));
        return;
      }
      if (next >= n) {
        next = 0;
        downSkips = 0;
      }
      Upstream u = upstreams.get(order[next++]);
      if (u.down()) {
        downSkips++;
        if (downSkips < n) {
          continue;
        }
        // Every upstream is down: assume health checking itself is broken (CoreDNS).
        forward.metrics().healthcheckBroken();
        if (config.failFastAllUnhealthy()) {
          failed(new UpstreamException(UpstreamException.Kind.NETWORK, "all upstreams down"));
          return;
        }
        u = upstreams.get(ThreadLocalRandom.current().nextInt(n));
      }
      send(u, now);
      return;
    }
  }

  private void failed(Throwable e) {
    forward.leave(key, out);
    out.completeExceptionally(e);
  }

  private void send(Upstream u, long now) {
    current = u;
    tryStart = now;
    u.meters().requests.increment();
    long timeout = Math.min(config.readTimeout().toNanos(), deadline - now);
    u.exchange(tcp, wire, question, timeout).whenComplete(this);
  }

  @Override
  public void accept(Message m, Throwable e) {
    Upstream u = current;
    long now = forward.ticker().read();
    if (e == null) {
      if (!tcp && !u.tls() && m.getHeader().getFlag(Flags.TC) && now - deadline < 0) {
        // Truncated over UDP: the full answer over TCP from the same upstream (RFC 7766 §5).
        tcp = true;
        send(u, now);
        return;
      }
      u.meters().response(m.getRcode(), now - tryStart);
      if (config.failoverRcodes().contains(m.getRcode()) && ++failoverAnswers < upstreams.size() && now - deadline < 0) {
        // failover: the next upstream, until each has been asked once; then this answer stands.
        tryNext();
        return;
      }
      forward.leave(key, out);
      out.complete(m);
      return;
    }
    failures++;
    lastError = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (UpstreamException.kindOf(e) != UpstreamException.Kind.OVERLOADED) {
      // Our own in-flight cap is not the upstream's fault.
      u.healthCheck();
    }
    tryNext();
  }
}
