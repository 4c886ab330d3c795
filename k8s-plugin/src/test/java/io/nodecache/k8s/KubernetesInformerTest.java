package io.nodecache.k8s;

import static io.nodecache.k8s.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Informers against fabric8's mock API server in CRUD mode, reached through a real kubeconfig file:
 * changes show in answers, the snapshot file bridges an API server that is down at start, and the last
 * view keeps serving when the API server goes away mid-run.
 */
class KubernetesInformerTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path dir;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  static Service clusterIp(String ns, String name, String... ips) {
    return new ServiceBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
        .withNewSpec().withType("ClusterIP").withClusterIP(ips[0]).withClusterIPs(ips)
        .addNewPort().withName("http").withProtocol("TCP").withPort(80).endPort().endSpec().build();
  }

  static Service headless(String ns, String name) {
    return new ServiceBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
        .withNewSpec().withClusterIP("None").withClusterIPs("None").endSpec().build();
  }

  static EndpointSlice slice(String ns, String name, String service, boolean ready, String... ips) {
    var b = new EndpointSliceBuilder().withNewMetadata().withNamespace(ns).withName(name)
        .withLabels(Map.of(Slimmer.SERVICE_NAME_LABEL, service)).endMetadata().withAddressType("IPv4")
        .addNewPort().withName("http").withProtocol("TCP").withPort(8080).endPort();
    for (String ip : ips) {
      b.addNewEndpoint().withAddresses(ip).withNewConditions().withReady(ready).endConditions().endEndpoint();
    }
    return b.build();
  }

  /** The answer's rdata, or the rcode name when negative. */
  static List<String> answer(KubernetesPlugin p, String name, int type) {
    Message m = Fixtures.query(p, name, type);
    if (m.getRcode() != Rcode.NOERROR || m.getSection(Section.ANSWER).isEmpty()) {
      return List.of(Rcode.string(m.getRcode()));
    }
    return m.getSection(Section.ANSWER).stream().map(KubernetesInformerTest::rdata).sorted().toList();
  }

  private static String rdata(Record r) {
    return r instanceof AAAARecord a ? Ip.of(a.getAddress().getAddress()).toString() : r.rdataToString();
  }

  private KubernetesPlugin plugin(String source, Path snapshot) throws Exception {
    String corefile = "cluster.local {\n kubernetes {\n  " + source + "\n  snapshot " + snapshot + "\n }\n}\n";
    KubernetesPlugin p = Fixtures.plugin(Fixtures.config(corefile, Map.of()), scheduler);
    p.start();
    return p;
  }

  @Test
  void stoppedWhileItsClientStartsLeavesNoWatchBehind() throws Exception {
    try (MockApi api = new MockApi(0)) {
      api.admin.services().resource(clusterIp("default", "kubernetes", "10.96.0.1")).create();
      Path snap = Files.writeString(dir.resolve("snap.json"), "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": ["
          + "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"default\"}}]}");
      int before = api.server.getRequestCount();
      // A snapshot answers, so the client and informers start on their own thread: stop() may come
      // before, during or after that start.
      KubernetesPlugin p = plugin("kubeconfig " + api.kubeconfig(dir) + " mock", snap);
      assertThat(p.ready()).as("answering from the snapshot").isTrue();
      p.stop();
      Thread.sleep(500); // bounded: whatever the start thread was doing has finished or seen the stop
      int settled = api.server.getRequestCount();
      Thread.sleep(1_000);
      assertThat(api.server.getRequestCount()).as("requests after the stop settled").isEqualTo(settled);
      assertThat(p.watching()).isFalse();
      assertThat(settled - before).as("lists and watches of at most one start").isLessThanOrEqualTo(8);
    }
  }

  /** Valid JSON, but an object no cluster view can hold: a Namespace without a name. */
  private Path unusableSnapshot() throws Exception {
    return Files.writeString(dir.resolve("snap.json"), "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": ["
        + "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"default\"}}, "
        + "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {}}]}");
  }

  @Test
  void aSnapshotItCannotUseIsReportedAndTheApiServerAnswers() throws Exception {
    try (MockApi api = new MockApi(0)) {
      api.admin.services().resource(clusterIp("default", "kubernetes", "10.96.0.1")).create();
      Path snap = unusableSnapshot();
      KubernetesPlugin p = plugin("kubeconfig " + api.kubeconfig(dir) + " mock", snap);
      try {
        await("answers from the API server", DEADLINE,
            () -> answer(p, "kubernetes.default.svc.cluster.local.", Type.A).equals(List.of("10.96.0.1")));
      } finally {
        p.stop();
      }
    }
    // Without an API server the snapshot is the only source: the start fails, naming the file.
    Path snap = unusableSnapshot();
    KubernetesPlugin alone = Fixtures.plugin(
        Fixtures.config("cluster.local {\n kubernetes {\n  snapshot " + snap + "\n }\n}\n", Map.of()), scheduler);
    assertThatThrownBy(alone::start).isInstanceOf(IOException.class).hasMessageContaining(snap.toString());
    alone.stop();
  }

  @Test
  void aKubeconfigTheClientCannotReadStillFailsTheStart() throws Exception {
    Path missing = dir.resolve("no-such-kubeconfig");
    String corefile = "cluster.local {\n kubernetes {\n  kubeconfig " + missing + "\n }\n}\n";
    KubernetesPlugin p = Fixtures.plugin(Fixtures.config(corefile, Map.of()), scheduler);
    assertThatThrownBy(p::start).hasMessageContaining("no-such-kubeconfig");
    p.stop();
  }

  @Test
  void addModifyDeleteShowInAnswers() throws Exception {
    try (MockApi api = new MockApi(0)) {
      api.admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("demo").endMetadata().build()).create();
      api.admin.services().resource(clusterIp("default", "kubernetes", "10.96.0.1")).create();
      Path snap = dir.resolve("snapshot.yaml");
      KubernetesPlugin p = plugin("kubeconfig " + api.kubeconfig(dir) + " mock", snap);
      try {
        await("first sync", DEADLINE, p::ready);
        assertThat(p.synced()).isTrue();
        assertThat(answer(p, "kubernetes.default.svc.cluster.local.", Type.A)).containsExactly("10.96.0.1");
        assertThat(answer(p, "web.demo.svc.cluster.local.", Type.A)).containsExactly("NXDOMAIN");

        // add a headless service with two slices
        api.admin.services().resource(headless("demo", "web")).create();
        var sliceA = api.admin.discovery().v1().endpointSlices().resource(slice("demo", "web-a", "web", true, "10.244.1.10")).create();
        api.admin.discovery().v1().endpointSlices().resource(slice("demo", "web-b", "web", true, "10.244.1.11")).create();
        await("web has two endpoints", DEADLINE,
            () -> answer(p, "web.demo.svc.cluster.local.", Type.A).equals(List.of("10.244.1.10", "10.244.1.11")));

        // modify: one endpoint becomes not ready
        api.admin.discovery().v1().endpointSlices().resource(slice("demo", "web-a", "web", false, "10.244.1.10")).update();
        await("not-ready endpoint dropped", DEADLINE,
            () -> answer(p, "web.demo.svc.cluster.local.", Type.A).equals(List.of("10.244.1.11")));
        assertThat(sliceA).isNotNull();

        // add and modify a ClusterIP service
        api.admin.services().resource(clusterIp("demo", "api", "10.96.100.20")).create();
        await("api added", DEADLINE,
            () -> answer(p, "api.demo.svc.cluster.local.", Type.A).equals(List.of("10.96.100.20")));
        api.admin.services().resource(clusterIp("demo", "api", "10.96.100.21", "fd00::21")).update();
        await("api dual-stack", DEADLINE,
            () -> answer(p, "api.demo.svc.cluster.local.", Type.AAAA).equals(List.of("fd00::21")));
        assertThat(answer(p, "api.demo.svc.cluster.local.", Type.A)).containsExactly("10.96.100.21");

        // delete: the last ready slice, then the service
        api.admin.discovery().v1().endpointSlices().inNamespace("demo").withName("web-b").delete();
        await("no ready endpoints", DEADLINE,
            () -> answer(p, "web.demo.svc.cluster.local.", Type.A).equals(List.of("NXDOMAIN")));
        api.admin.services().inNamespace("demo").withName("api").delete();
        await("api deleted", DEADLINE,
            () -> answer(p, "api.demo.svc.cluster.local.", Type.A).equals(List.of("NXDOMAIN")));

        // the view is written back to the snapshot file
        await("snapshot written", DEADLINE, () -> contains(snap, "web-a") && !contains(snap, "name: api\n"));
      } finally {
        p.stop();
      }
      // a node restarted without the API server answers from that file
      KubernetesPlugin offline = plugin("endpoint http://127.0.0.1:" + closedPort(), snap);
      try {
        assertThat(offline.ready()).isTrue();
        assertThat(answer(offline, "kubernetes.default.svc.cluster.local.", Type.A)).containsExactly("10.96.0.1");
        assertThat(answer(offline, "web.demo.svc.cluster.local.", Type.A)).containsExactly("NXDOMAIN");
        assertThat(answer(offline, "default.svc.cluster.local.", Type.A)).containsExactly("NOERROR");
      } finally {
        offline.stop();
      }
    }
  }

  @Test
  void podsVerifiedWatchesPods() throws Exception {
    try (MockApi api = new MockApi(0)) {
      api.admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("demo").endMetadata().build()).create();
      String corefile = "cluster.local {\n kubernetes {\n  kubeconfig " + api.kubeconfig(dir) + "\n  pods verified\n }\n}\n";
      KubernetesPlugin p = Fixtures.plugin(Fixtures.config(corefile, Map.of()), scheduler);
      p.start();
      try {
        await("first sync", DEADLINE, p::ready);
        assertThat(answer(p, "10-244-1-10.demo.pod.cluster.local.", Type.A)).containsExactly("NXDOMAIN");
        api.admin.pods().resource(new PodBuilder().withNewMetadata().withNamespace("demo").withName("web-0")
            .endMetadata().withNewStatus().withPhase("Running").withPodIP("10.244.1.10")
            .addNewPodIP("10.244.1.10").endStatus().build()).create();
        await("pod address answered", DEADLINE,
            () -> answer(p, "10-244-1-10.demo.pod.cluster.local.", Type.A).equals(List.of("10.244.1.10")));
        api.admin.pods().inNamespace("demo").withName("web-0").delete();
        await("pod gone", DEADLINE,
            () -> answer(p, "10-244-1-10.demo.pod.cluster.local.", Type.A).equals(List.of("NXDOMAIN")));
      } finally {
        p.stop();
      }
    }
  }

  @Test
  void apiDownAtStartAnswersFromSnapshot() throws Exception {
    Path snap = Files.copy(demoCluster(), dir.resolve("demo.yaml"));
    String before = Files.readString(snap);
    KubernetesPlugin p = plugin("endpoint http://127.0.0.1:" + closedPort(), snap);
    try {
      assertThat(p.ready()).isTrue();
      assertThat(p.synced()).isFalse();
      assertThat(answer(p, "kubernetes.default.svc.cluster.local.", Type.A)).containsExactly("10.96.0.1");
      assertThat(answer(p, "api.demo.svc.cluster.local.", Type.AAAA)).containsExactly("fd00:10:96::64:14");
      assertThat(answer(p, "web.demo.svc.cluster.local.", Type.A))
          .containsExactly("10.244.1.10", "10.244.1.11", "10.244.1.12");
    } finally {
      p.stop();
    }
    assertThat(Files.readString(snap)).as("an unsynced view never overwrites the snapshot").isEqualTo(before);
  }

  @Test
  void snapshotUntilTheApiServerComesUp() throws Exception {
    Path snap = Files.copy(demoCluster(), dir.resolve("demo.yaml"));
    int port = closedPort();
    KubernetesPlugin p = plugin("kubeconfig " + MockApi.kubeconfig(dir, "127.0.0.1", port), snap);
    try {
      assertThat(p.ready()).isTrue();
      assertThat(answer(p, "api.demo.svc.cluster.local.", Type.A)).containsExactly("10.96.100.20");
      try (MockApi api = new MockApi(port)) {
        api.admin.services().resource(clusterIp("default", "kubernetes", "10.96.0.99")).create();
        await("live view replaces the snapshot", DEADLINE,
            () -> answer(p, "kubernetes.default.svc.cluster.local.", Type.A).equals(List.of("10.96.0.99")));
        assertThat(p.synced()).isTrue();
        assertThat(answer(p, "api.demo.svc.cluster.local.", Type.A)).containsExactly("NXDOMAIN");
      }
    } finally {
      p.stop();
    }
  }

  @Test
  void apiDownMidRunKeepsTheLastView() throws Exception {
    int port;
    KubernetesPlugin p;
    Path kubeconfig;
    try (MockApi api = new MockApi(0)) {
      port = api.port();
      kubeconfig = api.kubeconfig(dir);
      api.admin.services().resource(clusterIp("default", "kubernetes", "10.96.0.1")).create();
      p = plugin("kubeconfig " + kubeconfig, dir.resolve("snap.json"));
      await("first sync", DEADLINE, p::ready);
      await("watching", DEADLINE, p::watching);
    }
    try {
      await("watch broken", DEADLINE, () -> !p.watching());
      assertThat(answer(p, "kubernetes.default.svc.cluster.local.", Type.A)).containsExactly("10.96.0.1");
      assertThat(p.ready()).isTrue();

      // the API server comes back on the same address with one more service: the watch resumes
      // (a real API server serves the events since the last resourceVersion, or 410 Gone and a relist)
      try (MockApi again = new MockApi(port)) {
        again.admin.services().resource(clusterIp("default", "kubernetes", "10.96.0.1")).create();
        again.admin.services().resource(clusterIp("default", "late", "10.96.0.50")).create();
        await("caught up after reconnect", DEADLINE,
            () -> answer(p, "late.default.svc.cluster.local.", Type.A).equals(List.of("10.96.0.50")));
        assertThat(answer(p, "kubernetes.default.svc.cluster.local.", Type.A)).containsExactly("10.96.0.1");
      }
    } finally {
      p.stop();
    }
    // stop() wrote the last view as JSON (the name ends in .json); it loads again
    assertThat(Files.readString(dir.resolve("snap.json"))).startsWith("{");
    KubernetesPlugin offline = plugin("endpoint http://127.0.0.1:" + closedPort(), dir.resolve("snap.json"));
    try {
      assertThat(answer(offline, "late.default.svc.cluster.local.", Type.A)).containsExactly("10.96.0.50");
    } finally {
      offline.stop();
    }
  }

  static Path demoCluster() {
    String root = System.getenv().getOrDefault("NODECACHE_TEST_ROOT", "..");
    return Path.of(root, "deploy", "examples", "demo-cluster.yaml");
  }

  private static boolean contains(Path file, String text) {
    try {
      return Files.exists(file) && Files.readString(file).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
