package io.nodecache.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which way Netty allocates direct memory on the image's JVM (25) with the DaemonSet's flags. Netty 4.2
 * leaves sun.misc.Unsafe off on 25 unless the JVM allows Unsafe's memory access, and then, since the jar
 * enables native access, allocates through the FFM linker, whose downcall handles are generated at every
 * start (about 135 ms of CPU before the first answer; bench/RESULTS.md, Footprint notes). The manifest's
 * {@code --sun-misc-unsafe-memory-access=allow} puts it back on the path it takes on JDK 17. Each run
 * starts the packaged jar, waits for it to listen, and reads its class-loading log.
 */
class NettyMemoryPathTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path JAR = ROOT.resolve("deploy/target/nodecache.jar");
  private static final Path JAVA25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
  private static final String ALLOW = "--sun-misc-unsafe-memory-access=allow";
  private static final String LINKER = " io.netty.util.internal.CleanerJava24Linker ";
  private static final String UNSAFE = " io.netty.util.internal.CleanerJava9 ";

  @Test
  void onJdk25TheManifestsFlagsKeepNettyOnUnsafeAndOffTheForeignLinker(@TempDir Path dir) throws Exception {
    assumeTrue(Files.isExecutable(JAVA25), "JDK 25 is not installed at " + JAVA25);
    List<String> flags = manifestFlags();
    assertThat(flags).contains(ALLOW);

    Started withFlags = start(dir.resolve("manifest"), flags);
    assertThat(withFlags.classes).as("Netty's cleaner with the manifest's flags").contains(UNSAFE).doesNotContain(LINKER);
    assertThat(withFlags.output).as("no JVM warning (Unsafe, native access)").doesNotContain("WARNING");

    // The control: the same flags without the one, and Netty takes the linker.
    List<String> without = new ArrayList<>(flags);
    without.remove(ALLOW);
    Started control = start(dir.resolve("control"), without);
    assertThat(control.classes).as("Netty's cleaner without " + ALLOW).contains(LINKER);
  }

  /** The DaemonSet's JAVA_TOOL_OPTIONS, less the image's AOT cache (not on this machine). */
  private static List<String> manifestFlags() throws IOException {
    String manifest = Files.readString(ROOT.resolve("deploy/kubernetes/nodecache.yaml"));
    Matcher m = Pattern.compile("- name: JAVA_TOOL_OPTIONS\\s+value: >-\\s+((?:-\\S+\\s+)+)").matcher(manifest);
    assertThat(m.find()).as("JAVA_TOOL_OPTIONS in the manifest").isTrue();
    List<String> flags = new ArrayList<>(List.of(m.group(1).trim().split("\\s+")));
    flags.removeIf(f -> f.startsWith("-XX:AOTCache="));
    return flags;
  }

  private record Started(String output, String classes) {}

  /** Starts the jar on a loopback port, waits until it listens (at most 60 s), stops it, returns its logs. */
  private static Started start(Path dir, List<String> flags) throws Exception {
    assertThat(JAR).as("the deploy module packages the server jar first").exists();
    Files.createDirectories(dir);
    int port;
    try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Path corefile = Files.writeString(dir.resolve("Corefile"), """
        .:%d {
            bind 127.0.0.1
            hosts {
                192.0.2.7 probe.test
            }
        }
        """.formatted(port));
    Path classes = dir.resolve("classes.log");
    Path out = dir.resolve("out.log");
    List<String> argv = new ArrayList<>(List.of(JAVA25.toString()));
    argv.addAll(flags);
    argv.addAll(List.of("-Xlog:class+load=info:file=" + classes, "-jar", JAR.toString(), "-conf", corefile.toString()));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.readString(out).contains("listening on")) {
        assertThat(p.isAlive()).as("the server runs: %s", Files.readString(out)).isTrue();
        assertThat(System.nanoTime()).as("listening within 60 s").isLessThan(deadline);
        Thread.sleep(20);
      }
    } finally {
      p.toHandle().destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
    }
    return new Started(Files.readString(out), Files.readString(classes, StandardCharsets.UTF_8));
  }
}
