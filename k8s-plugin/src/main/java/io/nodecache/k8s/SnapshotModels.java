package io.nodecache.k8s;

import static io.nodecache.k8s.JsonCursor.bool;
import static io.nodecache.k8s.JsonCursor.integer;
import static io.nodecache.k8s.JsonCursor.list;
import static io.nodecache.k8s.JsonCursor.object;
import static io.nodecache.k8s.JsonCursor.string;
import static io.nodecache.k8s.JsonCursor.stringMap;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.io.IOException;
import java.util.function.BiConsumer;

/**
 * The items of a JSON snapshot that DNS uses, read field by field into fabric8's model objects with plain
 * setters ({@link SnapshotJson}): Namespace, Service, EndpointSlice and Pod, and only the fields {@link
 * Slimmer} reads.
 */
final class SnapshotModels {

  private SnapshotModels() {}

  static SnapshotJson.Item namespace() {
    Namespace ns = new Namespace();
    return new SnapshotJson.Item(true, ns, (name, c) -> {
      if (name.equals("metadata")) {
        ns.setMetadata(meta(c));
      } else {
        c.skip();
      }
    });
  }

  static SnapshotJson.Item service() {
    Service s = new Service();
    return new SnapshotJson.Item(true, s, (name, c) -> {
      switch (name) {
        case "metadata" -> s.setMetadata(meta(c));
        case "spec" -> {
          ServiceSpec spec = new ServiceSpec();
          s.setSpec(object(c, "spec", (f, v) -> {
            switch (f) {
              case "type" -> spec.setType(string(v, f));
              case "clusterIP" -> spec.setClusterIP(string(v, f));
              case "clusterIPs" -> spec.setClusterIPs(list(v, f, e -> string(e, f)));
              case "externalIPs" -> spec.setExternalIPs(list(v, f, e -> string(e, f)));
              case "externalName" -> spec.setExternalName(string(v, f));
              case "publishNotReadyAddresses" -> spec.setPublishNotReadyAddresses(bool(v, f));
              case "ports" -> spec.setPorts(list(v, f, SnapshotModels::servicePort));
              default -> v.skip();
            }
          }) ? spec : null);
        }
        case "status" -> {
          ServiceStatus status = new ServiceStatus();
          s.setStatus(object(c, "status", (f, v) -> {
            if (f.equals("loadBalancer")) {
              LoadBalancerStatus lb = new LoadBalancerStatus();
              status.setLoadBalancer(object(v, f, (g, w) -> {
                if (g.equals("ingress")) {
                  lb.setIngress(list(w, g, SnapshotModels::ingress));
                } else {
                  w.skip();
                }
              }) ? lb : null);
            } else {
              v.skip();
            }
          }) ? status : null);
        }
        default -> c.skip();
      }
    });
  }

  static SnapshotJson.Item slice() {
    EndpointSlice s = new EndpointSlice();
    return new SnapshotJson.Item(true, s, (name, c) -> {
      switch (name) {
        case "metadata" -> s.setMetadata(meta(c));
        case "addressType" -> s.setAddressType(string(c, name));
        case "endpoints" -> s.setEndpoints(list(c, name, SnapshotModels::endpoint));
        case "ports" -> s.setPorts(list(c, name, SnapshotModels::endpointPort));
        default -> c.skip();
      }
    });
  }

  static SnapshotJson.Item pod() {
    Pod p = new Pod();
    return new SnapshotJson.Item(true, p, (name, c) -> {
      switch (name) {
        case "metadata" -> p.setMetadata(meta(c));
        case "status" -> {
          PodStatus status = new PodStatus();
          p.setStatus(object(c, name, (f, v) -> {
            switch (f) {
              case "phase" -> status.setPhase(string(v, f));
              case "podIP" -> status.setPodIP(string(v, f));
              case "podIPs" -> status.setPodIPs(list(v, f, SnapshotModels::podIp));
              default -> v.skip();
            }
          }) ? status : null);
        }
        default -> c.skip();
      }
    });
  }

  private static ObjectMeta meta(JsonCursor c) throws IOException {
    ObjectMeta m = new ObjectMeta();
    return object(c, "metadata", (f, v) -> {
      switch (f) {
        case "name" -> m.setName(string(v, f));
        case "namespace" -> m.setNamespace(string(v, f));
        case "labels" -> m.setLabels(stringMap(v, f));
        default -> v.skip();
      }
    }) ? m : null;
  }

  private static ServicePort servicePort(JsonCursor c) throws IOException {
    return port(c, new ServicePort(), ServicePort::setName, ServicePort::setProtocol, ServicePort::setPort);
  }

  private static EndpointPort endpointPort(JsonCursor c) throws IOException {
    return port(c, new EndpointPort(), EndpointPort::setName, EndpointPort::setProtocol, EndpointPort::setPort);
  }

  /** A Service's or a slice's port: the same three fields, in two model classes with no common type. */
  private static <P> P port(JsonCursor c, P p, BiConsumer<P, String> name, BiConsumer<P, String> protocol,
      BiConsumer<P, Integer> port) throws IOException {
    return object(c, "ports", (f, v) -> {
      switch (f) {
        case "name" -> name.accept(p, string(v, f));
        case "protocol" -> protocol.accept(p, string(v, f));
        case "port" -> port.accept(p, integer(v, f));
        default -> v.skip();
      }
    }) ? p : null;
  }

  private static LoadBalancerIngress ingress(JsonCursor c) throws IOException {
    return ipOnly(c, "ingress", new LoadBalancerIngress(), LoadBalancerIngress::setIp);
  }

  private static PodIP podIp(JsonCursor c) throws IOException {
    return ipOnly(c, "podIPs", new PodIP(), PodIP::setIp);
  }

  /** An object of which only {@code ip} is read: a load balancer's ingress, one of a Pod's addresses. */
  private static <T> T ipOnly(JsonCursor c, String field, T o, BiConsumer<T, String> setIp) throws IOException {
    return object(c, field, (f, v) -> {
      if (f.equals("ip")) {
        setIp.accept(o, string(v, f));
      } else {
        v.skip();
      }
    }) ? o : null;
  }

  private static Endpoint endpoint(JsonCursor c) throws IOException {
    Endpoint e = new Endpoint();
    return object(c, "endpoints", (f, v) -> {
      switch (f) {
        case "addresses" -> e.setAddresses(list(v, f, a -> string(a, f)));
        case "hostname" -> e.setHostname(string(v, f));
        case "conditions" -> {
          EndpointConditions conditions = new EndpointConditions();
          e.setConditions(object(v, f, (g, w) -> {
            if (g.equals("ready")) {
              conditions.setReady(bool(w, g));
            } else {
              w.skip();
            }
          }) ? conditions : null);
        }
        case "targetRef" -> {
          ObjectReference ref = new ObjectReference();
          e.setTargetRef(object(v, f, (g, w) -> {
            switch (g) {
              case "kind" -> ref.setKind(string(w, g));
              case "name" -> ref.setName(string(w, g));
              default -> w.skip();
            }
          }) ? ref : null);
        }
        default -> v.skip();
      }
    }) ? e : null;
  }
}
