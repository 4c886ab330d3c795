package io.nodecache.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.nodecache.config.Flags;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code deploy/kubernetes/nodecache.yaml} after the documented {@code sed} of each kube-proxy mode,
 * loaded with fabric8 into typed objects: the essentials of every object and that they agree with
 * each other (selectors, ports, probes, flags).
 */
class ManifestTest {

  @TempDir Path scratch;

  private List<HasMetadata> load(Install.Mode mode) throws Exception {
    return Install.load(Install.substituted(mode, scratch));
  }

  @ParameterizedTest
  @EnumSource(Install.Mode.class)
  void everyObjectLoadsWithOnlyKnownFields(Install.Mode mode) throws Exception {
    List<HasMetadata> objects = load(mode);
    assertThat(objects)
        .extracting(o -> o.getKind(), o -> o.getMetadata().getName())
        .containsExactly(
            tuple("ServiceAccount", "node-local-dns"),
            tuple("ClusterRole", "node-local-dns"),
            tuple("ClusterRoleBinding", "node-local-dns"),
            tuple("Service", "kube-dns-upstream"),
            tuple("Service", "node-local-dns"),
            tuple("ConfigMap", "node-local-dns"),
            tuple("DaemonSet", "node-local-dns"));
    for (HasMetadata o : objects) {
      assertThat(StrictFields.unknown(o, o.getKind())).as("fields fabric8 does not know").isEmpty();
      if (!o.getKind().startsWith("Cluster")) {
        assertThat(o.getMetadata().getNamespace()).as(o.getKind()).isEqualTo("kube-system");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Install.Mode.class)
  void onlyNodecachePlaceholdersAreLeftAfterTheDocumentedSed(Install.Mode mode) throws Exception {
    String text = Install.substituted(mode, scratch);
    List<String> left = new ArrayList<>();
    Matcher m = Pattern.compile("__[A-Z]+(?:__?[A-Z]+)*__").matcher(text);
    while (m.find()) {
      left.add(m.group());
    }
    List<String> filledAtStart =
        mode == Install.Mode.IPTABLES
            ? List.of("__PILLAR__CLUSTER__DNS__", "__PILLAR__UPSTREAM__SERVERS__")
            : List.of("__PILLAR__DNS__SERVER__", "__PILLAR__UPSTREAM__SERVERS__");
    assertThat(left).isNotEmpty().allSatisfy(p -> assertThat(filledAtStart).contains(p));
    assertThat(text).contains("image: " + Install.IMAGE);
  }

  @Test
  void rbacIsListAndWatchOfServicesEndpointSlicesNamespacesAndPods() throws Exception {
    List<HasMetadata> objects = load(Install.Mode.IPTABLES);
    ClusterRole role = Install.one(objects, ClusterRole.class);
    List<String> grants = new ArrayList<>();
    for (PolicyRule r : role.getRules()) {
      assertThat(r.getVerbs()).as("verbs").containsExactlyInAnyOrder("list", "watch");
      for (String group : r.getApiGroups()) {
        for (String res : r.getResources()) {
          grants.add(group + "/" + res);
        }
      }
    }
    assertThat(grants)
        .containsExactlyInAnyOrder("/services", "/namespaces", "/pods", "discovery.k8s.io/endpointslices");

    ClusterRoleBinding binding = Install.one(objects, ClusterRoleBinding.class);
    assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    ServiceAccount sa = Install.one(objects, ServiceAccount.class);
    assertThat(binding.getSubjects())
        .extracting(s -> s.getKind(), s -> s.getName(), s -> s.getNamespace())
        .containsExactly(tuple("ServiceAccount", sa.getMetadata().getName(), sa.getMetadata().getNamespace()));
    assertThat(pod(objects).getServiceAccountName()).isEqualTo(sa.getMetadata().getName());
  }

  @Test
  void servicesSelectTheRightPodsOnTheRightPorts() throws Exception {
    List<HasMetadata> objects = load(Install.Mode.IPTABLES);
    Service upstream = service(objects, "kube-dns-upstream");
    assertThat(upstream.getSpec().getSelector()).isEqualTo(Map.of("k8s-app", "kube-dns"));
    assertThat(upstream.getSpec().getClusterIP()).as("a ClusterIP of its own").isNull();
    assertThat(upstream.getSpec().getPorts())
        .extracting(p -> p.getProtocol(), p -> p.getPort(), p -> p.getTargetPort().getIntVal())
        .containsExactlyInAnyOrder(tuple("UDP", 53, 53), tuple("TCP", 53, 53));
    assertThat(objects.indexOf(upstream))
        .as("kube-dns-upstream is created before the pods (service link KUBE_DNS_UPSTREAM_SERVICE_HOST)")
        .isLessThan(objects.indexOf(Install.one(objects, DaemonSet.class)));

    Service metrics = service(objects, "node-local-dns");
    DaemonSet ds = Install.one(objects, DaemonSet.class);
    Map<String, String> podLabels = ds.getSpec().getTemplate().getMetadata().getLabels();
    assertThat(metrics.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(podLabels).containsAllEntriesOf(metrics.getSpec().getSelector());
    assertThat(podLabels).containsAllEntriesOf(ds.getSpec().getSelector().getMatchLabels());
    assertThat(metrics.getSpec().getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getPort()).isEqualTo(METRICS_PORT);
      assertThat(p.getTargetPort().getIntVal()).isEqualTo(METRICS_PORT);
      assertThat(p.getProtocol()).isEqualTo("TCP");
    });
    assertThat(ds.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/port", String.valueOf(METRICS_PORT));
    assertThat(Install.corefile(objects)).contains("prometheus :" + METRICS_PORT);
    assertThat(metrics.getMetadata().getAnnotations()).as("no second annotation-based scrape").isNullOrEmpty();
  }

  @Test
  void upgradesHandTheSocketsOverFromTheOldPodToTheNewOne() throws Exception {
    List<HasMetadata> objects = load(Install.Mode.IPTABLES);
    DaemonSet ds = Install.one(objects, DaemonSet.class);
    var rolling = ds.getSpec().getUpdateStrategy().getRollingUpdate();
    assertThat(ds.getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(rolling.getMaxSurge().getIntVal()).as("the new pod starts beside the old one").isEqualTo(1);
    assertThat(rolling.getMaxUnavailable().getIntVal()).as("the old pod serves until the new one is ready").isZero();

    Container c = container(objects);
    assertThat(c.getPorts()).as("a hostPort would keep the surge pod off the node").isNullOrEmpty();
    Flags flags = Flags.parse(c.getArgs().toArray(String[]::new));
    assertThat(flags.handoff()).isEqualTo("/run/nodecache/handoff.sock");
    var mount =
        c.getVolumeMounts().stream()
            .filter(m -> flags.handoff().startsWith(m.getMountPath() + "/"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no volume holds " + flags.handoff()));
    var volume =
        pod(objects).getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
    assertThat(volume.getHostPath()).as("both pods of a node see the socket").isNotNull();
    assertThat(volume.getHostPath().getPath()).isEqualTo(mount.getMountPath());
    assertThat(volume.getHostPath().getType()).isEqualTo("DirectoryOrCreate");
    assertThat(mount.getReadOnly()).isNotEqualTo(Boolean.TRUE);
  }

  @Test
  void daemonSetRunsOnTheHostNetworkAsACriticalPodEverywhere() throws Exception {
    List<HasMetadata> objects = load(Install.Mode.IPTABLES);
    DaemonSet ds = Install.one(objects, DaemonSet.class);
    PodSpec pod = pod(objects);
    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(pod.getDnsPolicy()).isEqualTo("Default");
    assertThat(pod.getPriorityClassName()).isEqualTo("system-node-critical");
    assertThat(pod.getEnableServiceLinks()).isNotEqualTo(Boolean.FALSE);
    assertThat(pod.getTolerations())
        .extracting(t -> t.getKey(), t -> t.getOperator(), t -> t.getEffect())
        .contains(
            tuple("CriticalAddonsOnly", "Exists", null),
            tuple(null, "Exists", "NoExecute"),
            tuple(null, "Exists", "NoSchedule"));
    Container c = container(objects);
    assertThat(c.getImage()).isEqualTo(Install.IMAGE);
    var caps = c.getSecurityContext().getCapabilities();
    assertThat(caps.getAdd()).contains("NET_ADMIN", "NET_RAW", "NET_BIND_SERVICE", "SYS_NICE");
    assertThat(caps.getDrop()).containsExactly("ALL");
    assertThat(c.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);
  }

  @ParameterizedTest
  @EnumSource(Install.Mode.class)
  void argsAreValidFlagsAndListenWhereTheModeNeeds(Install.Mode mode) throws Exception {
    List<HasMetadata> objects = load(mode);
    Container c = container(objects);
    assertThat(c.getCommand()).as("the image's entry point runs the jar").isNullOrEmpty();
    Flags flags = Flags.parse(c.getArgs().toArray(String[]::new));
    List<String> ips = flags.localIps().stream().map(InetAddress::getHostAddress).toList();
    assertThat(ips)
        .containsExactlyElementsOf(
            mode == Install.Mode.IPTABLES ? List.of(Install.LOCAL_DNS, Install.KUBE_DNS) : List.of(Install.LOCAL_DNS));
    assertThat(flags.upstreamSvc()).isEqualTo("kube-dns-upstream");
    assertThat(flags.healthPort()).isEqualTo(8080);
    assertThat(flags.pidfile()).isNotEmpty(); // iptables rules wait for it, as node-cache's do
    assertThat(flags.conf()).isEqualTo("/etc/Corefile");
    // The ConfigMap's Corefile is the template -basecorefile names (its default path).
    assertThat(flags.baseCorefile()).isEqualTo(mountPath(c, "config-volume") + "/" + configItemPath(objects));
  }

  @Test
  void probesHitHealthAndReadyOnTheLocalAddress() throws Exception {
    Container c = container(load(Install.Mode.IPTABLES));
    var live = c.getLivenessProbe().getHttpGet();
    assertThat(live.getPath()).isEqualTo("/health");
    assertThat(live.getPort().getIntVal()).isEqualTo(8080);
    assertThat(live.getHost()).isEqualTo(Install.LOCAL_DNS);
    var ready = c.getReadinessProbe().getHttpGet();
    assertThat(ready.getPath()).isEqualTo("/ready");
    assertThat(ready.getPort().getIntVal()).isEqualTo(8181);
    assertThat(ready.getHost()).isEqualTo(Install.LOCAL_DNS);
    assertThat(c.getLivenessProbe().getTimeoutSeconds()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void volumesShareTheXtablesLockKeepTheSnapshotAndFollowConfigMapEdits() throws Exception {
    List<HasMetadata> objects = load(Install.Mode.IPTABLES);
    PodSpec pod = pod(objects);
    Container c = container(objects);

    Volume lock = volume(pod, "xtables-lock");
    assertThat(lock.getHostPath().getPath()).isEqualTo("/run/xtables.lock");
    assertThat(lock.getHostPath().getType()).isEqualTo("FileOrCreate");
    assertThat(mountPath(c, "xtables-lock")).isEqualTo("/run/xtables.lock");
    assertThat(mount(c, "xtables-lock").getReadOnly()).isNotEqualTo(Boolean.TRUE);

    Volume config = volume(pod, "config-volume");
    assertThat(config.getConfigMap().getName()).isEqualTo(Install.one(objects, ConfigMap.class).getMetadata().getName());
    assertThat(config.getConfigMap().getItems()).singleElement().satisfies(i -> assertThat(i.getKey()).isEqualTo("Corefile"));
    assertThat(mount(c, "config-volume").getSubPath()).as("subPath mounts never see ConfigMap edits").isNull();

    // kube-dns's stubDomains/upstreamNameservers, where node-cache looks for them by default.
    Volume kubeDns = volume(pod, "kube-dns-config");
    assertThat(kubeDns.getConfigMap().getName()).isEqualTo("kube-dns");
    assertThat(kubeDns.getConfigMap().getOptional()).as("clusters without that ConfigMap").isTrue();
    assertThat(mountPath(c, "kube-dns-config")).isEqualTo("/etc/kube-dns");
    assertThat(mount(c, "kube-dns-config").getSubPath()).isNull();

    Volume snapshot = volume(pod, "snapshot");
    assertThat(snapshot.getHostPath().getPath()).isEqualTo("/var/lib/nodecache");
    assertThat(snapshot.getHostPath().getType()).isEqualTo("DirectoryOrCreate");
    String corefile = Install.corefile(objects);
    Matcher m = Pattern.compile("snapshot (\\S+)").matcher(corefile);
    assertThat(m.find()).isTrue();
    assertThat(Path.of(m.group(1)).getParent().toString()).isEqualTo(mountPath(c, "snapshot"));
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem())
        .as("the rendered Corefile is written to -conf, the pidfile to /tmp")
        .isNotEqualTo(Boolean.TRUE);
  }

  @Test
  void memoryLimitHoldsTheJvmCapsAndTheFlagsWork() throws Exception {
    Container c = container(load(Install.Mode.IPTABLES));
    Map<String, Quantity> limits = c.getResources().getLimits();
    Map<String, Quantity> requests = c.getResources().getRequests();
    assertThat(limits).containsKey("memory").doesNotContainKey("cpu"); // CPU throttling is DNS latency
    assertThat(requests).containsKeys("cpu", "memory");
    long limit = bytes(limits.get("memory"));
    assertThat(bytes(requests.get("memory"))).isLessThanOrEqualTo(limit);

    String opts = env(c, "JAVA_TOOL_OPTIONS");
    long heap = size(opts, "-Xmx(\\S+)");
    long direct = size(opts, "-XX:MaxDirectMemorySize=(\\S+)");
    long metaspace = size(opts, "-XX:MaxMetaspaceSize=(\\S+)");
    long code = size(opts, "-XX:ReservedCodeCacheSize=(\\S+)");
    long rest = 64L << 20; // stacks, GC, JVM internals, libraries: measured ~35 MiB (docs/install.md)
    assertThat(heap + direct + metaspace + code + rest).as("capped JVM pools fit the limit").isLessThanOrEqualTo(limit);
    assertThat(opts).contains("-XX:+ExitOnOutOfMemoryError");

    // The image's JVM (25) must accept every flag; the JDK 17 the code is also built and tested on must
    // accept all but the three that only 25 has (compact headers, Unsafe's memory access, the AOT cache).
    assertThat(opts).contains("-XX:+UseCompactObjectHeaders", "--sun-misc-unsafe-memory-access=allow",
        "-XX:AOTCache=/opt/nodecache/nodecache.aot");
    List<String> flags = List.of(opts.trim().split("\\s+"));
    String current = ProcessHandle.current().info().command().orElse("java");
    if (Runtime.version().feature() >= 25) {
      assertFlagsAccepted(current, flags);
    } else {
      assertFlagsAccepted(current, flags.stream()
          .filter(f -> !f.equals("-XX:+UseCompactObjectHeaders") && !f.startsWith("-XX:AOTCache=")
              && !f.equals("--sun-misc-unsafe-memory-access=allow"))
          .toList());
    }
    if (Files.isExecutable(JDK25)) {
      assertFlagsAccepted(JDK25.toString(), flags);
    }
  }

  /** Temurin 25, where the build machines have it: the image's JVM. */
  private static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

  private static void assertFlagsAccepted(String java, List<String> flags) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(java));
    cmd.addAll(flags);
    cmd.add("-version");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(java + ": " + out).isZero();
    assertThat(out).as(java).doesNotContain("Unrecognized", "Ignoring option", "obsolete", "deprecated");
  }

  private static long size(String opts, String regex) {
    Matcher m = Pattern.compile(regex).matcher(opts);
    assertThat(m.find()).as("%s in JAVA_TOOL_OPTIONS", regex).isTrue();
    String v = m.group(1).toLowerCase();
    long unit =
        switch (v.charAt(v.length() - 1)) {
          case 'k' -> 1L << 10;
          case 'm' -> 1L << 20;
          case 'g' -> 1L << 30;
          default -> 1;
        };
    return Long.parseLong(Character.isDigit(v.charAt(v.length() - 1)) ? v : v.substring(0, v.length() - 1)) * unit;
  }

  private static long bytes(Quantity q) {
    return Quantity.getAmountInBytes(q).setScale(0, RoundingMode.UP).min(BigDecimal.valueOf(Long.MAX_VALUE)).longValue();
  }

  static String configItemPath(List<HasMetadata> objects) {
    return volume(pod(objects), "config-volume").getConfigMap().getItems().get(0).getPath();
  }

  static PodSpec pod(List<HasMetadata> objects) {
    return Install.one(objects, DaemonSet.class).getSpec().getTemplate().getSpec();
  }

  static Container container(List<HasMetadata> objects) {
    List<Container> cs = pod(objects).getContainers();
    assertThat(cs).hasSize(1);
    return cs.get(0);
  }

  @Test
  void theNodeNameComesFromTheDownwardApi() throws Exception {
    Container c = container(load(Install.Mode.IPTABLES));
    EnvVar node = c.getEnv().stream().filter(e -> e.getName().equals("NODE_NAME")).findFirst().orElseThrow();
    assertThat(node.getValue()).isNull();
    assertThat(node.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
  }

  static String env(Container c, String name) {
    return c.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst().orElseThrow();
  }

  static final int METRICS_PORT = 9253;


  private static Service service(List<HasMetadata> objects, String name) {
    return objects.stream()
        .filter(o -> o instanceof Service && o.getMetadata().getName().equals(name))
        .map(Service.class::cast)
        .findFirst()
        .orElseThrow();
  }

  private static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
  }

  private static VolumeMount mount(Container c, String name) {
    return c.getVolumeMounts().stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
  }

  static String mountPath(Container c, String name) {
    return mount(c, name).getMountPath();
  }
}
