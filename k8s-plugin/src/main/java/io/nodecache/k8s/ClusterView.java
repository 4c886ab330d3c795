package io.nodecache.k8s;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * An immutable picture of the cluster as DNS sees it: exposed namespaces, services with their ready
 * endpoints merged across EndpointSlices, a reverse index for PTR, and pod addresses for {@code pods
 * verified}. Built from a {@link ClusterState} and swapped atomically; lookups never lock.
 */
final class ClusterView {

  /**
   * Memo capacity: the hot names of a large cluster and their search-path negatives, bounded so that
   * queries for random names under the zone cannot grow the memo's heap without limit
   * (ClusterViewMemoryTest fills it to capacity and prints what that costs).
   */
  static final int MEMO_CAPACITY = 32_768;

  /**
   * A service and its ready endpoints; {@code ports[i]} are the ports of the slice that holds {@code
   * ready[i]} (shared lists, not copies). {@code key} is its {@code name.namespace}, the one string the
   * view's index and the memo's answers that depend on the service share.
   */
  record ServiceEntry(String key, Slim.Service service, Slim.Endpoint[] ready, List<?>[] ports) {

    @SuppressWarnings("unchecked")
    List<Slim.Port> portsOf(int i) {
      return (List<Slim.Port>) ports[i];
    }
  }

  /** A PTR target: a service's cluster IP ({@code endpoint} null) or one of its endpoints. */
  record PtrTarget(ServiceEntry entry, Slim.Endpoint endpoint) {}

  private static final Slim.Endpoint[] NO_ENDPOINTS = new Slim.Endpoint[0];
  private static final List<?>[] NO_PORTS = new List<?>[0];

  private final Shards<String, ServiceEntry> services;
  private final Set<String> namespaces;
  /**
   * An address to the services that hold it, as a cluster IP or an endpoint: one ServiceEntry or a
   * ServiceEntry[] (each service once). The targets are found in the entry when asked ({@link
   * #reverse}), not stored: a 10,000-Service view held 60,000 PtrTargets (16 B each).
   */
  private final Shards<Ip, Object> reverse;
  private final Set<String> podAddresses;
  private final long serial;
  private final AnswerMemo memo = new AnswerMemo(MEMO_CAPACITY);

  private ClusterView(
      Shards<String, ServiceEntry> services,
      Set<String> namespaces,
      Shards<Ip, Object> reverse,
      Set<String> podAddresses,
      long serial) {
    this.services = services;
    this.namespaces = namespaces;
    this.reverse = reverse;
    this.podAddresses = podAddresses;
    this.serial = serial;
  }

  /** Builds a view of all of {@code state} as {@code config} exposes it; {@code serial} goes into the SOA. */
  static ClusterView build(ClusterState state, K8sConfig config, long serial) {
    return update(null, state, config, serial, null, true);
  }

  /**
   * A view like {@code previous} with the services named in {@code dirty} ({@code namespace/name})
   * rebuilt from {@code state}: the cost of a change is one map copy plus the changed services, not a
   * pass over every service. With no previous view or {@code dirty} null, everything is built.
   */
  static ClusterView update(
      ClusterView previous,
      ClusterState state,
      K8sConfig config,
      long serial,
      Set<String> dirty,
      boolean podsChanged) {
    Shards.Editor<String, ServiceEntry> services;
    Shards.Editor<Ip, Object> reverse;
    Iterable<String> keys;
    if (previous == null || dirty == null) {
      services = Shards.<String, ServiceEntry>empty().edit();
      reverse = Shards.<Ip, Object>empty().edit();
      keys = state.services.keySet();
    } else {
      services = previous.services.edit();
      reverse = previous.reverse.edit();
      keys = dirty;
      for (String key : dirty) {
        ServiceEntry old = services.remove(lookupKey(key));
        if (old != null) {
          removeReverse(reverse, old);
        }
      }
    }
    for (String key : keys) {
      Slim.Service svc = state.services.get(key);
      if (svc == null || !config.exposed(svc.namespace())) {
        continue;
      }
      ServiceEntry e = entry(svc, config.noEndpoints() ? List.of() : slicesOf(state, key));
      services.put(e.key(), e);
      for (Ip ip : svc.clusterIps()) {
        addReverse(reverse, ip, e);
      }
      for (Slim.Endpoint ep : e.ready()) {
        addReverse(reverse, ep.ip(), e);
      }
    }
    Set<String> namespaces = new HashSet<>();
    for (String ns : state.namespaces) {
      if (config.exposed(ns)) {
        namespaces.add(ns);
      }
    }
    for (String ns : state.servicesPerNamespace.keySet()) {
      if (config.exposed(ns)) {
        namespaces.add(ns);
      }
    }
    Set<String> pods;
    if (previous != null && !podsChanged) {
      pods = previous.podAddresses;
    } else {
      pods = new HashSet<>();
      if (config.pods() == K8sConfig.PodMode.VERIFIED) {
        for (Slim.Pod p : state.pods.values()) {
          for (Ip ip : p.ips()) {
            pods.add(p.namespace() + "/" + ip);
          }
        }
      }
    }
    ClusterView next = new ClusterView(services.done(), namespaces, reverse.done(), pods, serial);
    if (previous != null && dirty != null && namespaces.equals(previous.namespaces)) {
      Set<String> changed = new HashSet<>();
      dirty.forEach(k -> changed.add(lookupKey(k)));
      next.memo.carryFrom(previous.memo, changed);
    }
    return next;
  }

