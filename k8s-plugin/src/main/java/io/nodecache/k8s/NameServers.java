package io.nodecache.k8s;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.Name;

/**
 * The zone's name servers, by CoreDNS's rule ({@code nsAddrs}): when an address this server answers on
 * is a ready endpoint of services, the server is behind those services and names them (their cluster
 * IPs; a headless one's endpoints under their names); otherwise it names itself, {@code ns.dns.<zone>}
 * with the addresses it answers on. A node cache is no endpoint (it answers on a link-local address
 * and, in iptables mode, on the kube-dns ClusterIP bound locally), so normally the answer is the
 * address the query arrived on: 169.254.20.10 in production. A wildcard listener does not know that
 * address; then every non-loopback interface address counts, as CoreDNS lists them without {@code
 * bind}. The answer depends on the query's local address, so it is never memoized.
 */
final class NameServers {

  /** One name server address and the name it is listed under. */
  record Address(Name name, Ip ip) {}

  private final ServiceRecords records;

  NameServers(ServiceRecords records) {
    this.records = records;
  }

  /** The name servers of {@code zone} for a query received on {@code local} (null: not known). */
  List<Address> of(ClusterView view, Name zone, InetAddress local) {
    List<Ip> locals = local == null || local.isAnyLocalAddress() ? interfaceAddresses() : List.of(Ip.of(local.getAddress()));
    Set<Address> behind = new LinkedHashSet<>();
    for (Ip ip : locals) {
      for (ClusterView.PtrTarget t : view.reverse(ip)) {
        if (t.endpoint() != null) {
          serviceAddresses(behind, t.entry());
        }
      }
    }
    if (!behind.isEmpty()) {
      return List.copyOf(behind);
    }
    Name ns = DnsNames.nsName(zone);
    List<Address> out = new ArrayList<>(locals.size());
    for (Ip ip : locals) {
      out.add(new Address(ns, ip));
    }
    return out;
  }

  private void serviceAddresses(Set<Address> out, ClusterView.ServiceEntry e) {
    Name service = records.serviceName(e.service());
    if (e.service().kind() != Slim.Kind.HEADLESS) {
      e.service().clusterIps().forEach(ip -> out.add(new Address(service, ip)));
      return;
    }
    for (Slim.Endpoint ep : e.ready()) {
      Name host = DnsNames.child(records.hostLabel(ep), service);
      if (host != null) {
        out.add(new Address(host, ep.ip()));
      }
    }
  }

  private static List<Ip> interfaceAddresses() {
    Set<Ip> out = new LinkedHashSet<>();
    try {
      for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        for (InetAddress a : Collections.list(i.getInetAddresses())) {
          if (!a.isLoopbackAddress()) {
            out.add(Ip.of(a.getAddress()));
          }
        }
      }
    } catch (SocketException e) {
      return List.of(); // no interfaces to list: no name server address
    }
    return List.copyOf(out);
  }
}
