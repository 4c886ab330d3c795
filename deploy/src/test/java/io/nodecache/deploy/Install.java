package io.nodecache.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an operator does with {@code deploy/kubernetes/nodecache.yaml}: runs the {@code sed} line that
 * {@code docs/install.md} shows for a kube-proxy mode (verbatim, with real bash and sed, the shell
 * variables set as the {@code kubectl} line would set them) and loads the result with fabric8.
 */
final class Install {

  static final String KUBE_DNS = "10.96.0.10";
  static final String UPSTREAM_SVC_IP = "10.96.0.53";
  static final String LOCAL_DNS = "169.254.20.10";
  static final String DOMAIN = "cluster.local";
  static final String IMAGE = "registry.example.com/nodecache:0.1.0";
  static final String MANIFEST = "deploy/kubernetes/nodecache.yaml";

  /** The environment a pod of the DaemonSet sees (service links of kube-system). */
  static final Map<String, String> POD_ENV =
      Map.of(
          "KUBE_DNS_UPSTREAM_SERVICE_HOST", UPSTREAM_SVC_IP,
          "KUBE_DNS_UPSTREAM_SERVICE_PORT", "53",
          "KUBERNETES_SERVICE_HOST", "10.96.0.1",
          "KUBERNETES_SERVICE_PORT", "443");

  /** kube-proxy modes with their section heading in docs/install.md. */
  enum Mode {
    IPTABLES("## 3a."),
    IPVS("## 3b.");

    final String heading;

    Mode(String heading) {
      this.heading = heading;
    }
  }

  private Install() {}

  static Path root() {
    String env = System.getenv("NODECACHE_TEST_ROOT");
    Path p = env != null && !env.isBlank() ? Path.of(env) : Path.of("..");
    if (!Files.exists(p.resolve(MANIFEST))) {
      p = Path.of(".");
    }
    return p.toAbsolutePath().normalize();
  }

  static String read(String relative) {
    try {
      return Files.readString(root().resolve(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code sed} line of a mode's section in docs/install.md. */
  static String sedLine(Mode mode) {
    String doc = read("docs/install.md");
    int at = doc.indexOf(mode.heading);
    assertThat(at).as("docs/install.md has a section '%s'", mode.heading).isNotNegative();
    int end = doc.indexOf("\n## ", at + 1);
    String section = doc.substring(at, end < 0 ? doc.length() : end);
    Matcher m = Pattern.compile("(?m)^sed -i .*$").matcher(section);
    assertThat(m.find()).as("a 'sed -i' line in section %s", mode.heading).isTrue();
    return m.group();
  }

  /** The manifest after the documented {@code sed} of {@code mode}, run in a copy of the tree. */
  static String substituted(Mode mode, Path scratch) throws Exception {
    Path copy = scratch.resolve(MANIFEST);
    Files.createDirectories(copy.getParent());
    Files.writeString(copy, read(MANIFEST));
    ProcessBuilder pb = new ProcessBuilder("bash", "-euc", sedLine(mode)).directory(scratch.toFile());
    pb.environment().put("kubedns", KUBE_DNS);
    pb.environment().put("domain", DOMAIN);
    pb.environment().put("localdns", LOCAL_DNS);
    pb.environment().put("image", IMAGE);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("sed finished").isTrue();
    assertThat(p.exitValue()).as("sed exit status, output: %s", out).isZero();
    return Files.readString(copy);
  }

  /** Every document of a multi-document YAML text as fabric8 typed objects. */
  static List<HasMetadata> load(String yaml) {
    Object parsed = new KubernetesSerialization().unmarshal(yaml);
    List<HasMetadata> out = new ArrayList<>();
    if (parsed instanceof List<?> list) {
      for (Object o : list) {
        out.add((HasMetadata) o);
      }
    } else {
      out.add((HasMetadata) parsed);
    }
    return out;
  }

  static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> kind) {
    List<T> found = objects.stream().filter(kind::isInstance).map(kind::cast).toList();
    assertThat(found).as("exactly one %s", kind.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  static String corefile(List<HasMetadata> objects) {
    ConfigMap cm = one(objects, ConfigMap.class);
    assertThat(cm.getMetadata().getName()).isEqualTo("node-local-dns");
    assertThat(cm.getData()).containsKey("Corefile");
    return cm.getData().get("Corefile");
  }
}
