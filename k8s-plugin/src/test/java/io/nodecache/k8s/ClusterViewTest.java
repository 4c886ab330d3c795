package io.nodecache.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.testing.Records;
import io.nodecache.wire.PreparedAnswer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** An incrementally updated view answers exactly like a view built from scratch. */
class ClusterViewTest {

  private static final int SERVICES = 40;

  @Test
  void incrementalUpdatesMatchAFullBuild() throws Exception {
    K8sConfig config = Fixtures.config(
        "cluster.local in-addr.arpa {\n kubernetes cluster.local in-addr.arpa {\n  snapshot none.yaml\n }\n}\n",
        Map.of());
    Answerer answerer = new Answerer(config);
    ClusterState state = new ClusterState();
    state.putNamespace("ns");
    ClusterView view = ClusterView.build(state, config, 1);
    SplittableRandom random = new SplittableRandom(42);
    for (int step = 0; step < 400; step++) {
      int s = random.nextInt(SERVICES);
      int ip = random.nextInt(30);
      switch (random.nextInt(5)) {
        case 0 -> state.putService(new Slim.Service("ns", "s" + s,
            random.nextBoolean() ? Slim.Kind.HEADLESS : Slim.Kind.CLUSTER_IP,
            List.of(Ip.parse("10.96.0." + s)), List.of(new Slim.Port("http", "tcp", 80)), null, false, List.of()));
        case 1 -> state.removeService("ns", "s" + s);
        case 2 -> state.putSlice(new Slim.Slice("ns", "slice" + random.nextInt(60), "s" + s,
            List.of(new Slim.Endpoint(Ip.parse("10.244.0." + ip), null, null, random.nextBoolean())),
            List.of(new Slim.Port("http", "tcp", 8080))));
        case 3 -> state.removeSlice("ns", "slice" + random.nextInt(60));
        default -> state.putSlice(new Slim.Slice("ns", "slice" + random.nextInt(60), null, List.of(), List.of()));
      }
      view = ClusterView.update(view, state, config, 1, state.drainDirty(), false);
      if (step % 20 == 19) {
        ClusterView full = ClusterView.build(state, config, 1);
        assertThat(answers(answerer, view, config)).as("after step " + step)
            .isEqualTo(answers(answerer, full, config));
      }
    }
  }

  @Test
  void aNewViewKeepsTheMemoizedAnswersOfUnchangedServices() throws Exception {
    K8sConfig config = Fixtures.config(
        "cluster.local {\n kubernetes {\n  snapshot none.yaml\n }\n}\n", Map.of());
    ClusterState state = new ClusterState();
    state.putNamespace("ns");
    for (String s : List.of("a", "b")) {
      state.putService(new Slim.Service("ns", s, Slim.Kind.CLUSTER_IP, List.of(Ip.parse("10.96.0.1")),
          List.of(), null, false, List.of()));
    }
    ClusterView v1 = ClusterView.build(state, config, 1);
    state.drainDirty();
    Answerer answerer = new Answerer(config);
    Name zone = config.zones().get(0);
    for (String name : List.of("a.ns.svc.cluster.local.", "b.ns.svc.cluster.local.", "x.a.ns.svc.cluster.local.",
        "cluster.local.")) {
      Message m = answerer.answer(Fixtures.request(name, Type.A).query(), v1, zone);
      v1.memo().put(Name.fromString(name).toWireCanonical(), Type.A, PreparedAnswer.of(m),
          Answerer.dependency(Name.fromString(name), zone, m));
    }
    assertThat(v1.memo().size()).isEqualTo(4);
    assertThat(v1.sharedKey(new String("a.ns"))).as("the view's own key string, for the memo")
        .isSameAs(v1.service("a", "ns").key());
    assertThat(v1.sharedKey("absent.ns")).isEqualTo("absent.ns");

    state.putService(new Slim.Service("ns", "b", Slim.Kind.CLUSTER_IP, List.of(Ip.parse("10.96.0.2")),
        List.of(), null, false, List.of()));
    ClusterView v2 = ClusterView.update(v1, state, config, 2, state.drainDirty(), false);
    assertThat(v2.memo().size()).as("a's two names kept; b's and the apex dropped").isEqualTo(2);

    state.putNamespace("other");
    ClusterView v3 = ClusterView.update(v2, state, config, 3, state.drainDirty(), false);
    assertThat(v3.memo().size()).as("namespaces changed: nothing kept").isZero();
  }

  @Test
  void aLoadedSnapshotKeepsNoPendingChanges() throws Exception {
    ClusterState state = new ClusterState();
    int objects = new SnapshotFile(Fixtures.resource("test-cluster.yaml")).load(state, new Slimmer(false));
    assertThat(objects).isPositive();
    assertThat(state.services).isNotEmpty();
    assertThat(state.drainDirty()).as("changed services left in a state only ever built in full").isEmpty();
  }

  private static List<String> answers(Answerer answerer, ClusterView view, K8sConfig config) {
    List<String> out = new ArrayList<>();
    Name zone = config.zones().get(0);
    Name reverse = config.zones().get(1);
    for (int s = 0; s < SERVICES; s++) {
      out.add(text(answerer.answer(Fixtures.request("s" + s + ".ns.svc.cluster.local.", Type.A).query(), view, zone)));
    }
    for (int i = 0; i < 30; i++) {
      out.add(text(answerer.answer(Fixtures.request(i + ".0.244.10.in-addr.arpa.", Type.PTR).query(), view, reverse)));
    }
    for (int s = 0; s < SERVICES; s++) {
      out.add(text(answerer.answer(Fixtures.request(s + ".0.96.10.in-addr.arpa.", Type.PTR).query(), view, reverse)));
    }
    return out;
  }

  private static String text(Message m) {
    Records.exact(m);
    return m.getRcode() + " " + m.getSection(Section.ANSWER).stream().map(Record::toString).sorted().toList();
  }
}
