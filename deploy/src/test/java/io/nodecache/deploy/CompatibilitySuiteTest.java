package io.nodecache.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compatibility suite: Corefiles written the way installers, charts and managed offerings write
 * node-local and cluster CoreDNS configs ({@code compat/valid/}, each naming its source). Each is
 * started with the real server process in a network namespace standing for a node: its bind
 * addresses on {@code lo}, unbound as kube-dns and as the node's resolver, and, for the cluster
 * CoreDNS configs, fabric8's mock API server (CRUD mode) over a veth as the pod's API server. Every
 * query its header lists (at least one per server block) must get the stated answer over the stated
 * transport.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CompatibilitySuiteTest {

  /** What "kube-dns" and the node's resolver (unbound) answer, told apart from our own answers. */
  private static final String UNBOUND_DATA =
      """
          local-zone: "." static
          local-data: ". 86400 IN SOA a.root-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400"
          local-data: ". 518400 IN NS a.root-servers.net."
          local-zone: "cluster.local." redirect
          local-data: "cluster.local. 30 IN A 10.99.99.99"
          local-zone: "example.org." redirect
          local-data: "example.org. 30 IN A 192.0.2.80"
          local-zone: "v4only.example.net." redirect
          local-data: "v4only.example.net. 30 IN A 192.0.2.81"
          local-zone: "consul.example.net." redirect
          local-data: "consul.example.net. 30 IN A 192.0.2.90"
          local-data-ptr: "10.99.99.99 kube-dns-answer.example."
      """;
  /** Addresses the Corefiles bind or forward to, all on the node namespace's lo. */
  private static final List<String> NODE_ADDRESSES = List.of(
      "169.254.20.10", "169.254.25.10", "169.254.10.10", "10.96.0.10", "10.0.0.10", // ours
      "10.96.0.11", "10.0.0.2", "10.0.0.3"); // unbound: kube-dns-upstream, the node's resolvers
  private static final String API_HOST = "10.252.77.1";

  /** Files of the whole suite (unbound's config, the kubeconfig, one directory per Corefile). */
  private Path dir;
  private Netns node;
  private String apiLink;
  private KubernetesMockServer api;
  private Path kubeconfig;

  static List<CompatCorefile> valid() throws Exception {
    return CompatCorefile.all("valid");
  }

  @BeforeAll
  void node() throws Exception {
    Netns.requirePrivileged("ip", "unbound", "dig");
    dir = Files.createTempDirectory("nc-compat");
    node = Netns.create();
    for (String a : NODE_ADDRESSES) {
      node.sh("ip addr add " + a + "/32 dev lo");
    }
    node.sh("ip -6 addr add fd00::10/128 dev lo nodad && ip -6 addr add fd00::53/128 dev lo nodad");
    node.resolvConf("nameserver 10.0.0.2\n");
    Path conf = dir.resolve("unbound.conf");
    StringBuilder u = new StringBuilder("server:\n");
    for (String a : List.of("10.96.0.11", "10.0.0.2", "10.0.0.3", "fd00::53")) {
      u.append("    interface: ").append(a).append('\n');
    }
    u.append("""
            port: 53
            do-daemonize: no
            username: ""
            chroot: ""
            directory: "%s"
            use-syslog: no
            logfile: ""
            pidfile: ""
            access-control: 0.0.0.0/0 allow
            access-control: ::/0 allow
        """.formatted(dir)).append(UNBOUND_DATA).append("remote-control:\n    control-enable: no\n");
    Files.writeString(conf, u.toString());
    Path log = dir.resolve("unbound.log");
    Process unbound = node.spawn(List.of("unbound", "-d", "-c", conf.toString()), Map.of(), log);
    Instant deadline = Instant.now().plusSeconds(30);
    while (!dig(node, "10.96.0.11", 53, false, List.of("www.example.org")).contains("192.0.2.80")) {
      assertThat(unbound.isAlive()).as("unbound: " + Files.readString(log)).isTrue();
      assertThat(Instant.now()).as("unbound answers").isBefore(deadline);
      Thread.sleep(100); // polling interval of a condition with a deadline
    }
    startApi();
  }

  /** The pod's API server: fabric8's CRUD mock on the host end of a veth into the node namespace. */
  @SuppressWarnings("deprecation") // the mock server's own extension builds its Context this way
  private void startApi() throws Exception {
    apiLink = "ncapi" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
    host("ip link add " + apiLink + " type veth peer name eth-api netns " + node.name);
    host("ip addr add " + API_HOST + "/30 dev " + apiLink + " && ip link set " + apiLink + " up");
    node.sh("ip addr add 10.252.77.2/30 dev eth-api && ip link set eth-api up");
    api = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), new HashMap<>(),
        new KubernetesMixedDispatcher(new HashMap<>()), false);
    api.init(InetAddress.getByName(API_HOST), 0);
    try (KubernetesClient admin = api.createClient(b -> b.withHttpClientFactory(new JdkHttpClientFactory()))) {
      for (String ns : List.of("default", "kube-system")) {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
      }
      service(admin, "default", "kubernetes", "10.96.0.1", "https", 443, "TCP");
      service(admin, "kube-system", "kube-dns", "10.96.0.10", "dns", 53, "UDP");
      service(admin, "default", "web", "10.96.0.20", "http", 80, "TCP");
      service(admin, "default", "ext", "10.96.0.30", "http", 80, "TCP", "203.0.113.10");
    }
    kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster:
            server: http://%s:%d
        users:
        - name: pod
          user:
            token: not-a-secret
        contexts:
        - name: mock
          context: {cluster: mock, user: pod, namespace: kube-system}
        current-context: mock
        """.formatted(API_HOST, api.getPort()));
  }

  private static void service(KubernetesClient admin, String ns, String name, String ip, String port, int number,
      String protocol, String... externalIps) {
    admin.services().inNamespace(ns).resource(new ServiceBuilder()
        .withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withNewSpec().withClusterIP(ip).withClusterIPs(ip).withType("ClusterIP").withExternalIPs(externalIps)
        .addNewPort().withName(port).withPort(number).withProtocol(protocol).endPort()
        .endSpec().build()).create();
  }

  @AfterAll
  void cleanUp() {
    if (api != null) {
      api.destroy();
    }
    if (node != null) {
      node.close(); // takes the veth's peer, and so the veth, with it
    }
    if (dir != null) {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // best effort: a temporary directory
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void startsAndAnswersThroughEveryBlock(CompatCorefile c) throws Exception {
    assertThat(c.queries()).as("%s names no query", c).isNotEmpty();
    Path etc = Files.createDirectories(dir.resolve(c.toString()).resolve("etc-coredns"));
    for (String f : c.files()) {
      int eq = f.indexOf('=');
      Path p = etc.resolve(eq < 0 ? f : f.substring(0, eq));
      Files.createDirectories(p.getParent());
      Files.writeString(p, eq < 0 ? "" : f.substring(eq + 1).replace("\\n", "\n") + "\n");
    }
    Path corefile = etc.resolve("Corefile");
    Files.writeString(corefile, c.text().replace("/etc/coredns/", etc + "/"));
    Path pidfile = etc.resolve("nodecache.pid");
    Path log = etc.resolve("nodecache.log");
    Map<String, String> env = new HashMap<>();
    env.put("KUBERNETES_SERVICE_HOST", c.kubernetesApi() ? API_HOST : null);
    env.put("KUBERNETES_SERVICE_PORT", c.kubernetesApi() ? String.valueOf(api.getPort()) : null);
    env.put("KUBECONFIG", c.kubernetesApi() ? kubeconfig.toString() : null);
    env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
    env.put("NODE_NAME", null);
    env.putAll(c.env());
    List<String> argv = CompatCorefile.server("-Xshare:auto", "-XX:+UseSerialGC", "-Xmx128m");
    argv.addAll(List.of("-conf", corefile.toString(), "-pidfile", pidfile.toString()));
    Process server = node.spawn(argv, env, log);
    try {
      Instant deadline = Instant.now().plusSeconds(60);
      while (!Files.exists(pidfile)) {
        assertThat(server.isAlive()).as("%s: the server exited: %s", c, Files.readString(log)).isTrue();
        assertThat(Instant.now()).as("%s: listening; log: %s", c, Files.readString(log)).isBefore(deadline);
        Thread.sleep(50); // polling interval of a condition with a deadline
      }
      for (CompatCorefile.Query q : c.queries()) {
        // The cluster view syncs after the listeners are up: an answer may take a moment to be final.
        Instant until = Instant.now().plusSeconds(20);
        String got;
        while (!(got = answer(q)).equals(q.expected()) && Instant.now().isBefore(until)) {
          Thread.sleep(200); // polling interval of a condition with a deadline
        }
        assertThat(got).as("%s: %s; log: %s", c, q, Files.readString(log)).isEqualTo(q.expected());
      }
      assertThat(server.isAlive()).as("%s still serving", c).isTrue();
    } finally {
      // SIGKILL: a graceful stop would sit out the Corefile's lameduck (20 s in OpenShift's).
      server.destroyForcibly();
      server.waitFor(20, TimeUnit.SECONDS);
    }
  }

  /** The first line of {@code dig +short}, or {@code status:RCODE} when that is what is expected. */
  private String answer(CompatCorefile.Query q) {
    List<String> args = new ArrayList<>(q.args());
    if (q.expected().startsWith("status:")) {
      String out = String.join("\n", digFull(node, q.server(), q.port(), q.tcp(), args));
      int i = out.indexOf("status: ");
      return i < 0 ? "no answer: " + out : "status:" + out.substring(i + 8).split(",")[0];
    }
    args.add(0, "+short");
    return dig(node, q.server(), q.port(), q.tcp(), args);
  }

  private static String dig(Netns ns, String server, int port, boolean tcp, List<String> args) {
    List<String> a = new ArrayList<>(args);
    if (!a.contains("+short")) {
      a.add(0, "+short");
    }
    return digFull(ns, server, port, tcp, a).stream()
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith(";"))
        .findFirst()
        .orElse("");
  }

  private static List<String> digFull(Netns ns, String server, int port, boolean tcp, List<String> args) {
    List<String> argv = new ArrayList<>(List.of("dig", "@" + server, "-p", String.valueOf(port), "+tries=1", "+time=2"));
    if (tcp) {
      argv.add("+tcp");
    }
    argv.addAll(args);
    return ns.run(argv.toArray(String[]::new)).output().lines().toList();
  }

  private static void host(String commandLine) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", commandLine).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as(commandLine + " -> " + out).isTrue();
  }
}
