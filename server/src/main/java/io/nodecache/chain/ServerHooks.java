package io.nodecache.chain;

import java.net.InetSocketAddress;

/** What a plugin may ask of the running server, beyond building its handler. */
public interface ServerHooks {

  /** For handlers built outside a server (benchmarks, unit tests): no listener, fatal throws. */
  ServerHooks NONE =
      new ServerHooks() {
        @Override
        public InetSocketAddress listenAddress(int port) {
          return null;
        }

        @Override
        public void fatal(String message) {
          throw new IllegalStateException(message);
        }
      };

  /**
   * The address a listener of this server serves {@code port} on, with 127.0.0.1 for a wildcard bind
   * (0: any port); null when none is bound yet.
   */
  InetSocketAddress listenAddress(int port);

  /** Stops the server on a condition it cannot serve through, such as a forwarding loop. */
  void fatal(String message);
}
