package io.nodecache.chain;

/**
 * A handler that lowers the EDNS UDP payload size requesters advertise (CoreDNS's {@code bufsize}).
 * The listener echoes the advertised size, at most this limit, in the answer's OPT record, as CoreDNS
 * does once {@code bufsize} changed the request's OPT in place.
 */
public interface PayloadLimit {

  /** The largest advertised size this block's answers echo. */
  int udpPayloadLimit();
}
