package io.nodecache.handoff;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Zero-loss restart (flag {@code -handoff PATH}): before binding, take the running instance's DNS
 * sockets over the unix socket at PATH; once serving, tell it to stop reading them, then offer our
 * sockets to the next instance at the same PATH. The kernel sockets never close, so no queued datagram
 * or pending connection is lost. Needs epoll; with NIO it logs and does nothing.
 */
public final class Handoff implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Handoff.class);

  private final Path path;
  private final HandoffHost server;
  private final Duration timeout;
  private final Duration overlap;
  private Optional<HandoffClient.Received> received = Optional.empty();
  private Optional<HandoffClient.Received> previous = Optional.empty();
  private volatile HandoffServer offer;

  /** A hand-off whose old instance stops reading as soon as we serve (no overlap). */
  public Handoff(Path path, HandoffHost server, Duration timeout) {
    this(path, server, timeout, Duration.ZERO);
  }

  /**
   * @param timeout how long each step of the conversation may take
   * @param overlap how long both instances read the sockets after we started, before we tell the old
   *     one to stop ({@code -handoff-overlap})
   */
  public Handoff(Path path, HandoffHost server, Duration timeout, Duration overlap) {
    this.path = path;
    this.server = server;
    this.timeout = timeout;
    this.overlap = overlap;
  }

  private boolean usable() {
    if (!server.transport().isEpoll()) {
      log.warn("-handoff needs the native epoll transport; starting without hand-off");
      return false;
    }
    return true;
  }

  /**
   * Before the server starts: receives the running instance's sockets, if one answers at the
   * path, and gives them to the server to adopt.
   *
   * @return whether sockets were received
   */
  public boolean takeOver() {
    if (!usable()) {
      return false;
    }
    received = HandoffClient.receive(path, timeout);
    received.ifPresent(
        r -> {
          server.adopt(r.sockets());
          int n = CacheTransfer.restore(server, r.cache(timeout));
          log.info("hand-off: took {} cache entries from the running instance", n);
        });
    if (received.isEmpty()) {
      try {
        int n = CacheTransfer.load(server, cacheFile());
        if (n > 0) {
          log.info("hand-off: took {} cache entries from {}", n, cacheFile());
        }
      } catch (IOException | RuntimeException e) {
        log.warn("hand-off: cannot read {}: {}", cacheFile(), e.toString());
      }
    }
    return received.isPresent();
  }

  /**
   * After the server starts: both instances read the sockets for the overlap, then we tell the old
   * one we serve them (it stops reading them), then offer ours at the path.
   *
   * <p>The overlap: a datagram on a shared socket goes to whichever reader takes it first. Our first
   * seconds of real traffic still compile and deoptimize what the warm-up's synthetic load did not
   * reach, and while an event loop of ours is slow the old instance, compiled long ago, takes what
   * queues instead of the queue waiting for us.
   */
  public void started() throws Exception {
    if (!usable()) {
      return;
    }
    if (received.isPresent() && !overlap.isZero()) {
      log.info("hand-off: both instances read the sockets for {} ms; then the old one stops", overlap.toMillis());
      Thread.sleep(overlap.toMillis());
    }
    received.ifPresent(r -> r.confirm(timeout));
    previous = received;
    received = Optional.empty();
    offer();
  }

  private synchronized void offer() throws Exception {
    offer =
        new HandoffServer(
            path,
            server::listenerSockets,
            server::handedOver,
            this::resume,
            sink -> CacheTransfer.encode(server, sink));
    offer.start();
    log.info("hand-off: offering our DNS sockets to the next instance at {}", path);
  }

  /** The instance that took over went away while we run: serve again and offer again. */
  private void resume() {
    if (!server.resume()) {
      return;
    }
    log.warn("hand-off: the instance that took our DNS sockets went away; serving them again");
    try {
      offer();
    } catch (Exception e) {
      log.warn("hand-off: cannot listen on {} again: {}", path, e.toString());
    }
  }

  /** The start failed after sockets were received: the old instance keeps serving. */
  public void abandon() {
    received.ifPresent(HandoffClient.Received::abandon);
    received = Optional.empty();
  }

  /** Whether a newer instance took our sockets over (it owns the node's addresses and rules now). */
  public boolean handedOver() {
    return offer != null && offer.takenOver();
  }

  /**
   * On a stop: while a new instance is connected and has not taken our sockets yet, waits for it (at
   * most {@code max}), so that the stop is one of a handed-over instance when it does.
   */
  public boolean awaitTaker(Duration max) throws InterruptedException {
    HandoffServer o = offer;
    return o != null && o.awaitTaker(max.toMillis());
  }

  /** Where the cache goes on a stop without hand-off: next to the socket, {@code PATH.cache}. */
  Path cacheFile() {
    return path.resolveSibling(path.getFileName() + ".cache");
  }

  /**
   * Stops offering the sockets (a hand-off already confirmed stays valid). Unless a newer instance
   * took over (it has our cache), writes the cache to {@link #cacheFile()} for the next start.
   */
  @Override
  public synchronized void close() {
    if (offer != null) {
      offer.close();
    }
    if (usable() && !server.isHandedOver()) {
      try {
        CacheTransfer.save(server, cacheFile());
      } catch (IOException | RuntimeException e) {
        log.warn("hand-off: cannot write {}: {}", cacheFile(), e.toString());
      }
    }
    previous.ifPresent(HandoffClient.Received::abandon);
  }
}
