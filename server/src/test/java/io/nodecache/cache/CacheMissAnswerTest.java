package io.nodecache.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.server.NodeCache;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import io.nodecache.testing.TestServers;
import io.nodecache.testing.TestUpstream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A miss is answered with the bytes later hits get: the cache's decoded path hands the listener the
 * stored answer as bytes (no decode and re-encode), over UDP and TCP, with and without EDNS, and an
 * answer too big for the client still goes truncated. A real server on loopback in front of a real
 * upstream; {@code keepttl} so that miss and hit carry the same TTLs whatever the clock does.
 */
class CacheMissAnswerTest {

  private static final int BIG = 40;
  private static TestUpstream upstream;
  private static NodeCache server;

  /** A client: protocol, EDNS payload (-1: none), DO bit, and the name it asks (each case its own). */
  record Client(String name, boolean tcp, int payload, boolean dnssecOk) {}

  static List<Client> clients() {
    return List.of(
        new Client("udp.example.com.", false, -1, false),
        new Client("edns.example.com.", false, 1232, false),
        new Client("do.example.com.", false, 4096, true),
        new Client("tcp.example.com.", true, -1, false),
        new Client("tcpedns.example.com.", true, 1232, true),
        new Client("big.example.com.", false, -1, false), // too big for 512 bytes: truncated
        new Client("big.example.com.", true, -1, false)); // the same, whole over TCP
  }

  @BeforeAll
  static void start() throws Exception {
    List<String> zone = new ArrayList<>();
    for (Client c : clients()) {
      if (!c.name().startsWith("big")) {
        zone.add(c.name() + " 300 IN A 192.0.2.7");
      }
    }
    for (int i = 1; i <= BIG; i++) {
      zone.add("big.example.com. 300 IN A 192.0.2." + i);
    }
    upstream = TestUpstream.start(zone.toArray(String[]::new));
    server =
        TestServers.start(
            """
            .:0 {
                bind 127.0.0.1
                cache 60 {
                    keepttl
                }
                forward . %s
            }
            """.formatted(upstream.hostPort()));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    upstream.close();
  }

  private static byte[] ask(Client c) throws Exception {
    Message q = DnsClient.query(c.name().toUpperCase(), Type.A);
    if (c.payload() >= 0) {
      q = DnsClient.withEdns(q, c.payload(), c.dnssecOk());
    }
    InetSocketAddress dns = TestServers.dns(server);
    if (c.tcp()) {
      try (Socket s = new Socket(dns.getAddress(), dns.getPort())) {
        s.setSoTimeout(5000);
        DnsClient.writeFrame(s, q.toWire());
        return DnsClient.readFrame(s);
      }
    }
    byte[] answer = DnsClient.udpRaw(dns, q.toWire(), 5000);
    assertThat(answer).as("an answer within 5 s").isNotNull();
    return answer;
  }

  @ParameterizedTest
  @MethodSource("clients")
  void aMissAnswersTheBytesOfALaterHit(Client c) throws Exception {
    byte[] miss = ask(c);
    byte[] hit = ask(c);

    assertThat(miss).isEqualTo(hit);
    Message m = Records.exact(new Message(miss));
    assertThat(m.getHeader().getID()).isEqualTo(4242);
    assertThat(m.getQuestion().getName().toString()).isEqualTo(c.name().toUpperCase());
    assertThat(m.getOPT() != null).isEqualTo(c.payload() >= 0);
    if (m.getOPT() != null) {
      assertThat(m.getOPT().getPayloadSize()).isEqualTo(c.payload());
      assertThat(m.getOPT().getFlags() != 0).isEqualTo(c.dnssecOk());
    }
    boolean truncated = c.name().startsWith("big") && !c.tcp();
    assertThat(m.getHeader().getFlag(Flags.TC)).isEqualTo(truncated);
    if (c.name().startsWith("big")) {
      assertThat(m.getSection(Section.ANSWER)).hasSize(truncated ? 0 : BIG);
    } else {
      assertThat(Records.answer(m)).isEqualTo(Records.sorted(c.name().toUpperCase() + " 300 IN A 192.0.2.7"));
    }
  }
}
