package io.nodecache.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;

/**
 * The header and question of a query read straight from its bytes, for the fast path. One instance is
 * reused per event-loop thread: {@link #parse} overwrites it. Only plain queries qualify (QUERY opcode,
 * one question without compression, no answer or authority records, at most an EDNS version 0 OPT);
 * everything else reports {@code false} and takes the decoded path, which also produces the FORMERR,
 * NOTIMP and BADVERS answers.
 */
public final class FastQuery {

  public static final int HEADER = 12;
  private static final int TYPE_OPT = 41;
  private static final int OPTION_NSID = 3;

  private ByteBuf buf;
  private int id;
  private int flags;
  private final byte[] qnameLower = new byte[255];
  private int qnameLength;
  private int qnameHash;
  private int qtype;
  private int qclass;
  private boolean edns;
  private int udpPayload;
  private boolean dnssecOk;
  private int maxAnswer;
  private boolean udp;
  private ByteBufAllocator alloc;
  private ByteBuf reply;
  private InetSocketAddress client;
  private boolean nsid;
  private boolean shuffle;
  private boolean minimal;

  /** The query's sender, set by the listener before the fast paths run (null outside a listener). */
  public InetSocketAddress client() { return client; }

  public void client(InetSocketAddress sender) { this.client = sender; }

  /**
   * Reads the header and question of {@code packet} (from its reader index, not moving it).
   *
   * @param udp true for UDP, which bounds the answer size by the client's limit
   * @return true when this is a plain query the fast path may answer
   */
  public boolean parse(ByteBuf packet, boolean udp, ByteBufAllocator allocator) {
    this.buf = packet;
    this.udp = udp;
    this.alloc = allocator;
    this.reply = null;
    this.nsid = false;
    this.shuffle = false;
    this.minimal = false;
    int base = packet.readerIndex();
    int end = packet.writerIndex();
    if (end - base < HEADER + 5) {
      return false;
    }
    id = packet.getUnsignedShort(base);
    flags = packet.getUnsignedShort(base + 2);
    // QR must be 0 and the opcode QUERY (RFC 1035 §4.1.1).
    if ((flags & 0x8000) != 0 || (flags & 0x7800) != 0) {
      return false;
    }
    if (packet.getUnsignedShort(base + 4) != 1
        || packet.getUnsignedShort(base + 6) != 0
        || packet.getUnsignedShort(base + 8) != 0) {
      return false;
    }
    int arcount = packet.getUnsignedShort(base + 10);
    if (arcount > 1) {
      return false;
    }
    int p = base + HEADER;
    int n = 0;
    int hash = 1;
    while (true) {
      if (p >= end) {
        return false;
      }
      int len = packet.getUnsignedByte(p);
      if (len == 0) {
        break;
      }
      if (len > 63 || n + len + 1 > 254 || p + 1 + len > end) {
        return false; // compression pointer, extended label type, or too long: decode instead
      }
      qnameLower[n++] = (byte) len;
      hash = 31 * hash + len;
      for (int i = 1; i <= len; i++) {
        byte b = packet.getByte(p + i);
        if (b >= 'A' && b <= 'Z') {
          b = (byte) (b + 32);
        }
        qnameLower[n++] = b;
        hash = 31 * hash + b;
      }
      p += len + 1;
    }
    qnameLower[n++] = 0;
    p++;
    qnameLength = n;
    qnameHash = hash;
    if (p + 4 > end) {
      return false;
    }
    qtype = packet.getUnsignedShort(p);
    qclass = packet.getUnsignedShort(p + 2);
    p += 4;
    edns = false;
    dnssecOk = false;
    udpPayload = 0;
    if (arcount == 1) {
      // Only an OPT with the root owner name: 1 + 2 + 2 + 4 + 2 bytes before its options.
      if (p + 11 > end
          || packet.getUnsignedByte(p) != 0
          || packet.getUnsignedShort(p + 1) != TYPE_OPT) {
        return false;
      }
      udpPayload = packet.getUnsignedShort(p + 3);
      int version = packet.getUnsignedByte(p + 6);
      if (version != 0) {
        return false; // BADVERS comes from the decoded path (RFC 6891 §6.1.3)
      }
      dnssecOk = (packet.getUnsignedShort(p + 7) & 0x8000) != 0;
      int rdlength = packet.getUnsignedShort(p + 9);
      p += 11;
      if (p + rdlength > end || !optionsOk(packet, p, p + rdlength)) {
        return false;
      }
      nsid = hasOption(packet, p, p + rdlength, OPTION_NSID);
      p += rdlength;
      edns = true;
    }
    if (p != end) {
      return false; // trailing bytes or a short OPT: let the decoder judge
    }
    maxAnswer = udp ? Edns.clientLimit(edns ? udpPayload : 0) : 65535; // no EDNS: 512
    return true;
  }

