package io.nodecache.k8s;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An immutable map split into hash shards, changed by copy-on-write of the touched shards only: a view
 * update after one service changed copies a few small shards, not maps of the whole cluster. Readers
 * share a published instance freely; an {@link Editor} is used by one thread.
 */
final class Shards<K, V> {

  private static final int BITS = 8;
  private static final int COUNT = 1 << BITS;

  private final Map<K, V>[] shards;

  private Shards(Map<K, V>[] shards) {
    this.shards = shards;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static <K, V> Shards<K, V> empty() {
    Map<K, V>[] s = new Map[COUNT];
    for (int i = 0; i < COUNT; i++) {
      s[i] = Map.of();
    }
    return new Shards<>(s);
  }

  V get(K key) {
    return shards[index(key)].get(key);
  }

  /** Every value, shard by shard (no order). */
  void forEachValue(Consumer<V> action) {
    for (Map<K, V> m : shards) {
      m.values().forEach(action);
    }
  }

  int size() {
    int n = 0;
    for (Map<K, V> m : shards) {
      n += m.size();
    }
    return n;
  }

  Editor<K, V> edit() {
    return new Editor<>(shards.clone());
  }

  /**
   * The shard of a key: the top {@link #BITS} bits of its hash times a golden-ratio constant. Not the low bits:
   * each shard's HashMap picks buckets by the low bits of {@code h ^ (h >>> 16)}, so a shard chosen by
   * those same bits put all its keys into one bucket of every table up to 256 slots, and the buckets
   * became trees (a 56-byte TreeNode per entry instead of a 32-byte Node, and tree walks on lookup).
   */
  static int index(Object key) {
    return (key.hashCode() * 0x9E3779B9) >>> (32 - BITS);
  }

  /** Changes to a copy; shards are copied on their first write. */
  static final class Editor<K, V> {
    private final Map<K, V>[] shards;
    private final boolean[] copied = new boolean[COUNT];

    private Editor(Map<K, V>[] shards) {
      this.shards = shards;
    }

    V get(K key) {
      return shards[index(key)].get(key);
    }

    void put(K key, V value) {
      writable(index(key)).put(key, value);
    }

    V remove(K key) {
      int i = index(key);
      return shards[i].containsKey(key) ? writable(i).remove(key) : null;
    }

    private Map<K, V> writable(int i) {
      if (!copied[i]) {
        shards[i] = new HashMap<>(shards[i]);
        copied[i] = true;
      }
      return shards[i];
    }

    /** The new map; this editor must not be used afterwards. */
    Shards<K, V> done() {
      return new Shards<>(shards);
    }
  }
}
