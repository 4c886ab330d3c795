package io.nodecache.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The JMH benchmarks measure what they say: each operation of a small instance gives a real answer
 * (no timing is asserted here; times come from JMH runs).
 */
class BenchmarkSetupTest {

  @Test
  void fullChainHitsAnswerOnTheFastPathAndMissesRunTheWholeChain() throws Exception {
    FullChainBenchmark b = new FullChainBenchmark();
    b.names = 2_000;
    b.setup();
    try {
      for (int i = 0; i < 5_000; i++) {
        assertThat(b.hit()).isGreaterThan(40);
      }
      for (int i = 0; i < 5_000; i++) {
        assertThat(b.miss()).as("miss %d", i).isGreaterThan(40); // every new name answered (and none a hit)
      }
    } finally {
      b.tearDown();
    }
  }

  @Test
  void clusterViewAnswersEveryServiceOnBothPaths() throws Exception {
    ClusterViewBenchmark b = new ClusterViewBenchmark();
    b.services = 500;
    b.setup();
    try {
      for (int i = 0; i < 2_000; i++) {
        assertThat(b.fast()).isGreaterThan(40);
        assertThat(b.decoded()).isEqualTo(1); // one A record: the ClusterIP
      }
    } finally {
      b.tearDown();
    }
  }
}
