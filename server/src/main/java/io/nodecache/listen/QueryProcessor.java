package io.nodecache.listen;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.FastThreadLocal;
import io.nodecache.chain.Chain;
import io.nodecache.chain.DnsRequest;
import io.nodecache.chain.Protocol;
import io.nodecache.listen.Router.Route;
import io.nodecache.wire.Edns;
import io.nodecache.wire.FastQuery;
import io.nodecache.wire.Hexdump;
import io.nodecache.wire.Responses;
import io.nodecache.wire.WireAnswer;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Turns query bytes into answer bytes for one listener: the fast path on raw bytes first, then decode,
 * validate (FORMERR, NOTIMP, BADVERS, RFC 8482 ANY), route to a server block by zone, run its chain,
 * finish EDNS and truncate for UDP. Bad input never throws out of here.
 */
public final class QueryProcessor {

  private static final Logger log = LoggerFactory.getLogger(QueryProcessor.class);
  /** CoreDNS's {@code debug} output: printed whatever the log level, only while {@link #debug} is on. */
  private static final Logger debugLog = LoggerFactory.getLogger("io.nodecache.debug");
  private static final FastThreadLocal<FastQuery> FAST =
      new FastThreadLocal<>() {
        @Override
        protected FastQuery initialValue() {
          return new FastQuery();
        }
      };

  private volatile Router router;
  private volatile boolean debug;
  private final String server;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Counter droppedShort;
  private final Counter droppedResponse;
  private final Counter formerr;

  public QueryProcessor(Router router, String server, MeterRegistry meters) {
    this.router = router;
    this.server = server;
    this.droppedShort = dropped(meters, server, "short");
    this.droppedResponse = dropped(meters, server, "response");
    this.formerr = dropped(meters, server, "formerr");
  }

  private static Counter dropped(MeterRegistry meters, String server, String reason) {
    return Counter.builder("coredns.nodecache.malformed.requests")
        .description("Queries the listener could not pass to the chain, by reason.")
        .tags("server", server, "reason", reason)
        .register(meters);
  }

  /** The Corefile's {@code debug}: undecodable queries dumped in hex, handler failures with their trace. */
  public void debug(boolean on) {
    debug = on;
  }

  public void router(Router r) {
    this.router = r;
  }

  public Router router() {
    return router;
  }

  /** Queries taken by the slow path and not yet answered. */
  public int inFlight() {
    return inFlight.get();
  }

  /**
   * The one dispatch of every query, UDP and TCP: the fast path, then, when it has no answer, the
   * decoded path. Returns the fast answer at once (the caller sends it and may batch the flush);
   * otherwise returns null and, unless the packet is dropped, answers later through {@code
   * responder}. Does not release {@code packet}.
   */
  public ByteBuf process(
      ByteBuf packet,
      InetSocketAddress client,
      InetSocketAddress local,
      Protocol protocol,
      ByteBufAllocator alloc,
      Responder responder) {
    ByteBuf answer = fast(packet, client, protocol, alloc);
    if (answer == null) {
      slow(packet, client, local, protocol, responder);
    }
    return answer;
  }

  /**
   * The byte-level path alone: an answer from a handler's stored wire bytes, or null. Allocates
   * nothing but the answer buffer.
   */
  private ByteBuf fast(ByteBuf packet, InetSocketAddress client, Protocol protocol, ByteBufAllocator alloc) {
    long start = System.nanoTime();
    boolean udp = protocol == Protocol.UDP;
    int size = packet.readableBytes(); // before a plugin rewrites the query (bufsize)
    FastQuery q = FAST.get();
    q.client(client);
    if (!q.parse(packet, udp, alloc)) {
      return null;
    }
    ByteBuf self = SelfQuery.reply(q);
    if (self != null) {
      return self; // the liveness probe: answered here, in no server block's metrics
    }
    Route route = router.match(q);
    if (route == null || route.chain().filtered()) {
      return null; // a view decides on the decoded query
    }
    String by = route.chain().fast(q);
    if (by == null) {
      return null;
    }
    ByteBuf answer = q.takeReply();
    if (answer.readableBytes() > q.maxAnswer()) {
      answer.release(); // too big for this client: the slow path truncates it
      return null;
    }
    route.metrics().request(!udp, client.getAddress() instanceof Inet6Address, q.qtype(), size, q.dnssecOk());
    int rcode = answer.getByte(answer.readerIndex() + 3) & 0xF;
    route.metrics().response(rcode, route.metrics().pluginIndex(by), q.qtype(), System.nanoTime() - start);
    route.metrics().responseSize(!udp, answer.readableBytes());
    route.clients().record(client.getAddress(), rcode);
    return answer;
  }

  /** The decoded path: decode, validate, route, run the chain, answer through {@code responder}. */
  private void slow(
      ByteBuf packet, InetSocketAddress client, InetSocketAddress local, Protocol protocol, Responder responder) {
    byte[] bytes = new byte[packet.readableBytes()];
    packet.getBytes(packet.readerIndex(), bytes);
    slow(bytes, router, client, local, protocol, responder, System.nanoTime());
  }

