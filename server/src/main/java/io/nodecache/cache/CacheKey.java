package io.nodecache.cache;

import io.nodecache.wire.FastQuery;
import java.util.Arrays;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSInput;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;

/**
 * The cache key: the lower-cased question name in wire form, qtype, qclass and the DO and CD bits, in
 * one byte array. Built from query bytes on the fast path and from a decoded question on the slow
 * path; both give equal keys with equal hashes. A probe is a mutable key, reused by one thread for
 * fast-path lookups so that a hit allocates no key; probes are never stored.
 */
final class CacheKey {

  private static final int DO = 1;
  private static final int CD = 2;

  private final byte[] bytes;
  private int length;
  private int hash;

  private CacheKey(byte[] bytes, int length, int nameHash) {
    this.bytes = bytes;
    init(length, nameHash);
  }

  private void init(int n, int nameHash) {
    this.length = n;
    int h = nameHash;
    for (int i = n - 5; i < n; i++) {
      h = 31 * h + bytes[i];
    }
    this.hash = h ^ (h >>> 16);
  }

  /** A mutable key for {@link #set}; confine it to one thread and never store it. */
  static CacheKey probe() {
    return new CacheKey(new byte[255 + 5], 5, 0);
  }

  /** Makes this probe the key of {@code q}, without allocating. */
  CacheKey set(FastQuery q) {
    int n = q.qnameLength();
    System.arraycopy(q.qnameLower(), 0, bytes, 0, n);
    tail(bytes, n, q.qtype(), q.qclass(), q.dnssecOk(), q.checkingDisabled());
    init(n + 5, q.qnameHash());
    return this;
  }

  static CacheKey of(FastQuery q) {
    int n = q.qnameLength();
    byte[] b = new byte[n + 5];
    System.arraycopy(q.qnameLower(), 0, b, 0, n);
    tail(b, n, q.qtype(), q.qclass(), q.dnssecOk(), q.checkingDisabled());
    return new CacheKey(b, b.length, q.qnameHash());
  }

  static CacheKey of(Name name, int type, int dclass, boolean dnssecOk, boolean checkingDisabled) {
    byte[] w = name.toWireCanonical();
    int n = w.length;
    byte[] b = Arrays.copyOf(w, n + 5);
    tail(b, n, type, dclass, dnssecOk, checkingDisabled);
    return new CacheKey(b, b.length, nameHash(w, n));
  }

  /** The name hash {@link FastQuery#qnameHash()} computes: over the wire bytes but the final 0. */
  static int nameHash(byte[] wire, int length) {
    int h = 1;
    for (int i = 0; i < length - 1; i++) {
      h = 31 * h + wire[i];
    }
    return h;
  }

  private static void tail(byte[] b, int n, int type, int dclass, boolean dnssecOk, boolean cd) {
    b[n] = (byte) (type >>> 8);
    b[n + 1] = (byte) type;
    b[n + 2] = (byte) (dclass >>> 8);
    b[n + 3] = (byte) dclass;
    b[n + 4] = (byte) ((dnssecOk ? DO : 0) | (cd ? CD : 0));
  }

  /** The lower-cased question name. */
  Name name() {
    try {
      return new Name(new DNSInput(bytes));
    } catch (WireParseException e) {
      throw new IllegalStateException("cache key holds a bad name", e);
    }
  }

  int type() {
    int n = length;
    return ((bytes[n - 5] & 0xff) << 8) | (bytes[n - 4] & 0xff);
  }

  int dclass() {
    int n = length;
    return ((bytes[n - 3] & 0xff) << 8) | (bytes[n - 2] & 0xff);
  }

  boolean dnssecOk() {
    return (bytes[length - 1] & DO) != 0;
  }

  boolean checkingDisabled() {
    return (bytes[length - 1] & CD) != 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CacheKey k
        && k.hash == hash
        && k.length == length
        && Arrays.equals(k.bytes, 0, k.length, bytes, 0, length);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return name() + " " + Type.string(type()) + " " + DClass.string(dclass())
        + (dnssecOk() ? " DO" : "") + (checkingDisabled() ? " CD" : "");
  }
}
