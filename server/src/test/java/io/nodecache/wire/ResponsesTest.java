package io.nodecache.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.HINFORecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;

class ResponsesTest {

  private static Message query(String name, int type, int id) {
    Message q = DnsClient.query(name, type);
    q.getHeader().setID(id);
    return q;
  }

  // ---- error ----

  @ParameterizedTest
  @ValueSource(ints = {Rcode.FORMERR, Rcode.SERVFAIL, Rcode.NXDOMAIN, Rcode.NOTIMP, Rcode.REFUSED})
  void errorKeepsIdQuestionAndRd(int rcode) throws Exception {
    Message q = query("Host.Example.", Type.AAAA, 513);

    Message m = new Message(Responses.error(q, rcode).toWire());

    assertThat(m.getHeader().getID()).isEqualTo(513);
    assertThat(m.getHeader().getFlag(Flags.QR)).isTrue();
    assertThat(m.getHeader().getFlag(Flags.RD)).isTrue();
    assertThat(m.getHeader().getFlag(Flags.RA)).isFalse();
    assertThat(m.getHeader().getOpcode()).isEqualTo(Opcode.QUERY);
    assertThat(m.getRcode()).isEqualTo(rcode);
    assertThat(m.getQuestion()).isEqualTo(q.getQuestion());
    assertThat(m.getQuestion().getName().toString()).isEqualTo("Host.Example.");
    for (int s : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      assertThat(m.getHeader().getCount(s)).isZero();
    }
  }

  @Test
  void errorLeavesRdClearWhenTheQueryDidNotSetItAndKeepsTheOpcode() {
    Message q = query("a.example.", Type.A, 1);
    q.getHeader().unsetFlag(Flags.RD);
    q.getHeader().setOpcode(Opcode.NOTIFY);

    Message m = Responses.error(q, Rcode.NOTIMP);

    assertThat(m.getHeader().getFlag(Flags.RD)).isFalse();
    assertThat(m.getHeader().getOpcode()).isEqualTo(Opcode.NOTIFY);
  }

  @Test
  void errorEchoesNoQuestionUnlessThereWasExactlyOne() {
    Message two = query("a.example.", Type.A, 9);
    two.addRecord(DnsClient.query("b.example.", Type.A).getQuestion(), Section.QUESTION);
    assertThat(Responses.error(two, Rcode.FORMERR).getHeader().getCount(Section.QUESTION)).isZero();

    Message none = new Message(10);
    Message m = Responses.error(none, Rcode.FORMERR);
    assertThat(m.getHeader().getCount(Section.QUESTION)).isZero();
    assertThat(m.getHeader().getID()).isEqualTo(10);
  }

  // ---- recursiveError ----

  @Test
  void recursiveErrorSetsRaAndOmitsOptWithoutEdns() {
    Message q = query("busy.example.", Type.A, 77);

    Message m = Responses.recursiveError(q, Rcode.REFUSED);

    assertThat(m.getHeader().getID()).isEqualTo(77);
    assertThat(m.getHeader().getFlag(Flags.QR)).isTrue();
    assertThat(m.getHeader().getFlag(Flags.RA)).isTrue();
    assertThat(m.getHeader().getFlag(Flags.RD)).isTrue();
    assertThat(m.getRcode()).isEqualTo(Rcode.REFUSED);
    assertThat(m.getQuestion()).isEqualTo(q.getQuestion());
    assertThat(m.getOPT()).isNull();
  }

  @Test
  void recursiveErrorAnswersEdnsEchoingTheSizeAndTheDoBit() {
    Message q = DnsClient.withEdns(query("busy.example.", Type.A, 78), 4096, true);

    Message m = Responses.recursiveError(q, Rcode.REFUSED);

    OPTRecord opt = m.getOPT();
    assertThat(opt).isNotNull();
    assertThat(opt.getPayloadSize()).as("the query's size echoed").isEqualTo(4096);
    assertThat(opt.getVersion()).isZero();
    assertThat(opt.getFlags()).isEqualTo(ExtendedFlags.DO);
    assertThat(m.getRcode()).isEqualTo(Rcode.REFUSED);

    Message noDo = DnsClient.withEdns(query("busy.example.", Type.A, 79), 4096, false);
    assertThat(Responses.recursiveError(noDo, Rcode.REFUSED).getOPT().getFlags()).isZero();
  }

  // ---- headerOnly ----

  @Test
  void headerOnlyAnswersGarbageWithFormerrFromItsHeader() throws Exception {
    byte[] garbage = new byte[40];
    Arrays.fill(garbage, (byte) 0xA5);
    garbage[0] = 0x12;
    garbage[1] = 0x34;
    garbage[2] = 0x01; // QUERY, RD
    assertThatThrownBy(() -> new Message(garbage)).isInstanceOf(WireParseException.class);

    byte[] out = Responses.headerOnly(garbage, Rcode.FORMERR);

    assertThat(out).hasSize(12);
    Message m = new Message(out);
    assertThat(m.getHeader().getID()).isEqualTo(0x1234);
    assertThat(m.getHeader().getFlag(Flags.QR)).isTrue();
    assertThat(m.getHeader().getFlag(Flags.RD)).isTrue();
    assertThat(m.getHeader().getOpcode()).isEqualTo(Opcode.QUERY);
    assertThat(m.getRcode()).isEqualTo(Rcode.FORMERR);
    for (int s = Section.QUESTION; s <= Section.ADDITIONAL; s++) {
      assertThat(m.getHeader().getCount(s)).isZero();
    }
  }

