package io.nodecache.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A network namespace {@code nc-deploy-<random>} standing in for a node or a pod, with {@code lo} up
 * and an optional {@code /etc/resolv.conf} of its own ({@code ip netns exec} bind-mounts
 * {@code /etc/netns/NAME/resolv.conf}); processes started in it are killed and it is deleted on close.
 */
final class Netns implements AutoCloseable {

  final String name;
  private final List<Process> processes = new ArrayList<>();

  private Netns(String name) {
    this.name = name;
  }

  /** Skips without root or a binary; under {@code CI=true} fails instead, so a skip cannot hide. */
  static void requirePrivileged(String... binaries) {
    List<String> missing = new ArrayList<>();
    if (!"0".equals(host("id", "-u").strip())) {
      missing.add("root");
    }
    for (String b : binaries) {
      if (!hostOk("sh", "-c", "command -v " + b)) {
        missing.add("'" + b + "' on PATH");
      }
    }
    if (!missing.isEmpty()) {
      String reason = "privileged test needs " + String.join(", ", missing);
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(reason + " (CI=true: a skip would hide it)");
      }
      Assumptions.abort(reason);
    }
  }

  static Netns create() {
    String name = "nc-deploy-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    assertThat(hostOk("ip", "netns", "add", name)).as("ip netns add " + name).isTrue();
    Netns n = new Netns(name);
    n.sh("ip link set lo up");
    return n;
  }

  /** This namespace's {@code /etc/resolv.conf}, as the node's resolver is for a dnsPolicy Default pod. */
  void resolvConf(String text) throws IOException {
    Path dir = Files.createDirectories(Path.of("/etc/netns", name));
    Files.writeString(dir.resolve("resolv.conf"), text);
  }

  /** A shell command line in the namespace that must succeed; its stdout. */
  String sh(String commandLine) {
    Result r = run("sh", "-c", commandLine);
    assertThat(r.exit()).as(commandLine + " -> " + r.output()).isZero();
    return r.output();
  }

  record Result(int exit, String output) {}

  /** A command in the namespace, whatever its outcome (stdout and stderr together), 30 s at most. */
  Result run(String... argv) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
    full.addAll(List.of(argv));
    try {
      Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, out + " (timed out)");
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }

  /**
   * Starts a long-running process in the namespace, output to {@code log}; {@code env} entries are
   * added, or removed where the value is null.
   */
  Process spawn(List<String> argv, Map<String, String> env, Path log) throws IOException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
    full.addAll(argv);
    ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    env.forEach((k, v) -> {
      if (v == null) {
        pb.environment().remove(k);
      } else {
        pb.environment().put(k, v);
      }
    });
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroyForcibly();
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    hostOk("ip", "netns", "del", name);
    Path etc = Path.of("/etc/netns", name);
    if (Files.exists(etc)) {
      try (Stream<Path> s = Files.walk(etc)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (IOException e) {
        // best effort: the namespace itself is gone
      }
    }
  }

  private static String host(String... argv) {
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(30, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private static boolean hostOk(String... argv) {
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
