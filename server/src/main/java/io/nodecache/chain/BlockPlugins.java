package io.nodecache.chain;

import java.util.List;
import java.util.Optional;

/**
 * The handlers of one server block, for a plugin that works with another one of its block (autopath
 * asks kubernetes for a client's search path). Filled once the whole block is built, so a plugin
 * looks its partner up at start or per query, never while it is being created.
 */
public final class BlockPlugins {

  private volatile List<Handler> handlers = List.of();

  /** Called by the server once the block's chain is built. */
  public void set(List<Handler> built) {
    handlers = List.copyOf(built);
  }

  /** The block's handler of that directive, if the block has it and it is a {@code type}. */
  public <T> Optional<T> find(String directive, Class<T> type) {
    for (Handler h : handlers) {
      if (h.name().equals(directive) && type.isInstance(h)) {
        return Optional.of(type.cast(h));
      }
    }
    return Optional.empty();
  }

  /** The first handler of the block that is a {@code type}, whatever its directive. */
  public <T> Optional<T> first(Class<T> type) {
    for (Handler h : handlers) {
      if (type.isInstance(h)) {
        return Optional.of(type.cast(h));
      }
    }
    return Optional.empty();
  }
}