  @Test
  void headerOnlyAnswersATruncatedQuery() throws Exception {
    Message q = query("cut.example.", Type.A, 0xBEEF);
    q.getHeader().setOpcode(Opcode.NOTIFY);
    q.getHeader().unsetFlag(Flags.RD);
    byte[] wire = q.toWire();
    byte[] cut = Arrays.copyOf(wire, wire.length - 3);
    assertThatThrownBy(() -> new Message(cut)).isInstanceOf(WireParseException.class);

    Message m = new Message(Responses.headerOnly(cut, Rcode.FORMERR));

    assertThat(m.getHeader().getID()).isEqualTo(0xBEEF);
    assertThat(m.getHeader().getOpcode()).isEqualTo(Opcode.NOTIFY);
    assertThat(m.getHeader().getFlag(Flags.RD)).isFalse();
    assertThat(m.getRcode()).isEqualTo(Rcode.FORMERR);
  }

  @Test
  void headerOnlyCopiesNoOtherFlags() throws Exception {
    byte[] header = new byte[12];
    header[2] = (byte) 0x7F; // opcode 15, AA, TC, RD
    header[3] = (byte) 0xFF; // RA, Z, AD, CD, RCODE 15

    Message m = new Message(Responses.headerOnly(header, Rcode.FORMERR));

    assertThat(m.getHeader().getOpcode()).isEqualTo(15);
    assertThat(m.getHeader().getFlag(Flags.RD)).isTrue();
    for (int f : new int[] {Flags.AA, Flags.TC, Flags.RA, Flags.AD, Flags.CD}) {
      assertThat(m.getHeader().getFlag(f)).as(Flags.string(f)).isFalse();
    }
    assertThat(m.getRcode()).isEqualTo(Rcode.FORMERR);
  }

  // ---- minimalAny ----

  @Test
  void minimalAnyIsOneHinfoRecordPerRfc8482() {
    Message q = query("Lots.Example.", Type.ANY, 321);

    Message m = Responses.minimalAny(q);

    assertThat(m.getHeader().getID()).isEqualTo(321);
    assertThat(m.getHeader().getFlag(Flags.QR)).isTrue();
    assertThat(m.getHeader().getFlag(Flags.RD)).isTrue();
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(m.getQuestion()).isEqualTo(q.getQuestion());
    assertThat(m.getSection(Section.ANSWER))
        .singleElement()
        .isInstanceOfSatisfying(
            HINFORecord.class,
            h -> {
              assertThat(h.getName()).isEqualTo(q.getQuestion().getName());
              assertThat(h.getDClass()).isEqualTo(DClass.IN);
              assertThat(h.getCPU()).isEqualTo("RFC8482");
              assertThat(h.getOS()).isEmpty();
            });
    assertThat(m.getHeader().getCount(Section.AUTHORITY)).isZero();
    assertThat(m.getHeader().getCount(Section.ADDITIONAL)).isZero();
  }

  // ---- finish ----

  @Test
  void finishGivesTheUpstreamAnswerTheClientsIdAndRd() {
    Message q = query("www.example.", Type.A, 1111);
    q.getHeader().unsetFlag(Flags.RD);
    Message upstream = Records.reply(query("www.example.", Type.A, 2222));
    upstream.addRecord(Records.rr("www.example. 60 IN A 10.0.0.1"), Section.ANSWER);
    assertThat(upstream.getHeader().getFlag(Flags.RD)).isTrue();

    Message m = Responses.finish(q, upstream);

    assertThat(m).isSameAs(upstream);
    assertThat(m.getHeader().getID()).isEqualTo(1111);
    assertThat(m.getHeader().getFlag(Flags.QR)).isTrue();
    assertThat(m.getHeader().getFlag(Flags.RD)).isFalse();
    assertThat(m.getHeader().getFlag(Flags.RA)).isTrue();
    assertThat(Records.answers(m)).containsExactly("www.example. 60 IN A 10.0.0.1");

    Message rd = query("www.example.", Type.A, 1112);
    Message answer = Responses.error(query("www.example.", Type.A, 1), Rcode.NXDOMAIN);
    answer.getHeader().unsetFlag(Flags.RD);
    assertThat(Responses.finish(rd, answer).getHeader().getFlag(Flags.RD)).isTrue();
  }

  @Test
  void finishDropsTheOptRecordForAClientWithoutEdns() {
    Message q = query("www.example.", Type.A, 5);
    Message upstream = Records.reply(DnsClient.withEdns(query("www.example.", Type.A, 6), 4096, true));
    upstream.getHeader().setRcode(Rcode.NXDOMAIN);
    assertThat(upstream.getOPT()).isNotNull();

    Message m = Responses.finish(q, upstream);

    assertThat(m.getOPT()).isNull();
    assertThat(m.getHeader().getCount(Section.ADDITIONAL)).isZero();
    assertThat(m.getRcode()).isEqualTo(Rcode.NXDOMAIN);
  }

