package io.nodecache.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class FastQueryTest {

  private static FastQuery parse(byte[] bytes, boolean udp, boolean expected) {
    FastQuery q = new FastQuery();
    ByteBuf b = Unpooled.wrappedBuffer(bytes);
    assertThat(q.parse(b, udp, UnpooledByteBufAllocator.DEFAULT)).isEqualTo(expected);
    return q;
  }

  @Test
  void readsAPlainQuery() {
    Message m = DnsClient.withEdns(DnsClient.query("WWW.Example.COM.", Type.AAAA), 4096, true);
    m.getHeader().setFlag(Flags.CD);
    FastQuery q = parse(m.toWire(), true, true);
    assertThat(q.id()).isEqualTo(4242);
    assertThat(q.qtype()).isEqualTo(Type.AAAA);
    assertThat(q.qclass()).isEqualTo(1);
    assertThat(q.hasEdns()).isTrue();
    assertThat(q.dnssecOk()).isTrue();
    assertThat(q.checkingDisabled()).isTrue();
    assertThat(q.recursionDesired()).isTrue();
    assertThat(q.maxAnswer()).as("the client's advertised 4096, not capped by our 1232 (CoreDNS's request.Size)").isEqualTo(4096);
    byte[] lower = Arrays.copyOf(q.qnameLower(), q.qnameLength());
    assertThat(new String(lower, StandardCharsets.ISO_8859_1)).isEqualTo("\3www\7example\3com\0");
    assertThat(q.inZone(new byte[] {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0})).isTrue();
    assertThat(q.inZone(new byte[] {5, 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0})).isFalse();
    assertThat(q.inZone(new byte[] {0})).isTrue();
  }

  @Test
  void udpLimitIs512WithoutEdnsAndTcpIsUnbounded() {
    assertThat(parse(DnsClient.query("a.", Type.A).toWire(), true, true).maxAnswer()).isEqualTo(512);
    assertThat(parse(DnsClient.withEdns(DnsClient.query("a.", Type.A), 100, false).toWire(), true, true).maxAnswer()).isEqualTo(512);
    assertThat(parse(DnsClient.query("a.", Type.A).toWire(), false, true).maxAnswer()).isEqualTo(65535);
  }

  @Test
  void bufsizeLowersOnlyALargerAdvertisedUdpSize() {
    FastQuery big = parse(DnsClient.withEdns(DnsClient.query("a.", Type.A), 4096, false).toWire(), true, true);
    big.lowerUdpPayload(1232);
    assertThat(big.maxAnswer()).isEqualTo(1232);
    FastQuery small = parse(DnsClient.withEdns(DnsClient.query("a.", Type.A), 1000, false).toWire(), true, true);
    small.lowerUdpPayload(1232);
    assertThat(small.maxAnswer()).as("a smaller advertised size stays").isEqualTo(1000);
    FastQuery plain = parse(DnsClient.query("a.", Type.A).toWire(), true, true);
    plain.lowerUdpPayload(1232);
    assertThat(plain.maxAnswer()).as("no EDNS stays at 512").isEqualTo(512);
    FastQuery tcp = parse(DnsClient.withEdns(DnsClient.query("a.", Type.A), 4096, false).toWire(), false, true);
    tcp.lowerUdpPayload(1232);
    assertThat(tcp.maxAnswer()).as("TCP is not bounded").isEqualTo(65535);
  }

  record Odd(String what, Consumer<Message> change) {}

  static List<Odd> notForTheFastPath() {
    return List.of(
        new Odd("a response", m -> m.getHeader().setFlag(Flags.QR)),
        new Odd("NOTIFY", m -> m.getHeader().setOpcode(Opcode.NOTIFY)),
        new Odd("two questions", m -> m.addRecord(DnsClient.query("b.", Type.A).getQuestion(), Section.QUESTION)),
        new Odd("EDNS version 1", m -> m.addRecord(new OPTRecord(1232, 0, 1, 0), Section.ADDITIONAL)),
        new Odd("an answer record", m -> m.addRecord(Records.rr("a. 1 IN A 1.2.3.4"), Section.ANSWER)));
  }

  @ParameterizedTest
  @MethodSource("notForTheFastPath")
  void leavesEverythingElseToTheDecoder(Odd odd) {
    Message m = DnsClient.query("a.example.", Type.A);
    odd.change().accept(m);
    parse(m.toWire(), true, false);
  }

  @Test
  void rejectsTruncatedAndTrailingBytes() {
    byte[] ok = DnsClient.query("a.example.", Type.A).toWire();
    parse(Arrays.copyOf(ok, ok.length - 1), true, false);
    parse(Arrays.copyOf(ok, ok.length + 1), true, false);
    byte[] pointer = ok.clone();
    pointer[12] = (byte) 0xC0;
    parse(pointer, true, false);
  }

  @Test
  void preparedAnswerRendersLikeTheDecodedPath() throws Exception {
    Message answer = DnsClient.query("www.example.com.", Type.A);
    answer.getHeader().setFlag(Flags.QR);
    answer.getHeader().setRcode(Rcode.NOERROR);
    answer.addRecord(Records.rr("www.example.com. 300 IN CNAME web.example.com."), Section.ANSWER);
    answer.addRecord(Records.rr("web.example.com. 60 IN A 10.0.0.1"), Section.ANSWER);
    answer.addRecord(new OPTRecord(4096, 0, 0, 0), Section.ADDITIONAL);
    PreparedAnswer p = PreparedAnswer.of(answer);
    assertThat(p.minTtl()).isEqualTo(60);
    assertThat(p.storedTtls()).containsExactly(300, 60);

    Message query = DnsClient.withEdns(DnsClient.query("WWW.example.COM.", Type.A), 1232, true);
    query.getHeader().setID(777);
    FastQuery q = parse(query.toWire(), true, true);
    ByteBuf out = p.render(q, 42);
    try {
      byte[] bytes = new byte[out.readableBytes()];
      out.getBytes(out.readerIndex(), bytes);
      Message m = new Message(bytes);
      assertThat(m.getHeader().getID()).isEqualTo(777);
      assertThat(m.getQuestion().getName().toString()).isEqualTo("WWW.example.COM.");
      // Names compressed against the question take the client's case, as with any server that
      // compresses against the question it echoes (DNS names compare case-insensitively).
      assertThat(Records.answer(m))
          .isEqualTo(Records.sorted("WWW.example.COM. 42 IN CNAME web.example.COM.", "web.example.COM. 42 IN A 10.0.0.1"));
      assertThat(m.getOPT().getPayloadSize()).isEqualTo(1232);
      assertThat(m.getOPT().getFlags() & ExtendedFlags.DO).isNotZero();
    } finally {
      out.release();
    }
    FastQuery plain = parse(DnsClient.query("www.example.com.", Type.A).toWire(), true, true);
    ByteBuf noEdns = p.render(plain, -1);
    try {
      byte[] bytes = new byte[noEdns.readableBytes()];
      noEdns.getBytes(0, bytes);
      Message m = new Message(bytes);
      assertThat(m.getOPT()).isNull();
      assertThat(m.getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(300);
    } finally {
      noEdns.release();
    }
  }
}
