package io.nodecache.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.testing.DnsClient;
import io.nodecache.testing.Records;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The bytes the listener sends for an untouched {@link WireAnswer} are the bytes the decoded path
 * (decode, {@link Responses#finish}, {@link Responses#encode}) gives for the same answer.
 */
class WireAnswerTest {

  /** An upstream answer, as zone-file lines per section: name, rcode, answer, authority, additional. */
  record Answer(String name, int rcode, List<String> answer, List<String> authority, List<String> additional) {}

  /** A client query: its EDNS payload (-1: none), DO bit, RD bit; and the listener's payload limit. */
  record Client(int payload, boolean dnssecOk, boolean rd, int payloadLimit, int limit) {}

  static List<Answer> answers() {
    return List.of(
        new Answer("www.example.com.", Rcode.NOERROR,
            List.of("www.example.com. 300 IN CNAME web.example.com.", "web.example.com. 60 IN A 10.0.0.1"),
            List.of(), List.of()),
        new Answer("gone.example.com.", Rcode.NXDOMAIN, List.of(),
            List.of("example.com. 900 IN SOA ns.example.com. admin.example.com. 1 7200 3600 1209600 120"), List.of()),
        new Answer("mx.example.com.", Rcode.NOERROR,
            List.of("mx.example.com. 300 IN MX 10 mail.example.com.", "mx.example.com. 300 IN MX 20 mail2.example.com."),
            List.of("example.com. 300 IN NS ns.example.com."),
            List.of("mail.example.com. 300 IN A 10.0.0.2", "mail.example.com. 300 IN AAAA 2001:db8::2")));
  }

  static List<Client> clients() {
    return List.of(
        new Client(-1, false, true, 65535, 512),
        new Client(1232, false, true, 65535, 1232),
        new Client(4096, true, true, 1232, 1232),
        new Client(4096, true, false, 65535, 65535),
        new Client(512, false, true, 65535, 512));
  }

  static List<Object[]> cases() {
    return answers().stream().flatMap(a -> clients().stream().map(c -> new Object[] {a, c})).toList();
  }

  private static Message query(Answer a, Client c) {
    Message q = DnsClient.query(a.name().toUpperCase(), Type.A);
    q.getHeader().setID(31337);
    if (!c.rd()) {
      q.getHeader().unsetFlag(Flags.RD);
    }
    return c.payload() < 0 ? q : DnsClient.withEdns(q, c.payload(), c.dnssecOk());
  }

  /** What the cache builds for {@code q}: the stored answer patched for it (as Cache.message does). */
  private static WireAnswer cached(Answer a, Message q, int ttl) {
    Message up = DnsClient.query(a.name(), Type.A);
    up.getHeader().setFlag(Flags.QR);
    up.getHeader().setFlag(Flags.RA);
    up.getHeader().setRcode(a.rcode());
    a.answer().forEach(l -> up.addRecord(Records.rr(l), Section.ANSWER));
    a.authority().forEach(l -> up.addRecord(Records.rr(l), Section.AUTHORITY));
    a.additional().forEach(l -> up.addRecord(Records.rr(l), Section.ADDITIONAL));
    up.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ADDITIONAL);
    PreparedAnswer p = PreparedAnswer.of(up);
    OPTRecord qopt = q.getOPT();
    boolean dnssecOk = qopt != null && (qopt.getFlags() & ExtendedFlags.DO) != 0;
    int flags = (q.getHeader().getFlag(Flags.RD) ? 0x0100 : 0) | (q.getHeader().getFlag(Flags.CD) ? 0x0010 : 0);
    byte[] wire = p.patched(q.getHeader().getID(), flags, dnssecOk, q.getQuestion().getName().toWire(), ttl);
    return new WireAnswer(wire, qopt != null ? qopt.getPayloadSize() : -1, dnssecOk);
  }

  @ParameterizedTest
  @MethodSource("cases")
  void untouchedBytesAreWhatTheDecodedPathSends(Answer a, Client c) throws Exception {
    Message q = query(a, c);
    WireAnswer untouched = cached(a, q, 42);
    WireAnswer decoded = cached(a, q, 42);
    decoded.getHeader(); // looked inside: an ordinary message from here on

    OPTRecord qopt = q.getOPT();
    byte[] fast =
        untouched.untouched(
            qopt == null ? -1 : Edns.echoed(qopt, c.payloadLimit()),
            qopt != null && (qopt.getFlags() & ExtendedFlags.DO) != 0,
            c.limit());
    byte[] slow = Responses.encode(Responses.finish(q, decoded, c.payloadLimit()), c.limit());

    assertThat(fast).isEqualTo(slow);
    Message m = new Message(fast);
    assertThat(m.getHeader().getID()).isEqualTo(31337);
    assertThat(m.getHeader().getFlag(Flags.RD)).isEqualTo(c.rd());
    assertThat(m.getQuestion().getName().toString()).isEqualTo(a.name().toUpperCase());
    assertThat(m.getRcode()).isEqualTo(a.rcode());
    assertThat(m.getOPT() != null).isEqualTo(c.payload() >= 0);
  }

  @Test
  void readsTheRcodeWithoutDecoding() {
    Answer nx = answers().get(1);
    WireAnswer w = cached(nx, query(nx, clients().get(0)), 5);
    assertThat(w.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(w.isUntouched()).isTrue();
  }

  @Test
  void aLookInsideDecodesAndChangesReachTheEncoding() throws Exception {
    Answer a = answers().get(0);
    WireAnswer w = cached(a, query(a, clients().get(1)), 5);

    assertThat(Records.answer(w))
        .isEqualTo(Records.sorted("WWW.EXAMPLE.COM. 5 IN CNAME web.EXAMPLE.COM.", "web.EXAMPLE.COM. 5 IN A 10.0.0.1"));
    assertThat(w.isUntouched()).isFalse();
    assertThat(w.untouched(-1, false, 65535)).as("no raw bytes once decoded").isNull();
    assertThat(w.getOPT().getPayloadSize()).isEqualTo(1232);
    assertThat(w.getHeader().getCount(Section.ANSWER)).isEqualTo(2);

    w.getHeader().setFlag(Flags.AA);
    w.removeAllRecords(Section.ANSWER);
    Message sent = new Message(w.toWire());
    assertThat(sent.getHeader().getFlag(Flags.AA)).isTrue();
    assertThat(sent.getSection(Section.ANSWER)).isEmpty();
    assertThat(sent.getOPT()).isNotNull();
  }

  @Test
  void anAnswerTooBigForTheLimitIsLeftToTheEncoder() {
    Answer mx = answers().get(2);
    WireAnswer w = cached(mx, query(mx, clients().get(0)), 5);
    assertThat(w.untouched(-1, false, 40)).isNull();
    assertThat(w.isUntouched()).isTrue();
  }
}
