package io.nodecache.bench;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * {@link CacheHitBenchmark#hit} timed by the thread's CPU time and allocated bytes rather than the wall
 * clock, so that a machine shared with other work (where JMH's ns/op mostly measure the wait for a core)
 * still gives a comparable figure: {@code java -jar benchmarks.jar cachehit-cpu [ROUNDS [OPS]]} runs a
 * warm-up of ROUNDS rounds, then ROUNDS measured rounds of OPS hits (default 10 and 2,000,000), and
 * prints the CPU ns and bytes allocated per hit of each measured round, then their minimum and median.
 */
final class CacheHitCpu {

  private CacheHitCpu() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args));
  }

  static int run(String[] args) throws Exception {
    // as the JMH forks: Netty's sampled leak tracking would add its records to the hits measured
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      System.setProperty("io.netty.leakDetection.level", "disabled");
    }
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int ops = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    CacheHitBenchmark b = new CacheHitBenchmark();
    b.names = 100_000;
    b.exponent = 1.0;
    b.setup();
    try {
      double[] cpu = new double[rounds];
      double[] bytes = new double[rounds];
      long sink = 0;
      for (int r = -rounds; r < rounds; r++) {
        long c0 = threads.getCurrentThreadCpuTime();
        long a0 = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < ops; i++) {
          sink += b.hit();
        }
        long c1 = threads.getCurrentThreadCpuTime();
        long a1 = threads.getCurrentThreadAllocatedBytes();
        if (r >= 0) {
          cpu[r] = (double) (c1 - c0) / ops;
          bytes[r] = (double) (a1 - a0) / ops;
          System.out.printf("round %d: %.1f CPU ns/hit, %.3f B/hit%n", r + 1, cpu[r], bytes[r]);
        }
      }
      Arrays.sort(cpu);
      Arrays.sort(bytes);
      System.out.printf("cachehit-cpu: %d rounds of %d hits: CPU ns/hit min %.1f median %.1f; "
          + "allocated B/hit median %.3f (answer bytes %d)%n",
          rounds, ops, cpu[0], cpu[rounds / 2], bytes[rounds / 2], sink & 1);
    } finally {
      b.tearDown();
    }
    return 0;
  }
}
