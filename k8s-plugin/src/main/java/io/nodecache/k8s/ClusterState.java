package io.nodecache.k8s;

import java.net.InetAddress;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The slim objects seen so far, by {@code namespace/name}, from informers or a snapshot file. Informer
 * callbacks change it with a few map operations, mark the touched service dirty and ask for a new view
 * ({@code onChange}); they never block. Views are built on one thread from the dirty services only; a
 * later event always marks its service again, so a build that raced with it is corrected by the next.
 */
final class ClusterState {

  final Map<String, Slim.Service> services = new ConcurrentHashMap<>();
  final Map<String, Slim.Slice> slices = new ConcurrentHashMap<>();
  /** Slice keys by the {@code namespace/service} key their label names. */
  final Map<String, Set<String>> slicesByService = new ConcurrentHashMap<>();
  final Set<String> namespaces = ConcurrentHashMap.newKeySet();
  /** Namespaces holding at least one service (a snapshot may list services without namespaces). */
  final Map<String, Integer> servicesPerNamespace = new ConcurrentHashMap<>();
  final Map<String, Slim.Pod> pods = new ConcurrentHashMap<>();
  private final Set<String> dirty = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean podsChanged = new AtomicBoolean();
  private volatile Runnable onChange = () -> {};

  void onChange(Runnable r) {
    this.onChange = r;
  }

  void putService(Slim.Service s) {
    if (s == null) {
      return;
    }
    if (services.put(s.key(), s) == null) {
      servicesPerNamespace.merge(s.namespace(), 1, Integer::sum);
    }
    changed(s.key());
  }

  void removeService(String namespace, String name) {
    Slim.Service old = services.remove(key(namespace, name));
    if (old != null) {
      servicesPerNamespace.computeIfPresent(old.namespace(), (k, n) -> n == 1 ? null : n - 1);
      changed(old.key());
    }
  }

  void putSlice(Slim.Slice s) {
    if (s == null) {
      return;
    }
    Slim.Slice old = slices.put(s.key(), s);
    if (old != null && old.service() != null && !Objects.equals(old.service(), s.service())) {
      unindex(old);
      dirty.add(old.serviceKey());
    }
    if (s.service() != null) {
      slicesByService.computeIfAbsent(s.serviceKey(), k -> ConcurrentHashMap.newKeySet()).add(s.key());
      changed(s.serviceKey());
    } else if (old != null) {
      onChange.run();
    }
  }

  void removeSlice(String namespace, String name) {
    Slim.Slice old = slices.remove(key(namespace, name));
    if (old != null && old.service() != null) {
      unindex(old);
      changed(old.serviceKey());
    }
  }

  private void unindex(Slim.Slice s) {
    slicesByService.computeIfPresent(s.serviceKey(), (k, set) -> {
      set.remove(s.key());
      return set.isEmpty() ? null : set;
    });
  }

  void putNamespace(String ns) {
    if (namespaces.add(ns)) {
      onChange.run();
    }
  }

  void removeNamespace(String ns) {
    if (namespaces.remove(ns)) {
      onChange.run();
    }
  }

  void putPod(Slim.Pod p, String namespace, String name) {
    if (p == null) {
      removePod(namespace, name);
    } else if (!p.equals(pods.put(p.key(), p))) {
      podsChanged.set(true);
      onChange.run();
    }
  }

  void removePod(String namespace, String name) {
    if (pods.remove(key(namespace, name)) != null) {
      podsChanged.set(true);
      onChange.run();
    }
  }

  private void changed(String serviceKey) {
    dirty.add(serviceKey);
    onChange.run();
  }

  /** Takes the keys of the services changed since the last call. */
  Set<String> drainDirty() {
    Set<String> out = new HashSet<>();
    for (Iterator<String> it = dirty.iterator(); it.hasNext(); ) {
      out.add(it.next());
      it.remove();
    }
    return out;
  }

  /** Whether pods changed since the last call. */
  boolean drainPodsChanged() {
    return podsChanged.getAndSet(false);
  }

  /**
   * The ready addresses of the Service's EndpointSlices (every endpoint with {@code
   * publishNotReadyAddresses}), distinct and sorted; empty when the Service is unknown.
   */
  Optional<List<InetAddress>> readyAddresses(String namespace, String name) {
    String key = key(namespace, name);
    Slim.Service service = services.get(key);
    if (service == null) {
      return Optional.empty();
    }
    return Optional.of(
        slicesByService.getOrDefault(key, Set.of()).stream()
            .map(slices::get)
            .filter(Objects::nonNull)
            .flatMap(slice -> slice.endpoints().stream())
            .filter(endpoint -> endpoint.ready() || service.publishNotReady())
            .map(endpoint -> endpoint.ip().address())
            .distinct()
            .sorted(Comparator.comparing(InetAddress::getHostAddress))
            .toList());
  }

  static String key(String namespace, String name) {
    return Slimmer.lower(namespace == null ? "default" : namespace) + "/" + Slimmer.lower(name);
  }
}
