package io.nodecache.k8s;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The records the cluster zone is made of, for {@link Answerer}: A/AAAA for service and endpoint
 * addresses, SRV for named ports of ClusterIP and headless services, and the names they point at.
 */
final class ServiceRecords {

  private final K8sConfig config;
  /** The zone service names are built in (the first forward zone of the plugin). */
  private final Name primary;

  ServiceRecords(K8sConfig config, Name primary) {
    this.config = config;
    this.primary = primary;
  }

  /**
   * SRV for a ClusterIP service: one record a distinct port number (two ports may share one, e.g. 53
   * over UDP and TCP), all naming the service; its addresses as glue.
   */
  void clusterSrv(Reply r, Name name, ClusterView.ServiceEntry e, String port, String proto) {
    Slim.Service s = e.service();
    Set<Integer> match = new LinkedHashSet<>();
    for (Slim.Port p : s.ports()) {
      if (matches(p, port, proto)) {
        match.add(p.port());
      }
    }
    Name target = serviceName(s);
    int weight = weight(match.size());
    for (int p : match) {
      r.answer.add(new SRVRecord(name, DClass.IN, config.ttl(), 0, weight, p, target));
    }
    if (!match.isEmpty()) {
      addresses(r.additional, target, s.clusterIps(), Type.ANY);
    }
  }

  /**
   * SRV for a headless service: one record a distinct (endpoint name, port), as CoreDNS keeps them.
   * Endpoints share a name when two slices list one hostname or when a dual-stack pod has an address
   * in the IPv4 and in the IPv6 slice; the name's every address goes into the glue.
   */
  void headlessSrv(Reply r, Name name, ClusterView.ServiceEntry e, String port, String proto) {
    Set<Target> targets = new LinkedHashSet<>();
    Set<Record> glue = new LinkedHashSet<>();
    Slim.Endpoint[] ready = e.ready();
    for (int i = 0; i < ready.length; i++) {
      Name host = null;
      for (Slim.Port p : e.portsOf(i)) {
        if (!matches(p, port, proto)) {
          continue;
        }
        host = host == null ? DnsNames.child(hostLabel(ready[i]), serviceName(e.service())) : host;
        if (host == null) {
          break; // the label does not make a name
        }
        targets.add(new Target(host, p.port()));
        address(glue, host, ready[i].ip(), Type.ANY);
      }
    }
    int weight = weight(targets.size());
    for (Target t : targets) {
      r.answer.add(new SRVRecord(name, DClass.IN, config.ttl(), 0, weight, t.port(), t.host()));
    }
    r.additional.addAll(glue);
  }

  /** An SRV target: a host name and a port. */
  private record Target(Name host, int port) {}

  /** The endpoint's DNS label: its hostname, else its pod name (endpoint_pod_names), else dashed IP. */
  String hostLabel(Slim.Endpoint ep) {
    if (ep.hostname() != null) {
      return ep.hostname();
    }
    if (config.endpointPodNames() && ep.podName() != null && ep.podName().length() < 64) {
      return ep.podName();
    }
    return ep.ip().dashed();
  }

  Name serviceName(Slim.Service s) {
    try {
      return Name.fromString(s.name() + "." + s.namespace() + ".svc", primary);
    } catch (TextParseException e) {
      throw new IllegalStateException("service name " + s.key() + ": " + e.getMessage(), e);
    }
  }

  void addresses(Collection<Record> out, Name name, List<Ip> ips, int type) {
    for (Ip ip : ips) {
      address(out, name, ip, type);
    }
  }

  void address(Collection<Record> out, Name name, Ip ip, int type) {
    if (ip.isV4() && (type == Type.A || type == Type.ANY)) {
      out.add(new ARecord(name, DClass.IN, config.ttl(), ip.address()));
    } else if (!ip.isV4() && (type == Type.AAAA || type == Type.ANY)) {
      out.add(new AAAARecord(name, DClass.IN, config.ttl(), ip.address()));
    }
  }

  private static boolean matches(Slim.Port p, String port, String proto) {
    return (port == null || p.name().equals(port)) && (proto == null || p.protocol().equals(proto));
  }

  /** CoreDNS's SRV weight for N records of one priority: floor(100 / N), at least 1. */
  private static int weight(int n) {
    return n == 0 ? 0 : Math.max(1, 100 / n);
  }
}
