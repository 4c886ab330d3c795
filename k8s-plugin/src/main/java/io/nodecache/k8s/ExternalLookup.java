package io.nodecache.k8s;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * CoreDNS's {@code External} lookup of the kubernetes plugin, over our cluster view: which addresses
 * and ports a name under a {@code k8s_external} zone stands for.
 */
final class ExternalLookup {

  /** One address and port, and the SRV target naming it. */
  record Item(Ip ip, int port, Name target) {}

  /** The items found (or PTR targets), and the rcode to answer when there are none. */
  record Found(List<Item> items, List<Name> ptrs, int rcode) {}

  private ExternalLookup() {}

  /**
   * {@code [ENDPOINT.|_PORT._PROTO.]SERVICE.NAMESPACE.ZONE}: an unknown or unexposed namespace or a
   * longer name is NXDOMAIN, a bare namespace NOERROR without records, a service without a matching
   * external IP and port NXDOMAIN. With {@code headless}, a Service without external IPs that is
   * headless (or asked with an endpoint label) gives its ready endpoints instead.
   */
  static Found find(ClusterView view, ServiceRecords records, Name zone, Name lower, int qtype,
      boolean headless, Name firstZone) {
    if (qtype == Type.PTR) {
      Found f = reverse(view, lower, firstZone);
      if (f != null) {
        return f;
      }
    }
    String[] labels = DnsNames.labels(lower, zone);
    int n = labels.length;
    if (n == 0) {
      return new Found(List.of(), List.of(), Rcode.SERVFAIL);
    }
    String namespace = labels[n - 1];
    if (!view.hasNamespace(namespace)) {
      return new Found(List.of(), List.of(), Rcode.NXDOMAIN);
    }
    if (n == 1) {
      return new Found(List.of(), List.of(), Rcode.NOERROR);
    }
    if (n > 4) {
      return new Found(List.of(), List.of(), Rcode.NXDOMAIN);
    }
    String service = labels[n - 2];
    String endpoint = n == 3 ? strip(labels[0]) : null;
    String port = n == 4 ? strip(labels[0]) : null;
    String protocol = n == 4 ? strip(labels[1]) : null;
    List<Item> items = new ArrayList<>();
    ClusterView.ServiceEntry e = view.service(service, namespace);
    if (e != null) {
      Slim.Service svc = e.service();
      Name svcName = DnsNames.child(svc.namespace(), zone);
      svcName = svcName == null ? null : DnsNames.child(svc.name(), svcName);
      if (headless && svc.externalIps().isEmpty() && (svc.kind() == Slim.Kind.HEADLESS || endpoint != null)) {
        Slim.Endpoint[] ready = e.ready();
        for (int i = 0; i < ready.length; i++) {
          String host = records.hostLabel(ready[i]);
          if (endpoint != null && !endpoint.equalsIgnoreCase(host)) {
            continue;
          }
          Name target = svcName == null ? null : DnsNames.child(host, svcName);
          for (Slim.Port p : e.portsOf(i)) {
            if (matches(p, port, protocol) && target != null) {
              items.add(new Item(ready[i].ip(), p.port(), target));
            }
          }
        }
      } else if (svcName != null) {
        for (Ip ip : svc.externalIps()) {
          for (Slim.Port p : svc.ports()) {
            if (matches(p, port, protocol)) {
              items.add(new Item(ip, p.port(), svcName));
            }
          }
        }
      }
    }
    return new Found(items, List.of(), items.isEmpty() ? Rcode.NXDOMAIN : Rcode.NOERROR);
  }

  /**
   * A PTR query for a full reverse name: the services holding that external IP, as {@code
   * SERVICE.NAMESPACE.<first zone>}; null when the name is no address, so it is looked up as a name.
   */
  private static Found reverse(ClusterView view, Name lower, Name firstZone) {
    boolean v6 = lower.subdomain(DnsNames.IP6);
    Name base = v6 ? DnsNames.IP6 : DnsNames.IN_ADDR;
    if (!lower.subdomain(base)) {
      return null;
    }
    Ip ip = Ip.fromReverse(DnsNames.labels(lower, base), v6);
    if (ip == null) {
      return null;
    }
    List<Name> targets = new ArrayList<>();
    view.forEachService(e -> {
      Slim.Service s = e.service();
      if (s.externalIps().contains(ip)) {
        Name ns = DnsNames.child(s.namespace(), firstZone);
        Name t = ns == null ? null : DnsNames.child(s.name(), ns);
        if (t != null && !targets.contains(t)) {
          targets.add(t);
        }
      }
    });
    return new Found(List.of(), targets, targets.isEmpty() ? Rcode.NXDOMAIN : Rcode.NOERROR);
  }

  /** A query's port or protocol label matches when left out, else case-insensitively. */
  private static boolean matches(Slim.Port p, String port, String protocol) {
    return (port == null || port.equalsIgnoreCase(p.name())) && (protocol == null || protocol.equalsIgnoreCase(p.protocol()));
  }

  private static String strip(String label) {
    return label.startsWith("_") ? label.substring(1) : label;
  }
}
