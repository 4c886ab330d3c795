package io.nodecache.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.nodecache.listen.DnsListener;
import io.nodecache.listen.ListenerOptions;
import io.nodecache.listen.QueryProcessor;
import io.nodecache.listen.Router;
import io.nodecache.listen.TcpTimeouts;
import io.nodecache.transport.Transport;
import io.nodecache.util.Pause;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The DNS listeners of a server, one per Corefile address: bound, or adopted from a previous instance,
 * then pointed at each generation's routes in turn. Not thread-safe: {@link NodeCache} holds its lock.
 */
final class Listeners {

  private final Transport transport;
  private final MeterRegistry meters;
  private final ListenerOptions options;
  private final Map<InetSocketAddress, DnsListener> byAddress = new LinkedHashMap<>();
  private Map<InetSocketAddress, DnsListener.Sockets> adopted = new HashMap<>();

  Listeners(Transport transport, MeterRegistry meters, ListenerOptions options) {
    this.transport = transport;
    this.meters = meters;
    this.options = options;
  }

  /** Sockets a previous instance handed over: {@link #serve} adopts them instead of binding. */
  void adopt(Map<InetSocketAddress, DnsListener.Sockets> sockets) {
    adopted = new HashMap<>(sockets);
  }

  /**
   * Points every existing listener of {@code g}'s addresses at its routes, and binds (or adopts) the
   * new addresses. Listeners of addresses {@code g} lacks are left to {@link #closeAllBut}.
   */
  void serve(Generation g) throws InterruptedException {
    for (var e : g.routes().entrySet()) {
      DnsListener existing = byAddress.get(e.getKey());
      if (existing == null) {
        existing = rekeyBoundAt(e.getKey());
      }
      Router router = new Router(e.getValue());
      TcpTimeouts timeouts = g.timeouts().getOrDefault(e.getKey(), TcpTimeouts.NONE);
      if (existing != null) {
        existing.tcpTimeouts(timeouts);
        existing.processor().debug(g.server().debug());
        existing.processor().router(router);
        continue;
      }
      String label = Generation.serverLabel(e.getKey(), e.getKey().getPort());
      QueryProcessor p = new QueryProcessor(router, label, meters);
      p.debug(g.server().debug());
      DnsListener l = new DnsListener(transport, e.getKey(), p, options);
      l.tcpTimeouts(timeouts);
      DnsListener.Sockets handed = adopted.remove(e.getKey());
      if (handed != null) {
        l.adopt(handed);
      } else {
        l.bind();
      }
      byAddress.put(e.getKey(), l);
    }
  }

  /**
   * A listener configured with port 0 whose socket got {@code address}'s port: a Corefile that now
   * names that port keeps the socket (closing it would drop the datagrams queued in it), under the
   * new key. Null when there is none.
   */
  private DnsListener rekeyBoundAt(InetSocketAddress address) {
    for (var it = byAddress.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (e.getKey().getPort() == 0 && e.getValue().address().equals(address)) {
        it.remove();
        byAddress.put(address, e.getValue());
        return e.getValue();
      }
    }
    return null;
  }

  /** Closes the handed-over sockets no address of the Corefile took. */
  void dropUnadopted() {
    adopted.values().forEach(DnsListener.Sockets::close);
    adopted.clear();
  }

  /** Points the listeners back at {@code g}'s routes, after a reload that could not bind. */
  void restore(Generation g) {
    for (var e : g.routes().entrySet()) {
      DnsListener l = byAddress.get(e.getKey());
      if (l != null) {
        l.tcpTimeouts(g.timeouts().getOrDefault(e.getKey(), TcpTimeouts.NONE));
        l.processor().debug(g.server().debug());
        l.processor().router(new Router(e.getValue()));
      }
    }
  }

  /** Closes the listeners of addresses {@code g} does not serve. */
  void closeAllBut(Generation g) {
    byAddress.entrySet().removeIf(
        e -> {
          if (!g.routes().containsKey(e.getKey())) {
            e.getValue().close();
            return true;
          }
          return false;
        });
  }

  Map<InetSocketAddress, DnsListener.Sockets> sockets() {
    Map<InetSocketAddress, DnsListener.Sockets> m = new LinkedHashMap<>();
    byAddress.forEach((a, l) -> m.put(a, l.sockets()));
    return m;
  }

  void stopReading() {
    byAddress.values().forEach(DnsListener::stopReading);
  }

  void startReading() {
    byAddress.values().forEach(DnsListener::startReading);
  }

  /** Closes the sockets; answers in flight still go out. */
  void close() {
    byAddress.values().forEach(DnsListener::close);
  }

  /** Closes open TCP connections too: a client sees them close, then retries. */
  void closeConnections() {
    byAddress.values().forEach(DnsListener::closeConnections);
  }

  /**
   * Waits up to {@code millis} for the queries in flight to be answered, after {@link #close}.
   *
   * @return how many are still in flight
   */
  int drain(long millis) {
    long deadline = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < deadline && inFlight() > 0) {
      Pause.sleep(10);
    }
    return inFlight();
  }

  private int inFlight() {
    int n = 0;
    for (DnsListener l : byAddress.values()) {
      n += l.processor().inFlight();
    }
    return n;
  }

  int openTcpConnections() {
    int n = 0;
    for (DnsListener l : byAddress.values()) {
      n += l.openTcpConnections();
    }
    return n;
  }

  List<InetSocketAddress> addresses() {
    return byAddress.values().stream().map(DnsListener::address).toList();
  }

  /** The address serving {@code port} (0: any), with 127.0.0.1 for a wildcard bind; null if none. */
  InetSocketAddress serving(int port) {
    for (DnsListener l : byAddress.values()) {
      if (port == 0 || l.address().getPort() == port) {
        InetSocketAddress a = l.address();
        return a.getAddress().isAnyLocalAddress() ? new InetSocketAddress("127.0.0.1", a.getPort()) : a;
      }
    }
    return null;
  }
}
