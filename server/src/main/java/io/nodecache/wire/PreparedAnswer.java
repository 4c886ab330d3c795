package io.nodecache.wire;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;

/**
 * An answer stored as wire bytes with the offsets of the fields that change per client: the ID, the
 * question name's case, the TTLs and the EDNS OPT record. Rendering copies the bytes and patches those
 * fields; no dnsjava object is built. Used by the cache and the cluster view for their fast paths.
 */
public final class PreparedAnswer {

  private static final int OPT_LENGTH = 11;
  private static final int OPT_TYPE = 41;

  private final byte[] wire;
  /**
   * Per record, its TTL's offset in {@link #wire} then the TTL as stored: one array rather than two,
   * as a cache holds one answer per entry and every array is an object header and a reference more.
   */
  private final int[] ttls;
  private final int rcode;
  private final int minTtl;

  private PreparedAnswer(byte[] wire, int[] ttls, int rcode) {
    this.wire = wire;
    this.ttls = ttls;
    this.rcode = rcode;
    int min = Integer.MAX_VALUE;
    for (int i = 1; i < ttls.length; i += 2) {
      min = Math.min(min, ttls[i]);
    }
    this.minTtl = ttls.length == 0 ? 0 : min;
  }

  /**
   * Encodes {@code response} without its OPT record (added back per client) and records the TTL
   * offsets. Returns null when the answer cannot be served from bytes: an extended RCODE, or a message
   * that would not round-trip (a TSIG, say).
   */
  public static PreparedAnswer of(Message response) {
    int rc = response.getRcode();
    if (rc > 0xF || response.getTSIG() != null) {
      return null;
    }
    // Encoded as it is, and its OPT record cut off the end of the bytes: the same bytes as encoding a
    // copy without the OPT (the OPT's root owner adds nothing to the name compression), without the copy.
    PreparedAnswer p = of(response.toWire(), true);
    if (p != null) {
      return p;
    }
    Message copy = response.clone();
    var opt = copy.getOPT();
    if (opt != null) {
      copy.removeRecord(opt, Section.ADDITIONAL);
    }
    return of(copy.toWire(), false);
  }

  /**
   * Scans encoded {@code wire} for the TTL offsets; sets its ID to 0. With {@code cutOpt}, an OPT record
   * that is the last record is cut off; null when there is an OPT record elsewhere (or any OPT record
   * without {@code cutOpt}: it must not be stored), or when the bytes do not parse.
   */
  private static PreparedAnswer of(byte[] wire, boolean cutOpt) {
    wire[0] = 0;
    wire[1] = 0;
    int[] ttls = new int[32];
    int count = 0;
    int p = FastQuery.HEADER;
    int qd = u16(wire, 4);
    for (int i = 0; i < qd; i++) {
      p = skipName(wire, p) + 4;
    }
    int rrs = u16(wire, 6) + u16(wire, 8) + u16(wire, 10);
    int optAt = -1;
    for (int i = 0; i < rrs; i++) {
      int start = p;
      p = skipName(wire, p);
      if (u16(wire, p) == OPT_TYPE) {
        if (!cutOpt || i != rrs - 1) {
          return null;
        }
        optAt = start;
        p += 10 + u16(wire, p + 8);
        continue;
      }
      if (count == ttls.length) {
        ttls = Arrays.copyOf(ttls, count * 2);
      }
      ttls[count] = p + 4;
      ttls[count + 1] = (int) (u32(wire, p + 4) & 0x7fffffffL);
      count += 2;
      p += 10 + u16(wire, p + 8);
    }
    if (p != wire.length) {
      return null;
    }
    if (optAt >= 0) {
      wire = Arrays.copyOf(wire, optAt);
      int ar = u16(wire, 10) - 1;
      wire[10] = (byte) (ar >>> 8);
      wire[11] = (byte) ar;
    }
    return new PreparedAnswer(wire, Arrays.copyOf(ttls, count), wire[3] & 0xF);
  }

  /** Size of the stored answer in bytes, without an OPT record (see {@link #renderedLength}). */
  public int length() {
    return wire.length;
  }

  public int rcode() {
    return rcode;
  }

  /** The smallest TTL of all records as stored (0 when there are none). */
  public int minTtl() {
    return minTtl;
  }

