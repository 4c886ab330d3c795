package io.nodecache.wire;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.MessageSizeExceededException;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.WireParseException;

/**
 * An answer that a handler has as finished wire bytes (the cache's decoded path: a stored answer patched
 * for this client), handed along the chain as a {@link Message} that decodes itself only when someone
 * looks inside. Every accessor decodes first, so a plugin that reads or changes the answer sees and
 * changes an ordinary message; the RCODE alone is read from the bytes. While nobody has looked, the
 * listener sends the bytes themselves ({@link #untouched}), which spares a decode and an encode per
 * answer; the bytes are the ones the decode-and-encode would give (the stored answer is dnsjava's own
 * encoding).
 */
public final class WireAnswer extends Message {

  private static final int OPT_LENGTH = 11;

  /** The answer without an OPT record: ID, flags and question name already this client's. */
  private byte[] wire;
  /** The payload size of the OPT record the answer carries (the query's), or -1 for none. */
  private final int optPayload;
  private final boolean dnssecOk;

  /**
   * @param wire the answer without an OPT record, header and question already patched for the client
   * @param optPayload the payload size of the OPT record to add (the query's), or -1 when the query had none
   * @param dnssecOk the DO bit of that OPT record
   */
  public WireAnswer(byte[] wire, int optPayload, boolean dnssecOk) {
    super(0);
    this.wire = wire;
    this.optPayload = optPayload;
    this.dnssecOk = dnssecOk;
  }

  /**
   * The bytes to send while the answer is untouched, or null once it was decoded (or when it does not
   * fit in {@code limit}: then the usual encoding truncates it). With {@code echoedPayload >= 0} an OPT
   * record with that payload size and the DO bit {@code dnssecOk} is appended, as {@link
   * Responses#finish} writes it; with -1 none.
   */
  public byte[] untouched(int echoedPayload, boolean dnssecOk, int limit) {
    byte[] w = wire;
    if (w == null) {
      return null;
    }
    int n = w.length + (echoedPayload >= 0 ? OPT_LENGTH : 0);
    if (n > limit) {
      return null;
    }
    byte[] out = new byte[n];
    System.arraycopy(w, 0, out, 0, w.length);
    out[2] |= (byte) 0x80; // QR, as finish sets it
    if (echoedPayload >= 0) {
      int arcount = (((w[10] & 0xff) << 8) | (w[11] & 0xff)) + 1;
      out[10] = (byte) (arcount >>> 8);
      out[11] = (byte) arcount;
      int p = w.length;
      out[p] = 0; // root owner
      out[p + 1] = 0;
      out[p + 2] = 41; // TYPE OPT
      out[p + 3] = (byte) (echoedPayload >>> 8);
      out[p + 4] = (byte) echoedPayload;
      // extended RCODE 0, version 0, then the flags
      out[p + 7] = (byte) (dnssecOk ? 0x80 : 0);
      // p + 8: no flag bits in the low byte; p + 9, p + 10: RDLENGTH 0
    }
    return out;
  }

  /** Whether the answer is still only bytes (nobody looked inside). */
  public boolean isUntouched() {
    return wire != null;
  }

  /** Decodes the bytes into this message, once; from then on it is an ordinary message. */
  private void decode() {
    byte[] w = wire;
    if (w == null) {
      return;
    }
    wire = null;
    Message m;
    try {
      m = new Message(w);
    } catch (IOException e) {
      throw new UncheckedIOException("prepared answer does not decode", e);
    }
    Header from = m.getHeader();
    Header h = new Header(from.getID());
    for (int f = 0; f < 16; f++) {
      if (Flags.isFlag(f) && from.getFlag(f)) {
        h.setFlag(f);
      }
    }
    h.setOpcode(from.getOpcode());
    h.setRcode(from.getRcode());
    super.setHeader(h);
    for (int s = Section.QUESTION; s <= Section.ADDITIONAL; s++) {
      for (Record r : m.getSection(s)) {
        super.addRecord(r, s);
      }
    }
    if (optPayload >= 0) {
      super.addRecord(new OPTRecord(optPayload, 0, 0, dnssecOk ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
    }
  }

  @Override
  public int getRcode() {
    byte[] w = wire;
    return w != null ? w[3] & 0xF : super.getRcode();
  }

  @Override
  public void setHeader(Header h) {
    decode();
    super.setHeader(h);
  }

  @Override
  public Header getHeader() {
    decode();
    return super.getHeader();
  }

  @Override
  public void addRecord(Record r, int section) {
    decode();
    super.addRecord(r, section);
  }

  @Override
  public boolean removeRecord(Record r, int section) {
    decode();
    return super.removeRecord(r, section);
  }

  @Override
  public void removeAllRecords(int section) {
    decode();
    super.removeAllRecords(section);
  }

  @Override
  public boolean findRecord(Record r, int section) {
    decode();
    return super.findRecord(r, section);
  }

  @Override
  public boolean findRecord(Record r) {
    decode();
    return super.findRecord(r);
  }

  @Override
  public boolean findRRset(Name name, int type, int section) {
    decode();
    return super.findRRset(name, type, section);
  }

  @Override
  public boolean findRRset(Name name, int type) {
    decode();
    return super.findRRset(name, type);
  }

  @Override
  public Record getQuestion() {
    decode();
    return super.getQuestion();
  }

  @Override
  public TSIGRecord getTSIG() {
    decode();
    return super.getTSIG();
  }

  @Override
  public boolean isSigned() {
    decode();
    return super.isSigned();
  }

  @Override
  public boolean isVerified() {
    decode();
    return super.isVerified();
  }

  @Override
  public OPTRecord getOPT() {
    decode();
    return super.getOPT();
  }

  @Override
  public Record[] getSectionArray(int section) {
    decode();
    return super.getSectionArray(section);
  }

  @Override
  public List<Record> getSection(int section) {
    decode();
    return super.getSection(section);
  }

  @Override
  public List<RRset> getSectionRRsets(int section) {
    decode();
    return super.getSectionRRsets(section);
  }

  @Override
  public byte[] toWire() {
    decode();
    return super.toWire();
  }

  @Override
  public byte[] toWire(int maxLength) {
    decode();
    return super.toWire(maxLength);
  }

  @Override
  public byte[] toWire(int maxLength, boolean fitsAll) throws MessageSizeExceededException {
    decode();
    return super.toWire(maxLength, fitsAll);
  }

  @Override
  public void setTSIG(TSIG key) {
    decode();
    super.setTSIG(key);
  }

  @Override
  public void setTSIG(TSIG key, int error, TSIGRecord querytsig) {
    decode();
    super.setTSIG(key, error, querytsig);
  }

  @Override
  public int numBytes() {
    decode();
    return super.numBytes();
  }

  @Override
  public String sectionToString(int i) {
    decode();
    return super.sectionToString(i);
  }

  @Override
  public String toString() {
    decode();
    return super.toString();
  }

  @Override
  public Message clone() {
    decode();
    return super.clone();
  }

  @Override
  public void setResolver(Resolver resolver) {
    decode();
    super.setResolver(resolver);
  }

  @Override
  public Optional<Resolver> getResolver() {
    decode();
    return super.getResolver();
  }

  @Override
  public Message normalize(Message query) {
    decode();
    return super.normalize(query);
  }

  @Override
  public Message normalize(Message query, boolean throwOnIrrelevantRecord) throws WireParseException {
    decode();
    return super.normalize(query, throwOnIrrelevantRecord);
  }
}
