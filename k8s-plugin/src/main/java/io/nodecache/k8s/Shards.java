package io.nodecache.k8s;

import java.util.function.Consumer;

/**
 * An immutable map split into hash shards, changed by copy-on-write of the touched shards only: a view
 * update after one service changed copies a few small shards, not maps of the whole cluster. Readers
 * share a published instance freely; an {@link Editor} is used by one thread.
 *
 * <p>Each shard is one open-addressed array (linear probing, key at {@code 2i}, value at {@code 2i + 1},
 * at most three quarters full), not a HashMap: no node object per entry. A 10,000-Service view holds
 * 70,000 entries (one per service, one per cluster IP and endpoint address); a HashMap spent about 33 B
 * on each (a 24-byte node and its table slots), the array spends 11 to 21 B.
 */
final class Shards<K, V> {

  private static final int BITS = 8;
  private static final int COUNT = 1 << BITS;
  /** A shard with one slot and no key: lookups stop at once; the first put grows it. */
  private static final Object[] EMPTY = new Object[2];

  private final Object[][] shards;
  private final int[] sizes;

  private Shards(Object[][] shards, int[] sizes) {
    this.shards = shards;
    this.sizes = sizes;
  }

  static <K, V> Shards<K, V> empty() {
    Object[][] s = new Object[COUNT][];
    for (int i = 0; i < COUNT; i++) {
      s[i] = EMPTY;
    }
    return new Shards<>(s, new int[COUNT]);
  }

  V get(K key) {
    int h = mix(key);
    return find(shards[h >>> (32 - BITS)], key, h);
  }

  /** Every value, shard by shard (no order). */
  @SuppressWarnings("unchecked")
  void forEachValue(Consumer<V> action) {
    for (Object[] t : shards) {
      for (int i = 0; i < t.length; i += 2) {
        if (t[i] != null) {
          action.accept((V) t[i + 1]);
        }
      }
    }
  }

  int size() {
    int n = 0;
    for (int s : sizes) {
      n += s;
    }
    return n;
  }

  /** The longest distance of a key from its first probe, over all shards (for tests). */
  int longestProbe() {
    int worst = 0;
    for (Object[] t : shards) {
      int mask = (t.length >> 1) - 1;
      for (int i = 0; i <= mask; i++) {
        if (t[2 * i] != null) {
          worst = Math.max(worst, (i - start(mix(t[2 * i]), mask)) & mask);
        }
      }
    }
    return worst;
  }

  Editor<K, V> edit() {
    return new Editor<>(shards.clone(), sizes.clone());
  }

  /** The hash times a golden-ratio constant: its top bits pick the shard, the bits below the slot. */
  private static int mix(Object key) {
    return key.hashCode() * 0x9E3779B9;
  }

  /**
   * The shard of a key: the top {@link #BITS} bits of the mixed hash (not the low bits, which are the
   * least mixed, and neighbouring addresses share their high ones).
   */
  static int index(Object key) {
    return mix(key) >>> (32 - BITS);
  }

  /** The first slot probed: the mixed hash's bits just below the shard bits. */
  private static int start(int h, int mask) {
    return Integer.rotateLeft(h, BITS + Integer.bitCount(mask)) & mask;
  }

  @SuppressWarnings("unchecked")
  private static <V> V find(Object[] t, Object key, int h) {
    int mask = (t.length >> 1) - 1;
    for (int i = start(h, mask); ; i = (i + 1) & mask) {
      Object k = t[2 * i];
      if (k == null) {
        return null;
      }
      if (k.equals(key)) {
        return (V) t[2 * i + 1];
      }
    }
  }

  /** Changes to a copy; shards are copied on their first write. */
  static final class Editor<K, V> {
    private final Object[][] shards;
    private final int[] sizes;
    private final boolean[] copied = new boolean[COUNT];

    private Editor(Object[][] shards, int[] sizes) {
      this.shards = shards;
      this.sizes = sizes;
    }

    V get(K key) {
      int h = mix(key);
      return find(shards[h >>> (32 - BITS)], key, h);
    }

    void put(K key, V value) {
      int h = mix(key);
      int s = h >>> (32 - BITS);
      Object[] t = shards[s];
      if ((sizes[s] + 1) * 4 > (t.length >> 1) * 3) {
        t = grown(t, sizes[s] + 1);
        shards[s] = t;
        copied[s] = true;
      } else {
        t = writable(s);
      }
      int mask = (t.length >> 1) - 1;
      for (int i = start(h, mask); ; i = (i + 1) & mask) {
        Object k = t[2 * i];
        if (k == null) {
          t[2 * i] = key;
          t[2 * i + 1] = value;
          sizes[s]++;
          return;
        }
        if (k.equals(key)) {
          t[2 * i + 1] = value;
          return;
        }
      }
    }

    @SuppressWarnings("unchecked")
    V remove(K key) {
      int h = mix(key);
      int s = h >>> (32 - BITS);
      Object[] t = shards[s];
      int mask = (t.length >> 1) - 1;
      int i = start(h, mask);
      for (; ; i = (i + 1) & mask) {
        Object k = t[2 * i];
        if (k == null) {
          return null;
        }
        if (k.equals(key)) {
          break;
        }
      }
      t = writable(s);
      V old = (V) t[2 * i + 1];
      // Backward-shift deletion: move later keys of the run into the gap when their first probe
      // lies at or before it, so that every lookup still finds its key before an empty slot.
      int gap = i;
      for (int j = (i + 1) & mask; t[2 * j] != null; j = (j + 1) & mask) {
        int home = start(mix(t[2 * j]), mask);
        if (((j - home) & mask) >= ((j - gap) & mask)) {
          t[2 * gap] = t[2 * j];
          t[2 * gap + 1] = t[2 * j + 1];
          gap = j;
        }
      }
      t[2 * gap] = null;
      t[2 * gap + 1] = null;
      sizes[s]--;
      return old;
    }

    private Object[] writable(int s) {
      if (!copied[s]) {
        shards[s] = shards[s].clone();
        copied[s] = true;
      }
      return shards[s];
    }

    /** A new array for {@code size} entries at most three quarters full, holding the keys of {@code t}. */
    private static Object[] grown(Object[] t, int size) {
      int slots = 4;
      while (size * 4 > slots * 3) {
        slots <<= 1;
      }
      Object[] out = new Object[2 * slots];
      int mask = slots - 1;
      for (int i = 0; i < t.length; i += 2) {
        if (t[i] != null) {
          int j = start(mix(t[i]), mask);
          while (out[2 * j] != null) {
            j = (j + 1) & mask;
          }
          out[2 * j] = t[i];
          out[2 * j + 1] = t[i + 1];
        }
      }
      return out;
    }

    /** The new map; this editor must not be used afterwards. */
    Shards<K, V> done() {
      return new Shards<>(shards, sizes);
    }
  }
}
