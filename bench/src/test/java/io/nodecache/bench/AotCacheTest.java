package io.nodecache.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/aot-cache.sh on the built server jar (packaged by the deploy module earlier in the reactor): on
 * JDK 25 (the image's JVM) it writes an AOT cache that a JVM started with {@code -XX:AOTMode=on} (which
 * refuses to start when the cache cannot be used) loads the server's classes from; on the JDK running the
 * build (17) it writes a dynamic CDS archive that {@code -Xshare:on} uses the same way.
 */
class AotCacheTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path JAR = ROOT.resolve("deploy/target/nodecache.jar");
  private static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
  /** The flags of deploy/Dockerfile's training run that a cache must match (GC, object headers),
   * less the ones only JDK 25 has, which the JDK 25 test adds. */
  private static final List<String> FLAGS = List.of("-XX:+UseSerialGC", "-Xmx192m", "-XX:ActiveProcessorCount=2");

  @Test
  void onJdk25TheTrainingRunWritesAnAotCacheTheServerLoadsItsClassesFrom(@TempDir Path dir) throws Exception {
    assumeTrue(Files.isExecutable(JDK25.resolve("bin/java")), "JDK 25 is not installed at " + JDK25);
    List<String> flags = new ArrayList<>(FLAGS);
    flags.addAll(List.of("-XX:+UseCompactObjectHeaders", "--sun-misc-unsafe-memory-access=allow"));
    Path cache = train(JDK25, dir.resolve("nodecache.aot"), flags);
    List<String> use = new ArrayList<>(flags);
    use.addAll(List.of("-XX:AOTMode=on", "-XX:AOTCache=" + cache));
    assertServerClassesComeFromTheArchive(JDK25, use, "source: shared objects file");
  }

  @Test
  void onTheBuildJdkTheTrainingRunWritesAnArchiveTheServerLoadsItsClassesFrom(@TempDir Path dir) throws Exception {
    Path jdk = Path.of(System.getProperty("java.home"));
    boolean aot = Runtime.version().feature() >= 25;
    Path archive = train(jdk, dir.resolve("nodecache.archive"), FLAGS);
    List<String> use = new ArrayList<>(FLAGS);
    use.addAll(aot ? List.of("-XX:AOTMode=on", "-XX:AOTCache=" + archive)
        : List.of("-Xshare:on", "-XX:SharedArchiveFile=" + archive));
    assertServerClassesComeFromTheArchive(jdk, use, aot ? "source: shared objects file" : "source: shared objects file (top)");
  }

  private static Path train(Path jdk, Path out, List<String> flags) throws Exception {
    assertThat(JAR).as("the deploy module packages the server jar first").exists();
    List<String> argv = new ArrayList<>(List.of("sh", ROOT.resolve("deploy/aot-cache.sh").toString(), JAR.toString(),
        out.toString()));
    argv.addAll(flags);
    Run made = run(argv, Map.of("PATH", jdk.resolve("bin") + ":" + System.getenv("PATH")));
    assertThat(made.exit).as(made.output).isZero();
    assertThat(made.output).as("the training queries were answered").containsPattern("answered [1-9][0-9]{3,}, lost 0");
    assertThat(out).isNotEmptyFile();
    return out;
  }

  private static void assertServerClassesComeFromTheArchive(Path jdk, List<String> flags, String source)
      throws Exception {
    List<String> argv = new ArrayList<>(List.of(jdk.resolve("bin/java").toString()));
    argv.addAll(flags);
    argv.addAll(List.of("-Xlog:class+load=info", "-jar", JAR.toString(), "--help"));
    Run used = run(argv, Map.of());
    assertThat(used.exit).as(used.output).isZero();
    long fromArchive = used.output.lines()
        .filter(l -> l.contains(" io.nodecache.") && l.contains(source))
        .count();
    long fromJar = used.output.lines().filter(l -> l.contains(" io.nodecache.") && l.contains("nodecache.jar")).count();
    assertThat(fromArchive).as("server classes from the archive").isPositive();
    assertThat(fromArchive).as("more from the archive than from the jar").isGreaterThan(fromJar);
  }

  private record Run(int exit, String output) {}

  private static Run run(List<String> argv, Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(argv)).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
