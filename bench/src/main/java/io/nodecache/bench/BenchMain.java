package io.nodecache.bench;

import io.nodecache.bench.load.LoadMain;
import java.util.Arrays;
import org.openjdk.jmh.Main;

/**
 * Entry point of {@code benchmarks.jar}: {@code load ...} runs the load generator, {@code cachehit-cpu}
 * the cache-hit path timed by CPU time ({@link CacheHitCpu}), anything else goes to JMH's own command
 * line.
 */
public final class BenchMain {

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("load")) {
      System.exit(LoadMain.run(Arrays.copyOfRange(args, 1, args.length)));
    }
    if (args.length > 0 && args[0].equals("cachehit-cpu")) {
      System.exit(CacheHitCpu.run(Arrays.copyOfRange(args, 1, args.length)));
    }
    Main.main(args);
  }
}
