package io.nodecache.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded Zipf(s) sampling over {@code n} ranks by inverse CDF, with ranks scattered over the key space
 * by a fixed permutation (as the peer harness's query files are), for benchmark set-up only.
 */
public final class Zipf {

  private final double[] cumulative;
  private final int[] permutation;
  private final SplittableRandom random;

  public Zipf(int n, double s, long seed) {
    cumulative = new double[n];
    double sum = 0;
    for (int r = 0; r < n; r++) {
      sum += 1.0 / Math.pow(r + 1, s);
      cumulative[r] = sum;
    }
    random = new SplittableRandom(seed);
    permutation = new int[n];
    for (int i = 0; i < n; i++) {
      permutation[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = permutation[i];
      permutation[i] = permutation[j];
      permutation[j] = t;
    }
  }

  /** The next key in {@code [0, n)}. */
  public int next() {
    double u = random.nextDouble() * cumulative[cumulative.length - 1];
    int r = Arrays.binarySearch(cumulative, u);
    return permutation[r >= 0 ? r : Math.min(-r - 1, cumulative.length - 1)];
  }

  /** {@code count} keys drawn in sequence. */
  public int[] draw(int count) {
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = next();
    }
    return out;
  }
}
