package io.nodecache.listen;

import io.netty.buffer.ByteBuf;

/** Sends one answer back to the client the query came from; may be called from any thread. */
@FunctionalInterface
public interface Responder {
  void send(ByteBuf answer);
}
