package io.nodecache.k8s;

import java.net.InetAddress;
import java.util.Arrays;
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
  /**
   * Slice keys by the {@code namespace/service} key their label names: a {@code String} for the one
   * slice most Services have, a {@code String[]} for more; replaced, never changed in place. Not a
   * concurrent set per Service: that cost about 220 bytes a Service (a map, its key-set view, a
   * 16-slot table and a node) to hold one key.
   */
  private final Map<String, Object> slicesByService = new ConcurrentHashMap<>();
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
    String key = s.key();
    if (services.put(key, s) == null) {
      servicesPerNamespace.merge(s.namespace(), 1, Integer::sum);
    }
    changed(key);
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
    String key = s.key();
    Slim.Slice old = slices.put(key, s);
    if (old != null && old.service() != null && !Objects.equals(old.service(), s.service())) {
      unindex(old);
      dirty.add(old.serviceKey());
    }
    if (s.service() != null) {
      String serviceKey = s.serviceKey();
      slicesByService.compute(serviceKey, (k, v) -> withKey(v, key));
      changed(serviceKey);
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
    String key = s.key();
    slicesByService.computeIfPresent(s.serviceKey(), (k, v) -> withoutKey(v, key));
  }

  /** The keys of the slices labelled with the Service's {@code namespace/name} key, in no order. */
  List<String> sliceKeys(String serviceKey) {
    Object v = slicesByService.get(serviceKey);
    if (v == null) {
      return List.of();
    }
    return v instanceof String one ? List.of(one) : List.of((String[]) v);
  }

  private static Object withKey(Object v, String key) {
    if (v == null || v.equals(key)) {
      return key;
    }
    if (v instanceof String one) {
      return new String[] {one, key};
    }
    String[] keys = (String[]) v;
    for (String k : keys) {
      if (k.equals(key)) {
        return keys;
      }
    }
    String[] more = Arrays.copyOf(keys, keys.length + 1);
    more[keys.length] = key;
    return more;
  }

  private static Object withoutKey(Object v, String key) {
    if (v instanceof String one) {
      return one.equals(key) ? null : one;
    }
    String[] keys = (String[]) v;
    String[] kept = Arrays.stream(keys).filter(k -> !k.equals(key)).toArray(String[]::new);
    return kept.length == keys.length ? keys : kept.length == 1 ? kept[0] : kept.length == 0 ? null : kept;
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
        sliceKeys(key).stream()
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
