package io.nodecache.config;

/** A place in a config file, printed as {@code file:line}. */
public record Location(String file, int line) {
  @Override
  public String toString() {
    return file + ":" + line;
  }
}
