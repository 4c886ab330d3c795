package io.nodecache.k8s;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Answers a query for one of the plugin's zones from a {@link ClusterView}, following the Kubernetes
 * DNS-Based Service Discovery specification 1.1.0 and CoreDNS's {@code kubernetes} plugin where the
 * specification is silent (SOA, NS, NODATA versus NXDOMAIN, pod records).
 */
final class Answerer {

  /** The schema version served at {@code dns-version.<zone>} (spec §2.2). */
  static final String SCHEMA_VERSION = "1.1.0";

  private static final long VERSION_TTL = 28800;

  private final K8sConfig config;
  private final ServiceRecords records;
  private final NameServers nameServers;

  Answerer(K8sConfig config) {
    this.config = config;
    Name p = config.zones().isEmpty() ? Name.root : config.zones().get(0);
    for (Name z : config.zones()) {
      if (!DnsNames.isReverse(z)) {
        p = z;
        break;
      }
    }
    this.records = new ServiceRecords(config, p);
    this.nameServers = new NameServers(records);
  }

  ServiceRecords records() {
    return records;
  }

  NameServers nameServers() {
    return nameServers;
  }

  /** The plugin zone that holds {@code name} (the longest), or null. */
  Name zoneOf(Name name) {
    Name best = null;
    for (Name z : config.zones()) {
      if (name.subdomain(z) && (best == null || z.labels() > best.labels())) {
        best = z;
      }
    }
    return best;
  }

  /**
   * The {@code name.namespace} of the one service an answer for {@code name} depends on (besides the
   * namespaces), or null when it may depend on more: apex, PTR and pod names, and ExternalName answers.
   */
  static String dependency(Name name, Name zone, Message answer) {
    if (DnsNames.isReverse(zone) || !answer.getSection(Section.ANSWER).stream().allMatch(r -> r.getType() != Type.CNAME)) {
      return null;
    }
    String[] l = DnsNames.labels(name, zone);
    int n = l.length;
    if (n < 3 || n > 5 || !l[n - 1].equals("svc")) {
      return null;
    }
    return l[n - 3] + "." + l[n - 2];
  }

  /** The answer to {@code query}, whose name is inside {@code zone}, received on an unknown address. */
  Message answer(Message query, ClusterView view, Name zone) {
    return reply(query, null, view, zone).toMessage(query, view);
  }

  /** The records of the answer to {@code query} received on {@code local} (null: not known). */
  Reply reply(Message query, InetAddress local, ClusterView view, Name zone) {
    Record q = query.getQuestion();
    Reply r = new Reply(zone, config.ttl(), local);
    if (q.getDClass() == DClass.IN) {
      Name name = q.getName().canonicalize();
      if (DnsNames.isReverse(zone)) {
        reverse(r, view, name, q.getType());
      } else {
        forward(r, view, name, DnsNames.labels(name, zone), q.getType(), 0);
      }
    } else {
      r.rcode = Rcode.REFUSED;
    }
    return r;
  }

  private void forward(Reply r, ClusterView view, Name name, String[] l, int type, int depth) {
    int n = l.length;
    if (n == 0) {
      apex(r, view, type);
      return;
    }
    String last = l[n - 1];
    if (n == 1 && last.equals("dns-version")) {
      if (type == Type.TXT) {
        r.answer.add(new TXTRecord(name, DClass.IN, VERSION_TTL, SCHEMA_VERSION));
      }
      return;
    }
    if (last.equals("dns")) {
      if (n == 2 && l[0].equals("ns")) {
        r.perAddress = true;
        Set<Ip> seen = new HashSet<>();
        for (NameServers.Address a : nameServers.of(view, r.zone, r.local)) {
          if (seen.add(a.ip())) {
            records.address(r.answer, name, a.ip(), type);
          }
        }
      } else if (n != 1) {
        r.rcode = Rcode.NXDOMAIN;
      }
      return;
    }
    if (!last.equals("svc") && !last.equals("pod")) {
      r.rcode = Rcode.NXDOMAIN;
      return;
    }
    if (n == 1) {
      return; // "svc" and "pod" exist as empty non-terminals: NODATA
    }
    String ns = l[n - 2];
    if (!view.hasNamespace(ns) || n > 5 || (last.equals("pod") && n > 3)) {
      r.rcode = Rcode.NXDOMAIN;
      return;
    }
    switch (n) {
      case 2 -> {} // the namespace exists: NODATA
      case 3 -> {
        if (last.equals("pod")) {
          pod(r, view, name, l[0], ns, type);
        } else {
          service(r, view, name, view.service(l[0], ns), type, depth);
        }
      }
      case 4 -> endpoint(r, name, view.service(l[1], ns), l[0], type);
      default -> srv(r, name, view.service(l[2], ns), strip(l[0]), strip(l[1]), type);
    }
  }

  private void apex(Reply r, ClusterView view, int type) {
    if (type == Type.SOA || type == Type.ANY) {
      r.answer.add(r.soa(view));
    }
    if (type == Type.NS || type == Type.ANY) {
      r.perAddress = true;
      List<NameServers.Address> servers = nameServers.of(view, r.zone, r.local);
      Set<Name> listed = new HashSet<>();
      for (NameServers.Address a : servers) {
        if (listed.add(a.name())) {
          r.answer.add(new NSRecord(r.zone, DClass.IN, config.ttl(), a.name()));
        }
        records.address(r.additional, a.name(), a.ip(), Type.ANY);
      }
    }
  }

