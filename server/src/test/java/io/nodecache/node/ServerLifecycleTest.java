package io.nodecache.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.testing.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The real server process ({@code io.nodecache.Main}) in a node namespace with node-cache's flags:
 * addresses before the listeners bind, rules once they are bound, re-checked every
 * {@code -syncinterval}, a pod's queries answered without conntrack entries, and SIGTERM removing
 * exactly what it set up.
 */
class ServerLifecycleTest {

  private static final String LOCAL_IP = "169.254.20.10";

  @TempDir Path dir;
  private Netns node;
  private Netns pod;

  @BeforeEach
  void setUp() {
    Privileged.require("ip", "iptables", "conntrack", "dig");
    node = Netns.create();
    pod = Netns.create();
    Dns.link(node, pod);
    node.sh("iptables -w -A INPUT -m conntrack --ctstate INVALID -j DROP");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (pod != null) {
      pod.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @Test
  void setsUpAfterBindingKeepsRulesAndTearsDownOnSigterm() throws Exception {
    Path corefile = dir.resolve("Corefile");
    Files.writeString(
        corefile,
        String.join(
            "\n",
            ".:53 {",
            "    bind " + LOCAL_IP,
            "    hosts {",
            "        1.2.3.4 a.test.local",
            "    }",
            "    health " + LOCAL_IP + ":8080",
            "}",
            ""));
    Path pidfile = dir.resolve("nodecache.pid");
    Path log = dir.resolve("server.log");
    Process server =
        startServer(log, "-conf", corefile.toString(), "-localip", LOCAL_IP, "-interfacename", "lo",
            "-pidfile", pidfile.toString(), "-rules-backend", "iptables", "-syncinterval", "1",
            "-metrics-listen-address", LOCAL_IP + ":9353");
    try {
      await("rules installed after the pidfile", () -> Files.exists(pidfile) && rawRules() == 8, server, log);
      await("node-cache's metrics endpoint (-metrics-listen-address) serves the setup errors",
          () -> node.run("curl", "-s", "--max-time", "2", "http://" + LOCAL_IP + ":9353/metrics").stdout()
              .contains("coredns_nodecache_setup_errors_total{errortype=\"iptables\"} 0"), server, log);
      assertThat(node.sh("ip -o addr show dev lo")).contains("inet " + LOCAL_IP + "/32");
      await("a pod's first query answered", () -> "1.2.3.4".equals(Dns.query(pod, LOCAL_IP, "a.test.local")), server, log);
      node.sh("conntrack -F");

      List<String> answers = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        answers.add(Dns.query(pod, LOCAL_IP, "a.test.local"));
      }
      assertThat(answers).containsOnly("1.2.3.4");
      assertThat(node.run("conntrack", "-L", "-p", "udp", "--dport", "53").stdout()).isBlank();

      node.sh("iptables -w -t raw -F");
      await("rules added back within -syncinterval", () -> rawRules() == 8, server, log);

      server.destroy(); // SIGTERM
      assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
      assertThat(server.exitValue()).isZero();
      assertThat(rawRules()).isZero();
      assertThat(node.saveRules("iptables-save", "filter"))
          .containsExactly("-A INPUT -m conntrack --ctstate INVALID -j DROP");
      assertThat(node.sh("ip -o addr show dev lo")).doesNotContain(LOCAL_IP);
      assertThat(Files.readString(log)).contains("Added back");
    } finally {
      LoggerFactory.getLogger(ServerLifecycleTest.class).info("server log:\n{}", Files.readString(log));
    }
  }

  @Test
  void failOpenFallsBackToKubeProxyWhenTheServerIsKilledAndComesBack() throws Exception {
    String clusterIp = "10.96.0.10";
    String kubeDnsPod = "10.244.255.10";
    node.sh("ip addr add " + kubeDnsPod + "/32 dev lo");
    node.sh("iptables -w -t nat -A PREROUTING -d " + clusterIp + " -p udp --dport 53 -j DNAT --to-destination "
        + kubeDnsPod + ":53");
    Dns.dnsmasq(node, kubeDnsPod, "2.2.2.2");
    Path corefile = dir.resolve("Corefile");
    Files.writeString(
        corefile,
        String.join("\n", ".:53 {", "    bind " + LOCAL_IP + " " + clusterIp, "    hosts {",
            "        1.1.1.1 a.test.local", "    }", "}", ""));
    String[] flags = {
      "-conf", corefile.toString(), "-localip", LOCAL_IP + "," + clusterIp, "-interfacename", "lo",
      "-rules-backend", "auto", "-failopen", "-skipteardown"
    };
    Path log = dir.resolve("server.log");
    Process server = startServer(log, flags);
    try {
      await("answers on the ClusterIP", () -> "1.1.1.1".equals(Dns.query(pod, clusterIp, "a.test.local")), server, log);

      server.destroyForcibly(); // SIGKILL, as the OOM killer would: rules and addresses stay
      assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(Dns.query(pod, clusterIp, "a.test.local")).as("kube-dns behind the DNAT answers").isEqualTo("2.2.2.2");
      assertThat(Dns.query(pod, LOCAL_IP, "a.test.local")).as("the link-local IP has nothing to fall back to").isEmpty();

      Files.writeString(log, "");
      server = startServer(log, flags);
      Process restarted = server;
      await("the restarted server answers again",
          () -> "1.1.1.1".equals(Dns.query(pod, clusterIp, "a.test.local")), restarted, log);
      assertThat(Dns.query(pod, LOCAL_IP, "a.test.local")).isEqualTo("1.1.1.1");
    } finally {
      server.destroyForcibly();
      LoggerFactory.getLogger(ServerLifecycleTest.class).info("server log:\n{}", Files.readString(log));
    }
  }

  private Process startServer(Path log, String... flags) throws Exception {
    List<String> argv =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "io.nodecache.Main"));
    argv.addAll(List.of(flags));
    return node.spawn(ProcessBuilder.Redirect.appendTo(log.toFile()), argv);
  }

  private int rawRules() {
    return node.saveRules("iptables-save", "raw").size();
  }

  private static void await(String what, BooleanSupplier condition, Process server, Path log) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (!condition.getAsBoolean()) {
      assertThat(server.isAlive()).as(what + ": server exited: " + Files.readString(log)).isTrue();
      assertThat(Instant.now()).as(what).isBefore(deadline);
      Thread.sleep(50); // polling interval of a condition with a deadline, not a wait for time
    }
  }
}
