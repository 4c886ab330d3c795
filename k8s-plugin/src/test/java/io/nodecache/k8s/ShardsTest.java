package io.nodecache.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** The shard maps of the view: keys spread over their slots, edits match a HashMap and leave old maps alone. */
class ShardsTest {

  @Test
  void neighbouringAddressesAndServiceNamesDoNotPileUp() {
    // the reverse index of bench/cluster.sh's 10,000 Services: cluster IPs and 5 endpoint ranges that
    // share their low 16 bits
    assertShortProbes(70_000, i -> Ip.parse(i < 10_000
        ? "10.96." + (1 + i / 250) + "." + (1 + i % 250)
        : "10." + (100 + i / 10_000) + "." + ((i % 10_000) >> 8) + "." + (i & 255)));
    assertShortProbes(10_000, i -> "svc" + i + ".ns" + i % 100);
  }

  private static void assertShortProbes(int count, IntFunction<Object> key) {
    Shards.Editor<Object, Integer> e = Shards.<Object, Integer>empty().edit();
    for (int i = 0; i < count; i++) {
      e.put(key.apply(i), i);
    }
    Shards<Object, Integer> s = e.done();
    assertThat(s.size()).isEqualTo(count);
    for (int i = 0; i < count; i += 997) {
      assertThat(s.get(key.apply(i))).isEqualTo(i);
    }
    // linear probing three quarters full with a well-mixed hash: runs of a few slots; keys that share
    // their hash's bits under the shard bits would make runs of hundreds
    assertThat(s.longestProbe()).as("longest distance of a key from its first slot").isLessThan(48);
  }

  @Test
  void randomEditsMatchAHashMap() {
    SplittableRandom random = new SplittableRandom(7);
    Map<Ip, Integer> expected = new HashMap<>();
    Shards<Ip, Integer> current = Shards.empty();
    List<Shards<Ip, Integer>> published = new ArrayList<>();
    List<Map<Ip, Integer>> snapshots = new ArrayList<>();
    for (int round = 0; round < 40; round++) {
      Shards.Editor<Ip, Integer> e = current.edit();
      for (int op = 0; op < 500; op++) {
        Ip ip = Ip.parse("10.0." + random.nextInt(8) + "." + random.nextInt(256));
        if (random.nextInt(3) == 0) {
          assertThat(e.remove(ip)).isEqualTo(expected.remove(ip));
        } else {
          int v = random.nextInt();
          e.put(ip, v);
          expected.put(ip, v);
        }
      }
      current = e.done();
      published.add(current);
      snapshots.add(new HashMap<>(expected));
    }
    for (int r = 0; r < published.size(); r++) { // every published map still holds what it held
      Shards<Ip, Integer> s = published.get(r);
      Map<Ip, Integer> m = snapshots.get(r);
      assertThat(s.size()).isEqualTo(m.size());
      for (int a = 0; a < 8 * 256; a++) {
        Ip ip = Ip.parse("10.0." + (a >> 8) + "." + (a & 255));
        assertThat(s.get(ip)).as("round %d, %s", r, ip).isEqualTo(m.get(ip));
      }
      List<Integer> values = new ArrayList<>();
      s.forEachValue(values::add);
      assertThat(values).containsExactlyInAnyOrderElementsOf(m.values());
    }
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