  /**
   * Writes this answer for {@code q}: its ID, its RD and CD bits (AD as RFC 6840 §5.8 allows), its
   * question name's case, every TTL set to {@code ttl} (or kept as stored when {@code ttl < 0}), and
   * an OPT record when the query had one.
   */
  public ByteBuf render(FastQuery q, int ttl) {
    int extra = q.hasEdns() ? OPT_LENGTH : 0;
    ByteBuf out = q.alloc().ioBuffer(wire.length + extra);
    out.writeBytes(wire);
    int base = out.readerIndex();
    out.setShort(base, q.id());
    int flags = ((wire[2] & 0xff) << 8) | (wire[3] & 0xff);
    flags = clientFlags(flags, q.flags(), q.dnssecOk());
    out.setShort(base + 2, flags);
    // The question name with the client's case, byte by byte: a ByteBuf-to-ByteBuf copy between a
    // heap and a direct buffer would allocate NIO views on every answer.
    ByteBuf in = q.packet();
    int from = in.readerIndex() + FastQuery.HEADER;
    int to = base + FastQuery.HEADER;
    for (int i = 0, n = q.qnameLength(); i < n; i++) {
      out.setByte(to + i, in.getByte(from + i));
    }
    if (ttl >= 0) {
      for (int i = 0; i < ttls.length; i += 2) {
        out.setInt(base + ttls[i], ttl);
      }
    }
    if (extra != 0) {
      out.setShort(base + 10, u16(wire, 10) + 1);
      out.writeByte(0); // root owner
      out.writeShort(41); // TYPE OPT
      out.writeShort(q.udpPayload()); // the requester's size echoed, as CoreDNS does
      out.writeByte(0); // extended RCODE
      out.writeByte(0); // version 0
      out.writeShort(q.dnssecOk() ? 0x8000 : 0);
      out.writeShort(0); // no options
    }
    return out;
  }

  /** The size {@link #render} writes for {@code q}, to check it against {@link FastQuery#maxAnswer()}. */
  public int renderedLength(FastQuery q) {
    return wire.length + (q.hasEdns() ? OPT_LENGTH : 0);
  }

  /**
   * The bytes {@link #render} would write, without the OPT record, for a decoded query: its ID, the RD
   * and CD bits of {@code queryFlags}, its question name in wire form with the client's case, and every
   * TTL set to {@code ttl} (kept as stored when negative). Used by the decoded path so that both paths
   * answer the same bytes. {@code queryFlags} are the 16 header flag bits of the query.
   */
  public byte[] patched(int id, int queryFlags, boolean dnssecOk, byte[] qnameWire, int ttl) {
    int qlen = skipName(wire, FastQuery.HEADER) - FastQuery.HEADER;
    if (qnameWire.length != qlen) {
      throw new IllegalArgumentException("question name length " + qnameWire.length + " != " + qlen);
    }
    byte[] out = wire.clone();
    out[0] = (byte) (id >>> 8);
    out[1] = (byte) id;
    int flags = clientFlags(u16(wire, 2), queryFlags, dnssecOk);
    out[2] = (byte) (flags >>> 8);
    out[3] = (byte) flags;
    System.arraycopy(qnameWire, 0, out, FastQuery.HEADER, qlen);
    if (ttl >= 0) {
      for (int i = 0; i < ttls.length; i += 2) {
        int off = ttls[i];
        out[off] = (byte) (ttl >>> 24);
        out[off + 1] = (byte) (ttl >>> 16);
        out[off + 2] = (byte) (ttl >>> 8);
        out[off + 3] = (byte) ttl;
      }
    }
    return out;
  }

  /** The TTLs as stored, in record order (tests and the cache's aging use them). */
  public int[] storedTtls() {
    int[] out = new int[ttls.length / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = ttls[2 * i + 1];
    }
    return out;
  }

  /**
   * The stored flags with the query's RD and CD bits; AD only for a client that asked with AD or DO
   * (RFC 6840 §5.8), since the key does not include the AD bit.
   */
  private static int clientFlags(int stored, int queryFlags, boolean dnssecOk) {
    int flags = (stored & ~0x0110) | (queryFlags & 0x0110);
    if ((queryFlags & 0x0020) == 0 && !dnssecOk) {
      flags &= ~0x0020;
    }
    return flags;
  }

  private static int skipName(byte[] w, int p) {
    while (true) {
      int len = w[p] & 0xff;
      if (len == 0) {
        return p + 1;
      }
      if ((len & 0xC0) == 0xC0) {
        return p + 2;
      }
      p += len + 1;
    }
  }

  private static int u16(byte[] w, int p) {
    return ((w[p] & 0xff) << 8) | (w[p + 1] & 0xff);
  }

  private static long u32(byte[] w, int p) {
    return ((long) u16(w, p) << 16) | u16(w, p + 2);
  }
}
