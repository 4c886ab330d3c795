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

  private static final int COUNT = 256;

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

  private static int index(Object key) {
    int h = key.hashCode();
    h ^= h >>> 16;
    return h & (COUNT - 1);
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
