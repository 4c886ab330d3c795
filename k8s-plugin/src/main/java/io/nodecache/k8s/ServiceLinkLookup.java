package io.nodecache.k8s;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.nodecache.config.ServiceAddressLookup;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code -upstreamsvc} through the API: when {@code NAME_SERVICE_HOST} is missing (a Service created
 * after the pod, {@code enableServiceLinks: false}), reads the Service's ClusterIP with one GET, from
 * the pod's service account (or the {@code kubeconfig} system property / {@code KUBECONFIG}), in the
 * namespace the pod runs in ({@code POD_NAMESPACE}, the service account's namespace, else
 * {@code kube-system}).
 */
public final class ServiceLinkLookup implements ServiceAddressLookup {

  private static final Logger log = LoggerFactory.getLogger(ServiceLinkLookup.class);
  private static final Path SA_NAMESPACE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  @Override
  public Optional<String> clusterIp(String service) {
    String kubeconfig = System.getProperty("kubeconfig", System.getenv("KUBECONFIG"));
    boolean inCluster = System.getenv("KUBERNETES_SERVICE_HOST") != null;
    if (kubeconfig == null && !inCluster) {
      return Optional.empty(); // no API to ask
    }
    Config c = kubeconfig != null ? Config.fromKubeconfig(null, new File(kubeconfig)) : Config.autoConfigure(null);
    c.setRequestTimeout(5_000);
    c.setConnectionTimeout(5_000);
    c.setRequestRetryBackoffLimit(2);
    String ns = namespace();
    try (KubernetesClient client =
        new KubernetesClientBuilder().withConfig(c).withHttpClientFactory(new JdkHttpClientFactory())
            .withKubernetesSerialization(ModelKinds.serialization()).build()) {
      Service s = client.services().inNamespace(ns).withName(service).get();
      if (s == null || s.getSpec() == null || s.getSpec().getClusterIP() == null || "None".equals(s.getSpec().getClusterIP())) {
        log.warn("Service {}/{} has no ClusterIP in the API", ns, service);
        return Optional.empty();
      }
      return Optional.of(s.getSpec().getClusterIP());
    } catch (RuntimeException e) {
      log.warn("cannot read Service {}/{} from the API: {}", ns, service, e.getMessage());
      return Optional.empty();
    }
  }

  private static String namespace() {
    String ns = System.getenv("POD_NAMESPACE");
    if (ns != null && !ns.isBlank()) {
      return ns.trim();
    }
    try {
      return Files.readString(SA_NAMESPACE).trim();
    } catch (Exception e) {
      return "kube-system";
    }
  }
}
