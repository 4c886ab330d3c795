package io.nodecache.k8s;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns fabric8 objects into {@link Slim} records, dropping every field DNS does not need and sharing
 * repeated strings, ports and port lists (every Service of a namespace holds the same namespace string).
 */
final class Slimmer {

  static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
  private static final int SHARED_LIMIT = 50_000;

  private final boolean keepPodNames;
  private final Map<String, String> strings = new ConcurrentHashMap<>();
  private final Map<Slim.Port, Slim.Port> ports = new ConcurrentHashMap<>();
  private final Map<List<Slim.Port>, List<Slim.Port>> portLists = new ConcurrentHashMap<>();

  Slimmer(boolean keepPodNames) {
    this.keepPodNames = keepPodNames;
  }

  String namespace(Namespace ns) {
    return share(lower(ns.getMetadata().getName()));
  }

  Slim.Service service(Service s) {
    ObjectMeta m = s.getMetadata();
    ServiceSpec spec = s.getSpec();
    if (m == null || spec == null || m.getName() == null) {
      return null;
    }
    String ns = share(lower(m.getNamespace() == null ? "default" : m.getNamespace()));
    String name = lower(m.getName());
    List<Slim.Port> ps = new ArrayList<>();
    if (spec.getPorts() != null) {
      for (ServicePort p : spec.getPorts()) {
        if (p.getPort() != null) {
          ps.add(port(p.getName(), p.getProtocol(), p.getPort()));
        }
      }
    }
    boolean notReady = Boolean.TRUE.equals(spec.getPublishNotReadyAddresses());
    if ("ExternalName".equals(spec.getType())) {
      String target = spec.getExternalName();
      // CoreDNS answers a CNAME only when externalName is a name, not an address.
      String cname = target == null || target.isBlank() || Ip.parse(target) != null ? null : absolute(lower(target));
      return new Slim.Service(ns, name, Slim.Kind.EXTERNAL_NAME, List.of(), ports(ps), cname, notReady, externalIps(s));
    }
    List<String> texts = spec.getClusterIPs();
    if (texts == null || texts.isEmpty()) {
      texts = spec.getClusterIP() == null ? List.of() : List.of(spec.getClusterIP());
    }
    List<Ip> ips = new ArrayList<>(texts.size());
    for (String t : texts) {
      Ip ip = Ip.parse(t);
      if (ip != null && !ips.contains(ip)) {
        ips.add(ip);
      }
    }
    Slim.Kind kind = ips.isEmpty() ? Slim.Kind.HEADLESS : Slim.Kind.CLUSTER_IP;
    return new Slim.Service(ns, name, kind, List.copyOf(ips), ports(ps), null, notReady, externalIps(s));
  }

  /** {@code spec.externalIPs} and the load balancer's ingress IPs, in that order, each once. */
  private static List<Ip> externalIps(Service s) {
    List<String> texts = new ArrayList<>();
    if (s.getSpec().getExternalIPs() != null) {
      texts.addAll(s.getSpec().getExternalIPs());
    }
    if (s.getStatus() != null && s.getStatus().getLoadBalancer() != null
        && s.getStatus().getLoadBalancer().getIngress() != null) {
      for (LoadBalancerIngress i : s.getStatus().getLoadBalancer().getIngress()) {
        texts.add(i.getIp());
      }
    }
    if (texts.isEmpty()) {
      return List.of();
    }
    List<Ip> out = new ArrayList<>();
    for (String t : texts) {
      Ip ip = t == null ? null : Ip.parse(t);
      if (ip != null && !out.contains(ip)) {
        out.add(ip);
      }
    }
    return List.copyOf(out);
  }

