package io.nodecache.config;

import java.util.Optional;

/**
 * Finds a Service's ClusterIP when its {@code NAME_SERVICE_HOST} variable is missing (a Service created
 * after the pod, or {@code enableServiceLinks: false}). The kubernetes plugin provides one through
 * {@link java.util.ServiceLoader}; the server itself has no API client.
 */
public interface ServiceAddressLookup {

  /**
   * @param service the Service name, in the namespace the server runs in
   * @return its ClusterIP, or empty when there is no API to ask or no such Service
   */
  Optional<String> clusterIp(String service);
}
