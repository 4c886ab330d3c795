package io.nodecache.bench;

import io.nodecache.chain.ClientDirectory;
import io.nodecache.listen.ClientAttribution;
import io.nodecache.metrics.ClientStats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.xbill.DNS.Rcode;

/**
 * What client attribution adds to each answered query ({@link ClientAttribution#record}, called by
 * {@code QueryProcessor} on the fast and the decoded path): a pod-map lookup, the pod's entry and
 * one counter increment. The pod map is a fake {@link ClientDirectory} over a {@link HashMap} of 110
 * pod addresses in 12 namespaces (a full node); 10% of answers are NXDOMAIN. Must stay under 30 ns
 * and 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled", "-Xmx512m"})
public class ClientAttributionBenchmark {

  private static final int PODS = 110;
  private static final int RING = 4096;
  private static final int MASK = RING - 1;

  private ClientAttribution attribution;
  private FakeDirectory directory;
  private InetAddress[] pods;
  private InetAddress[] mixed;
  private int[] rcodes;
  private int next;

  /** A node's pod map: address → pod and namespace, from hash maps. */
  static final class FakeDirectory implements ClientDirectory {
    final Map<InetAddress, String> pod = new HashMap<>();
    final Map<InetAddress, String> namespace = new HashMap<>();

    @Override
    public String namespaceOf(InetAddress client) {
      return namespace.get(client);
    }

    @Override
    public String podOf(InetAddress client) {
      return pod.get(client);
    }
  }

  @Setup
  public void setUp() throws UnknownHostException {
    directory = new FakeDirectory();
    InetAddress[] known = new InetAddress[PODS];
    for (int i = 0; i < PODS; i++) {
      known[i] = InetAddress.getByAddress(new byte[] {10, (byte) 244, 7, (byte) (i + 2)});
      String ns = "namespace-" + (i % 12);
      directory.namespace.put(known[i], ns);
      directory.pod.put(known[i], ns + "/pod-" + i);
    }
    attribution = ClientAttribution.of(directory, ClientStats.of(new PrometheusRegistry(), 20, null));
    SplittableRandom r = new SplittableRandom(7);
    pods = new InetAddress[RING];
    mixed = new InetAddress[RING];
    rcodes = new int[RING];
    for (int i = 0; i < RING; i++) {
      pods[i] = known[r.nextInt(PODS)];
      mixed[i] = r.nextInt(10) == 0 ? InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) r.nextInt(256)}) : pods[i];
      rcodes[i] = r.nextInt(10) == 0 ? Rcode.NXDOMAIN : Rcode.NOERROR;
    }
  }

  /** Every client a pod of this node. */
  @Benchmark
  public void podClient() {
    int i = next++ & MASK;
    attribution.record(pods[i], rcodes[i]);
  }

  /** One client in ten unknown to the pod map (hostNetwork, the node itself): not counted. */
  @Benchmark
  public void tenthUnknown() {
    int i = next++ & MASK;
    attribution.record(mixed[i], rcodes[i]);
  }

  /** The fake pod map's lookup alone: the share of the cost that is the directory's, not ours. */
  @Benchmark
  public String directoryLookupOnly() {
    return directory.podOf(pods[next++ & MASK]);
  }
}
