package io.nodecache.forward;

import java.util.concurrent.CompletionException;

/** Why one try towards an upstream failed; carries no stack trace (it is an expected outcome). */
final class UpstreamException extends Exception {

  private static final long serialVersionUID = 1L;

  enum Kind {
    /** No matching answer within the per-try read timeout. */
    TIMEOUT,
    /** The pooled TCP connection was closed by the peer with the query in flight. */
    CLOSED,
    /** Connect or write failed. */
    NETWORK,
    /** The in-flight cap towards this upstream is reached. */
    OVERLOADED
  }

  private final Kind kind;

  UpstreamException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  Kind kind() {
    return kind;
  }

  /** The kind of {@code t} (unwrapping completion wrappers), or NETWORK for anything unexpected. */
  static Kind kindOf(Throwable t) {
    Throwable c = t;
    while (c instanceof CompletionException && c.getCause() != null) {
      c = c.getCause();
    }
    return c instanceof UpstreamException u ? u.kind : Kind.NETWORK;
  }
}
