package io.nodecache.listen;

import io.nodecache.chain.ClientDirectory;
import io.nodecache.metrics.ClientStats;
import java.net.InetAddress;

/**
 * Attributes each answered query to its client pod: the generation's {@link ClientDirectory} says who
 * a source address is, {@link ClientStats} counts the answer's rcode for that pod (by namespace in
 * {@code /metrics}, by pod in {@code /debug/clients}). Clients the directory does not know
 * (hostNetwork, other nodes, the node itself) are not counted. Two map lookups and one atomic add per
 * answer, no allocation once a pod was seen (JMH {@code ClientAttributionBenchmark}).
 */
public final class ClientAttribution {

  /** No directory or attribution disabled: records nothing. */
  public static final ClientAttribution NONE = new ClientAttribution(null, null);

  private final ClientDirectory directory;
  private final ClientStats stats;

  private ClientAttribution(ClientDirectory directory, ClientStats stats) {
    this.directory = directory;
    this.stats = stats;
  }

  /** Attribution through {@code directory} into {@code stats}; {@link #NONE} if either is null. */
  public static ClientAttribution of(ClientDirectory directory, ClientStats stats) {
    return directory == null || stats == null ? NONE : new ClientAttribution(directory, stats);
  }

  /** Counts one answer to {@code client}. */
  public void record(InetAddress client, int rcode) {
    ClientDirectory d = directory;
    if (d == null) {
      return;
    }
    String pod = d.podOf(client);
    if (pod == null) {
      return;
    }
    ClientStats.Client c = stats.client(pod);
    if (c == null) {
      String namespace = d.namespaceOf(client);
      if (namespace == null) {
        return;
      }
      c = stats.add(pod, namespace);
      if (c == null) {
        return; // past the pod cap
      }
    }
    c.record(rcode);
  }
}