  private static String lookupKey(String stateKey) {
    int slash = stateKey.indexOf('/');
    return stateKey.substring(slash + 1) + "." + stateKey.substring(0, slash);
  }

  private static List<Slim.Slice> slicesOf(ClusterState state, String serviceKey) {
    List<String> keys = state.sliceKeys(serviceKey);
    List<Slim.Slice> out = new ArrayList<>(keys.size());
    for (String k : keys) {
      Slim.Slice s = state.slices.get(k);
      if (s != null && serviceKey.equals(s.serviceKey())) {
        out.add(s);
      }
    }
    out.sort((a, b) -> a.name().compareTo(b.name())); // stable answer order
    return out;
  }

  private static void removeReverse(Shards.Editor<Ip, Object> reverse, ServiceEntry old) {
    for (Ip ip : old.service().clusterIps()) {
      dropTargets(reverse, ip, old);
    }
    for (Slim.Endpoint ep : old.ready()) {
      dropTargets(reverse, ep.ip(), old);
    }
  }

  private static void dropTargets(Shards.Editor<Ip, Object> reverse, Ip ip, ServiceEntry old) {
    Object v = reverse.get(ip);
    if (v == old) {
      reverse.remove(ip);
    } else if (v instanceof ServiceEntry[] list) {
      ServiceEntry[] kept = Arrays.stream(list).filter(e -> e != old).toArray(ServiceEntry[]::new);
      if (kept.length == 0) {
        reverse.remove(ip);
      } else {
        reverse.put(ip, kept.length == 1 ? kept[0] : kept);
      }
    }
  }

  private static ServiceEntry entry(Slim.Service svc, List<Slim.Slice> slices) {
    if (svc.kind() == Slim.Kind.EXTERNAL_NAME || slices.isEmpty()) {
      return new ServiceEntry(svc.name() + "." + svc.namespace(), svc, NO_ENDPOINTS, NO_PORTS);
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
      ready = Arrays.copyOf(ready, i);
      ports = Arrays.copyOf(ports, i);
    }
    return new ServiceEntry(svc.name() + "." + svc.namespace(), svc, ready, ports);
  }

  private static void addReverse(Shards.Editor<Ip, Object> reverse, Ip ip, ServiceEntry e) {
    Object prev = reverse.get(ip);
    if (prev == null) {
      reverse.put(ip, e);
      return;
    }
    ServiceEntry[] list;
    if (prev instanceof ServiceEntry p) {
      if (p == e) {
        return; // a service whose cluster IP is also one of its endpoints: listed once
      }
      list = new ServiceEntry[] {p, e};
    } else {
      ServiceEntry[] old = (ServiceEntry[]) prev;
      if (Arrays.asList(old).contains(e)) {
        return;
      }
      list = Arrays.copyOf(old, old.length + 1);
      list[old.length] = e;
    }
    reverse.put(ip, list);
  }

  /** The service {@code name} in {@code namespace} (lower case), or null. */
  ServiceEntry service(String name, String namespace) {
    return services.get(name + "." + namespace);
  }

  /**
   * The view's own instance of a {@code name.namespace} key when it holds that service, else {@code
   * key}: a memoized answer keeps this string, so each answer need not hold a copy.
   */
  String sharedKey(String key) {
    ServiceEntry e = key == null ? null : services.get(key);
    return e == null ? key : e.key();
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
    List<PtrTarget> out = new ArrayList<>(2);
    if (v instanceof ServiceEntry e) {
      targets(e, ip, out);
    } else {
      for (ServiceEntry e : (ServiceEntry[]) v) {
        targets(e, ip, out);
      }
    }
    return out;
  }

  /** The service's targets for {@code ip}: its cluster IP, then its endpoints with that address. */
  private static void targets(ServiceEntry e, Ip ip, List<PtrTarget> out) {
    if (e.service().clusterIps().contains(ip)) {
      out.add(new PtrTarget(e, null));
    }
    for (Slim.Endpoint ep : e.ready()) {
      if (ep.ip().equals(ip)) {
        out.add(new PtrTarget(e, ep));
      }
    }
  }

  boolean hasPod(String namespace, Ip ip) {
    return podAddresses.contains(namespace + "/" + ip);
  }

  /** Every exposed service: a full pass, for the rare query no index serves (k8s_external PTR). */
  void forEachService(Consumer<ServiceEntry> action) {
    services.forEachValue(action);
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
