package io.nodecache.k8s;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One full collection after a bulk load (a cluster snapshot, the informers' initial lists), so that the
 * heap the parsing needed goes back to the system instead of staying committed for the life of the
 * process: with SerialGC and {@code -XX:-ShrinkHeapInSteps} the heap shrinks only at a full collection,
 * and a quiet DNS cache may never run one. After a large snapshot most of the committed heap is the
 * parser's garbage, so one pause at start returns it for good.
 */
public final class HeapCompaction {

  private static final Logger log = LoggerFactory.getLogger(HeapCompaction.class);

  /**
   * Below this much committed heap a full collection is not worth its pause (what a load leaves behind
   * is mostly garbage, which {@link Runtime#freeMemory()} does not tell apart from live data).
   */
  static final long THRESHOLD = 48L << 20;

  private HeapCompaction() {}

  /** Collects if at least {@link #THRESHOLD} of heap is committed; returns whether it did. */
  public static boolean afterBulkLoad(String what) {
    Runtime rt = Runtime.getRuntime();
    long committed = rt.totalMemory();
    if (committed < THRESHOLD) {
      return false;
    }
    long start = System.nanoTime();
    System.gc();
    long after = rt.totalMemory();
    log.info(
        "heap after {}: {} MiB committed -> {} MiB ({} MiB in use), full collection in {} ms",
        what,
        committed >> 20,
        after >> 20,
        (after - rt.freeMemory()) >> 20,
        (System.nanoTime() - start) / 1_000_000);
    return true;
  }
}
