package io.nodecache.k8s;

import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import io.nodecache.config.Names;
import io.nodecache.config.Values;
import io.nodecache.config.Zones;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The {@code kubernetes} directive, with CoreDNS's syntax:
 *
 * <pre>
 * kubernetes [ZONES...] {
 *   endpoint URL | kubeconfig PATH [CONTEXT] | tls CERT KEY CACERT
 *   namespaces NAMESPACE...   pods disabled|insecure|verified   endpoint_pod_names
 *   ttl TTL   noendpoints   fallthrough [ZONES...]   ignore empty_service
 *   startup_timeout DURATION  snapshot FILE  stale_after DURATION
 * }
 * </pre>
 *
 * @param zones the zones answered, lower case, absolute; the server block's zones when none are given
 * @param namespaces exposed namespaces (lower case); empty means all
 * @param fallthrough null: never fall through; empty: for every zone; else for these zones
 * @param inCluster no endpoint or kubeconfig given, but the process runs in a pod: use the service account
 * @param snapshot the snapshot file, or null
 * @param staleAfter {@code stale_after}: how long the view may answer with no watch connected, counted
 *     from the last moment every informer was seen watching (or from start); null: forever (default)
 */
public record K8sConfig(
    List<Name> zones,
    String endpoint,
    String kubeconfig,
    String context,
    List<String> tls,
    boolean inCluster,
    Set<String> namespaces,
    PodMode pods,
    boolean endpointPodNames,
    int ttl,
    boolean noEndpoints,
    List<Name> fallthrough,
    boolean ignoreEmptyService,
    Path snapshot,
    Duration staleAfter,
    Duration startupTimeout) {

  /** How {@code a-b-c-d.<ns>.pod.<zone>} names are answered. */
  public enum PodMode {
    DISABLED,
    INSECURE,
    VERIFIED
  }

  public static final int DEFAULT_TTL = 5;

  private static final String[] OPTIONS = {
    "endpoint", "kubeconfig", "tls", "namespaces", "pods", "endpoint_pod_names", "ttl", "noendpoints",
    "fallthrough", "ignore", "startup_timeout", "snapshot", "stale_after"
  };

  public K8sConfig {
    zones = List.copyOf(zones);
    tls = List.copyOf(tls);
    namespaces = Set.copyOf(namespaces);
    fallthrough = fallthrough == null ? null : List.copyOf(fallthrough);
  }

  /** True when objects come from an API server (not only from the snapshot file). */
  public boolean hasApi() {
    return endpoint != null || kubeconfig != null || inCluster;
  }

  public boolean exposed(String namespace) {
    return namespaces.isEmpty() || namespaces.contains(namespace);
  }

  /** Whether an NXDOMAIN for {@code qname} goes to the next handler. */
  public boolean fallsThrough(Name qname) {
    if (fallthrough == null) {
      return false;
    }
    if (fallthrough.isEmpty()) {
      return true;
    }
    for (Name z : fallthrough) {
      if (qname.subdomain(z)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Parses the directive. {@code blockZones} are the server block's zones, {@code env} the process
   * environment (in-cluster detection through {@code KUBERNETES_SERVICE_HOST}).
   */
  public static K8sConfig parse(Directive d, List<String> blockZones, Map<String, String> env)
      throws ConfigException {
    // As CoreDNS (plugin.OriginsFromArgsOrServerBlock): a zone argument that is not a valid name is
    // dropped silently; none valid at all is refused, as it would leave the plugin nothing to answer.
    List<Name> zones = new ArrayList<>();
    for (String z : Zones.originsFromArgsOrBlock(d.args(), blockZones)) {
      zones.add(name(d, z));
    }
    if (zones.isEmpty()) {
      throw d.error("no valid zone among " + d.args());
    }
    String endpoint = null;
    String kubeconfig = null;
    String context = null;
    List<String> tls = List.of();
    Set<String> namespaces = new LinkedHashSet<>();
    PodMode pods = PodMode.DISABLED;
    boolean podNames = false;
    int ttl = DEFAULT_TTL;
    boolean noEndpoints = false;
    List<Name> fallthrough = null;
    boolean ignoreEmpty = false;
    Path snapshot = null;
    Duration staleAfter = null;
    Duration startupTimeout = null;
    Directive staleAt = null;
    for (Directive o : d.block()) {
      switch (o.name()) {
        case "endpoint" -> {
          o.expectArgs(1, 1).expectNoBlock();
          endpoint = o.arg(0);
          if (!endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
            throw o.error("'" + endpoint + "' (expected: an http:// or https:// URL)");
          }
        }
        case "kubeconfig" -> {
          o.expectArgs(1, 2).expectNoBlock();
          kubeconfig = o.arg(0);
          context = o.args().size() > 1 ? o.arg(1) : null;
        }
        case "tls" -> tls = o.expectArgs(3, 3).expectNoBlock().args();
        case "namespaces" -> {
          o.expectArgs(1, Integer.MAX_VALUE).expectNoBlock();
          o.args().forEach(n -> namespaces.add(Slimmer.lower(n)));
        }
        case "pods" -> {
          o.expectArgs(1, 1).expectNoBlock();
          pods =
              switch (o.arg(0)) {
                case "disabled" -> PodMode.DISABLED;
                case "insecure" -> PodMode.INSECURE;
                case "verified" -> PodMode.VERIFIED;
                default -> throw o.error("'" + o.arg(0) + "' (expected: disabled, insecure or verified)");
              };
        }
        case "endpoint_pod_names" -> {
          o.expectArgs(0, 0).expectNoBlock();
          podNames = true;
        }
        case "ttl" -> ttl = ttl(o.expectArgs(1, 1).expectNoBlock());
        case "noendpoints" -> {
          o.expectArgs(0, 0).expectNoBlock();
          noEndpoints = true;
        }
        case "fallthrough" -> {
          o.expectNoBlock();
          fallthrough = new ArrayList<>();
          for (String z : o.args()) {
            fallthrough.add(name(o, z));
          }
        }
        case "ignore" -> {
          o.expectArgs(1, 1).expectNoBlock();
          if (!o.arg(0).equals("empty_service")) {
            throw o.error("'" + o.arg(0) + "' (expected: empty_service)");
          }
          ignoreEmpty = true;
        }
        case "startup_timeout" -> {
          startupTimeout =
              Values.duration(o.expectArgs(1, 1).expectNoBlock(), o.arg(0), Duration.ZERO, Duration.ofHours(1));
        }
        case "snapshot" -> snapshot = Path.of(o.expectArgs(1, 1).expectNoBlock().arg(0));
        case "stale_after" -> {
          staleAt = o.expectArgs(1, 1).expectNoBlock();
          staleAfter = Values.duration(o, o.arg(0), Duration.ofSeconds(1), Duration.ofHours(24));
        }
        default -> throw d.unknownOption(o, OPTIONS);
      }
    }
    if (endpoint != null && kubeconfig != null) {
      throw d.error("endpoint and kubeconfig are exclusive");
    }
    boolean inCluster =
        endpoint == null && kubeconfig == null && env.containsKey("KUBERNETES_SERVICE_HOST");
    if (endpoint == null && kubeconfig == null && !inCluster && snapshot == null) {
      throw d.error(
          "no source of cluster data (expected: endpoint, kubeconfig or snapshot, or running in a pod)");
    }
    if (staleAt != null && endpoint == null && kubeconfig == null && !inCluster) {
      throw staleAt.error("needs an API server (endpoint, kubeconfig or running in a pod)");
    }
    return new K8sConfig(
        zones, endpoint, kubeconfig, context, tls, inCluster, namespaces, pods, podNames, ttl,
        noEndpoints, fallthrough, ignoreEmpty, snapshot, staleAfter, startupTimeout);
  }

  private static int ttl(Directive o) throws ConfigException {
    String t = o.arg(0);
    if (!t.matches("\\d{1,9}") || Integer.parseInt(t) > 3600) {
      throw o.error(t + " (expected: 0..3600)");
    }
    return Integer.parseInt(t);
  }

  private static Name name(Directive d, String zone) throws ConfigException {
    try {
      return Name.fromString(Names.canonical(zone));
    } catch (TextParseException e) {
      throw d.error("zone '" + zone + "': " + e.getMessage());
    }
  }
}
