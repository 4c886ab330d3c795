package io.nodecache.template;

import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import io.nodecache.wire.FastQuery;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The answer of a template that is the same for every query it takes: no {@code match} (so every
 * name matches), a fixed class and type, plain-text records that parse, and no CNAME to follow. Its
 * records are stored uncompressed, so the query's question can be copied in front of them as it
 * came; rendering allocates nothing but the pooled reply buffer.
 */
final class StaticAnswer {

  private static final int OPT_LENGTH = 11;

  private final byte[] records;
  private final int answers;
  private final int authorities;
  private final int additionals;
  private final int rcode;
  private final Counter[] matches;

  private StaticAnswer(byte[] records, int an, int ns, int ar, int rcode, Counter[] matches) {
    this.records = records;
    this.answers = an;
    this.authorities = ns;
    this.additionals = ar;
    this.rcode = rcode;
    this.matches = matches;
  }

  /** The static answer of {@code t}, or null when it depends on the query or cannot be stored. */
  static StaticAnswer of(Template t, TemplateMetrics metrics) {
    if (!t.defaultRegex() || t.dclass() == DClass.ANY || t.type() == Type.ANY || t.rcode() == Rcode.SERVFAIL
        || t.ederror() != null) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int[] counts = new int[3];
    List<List<GoTemplate>> sections = List.of(t.answer(), t.authority(), t.additional());
    int[] wire = {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL};
    for (int s = 0; s < 3; s++) {
      for (GoTemplate g : sections.get(s)) {
        if (!g.constant()) {
          return null;
        }
        Record r;
        try {
          r = Template.parseRecord(g.tree());
        } catch (TextParseException | RuntimeException e) {
          return null; // fails per query on the decoded path, with its metric
        }
        if (s == 0 && r instanceof CNAMERecord) {
          return null;
        }
        out.writeBytes(r.toWire(wire[s]));
        counts[s]++;
      }
    }
    return new StaticAnswer(out.toByteArray(), counts[0], counts[1], counts[2], t.rcode(), TemplateHandler.counters(t, metrics));
  }

  /** Writes the answer for {@code q}; false when it does not fit the client's limit (decoded path). */
  boolean render(FastQuery q, int zone) {
    if (q.qclass() == DClass.ANY || q.qtype() == Type.ANY) {
      return false;
    }
    int question = q.qnameLength() + 4;
    int extra = q.hasEdns() ? OPT_LENGTH : 0;
    int length = FastQuery.HEADER + question + records.length + extra;
    if (length > q.maxAnswer()) {
      return false;
    }
    ByteBuf out = q.alloc().ioBuffer(length);
    out.writeShort(q.id());
    int flags = 0x8000 | 0x0400 | (q.flags() & 0x0110) | rcode;
    out.writeShort(flags);
    out.writeShort(1);
    out.writeShort(answers);
    out.writeShort(authorities);
    out.writeShort(additionals + (extra != 0 ? 1 : 0));
    ByteBuf in = q.packet();
    int from = in.readerIndex() + FastQuery.HEADER;
    for (int i = 0; i < question; i++) {
      out.writeByte(in.getByte(from + i));
    }
    out.writeBytes(records);
    if (extra != 0) {
      out.writeByte(0);
      out.writeShort(41);
      out.writeShort(q.udpPayload()); // the requester's size echoed, as CoreDNS does
      out.writeByte(0);
      out.writeByte(0);
      out.writeShort(q.dnssecOk() ? 0x8000 : 0);
      out.writeShort(0);
    }
    q.reply(out);
    matches[zone].increment();
    return true;
  }
}
