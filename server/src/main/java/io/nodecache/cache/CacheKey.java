package io.nodecache.cache;

import io.nodecache.wire.FastQuery;
import java.util.Arrays;
import org.xbill.DNS.Name;

/**
 * A lookup key with its own bytes: the question (lower-cased name in wire form, qtype, qclass) and the
 * DO and CD bits. Built from query bytes on the fast path and from a decoded question on the slow path;
 * both give keys equal to each other and to the stored entry of the same question ({@link Question}).
 * A probe is a mutable key, reused by one thread for fast-path lookups so that a hit allocates no key;
 * probes are never stored, and neither are other keys: an entry is its own key.
 */
final class CacheKey implements Question {

  private final byte[] bytes;
  private int length;
  private int bits;
  private int hash;

  private CacheKey(byte[] bytes, int length, int bits, int nameHash) {
    this.bytes = bytes;
    init(length, bits, nameHash);
  }

  private void init(int n, int b, int nameHash) {
    this.length = n;
    this.bits = b;
    this.hash = Question.hash(nameHash, bytes, 0, n, b);
  }

  /** A mutable key for {@link #set}; confine it to one thread and never store it. */
  static CacheKey probe() {
    return new CacheKey(new byte[255 + 4], 4, 0, 0);
  }

  /** Makes this probe the key of {@code q}, without allocating. */
  CacheKey set(FastQuery q) {
    int n = q.qnameLength();
    System.arraycopy(q.qnameLower(), 0, bytes, 0, n);
    typeClass(bytes, n, q.qtype(), q.qclass());
    init(n + 4, bits(q.dnssecOk(), q.checkingDisabled()), q.qnameHash());
    return this;
  }

  static CacheKey of(FastQuery q) {
    int n = q.qnameLength();
    byte[] b = new byte[n + 4];
    System.arraycopy(q.qnameLower(), 0, b, 0, n);
    typeClass(b, n, q.qtype(), q.qclass());
    return new CacheKey(b, b.length, bits(q.dnssecOk(), q.checkingDisabled()), q.qnameHash());
  }

  static CacheKey of(Name name, int type, int dclass, boolean dnssecOk, boolean checkingDisabled) {
    byte[] w = name.toWireCanonical();
    int n = w.length;
    byte[] b = Arrays.copyOf(w, n + 4);
    typeClass(b, n, type, dclass);
    return new CacheKey(b, b.length, bits(dnssecOk, checkingDisabled), Question.nameHash(w, 0, n));
  }

  static int bits(boolean dnssecOk, boolean checkingDisabled) {
    return (dnssecOk ? DO : 0) | (checkingDisabled ? CD : 0);
  }

  private static void typeClass(byte[] b, int n, int type, int dclass) {
    b[n] = (byte) (type >>> 8);
    b[n + 1] = (byte) type;
    b[n + 2] = (byte) (dclass >>> 8);
    b[n + 3] = (byte) dclass;
  }

  @Override
  public byte[] questionBytes() {
    return bytes;
  }

  @Override
  public int questionOffset() {
    return 0;
  }

  @Override
  public int questionLength() {
    return length;
  }

  @Override
  public int keyBits() {
    return bits;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CacheKey k ? k.hash == hash && Question.same(this, k) : Question.same(this, o);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return Question.describe(this);
  }
}
