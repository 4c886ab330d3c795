package io.nodecache.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.nodecache.config.Flags;
import io.nodecache.config.Pillars;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code -upstreamsvc}: the ClusterIP comes from the API when the service-link variable is missing. */
class ServiceLinkLookupTest {

  @TempDir Path dir;

  @AfterEach
  void clear() {
    System.clearProperty("kubeconfig");
  }

  @Test
  void fillsTheClusterDnsPillarFromTheApiWhenTheVariableIsMissing() throws Exception {
    try (MockApi api = new MockApi(0)) {
      api.admin
          .services()
          .inNamespace("kube-system")
          .resource(
              new ServiceBuilder()
                  .withNewMetadata().withName("kube-dns-upstream").withNamespace("kube-system").endMetadata()
                  .withNewSpec().withClusterIP("10.96.0.53").endSpec()
                  .build())
          .create();
      System.setProperty("kubeconfig", api.kubeconfig(dir).toString());
      Flags flags = Flags.parse("-upstreamsvc", "kube-dns-upstream");
      String text = Pillars.fill("forward . __PILLAR__CLUSTER__DNS__", flags, Map.of(), Pillars.discoveredLookups());
      assertThat(text).isEqualTo("forward . 10.96.0.53");
      // The variable wins when present (node-cache's source), the API is only the fallback.
      assertThat(Pillars.fill("forward . __PILLAR__CLUSTER__DNS__", flags, Map.of("KUBE_DNS_UPSTREAM_SERVICE_HOST", "10.0.0.9"), Pillars.discoveredLookups()))
          .isEqualTo("forward . 10.0.0.9");
      Flags missing = Flags.parse("-upstreamsvc", "no-such-service");
      assertThatThrownBy(() -> Pillars.fill("forward . __PILLAR__CLUSTER__DNS__", missing, Map.of(), Pillars.discoveredLookups()))
          .hasMessageStartingWith("__PILLAR__CLUSTER__DNS__: environment variable NO_SUCH_SERVICE_SERVICE_HOST is not set");
    }
  }
}
