package io.nodecache.chaos;

import io.nodecache.chain.Handler;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

/** {@code chaos [VERSION] [AUTHORS...]}, no block. */
public final class ChaosPluginFactory implements PluginFactory {

  /** Our answer to version.bind without VERSION (CoreDNS gives {@code CoreDNS-1.x.y}). */
  static final String DEFAULT_VERSION = "nodecache";
  /** Our answer to authors.bind without AUTHORS (CoreDNS lists its maintainers). */
  static final List<String> DEFAULT_AUTHORS = List.of("nodecache");

  @Override
  public String name() {
    return "chaos";
  }

  @Override
  public Handler create(Directive d, PluginContext ctx) throws ConfigException {
    d.expectNoBlock();
    String version = d.args().isEmpty() ? DEFAULT_VERSION : d.arg(0);
    List<String> authors = DEFAULT_AUTHORS;
    if (d.args().size() > 1) {
      TreeSet<String> sorted = new TreeSet<>();
      for (String a : d.args().subList(1, d.args().size())) {
        sorted.add(trim(a));
      }
      authors = List.copyOf(sorted);
    }
    return new Chaos(trim(version), authors, trim(hostname(ctx)));
  }

  /** As Go's os.Hostname on Linux: the kernel's host name; else $HOSTNAME; else localhost. */
  static String hostname(PluginContext ctx) {
    try {
      String h = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
      if (!h.isEmpty()) {
        return h;
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: fall back below
    }
    String h = ctx.env().get("HOSTNAME");
    return h == null || h.isBlank() ? "localhost" : h;
  }

  /** A TXT string holds at most 255 bytes; CoreDNS cuts at 255 characters. */
  static String trim(String s) {
    return s.length() < 256 ? s : s.substring(0, 255);
  }
}
