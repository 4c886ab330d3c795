package io.nodecache.k8s;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.nodecache.wire.FastQuery;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.TextParseException;

/**
 * The pods of this node by address: one informer on Pods with the field selector {@code
 * spec.nodeName=NODE} (a hundred objects or so), every address of {@code status.podIPs} mapped to the
 * pod's namespace and name, hostNetwork pods left out (their source address is the node's). Finished
 * pods (Succeeded, Failed, Unknown) are dropped as by {@link Slimmer#pod}. Only slim records are kept;
 * the informer's own store holds keys and resource versions. Lookups are one {@link
 * ConcurrentHashMap#get} keyed by the {@link InetAddress} the listener already holds: no allocation.
 */
final class NodePods implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NodePods.class);

  /** A pod's namespace and key, and its search path per zone of the plugin (shared per namespace). */
  record Client(String namespace, String pod, Paths paths) {}

  /**
   * For one namespace, per zone of the plugin: the search domains {@code <ns>.svc.<zone>}, {@code
   * svc.<zone>}, {@code <zone>}, and the first of them in lower-case wire form for the fast path.
   */
  record Paths(List<List<Name>> byZone, byte[][] firstWire) {}

  private final List<Name> zones;
  private final Slimmer slimmer;
  private final Map<InetAddress, Client> byAddress = new ConcurrentHashMap<>();
  private final Map<String, List<InetAddress>> addressesOf = new ConcurrentHashMap<>();
  private final Map<String, Paths> paths = new ConcurrentHashMap<>();
  private final AtomicBoolean warned = new AtomicBoolean();
  private volatile String node;
  private volatile SharedIndexInformer<Pod> informer;

  NodePods(List<Name> zones, Slimmer slimmer) {
    this.zones = List.copyOf(zones);
    this.slimmer = slimmer;
  }

  /** Starts the informer on this node's pods; failures are retried forever and never block. */
  void watch(KubernetesClient client, String nodeName) {
    this.node = nodeName;
    SharedIndexInformer<Pod> i =
        client.pods().inAnyNamespace().withField("spec.nodeName", nodeName).runnableInformer(0);
    i.itemStore(
            new ReducedStateItemStore<>(
                ReducedStateItemStore.NAME_KEY_STATE, Pod.class, client.getKubernetesSerialization()))
        .exceptionHandler(
            (started, t) -> {
              if (warned.compareAndSet(false, true)) {
                log.warn("kubernetes: watching the pods of node {} failed (retrying): {}", nodeName, t.toString());
              }
              return true;
            })
        .addEventHandler(
            new ResourceEventHandler<Pod>() {
              @Override
              public void onAdd(Pod p) {
                put(p);
              }

              @Override
              public void onUpdate(Pod oldPod, Pod newPod) {
                put(newPod);
              }

              @Override
              public void onDelete(Pod p, boolean finalStateUnknown) {
                remove(p.getMetadata().getNamespace(), p.getMetadata().getName());
              }
            });
    informer = i;
    i.start();
  }

  boolean synced() {
    SharedIndexInformer<Pod> i = informer;
    return i != null && i.hasSynced();
  }

  /** Adds, updates or drops one pod. Called on the informer's thread only. */
  void put(Pod p) {
    ObjectMeta m = p.getMetadata();
    if (m == null || m.getName() == null) {
      return;
    }
    // The selector should have done this; the check keeps the map right whatever the server does.
    boolean here = p.getSpec() != null && node != null && node.equals(p.getSpec().getNodeName());
    boolean hostNetwork = p.getSpec() != null && Boolean.TRUE.equals(p.getSpec().getHostNetwork());
    Slim.Pod s = here && !hostNetwork ? slimmer.pod(p) : null;
    if (s == null || s.ips().isEmpty()) {
      remove(m.getNamespace(), m.getName());
      return;
    }
    Client c = new Client(s.namespace(), s.key(), paths.computeIfAbsent(s.namespace(), this::pathsOf));
    List<InetAddress> addresses = s.ips().stream().map(Ip::address).toList();
    List<InetAddress> old = addressesOf.put(c.pod(), addresses);
    if (old != null) {
      old.stream().filter(a -> !addresses.contains(a)).forEach(a -> unmap(a, c.pod()));
    }
    addresses.forEach(a -> byAddress.put(a, c));
  }

  void remove(String namespace, String name) {
    String key = ClusterState.key(namespace, name);
    List<InetAddress> old = addressesOf.remove(key);
    if (old != null) {
      old.forEach(a -> unmap(a, key));
    }
  }

  /** Unmaps an address only while it still names that pod: a new pod may have it already. */
  private void unmap(InetAddress a, String pod) {
    byAddress.computeIfPresent(a, (k, c) -> c.pod().equals(pod) ? null : c);
  }

  private Paths pathsOf(String namespace) {
    List<List<Name>> byZone = new ArrayList<>();
    byte[][] first = new byte[zones.size()][];
    for (int i = 0; i < zones.size(); i++) {
      Name zone = zones.get(i);
      try {
        Name svc = Name.concatenate(Name.fromString("svc"), zone);
        Name ns = Name.concatenate(Name.fromString(namespace), svc);
        byZone.add(List.of(ns, svc, zone));
        first[i] = ns.toWireCanonical();
      } catch (TextParseException | NameTooLongException e) {
        byZone.add(List.of()); // a namespace name no resolver can append: no search path
        first[i] = null;
      }
    }
    return new Paths(List.copyOf(byZone), first);
  }

  String namespaceOf(InetAddress client) {
    Client c = client == null ? null : byAddress.get(client);
    return c == null ? null : c.namespace();
  }

  String podOf(InetAddress client) {
    Client c = client == null ? null : byAddress.get(client);
    return c == null ? null : c.pod();
  }

  boolean belowFirstDomain(FastQuery q) {
    InetSocketAddress sender = q.client();
    InetAddress a = sender == null ? null : sender.getAddress();
    Client c = a == null ? null : byAddress.get(a);
    if (c == null) {
      return false;
    }
    for (byte[] first : c.paths().firstWire()) {
      if (first != null && q.qnameLength() > first.length && q.inZone(first)) {
        return true;
      }
    }
    return false;
  }

  /** The search domains of the pod at {@code client} for a name in one of the zones; else empty. */
  List<Name> searchPath(InetAddress client, Name qname) {
    Client c = client == null ? null : byAddress.get(client);
    if (c == null) {
      return List.of();
    }
    int best = -1;
    for (int i = 0; i < zones.size(); i++) {
      if (qname.subdomain(zones.get(i)) && (best < 0 || zones.get(i).labels() > zones.get(best).labels())) {
        best = i;
      }
    }
    return best < 0 ? List.of() : c.paths().byZone().get(best);
  }

  int size() {
    return byAddress.size();
  }

  @Override
  public void close() {
    SharedIndexInformer<Pod> i = informer;
    if (i != null) {
      i.stop();
    }
  }
}
