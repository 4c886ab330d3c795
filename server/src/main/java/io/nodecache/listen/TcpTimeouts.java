package io.nodecache.listen;

import java.time.Duration;

/**
 * The {@code timeouts} of a listener's TCP connections (CoreDNS's server read, write and idle
 * timeouts); a null field keeps our default.
 *
 * @param read how long a new connection may take to send its first complete query; null: the idle
 *     timeout covers it
 * @param write how long writing one answer may take before the connection is closed; null: no limit
 * @param idle how long a connection with no query in flight may stay silent; null: {@link
 *     ListenerOptions#tcpIdle}
 */
public record TcpTimeouts(Duration read, Duration write, Duration idle) {

  public static final TcpTimeouts NONE = new TcpTimeouts(null, null, null);

  /** This with every field {@code later} sets replaced: a later server block on the address wins. */
  public TcpTimeouts then(TcpTimeouts later) {
    return new TcpTimeouts(
        later.read != null ? later.read : read,
        later.write != null ? later.write : write,
        later.idle != null ? later.idle : idle);
  }
}
