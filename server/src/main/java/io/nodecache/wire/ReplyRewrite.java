package io.nodecache.wire;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Changes made in place to a finished reply's bytes on the fast path, without decoding it and without
 * allocating: {@code minimal}'s dropping of the authority and additional sections and {@code
 * loadbalance}'s permutation of address records. A reply whose bytes do not look as expected is left as
 * it is.
 */
final class ReplyRewrite {

  private static final int TYPE_A = 1;
  private static final int TYPE_NS = 2;
  private static final int TYPE_SOA = 6;
  private static final int TYPE_AAAA = 28;
  private static final int TYPE_OPT = 41;

  private ReplyRewrite() {}

  /**
   * Drops the authority and additional records (keeping the OPT record) of a NOERROR reply that is a
   * positive answer: answer records, or none and neither an SOA (NODATA) nor an NS (delegation) in the
   * authority section. Every other reply is left alone.
   */
  static void minimize(ByteBuf m) {
    int base = m.readerIndex();
    int end = m.writerIndex();
    if (end - base < FastQuery.HEADER || (m.getByte(base + 3) & 0xF) != 0) {
      return;
    }
    int an = m.getUnsignedShort(base + 6);
    int ns = m.getUnsignedShort(base + 8);
    int ar = m.getUnsignedShort(base + 10);
    int p = skipQuestions(m, base, end);
    for (int i = 0; i < an && p >= 0; i++) {
      p = skipRecord(m, p, end);
    }
    if (p < 0) {
      return;
    }
    int answerEnd = p;
    for (int i = 0; i < ns && p >= 0; i++) {
      int type = typeAt(m, p, end);
      if (an == 0 && (type == TYPE_SOA || type == TYPE_NS)) {
        return; // NODATA or a delegation: minimal leaves it
      }
      p = skipRecord(m, p, end);
    }
    int optStart = -1;
    int optEnd = -1;
    for (int i = 0; i < ar && p >= 0; i++) {
      int next = skipRecord(m, p, end);
      if (next >= 0 && typeAt(m, p, end) == TYPE_OPT && m.getByte(p) == 0) {
        optStart = p;
        optEnd = next;
      }
      p = next;
    }
    if (p < 0) {
      return;
    }
    int optLength = optStart < 0 ? 0 : optEnd - optStart;
    for (int i = 0; i < optLength; i++) {
      m.setByte(answerEnd + i, m.getByte(optStart + i)); // moves backwards: a forward copy is safe
    }
    m.writerIndex(answerEnd + optLength);
    m.setShort(base + 8, 0);
    m.setShort(base + 10, optStart < 0 ? 0 : 1);
  }

  /**
   * Permutes, in each section of a NOERROR reply, its A or AAAA records, when they are one contiguous
   * run of one type whose owner names are compression pointers: such records are of one fixed size
   * and nothing points into them, so swapping their bytes keeps the message valid.
   */
  static void shuffleAddresses(ByteBuf m) {
    int base = m.readerIndex();
    int end = m.writerIndex();
    if (end - base < FastQuery.HEADER || (m.getByte(base + 3) & 0xF) != 0) {
      return;
    }
    int p = skipQuestions(m, base, end);
    for (int section = 0; section < 3 && p >= 0; section++) {
      int count = m.getUnsignedShort(base + 6 + 2 * section);
      int runStart = -1;
      int runType = 0;
      int runCount = 0;
      boolean runEnded = false;
      boolean safe = true;
      for (int i = 0; i < count && p >= 0; i++) {
        int next = skipRecord(m, p, end);
        int type = typeAt(m, p, end);
        if (next >= 0 && (type == TYPE_A || type == TYPE_AAAA)) {
          boolean pointer = (m.getUnsignedByte(p) & 0xC0) == 0xC0;
          if (!pointer || runEnded || (runCount > 0 && type != runType) || next - p != size(type)) {
            safe = false;
          } else if (runCount++ == 0) {
            runStart = p;
            runType = type;
          }
        } else if (runCount > 0) {
          runEnded = true;
        }
        p = next;
      }
      if (p >= 0 && safe && runCount > 1) {
        permute(m, runStart, size(runType), runCount);
      }
    }
  }

  /** Bytes of an A or AAAA record with a pointer owner: pointer, type, class, TTL, length, address. */
  private static int size(int type) {
    return 2 + 10 + (type == TYPE_A ? 4 : 16);
  }

  /** Fisher-Yates over {@code count} records of {@code size} bytes starting at {@code start}. */
  private static void permute(ByteBuf m, int start, int size, int count) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = count - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      if (j == i) {
        continue;
      }
      int a = start + i * size;
      int b = start + j * size;
      for (int k = 0; k < size; k += 4) {
        int x = m.getInt(a + k);
        m.setInt(a + k, m.getInt(b + k));
        m.setInt(b + k, x);
      }
    }
  }

  private static int skipQuestions(ByteBuf m, int base, int end) {
    int qd = m.getUnsignedShort(base + 4);
    int p = base + FastQuery.HEADER;
    for (int i = 0; i < qd && p >= 0; i++) {
      p = skipName(m, p, end);
      p = p < 0 || p + 4 > end ? -1 : p + 4;
    }
    return p;
  }

  /** The type of the record at {@code p}, or -1. */
  private static int typeAt(ByteBuf m, int p, int end) {
    int q = skipName(m, p, end);
    return q < 0 || q + 2 > end ? -1 : m.getUnsignedShort(q);
  }

  /** The offset after the record at {@code p}, or -1 when it runs past {@code end}. */
  private static int skipRecord(ByteBuf m, int p, int end) {
    int q = skipName(m, p, end);
    if (q < 0 || q + 10 > end) {
      return -1;
    }
    q += 10 + m.getUnsignedShort(q + 8);
    return q > end ? -1 : q;
  }

  /** The offset after the name at {@code p} (a pointer ends it), or -1. */
  private static int skipName(ByteBuf m, int p, int end) {
    while (p < end) {
      int len = m.getUnsignedByte(p);
      if ((len & 0xC0) == 0xC0) {
        return p + 2 <= end ? p + 2 : -1;
      }
      if ((len & 0xC0) != 0) {
        return -1;
      }
      if (len == 0) {
        return p + 1;
      }
      p += len + 1;
    }
    return -1;
  }
}
