package io.nodecache.listen;

import java.time.Duration;

/**
 * Socket and RFC 7766 limits of the DNS listeners; {@link #DEFAULTS} holds the defaults in one place.
 *
 * @param udpReceiveBuffer SO_RCVBUF of each UDP socket (a burst must fit while the event loop is busy)
 * @param udpBatch datagrams read per recvmmsg call
 * @param tcpIdle idle timeout of a TCP connection
 * @param tcpMaxConnections open TCP connections per listener; more are closed on accept
 * @param tcpMaxInFlight queries in flight per TCP connection before reading pauses
 */
public record ListenerOptions(
    int udpReceiveBuffer, int udpBatch, Duration tcpIdle, int tcpMaxConnections, int tcpMaxInFlight) {

  public static final ListenerOptions DEFAULTS =
      new ListenerOptions(8 * 1024 * 1024, 32, Duration.ofSeconds(10), 1024, 128);
}
