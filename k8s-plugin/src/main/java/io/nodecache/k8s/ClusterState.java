package io.nodecache.k8s;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The slim objects seen so far, by {@code namespace/name}, from informers or a snapshot file. Informer
 * callbacks change it with a map put and then ask for a new view ({@code onChange}); they never block.
 * Views are built from it on one thread, so readers see a consistent enough picture: a later event
 * always triggers another build.
 */
final class ClusterState {

  final Map<String, Slim.Service> services = new ConcurrentHashMap<>();
  final Map<String, Slim.Slice> slices = new ConcurrentHashMap<>();
  final Set<String> namespaces = ConcurrentHashMap.newKeySet();
  final Map<String, Slim.Pod> pods = new ConcurrentHashMap<>();
  private volatile Runnable onChange = () -> {};

  void onChange(Runnable r) {
    this.onChange = r;
  }

  void putService(Slim.Service s) {
    if (s != null) {
      services.put(s.key(), s);
      onChange.run();
    }
  }

  void removeService(String namespace, String name) {
    if (services.remove(key(namespace, name)) != null) {
      onChange.run();
    }
  }

  void putSlice(Slim.Slice s) {
    if (s != null) {
      slices.put(s.key(), s);
      onChange.run();
    }
  }

  void removeSlice(String namespace, String name) {
    if (slices.remove(key(namespace, name)) != null) {
      onChange.run();
    }
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
    } else {
      pods.put(p.key(), p);
      onChange.run();
    }
  }

  void removePod(String namespace, String name) {
    if (pods.remove(key(namespace, name)) != null) {
      onChange.run();
    }
  }

  boolean isEmpty() {
    return services.isEmpty() && slices.isEmpty() && namespaces.isEmpty();
  }

  static String key(String namespace, String name) {
    return Slimmer.lower(namespace == null ? "default" : namespace) + "/" + Slimmer.lower(name);
  }
}
