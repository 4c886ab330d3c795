package io.nodecache.chain;

import io.nodecache.wire.FastQuery;

/**
 * Optional byte-level entry of a handler, tried before the query is decoded. A cache hit or a
 * cluster-zone hit is answered from stored wire bytes here without building a dnsjava {@code Message}.
 * The listener walks the block's handlers in chain order and stops at the first that does not
 * implement this interface or that answers {@link Result#SLOW}.
 */
public interface FastPath {

  enum Result {
    /** The handler put its answer into {@link FastQuery#reply}. */
    ANSWERED,
    /** Not this handler's concern: try the next handler's fast path. */
    PASS,
    /** Take the decoded path through the whole chain. */
    SLOW
  }

  Result fast(FastQuery query);
}
