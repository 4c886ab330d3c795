package io.nodecache.server.warmup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lower CPU priority (a higher nice value) for this process while it starts and warms up beside the
 * instance that still serves the node's DNS ({@code -warmup-nice}). A second JVM starting, loading its
 * classes and compiling its hot paths takes every core it can get; at the same nice value the serving
 * instance waits for CPU behind it, and its answers slow down for the seconds the new one needs. With
 * the new one niced, the scheduler runs the serving instance first whenever it has a packet, and the
 * new one still gets every idle cycle.
 *
 * <p>Linux keeps a nice value per thread, and a thread starts with its creator's: so every thread this
 * process has is lowered, and the ones it makes afterwards inherit the lower value. At {@link #restore}
 * (the take-over, or the news that nobody serves) every thread gets its first value back, checked and
 * retried for threads made meanwhile. Going back up needs CAP_SYS_NICE (root has it; the DaemonSet adds
 * it): without it the priority is never lowered, since it could not come back and the node's DNS would
 * then run at the lower priority for good. The nice values are set with util-linux's {@code renice},
 * as Java has no call for it.
 */
public final class WarmupPriority {

  private static final Logger log = LoggerFactory.getLogger(WarmupPriority.class);
  private static final int CAP_SYS_NICE = 23;
  private static final Path TASKS = Path.of("/proc/self/task");

  private final int original;
  private final int lowered;
  private final String renice;

  private WarmupPriority(int original, int lowered, String renice) {
    this.original = original;
    this.lowered = lowered;
    this.renice = renice;
  }

  /** What was done, for the log and the tests: the nice values, or why nothing changed. */
  public record Outcome(boolean changed, int from, int to, int threads, String reason) {
    @Override
    public String toString() {
      return changed ? "nice " + from + " -> " + to + " for " + threads + " threads" : reason;
    }
  }

  private static final WarmupPriority NONE = new WarmupPriority(0, 0, "");

  /**
   * Lowers every thread's priority by {@code by} nice steps (capped at 19), or does nothing (with one
   * log line saying why) when {@code by} is 0, the process cannot raise it back, or {@code renice} is
   * missing.
   */
  public static WarmupPriority lower(int by) {
    if (by <= 0) {
      return NONE;
    }
    OptionalInt nice = nice(TASKS.resolve(String.valueOf(ProcessHandle.current().pid())));
    if (nice.isEmpty()) {
      log.info("warm-up priority unchanged: no /proc/self/task (not Linux)");
      return NONE;
    }
    if (!hasCapability(CAP_SYS_NICE)) {
      log.info("warm-up priority unchanged: without CAP_SYS_NICE it could not be raised back after the take-over");
      return NONE;
    }
    String renice = Stream.of("/usr/bin/renice", "/bin/renice").filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse("");
    if (renice.isEmpty()) {
      log.info("warm-up priority unchanged: no renice (util-linux) in /usr/bin or /bin");
      return NONE;
    }
    WarmupPriority p = new WarmupPriority(nice.getAsInt(), Math.min(19, nice.getAsInt() + by), renice);
    Outcome o = p.set(p.original, p.lowered);
    log.info("warm-up priority: {}", o);
    return p; // even a partial change is undone by restore()
  }

  /** Every thread back at the nice value it had before {@link #lower}; nothing if nothing was lowered. */
  public Outcome restore() {
    if (this == NONE) {
      return new Outcome(false, 0, 0, 0, "priority was not lowered");
    }
    Outcome o = set(lowered, original);
    log.info("warm-up priority back: {}", o);
    return o;
  }

  /** Sets {@code target} on every thread not at it, up to three passes for threads made meanwhile. */
  private Outcome set(int from, int target) {
    int done = 0;
    for (int pass = 0; pass < 3; pass++) {
      List<String> off = threadsNotAt(target);
      if (off.isEmpty()) {
        return new Outcome(true, from, target, done, "");
      }
      List<String> cmd = new ArrayList<>(List.of(renice, "--priority", String.valueOf(target), "-p"));
      cmd.addAll(off);
      try {
        Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!proc.waitFor(5, TimeUnit.SECONDS) || (proc.exitValue() != 0 && threadsNotAt(target).size() == off.size())) {
          return new Outcome(false, from, target, done, "renice failed: " + out.strip());
        }
      } catch (IOException e) {
        return new Outcome(false, from, target, done, "renice failed: " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Outcome(false, from, target, done, "interrupted");
      }
      done += off.size();
    }
    List<String> off = threadsNotAt(target);
    return off.isEmpty()
        ? new Outcome(true, from, target, done, "")
        : new Outcome(false, from, target, done, off.size() + " threads not at nice " + target);
  }

  /** This process's threads whose nice value is not {@code target} (threads gone meanwhile skipped). */
  static List<String> threadsNotAt(int target) {
    List<String> out = new ArrayList<>();
    try (Stream<Path> tasks = Files.list(TASKS)) {
      tasks.forEach(
          t -> {
            OptionalInt n = nice(t);
            if (n.isPresent() && n.getAsInt() != target) {
              out.add(t.getFileName().toString());
            }
          });
    } catch (IOException e) {
      // no /proc: nothing to report
    }
    return out;
  }

  /** The nice value of one thread, from field 19 of its {@code stat} (after the parenthesised name). */
  static OptionalInt nice(Path task) {
    try {
      String stat = Files.readString(task.resolve("stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return OptionalInt.of(Integer.parseInt(f[16]));
    } catch (IOException | RuntimeException e) {
      return OptionalInt.empty();
    }
  }

  /** Whether the effective capability set ({@code CapEff} in /proc/self/status) holds {@code bit}. */
  static boolean hasCapability(int bit) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("CapEff:")) {
          return (Long.parseUnsignedLong(line.substring(7).trim(), 16) >>> bit & 1) == 1;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux: no capability
    }
    return false;
  }
}
