package io.nodecache.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.listen.DnsListener;
import io.nodecache.server.NodeCache;
import io.nodecache.server.Setup;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.TestServers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Socket hand-off between two servers in one JVM (SCM_RIGHTS works within a process too): real UDP and
 * TCP sockets on loopback, a real unix socket, a steady load across the switch.
 */
class HandoffTest {

  private static final Logger log = LoggerFactory.getLogger(HandoffTest.class);
  static final String COREFILE =
      """
      .:%d {
          bind 127.0.0.1
          hosts {
              10.0.0.1 www.example.test
          }
          health 127.0.0.1:0 {
              lameduck 300ms
          }
      }
      """;

  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private NodeCache server(int port) throws Exception {
    NodeCache n = NodeCache.build(Setup.of(TestServers.parse(COREFILE.formatted(port))));
    open.add(n);
    return n;
  }

  /** Starts a server the way Main does with {@code -handoff}. */
  private Handoff start(NodeCache n, Path path, boolean expectTakeOver) throws Exception {
    Handoff h = new Handoff(path, n, Duration.ofSeconds(5));
    open.add(h);
    assertThat(h.takeOver()).isEqualTo(expectTakeOver);
    n.start();
    h.started();
    return h;
  }

  @Test
  void theNewInstanceServesTheSameSocketsAndTheOldOneStopsReading() throws Exception {
    Path path = dir.resolve("handoff.sock");
    NodeCache a = server(0);
    Handoff ha = start(a, path, false);
    InetSocketAddress dns = TestServers.dns(a);
    int udpSockets = a.listenerSockets().get(new InetSocketAddress("127.0.0.1", 0)).udp().size();

    NodeCache b = server(0);
    start(b, path, true);

    assertThat(TestServers.dns(b)).isEqualTo(dns); // same port although the Corefile says 0
    assertThat(b.listenerSockets().values().iterator().next().udp()).hasSize(udpSockets);
    assertThat(a.isHandedOver()).isTrue();
    assertThat(ha.handedOver()).isTrue();
    assertThat(a.ready()).isFalse();
    a.shutdown(1000, ha::close);
    for (int i = 0; i < 20; i++) {
      Message m = DnsClient.udp(dns, DnsClient.query("www.example.test.", Type.A));
      assertThat(m.getSection(Section.ANSWER).get(0).rdataToString()).isEqualTo("10.0.0.1");
    }
    assertThat(DnsClient.tcp(dns, DnsClient.query("www.example.test.", Type.A)).getSection(Section.ANSWER))
        .hasSize(1);
    assertThat(path).exists(); // b's now: a must not have removed it
    assertThat(Files.getPosixFilePermissions(path))
        .isEqualTo(PosixFilePermissions.fromString("rw-------")); // our uid only
  }

  @Test
  void withoutARunningInstanceItBindsAndAStaleSocketFileIsReplaced() throws Exception {
    Path path = dir.resolve("handoff.sock");
    Files.writeString(path, "stale");
    NodeCache a = server(0);
    start(a, path, false);
    assertThat(DnsClient.udp(TestServers.dns(a), DnsClient.query("www.example.test.", Type.A)).getSection(Section.ANSWER))
        .hasSize(1);
    NodeCache b = server(0);
    start(b, path, true); // the file is a live socket now
  }

  @Test
  void aNewInstanceThatFailsBeforeConfirmingLeavesTheOldOneServing() throws Exception {
    Path path = dir.resolve("handoff.sock");
    NodeCache a = server(0);
    Handoff ha = start(a, path, false);
    InetSocketAddress dns = TestServers.dns(a);
    var received = HandoffClient.receive(path, Duration.ofSeconds(5));
    assertThat(received).isPresent();
    assertThat(received.get().sockets()).containsOnlyKeys(new InetSocketAddress("127.0.0.1", 0));
    received.get().sockets().values().forEach(DnsListener.Sockets::close); // it crashed
    received.get().abandon();
    assertThat(ha.handedOver()).isFalse();
    assertThat(a.ready()).isTrue();
    for (int i = 0; i < 20; i++) {
      assertThat(DnsClient.udp(dns, DnsClient.query("www.example.test.", Type.A)).getSection(Section.ANSWER)).hasSize(1);
    }
    assertThat(DnsClient.tcp(dns, DnsClient.query("www.example.test.", Type.A)).getSection(Section.ANSWER)).hasSize(1);
    NodeCache b = server(0); // and the next attempt still works
    start(b, path, true);
    assertThat(TestServers.dns(b)).isEqualTo(dns);
  }

