package io.nodecache.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.KubernetesListBuilder;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The snapshot file: a Kubernetes {@code List} of Namespaces, Services, EndpointSlices (and Pods for
 * {@code pods verified}) in YAML or JSON, as {@code kubectl get -o yaml} prints it. Loaded at start;
 * written back from the live view so a node restarted while the API server is down still answers.
 *
 * <p>A file whose first byte other than white space is <code>{</code> or <code>[</code> is JSON
 * (fabric8's own test), read by {@link SnapshotJson} with jackson-core's streaming parser: what it
 * accepts is written there. Any other file is YAML, read by fabric8's {@code KubernetesSerialization}
 * (Jackson databind), which is created only then and for {@link #write}: building it and letting
 * databind introspect the model classes took about 160 ms of the start. A JSON snapshot start never
 * builds it. {@link #write} writes JSON when the name ends in {@code .json}.
 */
final class SnapshotFile {

  private final Path path;
  /** Created on first use: a JSON snapshot is loaded without it (see the class comment). */
  private KubernetesSerialization serialization;

  SnapshotFile(Path path) {
    this.path = path;
  }

  Path path() {
    return path;
  }

  /** Reads the file into {@code state}, which it leaves with no changes pending; returns the number of objects read. */
  int load(ClusterState state, Slimmer slimmer) throws IOException {
    try {
      return loadUnchecked(state, slimmer);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private int loadUnchecked(ClusterState state, Slimmer slimmer) throws IOException {
    int[] n = {0};
    if (isJson()) {
      SnapshotJson.read(path, o -> {
        if (putChecked(o, state, slimmer)) {
          n[0]++;
        }
      });
    } else {
      Object parsed;
      try (InputStream in = Files.newInputStream(path)) {
        parsed = serialization().unmarshal(in);
      } catch (RuntimeException e) {
        throw new IOException(path + ": not a Kubernetes List: " + e.getMessage(), e);
      }
      for (Object o : items(parsed)) {
        if (putChecked(o, state, slimmer)) {
          n[0]++;
        }
      }
    }
    // A loaded state is built in full (ClusterView.build), never updated: without this its set of
    // changed services would hold every Service's key for the life of the process.
    state.drainDirty();
    return n[0];
  }

  /**
   * The objects of what fabric8's serialization read: a List's or a typed list's items ({@code
   * ServiceList}..., what the API server returns for a list call), a list, or the one object.
   */
  static List<?> items(Object parsed) {
    if (parsed instanceof KubernetesResourceList<?> list) {
      return list.getItems();
    }
    return parsed instanceof List<?> list ? list : List.of(parsed);
  }

  /**
   * As {@link #put}, with an object the view cannot hold (valid JSON, but a Namespace without a name)
   * reported as this file's fault: the caller then starts from the API server, or refuses to start
   * without one, instead of failing on an unchecked exception.
   */
  private boolean putChecked(Object o, ClusterState state, Slimmer slimmer) {
    try {
      return put(o, state, slimmer);
    } catch (RuntimeException e) {
      String kind = o instanceof HasMetadata h ? h.getKind() : o.getClass().getSimpleName();
      throw new UncheckedIOException(new IOException(path + ": a " + kind + " the cluster view cannot hold: " + e, e));
    }
  }

  /** Puts a Namespace, Service, EndpointSlice or Pod into {@code state}; false for any other object. */
  static boolean put(Object o, ClusterState state, Slimmer slimmer) {
    if (o instanceof Namespace ns) {
      state.putNamespace(slimmer.namespace(ns));
    } else if (o instanceof Service s) {
      state.putService(slimmer.service(s));
    } else if (o instanceof EndpointSlice s) {
      state.putSlice(slimmer.slice(s));
    } else if (o instanceof Pod p) {
      Slim.Pod pod = slimmer.pod(p);
      if (pod != null) {
        state.putPod(pod, pod.namespace(), pod.name());
      }
    } else {
      return false;
    }
    return true;
  }

  /** As fabric8's {@code unmarshal} decides: JSON when the first byte not white space opens an object or array. */
  private boolean isJson() throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 512)) {
      int b;
      do {
        b = in.read();
      } while (b >= 0 && Character.isWhitespace(b));
      return b == '{' || b == '[';
    }
  }

  private synchronized KubernetesSerialization serialization() {
    if (serialization == null) {
      serialization = ModelKinds.serialization();
    }
    return serialization;
  }

  /** Whether the fabric8 serialization was created (tests: a JSON load must not). */
  synchronized boolean hasSerialization() {
    return serialization != null;
  }

  /**
   * Writes {@code state} atomically: a temporary file beside the target, then a rename. JSON when the
   * file name ends in {@code .json} (faster for large clusters), else YAML.
   */
  void write(ClusterState state) throws IOException {
    KubernetesList list = toList(state);
    String yaml = path.getFileName().toString().endsWith(".json")
        ? serialization().asJson(list)
        : serialization().asYaml(list);
    Path dir = path.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, "." + path.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, yaml, StandardCharsets.UTF_8);
      Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static KubernetesList toList(ClusterState state) {
    List<HasMetadata> items = new ArrayList<>();
    state.namespaces.stream().sorted()
        .forEach(ns -> items.add(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()));
    state.services.values().stream().sorted((a, b) -> a.key().compareTo(b.key()))
        .forEach(s -> items.add(service(s)));
    state.slices.values().stream().sorted((a, b) -> a.key().compareTo(b.key()))
        .forEach(s -> items.add(slice(s)));
    state.pods.values().stream().sorted((a, b) -> a.key().compareTo(b.key()))
        .forEach(p -> items.add(pod(p)));
    return new KubernetesListBuilder().withItems(items).build();
  }

  private static Service service(Slim.Service s) {
    List<ServicePort> ports = new ArrayList<>();
    for (Slim.Port p : s.ports()) {
      ports.add(new ServicePortBuilder().withName(p.name().isEmpty() ? null : p.name())
          .withProtocol(p.protocol().toUpperCase(Locale.ROOT)).withPort(p.port()).build());
    }
    var spec = new ServiceBuilder()
        .withNewMetadata().withNamespace(s.namespace()).withName(s.name()).endMetadata()
        .withNewSpec().withPorts(ports);
    if (s.publishNotReady()) {
      spec.withPublishNotReadyAddresses(true);
    }
    if (!s.externalIps().isEmpty()) {
      spec.withExternalIPs(s.externalIps().stream().map(Ip::toString).toList());
    }
    switch (s.kind()) {
      case EXTERNAL_NAME -> spec.withType("ExternalName")
          .withExternalName(s.externalName() == null ? null : stripDot(s.externalName()));
      case HEADLESS -> spec.withType("ClusterIP").withClusterIP("None").withClusterIPs("None");
      case CLUSTER_IP -> {
        List<String> ips = s.clusterIps().stream().map(Ip::toString).toList();
        spec.withType("ClusterIP").withClusterIP(ips.get(0)).withClusterIPs(ips);
      }
    }
    return spec.endSpec().build();
  }

  private static EndpointSlice slice(Slim.Slice s) {
    List<Endpoint> eps = new ArrayList<>();
    for (Slim.Endpoint e : s.endpoints()) {
      EndpointBuilder b = new EndpointBuilder().withAddresses(e.ip().toString())
          .withHostname(e.hostname()).withNewConditions().withReady(e.ready()).endConditions();
      if (e.podName() != null) {
        b.withNewTargetRef().withKind("Pod").withNamespace(s.namespace()).withName(e.podName()).endTargetRef();
      }
      eps.add(b.build());
    }
    List<EndpointPort> ports = new ArrayList<>();
    for (Slim.Port p : s.ports()) {
      ports.add(new EndpointPortBuilder().withName(p.name().isEmpty() ? null : p.name())
          .withProtocol(p.protocol().toUpperCase(Locale.ROOT)).withPort(p.port()).build());
    }
    boolean v6 = !s.endpoints().isEmpty() && !s.endpoints().get(0).ip().isV4();
    var meta = new EndpointSliceBuilder().withNewMetadata().withNamespace(s.namespace()).withName(s.name());
    if (s.service() != null) {
      meta.withLabels(Map.of(Slimmer.SERVICE_NAME_LABEL, s.service()));
    }
    return meta.endMetadata().withAddressType(v6 ? "IPv6" : "IPv4").withEndpoints(eps).withPorts(ports).build();
  }

  private static Pod pod(Slim.Pod p) {
    List<PodIP> ips = p.ips().stream().map(ip -> new PodIP(ip.toString())).toList();
    return new PodBuilder().withNewMetadata().withNamespace(p.namespace()).withName(p.name()).endMetadata()
        .withNewStatus().withPhase("Running").withPodIPs(ips)
        .withPodIP(ips.isEmpty() ? null : ips.get(0).getIp()).endStatus().build();
  }

  private static String stripDot(String name) {
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }
}