  private void slow(
      byte[] bytes,
      Router r,
      InetSocketAddress client,
      InetSocketAddress local,
      Protocol protocol,
      Responder responder,
      long start) {
    if (bytes.length < FastQuery.HEADER) {
      droppedShort.increment();
      responder.dropped();
      return;
    }
    if ((bytes[2] & 0x80) != 0) {
      droppedResponse.increment(); // QR=1: never answer a response (reflection loops)
      responder.dropped();
      return;
    }
    Message query;
    try {
      query = new Message(bytes);
    } catch (IOException | RuntimeException e) {
      if (debug) {
        debugLog.warn("debug: query from {} does not decode ({}), FORMERR:\n{}", client, e.getMessage(), Hexdump.of(bytes));
      }
      formerr.increment();
      responder.send(Unpooled.wrappedBuffer(Responses.headerOnly(bytes, Rcode.FORMERR)), client);
      return;
    }
    Message early = validate(query);
    if (early != null) {
      send(query, early, client, protocol, responder, 65535);
      return;
    }
    Route route =
        r.match(
            query.getQuestion().getName(),
            c -> !c.chain().filtered()
                || c.chain().accepts(new DnsRequest(query, client, local, protocol, c.zone(), server)));
    boolean tcp = protocol == Protocol.TCP;
    int qtype = query.getQuestion().getType();
    if (route == null) {
      send(query, Responses.error(query, Rcode.REFUSED), client, protocol, responder, 65535);
      return;
    }
    DnsRequest request = new DnsRequest(query, client, local, protocol, route.zone(), server);
    route.metrics().request(tcp, client.getAddress() instanceof Inet6Address, qtype, bytes.length, request.dnssecOk());
    if (qtype == Type.ANY && !route.chain().has("any")) {
      // Our own RFC 8482 answer; a block with the any plugin answers ANY through its chain instead.
      Message any = Responses.minimalAny(query);
      route.metrics().response(Rcode.NOERROR, -1, qtype, System.nanoTime() - start);
      route.clients().record(client.getAddress(), Rcode.NOERROR);
      route.metrics().responseSize(tcp, send(query, any, client, protocol, responder, route.chain().udpPayloadLimit()));
      return;
    }
    inFlight.incrementAndGet();
    Chain.Run run = route.chain().handle(request);
    run.answer().whenComplete(
            (answer, error) -> {
              try {
                Message out = answer;
                if (error != null || out == null) {
                  if (error != null && debug) {
                    debugLog.warn("debug: {} {} failed, SERVFAIL", query.getQuestion().getName(), Type.string(qtype), error);
                  } else if (error != null) {
                    log.debug("{} {}: {}", query.getQuestion().getName(), Type.string(qtype), error.toString());
                  }
                  out = Responses.error(query, Rcode.SERVFAIL);
                }
                route.metrics().response(out.getRcode(), run.plugin(), qtype, System.nanoTime() - start);
                route.clients().record(client.getAddress(), out.getRcode());
                route.metrics().responseSize(tcp, send(query, out, client, protocol, responder, route.chain().udpPayloadLimit()));
              } catch (RuntimeException e) {
                log.warn("failed to answer {}: {}", query.getQuestion().getName(), e.toString());
              } finally {
                inFlight.decrementAndGet();
              }
            });
  }

  /** The answer the server gives itself for a query the chain must not see, or null. */
  private static Message validate(Message query) {
    if (!Responses.isStandardQuery(query)) {
      return Responses.error(query, Rcode.NOTIMP);
    }
    if (query.getHeader().getCount(Section.QUESTION) != 1) {
      return Responses.error(query, Rcode.FORMERR);
    }
    OPTRecord opt = query.getOPT();
    if (opt != null && opt.getVersion() != 0) {
      Message m = Responses.error(query, Rcode.NOERROR);
      m.addRecord(new OPTRecord(Edns.OUR_PAYLOAD, Responses.BADVERS >>> 4, 0, 0), Section.ADDITIONAL);
      return m; // RFC 6891 §6.1.3: BADVERS, answered with our version 0
    }
    return null;
  }

  /**
   * Finishes, encodes and sends {@code answer}; its OPT echoes the query's payload size, at most {@code
   * payloadLimit}. Returns the length sent.
   */
  private static int send(
      Message query, Message answer, InetSocketAddress client, Protocol protocol, Responder responder,
      int payloadLimit) {
    int limit = protocol == Protocol.UDP ? Edns.clientLimit(query.getOPT()) : 65535;
    if (answer instanceof WireAnswer w && w.isUntouched()) {
      // Bytes no plugin looked into: what finish and encode would give, without the decode and encode.
      OPTRecord qopt = query.getOPT();
      byte[] wire =
          w.untouched(
              qopt == null ? -1 : Edns.echoed(qopt, payloadLimit),
              qopt != null && (qopt.getFlags() & ExtendedFlags.DO) != 0,
              limit);
      if (wire != null) {
        responder.send(Unpooled.wrappedBuffer(wire), client);
        return wire.length;
      }
    }
    Message out = answer;
    if (answer.getOPT() == null || query.getOPT() == null || answer.getRcode() < 16) {
      out = Responses.finish(query, answer, payloadLimit);
    }
    byte[] wire = Responses.encode(out, limit);
    responder.send(Unpooled.wrappedBuffer(wire), client);
    return wire.length;
  }
}
