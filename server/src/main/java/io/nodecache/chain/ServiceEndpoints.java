package io.nodecache.chain;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * The ready endpoint addresses of a Service, from a plugin that watches the cluster (the kubernetes
 * plugin). Node networking asks it, through {@code Main}, where DNS to the node-local addresses goes
 * while no socket of ours listens there (fail-open). Called from a background thread, about once a
 * second: it must not block.
 */
public interface ServiceEndpoints {

  /**
   * The ready endpoint addresses of {@code namespace/name} (both families, sorted, without
   * duplicates); empty when the plugin does not know the Service (not synced yet, a namespace it
   * does not watch, EndpointSlices not watched), so the caller falls back to its own list.
   */
  Optional<List<InetAddress>> readyEndpoints(String namespace, String name);
}
