package io.nodecache.k8s;

import static io.nodecache.k8s.Fixtures.await;
import static io.nodecache.k8s.KubernetesInformerTest.clusterIp;
import static io.nodecache.k8s.KubernetesInformerTest.slice;
import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.chain.ServiceEndpoints;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ServiceEndpoints} from the live informers (fabric8's mock API server): the ready addresses of
 * {@code kube-system/kube-dns-upstream} that {@code -failopen} DNATs to, following the slices as
 * they change, and from the snapshot file until the informers sync; nothing for a Service the plugin
 * does not know, or with {@code noendpoints}.
 */
class KubernetesServiceEndpointsTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path dir;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private KubernetesPlugin plugin(MockApi api, String extra) throws Exception {
    String corefile = "cluster.local {\n kubernetes {\n  kubeconfig " + api.kubeconfig(dir) + " mock\n" + extra + " }\n}\n";
    KubernetesPlugin p = Fixtures.plugin(Fixtures.config(corefile, Map.of()), scheduler);
    p.start();
    return p;
  }

  private static Optional<List<String>> ready(ServiceEndpoints endpoints) {
    return endpoints.readyEndpoints("kube-system", "kube-dns-upstream")
        .map(list -> list.stream().map(InetAddress::getHostAddress).toList());
  }

  @Test
  void readyAddressesOfTheUpstreamServiceFollowItsSlices() throws Exception {
    try (MockApi api = new MockApi(0)) {
      api.admin.services().resource(clusterIp("kube-system", "kube-dns-upstream", "10.96.0.53")).create();
      api.admin.discovery().v1().endpointSlices()
          .resource(slice("kube-system", "up-a", "kube-dns-upstream", true, "10.244.2.7", "10.244.1.5")).create();
      api.admin.discovery().v1().endpointSlices()
          .resource(slice("kube-system", "up-b", "kube-dns-upstream", false, "10.244.3.9")).create();
      KubernetesPlugin p = plugin(api, "");
      try {
        await("first sync", DEADLINE, p::synced);
        await("ready endpoints known", DEADLINE, () -> ready(p).isPresent());
        assertThat(ready(p)).contains(List.of("10.244.1.5", "10.244.2.7"));
        assertThat(p.readyEndpoints("kube-system", "no-such-service")).isEmpty();

        api.admin.discovery().v1().endpointSlices()
            .resource(slice("kube-system", "up-b", "kube-dns-upstream", true, "10.244.3.9")).update();
        await("the endpoint that became ready is added", DEADLINE,
            () -> ready(p).equals(Optional.of(List.of("10.244.1.5", "10.244.2.7", "10.244.3.9"))));

        api.admin.discovery().v1().endpointSlices().inNamespace("kube-system").withName("up-a").delete();
        await("the deleted slice's endpoints go", DEADLINE,
            () -> ready(p).equals(Optional.of(List.of("10.244.3.9"))));
      } finally {
        p.stop();
      }
    }
  }

  @Test
  void fromTheSnapshotWhileTheApiServerIsDown() throws Exception {
    Path snap = Files.copy(KubernetesInformerTest.demoCluster(), dir.resolve("demo.yaml"));
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    String corefile = "cluster.local {\n kubernetes {\n  endpoint http://127.0.0.1:" + closed + "\n  snapshot " + snap
        + "\n }\n}\n";
    KubernetesPlugin p = Fixtures.plugin(Fixtures.config(corefile, Map.of()), scheduler);
    p.start();
    try {
      assertThat(p.synced()).isFalse();
      assertThat(p.readyEndpoints("demo", "web").map(l -> l.stream().map(InetAddress::getHostAddress).toList()))
          .as("a restart with the API server down keeps the fail-open targets of the snapshot")
          .contains(List.of("10.244.1.10", "10.244.1.11", "10.244.1.12"));
    } finally {
      p.stop();
    }
  }

  @Test
  void noEndpointsKnowsNone() throws Exception {
    try (MockApi api = new MockApi(0)) {
      api.admin.services().resource(clusterIp("kube-system", "kube-dns-upstream", "10.96.0.53")).create();
      api.admin.discovery().v1().endpointSlices()
          .resource(slice("kube-system", "up-a", "kube-dns-upstream", true, "10.244.1.5")).create();
      KubernetesPlugin p = plugin(api, "  noendpoints\n");
      try {
        await("first sync", DEADLINE, p::synced);
        assertThat(p.readyEndpoints("kube-system", "kube-dns-upstream")).isEmpty();
      } finally {
        p.stop();
      }
    }
  }
}
