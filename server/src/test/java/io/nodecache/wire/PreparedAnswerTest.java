package io.nodecache.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;

class PreparedAnswerTest {

  /** A NOERROR answer as an upstream sends it: ID 4242, RA, a CNAME chain, our OPT echoed. */
  private static Message upstreamAnswer() {
    Message m = DnsClient.query("www.example.com.", Type.A);
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setFlag(Flags.RA);
    m.addRecord(Records.rr("www.example.com. 300 IN CNAME web.example.com."), Section.ANSWER);
    m.addRecord(Records.rr("web.example.com. 60 IN A 10.0.0.1"), Section.ANSWER);
    m.addRecord(new OPTRecord(4096, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
    return m;
  }

  private static FastQuery parsed(Message query) {
    FastQuery q = new FastQuery();
    assertThat(q.parse(Unpooled.wrappedBuffer(query.toWire()), true, UnpooledByteBufAllocator.DEFAULT)).isTrue();
    return q;
  }

  private static byte[] rendered(PreparedAnswer p, FastQuery q, int ttl) {
    ByteBuf out = p.render(q, ttl);
    try {
      byte[] bytes = new byte[out.readableBytes()];
      out.getBytes(out.readerIndex(), bytes);
      return bytes;
    } finally {
      out.release();
    }
  }

  private static Message clientQuery(String name, int id, boolean edns, boolean dnssecOk) {
    Message q = DnsClient.query(name, Type.A);
    q.getHeader().setID(id);
    return edns ? DnsClient.withEdns(q, 1232, dnssecOk) : q;
  }

  @Test
  void storesTheAnswerWithoutItsOptRecord() {
    Message answer = upstreamAnswer();
    PreparedAnswer p = PreparedAnswer.of(answer);

    Message withoutOpt = answer.clone();
    withoutOpt.removeRecord(withoutOpt.getOPT(), Section.ADDITIONAL);
    assertThat(p.length()).isEqualTo(withoutOpt.toWire().length);
    assertThat(p.rcode()).isEqualTo(Rcode.NOERROR);
    assertThat(p.storedTtls()).containsExactly(300, 60);
    assertThat(p.minTtl()).isEqualTo(60);
  }

  @Test
  void storesTheBytesOfTheAnswerEncodedWithoutItsOptWhereverTheOptStands() {
    for (boolean optLast : new boolean[] {true, false}) {
      Message m = DnsClient.query("mx.example.com.", Type.MX);
      m.getHeader().setFlag(Flags.QR);
      m.getHeader().setFlag(Flags.RA);
      m.addRecord(Records.rr("mx.example.com. 300 IN MX 10 mail.example.com."), Section.ANSWER);
      OPTRecord opt = new OPTRecord(1232, 0, 0, ExtendedFlags.DO);
      if (!optLast) {
        m.addRecord(opt, Section.ADDITIONAL);
      }
      m.addRecord(Records.rr("mail.example.com. 120 IN A 10.0.0.2"), Section.ADDITIONAL);
      if (optLast) {
        m.addRecord(opt, Section.ADDITIONAL);
      }
      Message copy = m.clone();
      copy.removeRecord(copy.getOPT(), Section.ADDITIONAL);
      copy.getHeader().setID(0);

      PreparedAnswer p = PreparedAnswer.of(m);

      int rd = m.getHeader().getFlag(Flags.RD) ? 0x0100 : 0;
      assertThat(p.patched(0, rd, false, m.getQuestion().getName().toWire(), -1))
          .as("OPT last: %s", optLast)
          .isEqualTo(copy.toWire());
      assertThat(p.storedTtls()).containsExactly(300, 120);
      assertThat(m.getOPT()).as("the answer itself is left as it was").isNotNull();
      assertThat(m.getHeader().getID()).isEqualTo(4242);
    }
  }

  @Test
  void rendersForAnotherClientWithItsIdAndNameCase() throws Exception {
    PreparedAnswer p = PreparedAnswer.of(upstreamAnswer());
    FastQuery q = parsed(clientQuery("WWW.Example.COM.", 31337, false, false));

    Message m = new Message(rendered(p, q, -1));

    assertThat(m.getHeader().getID()).isEqualTo(31337);
    assertThat(m.getHeader().getFlag(Flags.QR)).isTrue();
    assertThat(m.getHeader().getFlag(Flags.RA)).isTrue();
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(m.getQuestion().getName().toString()).isEqualTo("WWW.Example.COM.");
    assertThat(m.getQuestion().getType()).isEqualTo(Type.A);
    // TTLs as stored when ttl < 0; names compressed against the question take the client's case
    assertThat(Records.answer(m))
        .isEqualTo(Records.sorted("WWW.Example.COM. 300 IN CNAME web.Example.COM.", "web.Example.COM. 60 IN A 10.0.0.1"));
    assertThat(m.getOPT()).isNull();
    assertThat(m.getHeader().getCount(Section.ADDITIONAL)).isZero();
  }

  @Test
  void setsEveryTtlIncludingTheAuthoritySection() throws Exception {
    Message nx = DnsClient.query("gone.example.com.", Type.A);
    nx.getHeader().setFlag(Flags.QR);
    nx.getHeader().setRcode(Rcode.NXDOMAIN);
    nx.addRecord(
        Records.rr("example.com. 900 IN SOA ns.example.com. admin.example.com. 1 7200 3600 1209600 120"), Section.AUTHORITY);
    PreparedAnswer p = PreparedAnswer.of(nx);
    assertThat(p.rcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(p.storedTtls()).containsExactly(900);

    Message m = new Message(rendered(p, parsed(clientQuery("gone.example.com.", 1, false, false)), 17));

    assertThat(m.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(m.getSection(Section.AUTHORITY)).singleElement().satisfies(r -> assertThat(r.getTTL()).isEqualTo(17));
  }

  @Test
  void addsOurOptRecordOnlyForAnEdnsQuery() throws Exception {
    PreparedAnswer p = PreparedAnswer.of(upstreamAnswer());

    FastQuery plain = parsed(clientQuery("www.example.com.", 7, false, false));
    byte[] noEdns = rendered(p, plain, 5);
    assertThat(noEdns).hasSize(p.length());
    assertThat(p.renderedLength(plain)).isEqualTo(noEdns.length);
    assertThat(new Message(noEdns).getOPT()).isNull();

    FastQuery edns = parsed(clientQuery("www.example.com.", 7, true, false));
    byte[] withEdns = rendered(p, edns, 5);
    assertThat(withEdns).hasSize(p.length() + 11);
    assertThat(p.renderedLength(edns)).isEqualTo(withEdns.length);
    Message m = new Message(withEdns);
    assertThat(m.getHeader().getCount(Section.ADDITIONAL)).isEqualTo(1);
    OPTRecord opt = m.getOPT();
    assertThat(opt.getPayloadSize()).isEqualTo(Edns.OUR_PAYLOAD);
    assertThat(opt.getVersion()).isZero();
    assertThat(opt.getExtendedRcode()).isZero();
    assertThat(opt.getFlags() & ExtendedFlags.DO).as("DO not echoed to a client that did not set it").isZero();
    assertThat(opt.getOptions()).isEmpty();

    FastQuery dnssec = parsed(clientQuery("www.example.com.", 7, true, true));
    assertThat(new Message(rendered(p, dnssec, 5)).getOPT().getFlags() & ExtendedFlags.DO).isNotZero();
  }

  @Test
  void takesRdAndCdFromTheQueryAndAdOnlyForAdOrDoClients() throws Exception {
    Message answer = upstreamAnswer();
    answer.getHeader().setFlag(Flags.AD);
    answer.getHeader().setFlag(Flags.CD);
    PreparedAnswer p = PreparedAnswer.of(answer);

    Message noRd = clientQuery("www.example.com.", 1, false, false);
    noRd.getHeader().unsetFlag(Flags.RD);
    Message m = new Message(rendered(p, parsed(noRd), -1));
    assertThat(m.getHeader().getFlag(Flags.RD)).isFalse();
    assertThat(m.getHeader().getFlag(Flags.CD)).as("CD follows the query, not the stored answer").isFalse();
    assertThat(m.getHeader().getFlag(Flags.AD)).as("no AD for a client that asked without AD or DO").isFalse();

    Message cd = clientQuery("www.example.com.", 1, false, false);
    cd.getHeader().setFlag(Flags.CD);
    m = new Message(rendered(p, parsed(cd), -1));
    assertThat(m.getHeader().getFlag(Flags.RD)).isTrue();
    assertThat(m.getHeader().getFlag(Flags.CD)).isTrue();

    Message ad = clientQuery("www.example.com.", 1, false, false);
    ad.getHeader().setFlag(Flags.AD);
    assertThat(new Message(rendered(p, parsed(ad), -1)).getHeader().getFlag(Flags.AD)).isTrue();

    Message dnssecOk = clientQuery("www.example.com.", 1, true, true);
    assertThat(new Message(rendered(p, parsed(dnssecOk), -1)).getHeader().getFlag(Flags.AD)).isTrue();

    // AD is never invented: a stored answer without it renders without it for a DO client
    PreparedAnswer plain = PreparedAnswer.of(upstreamAnswer());
    assertThat(new Message(rendered(plain, parsed(dnssecOk), -1)).getHeader().getFlag(Flags.AD)).isFalse();
  }

  @Test
  void patchedGivesTheBytesRenderWritesWithoutOpt() throws Exception {
    PreparedAnswer p = PreparedAnswer.of(upstreamAnswer());
    Message query = clientQuery("wWw.EXAMPLE.com.", 999, false, false);
    query.getHeader().setFlag(Flags.CD);
    byte[] fromBytes = rendered(p, parsed(query), 42);

    byte[] qname = Name.fromString("wWw.EXAMPLE.com.").toWire();
    int flags = ((query.toWire()[2] & 0xff) << 8) | (query.toWire()[3] & 0xff);
    byte[] decodedPath = p.patched(999, flags, false, qname, 42);

    assertThat(decodedPath).isEqualTo(fromBytes);
    Message m = new Message(decodedPath);
    assertThat(m.getHeader().getID()).isEqualTo(999);
    assertThat(m.getQuestion().getName().toString()).isEqualTo("wWw.EXAMPLE.com.");
    assertThat(m.getSection(Section.ANSWER)).extracting(Record::getTTL).containsOnly(42L);
  }

  @Test
  void patchedKeepsStoredTtlsWhenNegativeAndRejectsANameOfAnotherLength() throws Exception {
    PreparedAnswer p = PreparedAnswer.of(upstreamAnswer());
    byte[] qname = Name.fromString("www.example.com.").toWire();

    Message m = new Message(p.patched(1, 0x0100, false, qname, -1));
    assertThat(m.getSection(Section.ANSWER)).extracting(Record::getTTL).containsExactly(300L, 60L);

    byte[] longer = Name.fromString("www.example.com.x.").toWire();
    assertThatThrownBy(() -> p.patched(1, 0x0100, false, longer, -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rendersEveryTtlOfALargeAnswer() throws Exception {
    Message big = DnsClient.query("many.example.", Type.A);
    big.getHeader().setFlag(Flags.QR);
    for (int i = 1; i <= 40; i++) {
      big.addRecord(Records.rr("many.example. " + (1000 + i) + " IN A 10.0.0." + i), Section.ANSWER);
    }
    PreparedAnswer p = PreparedAnswer.of(big);
    int[] expected = new int[40];
    Arrays.setAll(expected, i -> 1001 + i);
    assertThat(p.storedTtls()).containsExactly(expected);
    assertThat(p.minTtl()).isEqualTo(1001);

    Message m = new Message(rendered(p, parsed(clientQuery("MANY.example.", 2, false, false)), 3));
    assertThat(m.getSection(Section.ANSWER)).hasSize(40).extracting(Record::getTTL).containsOnly(3L);
  }

  @Test
  void anAnswerWithoutRecordsHasMinTtlZero() {
    Message nodata = DnsClient.query("empty.example.", Type.AAAA);
    nodata.getHeader().setFlag(Flags.QR);
    PreparedAnswer p = PreparedAnswer.of(nodata);
    assertThat(p.storedTtls()).isEmpty();
    assertThat(p.minTtl()).isZero();
  }

  @Test
  void refusesWhatCannotBeServedFromBytes() throws Exception {
    Message badvers = upstreamAnswer();
    badvers.removeRecord(badvers.getOPT(), Section.ADDITIONAL);
    badvers.addRecord(new OPTRecord(1232, Responses.BADVERS >>> 4, 0, 0), Section.ADDITIONAL);
    assertThat(badvers.getRcode()).isEqualTo(Responses.BADVERS);
    assertThat(PreparedAnswer.of(badvers)).as("extended RCODE").isNull();

    Message signed = upstreamAnswer();
    signed.removeRecord(signed.getOPT(), Section.ADDITIONAL);
    signed.addRecord(
        new TSIGRecord(
            Name.fromString("key."), DClass.ANY, 0, Name.fromString("hmac-sha256."),
            Instant.ofEpochSecond(1_700_000_000L), Duration.ofMinutes(5), new byte[32],
            4242, Rcode.NOERROR, null),
        Section.ADDITIONAL);
    assertThat(signed.getTSIG()).isNotNull();
    assertThat(PreparedAnswer.of(signed)).as("TSIG").isNull();
  }
}
