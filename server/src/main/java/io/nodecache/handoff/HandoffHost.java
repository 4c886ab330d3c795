package io.nodecache.handoff;

import io.nodecache.chain.Chain;
import io.nodecache.listen.DnsListener;
import io.nodecache.transport.Transport;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/** What the hand-off needs of the server whose sockets and caches it passes on. */
public interface HandoffHost {

  /** The event loops the hand-off's unix sockets run on; only epoll can pass file descriptors. */
  Transport transport();

  /** Sockets received from the running instance, to serve instead of binding those addresses. */
  void adopt(Map<InetSocketAddress, DnsListener.Sockets> sockets);

  /** Our DNS sockets, keyed by Corefile address, to hand to the next instance. */
  Map<InetSocketAddress, DnsListener.Sockets> listenerSockets();

  /** The next instance serves our sockets now: stop reading them. */
  void handedOver();

  /**
   * The instance that took over went away: serve our sockets again.
   *
   * @return false when we are stopping anyway
   */
  boolean resume();

  boolean isHandedOver();

  /** The chains whose caches are handed over. */
  List<Chain> chains();
}
