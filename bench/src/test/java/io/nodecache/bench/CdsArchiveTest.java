package io.nodecache.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/cds-archive.sh on the built server jar (packaged by the deploy module earlier in the
 * reactor): it writes an archive, and a JVM given it with {@code -Xshare:on} (which refuses to start
 * when the archive cannot be used) loads the server's classes from it.
 */
class CdsArchiveTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path JAR = ROOT.resolve("deploy/target/nodecache.jar");
  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  @Test
  void theTrainingStartWritesAnArchiveTheServerLoadsItsClassesFrom(@TempDir Path dir) throws Exception {
    assertThat(JAR).as("the deploy module packages the server jar first").exists();
    Path archive = dir.resolve("nodecache.jsa");
    Run made = run(List.of("sh", ROOT.resolve("deploy/cds-archive.sh").toString(), JAR.toString(), archive.toString(),
        "-XX:+UseSerialGC"));
    assertThat(made.exit).as(made.output).isZero();
    assertThat(archive).isNotEmptyFile();

    Run used = run(List.of(JAVA, "-XX:+UseSerialGC", "-Xshare:on", "-XX:SharedArchiveFile=" + archive,
        "-Xlog:class+load=info", "-jar", JAR.toString(), "--help"));
    assertThat(used.exit).as(used.output).isZero();
    long fromArchive = used.output.lines()
        .filter(l -> l.contains(" io.nodecache.") && l.contains("source: shared objects file (top)"))
        .count();
    long fromJar = used.output.lines().filter(l -> l.contains(" io.nodecache.") && l.contains("nodecache.jar")).count();
    assertThat(fromArchive).as("server classes from the dynamic archive").isPositive();
    assertThat(fromArchive).as("more from the archive than from the jar").isGreaterThan(fromJar);
  }

  private record Run(int exit, String output) {}

  private static Run run(List<String> argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(new ArrayList<>(argv)).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
