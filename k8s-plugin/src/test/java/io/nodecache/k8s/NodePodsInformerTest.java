package io.nodecache.k8s;

import static io.nodecache.k8s.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

/**
 * The map of this node's pods by address against fabric8's mock API server in CRUD mode, through a
 * real kubeconfig: pods on this node and another, hostNetwork pods, both address families, and adds,
 * updates, finished pods, address reuse and deletes.
 */
class NodePodsInformerTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path dir;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  static Pod pod(String ns, String name, String node, boolean hostNetwork, String phase, String... ips) {
    PodBuilder b = new PodBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
        .withNewSpec().withNodeName(node).withHostNetwork(hostNetwork).endSpec()
        .withNewStatus().withPhase(phase).withPodIP(ips.length == 0 ? null : ips[0]).endStatus();
    for (String ip : ips) {
      b.editStatus().addNewPodIP(ip).endStatus();
    }
    return b.build();
  }

  private static InetAddress ip(String text) {
    return Ip.parse(text).address();
  }

  private KubernetesPlugin plugin(MockApi api, String node) throws Exception {
    String corefile = "cluster.local {\n kubernetes {\n  kubeconfig " + api.kubeconfig(dir) + " mock\n }\n}\n";
    KubernetesPlugin p = Fixtures.plugin(Fixtures.config(corefile, Map.of()), scheduler);
    if (node != null) {
      p.watchNode(node);
    }
    p.start();
    return p;
  }

  /**
   * Waits until the informer's watch is live: the mock server does not replay events a watch missed
   * between the list and its start, so a probe pod is created until one arrives, then removed.
   */
  private static void awaitWatching(MockApi api, KubernetesPlugin p) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    for (int i = 1; System.nanoTime() < deadline; i++) {
      String name = "probe-" + i;
      String ip = "10.244.3." + (i % 250 + 1);
      api.admin.pods().resource(pod("probe", name, "node-a", false, "Running", ip)).create();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (System.nanoTime() < until && p.podOf(ip(ip)) == null) {
        Thread.sleep(20);
      }
      boolean seen = p.podOf(ip(ip)) != null;
      api.admin.pods().inNamespace("probe").withName(name).delete();
      if (seen) {
        await("probe removed", DEADLINE, () -> p.podOf(ip(ip)) == null);
        return;
      }
    }
    throw new AssertionError("the pod watch never came up");
  }

  @Test
  void mapsTheAddressesOfThisNodesPodsAndFollowsChanges() throws Exception {
    try (MockApi api = new MockApi(0, true)) {
      api.admin.pods().resource(pod("demo", "web-0", "node-a", false, "Running", "10.244.1.5", "fd00:10:244:1::5")).create();
      api.admin.pods().resource(pod("demo", "web-1", "node-b", false, "Running", "10.244.2.5")).create();
      api.admin.pods().resource(pod("kube-system", "proxy", "node-a", true, "Running", "192.168.0.10")).create();
      api.admin.pods().resource(pod("jobs", "done", "node-a", false, "Succeeded", "10.244.1.9")).create();
      // listed last: once it is mapped, the informer's handler has seen every pod above
      api.admin.pods().resource(pod("zz", "last", "node-a", false, "Running", "10.244.1.99")).create();
      KubernetesPlugin p = plugin(api, "node-a");
      try {
        await("node pods synced", DEADLINE, () -> p.nodePods().synced());
        await("the whole list handled", DEADLINE, () -> p.podOf(ip("10.244.1.99")) != null);
        awaitWatching(api, p);
        api.admin.pods().inNamespace("zz").withName("last").delete();
        await("sentinel deleted", DEADLINE, () -> p.podOf(ip("10.244.1.99")) == null);
        assertThat(p.namespaceOf(ip("10.244.1.5"))).isEqualTo("demo");
        assertThat(p.podOf(ip("10.244.1.5"))).isEqualTo("demo/web-0");
        assertThat(p.podOf(ip("fd00:10:244:1::5"))).as("the IPv6 address of the same pod").isEqualTo("demo/web-0");
        assertThat(p.podOf(ip("10.244.2.5"))).as("another node's pod").isNull();
        assertThat(p.podOf(ip("192.168.0.10"))).as("a hostNetwork pod").isNull();
        assertThat(p.podOf(ip("10.244.1.9"))).as("a finished pod").isNull();
        assertThat(p.nodePods().size()).isEqualTo(2);
        assertThat(p.searchPath(ip("fd00:10:244:1::5"), Name.fromString("x.demo.svc.cluster.local.")))
            .extracting(Name::toString).containsExactly("demo.svc.cluster.local.", "svc.cluster.local.", "cluster.local.");
        assertThat(p.searchPath(ip("10.244.1.5"), Name.fromString("example.org."))).as("outside the zone").isEmpty();
        assertThat(p.searchPath(ip("10.244.2.5"), Name.fromString("x.demo.svc.cluster.local."))).isEmpty();

        // the watch asked the API server for this node's pods only
        List<String> paths = new ArrayList<>();
        RecordedRequest r;
        while ((r = api.server.takeRequest(100, TimeUnit.MILLISECONDS)) != null && paths.size() < 100) {
          paths.add(r.getPath());
        }
        assertThat(paths).anyMatch(x -> x.startsWith("/api/v1/pods?") && x.contains("fieldSelector=spec.nodeName%3Dnode-a"));

        // a new pod on this node, in a pending state with an address (init containers resolve too)
        api.admin.pods().resource(pod("shop", "cart-0", "node-a", false, "Pending", "10.244.1.7")).create();
        await("new pod mapped", DEADLINE, () -> "shop".equals(p.namespaceOf(ip("10.244.1.7"))));

        // an update that changes the addresses unmaps the old ones
        api.admin.pods().resource(pod("demo", "web-0", "node-a", false, "Running", "10.244.1.6")).update();
        await("address changed", DEADLINE, () -> "demo/web-0".equals(p.podOf(ip("10.244.1.6"))));
        assertThat(p.podOf(ip("10.244.1.5"))).isNull();
        assertThat(p.podOf(ip("fd00:10:244:1::5"))).isNull();

        // a pod that finishes is dropped; its address, given to a new pod, belongs to that pod
        api.admin.pods().resource(pod("shop", "cart-0", "node-a", false, "Failed", "10.244.1.7")).update();
        await("finished pod dropped", DEADLINE, () -> p.podOf(ip("10.244.1.7")) == null);
        api.admin.pods().resource(pod("shop", "cart-1", "node-a", false, "Running", "10.244.1.7")).create();
        await("address reused", DEADLINE, () -> "shop/cart-1".equals(p.podOf(ip("10.244.1.7"))));
        api.admin.pods().inNamespace("shop").withName("cart-0").delete();

        // a delete
        api.admin.pods().inNamespace("demo").withName("web-0").delete();
        await("deleted pod unmapped", DEADLINE, () -> p.podOf(ip("10.244.1.6")) == null);
        assertThat(p.podOf(ip("10.244.1.7"))).as("deleting the old owner keeps the new one").isEqualTo("shop/cart-1");
        assertThat(p.nodePods().size()).isEqualTo(1);
        assertThat(p.unavailable()).isNull();
      } finally {
        p.stop();
      }
    }
  }

  @Test
  void withoutNodeNameNoPodIsWatchedAndTheReasonIsGiven() throws Exception {
    try (MockApi api = new MockApi(0)) {
      api.admin.pods().resource(pod("demo", "web-0", "node-a", false, "Running", "10.244.1.5")).create();
      KubernetesPlugin p = plugin(api, null);
      try {
        await("synced", DEADLINE, p::ready);
        assertThat(p.nodePods().synced()).isFalse();
        assertThat(p.namespaceOf(ip("10.244.1.5"))).isNull();
        assertThat(p.unavailable()).contains("NODE_NAME");
        List<String> paths = new ArrayList<>();
        RecordedRequest r;
        while ((r = api.server.takeRequest(100, TimeUnit.MILLISECONDS)) != null && paths.size() < 100) {
          paths.add(r.getPath());
        }
        assertThat(paths).as("no list or watch of pods").isNotEmpty().noneMatch(x -> x.contains("/pods?"));
      } finally {
        p.stop();
      }
    }
    String snapshotOnly = "cluster.local {\n kubernetes {\n  snapshot " + Fixtures.resource("test-cluster.yaml") + "\n }\n}\n";
    KubernetesPlugin offline = Fixtures.plugin(Fixtures.config(snapshotOnly, Map.of()), scheduler).watchNode("node-a");
    assertThat(offline.unavailable()).contains("no API server");
  }
}
