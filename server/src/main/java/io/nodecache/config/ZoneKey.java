package io.nodecache.config;

/**
 * A server block key: a zone in canonical form (lower case, absolute, {@code "."} for the root) and
 * its port.
 */
public record ZoneKey(String zone, int port) {
  @Override
  public String toString() {
    return zone + ":" + port;
  }
}
