package io.nodecache.k8s;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops {@link KubernetesPlugin}'s API client. The start runs on the caller's thread, or on a
 * thread of its own when a snapshot already answers and nothing waits for the first sync: building the
 * client and its informers took the main thread about 1 s before the first answer (fabric8's mock API
 * server, JDK 25 with the AOT cache). Without a snapshot the zones go to the next handler (forward)
 * until the first sync, and a cache in front may keep those answers, so that start stays on the
 * caller's thread, as does one with {@code startup_timeout}, which waits for the sync anyway. A stop
 * during a start waits for it, and the start then does nothing more.
 */
final class ApiStarter {

  private static final Logger log = LoggerFactory.getLogger(ApiStarter.class);

  private final Object lock = new Object();
  private volatile ApiSource api;
  private boolean stopped;

  /**
   * Starts {@code source}: {@code onSynced} runs at its first sync, {@code afterStart} once it started
   * (and synced, when {@code startupTimeout} waits for that).
   */
  void start(ApiSource source, Duration startupTimeout, boolean ownThread, Runnable onSynced,
      Consumer<ApiSource> afterStart) throws InterruptedException {
    if (!ownThread) {
      run(source, startupTimeout, onSynced, afterStart);
      return;
    }
    Thread t = new Thread(() -> {
      try {
        run(source, startupTimeout, onSynced, afterStart);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        log.error("kubernetes: starting the API client failed; the zones are answered from the snapshot", e);
      }
    }, "nodecache-k8s-start");
    t.setDaemon(true);
    t.start();
  }

  private void run(ApiSource source, Duration startupTimeout, Runnable onSynced, Consumer<ApiSource> afterStart)
      throws InterruptedException {
    CompletableFuture<Void> synced;
    synchronized (lock) {
      if (stopped) {
        return;
      }
      api = source;
      synced = source.start().thenRun(onSynced);
    }
    ApiSource.awaitFirstSync(synced, startupTimeout);
    synchronized (lock) {
      if (!stopped) {
        afterStart.accept(source);
      }
    }
  }

  /** The client's source once a start began, else null. */
  ApiSource api() {
    return api;
  }

  void stop() {
    synchronized (lock) { // after a start in progress, which then sees stopped
      stopped = true;
    }
    ApiSource a = api;
    if (a != null) {
      a.close();
    }
  }
}
