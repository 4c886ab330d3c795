package io.nodecache.loop;

import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.FastPath;
import io.nodecache.chain.Handler;
import io.nodecache.chain.Lifecycle;
import io.nodecache.chain.Next;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.chain.ServerHooks;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import io.nodecache.wire.FastQuery;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * CoreDNS's {@code loop}: after start, sends {@code HINFO <random>.<random>.<zone>} to the server's own
 * listener for up to 30 s until one exchange succeeds; if one probe comes back to us a second time, the
 * forwarding loops (typically a loopback nameserver in /etc/resolv.conf) and the process stops with
 * CoreDNS's message. CoreDNS counts "more than twice" over all probes; we count per probe, because
 * our forward coalesces the looping repeats and a slow upstream must not add up to a false loop.
 */
public final class LoopDetector implements PluginFactory {

  private static final Logger log = LoggerFactory.getLogger("io.nodecache.loop");

  @Override
  public String name() {
    return "loop";
  }

  @Override
  public Handler create(Directive d, PluginContext ctx) throws ConfigException {
    d.expectArgs(0, 0).expectNoBlock();
    String zone = ctx.block().zones().get(0);
    Name qname;
    try {
      ThreadLocalRandom r = ThreadLocalRandom.current();
      qname = Name.fromString(Math.abs(r.nextLong()) + "." + Math.abs(r.nextLong()) + "." + (zone.equals(".") ? "" : zone));
    } catch (IOException e) {
      throw d.error("cannot build a probe name under '" + zone + "'");
    }
    return new Probe(qname, zone, ctx.block().port(), ctx.hooks());
  }

  private static final class Probe implements Handler, Lifecycle, FastPath {
    private final Name qname;
    private final String zone;
    private final int port;
    /** The listener to probe (known once bound) and the stop on a loop. */
    private final ServerHooks server;
    private final AtomicInteger seen = new AtomicInteger();
    private final AtomicBoolean disabled = new AtomicBoolean();
    private volatile boolean stopped;

    Probe(Name qname, String zone, int port, ServerHooks server) {
      this.qname = qname;
      this.zone = zone;
      this.port = port;
      this.server = server;
    }

    @Override
    public String name() {
      return "loop";
    }

    /** Only HINFO can be our probe: everything else passes on to the next fast path. */
    @Override
    public Result fast(FastQuery q) {
      return q.qtype() == Type.HINFO && !disabled.get() ? Result.SLOW : Result.PASS;
    }

    @Override
    public void start() {
      Thread t = new Thread(this::probe, "nodecache-loop-probe");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void stop() {
      stopped = true;
    }

    private void probe() {
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!stopped && System.nanoTime() < deadline) {
        seen.set(0);
        InetSocketAddress to = server.listenAddress(port);
        if (to != null && exchange(to)) {
          sleep(2000);
          disabled.set(true);
          return;
        }
        sleep(1000);
      }
      disabled.set(true);
    }

    private boolean exchange(InetSocketAddress to) {
      try (DatagramSocket s = new DatagramSocket()) {
        s.setSoTimeout(2000);
        byte[] q = Message.newQuery(Record.newRecord(qname, Type.HINFO, DClass.IN)).toWire();
        s.send(new DatagramPacket(q, q.length, to));
        byte[] buf = new byte[1500];
        s.receive(new DatagramPacket(buf, buf.length));
        return true;
      } catch (IOException e) {
        log.warn("Loop probe: {}", e.toString());
        return false;
      }
    }

    @Override
    public CompletionStage<Message> handle(DnsRequest r, Next next) {
      if (r.type() == Type.HINFO && !disabled.get() && r.name().equals(qname)) {
        // Counted per probe: without a loop each probe reaches us once, however slow the upstream
        // (slow answers on a busy node at boot are no loop); a loop brings it back at least once
        // more, even though forward coalesces the identical repeats into one exchange.
        if (seen.incrementAndGet() >= 2) {
          server.fatal(
              String.format(
                  "Loop (%s -> %s) detected for zone \"%s\", see https://coredns.io/plugins/loop#troubleshooting. Query: \"HINFO %s\"",
                  r.client(), server.listenAddress(port), zone, qname));
        }
      }
      return next.handle(r);
    }

    private void sleep(long ms) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopped = true;
      }
    }
  }
}
