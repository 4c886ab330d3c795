package io.nodecache.node;

/** A node setup step failed; the message is one line an operator can act on. */
final class SetupException extends Exception {

  private final String errorType;

  SetupException(String errorType, String message) {
    super(message, null, false, false);
    this.errorType = errorType;
  }

  /** The {@code errortype} label of {@code coredns_nodecache_setup_errors_total}. */
  String errorType() {
    return errorType;
  }
}
