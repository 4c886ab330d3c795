package io.nodecache.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesListBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.nodecache.config.Flags;
import io.nodecache.config.KubeDnsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * The DaemonSet's container on a node made of network namespaces: the real server process started
 * with the manifest's args and JVM options and the ConfigMap's Corefile (volume paths mapped to test
 * directories), a kube-dns pod (unbound) behind kube-proxy-style DNAT, and a pod on a veth. Checked
 * as kubelet and a pod see it: the probes' URLs, answers on every listen address over UDP and TCP
 * (cluster zone from the snapshot, reverse zone from kube-dns over TCP, other names from the node's
 * resolver), no conntrack entries, metrics, and SIGTERM within the grace period handing the kube-dns
 * ClusterIP back to kube-proxy.
 */
class DaemonSetOnANodeTest {

  /** Temurin 25, where the build machines have it: the image's JVM. */
  private static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");


  private static final String KUBE_DNS_POD = "10.244.255.10";
  private static final String POD_IP = "10.200.0.2";
  private static final String WEB_IP = "10.96.0.20";
  /** What the fake kube-dns answers for every cluster name, so its answers are told from ours. */
  private static final String KUBE_DNS_ANSWER = "10.99.99.99";
  private static final String EXTERNAL_ANSWER = "192.0.2.80";

  @TempDir Path dir;
  private Netns node;
  private Netns pod;