  @Test
  void finishReplacesTheOptRecordEchoingTheSizeKeepingOnlyDo() {
    Message q = query("www.example.", Type.A, 5);
    q.addRecord(new OPTRecord(4096, 0, 0, ExtendedFlags.DO | 0x1), Section.ADDITIONAL);
    Message upstream = Records.reply(query("www.example.", Type.A, 6));
    upstream.addRecord(new OPTRecord(512, 0, 0, 0x2), Section.ADDITIONAL);

    Message m = Responses.finish(q, upstream);

    assertThat(m.getSection(Section.ADDITIONAL)).hasSize(1);
    OPTRecord opt = m.getOPT();
    assertThat(opt.getPayloadSize()).as("the query's size echoed, not the upstream's").isEqualTo(4096);
    assertThat(Responses.finish(q, Records.reply(query("www.example.", Type.A, 9)), 1232).getOPT().getPayloadSize())
        .as("at most bufsize").isEqualTo(1232);
    assertThat(opt.getVersion()).isZero();
    assertThat(opt.getFlags()).as("only DO, echoed; other bits are not ours to set").isEqualTo(ExtendedFlags.DO);

    Message plain = DnsClient.withEdns(query("www.example.", Type.A, 7), 1232, false);
    assertThat(Responses.finish(plain, Records.reply(query("www.example.", Type.A, 8))).getOPT().getFlags()).isZero();
  }

  @Test
  void finishCarriesAnExtendedRcodeInTheOptRecord() throws Exception {
    Message q = DnsClient.withEdns(query("www.example.", Type.A, 5), 1232, false);
    Message response = Responses.error(q, Rcode.NOERROR);
    response.addRecord(new OPTRecord(4096, Responses.BADVERS >>> 4, 0, 0), Section.ADDITIONAL);
    assertThat(response.getRcode()).isEqualTo(Responses.BADVERS);

    Message m = new Message(Responses.finish(q, response).toWire());

    assertThat(m.getRcode()).isEqualTo(Responses.BADVERS);
    assertThat(m.getOPT().getPayloadSize()).isEqualTo(Edns.OUR_PAYLOAD);
  }

  // ---- encode ----

  private static Message bigAnswer(int records) {
    Message m = Records.reply(query("big.example.", Type.A, 42));
    for (int i = 0; i < records; i++) {
      m.addRecord(Records.rr("big.example. 60 IN A 10.0." + (i / 250) + "." + (i % 250)), Section.ANSWER);
    }
    return m;
  }

  @Test
  void encodeReturnsTheWholeAnswerWhenItFits() throws Exception {
    Message m = bigAnswer(3);
    byte[] full = m.toWire();

    byte[] out = Responses.encode(m, full.length);

    assertThat(out).isEqualTo(full);
    assertThat(new Message(out).getHeader().getFlag(Flags.TC)).isFalse();
  }

  @Test
  void encodeTruncatesToTheLimitAndSetsTc() throws Exception {
    Message m = bigAnswer(60);
    assertThat(m.toWire().length).isGreaterThan(Edns.CLASSIC_LIMIT);

    byte[] out = Responses.encode(m, Edns.CLASSIC_LIMIT);

    assertThat(out.length).isLessThanOrEqualTo(Edns.CLASSIC_LIMIT);
    Message t = new Message(out);
    assertThat(t.getHeader().getFlag(Flags.TC)).isTrue();
    assertThat(t.getHeader().getID()).isEqualTo(42);
    assertThat(t.getQuestion()).isEqualTo(m.getQuestion());
    assertThat(t.getSection(Section.ANSWER)).as("the one RRset did not fit: dropped whole").isEmpty();
  }

  @Test
  void encodeDropsWholeRrsetsThatDoNotFit() throws Exception {
    Message m = Records.reply(query("www.example.", Type.A, 42));
    m.addRecord(Records.rr("www.example. 60 IN CNAME web.example."), Section.ANSWER);
    for (int i = 0; i < 60; i++) {
      m.addRecord(Records.rr("web.example. 60 IN A 10.0.0." + i), Section.ANSWER);
    }

    Message t = new Message(Responses.encode(m, Edns.CLASSIC_LIMIT));

    assertThat(t.getHeader().getFlag(Flags.TC)).isTrue();
    assertThat(Records.answers(t)).containsExactly("www.example. 60 IN CNAME web.example.");
  }

  // ---- isStandardQuery ----

  @Test
  void onlyOpcodeQueryIsAStandardQuery() {
    Message q = query("a.example.", Type.A, 1);
    assertThat(Responses.isStandardQuery(q)).isTrue();
    for (int op : new int[] {Opcode.IQUERY, Opcode.STATUS, Opcode.NOTIFY, Opcode.UPDATE}) {
      q.getHeader().setOpcode(op);
      assertThat(Responses.isStandardQuery(q)).as(Opcode.string(op)).isFalse();
    }
  }
}
