package io.nodecache.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * CoreDNS configs, fabric8's mock API server (CRUD mode, a process of its own in the namespace) as
 * the pod's API server. Every query its header lists (at least one per server block) must get the
 * stated answer over the stated transport.
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
  private int apiPort;
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

  /**
   * The pod's API server: fabric8's CRUD mock ({@link CompatApi}) in a process of its own on an
   * address of the node namespace, so that no packet of the suite leaves the namespaces it made.
   */
  private void startApi() throws Exception {
    node.sh("ip addr add " + API_HOST + "/32 dev lo");
    Path ready = dir.resolve("api.port");
    Path log = dir.resolve("api.log");
    Process p = node.spawn(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-cp", System.getProperty("java.class.path"), CompatApi.class.getName(), API_HOST, ready.toString()),
        Map.of(), log);
    Instant deadline = Instant.now().plusSeconds(60);
    while (!Files.exists(ready)) {
      assertThat(p.isAlive()).as("the API server exited: " + Files.readString(log)).isTrue();
      assertThat(Instant.now()).as("the API server is ready: " + Files.readString(log)).isBefore(deadline);
      Thread.sleep(50); // polling interval of a condition with a deadline
    }
    apiPort = Integer.parseInt(Files.readString(ready).strip());
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
        """.formatted(API_HOST, apiPort));
  }

  @AfterAll
  void cleanUp() {
    if (node != null) {
      node.close(); // its processes (unbound, the API server) with it
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
    env.put("KUBERNETES_SERVICE_PORT", c.kubernetesApi() ? String.valueOf(apiPort) : null);
    env.put("KUBECONFIG", c.kubernetesApi() ? kubeconfig.toString() : null);
    env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
    env.put("NODE_NAME", null);
    for (String v : List.of("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")) {
      env.put(v, null); // the client would take the API's address through a proxy of the host's
    }
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
}
