package io.nodecache.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.testing.Privileged;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * autopath end to end with a real glibc client: {@code getent ahosts NAME} in a pod network namespace
 * whose resolv.conf is a pod's ({@code search demo.svc.cluster.local svc.cluster.local cluster.local},
 * {@code options ndots:5}; {@code ip netns exec} mounts {@code /etc/netns/POD/resolv.conf} over
 * {@code /etc/resolv.conf}), over a veth to a node namespace where {@link AutopathNode} runs the mock
 * API server (this pod on NODE_NAME), an upstream on loopback and two servers: with {@code autopath
 * @kubernetes} on 169.254.20.10 and without on 169.254.20.11. Counts the queries each server receives
 * per lookup and times lookups (glibc's getaddrinfo, A and AAAA) for an external name, a Service of the
 * pod's namespace and one of another namespace. Needs root; everything lives in the two namespaces it
 * creates, removed after.
 */
class AutopathGlibcTest {

  private static final String AUTOPATH = "169.254.20.10";
  private static final String PLAIN = "169.254.20.11";
  private static final String POD_IP = "10.200.0.2";
  private static final int LOOKUPS = 10;
  private static final int TIMED = 2000;

  /** Name, the address getent must print, queries per lookup with autopath, and without. */
  private record Case(String name, String address, int withAutopath, int without) {}

  private static final List<Case> CASES = List.of(
      // ndots:5: three search domains x (A, AAAA) NXDOMAIN, then the bare name
      new Case("example.org", "2001:db8::1", 2, 8),
      // the first search domain holds it: no walk either way
      new Case("web", "10.96.0.20", 2, 2),
      // web.other: the second search domain holds it
      new Case("api.other", "10.96.0.30", 2, 4));

  @TempDir Path dir;
  private final String id = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
  private final String node = "nc-ap-node-" + id;
  private final String pod = "nc-ap-pod-" + id;
  private final Path podEtc = Path.of("/etc/netns", pod);
  private Process child;

  @AfterEach
  void cleanUp() throws Exception {
    if (child != null) {
      child.destroyForcibly();
      child.waitFor(10, TimeUnit.SECONDS);
    }
    run(false, "ip", "netns", "del", pod);
    run(false, "ip", "netns", "del", node);
    if (Files.isDirectory(podEtc)) {
      try (var files = Files.list(podEtc)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(podEtc);
    }
  }

  @Test
  void glibcLookupsTakeOneRoundTripWithAutopath() throws Exception {
    Privileged.require("ip", "getent", "python3");
    String vn = "ncapn" + id;
    String vp = "ncapp" + id;
    run(true, "ip", "netns", "add", node);
    run(true, "ip", "netns", "add", pod);
    run(true, "ip", "link", "add", vn, "type", "veth", "peer", "name", vp);
    run(true, "ip", "link", "set", vn, "netns", node);
    run(true, "ip", "link", "set", vp, "netns", pod);
    inNs(node, "ip link set lo up && ip addr add " + AUTOPATH + "/32 dev lo && ip addr add " + PLAIN + "/32 dev lo"
        + " && ip addr add 10.200.0.1/24 dev " + vn + " && ip link set " + vn + " up");
    inNs(pod, "ip link set lo up && ip addr add " + POD_IP + "/24 dev " + vp + " && ip link set " + vp + " up"
        + " && ip route add default via 10.200.0.1");
    Files.createDirectories(podEtc);
    Files.writeString(podEtc.resolve("nsswitch.conf"), "hosts: dns\n"); // no /etc/hosts, no nss-resolve

    BlockingQueue<String> lines = startNode();
    assertThat(lines.poll(120, TimeUnit.SECONDS)).as("node ready (log: " + dir.resolve("node.log") + ")").isEqualTo("READY");

    Map<String, String> figures = new LinkedHashMap<>();
    // two rounds: the first warms both servers' JIT alike, the second is reported
    for (int round = 0; round < 2; round++) {
      for (String server : List.of(AUTOPATH, PLAIN)) {
        Files.writeString(podEtc.resolve("resolv.conf"), "nameserver " + server
            + "\nsearch demo.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n");
        for (Case c : CASES) {
          figures.put((server.equals(AUTOPATH) ? "autopath " : "plain    ") + c.name(), measure(server, c, lines));
        }
      }
    }
    StringBuilder report = new StringBuilder("glibc getaddrinfo (A+AAAA) from a pod netns over a veth, warm cache, "
        + TIMED + " timed lookups each:\n");
    figures.forEach((k, v) -> report.append(String.format("%-22s %s%n", k, v)));
    System.out.print(report);
    Files.writeString(Path.of("target", "autopath-figures.txt"), report.toString());
  }

  /** Checks getent's answer and the queries per lookup, and times lookups; returns the figures. */
  private String measure(String server, Case c, BlockingQueue<String> lines) throws Exception {
    String printed = inNs(pod, "getent ahosts " + c.name());
    assertThat(printed).as(c.name() + " via " + server).contains(c.address());
    long[] before = count(lines);
    for (int i = 0; i < LOOKUPS; i++) {
      inNs(pod, "getent ahosts " + c.name() + " > /dev/null");
    }
    long[] after = count(lines);
    int col = server.equals(AUTOPATH) ? 0 : 1;
    double perLookup = (after[col] - before[col]) / (double) LOOKUPS;
    assertThat(after[1 - col]).as("the other server got nothing").isEqualTo(before[1 - col]);
    assertThat(perLookup).as("queries per lookup of " + c.name() + " via " + server)
        .isEqualTo(server.equals(AUTOPATH) ? c.withAutopath() : c.without());
    String[] t = inNs(pod, "python3 -c '" + TIMER + "' " + c.name() + " " + TIMED).trim().split(" ");
    return String.format("%4.1f queries/lookup   mean %6.1f us   p50 %6.1f us   p99 %6.1f us",
        perLookup, Long.parseLong(t[0]) / 1e3, Long.parseLong(t[1]) / 1e3, Long.parseLong(t[2]) / 1e3);
  }

  /** Times glibc's getaddrinfo: mean, median and 99th percentile in nanoseconds after 500 untimed. */
  private static final String TIMER = String.join(";",
      "import socket,sys,time",
      "n=int(sys.argv[2])",
      "[socket.getaddrinfo(sys.argv[1],None) for _ in range(500)]",
      "ts=[]",
      "exec(\"for _ in range(n):\\n t=time.perf_counter_ns();socket.getaddrinfo(sys.argv[1],None);ts.append(time.perf_counter_ns()-t)\")",
      "ts.sort()",
      "print(sum(ts)//n,ts[n//2],ts[min(n-1,n*99//100)])");

  private BlockingQueue<String> startNode() throws IOException {
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", node,
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx192m", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), AutopathNode.class.getName(),
        dir.toString(), POD_IP, AUTOPATH, PLAIN));
    child = new ProcessBuilder(argv).redirectError(dir.resolve("node.log").toFile()).start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String l;
        while ((l = r.readLine()) != null) {
          lines.add(l);
        }
      } catch (IOException e) {
        lines.add("EOF " + e);
      }
    }, "autopath-node-stdout");
    reader.setDaemon(true);
    reader.start();
    return lines;
  }

  /** Queries received so far by the autopath server and the plain one, and by the upstream. */
  private long[] count(BlockingQueue<String> lines) throws Exception {
    Writer w = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
    w.write("count\n");
    w.flush();
    String l = lines.poll(30, TimeUnit.SECONDS);
    assertThat(l).as("count answered").startsWith("COUNT ");
    String[] f = l.split(" ");
    return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])};
  }

  private static String inNs(String ns, String shell) throws Exception {
    return run(true, "ip", "netns", "exec", ns, "sh", "-c", shell);
  }

  /** Runs a command with a 60 s bound; with {@code check}, a failure fails the test. Returns stdout. */
  private static String run(boolean check, String... argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes(); // ends when the process does (or is killed below)
    boolean done = p.waitFor(60, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly();
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (check) {
      assertThat(done && p.exitValue() == 0).as(String.join(" ", argv) + " -> " + text).isTrue();
    }
    return text;
  }
}
