package io.nodecache.nsid;

import io.nodecache.chain.Handler;
import io.nodecache.chain.PluginContext;
import io.nodecache.chain.PluginFactory;
import io.nodecache.config.ConfigException;
import io.nodecache.config.Directive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code nsid [DATA...]}, no block. */
public final class NsidPluginFactory implements PluginFactory {

  @Override
  public String name() {
    return "nsid";
  }

  @Override
  public Handler create(Directive d, PluginContext ctx) throws ConfigException {
    d.expectNoBlock();
    String data = d.args().isEmpty() ? hostname(ctx) : String.join(" ", d.args());
    byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > 65535 - 4) {
      throw d.error("DATA is " + bytes.length + " bytes, more than an EDNS option holds");
    }
    return new Nsid(bytes);
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
}
