package io.nodecache.listen;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * Sends an answer back on the channel the query came in on; may be called from any thread. One per
 * channel, so that a query allocates none.
 */
@FunctionalInterface
public interface Responder {

  /**
   * @param answer the answer bytes, released by the responder
   * @param client the query's sender (a UDP socket answers many; a TCP connection has one)
   */
  void send(ByteBuf answer, InetSocketAddress client);

  /** The query will get no answer (a response or a runt dropped on the decoded path). */
  default void dropped() {}
}