  Slim.Slice slice(EndpointSlice s) {
    ObjectMeta m = s.getMetadata();
    if (m == null || m.getName() == null) {
      return null;
    }
    String ns = share(lower(m.getNamespace() == null ? "default" : m.getNamespace()));
    String svc = m.getLabels() == null ? null : m.getLabels().get(SERVICE_NAME_LABEL);
    List<Slim.Endpoint> eps = new ArrayList<>();
    if (svc != null && !"FQDN".equals(s.getAddressType()) && s.getEndpoints() != null) {
      for (var e : s.getEndpoints()) {
        EndpointConditions c = e.getConditions();
        boolean ready = c == null || c.getReady() == null || c.getReady();
        String host = e.getHostname() == null || e.getHostname().isEmpty() ? null : lower(e.getHostname());
        String pod = null;
        if (keepPodNames && e.getTargetRef() != null && "Pod".equals(e.getTargetRef().getKind())) {
          pod = lower(e.getTargetRef().getName());
        }
        if (e.getAddresses() != null) {
          for (String a : e.getAddresses()) {
            Ip ip = Ip.parse(a);
            if (ip != null) {
              eps.add(new Slim.Endpoint(ip, host, pod, ready));
            }
          }
        }
      }
    }
    List<Slim.Port> ps = new ArrayList<>();
    if (s.getPorts() != null) {
      for (EndpointPort p : s.getPorts()) {
        if (p.getPort() != null) {
          ps.add(port(p.getName(), p.getProtocol(), p.getPort()));
        }
      }
    }
    String service = svc == null ? null : lower(svc);
    return new Slim.Slice(ns, lower(m.getName()), service, List.copyOf(eps), ports(ps));
  }

  /** A Pod that holds its addresses ({@code pods verified}); null for finished or unscheduled pods. */
  Slim.Pod pod(Pod p) {
    ObjectMeta m = p.getMetadata();
    if (m == null || p.getStatus() == null) {
      return null;
    }
    String phase = p.getStatus().getPhase();
    // CoreDNS's field selector: status.phase!=Succeeded,status.phase!=Failed,status.phase!=Unknown
    if ("Succeeded".equals(phase) || "Failed".equals(phase) || "Unknown".equals(phase)) {
      return null;
    }
    List<Ip> ips = new ArrayList<>();
    if (p.getStatus().getPodIPs() != null) {
      for (PodIP a : p.getStatus().getPodIPs()) {
        Ip ip = Ip.parse(a.getIp());
        if (ip != null && !ips.contains(ip)) {
          ips.add(ip);
        }
      }
    }
    Ip single = Ip.parse(p.getStatus().getPodIP());
    if (single != null && !ips.contains(single)) {
      ips.add(single);
    }
    String ns = share(lower(m.getNamespace() == null ? "default" : m.getNamespace()));
    return new Slim.Pod(ns, lower(m.getName()), List.copyOf(ips));
  }

  /** One shared list for each distinct port list: most Services and slices of a cluster repeat a few. */
  private List<Slim.Port> ports(List<Slim.Port> ps) {
    List<Slim.Port> list = List.copyOf(ps);
    if (portLists.size() > SHARED_LIMIT) {
      portLists.clear();
    }
    List<Slim.Port> prev = portLists.putIfAbsent(list, list);
    return prev == null ? list : prev;
  }

  private Slim.Port port(String name, String protocol, int number) {
    String n = name == null ? "" : share(lower(name));
    String proto = protocol == null ? "tcp" : share(lower(protocol));
    Slim.Port p = new Slim.Port(n, proto, number);
    if (ports.size() > SHARED_LIMIT) {
      ports.clear(); // sharing only saves memory: start over rather than grow with churn
    }
    Slim.Port prev = ports.putIfAbsent(p, p);
    return prev == null ? p : prev;
  }

  /** Shares namespace, port and protocol names: few distinct values, repeated by every object. */
  private String share(String s) {
    if (strings.size() > SHARED_LIMIT) {
      strings.clear();
    }
    String prev = strings.putIfAbsent(s, s);
    return prev == null ? s : prev;
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  static String absolute(String name) {
    return name.endsWith(".") ? name : name + ".";
  }
}