  private void service(
      Reply r, ClusterView view, Name name, ClusterView.ServiceEntry e, int type, int depth) {
    if (e == null) {
      r.rcode = Rcode.NXDOMAIN;
      return;
    }
    Slim.Service s = e.service();
    switch (s.kind()) {
      case EXTERNAL_NAME -> {
        if (s.externalName() != null && r.aliases.add(name)) { // a name seen before: a CNAME loop
          Name target = DnsNames.absolute(s.externalName());
          r.answer.add(new CNAMERecord(name, DClass.IN, config.ttl(), target));
          chase(r, view, target, type, depth);
        }
      }
      case HEADLESS -> {
        if (e.ready().length == 0) {
          r.rcode = Rcode.NXDOMAIN; // spec §2.4.1: no ready endpoints
          return;
        }
        if (type == Type.SRV) {
          records.headlessSrv(r, name, e, null, null);
        } else {
          Set<Ip> seen = new HashSet<>();
          for (Slim.Endpoint ep : e.ready()) {
            if (seen.add(ep.ip())) {
              records.address(r.answer, name, ep.ip(), type);
            }
          }
        }
      }
      case CLUSTER_IP -> {
        if (config.ignoreEmptyService() && e.ready().length == 0) {
          r.rcode = Rcode.NXDOMAIN;
          return;
        }
        if (type == Type.SRV) {
          records.clusterSrv(r, name, e, null, null);
        } else {
          records.addresses(r.answer, name, s.clusterIps(), type);
        }
      }
    }
  }

  /** Follows an ExternalName CNAME whose target lies in our zone; other targets the client resolves. */
  private void chase(Reply r, ClusterView view, Name target, int type, int depth) {
    Name zone = zoneOf(target);
    if (type == Type.CNAME || zone == null || DnsNames.isReverse(zone) || depth >= 8) {
      return;
    }
    Reply inner = r.inner(zone);
    forward(inner, view, target, DnsNames.labels(target, zone), type, depth + 1);
    r.answer.addAll(inner.answer);
    r.additional.addAll(inner.additional);
    r.perAddress |= inner.perAddress;
  }

  private void endpoint(Reply r, Name name, ClusterView.ServiceEntry e, String host, int type) {
    if (e == null || e.service().kind() == Slim.Kind.EXTERNAL_NAME) {
      r.rcode = Rcode.NXDOMAIN;
      return;
    }
    boolean found = false;
    for (Slim.Endpoint ep : e.ready()) {
      if (records.hostLabel(ep).equals(host)) {
        found = true;
        records.address(r.answer, name, ep.ip(), type);
      }
    }
    if (!found) {
      r.rcode = Rcode.NXDOMAIN;
    }
  }

  private void srv(
      Reply r, Name name, ClusterView.ServiceEntry e, String port, String proto, int type) {
    if (e == null || e.service().kind() == Slim.Kind.EXTERNAL_NAME) {
      r.rcode = Rcode.NXDOMAIN;
      return;
    }
    Reply probe = r.inner(r.zone);
    if (e.service().kind() == Slim.Kind.HEADLESS) {
      records.headlessSrv(probe, name, e, port, proto);
    } else {
      records.clusterSrv(probe, name, e, port, proto);
    }
    if (probe.answer.isEmpty()) {
      r.rcode = Rcode.NXDOMAIN; // no such named port
    } else if (type == Type.SRV || type == Type.ANY) {
      r.answer.addAll(probe.answer);
      r.additional.addAll(probe.additional);
    }
  }

  private void pod(Reply r, ClusterView view, Name name, String label, String ns, int type) {
    Ip ip = config.pods() == K8sConfig.PodMode.DISABLED ? null : Ip.fromDashed(label);
    if (ip == null || (config.pods() == K8sConfig.PodMode.VERIFIED && !view.hasPod(ns, ip))) {
      r.rcode = Rcode.NXDOMAIN;
      return;
    }
    records.address(r.answer, name, ip, type);
  }

  private void reverse(Reply r, ClusterView view, Name name, int type) {
    boolean v6 = name.subdomain(DnsNames.IP6);
    Name base = v6 ? DnsNames.IP6 : DnsNames.IN_ADDR;
    Ip ip = name.subdomain(base) ? Ip.fromReverse(DnsNames.labels(name, base), v6) : null;
    List<ClusterView.PtrTarget> targets = ip == null ? List.of() : view.reverse(ip);
    if (targets.isEmpty()) {
      r.rcode = Rcode.NXDOMAIN;
      return;
    }
    if (type != Type.PTR && type != Type.ANY) {
      return;
    }
    boolean clusterIp = targets.stream().anyMatch(t -> t.endpoint() == null);
    for (ClusterView.PtrTarget t : targets) {
      Name target;
      if (clusterIp) {
        target = t.endpoint() == null ? records.serviceName(t.entry().service()) : null;
      } else {
        target = DnsNames.child(records.hostLabel(t.endpoint()), records.serviceName(t.entry().service()));
      }
      if (target != null) {
        r.answer.add(new PTRRecord(name, DClass.IN, config.ttl(), target));
      }
    }
  }

  private static String strip(String label) {
    return label.startsWith("_") ? label.substring(1) : label;
  }

}
