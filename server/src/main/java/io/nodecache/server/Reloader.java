package io.nodecache.server;

import io.nodecache.config.ConfigException;
import io.nodecache.config.Corefile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CoreDNS's {@code reload}: checks the Corefile's SHA-512 every interval ± jitter and applies a changed
 * file; SIGUSR1 applies it at once. With {@code -kubednscm} the ConfigMap directory is watched the same
 * way (node-cache polls it every 10 s). A bad file is logged and counted; the old config keeps serving.
 */
public final class Reloader {

  private static final Logger log = LoggerFactory.getLogger(Reloader.class);

  private final NodeCache server;
  private final ConfigSource source;
  private final ScheduledExecutorService scheduler;
  private String lastHash;

  public Reloader(NodeCache server, ConfigSource source, String loadedText) {
    this.server = server;
    this.source = source;
    this.scheduler = server.scheduler();
    this.lastHash = ConfigSource.sha512(loadedText + dirState());
  }

  /** Schedules periodic checks when the Corefile has {@code reload} or a ConfigMap directory is used. */
  public void start() {
    long delay = nextDelayMillis();
    if (delay > 0) {
      scheduler.schedule(this::tick, delay, TimeUnit.MILLISECONDS);
    }
  }

  private long nextDelayMillis() {
    var r = server.reloadSettings();
    if (r.isEmpty()) {
      return source.kubeDnsDir() != null ? 10_000 : 0;
    }
    long interval = r.get().interval().toMillis();
    long jitter = r.get().jitter().toMillis();
    return interval + (jitter > 0 ? ThreadLocalRandom.current().nextLong(-jitter, jitter + 1) : 0);
  }

  private void tick() {
    try {
      check(false);
    } finally {
      start();
    }
  }

  /**
   * Reads the source; applies it when it changed or when {@code force} (SIGUSR1).
   *
   * @return true when a new config was applied
   */
  public synchronized boolean check(boolean force) {
    String text;
    try {
      text = source.text();
    } catch (ConfigException e) {
      log.error("reload: {}", e.getMessage());
      return false;
    }
    String hash = ConfigSource.sha512(text + dirState());
    if (!force && hash.equals(lastHash)) {
      return false;
    }
    lastHash = hash;
    Corefile c;
    try {
      c = source.parse(text);
    } catch (ConfigException e) {
      server.reloadFailed(e.getMessage());
      return false;
    }
    return server.reload(c);
  }

  /** The ConfigMap directory's content, so a change there triggers a reload even if the text is the same. */
  private String dirState() {
    Path dir = source.kubeDnsDir();
    if (dir == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    try (var files = Files.list(dir)) {
      for (Path p : files.sorted().toList()) {
        if (!p.getFileName().toString().startsWith(".") && Files.isRegularFile(p)) {
          sb.append(p.getFileName()).append('=').append(Files.readString(p)).append('\n');
        }
      }
    } catch (Exception e) {
      return "";
    }
    return sb.toString();
  }
}
