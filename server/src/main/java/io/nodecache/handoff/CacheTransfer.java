package io.nodecache.handoff;

import io.nodecache.cache.Cache;
import io.nodecache.cache.CacheHandoff;
import io.nodecache.chain.Chain;
import io.nodecache.chain.Handler;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The cache half of the hand-off: the old instance sends its caches' live entries as text lines, the
 * new one puts them in the cache of the same server block (label and zones), each with the lifetime it
 * had left, so it starts warm. When nobody took over, the same lines go to a file on stop, read on the
 * next start.
 *
 * <pre>
 * entry KEY KIND TTL FRESH-LEFT-NS KEEP-LEFT-NS DO CD ZONE SERVER ANSWER   (base64 for the strings)
 * end-cache COUNT
 * </pre>
 */
final class CacheTransfer {

  static final String REQUEST = "cache";
  static final String END = "end-cache";
  static final String SAVED = "saved";

  private CacheTransfer() {}

  private static List<Cache> caches(HandoffHost server) {
    List<Cache> out = new ArrayList<>();
    for (Chain c : server.chains()) {
      for (Handler h : c.handlers()) {
        if (h instanceof Cache cache) {
          out.add(cache);
        }
      }
    }
    return out;
  }

  /** Entries per piece {@link #encode(HandoffHost, Consumer)} hands to its sink. */
  static final int PIECE = 256;

  /**
   * Our caches' entries as text, {@link #PIECE} lines at a time to {@code sink}, then the end line:
   * pieces small enough to stay short-lived garbage in the young generation.
   */
  static void encode(HandoffHost server, Consumer<String> sink) {
    StringBuilder sb = new StringBuilder();
    int[] n = {0};
    for (Cache cache : caches(server)) {
      String key = b64(cache.handoffKey().getBytes(StandardCharsets.UTF_8));
      cache.handOver(
          h -> {
            sb.append("entry ").append(key).append(' ')
                .append(h.kind()).append(' ').append(h.ttl()).append(' ')
                .append(h.freshLeftNanos()).append(' ').append(h.keepLeftNanos()).append(' ')
                .append(h.dnssecOk() ? 1 : 0).append(' ').append(h.checkingDisabled() ? 1 : 0).append(' ')
                .append(b64(h.zone().getBytes(StandardCharsets.UTF_8))).append(' ')
                .append(b64(h.server().getBytes(StandardCharsets.UTF_8))).append(' ')
                .append(b64(h.answer())).append('\n');
            if (++n[0] % PIECE == 0) {
              sink.accept(sb.toString());
              sb.setLength(0);
            }
          });
    }
    sink.accept(sb.append(END).append(' ').append(n[0]).append('\n').toString());
  }

  /**
   * Puts the entries into the server's caches; lines that do not parse or name a cache the new
   * Corefile lacks are skipped. Returns how many entries were taken.
   */
  static int restore(HandoffHost server, List<String> lines) {
    return restore(server, lines, 0);
  }

  /**
   * Writes the caches to {@code file} (mode 0600), for the next instance when none takes over while
   * we run: a restart without overlap still starts warm.
   */
  static void save(HandoffHost server, Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      out.write(SAVED + " " + System.currentTimeMillis() + "\n");
      encode(server, piece -> {
        try {
          out.write(piece);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Reads and removes a file {@link #save} wrote, the time since it was written taken off every
   * entry's lifetime. Returns how many entries were taken (0 without a file).
   */
  static int load(HandoffHost server, Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    List<String> lines = Files.readAllLines(file);
    Files.delete(file); // read once: a later start must not take entries twice as old as they say
    if (lines.isEmpty() || !lines.get(0).startsWith(SAVED + " ")) {
      return 0;
    }
    long written;
    try {
      written = Long.parseLong(lines.get(0).substring(SAVED.length() + 1).trim());
    } catch (NumberFormatException e) {
      return 0;
    }
    long age = TimeUnit.MILLISECONDS.toNanos(Math.max(0, System.currentTimeMillis() - written));
    return restore(server, lines.subList(1, lines.size()), age);
  }

  private static int restore(HandoffHost server, List<String> lines, long ageNanos) {
    Map<String, List<CacheHandoff.Handed>> byCache = new HashMap<>();
    Base64.Decoder d = Base64.getDecoder();
    for (String line : lines) {
      String[] f = line.split(" ");
      if (f.length != 11 || !f[0].equals("entry")) {
        continue;
      }
      try {
        CacheHandoff.Handed h =
            new CacheHandoff.Handed(
                d.decode(f[10]), f[6].equals("1"), f[7].equals("1"), Integer.parseInt(f[2]),
                Integer.parseInt(f[3]), Long.parseLong(f[4]) - ageNanos, Long.parseLong(f[5]) - ageNanos,
                new String(d.decode(f[8]), StandardCharsets.UTF_8),
                new String(d.decode(f[9]), StandardCharsets.UTF_8));
        byCache.computeIfAbsent(new String(d.decode(f[1]), StandardCharsets.UTF_8), k -> new ArrayList<>()).add(h);
      } catch (IllegalArgumentException e) {
        // a line we cannot read: that entry stays behind
      }
    }
    int taken = 0;
    for (Cache cache : caches(server)) {
      taken += cache.takeOver(byCache.getOrDefault(cache.handoffKey(), List.of()));
    }
    return taken;
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }
}
