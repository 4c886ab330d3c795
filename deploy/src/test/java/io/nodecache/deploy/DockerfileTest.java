package io.nodecache.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/Dockerfile}, read as text (no container engine is needed to run the tests): a JRE 25
 * base, the rule tools installed, the jar Maven builds copied, and an exec-form entry point that runs
 * it so the JVM receives SIGTERM itself.
 */
class DockerfileTest {

  private final String dockerfile = Install.read("deploy/Dockerfile");

  private List<String> instructions() {
    // Join continuation lines, drop comments.
    return Arrays.stream(dockerfile.replaceAll("\\\\\\n", " ").split("\n"))
        .map(String::trim)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .toList();
  }

  private String instruction(String keyword) {
    List<String> found = instructions().stream().filter(l -> l.startsWith(keyword + " ")).toList();
    assertThat(found).as(keyword).hasSize(1);
    return found.get(0).substring(keyword.length() + 1).trim();
  }

  @Test
  void baseIsAJava25Runtime() {
    assertThat(instruction("FROM")).matches("eclipse-temurin:25-jre(-[a-z]+)?(@sha256:[0-9a-f]{64})?");
  }

  private String run(String containing) {
    List<String> found =
        instructions().stream().filter(l -> l.startsWith("RUN ") && l.contains(containing)).toList();
    assertThat(found).as("RUN with " + containing).hasSize(1);
    return found.get(0).substring(4).trim();
  }

  @Test
  void installsIptablesNftablesAndIproute2() {
    String run = run("apt-get");
    Matcher m = Pattern.compile("apt-get install ([^&]*)").matcher(run);
    assertThat(m.find()).as("an apt-get install").isTrue();
    assertThat(m.group(1).split("\\s+")).contains("iptables", "nftables", "iproute2", "--no-install-recommends");
    assertThat(run).contains("apt-get update").contains("rm -rf /var/lib/apt/lists/*");
  }

  @Test
  void copiesTheShadedJarAndRunsItWithAnExecFormEntryPoint() {
    String[] copy = instruction("COPY").split("\\s+");
    assertThat(copy).containsExactly("deploy/target/nodecache.jar", "deploy/aot-cache.sh", "/opt/nodecache/");
    assertThat(Install.read("deploy/pom.xml")).contains("<finalName>nodecache</finalName>");
    assertThat(instruction("ENTRYPOINT")).isEqualTo("[\"java\", \"-jar\", \"/opt/nodecache/nodecache.jar\"]");
    assertThat(instructions()).noneMatch(l -> l.startsWith("USER ")); // NET_ADMIN only reaches root
  }

  @Test
  void buildContextIsOnlyTheJar() {
    List<String> ignore =
        Install.read("deploy/Dockerfile.dockerignore").lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
    assertThat(ignore).containsExactly("*", "!deploy/target/nodecache.jar", "!deploy/aot-cache.sh");
  }

  @Test
  void buildsTheAotCacheTheDaemonSetNamesWithItsJvmFlags() {
    String[] aot = run("aot-cache.sh").split("\\s+");
    assertThat(aot[0]).isEqualTo("sh");
    assertThat(aot[1]).isEqualTo("/opt/nodecache/aot-cache.sh");
    assertThat(aot[2]).isEqualTo("/opt/nodecache/nodecache.jar");
    String manifest = Install.read("deploy/kubernetes/nodecache.yaml");
    assertThat(manifest).contains("-XX:AOTCache=" + aot[3] + "\n");
    // A cache serves only a JVM with the same GC, object headers and heap-size class: the training run
    // gets the DaemonSet's flags for those.
    Matcher opts = Pattern.compile("- name: JAVA_TOOL_OPTIONS\\s+value: >-\\s+((?:-\\S+\\s+)+)").matcher(manifest);
    assertThat(opts.find()).as("JAVA_TOOL_OPTIONS in the manifest").isTrue();
    List<String> daemonSet = List.of(opts.group(1).trim().split("\\s+"));
    List<String> training = Arrays.asList(aot).subList(4, aot.length);
    assertThat(daemonSet).contains("-XX:+UseSerialGC", "-XX:+UseCompactObjectHeaders",
        "--sun-misc-unsafe-memory-access=allow");
    assertThat(daemonSet).containsAll(training);
    assertThat(training).contains("-XX:+UseSerialGC", "-XX:+UseCompactObjectHeaders",
        "--sun-misc-unsafe-memory-access=allow")
        .contains(daemonSet.stream().filter(f -> f.startsWith("-Xmx")).toArray(String[]::new));
    assertThat(Install.read("deploy/aot-cache.sh")).startsWith("#!/bin/sh"); // the image has no bash
  }

  @Test
  void exposesDnsProbesAndMetrics() {
    assertThat(instruction("EXPOSE").split("\\s+")).contains("53/udp", "53/tcp", "8080/tcp", "8181/tcp", "9253/tcp");
  }
}
