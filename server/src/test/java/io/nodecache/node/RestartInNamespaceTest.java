package io.nodecache.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.testing.Privileged;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Restarts of the real server process in a node namespace with {@code -localip}: a SIGKILLed instance
 * leaves its address, rules and hand-off socket behind and the next one starts cleanly on them; with
 * {@code -handoff} the new instance takes the sockets over and the old one leaves the node's networking
 * in place when it exits.
 */
class RestartInNamespaceTest {

  private static final String LOCAL_IP = "169.254.20.10";

  @TempDir Path dir;
  private Netns node;
  private Netns pod;
  private final List<Process> servers = new ArrayList<>();

  @BeforeEach
  void setUp() {
    Privileged.require("ip", "iptables", "dig");
    node = Netns.create();
    pod = Netns.create();
    Dns.link(node, pod);
  }

  @AfterEach
  void tearDown() {
    servers.forEach(Process::destroyForcibly);
    if (pod != null) {
      pod.close();
    }
    if (node != null) {
      node.close();
    }
  }

  private String[] flags() throws Exception {
    Path corefile = dir.resolve("Corefile");
    Files.writeString(
        corefile,
        String.join("\n", ".:53 {", "    bind " + LOCAL_IP, "    hosts {", "        1.2.3.4 a.test.local", "    }",
            "    health " + LOCAL_IP + ":8080 {", "        lameduck 200ms", "    }", "}", ""));
    return new String[] {
      "-conf", corefile.toString(), "-localip", LOCAL_IP, "-interfacename", "lo", "-rules-backend", "iptables",
      "-syncinterval", "1", "-handoff", dir.resolve("run/handoff.sock").toString()
    };
  }

  @Test
  void afterSigkillANewInstanceStartsCleanlyOnTheLeftovers() throws Exception {
    String[] flags = flags();
    Path log1 = dir.resolve("first.log");
    Process first = startServer(log1, flags);
    await("rules installed", () -> rawRules().size() == 8, first, log1);
    await("answers", () -> "1.2.3.4".equals(Dns.query(pod, LOCAL_IP, "a.test.local")), first, log1);
    List<String> rules = rawRules();

    first.destroyForcibly(); // SIGKILL: nothing is torn down
    assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(rawRules()).containsExactlyElementsOf(rules);
    assertThat(addressesOnLo()).isEqualTo(1);
    assertThat(dir.resolve("run/handoff.sock")).exists(); // stale: nobody answers there

    Path log2 = dir.resolve("second.log");
    Process second = startServer(log2, flags);
    await("the new instance answers", () -> "1.2.3.4".equals(Dns.query(pod, LOCAL_IP, "a.test.local")), second, log2);
    // It answers before its first reconcile pass ends (Main installs the rules after the listeners serve);
    // "listening on" is logged after that pass, so the rule removed below is one it had already seen.
    await("the new instance's first reconcile pass", () -> logged(log2, "listening on"), second, log2);
    // One rule goes missing: its return proves full reconcile passes ran over the leftovers.
    node.sh("iptables -w -t raw -D " + rules.get(0).substring(3));
    await("a reconcile pass put the rule back", () -> rawRules().size() == 8, second, log2);
    await("and logged it", () -> logged(log2, "Added back"), second, log2);
    assertThat(rawRules()).containsExactlyInAnyOrderElementsOf(rules); // no duplicates
    assertThat(addressesOnLo()).isEqualTo(1);
    String text = Files.readString(log2);
    assertThat(text).contains("no running instance at").doesNotContain("WARN", "ERROR", "Added 169", "Added address");
    assertThat(text.lines().filter(l -> l.contains("Added back")).count()).isEqualTo(1);

    second.destroy(); // SIGTERM: now everything goes
    assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(second.exitValue()).isZero();
    assertThat(rawRules()).isEmpty();
    assertThat(addressesOnLo()).isZero();
  }

  @Test
  void handoffKeepsAnsweringAndTheOldInstanceLeavesTheNetworkingToTheNewOne() throws Exception {
    String[] flags = flags();
    Path logA = dir.resolve("a.log");
    Process a = startServer(logA, flags);
    await("rules installed", () -> rawRules().size() == 8, a, logA);
    await("answers", () -> "1.2.3.4".equals(Dns.query(pod, LOCAL_IP, "a.test.local")), a, logA);
    List<String> rules = rawRules();

    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger answered = new AtomicInteger();
    AtomicInteger unanswered = new AtomicInteger();
    Thread digs =
        new Thread(
            () -> {
              for (int i = 0; i < 2000 && !stop.get(); i++) { // dig from the pod, one query at a time
                if ("1.2.3.4".equals(Dns.query(pod, LOCAL_IP, "a.test.local"))) {
                  answered.incrementAndGet();
                } else {
                  unanswered.incrementAndGet();
                }
              }
            });
    digs.start();
    try {
      Path logB = dir.resolve("b.log");
      Process b = startServer(logB, flags);
      await("b took over", () -> logged(logB, "took over 1 listener(s)") && logged(logA, "serves our DNS sockets"), b, logB);
      a.destroy(); // SIGTERM
      assertThat(a.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(a.exitValue()).isZero();
      assertThat(Files.readString(logA)).doesNotContain("Tore down", "Removed");
      assertThat(rawRules()).containsExactlyInAnyOrderElementsOf(rules);
      assertThat(addressesOnLo()).isEqualTo(1);
      int atExit = answered.get();
      await("b answers after a exited", () -> answered.get() > atExit + 20, b, logB);
      stop.set(true);
      digs.join(30_000);
      LoggerFactory.getLogger(RestartInNamespaceTest.class)
          .info("dig from the pod across the hand-off: {} answered, {} unanswered", answered, unanswered);
      assertThat(unanswered.get()).isZero();
      assertThat(rawRules()).containsExactlyInAnyOrderElementsOf(rules); // b reconciled, added nothing

      b.destroy();
      assertThat(b.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(b.exitValue()).isZero();
      assertThat(rawRules()).isEmpty(); // the last instance tears down
      assertThat(addressesOnLo()).isZero();
    } finally {
      stop.set(true);
      digs.join(30_000);
    }
  }

  private Process startServer(Path log, String... flags) throws Exception {
    List<String> argv =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "io.nodecache.Main"));
    argv.addAll(List.of(flags));
    Process p = node.spawn(ProcessBuilder.Redirect.appendTo(log.toFile()), argv);
    servers.add(p);
    return p;
  }

  private List<String> rawRules() {
    return node.saveRules("iptables-save", "raw");
  }

  private long addressesOnLo() {
    return node.sh("ip -o addr show dev lo").lines().filter(l -> l.contains(" " + LOCAL_IP + "/")).count();
  }

  private static boolean logged(Path log, String text) {
    try {
      return Files.readString(log).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  private static void await(String what, BooleanSupplier condition, Process server, Path log) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(40));
    while (!condition.getAsBoolean()) {
      assertThat(server.isAlive()).as(what + ": server exited: " + Files.readString(log)).isTrue();
      assertThat(Instant.now()).as(what).isBefore(deadline);
      Thread.sleep(50); // polling interval of a condition with a deadline, not a wait for time
    }
  }
}
