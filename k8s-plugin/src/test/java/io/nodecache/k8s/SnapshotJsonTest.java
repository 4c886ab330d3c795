package io.nodecache.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The streaming JSON reader ({@link SnapshotJson}, through {@link SnapshotFile#load}) builds the same
 * state as the databind path it replaced, which runs here as the oracle.
 */
class SnapshotJsonTest {

  @TempDir Path dir;

  /** What a load leaves: the object count and every record of the state. */
  record Loaded(int objects, Map<String, Slim.Service> services, Map<String, Slim.Slice> slices,
      Set<String> namespaces, Map<String, Slim.Pod> pods, Map<String, Integer> servicesPerNamespace,
      Map<String, List<String>> sliceKeys) {

    static Loaded of(int objects, ClusterState s) {
      Map<String, List<String>> keys = new java.util.TreeMap<>();
      for (String service : s.services.keySet()) {
        keys.put(service, s.sliceKeys(service).stream().sorted().toList());
      }
      return new Loaded(objects, Map.copyOf(s.services), Map.copyOf(s.slices), Set.copyOf(s.namespaces),
          Map.copyOf(s.pods), Map.copyOf(s.servicesPerNamespace), keys);
    }
  }

  /** Today's path before the streaming reader: fabric8's deserializer, then the same Slimmer calls. */
  static Loaded oracle(Path file, boolean podNames) throws IOException {
    Object parsed;
    try (InputStream in = Files.newInputStream(file)) {
      parsed = ModelKinds.serialization().unmarshal(in);
    }
    ClusterState state = new ClusterState();
    Slimmer slimmer = new Slimmer(podNames);
    int n = 0;
    for (Object o : SnapshotFile.items(parsed)) {
      if (SnapshotFile.put(o, state, slimmer)) {
        n++;
      }
    }
    return Loaded.of(n, state);
  }

  static Loaded streaming(Path file, boolean podNames) throws IOException {
    ClusterState state = new ClusterState();
    SnapshotFile snapshot = new SnapshotFile(file);
    int n = snapshot.load(state, new Slimmer(podNames));
    String start = Files.readString(file).strip();
    if (start.startsWith("{") || start.startsWith("[")) {
      assertThat(snapshot.hasSerialization()).as("a JSON load builds no fabric8 serialization").isFalse();
    }
    assertThat(state.drainDirty()).isEmpty();
    return Loaded.of(n, state);
  }

  /** Both paths give equal states, or both fail (the streaming one with an IOException, or as the oracle). */
  static void assertSameAsOracle(Path file) throws IOException {
    for (boolean podNames : new boolean[] {false, true}) {
      Loaded expected;
      try {
        expected = oracle(file, podNames);
      } catch (Exception e) {
        assertThatThrownBy(() -> streaming(file, podNames)).as("the oracle failed with %s", e)
            .satisfiesAnyOf(
                t -> assertThat(t).isInstanceOf(IOException.class).hasMessageContaining(file.toString()),
                t -> assertThat(t).isExactlyInstanceOf(e.getClass()));
        continue;
      }
      assertThat(streaming(file, podNames)).as("pod names kept: %s", podNames).isEqualTo(expected);
    }
  }

  private Path file(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  private static Ip ip(String text) {
    return Ip.parse(text);
  }

  /** Every feature a written snapshot holds. */
  static ClusterState everything() {
    ClusterState s = new ClusterState();
    for (String ns : List.of("default", "demo", "other", "empty")) {
      s.putNamespace(ns);
    }
    List<Slim.Port> web = List.of(new Slim.Port("http", "tcp", 80));
    s.putService(new Slim.Service("default", "kubernetes", Slim.Kind.CLUSTER_IP, List.of(ip("10.96.0.1")),
        List.of(new Slim.Port("https", "tcp", 443)), null, false, List.of()));
    s.putService(new Slim.Service("demo", "api", Slim.Kind.CLUSTER_IP,
        List.of(ip("10.96.100.20"), ip("fd00:10:96::64:14")),
        List.of(new Slim.Port("http", "tcp", 8080), new Slim.Port("grpc", "tcp", 9090)), null, false,
        List.of(ip("192.0.2.10"), ip("2001:db8::10"))));
    s.putService(new Slim.Service("demo", "web", Slim.Kind.HEADLESS, List.of(), web, null, true, List.of()));
    s.putService(new Slim.Service("demo", "dns", Slim.Kind.CLUSTER_IP, List.of(ip("10.96.0.10")),
        List.of(new Slim.Port("", "udp", 53), new Slim.Port("dns-tcp", "tcp", 53), new Slim.Port("sig", "sctp", 9899)),
        null, false, List.of()));
    s.putService(new Slim.Service("demo", "search", Slim.Kind.EXTERNAL_NAME, List.of(), List.of(),
        "search.example.com.", false, List.of()));
    s.putService(new Slim.Service("demo", "by-ip", Slim.Kind.EXTERNAL_NAME, List.of(), List.of(), null, false,
        List.of()));
    s.putService(new Slim.Service("other", "lb", Slim.Kind.CLUSTER_IP, List.of(ip("10.96.7.7")), web, null, false,
        List.of(ip("203.0.113.7"))));
    s.putSlice(new Slim.Slice("demo", "web-a", "web", List.of(
        new Slim.Endpoint(ip("10.244.1.10"), "web-0", "web-0", true),
        new Slim.Endpoint(ip("10.244.1.11"), "web-1", "web-1", false),
        new Slim.Endpoint(ip("10.244.1.12"), null, null, true)), List.of(new Slim.Port("http", "tcp", 8080))));
    s.putSlice(new Slim.Slice("demo", "web-v6", "web", List.of(
        new Slim.Endpoint(ip("fd00:10:244:1::a"), "web-0", "web-0", true)), List.of(new Slim.Port("", "tcp", 8080))));
    s.putSlice(new Slim.Slice("demo", "api-1", "api", List.of(
        new Slim.Endpoint(ip("10.244.2.20"), null, "api-5d8f7c9b6-kq4zt", true)),
        List.of(new Slim.Port("http", "tcp", 8080), new Slim.Port("grpc", "tcp", 9090))));
    s.putSlice(new Slim.Slice("demo", "orphan", null, List.of(), List.of()));
    s.putSlice(new Slim.Slice("other", "lb-1", "lb", List.of(
        new Slim.Endpoint(ip("10.244.7.1"), null, null, false)), List.of(new Slim.Port("sig", "sctp", 9899))));
    s.putPod(new Slim.Pod("demo", "web-0", List.of(ip("10.244.1.10"), ip("fd00:10:244:1::a"))), "demo", "web-0");
    s.putPod(new Slim.Pod("demo", "web-1", List.of(ip("10.244.1.11"))), "demo", "web-1");
    s.putPod(new Slim.Pod("other", "pending", List.of()), "other", "pending");
    return s;
  }

  @Test
  void aWrittenSnapshotLoadsAsThroughFabric8() throws Exception {
    Path file = dir.resolve("cluster.json");
    new SnapshotFile(file).write(everything());
    assertThat(Files.readString(file)).startsWith("{");
    assertSameAsOracle(file);
    Loaded loaded = streaming(file, true);
    assertThat(loaded.services()).hasSize(7);
    assertThat(loaded.slices()).hasSize(5);
    assertThat(loaded.pods()).hasSize(3);
    assertThat(loaded.namespaces()).hasSize(4);
    assertThat(loaded.services().get("demo/search").externalName()).isEqualTo("search.example.com.");
    assertThat(loaded.slices().get("demo/web-a").endpoints()).hasSize(3);
  }

  /** The test cluster of the answer tests, every field of its YAML kept, as JSON. */
  @Test
  void theTestClusterAsJsonLoadsAsThroughFabric8() throws Exception {
    KubernetesSerialization serialization = ModelKinds.serialization();
    Object yaml;
    try (InputStream in = Files.newInputStream(Fixtures.resource("test-cluster.yaml"))) {
      yaml = serialization.unmarshal(in);
    }
    Path file = file("test-cluster.json", serialization.asJson(yaml));
    assertSameAsOracle(file);
    assertThat(streaming(file, true).objects()).isEqualTo(37);
  }

  private static final String NS = "{'kind':'Namespace','apiVersion':'v1','metadata':{'name':'x'}}";
  private static final String SVC = "'kind':'Service','apiVersion':'v1','metadata':{'name':'a','namespace':'x'}";
  private static final String SLICE =
      "'kind':'EndpointSlice','apiVersion':'discovery.k8s.io/v1','metadata':{'name':'a-1','namespace':'x',"
          + "'labels':{'kubernetes.io/service-name':'a'}}";

  /** Hand-written files: each loads as through fabric8, or fails in both. */
  static Stream<String> oddFiles() {
    return Stream.of(
        // kind and apiVersion last, metadata after the spec, unknown fields at every depth
        "{'items':[{'spec':{'ports':[{'port':80,'x':{'y':[1,{'z':null}]}}],'clusterIP':'10.96.0.5','sessionAffinityConfig':{'clientIP':{}}},"
            + "'metadata':{'labels':{'a':'b'},'name':'A','namespace':'X','annotations':{'k':'v'}},'status':{'conditions':[]},"
            + "'apiVersion':'v1','kind':'Service'}],'metadata':{'resourceVersion':'1'},'apiVersion':'v1','kind':'List'}",
        "{'apiVersion':'v1','items':[" + NS + "],'kind':'List'}",
        "{'kind':'List','items':[" + NS + "],'apiVersion':'v1'}",
        // nulls everywhere
        "{'kind':'List','apiVersion':'v1','items':[null," + NS + ",{" + SVC + ",'spec':{'type':null,'clusterIP':null,"
            + "'clusterIPs':null,'externalIPs':null,'ports':null,'publishNotReadyAddresses':null},'status':null},"
            + "{" + SLICE + ",'addressType':null,'endpoints':[{'addresses':['10.0.0.1'],'conditions':null,'hostname':null,"
            + "'targetRef':null}],'ports':[{'name':null,'protocol':null,'port':null}]},"
            + "{'kind':'Service','apiVersion':'v1','metadata':null,'spec':{}},"
            + "{'kind':'Pod','apiVersion':'v1','metadata':{'name':'p','namespace':null},'status':null},"
            + "{'kind':'Pod','apiVersion':'v1','metadata':{'name':'q'},'status':{'phase':null,'podIP':null,'podIPs':null}}]}",
        "{" + SVC + ",'spec':{'clusterIPs':[null,'10.0.0.1']}}",
        // kinds skipped
        "{'kind':'List','apiVersion':'v1','items':[{'kind':'ConfigMap','apiVersion':'v1','metadata':{'name':'c'}},"
            + "{'kind':'EndpointSlice','apiVersion':'discovery.k8s.io/v1beta1','metadata':{'name':'s','labels':"
            + "{'kubernetes.io/service-name':'a'}},'addressType':'IPv4','endpoints':[{'addresses':['10.0.0.1']}]},"
            + "{'kind':'service','apiVersion':'v1','metadata':{'name':'lower'}},{'kind':'Service','apiVersion':'v2'},"
            + "{'kind':'Service','metadata':{'name':'noversion'}},{'apiVersion':'v1','metadata':{'name':'nokind'}},"
            + "{'kind':'EndpointSlice','apiVersion':'v1','metadata':{'name':'e'}},{'kind':5,'apiVersion':'v1'},"
            + "{'kind':'List','apiVersion':'v1','items':[" + NS + "]},[" + NS + "],5,'x',true,"
            + "{'kind':'ServiceList','apiVersion':'v1','items':[{" + SVC + "}]}," + NS + "]}",
        "{'kind':'ServiceList','apiVersion':'v1','items':[{" + SVC + ",'spec':{'clusterIP':'10.0.0.1'}}]}",
        "{'kind':'EndpointSliceList','apiVersion':'discovery.k8s.io/v1','items':[]}",
        "{'kind':'Status','apiVersion':'v1','status':'Failure'}",
        "{'kind':'List','items':[" + NS + "]}",
        "{'items':[" + NS + "]}",
        "{'kind':'List','apiVersion':'v2','items':[" + NS + "]}",
        "{'kind':'List','apiVersion':'v1'}",
        "{}", "[]", "'x'", "5",
        // a top-level array, a single object
        "[" + NS + ",{" + SVC + ",'spec':{'clusterIP':'10.0.0.1'}},{'kind':'ConfigMap','apiVersion':'v1'}]",
        "\n\t [" + NS + "]",
        "{" + SVC + ",'spec':{'type':'ExternalName','externalName':'Target.Example.com'}}",
        "{" + SVC + ",'spec':{'type':'ExternalName','externalName':'192.0.2.1'}}",
        "{" + SVC + ",'spec':{'type':'ExternalName'}}",
        // coercions fabric8 makes
        "{" + SVC + ",'spec':{'clusterIP':'10.0.0.1','ports':[{'port':'80','protocol':'UDP'},{'port':'+81'},"
            + "{'port':'082','name':'N'},{'port':-0}],'publishNotReadyAddresses':'true'}}",
        "{" + SVC + ",'spec':{'publishNotReadyAddresses':' TRUE '}}",
        "{" + SVC + ",'spec':{'publishNotReadyAddresses':'False'}}",
        "{" + SVC + ",'spec':{'publishNotReadyAddresses':''}}",
        "{" + SVC + ",'spec':{'publishNotReadyAddresses':'null'}}",
        "{" + SVC + ",'spec':{'publishNotReadyAddresses':2}}",
        "{" + SVC + ",'spec':{'publishNotReadyAddresses':0}}",
        "{'kind':'Service','apiVersion':'v1','metadata':{'name':123,'namespace':true},'spec':{'clusterIP':5}}",
        "{'kind':'Namespace','apiVersion':'v1','metadata':{'name':1.50}}",
        "{'kind':'Namespace','apiVersion':'v1','metadata':{'name':1e2}}",
        "{'kind':'Namespace','apiVersion':'v1','metadata':{'name':-0}}",
        "{" + SLICE + ",'endpoints':[{'addresses':['10.0.0.1'],'conditions':{'ready':'false'}},"
            + "{'addresses':['10.0.0.2'],'conditions':{'ready':0}},{'addresses':['10.0.0.3'],'conditions':{'ready':'True'}},"
            + "{'addresses':['10.0.0.4', 'fd00::4', 'not-an-ip'],'conditions':{}}]}",
        "{" + SLICE.replace("'labels':{'kubernetes.io/service-name':'a'}", "'labels':{'k':5,'kubernetes.io/service-name':'A','n':null}")
            + ",'endpoints':[{'addresses':['10.0.0.1'],'hostname':'H','targetRef':{'kind':'Pod','name':'P-0'}},"
            + "{'addresses':['10.0.0.2'],'targetRef':{'kind':'Node','name':'n'}},{'addresses':['10.0.0.3'],'hostname':''}]}",
        // a slice without the service-name label, an FQDN slice
        "{'kind':'EndpointSlice','apiVersion':'discovery.k8s.io/v1','metadata':{'name':'s'},'addressType':'IPv4',"
            + "'endpoints':[{'addresses':['10.0.0.1']}],'ports':[{'port':80}]}",
        "{" + SLICE + ",'addressType':'FQDN','endpoints':[{'addresses':['www.example.com']}],'ports':[{'port':80}]}",
        // load balancer ingress, external IPs, dual stack
        "{" + SVC + ",'spec':{'type':'LoadBalancer','clusterIP':'10.0.0.1','clusterIPs':['10.0.0.1','fd00::1','10.0.0.1'],"
            + "'externalIPs':['192.0.2.1',null,'x']},'status':{'loadBalancer':{'ingress':[{'ip':'198.51.100.1'},"
            + "{'hostname':'lb.example.com'},{'ip':'192.0.2.1'},{'ip':'2001:db8::1','ports':[{'port':80}]}]}}}",
        // pods in every phase
        "[{'kind':'Pod','apiVersion':'v1','metadata':{'name':'run','namespace':'x'},'status':{'phase':'Running',"
            + "'podIP':'10.0.0.1','podIPs':[{'ip':'10.0.0.1'},{'ip':'fd00::1'}]}},"
            + "{'kind':'Pod','apiVersion':'v1','metadata':{'name':'pend'},'status':{'phase':'Pending'}},"
            + "{'kind':'Pod','apiVersion':'v1','metadata':{'name':'only-podip','namespace':'x'},'status':{'podIP':'10.0.0.2'}},"
            + "{'kind':'Pod','apiVersion':'v1','metadata':{'name':'done'},'status':{'phase':'Succeeded','podIP':'10.0.0.3'}},"
            + "{'kind':'Pod','apiVersion':'v1','metadata':{'name':'failed'},'status':{'phase':'Failed'}},"
            + "{'kind':'Pod','apiVersion':'v1','metadata':{'name':'unknown'},'status':{'phase':'Unknown'}},"
            + "{'kind':'Pod','apiVersion':'v1','metadata':{'name':'nostatus'}}]",
        // a repeated field: the last wins
        "{'kind':'Namespace','apiVersion':'v1','metadata':{'name':'x'},'metadata':{'name':'y'}}",
        "{'metadata':{'name':'x'},'kind':'Namespace','metadata':{'name':'y'},'apiVersion':'v1'}",
        // what fabric8 fails on
        "{" + SVC + ",'spec':{'ports':'x'}}",
        "{" + SVC + ",'spec':{'ports':[{'port':81.7}]}}",
        "{" + SVC + ",'spec':{'ports':[{'port':''}]}}",
        "{" + SVC + ",'spec':{'ports':[{'port':' 80'}]}}",
        "{" + SVC + ",'spec':{'ports':[{'port':99999999999}]}}",
        "{" + SVC + ",'spec':{'ports':[{'port':true}]}}",
        "{" + SVC + ",'spec':{'ports':[5]}}",
        "{" + SVC + ",'spec':{'clusterIPs':'10.0.0.1'}}",
        "{" + SVC + ",'spec':{'clusterIP':['10.0.0.1']}}",
        "{" + SVC + ",'spec':{'publishNotReadyAddresses':'yes'}}",
        "{" + SVC + ",'spec':{'publishNotReadyAddresses':1.0}}",
        "{" + SVC + ",'spec':''}",
        "{'kind':'Namespace','apiVersion':'v1','metadata':'x'}",
        "{'kind':'Namespace','apiVersion':'v1','metadata':{'name':'x','labels':[]}}",
        "{'kind':'List','apiVersion':'v1','items':{}}",
        "{'kind':'List','apiVersion':'v1','items':null}",
        "null",
        "[5]",
        "[null]",
        "[{'metadata':{'name':'x'}}]",
        "[{'kind':'List','apiVersion':'v1','items':[]}]",
        "[{'kind':'Status','apiVersion':'v1'}]",
        "[[" + NS + "]]",
        // what the Slimmer fails on, both ways
        "{'kind':'Namespace','apiVersion':'v1'}",
        "{" + SVC + ",'spec':{'ports':[null]}}");
  }

  @ParameterizedTest
  @MethodSource("oddFiles")
  void handWrittenFilesLoadAsThroughFabric8(String json) throws Exception {
    assertSameAsOracle(file("odd.json", json.replace('\'', '"')));
  }

  /** Documented in SnapshotJson: fields and items DNS does not read are not type-checked. */
  @Test
  void whatIsNotReadIsNotChecked() throws Exception {
    for (String json : List.of(
        "{'kind':'ServiceList','apiVersion':'v1','items':[{'metadata':{'name':'a','namespace':'x'},"
            + "'spec':{'selector':'x','clusterIP':'10.0.0.1'}}]}",
        "{'kind':'List','apiVersion':'v1','items':[" + NS + ",{'kind':'ConfigMap','apiVersion':'v1','metadata':{'name':{}}}]}",
        "{" + SVC + ",'spec':{'selector':'x','clusterIP':'10.0.0.1'}}")) {
      Path file = file("lenient.json", json.replace('\'', '"'));
      assertThatThrownBy(() -> oracle(file, false)).as(json).isNotNull();
      assertThat(streaming(file, false).objects()).as(json).isLessThanOrEqualTo(1);
    }
  }

  @Test
  void aTruncatedFileNamesItsPathAndLine() throws Exception {
    Path whole = dir.resolve("whole.json");
    new SnapshotFile(whole).write(everything());
    String text = Files.readString(whole);
    Path file = file("cut.json", text.substring(0, text.length() / 2));
    assertThatThrownBy(() -> new SnapshotFile(file).load(new ClusterState(), new Slimmer(false)))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(file + ": not valid JSON at line ")
        .hasMessageContaining("column");
  }

  @Test
  void malformedFilesGiveAnIoExceptionWithPathAndLine() throws Exception {
    for (String json : List.of(
        "{nope}",
        "[{'kind':'Namespace',,}]",
        "{'kind':'List','apiVersion':'v1','items':[\n" + NS + ",\n{" + SVC + ",\n 'spec': {'ports': 'x'}}]}",
        "{'kind':'List','apiVersion':'v1','items':[\n{'spec': {'ports': [{'port': 'eighty'}]},\n" + SVC + "}]}",
        "{" + SVC + ",'spec':{'ports':[{'port':1}]}} trailing text is ignored, as fabric8 does, but not this: }",
        "{" + SVC + ",'spec':{'ports':[{'port':1}]}",
        "{" + SVC + ",'spec':{'ports':[{'port':1}]}, 'kind':'Namespace'}",
        "[5]")) {
      Path file = file("bad.json", json.replace('\'', '"'));
      if (json.startsWith("{" + SVC + ",'spec':{'ports':[{'port':1}]}} trailing")) {
        assertThat(streaming(file, false).objects()).isEqualTo(1);
        continue;
      }
      assertThatThrownBy(() -> new SnapshotFile(file).load(new ClusterState(), new Slimmer(false)))
          .as(json)
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith(file + ": ")
          .hasMessageContaining("line ");
    }
    Path wrong = file("wrong.json", "{'kind':'List','apiVersion':'v1','items':[\n{\n'spec': {'ports': 'x'},\n" .replace('\'', '"')
        + SVC.replace('\'', '"') + "}]}");
    assertThatThrownBy(() -> new SnapshotFile(wrong).load(new ClusterState(), new Slimmer(false)))
        .hasMessage(wrong + ": line 3, column 19: ports: expected an array, found a string");
  }

  @Test
  void yamlStillGoesThroughFabric8() throws Exception {
    ClusterState state = new ClusterState();
    SnapshotFile snapshot = new SnapshotFile(Fixtures.resource("test-cluster.yaml"));
    assertThat(snapshot.load(state, new Slimmer(false))).isEqualTo(37);
    assertThat(snapshot.hasSerialization()).isTrue();
  }
}
