package io.nodecache.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Map;
import org.junit.jupiter.api.Test;
import io.nodecache.wire.PreparedAnswer;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * The large-cluster target: 10,000 Services and 50,000 endpoints must fit the slim state plus the view
 * in under 64 MB of heap. Measured as heap used after GC (MemoryMXBean) and printed; only the size
 * is asserted, never a time.
 */
class ClusterViewMemoryTest {

  static final int SERVICES = 10_000;
  static final int ENDPOINTS_PER_SERVICE = 5;
  static final int NAMESPACES = 100;

  @Test
  void tenThousandServicesAndFiftyThousandEndpoints() throws Exception {
    K8sConfig config = Fixtures.config(
        "cluster.local in-addr.arpa {\n kubernetes cluster.local in-addr.arpa {\n  snapshot none.yaml\n }\n}\n",
        Map.of());
    long before = usedAfterGc();

    ClusterState state = new ClusterState();
    Slimmer slimmer = new Slimmer(false);
    int endpoints = 0;
    for (int i = 0; i < SERVICES; i++) {
      String ns = "team-" + (i % NAMESPACES);
      String name = "service-" + i;
      boolean headless = i % 5 == 0;
      state.putService(slimmer.service(service(ns, name, headless, i)));
      state.putSlice(slimmer.slice(slice(ns, name, i)));
      endpoints += ENDPOINTS_PER_SERVICE;
    }
    for (int n = 0; n < NAMESPACES; n++) {
      state.putNamespace("team-" + n);
    }
    long stateBytes = usedAfterGc() - before;

    long t0 = System.nanoTime();
    ClusterView view = ClusterView.build(state, config, 1);
    long buildMillis = (System.nanoTime() - t0) / 1_000_000;
    state.drainDirty();
    long rebuildMillis = 0;
    for (int r = 0; r < 10; r++) {
      long t1 = System.nanoTime();
      ClusterView.build(state, config, 2); // a full build, as at the first sync
      rebuildMillis = (System.nanoTime() - t1) / 1_000_000;
    }
    long updateMicros = 0;
    for (int r = 0; r < 10; r++) {
      state.putSlice(slimmer.slice(slice("team-7", "service-7", 7 + r)));
      long t2 = System.nanoTime();
      view = ClusterView.update(view, state, config, 3, state.drainDirty(), false);
      updateMicros = (System.nanoTime() - t2) / 1_000;
    }
    long totalBytes = usedAfterGc() - before;

    System.out.printf(
        "cluster view memory: %d services, %d endpoints: slim state %.1f MB, state + view %.1f MB"
            + " (first build %d ms, later full build %d ms, one-service update %d us; not asserted)%n",
        SERVICES, endpoints, stateBytes / 1048576.0, totalBytes / 1048576.0, buildMillis, rebuildMillis, updateMicros);

    // fill the fast-path memo to capacity: every service's A answer plus search-path negatives
    long beforeMemo = usedAfterGc();
    Answerer filler = new Answerer(config);
    Name zone = config.zones().get(0);
    for (int i = 0; view.memo().size() < ClusterView.MEMO_CAPACITY; i++) {
      String name = i < SERVICES
          ? "service-" + i + ".team-" + (i % NAMESPACES) + ".svc.cluster.local."
          : "host-" + i + ".example.com.team-" + (i % NAMESPACES) + ".svc.cluster.local.";
      Name qname = Name.fromString(name);
      Message a = filler.answer(Fixtures.request(name, Type.A).query(), view, zone);
      view.memo().put(qname.toWireCanonical(), Type.A, PreparedAnswer.of(a), Answerer.dependency(qname, zone, a));
    }
    long memoBytes = usedAfterGc() - beforeMemo;
    System.out.printf("memo full: %d answers, %.1f MB%n", view.memo().size(), memoBytes / 1048576.0);

    assertThat(endpoints).isEqualTo(50_000);
    assertThat(view.serviceCount()).isEqualTo(SERVICES);
    // the view answers: a sanity check that nothing was dropped
    Answerer answerer = new Answerer(config);
    Message m = answerer.answer(Fixtures.request("service-5.team-5.svc.cluster.local.", Type.A).query(),
        view, config.zones().get(0));
    assertThat(m.getSection(1)).hasSize(ENDPOINTS_PER_SERVICE);
    assertThat(totalBytes).as("heap of slim state + view").isLessThan(64L * 1024 * 1024);
    assertThat(state.services).hasSize(SERVICES); // keep the state reachable until measured
  }

  private static Service service(String ns, String name, boolean headless, int i) {
    var spec = new ServiceBuilder().withNewMetadata().withNamespace(ns).withName(name)
        .addToLabels("app", name).endMetadata().withNewSpec().withType("ClusterIP")
        .addNewPort().withName("http").withProtocol("TCP").withPort(80).endPort()
        .addNewPort().withName("metrics").withProtocol("TCP").withPort(9090).endPort();
    if (headless) {
      spec.withClusterIP("None").withClusterIPs("None");
    } else {
      String ip = "10.96." + (i / 250) + "." + (i % 250 + 1);
      spec.withClusterIP(ip).withClusterIPs(ip);
    }
    return spec.endSpec().build();
  }

  private static EndpointSlice slice(String ns, String name, int i) {
    var b = new EndpointSliceBuilder().withNewMetadata().withNamespace(ns).withName(name + "-abcde")
        .withLabels(Map.of(Slimmer.SERVICE_NAME_LABEL, name)).endMetadata().withAddressType("IPv4")
        .addNewPort().withName("http").withProtocol("TCP").withPort(8080).endPort()
        .addNewPort().withName("metrics").withProtocol("TCP").withPort(9090).endPort();
    for (int e = 0; e < ENDPOINTS_PER_SERVICE; e++) {
      int n = i * ENDPOINTS_PER_SERVICE + e;
      b.addNewEndpoint().withAddresses("10." + (100 + n / 65536) + "." + (n / 256 % 256) + "." + (n % 256))
          .withNewConditions().withReady(true).endConditions()
          .withNewTargetRef().withKind("Pod").withNamespace(ns).withName(name + "-pod-" + e).endTargetRef()
          .withNodeName("node-" + (n % 500)).endEndpoint();
    }
    return b.build();
  }

  private static long usedAfterGc() throws InterruptedException {
    MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(50); // let the collector finish (measurement, not a wait for a condition)
      used = Math.min(used, mx.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
