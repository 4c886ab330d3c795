package io.nodecache.server;

/**
 * The states of a running server, and the only transitions between them.
 *
 * <pre>
 * STARTING ──start──▶ SERVING ──SIGTERM──▶ LAMEDUCK ──▶ STOPPING ──▶ STOPPED
 *                      ▲   │                  │            ▲
 *               resume │   │ a new instance   │ taken over │
 *                      │   ▼ took our sockets ▼            │
 *                     HANDED_OVER ─────────────────SIGTERM─┘
 * </pre>
 *
 * Any state may go to STOPPED (a failed start, a fatal error). Only SERVING answers {@code /ready}
 * with 200 and accepts a reload.
 */
public enum ServerState {
  /** Built and validated; plugins start, listeners bind. */
  STARTING,
  /** Listeners read and answer; {@code /ready} follows the plugins. */
  SERVING,
  /** Stopping gracefully: {@code /ready} is 503 while the health lameduck period passes, still answering. */
  LAMEDUCK,
  /** A newer instance reads our sockets; we answer what is in flight and keep our open TCP connections. */
  HANDED_OVER,
  /** Listeners closed; in-flight queries drain. */
  STOPPING,
  /** Everything released. */
  STOPPED;

  /** Whether the lifecycle allows going from this state to {@code next}. */
  public boolean canMoveTo(ServerState next) {
    return switch (this) {
      case STARTING -> next == SERVING || next == STOPPED;
      case SERVING -> next == LAMEDUCK || next == HANDED_OVER || next == STOPPED;
      case LAMEDUCK -> next == HANDED_OVER || next == STOPPING || next == STOPPED;
      case HANDED_OVER -> next == SERVING || next == STOPPING || next == STOPPED;
      case STOPPING -> next == STOPPED;
      case STOPPED -> false;
    };
  }
}