  @Test
  void aPeerThatNamesAnotherPlaceOrSendsGarbageGetsNothingAndTheOldOneServesOn() throws Exception {
    Path path = dir.resolve("handoff.sock");
    NodeCache a = server(0);
    Handoff ha = start(a, path, false);
    InetSocketAddress dns = TestServers.dns(a);
    Path elsewhere = dir.resolve("elsewhere.sock");
    for (String ask : List.of("send " + elsewhere, "send", "x".repeat(5000) + "\n", "taken-by-me\n")) {
      try (Conversation c = Conversation.connect(path, 4096)) {
        String line;
        do {
          line = c.readLine();
        } while (line != null && !line.startsWith("end "));
        assertThat(line).as("the announcement").isNotNull();
        c.write(ask.endsWith("\n") ? ask : ask + "\n");
        assertThat(c.readLine()).as("after '%s'", ask.length() > 40 ? ask.substring(0, 40) : ask).isNull(); // hung up
      }
    }
    assertThat(elsewhere).doesNotExist();
    assertThat(ha.handedOver()).isFalse();
    assertThat(a.ready()).isTrue();
    assertThat(DnsClient.udp(dns, DnsClient.query("www.example.test.", Type.A)).getSection(Section.ANSWER)).hasSize(1);
    NodeCache b = server(0); // a real new instance still takes over
    start(b, path, true);
    assertThat(TestServers.dns(b)).isEqualTo(dns);
  }

  @Test
  void anInstanceOfProtocolOneIsLeftServingAndTheNewOneBindsItsOwnSockets() throws Exception {
    Path path = dir.resolve("handoff.sock");
    try (ServerSocketChannel v1 = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      v1.bind(UnixDomainSocketAddress.of(path));
      Thread t = new Thread(() -> {
        try (SocketChannel c = v1.accept()) {
          c.write(ByteBuffer.wrap("nodecache-handoff 1\nlistener 127.0.0.1 0 127.0.0.1 5353 1\nend 2\n".getBytes(StandardCharsets.US_ASCII)));
          c.read(ByteBuffer.allocate(64)); // until the new instance hangs up
        } catch (IOException e) {
          // closed
        }
      });
      t.start();
      NodeCache b = server(0);
      start(b, path, false); // no hand-off: its own sockets
      assertThat(DnsClient.udp(TestServers.dns(b), DnsClient.query("www.example.test.", Type.A)).getSection(Section.ANSWER))
          .hasSize(1);
      t.join(5000);
      assertThat(t.isAlive()).as("the new instance hung up").isFalse();
    }
  }

