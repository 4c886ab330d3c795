package io.nodecache.k8s;

import java.util.List;

/**
 * The slim forms of Kubernetes objects: only the fields DNS answers need (CoreDNS's {@code object}
 * package). Names are lower case; lists are immutable and shared where possible.
 */
public final class Slim {

  private Slim() {}

  /** How a Service is answered. */
  public enum Kind {
    /** ClusterIP, NodePort or LoadBalancer with cluster IPs: A/AAAA of the cluster IPs. */
    CLUSTER_IP,
    /** {@code clusterIP: None}: A/AAAA of the ready endpoints. */
    HEADLESS,
    /** {@code type: ExternalName}: a CNAME. */
    EXTERNAL_NAME
  }

  /** A named or unnamed service or endpoint port. Protocol is lower case ({@code tcp}). */
  public record Port(String name, String protocol, int port) {}

  /**
   * A Service.
   *
   * @param externalName the CNAME target of an ExternalName service, absolute, lower case; else null
   * @param publishNotReady {@code spec.publishNotReadyAddresses}: every endpoint counts as ready
   * @param externalIps {@code spec.externalIPs} then the IPs of {@code status.loadBalancer.ingress},
   *     for {@code k8s_external}
   */
  public record Service(
      String namespace,
      String name,
      Kind kind,
      List<Ip> clusterIps,
      List<Port> ports,
      String externalName,
      boolean publishNotReady,
      List<Ip> externalIps) {

    public String key() {
      return namespace + "/" + name;
    }
  }

  /**
   * One address of an EndpointSlice endpoint (an endpoint with several addresses becomes several).
   *
   * @param hostname {@code hostname}, or null
   * @param podName the {@code targetRef} Pod name, kept only for {@code endpoint_pod_names}, or null
   * @param ready {@code conditions.ready}, where null counts as ready (API docs)
   */
  public record Endpoint(Ip ip, String hostname, String podName, boolean ready) {}

  /** An EndpointSlice of the Service named by its {@code kubernetes.io/service-name} label. */
  public record Slice(
      String namespace, String name, String service, List<Endpoint> endpoints, List<Port> ports) {

    public String key() {
      return namespace + "/" + name;
    }

    public String serviceKey() {
      return namespace + "/" + service;
    }
  }

  /** A running Pod's addresses, for {@code pods verified}. */
  public record Pod(String namespace, String name, List<Ip> ips) {

    public String key() {
      return namespace + "/" + name;
    }
  }
}
