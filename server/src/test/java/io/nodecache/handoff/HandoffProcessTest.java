package io.nodecache.handoff;

import static io.nodecache.handoff.HandoffTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.testing.Privileged;
import io.nodecache.testing.TestUpstream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zero-loss restart as it happens on a node: two {@code io.nodecache.Main} processes with the same
 * Corefile and {@code -handoff} path, the old one sent SIGTERM, a steady load across it all.
 */
class HandoffProcessTest {

  private static final Logger log = LoggerFactory.getLogger(HandoffProcessTest.class);
  private static final Pattern LISTENING = Pattern.compile("listening on /127\\.0\\.0\\.1:(\\d+)");

  @TempDir Path dir;
  private final List<Server> servers = new ArrayList<>();

  /** A server process whose output is collected (and drained so it never blocks). */
  private static final class Server {
    final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();

    Server(List<String> prefix, List<String> args) throws IOException {
      List<String> cmd = new ArrayList<>(prefix);
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.nodecache.Main"));
      cmd.addAll(args);
      process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      Thread t =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                  }
                } catch (IOException e) {
                  // the process ended
                }
              });
      t.setDaemon(true);
      t.start();
    }

    boolean logged(String text) {
      return lines.stream().anyMatch(l -> l.contains(text));
    }

    int port() throws InterruptedException {
      await("listening line", () -> lines.stream().anyMatch(l -> LISTENING.matcher(l).find()) || !process.isAlive());
      for (String l : lines) {
        Matcher m = LISTENING.matcher(l);
        if (m.find()) {
          return Integer.parseInt(m.group(1));
        }
      }
      throw new AssertionError("no listening line:\n" + String.join("\n", lines));
    }

    void sigterm() throws InterruptedException {
      process.destroy();
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as(String.join("\n", lines)).isZero();
    }
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (Server s : servers) {
      s.process.destroy();
      if (!s.process.waitFor(20, TimeUnit.SECONDS)) {
        s.process.destroyForcibly();
      }
      log.info("server {} log:\n{}", s.process.pid(), String.join("\n", s.lines));
    }
  }

  private Server start(String corefile, String... extra) throws IOException {
    return start(List.of(), corefile, extra);
  }

  /** A server process started by {@code prefix} (a wrapper command such as setpriv). */
  private Server start(List<String> prefix, String corefile, String... extra) throws IOException {
    Path conf = dir.resolve("Corefile-" + servers.size());
    Files.writeString(conf, corefile);
    List<String> args = new ArrayList<>(List.of("-conf", conf.toString()));
    args.addAll(List.of(extra));
    Server s = new Server(prefix, args);
    servers.add(s);
    return s;
  }

  @Test
  void sigtermWhileASecondInstanceTakesOverLosesNoQuery() throws Exception {
    String corefile = HandoffTest.COREFILE.formatted(0);
    String path = dir.resolve("run/handoff.sock").toString();
    Path pid = dir.resolve("nodecache.pid");
    Server a = start(corefile, "-handoff", path, "-pidfile", pid.toString());
    InetSocketAddress dns = new InetSocketAddress("127.0.0.1", a.port());
    await("a offers its sockets", () -> a.logged("offering our DNS sockets"));
    try (QueryLoad load = new QueryLoad(dns, "www.example.test.", "10.0.0.1", 4, 500_000).start()) {
      await("load running", () -> load.answered.get() > 2000);
      load.event("starting b");
      Server b = start(corefile, "-handoff", path, "-pidfile", pid.toString());
      assertThat(b.port()).isEqualTo(dns.getPort()); // the same sockets, though the Corefile says 0
      load.event("b listening");
      await("a handed over", () -> a.logged("a new instance serves our DNS sockets"));
      long atSwitch = load.answered.get();
      await("load across the switch", () -> load.answered.get() > atSwitch + 2000);
      load.event("SIGTERM a");
      a.sigterm();
      load.event("a exited");
      long atStop = load.answered.get();
      long stopped = System.nanoTime();
      await(
          "load after the old instance exited",
          () -> load.answered.get() > atStop + 5000 && System.nanoTime() - stopped > 2_000_000_000L);
      load.finish();
      System.out.println("RESULT two processes with hand-off: " + load);
      assertThat(load.lost.get()).as(load.toString()).isZero();
      assertThat(load.failed.get()).as(load.toString()).isZero();
      assertThat(load.wrongSource.get()).as(load.toString()).isZero();
      assertThat(b.logged("took over 1 listener(s)")).isTrue();
      assertThat(Files.readString(pid).trim()).isEqualTo(Long.toString(b.process.pid()));
      assertThat(Path.of(path)).exists();
    }
  }

  @Test
  void whenTheNewInstanceIsKilledTheOldOneServesAgain() throws Exception {
    String corefile = HandoffTest.COREFILE.formatted(0);
    String path = dir.resolve("handoff.sock").toString();
    Server a = start(corefile, "-handoff", path);
    InetSocketAddress dns = new InetSocketAddress("127.0.0.1", a.port());
    await("a offers its sockets", () -> a.logged("offering our DNS sockets"));
    Server b = start(corefile, "-handoff", path);
    assertThat(b.port()).isEqualTo(dns.getPort());
    await("a handed over", () -> a.logged("a new instance serves our DNS sockets"));
    try (QueryLoad load = new QueryLoad(dns, "www.example.test.", "10.0.0.1", 4, 500_000).start()) {
      await("load on b", () -> load.answered.get() > 1000);
      load.event("SIGKILL b");
      b.process.destroyForcibly();
      assertThat(b.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
      await("a serves again", () -> a.logged("serving them again"));
      long atResume = load.answered.get();
      await("load on a", () -> load.answered.get() > atResume + 2000);
      load.finish();
      // Queries b had read but not answered die with it; the ones queued in the sockets are a's.
      System.out.println("RESULT new instance SIGKILLed, the old one serves again: " + load);
      assertThat(load.failed.get()).as(load.toString()).isZero();
    }
    Server c = start(corefile, "-handoff", path); // and a hands over again
    assertThat(c.port()).isEqualTo(dns.getPort());
    await("a handed over again", () -> a.lines.stream().filter(l -> l.contains("a new instance serves")).count() == 2);
    a.sigterm();
  }

  @Test
  void theNewProcessStartsWithTheOldOnesCache() throws Exception {
    try (TestUpstream upstream =
        TestUpstream.start(q -> CacheHandoffTestAnswers.answer(q))) {
      String corefile =
          ".:0 {\n    bind 127.0.0.1\n    cache 300\n    forward . " + upstream.hostPort() + "\n}\n";
      String path = dir.resolve("handoff.sock").toString();
      Server a = start(corefile, "-handoff", path);
      InetSocketAddress dns = new InetSocketAddress("127.0.0.1", a.port());
      await("a offers its sockets", () -> a.logged("offering our DNS sockets"));
      double fill = CacheHandoffTestAnswers.pass(dns, upstream);
      Server b = start(corefile, "-handoff", path);
      assertThat(b.port()).isEqualTo(dns.getPort());
      await("a handed over", () -> a.logged("a new instance serves our DNS sockets"));
      a.sigterm();
      long t0 = System.nanoTime();
      double with = CacheHandoffTestAnswers.pass(dns, upstream);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      Server cold = start(corefile); // a new process without hand-off, on a port of its own
      double without = CacheHandoffTestAnswers.pass(new InetSocketAddress("127.0.0.1", cold.port()), upstream);
      System.out.printf(
          "RESULT two processes, first pass over %d cached names after the switch (%d ms): hit ratio %.3f"
              + " with hand-off, %.3f without (the fill: %.3f)%n",
          CacheHandoffTestAnswers.NAMES, ms, with, without, fill);
      assertThat(b.logged("took " + CacheHandoffTestAnswers.NAMES + " cache entries")).isTrue();
      assertThat(with).isEqualTo(1.0);
      assertThat(without).isZero();
    }
  }

  @Test
  void sigtermWithPlainReuseportOverlapIsCounted() throws Exception {
    Server a = start(HandoffTest.COREFILE.formatted(0));
    InetSocketAddress dns = new InetSocketAddress("127.0.0.1", a.port());
    try (QueryLoad load = new QueryLoad(dns, "www.example.test.", "10.0.0.1", 4, 500_000).start()) {
      await("load running", () -> load.answered.get() > 2000);
      load.event("starting b");
      Server b = start(HandoffTest.COREFILE.formatted(dns.getPort()));
      assertThat(b.port()).isEqualTo(dns.getPort());
      load.event("b listening");
      long atSwitch = load.answered.get();
      await("load across the overlap", () -> load.answered.get() > atSwitch + 2000);
      load.event("SIGTERM a");
      a.sigterm();
      load.event("a exited");
      long atStop = load.answered.get();
      long stopped = System.nanoTime();
      await(
          "load after the old instance exited",
          () -> load.answered.get() > atStop + 5000 && System.nanoTime() - stopped > 2_000_000_000L);
      load.finish();
      System.out.println("RESULT two processes, SO_REUSEPORT overlap without hand-off: " + load);
      assertThat(load.failed.get()).as(load.toString()).isZero();
    }
  }

  @Test
  void aSigtermDuringTheOverlapWaitsForTheTakeOverAndStopsAsAHandedOverInstance() throws Exception {
    String corefile = HandoffTest.COREFILE.formatted(0);
    String path = dir.resolve("handoff.sock").toString();
    Server a = start(corefile, "-handoff", path);
    InetSocketAddress dns = new InetSocketAddress("127.0.0.1", a.port());
    await("a offers its sockets", () -> a.logged("offering our DNS sockets"));
    try (QueryLoad load = new QueryLoad(dns, "www.example.test.", "10.0.0.1", 4, 500_000).start()) {
      Server b = start(corefile, "-handoff", path, "-warmup", "0", "-handoff-overlap", "4s");
      await("b in its overlap", () -> b.logged("both instances read the sockets"));
      a.process.toHandle().destroy(); // SIGTERM (Process.destroy would close its output too): the kubelet stops the old pod once the new one looks ready
      await("a waits for b", () -> a.logged("waiting up to"));
      assertThat(a.process.isAlive()).as("a during b's overlap").isTrue();
      assertThat(a.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(a.process.exitValue()).isZero();
      assertThat(a.logged("a new instance serves our DNS sockets now")).as(String.join("\n", a.lines)).isTrue();
      assertThat(b.port()).isEqualTo(dns.getPort());
      assertThat(b.logged("did not confirm")).as(String.join("\n", b.lines)).isFalse();
      long atStop = load.answered.get();
      await("b answers alone", () -> load.answered.get() > atStop + 2000);
      load.finish();
      assertThat(load.failed.get()).as(load.toString()).isZero();
      assertThat(load.lost.get()).as(load.toString()).isZero();
    }
  }

  @Test
  void theNewInstanceWarmsUpAtALowerPriorityAndServesAtTheOldOnes() throws Exception {
    Privileged.require("renice");
    String corefile = HandoffTest.COREFILE.formatted(0);
    String path = dir.resolve("handoff.sock").toString();
    Server a = start(corefile, "-handoff", path);
    int port = a.port();
    await("a offers its sockets", () -> a.logged("offering our DNS sockets"));
    int base = threadNice(a.process.pid()).values().iterator().next();
    int lowered = Math.min(19, base + 10); // the default -warmup-nice
    Server b = start(corefile, "-handoff", path, "-warmup", "3s");
    await("b lowered its priority", () -> b.logged("warm-up priority: nice " + base + " -> " + lowered));
    Map<String, Integer> during = threadNice(b.process.pid());
    assertThat(b.logged("warm-up priority back")).as("sampled before b's take-over").isFalse();
    assertThat(during).as("b's threads while it starts and warms up").isNotEmpty().allSatisfy((tid, n) -> assertThat(n).isEqualTo(lowered));
    assertThat(b.port()).isEqualTo(port);
    await("a handed over", () -> a.logged("a new instance serves our DNS sockets"));
    assertThat(b.logged("warm-up priority back: nice " + lowered + " -> " + base)).isTrue();
    assertThat(threadNice(b.process.pid())).as("b's threads once it serves").allSatisfy((tid, n) -> assertThat(n).isEqualTo(base));
    assertThat(threadNice(a.process.pid())).as("a's threads, never changed").allSatisfy((tid, n) -> assertThat(n).isEqualTo(base));
  }

  @Test
  void withoutCapSysNiceOrWithWarmupNiceZeroThePriorityStays() throws Exception {
    Privileged.require("setpriv");
    String corefile = HandoffTest.COREFILE.formatted(0);
    String path = dir.resolve("handoff.sock").toString();
    Server a = start(corefile, "-handoff", path);
    int port = a.port();
    await("a offers its sockets", () -> a.logged("offering our DNS sockets"));
    int base = threadNice(a.process.pid()).values().iterator().next();
    // No CAP_SYS_NICE: lowering would be for good, so b does not lower it.
    Server b = start(List.of("setpriv", "--bounding-set", "-sys_nice"), corefile, "-handoff", path);
    assertThat(b.port()).isEqualTo(port);
    await("a handed over to b", () -> a.logged("a new instance serves our DNS sockets"));
    assertThat(b.logged("warm-up priority unchanged: without CAP_SYS_NICE")).as(String.join("\n", b.lines)).isTrue();
    assertThat(b.logged("warm-up priority: nice")).isFalse();
    assertThat(threadNice(b.process.pid())).allSatisfy((tid, n) -> assertThat(n).isEqualTo(base));
    // -warmup-nice 0: not lowered, nothing said.
    Server c = start(corefile, "-handoff", path, "-warmup-nice", "0");
    assertThat(c.port()).isEqualTo(port);
    await("b handed over to c", () -> b.logged("a new instance serves our DNS sockets"));
    assertThat(c.lines).noneMatch(l -> l.contains("warm-up priority"));
    assertThat(threadNice(c.process.pid())).allSatisfy((tid, n) -> assertThat(n).isEqualTo(base));
  }

  /** The nice value of every thread of process {@code pid}, by thread id (field 19 of its stat). */
  private static Map<String, Integer> threadNice(long pid) throws IOException {
    Map<String, Integer> out = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path t : tasks.toList()) {
        try {
          String stat = Files.readString(t.resolve("stat"));
          out.put(t.getFileName().toString(), Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]));
        } catch (IOException e) {
          // the thread ended meanwhile
        }
      }
    }
    return out;
  }
}
