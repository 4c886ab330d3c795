package io.nodecache;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.testing.Await;
import io.nodecache.testing.DnsClient;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The command line as a user runs it: a separate JVM, real signals, exit codes. */
class MainProcessTest {

  @TempDir Path dir;

  private static Process java(List<String> args) throws IOException {
    return javaCommand(args).start();
  }

  private static ProcessBuilder javaCommand(List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.nodecache.Main");
    cmd.addAll(args);
    return new ProcessBuilder(cmd);
  }

  private static String read(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void aBadCorefileStopsTheStartWithFileLineAndExitCode2() throws Exception {
    Path conf = dir.resolve("Corefile");
    Files.writeString(conf, ".:0 {\n    bind 127.0.0.1\n    cahce 30\n}\n");
    Process p = java(List.of("-conf", conf.toString()));
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(read(p.getErrorStream())).isEqualTo("nodecache: " + conf + ":3: unknown directive 'cahce'\n");
  }

  @Test
  void aBadFlagIsOneLineAndExitCode2() throws Exception {
    Process p = java(List.of("-dns.port", "70000"));
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(read(p.getErrorStream())).isEqualTo("nodecache: -dns.port: 70000 (expected: 0..65535)\n");
  }

  @Test
  void helpPrintsEveryFlag() throws Exception {
    Process p = java(List.of("--help"));
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    String out = read(p.getInputStream());
    assertThat(out).contains("-localip", "-conf", "-dns.port", "-pidfile", "-setupiptables", "-skipteardown", "-upstreamsvc");
  }

  @Test
  void pluginsListsThePluginsOfThisBuildInChainOrder() throws Exception {
    Process p = java(List.of("-plugins"));
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    String out = read(p.getInputStream());
    assertThat(out).startsWith("Server types:\n  dns\n");
    assertThat(out)
        .containsSubsequence("dns.bind", "dns.errors", "dns.log", "dns.cache", "dns.hosts", "dns.loop", "dns.forward");
    assertThat(out).as("the server module alone has no kubernetes plugin").doesNotContain("dns.kubernetes");
  }

  @Test
  void servesThenStopsGracefullyOnSigterm() throws Exception {
    Path conf = dir.resolve("Corefile");
    Path pid = dir.resolve("nodecache.pid");
    Files.writeString(
        conf,
        ".:0 {\n    bind 127.0.0.1\n    hosts {\n        10.0.0.1 www.example.test\n    }\n    health 127.0.0.1:0 {\n        lameduck 200ms\n    }\n}\n");
    Process p = java(List.of("-conf", conf.toString(), "-pidfile", pid.toString()));
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      Pattern listening = Pattern.compile("listening on /127\\.0\\.0\\.1:(\\d+)");
      int port = -1;
      String line;
      while (port < 0 && (line = out.readLine()) != null) {
        Matcher m = listening.matcher(line);
        if (m.find()) {
          port = Integer.parseInt(m.group(1));
        }
      }
      assertThat(port).isPositive();
      assertThat(Files.readString(pid).trim()).isEqualTo(Long.toString(p.pid()));
      InetSocketAddress dns = new InetSocketAddress("127.0.0.1", port);
      Message a = DnsClient.udp(dns, DnsClient.query("www.example.test.", Type.A));
      assertThat(a.getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(digAnswer(port)).isIn("10.0.0.1", "dig not installed");

      p.destroy(); // SIGTERM
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
      assertThat(pid).doesNotExist();
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void quietServesWithoutStartUpOutput() throws Exception {
    int port;
    try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort(); // free for UDP now; TCP on it is almost always free too
    }
    Path conf = dir.resolve("Corefile");
    Path pid = dir.resolve("quiet.pid");
    Files.writeString(conf, ".:" + port + " {\n    bind 127.0.0.1\n    hosts {\n        10.0.0.1 www.example.test\n    }\n}\n");
    Path out = dir.resolve("quiet.out");
    Process p =
        javaCommand(List.of("-conf", conf.toString(), "-pidfile", pid.toString(), "-quiet"))
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    try {
      awaitAnswering(p, pid, port);
      p.destroy();
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
      assertThat(Files.readString(out)).doesNotContain("listening on");
    } finally {
      p.destroyForcibly();
    }
  }

  /**
   * Netty's allocator would register its JFR events on first use, loading JFR's event registry (about 80
   * classes and their metadata) into every process; Main turns that off (bench/RESULTS.md, Footprint notes). Checked on the class-load log of
   * a server that has answered over UDP (the pooled allocator in use).
   */
  @Test
  void answeringLoadsNoJfrClasses() throws Exception {
    int port;
    try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Path conf = dir.resolve("Corefile");
    Path pid = dir.resolve("jfr.pid");
    Path classes = dir.resolve("classes.txt");
    Files.writeString(conf, ".:" + port + " {\n    bind 127.0.0.1\n    hosts {\n        10.0.0.1 www.example.test\n    }\n}\n");
    List<String> cmd = new ArrayList<>(javaCommand(List.of("-conf", conf.toString(), "-pidfile", pid.toString(), "-quiet")).command());
    cmd.add(1, "-Xlog:class+load=info:file=" + classes);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("jfr.out").toFile()).start();
    try {
      awaitAnswering(p, pid, port);
      p.destroy();
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      List<String> loaded = Files.readAllLines(classes);
      assertThat(loaded).anyMatch(l -> l.contains("io.netty.buffer.PooledByteBufAllocator "));
      // Netty still asks whether JFR is available (a dozen classes); the event registry must stay unloaded.
      assertThat(loaded).noneMatch(l -> l.contains(" jdk.jfr.internal.MetadataRepository ") || l.contains(" jdk.jfr.internal.TypeLibrary "));
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void sigusr1ReloadsTheCorefile() throws Exception {
    Path conf = dir.resolve("Corefile");
    Files.writeString(conf, ".:0 {\n    bind 127.0.0.1\n    hosts {\n        10.0.0.1 www.example.test\n    }\n}\n");
    Process p = java(List.of("-conf", conf.toString()));
    try {
      int port = awaitPort(p);
      InetSocketAddress dns = new InetSocketAddress("127.0.0.1", port);
      assertThat(DnsClient.udp(dns, DnsClient.query("www.example.test.", Type.A)).getSection(Section.ANSWER).get(0).rdataToString()).isEqualTo("10.0.0.1");
      Files.writeString(conf, ".:" + port + " {\n    bind 127.0.0.1\n    hosts {\n        10.0.0.7 www.example.test\n    }\n}\n");
      new ProcessBuilder("kill", "-USR1", Long.toString(p.pid())).start().waitFor();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      String seen = "";
      while (System.nanoTime() < deadline && !seen.equals("10.0.0.7")) {
        seen = DnsClient.udp(dns, DnsClient.query("www.example.test.", Type.A)).getSection(Section.ANSWER).get(0).rdataToString();
      }
      assertThat(seen).isEqualTo("10.0.0.7");
    } finally {
      p.destroy();
      p.waitFor(20, TimeUnit.SECONDS);
      p.destroyForcibly();
    }
  }

  /**
   * Waits for the pidfile, then for a NOERROR answer to www.example.test over UDP on {@code port} (a cold
   * JVM on a loaded machine may miss the first query).
   */
  private static void awaitAnswering(Process p, Path pid, int port) {
    Await.until("the pidfile", Duration.ofSeconds(30), () -> Files.exists(pid) || !p.isAlive());
    InetSocketAddress dns = new InetSocketAddress("127.0.0.1", port);
    Await.until("an answer", Duration.ofSeconds(30), () -> {
      try {
        return DnsClient.udp(dns, DnsClient.query("www.example.test.", Type.A)).getRcode() == Rcode.NOERROR;
      } catch (IOException e) {
        return false;
      }
    });
  }

  private static int awaitPort(Process p) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    Pattern listening = Pattern.compile("listening on /127\\.0\\.0\\.1:(\\d+)");
    String line;
    while ((line = out.readLine()) != null) {
      Matcher m = listening.matcher(line);
      if (m.find()) {
        Thread drain = new Thread(() -> { try { out.transferTo(Writer.nullWriter()); } catch (IOException e) { } });
        drain.setDaemon(true);
        drain.start();
        return Integer.parseInt(m.group(1));
      }
    }
    throw new IOException("the server printed no listening line");
  }

  /** dig's short answer, or a marker when dig is not installed (CI installs it). */
  private static String digAnswer(int port) throws Exception {
    boolean haveDig = new File("/usr/bin/dig").canExecute();
    if (!haveDig) {
      assertThat(System.getenv("CI")).as("dig must be installed in CI").isNotEqualTo("true");
      return "dig not installed";
    }
    Process dig = new ProcessBuilder("dig", "@127.0.0.1", "-p", Integer.toString(port), "+short", "+tries=1", "+time=3", "www.example.test").start();
    assertThat(dig.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return read(dig.getInputStream()).trim();
  }
}
