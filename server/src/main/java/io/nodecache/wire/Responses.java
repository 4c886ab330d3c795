package io.nodecache.wire;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.HINFORecord;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** Builders for the answers the server gives itself: errors, RFC 8482 ANY, and the final touches. */
public final class Responses {

  /** RFC 6891 §9: BADVERS is extended RCODE 16. */
  public static final int BADVERS = 16;

  private Responses() {}

  /** A reply to {@code query} with the given RCODE and the query's question. */
  public static Message error(Message query, int rcode) {
    Message m = new Message(query.getHeader().getID());
    Header h = m.getHeader();
    h.setFlag(Flags.QR);
    h.setOpcode(query.getHeader().getOpcode());
    if (query.getHeader().getFlag(Flags.RD)) {
      h.setFlag(Flags.RD);
    }
    Record q = query.getQuestion();
    if (q != null && query.getHeader().getCount(Section.QUESTION) == 1) {
      m.addRecord(q, Section.QUESTION);
    }
    h.setRcode(rcode & 0xF);
    return m;
  }

  /**
   * {@link #error} as a recursive server gives it: RA set, and when the query had an OPT record, one
   * echoing its payload size and DO bit. The forwarder uses it to refuse a query over its concurrency
   * limit.
   */
  public static Message recursiveError(Message query, int rcode) {
    Message m = error(query, rcode);
    m.getHeader().setFlag(Flags.RA);
    OPTRecord qopt = query.getOPT();
    if (qopt != null) {
      m.addRecord(new OPTRecord(qopt.getPayloadSize(), 0, 0, qopt.getFlags() & ExtendedFlags.DO), Section.ADDITIONAL);
    }
    return m;
  }

  /**
   * A header-only reply built from the raw header of a message that could not be decoded: same ID,
   * opcode and RD bit, QR set, the given RCODE, no sections (RFC 1035 §4.1.1 FORMERR).
   */
  public static byte[] headerOnly(byte[] packet, int rcode) {
    byte[] out = new byte[12];
    out[0] = packet[0];
    out[1] = packet[1];
    int opcodeAndRd = packet[2] & 0x79; // opcode bits and RD
    out[2] = (byte) (0x80 | opcodeAndRd);
    out[3] = (byte) (rcode & 0xF);
    return out;
  }

  /**
   * The RFC 8482 §4.2 answer to {@code ANY}: one synthesized HINFO record instead of everything we
   * know, which removes the amplification that ANY invites.
   */
  public static Message minimalAny(Message query) {
    Message m = error(query, Rcode.NOERROR);
    Record q = query.getQuestion();
    m.addRecord(new HINFORecord(q.getName(), DClass.IN, 8482, "RFC8482", ""), Section.ANSWER);
    return m;
  }

  /**
   * Makes {@code response} fit to be sent for {@code query}: the client's ID, QR and RD, and the OPT
   * record per RFC 6891 (when the query had one, one echoing its payload size, as CoreDNS does; none
   * otherwise), keeping the NSID option (RFC 5001, the {@code nsid} plugin's) and the extended DNS
   * errors (RFC 8914) a handler put in its OPT. Changes and returns {@code response}.
   */
  public static Message finish(Message query, Message response) {
    return finish(query, response, 65535);
  }

  /** {@link #finish(Message, Message)} with the echoed payload size at most {@code payloadLimit} ({@code bufsize}). */
  public static Message finish(Message query, Message response, int payloadLimit) {
    Header h = response.getHeader();
    h.setID(query.getHeader().getID());
    h.setFlag(Flags.QR);
    if (query.getHeader().getFlag(Flags.RD)) {
      h.setFlag(Flags.RD);
    } else {
      h.unsetFlag(Flags.RD);
    }
    int rcode = response.getRcode();
    OPTRecord old = response.getOPT();
    List<EDNSOption> errors = List.of();
    if (old != null) {
      errors = old.getOptions(EDNSOption.Code.EDNS_EXTENDED_ERROR);
      response.removeRecord(old, Section.ADDITIONAL);
    }
    OPTRecord qopt = query.getOPT();
    if (qopt != null) {
      int flags = (qopt.getFlags() & ExtendedFlags.DO);
      List<EDNSOption> keep = new ArrayList<>(old == null ? List.of() : old.getOptions(EDNSOption.Code.NSID));
      keep.addAll(errors);
      response.addRecord(new OPTRecord(Edns.echoed(qopt, payloadLimit), rcode >>> 4, 0, flags, keep), Section.ADDITIONAL);
    }
    h.setRcode(rcode & 0xF);
    return response;
  }

  /** Encodes for UDP within {@code limit} bytes; dnsjava drops whole RRsets and sets TC when needed. */
  public static byte[] encode(Message response, int limit) {
    byte[] full = response.toWire();
    if (full.length <= limit) {
      return full;
    }
    return response.toWire(limit);
  }

  public static boolean isStandardQuery(Message m) {
    return m.getHeader().getOpcode() == Opcode.QUERY;
  }
}
