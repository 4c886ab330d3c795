package io.nodecache.bench.load;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one load run does: target, transport, where the queries come from, the loop (closed: fixed
 * outstanding queries; open: target rate), and its bounds (duration and count, both always set).
 *
 * @param outstanding closed loop: queries kept in flight over all clients; 0 in open loop
 * @param rate open loop: queries per second over all clients; 0 in closed loop
 * @param count most queries ever sent
 */
public record LoadOptions(
    InetSocketAddress server,
    boolean tcp,
    int clients,
    int threads,
    Path file,
    List<String> inline,
    String genPattern,
    int genCount,
    String genType,
    int outstanding,
    long rate,
    Duration duration,
    long count,
    Duration timeout,
    List<String> expect,
    boolean edns,
    boolean dnssecOk,
    Path json,
    boolean quiet) {

  /** Default upper bound on the number of queries when {@code --count} is not given. */
  public static final long DEFAULT_COUNT = 100_000_000L;

  static final String USAGE =
      """
      usage: java -jar benchmarks.jar load --server HOST:PORT [options]
        queries (one of):
          --file FILE            dnsperf query file: 'NAME TYPE' per line (TYPE defaults to A; # comments)
          --query 'NAME TYPE'    an inline query (repeatable)
          --gen PATTERN          generated names, %d replaced by 0..N-1 (e.g. h%d.bench.test)
            --gen-count N        (default 1000)   --type TYPE (default A)
        transport:
          --tcp                  DNS over TCP, pipelined on --clients connections (default UDP)
          --clients N            UDP sockets / TCP connections (default 4)
          --threads N            event-loop threads (default 1)
          --edns / --do          add an EDNS0 OPT (1232 bytes) / with the DO bit
        loop (one of):
          --outstanding N        closed loop: N queries in flight (default 100)
          --rate QPS             open loop: send at this rate whatever the answers
        bounds (both always apply; the run stops at the first):
          --duration D           sending time, e.g. 10s, 500ms (default 10s)
          --count N              most queries sent (default 100000000)
          --timeout D            per-query timeout (default 2s); the run ends at most this long after sending stops
        report:
          --expect RCODES        expected rcodes, comma separated (default NOERROR); others count as unexpected
          --json FILE            also write the report as JSON
          --quiet                no text report
        The server must be a loopback address (127.0.0.0/8, ::1).
      """;

  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)?");

  /** Parses command-line arguments (after the {@code load} word). */
  public static LoadOptions parse(String[] args) {
    InetSocketAddress server = null;
    boolean tcp = false;
    int clients = 4;
    int threads = 1;
    Path file = null;
    List<String> inline = new ArrayList<>();
    String gen = null;
    int genCount = 1000;
    String genType = "A";
    Integer outstanding = null;
    long rate = 0;
    Duration duration = Duration.ofSeconds(10);
    long count = DEFAULT_COUNT;
    Duration timeout = Duration.ofSeconds(2);
    List<String> expect = List.of("NOERROR");
    boolean edns = false;
    boolean dnssecOk = false;
    Path json = null;
    boolean quiet = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--server" -> server = address(value(args, ++i, a));
        case "--tcp" -> tcp = true;
        case "--udp" -> tcp = false;
        case "--clients" -> clients = (int) number(value(args, ++i, a), a, 1, 4096);
        case "--threads" -> threads = (int) number(value(args, ++i, a), a, 1, 64);
        case "--file" -> file = Path.of(value(args, ++i, a));
        case "--query" -> inline.add(value(args, ++i, a));
        case "--gen" -> gen = value(args, ++i, a);
        case "--gen-count" -> genCount = (int) number(value(args, ++i, a), a, 1, 10_000_000);
        case "--type" -> genType = value(args, ++i, a);
        case "--outstanding" -> outstanding = (int) number(value(args, ++i, a), a, 1, 1_000_000);
        case "--rate" -> rate = number(value(args, ++i, a), a, 1, 10_000_000);
        case "--duration" -> duration = duration(value(args, ++i, a), a);
        case "--count" -> count = number(value(args, ++i, a), a, 1, Long.MAX_VALUE);
        case "--timeout" -> timeout = duration(value(args, ++i, a), a);
        case "--expect" -> expect = List.of(value(args, ++i, a).toUpperCase(Locale.ROOT).split(","));
        case "--edns" -> edns = true;
        case "--do" -> {
          edns = true;
          dnssecOk = true;
        }
        case "--json" -> json = Path.of(value(args, ++i, a));
        case "--quiet" -> quiet = true;
        default -> throw new IllegalArgumentException("unknown option '" + a + "'");
      }
    }
    if (server == null) {
      throw new IllegalArgumentException("--server HOST:PORT is required");
    }
    int sources = (file != null ? 1 : 0) + (inline.isEmpty() ? 0 : 1) + (gen != null ? 1 : 0);
    if (sources != 1) {
      throw new IllegalArgumentException("give exactly one of --file, --query, --gen");
    }
    if (gen != null && !gen.contains("%d")) {
      throw new IllegalArgumentException("--gen: '" + gen + "' has no %d");
    }
    if (outstanding != null && rate > 0) {
      throw new IllegalArgumentException("--outstanding and --rate exclude each other");
    }
    int out = rate > 0 ? 0 : outstanding == null ? 100 : outstanding;
    if (out > 0 && out < clients) {
      clients = out; // every client keeps at least one query in flight
    }
    if (duration.isZero() || timeout.isZero()) {
      throw new IllegalArgumentException("--duration and --timeout must be positive");
    }
    for (String e : expect) {
      Rcodes.value(e);
    }
    return new LoadOptions(
        server, tcp, clients, threads, file, List.copyOf(inline), gen, genCount, genType, out, rate,
        duration, count, timeout, List.copyOf(expect), edns, dnssecOk, json, quiet);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static long number(String v, String option, long min, long max) {
    try {
      long n = Long.parseLong(v.replace("_", ""));
      if (n < min || n > max) {
        throw new IllegalArgumentException(option + ": " + v + " (expected: " + min + ".." + max + ")");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": '" + v + "' is not a number");
    }
  }

  /** {@code 10s}, {@code 500ms}, {@code 2m}; a bare number counts as seconds. */
  static Duration duration(String v, String option) {
    Matcher m = DURATION.matcher(v);
    if (!m.matches()) {
      throw new IllegalArgumentException(option + ": '" + v + "' is not a duration (e.g. 10s, 500ms)");
    }
    double n = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double ms =
        switch (unit) {
          case "ms" -> n;
          case "m" -> n * 60_000;
          default -> n * 1000;
        };
    return Duration.ofNanos((long) (ms * 1_000_000));
  }

  /** HOST:PORT or [V6]:PORT; only loopback targets are accepted. */
  static InetSocketAddress address(String hp) {
    String host;
    String port;
    if (hp.startsWith("[")) {
      int close = hp.indexOf("]:");
      if (close < 0) {
        throw new IllegalArgumentException("--server: '" + hp + "' (expected: [V6]:PORT)");
      }
      host = hp.substring(1, close);
      port = hp.substring(close + 2);
    } else {
      int colon = hp.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("--server: '" + hp + "' (expected: HOST:PORT)");
      }
      host = hp.substring(0, colon);
      port = hp.substring(colon + 1);
    }
    InetAddress ip;
    try {
      ip = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--server: unknown host '" + host + "'");
    }
    if (!ip.isLoopbackAddress()) {
      throw new IllegalArgumentException("--server: " + host + " is not a loopback address");
    }
    return new InetSocketAddress(ip, (int) number(port, "--server port", 1, 65535));
  }
}
