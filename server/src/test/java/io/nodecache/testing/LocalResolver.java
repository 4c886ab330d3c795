package io.nodecache.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Message;
import org.xbill.DNS.SimpleResolver;

/**
 * A real Debian {@code unbound} or {@code dnsmasq} on 127.0.0.1 and a free port, serving only local data
 * (no internet): {@code A} records given as name and address. Tests skip when the binary is absent.
 */
public final class LocalResolver implements AutoCloseable {

  /** The binaries looked for, in {@code /usr/sbin} then {@code /usr/bin}. */
  public enum Kind {
    UNBOUND,
    DNSMASQ;

    public String binary() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The executable, if installed. */
    public Optional<Path> find() {
      for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
        Path p = Path.of(dir, binary());
        if (Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
      return Optional.empty();
    }
  }

  private final Process process;
  private final int port;

  private LocalResolver(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts {@code kind} in the foreground with {@code a} records ({@code name address} pairs) and waits
   * until it answers over TCP.
   */
  public static LocalResolver start(Kind kind, Path dir, String... a) throws IOException, InterruptedException {
    Path bin = kind.find().orElseThrow(() -> new IOException(kind.binary() + " is not installed"));
    int port = freePort();
    List<String> cmd = new ArrayList<>();
    cmd.add(bin.toString());
    if (kind == Kind.UNBOUND) {
      StringBuilder conf = new StringBuilder();
      conf.append("server:\n  interface: 127.0.0.1\n  port: ").append(port).append('\n')
          .append("  do-ip6: no\n  do-daemonize: no\n  use-syslog: no\n  logfile: \"\"\n  username: \"\"\n")
          .append("  chroot: \"\"\n  pidfile: \"\"\n  directory: \"").append(dir).append("\"\n")
          .append("  verbosity: 0\n  num-threads: 1\n  local-zone: \".\" static\n");
      for (int i = 0; i + 1 < a.length; i += 2) {
        conf.append("  local-data: \"").append(a[i]).append(" 300 IN A ").append(a[i + 1]).append("\"\n");
      }
      conf.append("remote-control:\n  control-enable: no\n");
      Path file = dir.resolve("unbound.conf");
      Files.writeString(file, conf.toString(), StandardCharsets.UTF_8);
      cmd.addAll(List.of("-d", "-c", file.toString()));
    } else {
      cmd.addAll(List.of("--keep-in-foreground", "--port=" + port, "--listen-address=127.0.0.1",
          "--bind-interfaces", "--no-resolv", "--no-hosts", "--conf-file=/dev/null", "--pid-file=",
          "--user=" + System.getProperty("user.name"), "--log-facility=-"));
      for (int i = 0; i + 1 < a.length; i += 2) {
        cmd.add("--host-record=" + a[i] + "," + a[i + 1]);
      }
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(kind.binary() + ".log").toFile()).start();
    LocalResolver r = new LocalResolver(p, port);
    r.awaitServing(Duration.ofSeconds(15), a.length > 0 ? a[0] : "localhost");
    return r;
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  public String hostPort() {
    return "127.0.0.1:" + port;
  }

  private void awaitServing(Duration max, String name) throws InterruptedException, IOException {
    long end = System.nanoTime() + max.toNanos();
    SimpleResolver res = new SimpleResolver(address());
    res.setTCP(true);
    res.setTimeout(Duration.ofMillis(300));
    while (System.nanoTime() - end < 0) {
      if (!process.isAlive()) {
        throw new IOException("resolver exited with " + process.exitValue());
      }
      try {
        Message m = res.send(Records.query(name, "A"));
        if (m != null) {
          return;
        }
      } catch (IOException notYet) {
        Thread.sleep(20);
      }
    }
    close();
    throw new IOException("resolver did not answer within " + max);
  }

  private static int freePort() throws IOException {
    InetAddress lo = InetAddress.getLoopbackAddress();
    for (int i = 0; i < 50; i++) {
      try (ServerSocket t = new ServerSocket(0, 1, lo);
          DatagramSocket u = new DatagramSocket(new InetSocketAddress(lo, t.getLocalPort()))) {
        return t.getLocalPort();
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free port");
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
