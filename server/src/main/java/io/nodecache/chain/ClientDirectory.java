package io.nodecache.chain;

import java.net.InetAddress;

/**
 * Who a client is: the pod behind a source address, from a plugin that watches this node's pods
 * (the kubernetes plugin). Lookups run on the fast path: they must not allocate or block.
 */
public interface ClientDirectory {

  /** The namespace of the pod on this node with this address; null when unknown or hostNetwork. */
  String namespaceOf(InetAddress client);

  /** The pod's {@code namespace/name}; null when unknown or hostNetwork. */
  String podOf(InetAddress client);
}
