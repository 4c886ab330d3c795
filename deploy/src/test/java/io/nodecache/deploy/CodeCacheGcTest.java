package io.nodecache.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nodecache.testing.DnsClient;
import io.nodecache.testing.TestUpstream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The DaemonSet's JVM flags keep the JIT's code-cache housekeeping from stopping a serving node. On
 * JDK 25 the code cache asks for a collection each time its use has grown by {@code SweeperThreshold}
 * per cent of {@code ReservedCodeCacheSize} (15 % by default: 4.8 MiB of our 32 MiB) since the last
 * unloading, and with the Serial collector that collection is a full one: 17 to 45 ms with every
 * thread stopped, 2 to 4 s after every start while the first queries are being answered (bench runs
 * in docs/restart.md). A control run without the manifest's {@code -XX:SweeperThreshold} shows that
 * the same load triggers it; the run with the manifest's flags, under that load for twice as long,
 * must log no such collection.
 */
class CodeCacheGcTest {

  private static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
  private static final String CODE_CACHE_GC = "Pause Full (CodeCache GC Threshold)";
  private static final Pattern LISTENING = Pattern.compile("listening on /127\\.0\\.0\\.1:(\\d+)");
  private static final long CONTROL_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(30);

  private static final InetAddress ADDRESS = InetAddress.getLoopbackAddress();

  @TempDir Path dir;

  @Test
  void theManifestsFlagsLeaveNoCodeCacheCollectionUnderLoad() throws Exception {
    assumeTrue(Files.isExecutable(JDK25),
        "no JDK 25 at " + JDK25 + ": the code cache's collections are JDK 25's (17 sweeps concurrently)");
    String opts =
        ManifestTest.env(ManifestTest.container(Install.load(Install.substituted(Install.Mode.IPTABLES, dir))), "JAVA_TOOL_OPTIONS");
    List<String> flags = new ArrayList<>(List.of(opts.trim().split("\\s+")));
    flags.removeIf(f -> f.startsWith("-XX:AOTCache=")); // the image's cache is not on this machine
    assertThat(flags).as("the manifest sets the threshold").anyMatch(f -> f.startsWith("-XX:SweeperThreshold="));
    List<String> control = new ArrayList<>(flags);
    control.removeIf(f -> f.startsWith("-XX:SweeperThreshold="));

    try (TestUpstream upstream = TestUpstream.start(CodeCacheGcTest::answer)) {
      long needed = run(control, upstream, "control", CONTROL_LIMIT_NANOS, true)
          .orElseThrow(() -> new AssertionError("the control run never logged '" + CODE_CACHE_GC
              + "' within 30 s: the load is too light to show anything"));
      long twice = Math.max(2 * needed, TimeUnit.SECONDS.toNanos(5));
      Optional<Long> manifest = run(flags, upstream, "manifest", twice, false);
      assertThat(manifest)
          .as("with the manifest's flags, under load for %d ms (the control collected after %d ms)",
              twice / 1_000_000, needed / 1_000_000)
          .isEmpty();
    }
  }

  /** A for any name, NXDOMAIN for names starting with nx: so the cache sees hits, misses and denials. */
  private static Message answer(Message q) {
    Message a = new Message(q.getHeader().getID());
    a.getHeader().setFlag(Flags.QR);
    a.addRecord(q.getQuestion(), Section.QUESTION);
    if (q.getQuestion().getName().toString().startsWith("nx")) {
      a.getHeader().setRcode(Rcode.NXDOMAIN);
    } else if (q.getQuestion().getType() == Type.A) {
      a.addRecord(new ARecord(q.getQuestion().getName(), DClass.IN, 30, ADDRESS), Section.ANSWER);
    }
    return a;
  }

  /**
   * Runs the server with {@code jvmFlags} and {@code -Xlog:gc}, loads it for up to {@code limitNanos}
   * (until the first code-cache collection when {@code stopAtCollection}), and returns how long after
   * the first answer that collection came, if it did.
   */
  private Optional<Long> run(List<String> jvmFlags, TestUpstream upstream, String name, long limitNanos, boolean stopAtCollection)
      throws Exception {
    Path gc = dir.resolve(name + "-gc.log");
    Path out = dir.resolve(name + ".log");
    Path corefile = dir.resolve(name + ".Corefile");
    Files.writeString(corefile, """
        .:0 {
            bind 127.0.0.1
            errors
            cache {
                success 9984 30
                denial 9984 5
            }
            forward . %s {
                force_tcp
            }
        }
        """.formatted(upstream.hostPort()));
    List<String> argv = new ArrayList<>(List.of(JDK25.toString()));
    argv.addAll(jvmFlags);
    argv.addAll(List.of("-Xlog:gc:file=" + gc, "-cp", System.getProperty("java.class.path"), "io.nodecache.Main",
        "-conf", corefile.toString()));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      InetSocketAddress dns = new InetSocketAddress("127.0.0.1", awaitPort(p, out));
      long start = System.nanoTime();
      AtomicLong answered = new AtomicLong();
      long i = 0;
      while (System.nanoTime() - start < limitNanos) {
        for (int k = 0; k < 200; k++, i++) { // hits, misses and denials over UDP, one in 16 over TCP
          String qname = (i % 4 == 0 ? "m" + i : i % 11 == 0 ? "nx" + (i % 500) : "h" + (i % 3000)) + ".load.test.";
          Message q = DnsClient.query(qname, i % 3 == 0 ? Type.AAAA : Type.A);
          if (i % 2 == 0) {
            q = DnsClient.withEdns(q, 1232, false);
          }
          Message a = i % 16 == 0 ? DnsClient.tcp(dns, q) : DnsClient.udp(dns, q);
          if (a != null) {
            answered.incrementAndGet();
          }
        }
        if (stopAtCollection && Files.readString(gc).contains(CODE_CACHE_GC)) {
          System.out.printf("RESULT %s: code-cache collection after %d ms, %d answers%n", name,
              (System.nanoTime() - start) / 1_000_000, answered.get());
          return Optional.of(System.nanoTime() - start);
        }
      }
      String log = Files.readString(gc);
      System.out.printf("RESULT %s: %d ms of load, %d answers, code-cache collections: %d%n", name,
          (System.nanoTime() - start) / 1_000_000, answered.get(), log.split(Pattern.quote(CODE_CACHE_GC), -1).length - 1);
      assertThat(answered.get()).as("the server answered under load").isPositive();
      return log.contains(CODE_CACHE_GC) ? Optional.of(System.nanoTime() - start) : Optional.empty();
    } finally {
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static int awaitPort(Process p, Path out) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      Matcher m = LISTENING.matcher(Files.exists(out) ? Files.readString(out) : "");
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      if (!p.isAlive()) {
        fail("the server exited: " + Files.readString(out));
      }
      Thread.sleep(50);
    }
    fail("the server did not listen within 30 s: " + Files.readString(out));
    return 0;
  }
}