  /**
   * True when the EDNS options are well-formed TLVs that the decoder would accept too: a malformed one
   * must get FORMERR from the decoded path, never a cached answer (found by FastQueryFuzzTest).
   */
  private static boolean optionsOk(ByteBuf packet, int p, int end) {
    while (p < end) {
      if (p + 4 > end) {
        return false;
      }
      int code = packet.getUnsignedShort(p);
      int len = packet.getUnsignedShort(p + 2);
      p += 4;
      if (p + len > end) {
        return false;
      }
      boolean ok =
          switch (code) {
            case 8 -> false; // client subnet: answers may depend on it, decode
            case 10 -> len == 8 || (len >= 16 && len <= 40); // RFC 7873 cookie sizes
            case 11 -> len == 0 || len == 2; // RFC 7828 keepalive
            case 15 -> len >= 2; // RFC 8914 extended error
            default -> true;
          };
      if (!ok) {
        return false;
      }
      p += len;
    }
    return true;
  }

  /** True when the (well-formed) options between {@code p} and {@code end} hold one with {@code code}. */
  private static boolean hasOption(ByteBuf packet, int p, int end, int code) {
    while (p + 4 <= end) {
      if (packet.getUnsignedShort(p) == code) {
        return true;
      }
      p += 4 + packet.getUnsignedShort(p + 2);
    }
    return false;
  }

  /**
   * The hash {@link #qnameHash()} gives for a lower-cased wire-form name ({@code Name.toWireCanonical()}),
   * so tables keyed by names can be probed from the fast path without allocating.
   */
  public static int hashOf(byte[] wireLower) {
    int hash = 1;
    for (int i = 0; i < wireLower.length - 1; i++) {
      hash = 31 * hash + wireLower[i];
    }
    return hash;
  }

  public int id() {
    return id;
  }

  /** The 16 header flag bits as received. */
  public int flags() {
    return flags;
  }

  public boolean recursionDesired() {
    return (flags & 0x0100) != 0;
  }

  public boolean checkingDisabled() {
    return (flags & 0x0010) != 0;
  }

  /** The lower-cased question name in wire form (length-prefixed labels ending in 0). */
  public byte[] qnameLower() {
    return qnameLower;
  }

  public int qnameLength() {
    return qnameLength;
  }

  /** A hash of the lower-cased name, for keys that avoid a second pass over the bytes. */
  public int qnameHash() {
    return qnameHash;
  }

  public int qtype() {
    return qtype;
  }

  public int qclass() {
    return qclass;
  }

  public boolean hasEdns() {
    return edns;
  }

  public boolean dnssecOk() {
    return dnssecOk;
  }

  /** Largest answer the client accepts on this transport. */
  public int maxAnswer() {
    return maxAnswer;
  }

  /**
   * The {@code bufsize} plugin's clamp: a query advertising more than {@code size} bytes is treated as
   * advertising {@code size} (the size its answer echoes), and over UDP its answer limit follows.
   */
  public void lowerUdpPayload(int size) {
    if (edns && udpPayload > size) {
      udpPayload = size;
      maxAnswer = udp ? Edns.clientLimit(size) : maxAnswer;
    }
  }

  /** The EDNS UDP payload size advertised (lowered by {@code bufsize}), which answers echo; 0 without EDNS. */
  public int udpPayload() {
    return udpPayload;
  }

  /** The query bytes; the question name with the client's case starts at {@code readerIndex() + 12}. */
  public ByteBuf packet() {
    return buf;
  }

  public ByteBufAllocator alloc() {
    return alloc;
  }

  /** True when the query's OPT record carries an NSID option (RFC 5001). */
  public boolean nsidRequested() {
    return nsid;
  }

  /**
   * Asks that the reply set later by {@link #reply} have its address records permuted in place
   * ({@code loadbalance}); reset by {@link #parse}.
   */
  public void shuffleAddresses(boolean on) {
    this.shuffle = on;
  }

  public boolean shuffleAddresses() {
    return shuffle;
  }

  /**
   * Asks that the reply set later by {@link #reply} lose its authority and additional records when it
   * is a positive answer ({@code minimal}); reset by {@link #parse}.
   */
  public void minimalReply(boolean on) {
    this.minimal = on;
  }

  public boolean minimalReply() {
    return minimal;
  }

  /**
   * Sets the answer the listener sends; ownership passes to the listener. The rewrites asked for by
   * earlier handlers ({@link #minimalReply}, {@link #shuffleAddresses}) are applied to its bytes here.
   */
  public void reply(ByteBuf answer) {
    if (minimal) {
      ReplyRewrite.minimize(answer);
    }
    if (shuffle) {
      ReplyRewrite.shuffleAddresses(answer);
    }
    this.reply = answer;
  }

  /** Takes the answer set by a handler, or null. */
  public ByteBuf takeReply() {
    ByteBuf r = reply;
    reply = null;
    return r;
  }

  /** True when the lower-cased name ends with the given lower-case wire-form zone. */
  public boolean inZone(byte[] zoneWire) {
    int zl = zoneWire.length;
    if (zl > qnameLength) {
      return false;
    }
    int start = qnameLength - zl;
    // the suffix must start on a label boundary
    int p = 0;
    while (p < start) {
      p += (qnameLower[p] & 0xff) + 1;
    }
    if (p != start) {
      return false;
    }
    for (int i = 0; i < zl; i++) {
      if (qnameLower[start + i] != zoneWire[i]) {
        return false;
      }
    }
    return true;
  }
}
