package io.nodecache.listen;

import io.nodecache.chain.Chain;
import io.nodecache.metrics.DnsMetrics;
import io.nodecache.wire.FastQuery;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Picks the server block for a query name on one listener: the block whose zone is the longest suffix
 * of the name (CoreDNS's rule); among blocks of one zone (told apart by {@code view}), the first in
 * the Corefile that takes the query. Immutable; a reload builds a new one.
 */
public final class Router {

  /**
   * One zone of one block, with the block's chain, the zone's metrics and the generation's client
   * attribution ({@link ClientAttribution#NONE} when off).
   */
  public record Route(String zone, Name name, byte[] wire, Chain chain, DnsMetrics metrics, ClientAttribution clients) {

    /** The same route attributing its clients through {@code c}. */
    public Route withClients(ClientAttribution c) {
      return new Route(zone, name, wire, chain, metrics, c);
    }
  }

  private final Route[] routes;

  public Router(List<Route> routes) {
    List<Route> sorted = new ArrayList<>(routes);
    sorted.sort(Comparator.comparingInt((Route r) -> r.wire().length).reversed());
    this.routes = sorted.toArray(new Route[0]);
  }

  public static Route route(String zone, Chain chain, DnsMetrics metrics) {
    try {
      Name n = Name.fromString(zone).canonicalize();
      return new Route(zone, n, n.toWireCanonical(), chain, metrics, ClientAttribution.NONE);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("zone '" + zone + "': " + e.getMessage(), e);
    }
  }

  public Route match(FastQuery q) {
    for (Route r : routes) {
      if (q.inZone(r.wire())) {
        return r;
      }
    }
    return null;
  }

  public Route match(Name name) {
    for (Route r : routes) {
      if (name.subdomain(r.name())) {
        return r;
      }
    }
    return null;
  }

  /**
   * The first block that takes the query: the blocks of the longest matching zone in Corefile order,
   * then those of shorter zones, each asked through {@code takes} (CoreDNS's view filters); null when
   * none does.
   */
  public Route match(Name name, Predicate<Route> takes) {
    for (Route r : routes) {
      if (name.subdomain(r.name()) && takes.test(r)) {
        return r;
      }
    }
    return null;
  }

  public List<Route> routes() {
    return List.of(routes);
  }
}
