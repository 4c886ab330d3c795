package io.nodecache.k8s;

import io.nodecache.wire.FastQuery;
import io.nodecache.wire.PreparedAnswer;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wire answers of one view, by (lower-cased question name, type), filled lazily by the decoded path
 * and read by the fast path without decoding. Each answer names the one service it depends on (or
 * none, when it depends on more); a new view takes over only the answers whose service did not change,
 * so answers are never older than their data. Bounded: past {@code capacity} entries nothing more is
 * stored (random names under the zone must not grow memory); those queries take the decoded path.
 */
final class AnswerMemo {

  /** Each stored key is its own value: it holds the answer (one object an answer, not a key and an entry). */
  private final Map<Key, Key> answers = new ConcurrentHashMap<>();
  private final AtomicInteger size = new AtomicInteger();
  private final int capacity;
  private final ThreadLocal<Key> probes = ThreadLocal.withInitial(Key::new);

  AnswerMemo(int capacity) {
    this.capacity = capacity;
  }

  /** The stored answer for the query's name and type, or null. Allocation-free. */
  PreparedAnswer get(FastQuery q) {
    Key probe = probes.get();
    probe.set(q.qnameLower(), q.qnameLength(), q.qnameHash(), q.qtype());
    Key e = answers.get(probe);
    probe.name = null;
    return e == null ? null : e.answer;
  }

  /**
   * Stores an answer for a canonical (lower-case) wire name.
   *
   * @param service the {@code name.namespace} of the only service the answer depends on, or null
   */
  void put(byte[] canonicalWire, int type, PreparedAnswer answer, String service) {
    if (answer == null || size.get() >= capacity) {
      return;
    }
    Key k = new Key();
    k.set(canonicalWire, canonicalWire.length, hash(canonicalWire), type);
    k.answer = answer;
    k.service = service;
    if (answers.putIfAbsent(k, k) == null) {
      size.incrementAndGet();
    }
  }

  /** Takes over the answers of {@code old} that depend on one service not in {@code changed}. */
  void carryFrom(AnswerMemo old, Set<String> changed) {
    old.answers.forEach((k, e) -> {
      if (e.service != null && !changed.contains(e.service) && size.get() < capacity) {
        answers.put(k, e);
        size.incrementAndGet();
      }
    });
  }

  int size() {
    return size.get();
  }

  /** The hash {@link FastQuery#qnameHash()} computes over the lower-cased wire name. */
  static int hash(byte[] wire) {
    int h = 1;
    int p = 0;
    while (p < wire.length && wire[p] != 0) {
      int len = wire[p];
      h = 31 * h + len;
      for (int i = 1; i <= len; i++) {
        h = 31 * h + wire[p + i];
      }
      p += len + 1;
    }
    return h;
  }

  /** A question (the probe of a lookup), or once stored, a question and its answer. */
  private static final class Key {
    private byte[] name;
    private int length;
    private int nameHash;
    private int type;
    private PreparedAnswer answer;
    /** The {@code name.namespace} of the only service the answer depends on, or null. */
    private String service;

    void set(byte[] name, int length, int nameHash, int type) {
      this.name = name;
      this.length = length;
      this.nameHash = nameHash;
      this.type = type;
    }

    @Override
    public int hashCode() {
      return nameHash * 31 + type;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && k.type == type
          && k.length == length
          && k.nameHash == nameHash
          && Arrays.equals(name, 0, length, k.name, 0, length);
    }
  }
}
