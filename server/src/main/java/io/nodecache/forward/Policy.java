package io.nodecache.forward;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** The order in which upstreams are tried for one query (CoreDNS {@code policy}). */
public enum Policy {
  RANDOM,
  ROUND_ROBIN,
  SEQUENTIAL;

  /**
   * Fills {@code order} with the indexes 0..n-1 in this policy's order.
   *
   * @param turn the round-robin counter shared by one forwarder
   */
  void order(int[] order, AtomicInteger turn) {
    int n = order.length;
    switch (this) {
      case SEQUENTIAL -> {
        for (int i = 0; i < n; i++) {
          order[i] = i;
        }
      }
      case ROUND_ROBIN -> {
        int start = Math.floorMod(turn.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
          order[i] = (start + i) % n;
        }
      }
      default -> {
        // Fisher-Yates
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int i = 0; i < n; i++) {
          order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
          int j = rnd.nextInt(i + 1);
          int t = order[i];
          order[i] = order[j];
          order[j] = t;
        }
      }
    }
  }
}
