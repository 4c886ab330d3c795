package io.nodecache.node;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs real binaries ({@code ip}, {@code iptables-save}, {@code nft}, ...) with a timeout and their
 * output captured; optionally inside a network namespace by prefixing {@code ip netns exec NAME}.
 */
public final class CommandRunner {

  /** Outcome of one command: exit code (-1 on timeout), captured stdout and stderr. */
  public record Result(List<String> argv, int exitCode, String stdout, String stderr) {

    public boolean ok() {
      return exitCode == 0;
    }

    /** True when the binary itself could not be started (missing from PATH). */
    public boolean binaryMissing() {
      return exitCode == NOT_FOUND
          // ip netns exec reports a failed execvp with its own words and exit status 1 or 255
          || (exitCode != 0 && stderr.startsWith("exec of \"") && stderr.contains("No such file"));
    }

    /** The first non-blank line of stderr (or stdout), for one-line error messages. */
    public String firstErrorLine() {
      for (String text : List.of(stderr, stdout)) {
        for (String line : text.split("\n")) {
          if (!line.isBlank()) {
            return line.strip();
          }
        }
      }
      return "exit status " + exitCode;
    }

    /** The command as a shell would show it, for logs. */
    public String command() {
      return String.join(" ", argv);
    }
  }

  static final int NOT_FOUND = 127;
  static final int TIMED_OUT = -1;

  private final List<String> prefix;
  private final Duration timeout;

  private CommandRunner(List<String> prefix, Duration timeout) {
    this.prefix = List.copyOf(prefix);
    this.timeout = timeout;
  }

  /** Runs commands in the current network namespace. */
  public static CommandRunner host(Duration timeout) {
    return new CommandRunner(List.of(), timeout);
  }

  /** Runs every command as {@code ip netns exec NAME ...} (tests, or managing another namespace). */
  public static CommandRunner inNamespace(String netns, Duration timeout) {
    return new CommandRunner(List.of("ip", "netns", "exec", netns), timeout);
  }

  /** Runs every command behind {@code prefix} (e.g. {@code setpriv} to drop privileges in tests). */
  static CommandRunner withPrefix(List<String> prefix, Duration timeout) {
    return new CommandRunner(prefix, timeout);
  }

  /** False when commands run in another network namespace ({@link #inNamespace}) than this process. */
  public boolean inOwnNetworkNamespace() {
    return !(prefix.size() >= 2 && prefix.get(0).equals("ip") && prefix.get(1).equals("netns"));
  }

  public Result run(String... argv) {
    return run(List.of(argv), null);
  }

  /** Runs {@code argv}, writing {@code stdin} (when not null) to its standard input. */
  public Result run(List<String> argv, String stdin) {
    List<String> full = new ArrayList<>(prefix);
    full.addAll(argv);
    Process process;
    try {
      process = new ProcessBuilder(full).start();
    } catch (IOException e) {
      return new Result(argv, NOT_FOUND, "", argv.get(0) + ": " + e.getMessage());
    }
    Drain out = Drain.start(process.getInputStream());
    Drain err = Drain.start(process.getErrorStream());
    try (OutputStream in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // The process exited before reading its input; its exit status and stderr tell why.
    }
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        return new Result(argv, TIMED_OUT, out.text(), "timed out after " + timeout + ": " + err.text());
      }
      return new Result(argv, process.exitValue(), out.text(), err.text());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      return new Result(argv, TIMED_OUT, out.text(), "interrupted");
    }
  }

  /** Copies one stream of the child into memory on a daemon thread, so neither pipe can fill up. */
  private static final class Drain implements Runnable {
    private final InputStream stream;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Thread thread;

    private Drain(InputStream stream) {
      this.stream = stream;
      this.thread = new Thread(this, "nodecache-cmd-drain");
      thread.setDaemon(true);
    }

    static Drain start(InputStream stream) {
      Drain drain = new Drain(stream);
      drain.thread.start();
      return drain;
    }

    @Override
    public void run() {
      try (stream) {
        stream.transferTo(bytes);
      } catch (IOException e) {
        // Stream closed when the process was killed; what was read so far is kept.
      }
    }

    String text() {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }
}
