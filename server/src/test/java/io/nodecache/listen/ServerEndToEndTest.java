package io.nodecache.listen;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.server.NodeCache;
import io.nodecache.testing.DelayingPlugin;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.TestServers;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The listener end to end: real UDP and TCP sockets on loopback, a real chain behind them. */
class ServerEndToEndTest {

  private static final String COREFILE =
      """
      example.test:0 {
          bind 127.0.0.1
          hosts {
              10.0.0.1 www.example.test
              fd00::1 www.example.test
              %s
          }
      }
      delay.test:0 {
          bind 127.0.0.1
          forward . 127.0.0.1
      }
      """;

  private final DelayingPlugin delaying = new DelayingPlugin();
  private NodeCache server;
  private InetSocketAddress dns;

  @BeforeEach
  void start() throws Exception {
    // 60 addresses for one name make an answer far larger than 512 bytes.
    StringBuilder big = new StringBuilder();
    for (int i = 1; i <= 60; i++) {
      big.append("10.1.0.").append(i).append(" big.example.test\n");
    }
    server = TestServers.start(COREFILE.formatted(big), delaying);
    dns = TestServers.dns(server);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void answersOverUdpAndTcp() throws Exception {
    Message udp = DnsClient.udp(dns, DnsClient.query("www.example.test.", Type.A));
    Message tcp = DnsClient.tcp(dns, DnsClient.query("www.example.test.", Type.AAAA));
    assertThat(udp.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(udp.getSection(Section.ANSWER)).hasSize(1);
    assertThat(udp.getSection(Section.ANSWER).get(0).rdataToString()).isEqualTo("10.0.0.1");
    assertThat(tcp.getSection(Section.ANSWER).get(0).rdataToString()).isEqualTo("fd00:0:0:0:0:0:0:1");
    assertThat(udp.getHeader().getID()).isEqualTo(4242);
    assertThat(udp.getHeader().getFlag(Flags.QR)).isTrue();
  }

  @Test
  void unknownNameIsNxdomainAndOtherZonesAreRefused() throws Exception {
    assertThat(DnsClient.udp(dns, DnsClient.query("nope.example.test.", Type.A)).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(DnsClient.udp(dns, DnsClient.query("www.elsewhere.", Type.A)).getRcode()).isEqualTo(Rcode.REFUSED);
  }

  @Test
  void ednsIsEchoedWithTheClientsPayloadAndAbsentWithoutIt() throws Exception {
    Message with = DnsClient.udp(dns, DnsClient.withEdns(DnsClient.query("www.example.test.", Type.A), 4096, true));
    OPTRecord opt = with.getOPT();
    assertThat(opt).isNotNull();
    assertThat(opt.getPayloadSize()).as("the client's size echoed, as CoreDNS's SizeAndDo").isEqualTo(4096);
    assertThat(opt.getFlags() & ExtendedFlags.DO).isNotZero();
    Message without = DnsClient.udp(dns, DnsClient.query("www.example.test.", Type.A));
    assertThat(without.getOPT()).isNull();
  }

  @Test
  void largeAnswerIsTruncatedOverUdpAndWholeOverTcp() throws Exception {
    byte[] raw = DnsClient.udpRaw(dns, DnsClient.query("big.example.test.", Type.A).toWire(), 3000);
    assertThat(raw.length).isLessThanOrEqualTo(512);
    Message udp = new Message(raw);
    assertThat(udp.getHeader().getFlag(Flags.TC)).isTrue();
    Message edns = new Message(DnsClient.udpRaw(dns, DnsClient.withEdns(DnsClient.query("big.example.test.", Type.A), 65000, false).toWire(), 3000));
    assertThat(edns.toWire().length).as("within the client's advertised 65000").isLessThanOrEqualTo(65000);
    assertThat(edns.getHeader().getFlag(Flags.TC)).isFalse(); // 60 A records fit in 65000 bytes
    Message tcp = DnsClient.tcp(dns, DnsClient.query("big.example.test.", Type.A));
    assertThat(tcp.getHeader().getFlag(Flags.TC)).isFalse();
    assertThat(tcp.getSection(Section.ANSWER)).hasSize(60);
  }

  @Test
  void garbageWithAReadableHeaderGetsFormerr() throws Exception {
    byte[] packet = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 7, 'b', 'r', 'o'};
    byte[] raw = DnsClient.udpRaw(dns, packet, 3000);
    assertThat(raw).isNotNull();
    Message m = new Message(raw);
    assertThat(m.getHeader().getID()).isEqualTo(0x1234);
    assertThat(m.getRcode()).isEqualTo(Rcode.FORMERR);
  }

  @Test
  void twoQuestionsGetFormerrAndNotifyGetsNotimp() throws Exception {
    Message two = DnsClient.query("www.example.test.", Type.A);
    two.addRecord(DnsClient.query("x.example.test.", Type.A).getQuestion(), Section.QUESTION);
    assertThat(DnsClient.udp(dns, two).getRcode()).isEqualTo(Rcode.FORMERR);
    Message notify = DnsClient.query("www.example.test.", Type.SOA);
    notify.getHeader().setOpcode(Opcode.NOTIFY);
    assertThat(DnsClient.udp(dns, notify).getRcode()).isEqualTo(Rcode.NOTIMP);
  }

  @Test
  void unknownEdnsVersionGetsBadvers() throws Exception {
    Message q = DnsClient.query("www.example.test.", Type.A);
    q.addRecord(new OPTRecord(1232, 0, 1, 0), Section.ADDITIONAL);
    Message m = DnsClient.udp(dns, q);
    assertThat(m.getRcode()).isEqualTo(16);
    assertThat(m.getOPT().getVersion()).isZero();
  }

  @Test
  void anyGetsTheMinimalRfc8482Answer() throws Exception {
    Message m = DnsClient.udp(dns, DnsClient.query("www.example.test.", Type.ANY));
    assertThat(m.getSection(Section.ANSWER)).hasSize(1);
    assertThat(m.getSection(Section.ANSWER).get(0).getType()).isEqualTo(Type.HINFO);
  }

  @Test
  void responsesAndShortDatagramsAreDroppedAndTheServerKeepsAnswering() throws Exception {
    Message response = DnsClient.query("www.example.test.", Type.A);
    response.getHeader().setFlag(Flags.QR);
    assertThat(DnsClient.udpRaw(dns, response.toWire(), 300)).isNull();
    assertThat(DnsClient.udpRaw(dns, new byte[] {1, 2, 3}, 300)).isNull();
    assertThat(DnsClient.udp(dns, DnsClient.query("www.example.test.", Type.A)).getRcode()).isEqualTo(Rcode.NOERROR);
  }

  @Test
  void aFloodOfMalformedDatagramsLeavesTheServerAnswering() throws Exception {
    Random random = new Random(7);
    try (DatagramSocket s = new DatagramSocket()) {
      for (int i = 0; i < 5_000; i++) {
        byte[] junk = new byte[random.nextInt(600)];
        random.nextBytes(junk);
        if (junk.length > 2) {
          junk[2] &= 0x7f; // mostly "queries", so that the decoder sees them
        }
        s.send(new DatagramPacket(junk, junk.length, dns));
      }
    }
    for (int i = 0; i < 20; i++) {
      Message m = DnsClient.udp(dns, DnsClient.query("www.example.test.", Type.A));
      assertThat(m.getSection(Section.ANSWER)).hasSize(1);
    }
  }

  @Test
  void tcpCarriesPipelinedQueriesAndAnswersOutOfOrder() throws Exception {
    try (Socket s = new Socket()) {
      s.connect(dns, 3000);
      s.setSoTimeout(5000);
      String[] names = {"slow600.delay.test.", "slow300.delay.test.", "fast.delay.test."};
      for (int i = 0; i < names.length; i++) {
        Message q = DnsClient.query(names[i], Type.A);
        q.getHeader().setID(100 + i);
        DnsClient.writeFrame(s, q.toWire());
      }
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < names.length; i++) {
        Message a = new Message(DnsClient.readFrame(s));
        order.add(a.getHeader().getID());
        assertThat(a.getQuestion().getName().toString()).isEqualTo(names[a.getHeader().getID() - 100]);
      }
      assertThat(order).containsExactly(102, 101, 100);
    }
  }

  @Test
  void manyQueriesOnOneTcpConnection() throws Exception {
    try (Socket s = new Socket()) {
      s.connect(dns, 3000);
      s.setSoTimeout(5000);
      for (int i = 0; i < 300; i++) {
        Message q = DnsClient.query("www.example.test.", Type.A);
        q.getHeader().setID(i);
        DnsClient.writeFrame(s, q.toWire());
      }
      Set<Integer> ids = new HashSet<>();
      for (int i = 0; i < 300; i++) {
        ids.add(new Message(DnsClient.readFrame(s)).getHeader().getID());
      }
      assertThat(ids).hasSize(300);
    }
  }

  @Test
  void zeroLengthTcpFrameClosesOnlyThatConnection() throws Exception {
    try (Socket s = new Socket()) {
      s.connect(dns, 3000);
      s.setSoTimeout(3000);
      s.getOutputStream().write(new byte[] {0, 0});
      s.getOutputStream().flush();
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(DnsClient.tcp(dns, DnsClient.query("www.example.test.", Type.A)).getRcode()).isEqualTo(Rcode.NOERROR);
  }

  @Test
  void shutdownDrainsQueriesInFlight() throws Exception {
    CompletableFuture<Message> slow =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return DnsClient.tcp(dns, DnsClient.query("slow500.delay.test.", Type.A));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (delaying.calls.get() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(delaying.calls.get()).isEqualTo(1);
    server.shutdown(5_000);
    Message answer = slow.get(5, TimeUnit.SECONDS);
    assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(answer.getSection(Section.ANSWER)).hasSize(1);
  }
}
