package io.nodecache.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetUpdateStrategy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The migration from node-local-dns ({@code docs/migration.md}): our manifest's object names, labels,
 * selector, container name, Service ports and ConfigMap layout are node-local-dns's, so that {@code
 * kubectl apply} replaces in place; the documented first-rollout {@code sed} line changes only the
 * update strategy; the documented adoption block records only fields our manifest leaves out.
 *
 * <p>node-local-dns's values are those of {@code cluster/addons/dns/nodelocaldns/nodelocaldns.yaml} in
 * kubernetes/kubernetes (as summarised in the project's reference notes, {@code
 * shared/reference/node-cache-and-coredns.md} §1.10), written out here.
 */
class MigrationTest {

  @TempDir Path scratch;

  private List<HasMetadata> ours() throws Exception {
    return Install.load(Install.substituted(Install.Mode.IPTABLES, scratch));
  }

  static Stream<Arguments> nodeLocalDnsObjects() {
    return Stream.of(
        Arguments.of("ServiceAccount", "node-local-dns", Map.of("k8s-app", "node-local-dns")),
        Arguments.of("Service", "kube-dns-upstream", Map.of("k8s-app", "kube-dns", "kubernetes.io/name", "KubeDNSUpstream")),
        Arguments.of("Service", "node-local-dns", Map.of("k8s-app", "node-local-dns")),
        Arguments.of("ConfigMap", "node-local-dns", Map.of("k8s-app", "node-local-dns")),
        Arguments.of("DaemonSet", "node-local-dns", Map.of("k8s-app", "node-local-dns")));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("nodeLocalDnsObjects")
  void everyNodeLocalDnsObjectHasItsNameNamespaceAndLabels(String kind, String name, Map<String, String> labels)
      throws Exception {
    HasMetadata o = find(ours(), kind, name);
    assertThat(o.getMetadata().getNamespace()).isEqualTo("kube-system");
    assertThat(o.getMetadata().getLabels()).containsAllEntriesOf(labels);
  }

  @Test
  void theDaemonSetSelectsAndRunsWhatNodeLocalDnsDoes() throws Exception {
    List<HasMetadata> objects = ours();
    DaemonSet ds = (DaemonSet) find(objects, "DaemonSet", "node-local-dns");
    // The selector is immutable: any difference and the apply is refused.
    assertThat(ds.getSpec().getSelector().getMatchLabels()).isEqualTo(Map.of("k8s-app", "node-local-dns"));
    assertThat(ds.getSpec().getSelector().getMatchExpressions()).isNullOrEmpty();
    assertThat(ds.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("k8s-app", "node-local-dns");
    var pod = ds.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("node-local-dns");
    assertThat(pod.getContainers()).extracting(Container::getName).containsExactly("node-cache");
    assertThat(pod.getVolumes())
        .extracting(v -> v.getName())
        .contains("config-volume", "kube-dns-config", "xtables-lock");
    var config = pod.getVolumes().stream().filter(v -> v.getName().equals("config-volume")).findFirst().orElseThrow();
    assertThat(config.getConfigMap().getName()).isEqualTo("node-local-dns");
    assertThat(config.getConfigMap().getItems())
        .extracting(i -> i.getKey(), i -> i.getPath())
        .containsExactly(tuple("Corefile", "Corefile.base"));
    var kubeDns = pod.getVolumes().stream().filter(v -> v.getName().equals("kube-dns-config")).findFirst().orElseThrow();
    assertThat(kubeDns.getConfigMap().getName()).isEqualTo("kube-dns");
  }

  @Test
  void theServicesHaveNodeLocalDnsPortsAndSelectors() throws Exception {
    List<HasMetadata> objects = ours();
    Service upstream = (Service) find(objects, "Service", "kube-dns-upstream");
    assertThat(upstream.getSpec().getSelector()).isEqualTo(Map.of("k8s-app", "kube-dns"));
    assertThat(upstream.getSpec().getPorts())
        .extracting(p -> p.getName(), p -> p.getPort(), p -> p.getProtocol(), p -> p.getTargetPort().getIntVal())
        .containsExactly(tuple("dns", 53, "UDP", 53), tuple("dns-tcp", 53, "TCP", 53));
    Service metrics = (Service) find(objects, "Service", "node-local-dns");
    assertThat(metrics.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(metrics.getSpec().getSelector()).isEqualTo(Map.of("k8s-app", "node-local-dns"));
    assertThat(metrics.getSpec().getPorts())
        .extracting(p -> p.getName(), p -> p.getPort(), p -> p.getProtocol(), p -> p.getTargetPort().getIntVal())
        .containsExactly(tuple("metrics", 9253, "TCP", 9253));
    ConfigMap cm = (ConfigMap) find(objects, "ConfigMap", "node-local-dns");
    assertThat(cm.getData()).containsOnlyKeys("Corefile");
  }

  @ParameterizedTest
  @EnumSource(Install.Mode.class)
  void theFirstRolloutVariantChangesOnlyTheUpdateStrategy(Install.Mode mode) throws Exception {
    List<HasMetadata> rendered = Install.load(Install.substituted(mode, scratch));
    String line = documented("(?m)^sed -e .*> nodecache-first-rollout\\.yaml$");
    ProcessBuilder pb = new ProcessBuilder("bash", "-euc", line).directory(scratch.toFile()).redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("sed finished").isTrue();
    assertThat(p.exitValue()).as("sed exit status, output: %s", out).isZero();
    List<HasMetadata> first = Install.load(Files.readString(scratch.resolve("nodecache-first-rollout.yaml")));

    DaemonSet ds = Install.one(first, DaemonSet.class);
    DaemonSetUpdateStrategy strategy = ds.getSpec().getUpdateStrategy();
    assertThat(strategy.getType()).isEqualTo("RollingUpdate");
    assertThat(strategy.getRollingUpdate().getMaxSurge().getIntVal()).as("no surge beside node-cache's hostPorts").isZero();
    assertThat(strategy.getRollingUpdate().getMaxUnavailable().getIntVal()).isEqualTo(1);
    ds.getSpec().setUpdateStrategy(Install.one(rendered, DaemonSet.class).getSpec().getUpdateStrategy());
    assertThat(first).as("everything but the strategy").isEqualTo(rendered);
  }

  @Test
  void theAdoptionBlockRecordsOnlyFieldsOurManifestLeavesOut() throws Exception {
    String block = documented("(?s)set-last-applied --create-annotation=true -f - <<'EOF'\n(.*?)\nEOF\n");
    List<HasMetadata> adopted = Install.load(block);
    List<HasMetadata> objects = ours();
    assertThat(adopted).extracting(HasMetadata::getKind).containsExactly("Service", "DaemonSet");
    for (HasMetadata o : adopted) {
      assertThat(o.getMetadata().getNamespace()).isEqualTo("kube-system");
      find(objects, o.getKind(), o.getMetadata().getName()); // an object of ours, to be applied over
    }

    Service recorded = (Service) adopted.get(0);
    assertThat(recorded.getMetadata().getAnnotations())
        .isEqualTo(Map.of("prometheus.io/port", "9253", "prometheus.io/scrape", "true"));
    assertThat(find(objects, "Service", "node-local-dns").getMetadata().getAnnotations())
        .as("so apply deletes them").isNullOrEmpty();

    Container recordedContainer = ((DaemonSet) adopted.get(1)).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(recordedContainer.getName()).isEqualTo("node-cache");
    assertThat(recordedContainer.getPorts())
        .extracting(p -> p.getName(), p -> p.getContainerPort(), p -> p.getProtocol())
        .containsExactly(tuple("dns", 53, "UDP"), tuple("dns-tcp", 53, "TCP"), tuple("metrics", 9253, "TCP"));
    assertThat(ManifestTest.container(objects).getName()).isEqualTo(recordedContainer.getName());
    assertThat(ManifestTest.container(objects).getPorts()).as("so apply deletes them").isNullOrEmpty();
  }

  @Test
  void theReadmeLinksTheMigration() {
    assertThat(Install.read("README.md")).contains("docs/migration.md");
  }

  /** The first match (group 1 if any) of {@code regex} in docs/migration.md. */
  private static String documented(String regex) {
    Matcher m = Pattern.compile(regex).matcher(Install.read("docs/migration.md"));
    assertThat(m.find()).as("docs/migration.md has %s", regex).isTrue();
    return m.groupCount() > 0 ? m.group(1) : m.group();
  }

  private static HasMetadata find(List<HasMetadata> objects, String kind, String name) {
    return objects.stream()
        .filter(o -> o.getKind().equals(kind) && o.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + Install.MANIFEST));
  }
}
