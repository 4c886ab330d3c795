package io.nodecache.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** The shard maps of the view: keys spread over their buckets, and copy-on-write leaves old maps alone. */
class ShardsTest {

  /** HashMap turns a bucket into a tree (56-byte nodes, slower lookups) at 8 entries. */
  private static final int TREEIFY_THRESHOLD = 8;

  @Test
  void neighbouringAddressesAndServiceNamesDoNotPileUpInOneBucket() {
    // the reverse index of bench/cluster.sh's 10,000 Services: cluster IPs and 5 endpoint ranges
    assertSpread(70_000, i -> Ip.parse(i < 10_000
        ? "10.96." + (1 + i / 250) + "." + (1 + i % 250)
        : "10." + (100 + i / 10_000) + "." + ((i % 10_000) >> 8) + "." + (i & 255)));
    assertSpread(10_000, i -> "svc" + i + ".ns" + i % 100);
  }

  private static void assertSpread(int count, IntFunction<Object> key) {
    List<List<Object>> shards = new ArrayList<>();
    for (int s = 0; s < 256; s++) {
      shards.add(new ArrayList<>());
    }
    for (int i = 0; i < count; i++) {
      Object k = key.apply(i);
      shards.get(Shards.index(k)).add(k);
    }
    int worst = 0;
    for (List<Object> keys : shards) {
      int table = Integer.highestOneBit(Math.max(1, (int) (keys.size() / 0.75f)) * 2 - 1);
      Map<Integer, Integer> buckets = new HashMap<>();
      for (Object k : keys) {
        int h = k.hashCode();
        buckets.merge((h ^ (h >>> 16)) & (Math.max(16, table) - 1), 1, Integer::sum);
      }
      worst = Math.max(worst, buckets.values().stream().mapToInt(Integer::intValue).max().orElse(0));
    }
    assertThat(worst).as("most keys in one bucket of a shard's HashMap").isLessThan(TREEIFY_THRESHOLD);
  }

  @Test
  void anEditLeavesThePublishedMapAlone() {
    Shards.Editor<String, Integer> e = Shards.<String, Integer>empty().edit();
    for (int i = 0; i < 1000; i++) {
      e.put("k" + i, i);
    }
    Shards<String, Integer> first = e.done();
    Shards.Editor<String, Integer> e2 = first.edit();
    e2.put("k1", -1);
    assertThat(e2.remove("k2")).isEqualTo(2);
    assertThat(e2.remove("absent")).isNull();
    Shards<String, Integer> second = e2.done();

    assertThat(first.get("k1")).isEqualTo(1);
    assertThat(first.get("k2")).isEqualTo(2);
    assertThat(first.size()).isEqualTo(1000);
    assertThat(second.get("k1")).isEqualTo(-1);
    assertThat(second.get("k2")).isNull();
    assertThat(second.size()).isEqualTo(999);
  }
}