  @AfterEach
  void tearDown() {
    if (pod != null) {
      pod.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Install.Mode.class)
  void servesPodsAsTheManifestConfiguresIt(Install.Mode mode) throws Exception {
    Netns.requirePrivileged("ip", "iptables", "conntrack", "unbound", "dig", "bash", "timeout");
    List<HasMetadata> objects = Install.load(Install.substituted(mode, dir.resolve("tree")));
    Container c = ManifestTest.container(objects);

    // What kubelet mounts, as test directories: the ConfigMap template, the kube-dns ConfigMap
    // directory (empty: that ConfigMap does not exist), the snapshot directory.
    Path base = dir.resolve("etc/coredns").resolve(ManifestTest.configItemPath(objects));
    Path kubeDnsDir = Files.createDirectories(dir.resolve("etc/kube-dns"));
    Path snapshot = dir.resolve("var/lib/nodecache/cluster.json");
    Files.createDirectories(base.getParent());
    Files.createDirectories(snapshot.getParent());
    Files.writeString(base, Install.corefile(objects).replace("/var/lib/nodecache/cluster.json", snapshot.toString()));
    Files.writeString(snapshot, clusterSnapshot());
    Path pidfile = dir.resolve("nodecache.pid");
    List<String> args = new ArrayList<>(c.getArgs());
    args.set(args.indexOf("-conf") + 1, dir.resolve("etc/Corefile").toString());
    args.set(args.indexOf("-pidfile") + 1, pidfile.toString());
    args.set(args.indexOf("-handoff") + 1, dir.resolve("handoff.sock").toString());
    args.addAll(List.of("-basecorefile", base.toString(), "-kubednscm", kubeDnsDir.toString()));
    Flags flags = Flags.parse(args.toArray(String[]::new));

    // The pod's environment: service links, and no API server (the snapshot is the only source).
    Map<String, String> env = new HashMap<>();
    env.put("KUBE_DNS_UPSTREAM_SERVICE_HOST", Install.UPSTREAM_SVC_IP);
    env.put("KUBE_DNS_UPSTREAM_SERVICE_PORT", "53");
    env.put("KUBERNETES_SERVICE_HOST", null);
    for (var e : c.getEnv()) {
      env.put(e.getName(), e.getValue());
    }

    // Would this build accept it at all (every plugin merged)? Skips with the server's message if not.
    Map<String, String> nonNull = new HashMap<>(env);
    nonNull.values().removeIf(v -> v == null);
    Corefiles.build(
        Corefiles.parseTemplate(base.toString(), Files.readString(base), KubeDnsConfig.EMPTY, flags, nonNull), nonNull);
    assumeTrue(classPresent("io.nodecache.node.NodeNetworking"), "node networking not in this build yet (merge main)");

    node = Netns.create();
    pod = Netns.create();
    node.sh("ip link add veth-n type veth peer name veth-p netns " + pod.name);
    node.sh("ip addr add 10.200.0.1/24 dev veth-n && ip link set veth-n up");
    pod.sh("ip addr add " + POD_IP + "/24 dev veth-p && ip link set veth-p up && ip route add default via 10.200.0.1");
    // kube-dns: a pod IP, the kube-dns-upstream ClusterIP, and in IPVS mode the kube-dns ClusterIP
    // itself (IPVS holds it on kube-ipvs0); in iptables mode kube-proxy DNATs the ClusterIP.
    // Kernels without the dummy module (this test machine's) hold the addresses on lo instead.
    boolean dummy = dummyInterfaces();
    args.addAll(List.of("-interfacename", dummy ? "nodelocaldns" : "lo"));
    // -failopen's targets: no API server here, so the kubernetes plugin knows no kube-dns-upstream
    // endpoints; the kube-dns pod stands in for them (the doctor checks the DNAT has a target).
    args.addAll(List.of("-failopen-targets", KUBE_DNS_POD));
    String ipvs = dummy ? "kube-ipvs0" : "lo";
    if (dummy) {
      node.sh("ip link add kube-ipvs0 type dummy && ip link set kube-ipvs0 up");
    }
    List<String> kubeDnsAddrs = new ArrayList<>(List.of(KUBE_DNS_POD, Install.UPSTREAM_SVC_IP));
    if (mode == Install.Mode.IPVS) {
      kubeDnsAddrs.add(Install.KUBE_DNS);
    } else {
      for (String proto : List.of("udp", "tcp")) {
        node.sh("iptables -w -t nat -A PREROUTING -d " + Install.KUBE_DNS + " -p " + proto
            + " --dport 53 -j DNAT --to-destination " + KUBE_DNS_POD + ":53");
      }
    }
    for (String a : kubeDnsAddrs) {
      node.sh("ip addr add " + a + "/32 dev " + ipvs);
    }
    // unbound, not dnsmasq: dnsmasq answers a kept-open TCP connection in its main process and stops
    // serving UDP meanwhile, and force_tcp keeps connections open as kube-dns (CoreDNS) allows.
    Path conf = dir.resolve("kube-dns.conf");
    StringBuilder unbound = new StringBuilder("server:\n");
    kubeDnsAddrs.forEach(a -> unbound.append("    interface: ").append(a).append('\n'));
    unbound.append(
        """
            port: 53
            do-daemonize: no
            username: ""
            chroot: ""
            directory: "%s"
            use-syslog: no
            logfile: ""
            pidfile: ""
            do-ip6: no
            access-control: 0.0.0.0/0 allow
            local-zone: "." static
            local-data: ". 86400 IN SOA a.root-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400"
            local-data: ". 518400 IN NS a.root-servers.net."
            local-zone: "cluster.local." redirect
            local-data: "cluster.local. 30 IN A %s"
            local-zone: "example.org." redirect
            local-data: "example.org. 30 IN A %s"
            local-data-ptr: "%s web.default.svc.cluster.local."
        remote-control:
            control-enable: no
        """
            .formatted(dir, KUBE_DNS_ANSWER, EXTERNAL_ANSWER, WEB_IP));
    Files.writeString(conf, unbound.toString());
    Path kubeDnsLog = dir.resolve("kube-dns.log");
    Process kubeDns = node.spawn(List.of("unbound", "-d", "-c", conf.toString()), Map.of(), kubeDnsLog);
    await("kube-dns answers", () -> EXTERNAL_ANSWER.equals(dig(node, KUBE_DNS_POD, "www.example.org", false)), kubeDns, kubeDnsLog);
    node.resolvConf("nameserver " + KUBE_DNS_POD + "\n"); // dnsPolicy: Default, the node's resolver

    // The image's JVM (25) where the machine has it; else this one, without the flags only 25 has.
    Path java = JDK25;
    if (!Files.isExecutable(JDK25)) {
      java = Path.of(System.getProperty("java.home"), "bin", "java");
      if (Runtime.version().feature() < 25) {
        env.computeIfPresent("JAVA_TOOL_OPTIONS", (k, v) ->
            v.replace("-XX:+UseCompactObjectHeaders", "").replace("--sun-misc-unsafe-memory-access=allow", "")
                .replaceAll("-XX:AOTCache=\\S+", ""));
      }
    }
    List<String> argv =
        new ArrayList<>(
            List.of(java.toString(), "-cp", System.getProperty("java.class.path"), "io.nodecache.Main"));
    argv.addAll(args);
    Path log = dir.resolve("nodecache.log");
    Process server = node.spawn(argv, env, log);
    try {
      var live = c.getLivenessProbe().getHttpGet();
      var ready = c.getReadinessProbe().getHttpGet();
      await("pidfile, then liveness and readiness probes pass",
          () -> Files.exists(pidfile)
              && http(node, live.getHost(), live.getPort().getIntVal(), live.getPath()).startsWith("HTTP/1.1 200")
              && http(node, ready.getHost(), ready.getPort().getIntVal(), ready.getPath()).startsWith("HTTP/1.1 200"),
          server, log);

      List<String> servers =
          mode == Install.Mode.IPTABLES ? List.of(Install.LOCAL_DNS, Install.KUBE_DNS) : List.of(Install.LOCAL_DNS);
      for (String s : servers) {
        for (boolean tcp : List.of(false, true)) {
          String how = "@" + s + (tcp ? " over TCP" : " over UDP");
          assertThat(dig(pod, s, "web.default.svc.cluster.local", tcp)).as("cluster zone " + how).isEqualTo(WEB_IP);
          assertThat(dig(pod, s, "www.example.org", tcp)).as("external name " + how).isEqualTo(EXTERNAL_ANSWER);
          assertThat(dig(pod, s, "-x " + WEB_IP, tcp)).as("reverse zone " + how).isEqualTo("web.default.svc.cluster.local.");
        }
      }
      if (mode == Install.Mode.IPVS) {
        assertThat(dig(pod, Install.KUBE_DNS, "web.default.svc.cluster.local", false))
            .as("IPVS mode: the ClusterIP stays kube-dns's")
            .isEqualTo(KUBE_DNS_ANSWER);
      }
      // (The loop plugin's own probes, sent before the rules exist, may be tracked: only the pod's count.)
      for (String s : servers) {
        assertThat(node.run("sh", "-c", "conntrack -L -s " + POD_IP + " -d " + s + " 2>/dev/null").output())
            .as("the pod's queries to %s bypass conntrack", s)
            .isBlank();
      }
      String metrics = http(node, Install.LOCAL_DNS, ManifestTest.METRICS_PORT, "/metrics");
      assertThat(metrics).startsWith("HTTP/1.1 200");
      assertThat(metrics).contains("coredns_dns_requests_total").contains("coredns_build_info");

      // docs/install.md: the doctor in the pod, with the DaemonSet's arguments as they are.
      List<String> doctor = new ArrayList<>(List.of("env", "JAVA_TOOL_OPTIONS=-Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"));
      doctor.addAll(argv.subList(0, argv.size() - args.size()));
      doctor.add("doctor");
      doctor.addAll(args);
      Netns.Result checked = node.run(doctor.toArray(String[]::new));
      assertThat(checked.exit()).as("doctor on a healthy node:\n" + checked.output()).isZero();
      assertThat(checked.output()).contains("PASS").doesNotContain("FAIL");

      long grace = ManifestTest.pod(objects).getTerminationGracePeriodSeconds();
      server.destroy(); // SIGTERM, as kubelet stops the pod
      assertThat(server.waitFor(grace, TimeUnit.SECONDS)).as("stops within terminationGracePeriodSeconds").isTrue();
      assertThat(server.exitValue()).isZero();
      assertThat(node.sh("iptables-save -t raw")).doesNotContain("NodeLocal DNS Cache");
      if (mode == Install.Mode.IPTABLES) {
        assertThat(dig(pod, Install.KUBE_DNS, "web.default.svc.cluster.local", false))
            .as("after teardown kube-proxy's DNAT takes the ClusterIP back to kube-dns")
            .isEqualTo(KUBE_DNS_ANSWER);
      }
    } finally {
      server.destroyForcibly();
      LoggerFactory.getLogger(DaemonSetOnANodeTest.class).info("nodecache log:\n{}", Files.readString(log));
    }
  }

  private static String clusterSnapshot() {
    var list =
        new KubernetesListBuilder()
            .addToItems(new NamespaceBuilder().withNewMetadata().withName("default").endMetadata().build())
            .addToItems(
                new ServiceBuilder()
                    .withNewMetadata().withName("web").withNamespace("default").endMetadata()
                    .withNewSpec()
                    .withType("ClusterIP").withClusterIP(WEB_IP).withClusterIPs(WEB_IP)
                    .addNewPort().withName("http").withProtocol("TCP").withPort(80).endPort()
                    .endSpec()
                    .build())
            .build();
    return new KubernetesSerialization().asJson(list);
  }

  private boolean dummyInterfaces() {
    Netns.Result r = node == null ? null : node.run("sh", "-c", "ip link add nc-probe type dummy && ip link del nc-probe");
    return r != null && r.exit() == 0;
  }

  private static boolean classPresent(String name) {
    try {
      Class.forName(name, false, DaemonSetOnANodeTest.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** The first answer of {@code dig +short} from inside {@code ns}, or "" when there is none. */
  private static String dig(Netns ns, String server, String query, boolean tcp) {
    List<String> argv = new ArrayList<>(List.of("dig", "@" + server, "+short", "+tries=1", "+time=2"));
    if (tcp) {
      argv.add("+tcp");
    }
    argv.addAll(List.of(query.split(" ")));
    return ns.run(argv.toArray(String[]::new)).output().lines()
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith(";"))
        .findFirst()
        .orElse("");
  }

  /**
   * An HTTP GET as kubelet's probe sends it, from inside {@code ns} with bash's /dev/tcp (no curl
   * needed on the machine); the whole response, status line first, or "" when nothing answered.
   */
  private static String http(Netns ns, String host, int port, String path) {
    String script =
        "exec 3<>/dev/tcp/" + host + "/" + port
            + " && printf 'GET " + path + " HTTP/1.1\\r\\nHost: " + host + "\\r\\nConnection: close\\r\\n\\r\\n' >&3"
            + " && cat <&3";
    return ns.run("timeout", "3", "bash", "-c", script).output();
  }

  private static void await(String what, BooleanSupplier condition, Process process, Path log) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (!condition.getAsBoolean()) {
      assertThat(process.isAlive()).as(what + ": process exited: " + Files.readString(log)).isTrue();
      assertThat(Instant.now()).as(what + "; log: " + Files.readString(log)).isBefore(deadline);
      Thread.sleep(100); // polling interval of a condition with a deadline, not a wait for time
    }
  }
}
