package io.nodecache.cache;

import java.util.Arrays;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSInput;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;

/**
 * What the cache is keyed by: a question section (the lower-cased name in wire form, qtype, qclass) in
 * some byte array, plus the DO and CD bits. A {@link CacheKey} holds its own bytes (lookups); a stored
 * {@link CacheEntry} is its own key and points into its answer's bytes, where the question is kept
 * lower-cased, so an entry costs no key object and no second copy of the name. Any two questions with
 * the same bytes and bits are equal and hash alike, whatever their class.
 */
interface Question {

  int DO = 1;
  int CD = 2;

  /** The array holding the question. */
  byte[] questionBytes();

  /** Where the question starts in {@link #questionBytes()}. */
  int questionOffset();

  /** The question's length: name, qtype and qclass. */
  int questionLength();

  /** {@link #DO} and {@link #CD}. */
  int keyBits();

  /** The lower-cased question name. */
  default Name name() {
    try {
      DNSInput in = new DNSInput(questionBytes());
      in.jump(questionOffset());
      return new Name(in);
    } catch (WireParseException e) {
      throw new IllegalStateException("cache key holds a bad name", e);
    }
  }

  default int type() {
    return u16(questionBytes(), questionOffset() + questionLength() - 4);
  }

  default int dclass() {
    return u16(questionBytes(), questionOffset() + questionLength() - 2);
  }

  default boolean dnssecOk() {
    return (keyBits() & DO) != 0;
  }

  default boolean checkingDisabled() {
    return (keyBits() & CD) != 0;
  }

  /** The equality every implementation uses: same question bytes and bits. */
  static boolean same(Question a, Object o) {
    if (a == o) {
      return true;
    }
    if (!(o instanceof Question b) || a.keyBits() != b.keyBits() || a.questionLength() != b.questionLength()) {
      return false;
    }
    int ao = a.questionOffset();
    int bo = b.questionOffset();
    int n = a.questionLength();
    return Arrays.equals(a.questionBytes(), ao, ao + n, b.questionBytes(), bo, bo + n);
  }

  /**
   * The hash every implementation uses. {@code nameHash} is {@link #nameHash} of the name (which the
   * fast path has from {@code FastQuery.qnameHash()} already); qtype, qclass and the bits follow.
   */
  static int hash(int nameHash, byte[] b, int offset, int length, int bits) {
    int h = nameHash;
    for (int i = offset + length - 4; i < offset + length; i++) {
      h = 31 * h + b[i];
    }
    h = 31 * h + bits;
    return h ^ (h >>> 16);
  }

  /** The name hash {@code FastQuery.qnameHash()} computes: over the wire bytes but the final 0. */
  static int nameHash(byte[] wire, int from, int nameLength) {
    int h = 1;
    for (int i = from; i < from + nameLength - 1; i++) {
      h = 31 * h + wire[i];
    }
    return h;
  }

  static String describe(Question q) {
    return q.name() + " " + Type.string(q.type()) + " " + DClass.string(q.dclass())
        + (q.dnssecOk() ? " DO" : "") + (q.checkingDisabled() ? " CD" : "");
  }

  private static int u16(byte[] b, int p) {
    return ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
  }
}
