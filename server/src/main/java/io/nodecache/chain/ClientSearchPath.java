package io.nodecache.chain;

import io.nodecache.wire.FastQuery;
import java.net.InetAddress;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * The search path a client's resolver walks, for {@code autopath @PLUGIN}: the kubernetes plugin
 * knows it for the pods on this node ({@code <ns>.svc.<zone>}, {@code svc.<zone>}, {@code <zone>}).
 * autopath finds the implementation through {@link BlockPlugins} and never imports the plugin.
 */
public interface ClientSearchPath {

  /**
   * True when {@code q} must be walked: its name lies strictly below the first search domain of its
   * sender ({@link FastQuery#client()}), unless the implementation already holds a final answer (not
   * NXDOMAIN) for the asked name itself, where a walk would stop at once with that same answer. Runs on
   * the fast path: must not allocate or block.
   */
  boolean mustWalk(FastQuery q);

  /**
   * The search domains of {@code client} for a query of {@code qname}, first domain first, absolute;
   * empty when the client is unknown or the name is outside the plugin's zones.
   */
  List<Name> searchPath(InetAddress client, Name qname);

  /**
   * Null when {@link #searchPath} can know clients; otherwise why it never will (e.g. no watch of this
   * node's pods), so that a Corefile asking for it is refused instead of silently doing nothing.
   */
  String unavailable();
}