  @Test
  void descriptorSocketsLeftByAKilledInstanceAreRemovedAndNothingElse() throws Exception {
    Path path = dir.resolve("handoff.sock");
    Path stale = socketFile(dir.resolve("handoff.sock.fds-7-abc"));
    Path fresh = socketFile(dir.resolve("handoff.sock.fds-8-def")); // maybe another exchange's, right now
    Path notASocket = Files.writeString(dir.resolve("handoff.sock.fds-9-0"), "x");
    Path otherName = socketFile(dir.resolve("other.sock.fds-7-abc"));
    FileTime old = FileTime.fromMillis(System.currentTimeMillis() - HandoffClient.STALE.toMillis() - 60_000);
    for (Path p : List.of(stale, notASocket, otherName)) {
      Files.setLastModifiedTime(p, old);
    }
    NodeCache a = server(0);
    start(a, path, false);
    NodeCache b = server(0);
    start(b, path, true);
    assertThat(stale).doesNotExist();
    assertThat(fresh).exists();
    assertThat(notASocket).exists();
    assertThat(otherName).exists();
    try (var files = Files.list(dir)) { // and ours is gone after the exchange
      assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("handoff.sock.fds-" + ProcessHandle.current().pid())))
          .isEmpty();
    }
  }

  /** A unix socket file nobody listens on any more, as a killed process leaves it. */
  private static Path socketFile(Path p) throws IOException {
    try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      s.bind(UnixDomainSocketAddress.of(p));
    }
    return p;
  }

  @Test
  void whenTheNewInstanceGoesAwayTheOldOneServesAndOffersAgain() throws Exception {
    Path path = dir.resolve("handoff.sock");
    NodeCache a = server(0);
    start(a, path, false);
    InetSocketAddress dns = TestServers.dns(a);
    NodeCache b = server(0);
    Handoff hb = start(b, path, true);
    assertThat(a.isHandedOver()).isTrue();

    b.shutdown(1000, hb::close); // b stops while a still runs (a crash is HandoffProcessTest's)
    await("a serves again", () -> !a.isHandedOver() && a.ready());
    assertThat(DnsClient.udp(dns, DnsClient.query("www.example.test.", Type.A)).getSection(Section.ANSWER)).hasSize(1);
    assertThat(DnsClient.tcp(dns, DnsClient.query("www.example.test.", Type.A)).getSection(Section.ANSWER)).hasSize(1);
    assertThat(a.httpAddress("health")).isNotNull();

    await("a offers again", () -> Files.exists(path));
    NodeCache c = server(0);
    start(c, path, true);
    assertThat(TestServers.dns(c)).isEqualTo(dns);
    assertThat(a.isHandedOver()).isTrue();
  }

  @Test
  void zeroLossUnderLoadWithHandoff() throws Exception {
    Path path = dir.resolve("handoff.sock");
    NodeCache a = server(0);
    Handoff ha = start(a, path, false);
    InetSocketAddress dns = TestServers.dns(a);
    try (QueryLoad load = new QueryLoad(dns, "www.example.test.", "10.0.0.1", 4, 200_000).start()) {
      await("load running", () -> load.answered.get() > 2000);
      NodeCache b = server(0);
      load.event("starting b");
      start(b, path, true);
      load.event("b started");
      long atSwitch = load.answered.get();
      await("load across the switch", () -> load.answered.get() > atSwitch + 2000);
      load.event("a shutdown");
      a.shutdown(5000, ha::close); // SIGTERM of the old instance
      load.event("a stopped");
      long atStop = load.answered.get();
      long stopped = System.nanoTime();
      await( // a few seconds of load in all, bounded by the query count
          "load after the old instance stopped",
          () -> load.answered.get() > atStop + 5000 && System.nanoTime() - stopped > 2_000_000_000L);
      load.finish();
      log.info("with hand-off: {}", load);
      assertThat(load.lost.get()).as(load.toString()).isZero();
      assertThat(load.failed.get()).as(load.toString()).isZero();
      assertThat(load.wrongSource.get()).as(load.toString()).isZero();
    }
  }

  @Test
  void withoutHandoffTheOverlapIsCounted() throws Exception {
    NodeCache a = server(0);
    a.start();
    InetSocketAddress dns = TestServers.dns(a);
    try (QueryLoad load = new QueryLoad(dns, "www.example.test.", "10.0.0.1", 4, 200_000).start()) {
      await("load running", () -> load.answered.get() > 2000);
      NodeCache b = server(dns.getPort()); // plain SO_REUSEPORT overlap
      load.event("starting b");
      b.start();
      load.event("b started");
      long atSwitch = load.answered.get();
      await("load across the overlap", () -> load.answered.get() > atSwitch + 2000);
      load.event("a shutdown");
      a.shutdown(5000);
      load.event("a stopped");
      long atStop = load.answered.get();
      long stopped = System.nanoTime();
      await( // a few seconds of load in all, bounded by the query count
          "load after the old instance stopped",
          () -> load.answered.get() > atStop + 5000 && System.nanoTime() - stopped > 2_000_000_000L);
      load.finish();
      log.info("without hand-off (SO_REUSEPORT overlap): {}", load);
      System.out.println("RESULT in-process without hand-off: " + load);
      assertThat(load.failed.get()).as(load.toString()).isZero();
    }
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
