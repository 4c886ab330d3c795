package io.nodecache.k8s;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable picture of the cluster as DNS sees it: exposed namespaces, services with their ready
 * endpoints merged across EndpointSlices, a reverse index for PTR, and pod addresses for {@code pods
 * verified}. Built from a {@link ClusterState} and swapped atomically; lookups never lock.
 */
final class ClusterView {

  /** Memo capacity: enough for every name of a large cluster and its common negative names. */
  static final int MEMO_CAPACITY = 200_000;

  /**
   * A service and its ready endpoints; {@code ports[i]} are the ports of the slice that holds {@code
   * ready[i]} (shared lists, not copies).
   */
  record ServiceEntry(Slim.Service service, Slim.Endpoint[] ready, List<?>[] ports) {

    @SuppressWarnings("unchecked")
    List<Slim.Port> portsOf(int i) {
      return (List<Slim.Port>) ports[i];
    }
  }

  /** A PTR target: a service's cluster IP ({@code endpoint} null) or one of its endpoints. */
  record PtrTarget(ServiceEntry entry, Slim.Endpoint endpoint) {}

  private final Map<String, ServiceEntry> services;
  private final Set<String> namespaces;
  private final Map<Ip, Object> reverse;
  private final Set<String> podAddresses;
  private final long serial;
  private final AnswerMemo memo = new AnswerMemo(MEMO_CAPACITY);

  private ClusterView(
      Map<String, ServiceEntry> services,
      Set<String> namespaces,
      Map<Ip, Object> reverse,
      Set<String> podAddresses,
      long serial) {
    this.services = services;
    this.namespaces = namespaces;
    this.reverse = reverse;
    this.podAddresses = podAddresses;
    this.serial = serial;
  }

  /** Builds a view of {@code state} as {@code config} exposes it; {@code serial} goes into the SOA. */
  static ClusterView build(ClusterState state, K8sConfig config, long serial) {
    Map<String, List<Slim.Slice>> slicesByService = new HashMap<>();
    if (!config.noEndpoints()) {
      for (Slim.Slice s : state.slices.values()) {
        if (s.service() != null && config.exposed(s.namespace())) {
          slicesByService.computeIfAbsent(s.serviceKey(), k -> new ArrayList<>(1)).add(s);
        }
      }
    }
    Map<String, ServiceEntry> services = new HashMap<>(state.services.size() * 4 / 3 + 1);
    Map<Ip, Object> reverse = new HashMap<>();
    Set<String> namespaces = new HashSet<>();
    for (String ns : state.namespaces) {
      if (config.exposed(ns)) {
        namespaces.add(ns);
      }
    }
    for (Slim.Service svc : state.services.values()) {
      if (!config.exposed(svc.namespace())) {
        continue;
      }
      namespaces.add(svc.namespace());
      ServiceEntry e = entry(svc, slicesByService.getOrDefault(svc.key(), List.of()));
      services.put(svc.name() + "." + svc.namespace(), e);
      for (Ip ip : svc.clusterIps()) {
        addReverse(reverse, ip, new PtrTarget(e, null));
      }
      for (Slim.Endpoint ep : e.ready()) {
        addReverse(reverse, ep.ip(), new PtrTarget(e, ep));
      }
    }
    Set<String> pods = new HashSet<>();
    if (config.pods() == K8sConfig.PodMode.VERIFIED) {
      for (Slim.Pod p : state.pods.values()) {
        for (Ip ip : p.ips()) {
          pods.add(p.namespace() + "/" + ip);
        }
      }
    }
    return new ClusterView(services, namespaces, reverse, pods, serial);
  }

  private static ServiceEntry entry(Slim.Service svc, List<Slim.Slice> slices) {
    if (svc.kind() == Slim.Kind.EXTERNAL_NAME || slices.isEmpty()) {
      return new ServiceEntry(svc, new Slim.Endpoint[0], new List<?>[0]);
    }
    int n = 0;
    for (Slim.Slice s : slices) {
      n += s.endpoints().size();
    }
    Slim.Endpoint[] ready = new Slim.Endpoint[n];
    List<?>[] ports = new List<?>[n];
    int i = 0;
    Set<Ip> seen = n > 1 ? new HashSet<>() : null;
    for (Slim.Slice s : slices) {
      for (Slim.Endpoint ep : s.endpoints()) {
        // The spec's "ready", and publishNotReadyAddresses for slices written before the controller
        // marked such endpoints ready. One address may sit in two slices while they are rebalanced.
        if ((ep.ready() || svc.publishNotReady()) && (seen == null || seen.add(ep.ip()))) {
          ready[i] = ep;
          ports[i] = s.ports();
          i++;
        }
      }
    }
    if (i < n) {
      ready = java.util.Arrays.copyOf(ready, i);
      ports = java.util.Arrays.copyOf(ports, i);
    }
    return new ServiceEntry(svc, ready, ports);
  }

  private static void addReverse(Map<Ip, Object> reverse, Ip ip, PtrTarget t) {
    Object prev = reverse.putIfAbsent(ip, t);
    if (prev == null) {
      return;
    }
    PtrTarget[] list;
    if (prev instanceof PtrTarget p) {
      list = new PtrTarget[] {p, t};
    } else {
      PtrTarget[] old = (PtrTarget[]) prev;
      list = java.util.Arrays.copyOf(old, old.length + 1);
      list[old.length] = t;
    }
    reverse.put(ip, list);
  }

  /** The service {@code name} in {@code namespace} (lower case), or null. */
  ServiceEntry service(String name, String namespace) {
    return services.get(name + "." + namespace);
  }

  /** True when the namespace exists (a Namespace object or a service in it) and is exposed. */
  boolean hasNamespace(String namespace) {
    return namespaces.contains(namespace);
  }

  /** Services with this cluster IP and endpoints with this address, in that order. */
  List<PtrTarget> reverse(Ip ip) {
    Object v = reverse.get(ip);
    if (v == null) {
      return List.of();
    }
    if (v instanceof PtrTarget t) {
      return List.of(t);
    }
    return List.of((PtrTarget[]) v);
  }

  boolean hasPod(String namespace, Ip ip) {
    return podAddresses.contains(namespace + "/" + ip);
  }

  int serviceCount() {
    return services.size();
  }

  long serial() {
    return serial;
  }

  AnswerMemo memo() {
    return memo;
  }
}
