package io.nodecache.config;

/** A configuration error; the message is one line naming the place and the reason. */
public final class ConfigException extends Exception {

  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(Location where, String reason) {
    super(where + ": " + reason);
  }
}
