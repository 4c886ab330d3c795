package io.nodecache.chain;

/**
 * Optional hooks for handlers that own resources (informers, connection pools, timers). The server
 * calls {@link #start()} once before serving, {@link #ready()} for {@code /ready}, and {@link #stop()}
 * on shutdown or when a reload replaces the handler.
 */
public interface Lifecycle {

  default void start() throws Exception {}

  /** True once the handler can answer from its own data; {@code /ready} is 503 until all are ready. */
  default boolean ready() {
    return true;
  }

  default void stop() {}
}
