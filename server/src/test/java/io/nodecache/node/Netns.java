package io.nodecache.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** A fresh network namespace {@code nc-test-<random>} with {@code lo} up; deleted on close. */
final class Netns implements AutoCloseable {

  private static final CommandRunner HOST = CommandRunner.host(Duration.ofSeconds(30));

  final String name;
  final CommandRunner runner;
  private final List<Process> processes = new ArrayList<>();

  private Netns(String name) {
    this.name = name;
    this.runner = CommandRunner.inNamespace(name, Duration.ofSeconds(30));
  }

  static Netns create() {
    String name = "nc-test-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    CommandRunner.Result added = HOST.run("ip", "netns", "add", name);
    assertThat(added.ok()).as(added.command() + ": " + added.stderr()).isTrue();
    Netns netns = new Netns(name);
    netns.sh("ip link set lo up");
    return netns;
  }

  /** Runs a shell command line inside the namespace and expects success; returns stdout. */
  String sh(String commandLine) {
    CommandRunner.Result result = runner.run(List.of("sh", "-c", commandLine), null);
    assertThat(result.ok()).as(commandLine + " -> " + result.exitCode() + ": " + result.stderr()).isTrue();
    return result.stdout();
  }

  /** Runs a command inside the namespace, whatever its outcome. */
  CommandRunner.Result run(String... argv) {
    return runner.run(argv);
  }

  /** Starts a long-running process inside the namespace; killed on close. */
  Process spawn(String... argv) throws IOException {
    return spawn(ProcessBuilder.Redirect.DISCARD, List.of(argv));
  }

  /** Starts a long-running process inside the namespace, its output to {@code output}; killed on close. */
  Process spawn(ProcessBuilder.Redirect output, List<String> argv) throws IOException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
    full.addAll(argv);
    Process process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(output).start();
    processes.add(process);
    return process;
  }

  /** {@code -A} lines of {@code SAVE -t TABLE} (counters and comments of the dump dropped). */
  List<String> saveRules(String save, String table) {
    return sh(save + " -t " + table).lines().filter(l -> l.startsWith("-A ")).toList();
  }

  @Override
  public void close() {
    for (Process process : processes) {
      process.destroyForcibly();
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    HOST.run("ip", "netns", "del", name);
  }
}
